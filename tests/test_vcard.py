"""The vCard reader/writer (interop/vcard.py): one test per real export in
/work/shared/samples/vcf/ (skipped when that directory is absent), unit tests of each reading rule
(line ends, unfolding, QUOTED-PRINTABLE soft breaks and charsets, escapes, 2.1 commas, parameter
forms, groups and Apple/Google labels, date forms, relations, nesting errors with line numbers),
the writer (escaping, folding at 75 octets) and round trips, including a Hypothesis property
test. No database is needed."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pa_tui.errors import PaError
from pa_tui.interop import vcard
from pa_tui.interop.vcard import Card, VCardError, read_cards, write_cards

SAMPLES = Path("/work/shared/samples/vcf")
SAMPLE_FILES = (
    "android_v21_qp_utf8_multi.vcf",
    "broken_missing_end_vcard.vcf",
    "cardbook_bday_without_year.vcf",
    "davx5_allfields_related_anniversary.vcf",
    "evolution_small_inline_png_photos.vcf",
    "evolution_spouse_anniversary.vcf",
    "fullcontact_v4_multi_tel_email.vcf",
    "google_contacts_relatednames_abdate.vcf",
    "iphone_ios5_crcrlf_photo.vcf",
    "korean_v4_fn_only.vcf",
    "outlook2007_v21_spouse_anniversary.vcf",
    "related_child_text.vcf",
    "thunderbird_mffab_spouse_anniversary_photo.vcf",
)
GOOD_SAMPLES = tuple(name for name in SAMPLE_FILES if not name.startswith("broken_"))


def sample_path(name: str) -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"sample vCards not available: {SAMPLES} does not exist")
    return SAMPLES / name


def read_sample(name: str) -> list[Card]:
    path = sample_path(name)
    return read_cards(path.read_bytes(), str(path))


def read(text: str, path: str = "t.vcf") -> list[Card]:
    return read_cards(text.encode("utf-8"), path)


def one(body: str, version: str = "3.0") -> Card:
    """The single card of BEGIN/VERSION + body + END (body lines joined with CRLF)."""
    lines = ["BEGIN:VCARD", f"VERSION:{version}", *body.splitlines(), "END:VCARD"]
    cards = read("\r\n".join(lines) + "\r\n")
    assert len(cards) == 1
    return cards[0]


def comparable(cards: list[Card]) -> list[Card]:
    return [dataclasses.replace(card, line=0, version="") for card in cards]


def error_of(data: bytes | str, path: str = "t.vcf") -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(VCardError) as info:
        read_cards(raw, path)
    message = str(info.value)
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------- the sample files


def test_every_sample_file_has_a_test() -> None:
    present = sorted(p.name for p in sample_path("").glob("*.vcf"))
    assert present == sorted(SAMPLE_FILES)


def test_android_v21_qp_utf8_multi() -> None:
    cards = read_sample("android_v21_qp_utf8_multi.vcf")
    assert [c.line for c in cards] == [1, 6, 11, 18, 36, 71]
    assert {c.version for c in cards} == {"2.1"}
    # No N or FN: the first EMAIL names the card.
    assert cards[0].name == "john.doe@company.com"
    assert cards[0].emails == [("other", "john.doe@company.com")]
    assert cards[0].categories == ["My Contacts"]
    assert cards[1].name == "jane.doe@company.com"
    # CHARSET=UTF-8 QUOTED-PRINTABLE, trailing =20 kept (text is data).
    assert cards[2].name == "Ñ Ñ Ñ Ñ Ñ "
    assert cards[2].family_name == "Ñ Ñ Ñ Ñ "
    assert cards[2].given_name is None
    assert cards[2].phones == [("mobile", "123456789")]
    # N, FN and two NOTEs continue over "=" soft line breaks with no leading whitespace.
    assert cards[3].name == "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"
    assert cards[3].family_name == cards[3].name
    assert cards[3].phones == [
        ("mobile", "123456"),
        ("home", "234567"),
        ("mobile", "3456789"),
        ("home", "45678901"),
    ]
    note = "Ñ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ "
    assert cards[3].notes == note + "\n" + note
    card = cards[4]
    assert (card.given_name, card.family_name, card.name) == ("Ñ Ñ Ñ ", "Ñ Ñ ", "Ñ Ñ Ñ Ñ ")
    assert card.emails == [("work", "bob@company.com"), ("other", "Ñ" * 14)]
    assert card.phones == [("mobile", "123456"), ("work", "123456"), ("fax", "123456")]
    assert card.org == "Ñ" * 12
    assert card.categories == []  # the folded base64 PHOTO before END did not swallow anything
    # An ORG over four soft breaks and a blank line; its stray "=80" byte in a later ORG is
    # replaced, not fatal.
    assert cards[5].org == "Ñ" * 44
    assert cards[5].name == "ÑÑÑÑ"
    assert cards[5].emails == [("other", "henry@company.com")]
    assert cards[5].categories == ["My Contacts"]


def test_broken_missing_end_vcard() -> None:
    path = sample_path("broken_missing_end_vcard.vcf")
    message = error_of(path.read_bytes(), str(path))
    assert message.startswith(f"{path}:1: ")
    assert "END:VCARD" in message


def test_cardbook_bday_without_year() -> None:
    (card,) = read_sample("cardbook_bday_without_year.vcf")
    assert card.version == "3.0"
    assert card.uid == "d0bd27f0-5c7c-4540-b9b6-91314b8361f1"
    assert card.name == "Test bday without year Thunderbird CardBook"
    assert card.birthday == (None, 1, 1)  # BDAY:16040101, CardBook's "no year"
    assert (card.given_name, card.family_name) == (None, None)  # N:;;;;


def test_davx5_allfields_related_anniversary() -> None:
    (card,) = read_sample("davx5_allfields_related_anniversary.vcf")
    assert card.uid == "mostfields1@at.bitfire.vcard4android"
    assert card.name == "Ämi Display"
    assert (card.given_name, card.family_name) == ("Firstname", "Lastname")
    assert card.org == "ABC, Inc."
    assert card.title == "Director, Research and Development"
    assert card.emails == [("home", "private@example.com"), ("work", "work@example.com")]
    assert card.phones == [("home", "+49 1234 56788"), ("fax", "+1-800-MYFAX")]
    assert card.addresses == [
        ("work", "6544 Battleford Drive, Raleigh, NC, 27613-3502, U.S.A."),
        (
            "work",
            "Postfach 314, vorne hinten, Teststraße 22, Mönchspfaffingen, 4043, Klöster-Reich",
        ),
    ]
    assert card.birthday == (1996, 4, 15)  # 1996-04-15T201243+04:00
    assert card.anniversary == (2014, 8, 12)
    assert card.related == [("colleague", "Ägidius"), ("parent", "muuum@example.com")]
    assert card.notes == "This fax number is operational 0800 to 1715 EST, Mon-Fri.\nSecond note"
    assert card.categories == ["A", "B\\'C"]  # \' is no vCard escape: kept as it stands


def test_evolution_small_inline_png_photos() -> None:
    (card,) = read_sample("evolution_small_inline_png_photos.vcf")
    assert card.uid == "pas-id-54B2522600000001"
    assert card.name == "Good Looking"
    assert (card.given_name, card.family_name) == ("Good", "Looking")
    assert card.emails == [("work", "goodlooking@example.com")]  # after two folded PHOTOs
    assert card.phones == []


def test_evolution_spouse_anniversary() -> None:
    (card,) = read_sample("evolution_spouse_anniversary.vcf")
    assert card.uid == "477343c8e6bf375a9bac1f96a5000837"
    assert card.name == "Mr. John Richter, James Doe Sr."
    assert (card.given_name, card.family_name) == ("John", "Doe")
    assert (card.org, card.title) == ("IBM", "Money Counter")
    # Values folded mid-word: "905-666\r\n -1234", "9\r\n 05-555-1234", "john.\r\n doe@ibm.com".
    assert card.phones == [("mobile", "905-666-1234"), ("work", "905-555-1234")]
    assert card.emails == [("work", "john.doe@ibm.com")]
    assert card.addresses == [
        (
            "home",
            "ASB-123, 15 Crescent moon drive, Albaney, New York, 12345, United States of America",
        )
    ]
    assert card.related == [
        ("spouse", "Maria"),
        ("reports-to", "Big Blue"),
        ("assistant", "Little Red"),
    ]
    assert card.birthday == (1980, 3, 22)
    assert card.anniversary == (1980, 3, 22)
    assert card.categories == ["VIP"]
    assert card.notes is not None
    assert card.notes.startswith(
        'THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"'
    )
    assert "WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE" in card.notes
    assert "SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS" in card.notes
    assert card.notes.endswith("EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.")
    assert "\n" not in card.notes


def test_fullcontact_v4_multi_tel_email() -> None:
    (card,) = read_sample("fullcontact_v4_multi_tel_email.vcf")
    assert card.version == "4.0"
    assert card.name == "Prefix FirstName MiddleName LastName Suffix"
    assert (card.given_name, card.family_name) == ("FirstName", "LastName")
    assert (card.org, card.title) == ("Organization1", "Title1")  # the first of two each
    assert [kind for kind, _ in card.phones] == [
        "home",
        "work",
        "mobile",
        "mobile",
        "other",
        "fax",
        "fax",
        "other",
        "other",
    ]
    assert card.phones[0] == ("home", "555-555-1111")
    assert card.emails == [
        ("home", "home@example.com"),
        ("work", "work@example.com"),
        ("other", "school@example.com"),
        ("other", "other@example.com"),
        ("other", "custom@example.com"),
    ]
    assert len(card.addresses) == 4
    assert card.addresses[0] == (
        "home",
        "HomeExtended, HomeStreet, HomeCity, HomeState, HomePostal, HomeCountry",
    )
    assert [kind for kind, _ in card.addresses] == ["home", "work", "other", "other"]
    assert card.birthday == (2016, 8, 1)  # the date of the ALTID pair
    # Hidden in X-FCENCODED-<hex of "X-FC-OtherDates:Anniversary">.
    assert card.anniversary == (2016, 8, 2)
    assert card.related == [
        ("parent", "Mother"),
        ("parent", "Father"),
        ("parent", "Parent"),
        ("custom:Brother", "Brother"),
        ("custom:Sister", "Sister"),
        ("child", "Child"),
        ("custom:Friend", "Friend"),
        ("spouse", "Spouse"),
        ("custom:Fiancé", "Fiance"),
        ("partner", "Partner"),
        ("assistant", "Assistant"),
        ("reports-to", "Manager"),
        ("custom:Other", "Other"),
        ("custom:CustomTYPE", "Custom"),
    ]
    assert card.notes == "Notes line 1\nNotes line 2"
    assert card.categories == ["Tag"]


def test_google_contacts_relatednames_abdate() -> None:
    (card,) = read_sample("google_contacts_relatednames_abdate.vcf")
    assert card.name == "VCard Test"
    assert (card.org, card.title) == ("TheCompany", "TheJobTitle")
    assert [kind for kind, _ in card.emails] == ["other", "home", "work", "other", "other"]
    assert len(card.phones) == 11
    assert [kind for kind, _ in card.phones].count("fax") == 2
    assert ("mobile", "5555551115") in card.phones
    assert ("other", "5555551119") in card.phones  # item2 labelled GRAND_CENTRAL
    assert card.addresses[1] == ("home", "112 Main St, NY, New York, 10011")
    assert [kind for kind, _ in card.addresses] == ["other", "home", "work", "other", "other"]
    assert card.birthday == (1912, 6, 23)
    assert card.anniversary == (1930, 3, 20)  # item9.X-ABDATE with _$!<Anniversary>!$_
    assert card.related == [
        ("custom:related", "Name1"),
        ("spouse", "Name2"),
        ("child", "Name3"),
        ("parent", "Name4"),
        ("parent", "Name5"),
        ("parent", "Name6"),
        ("custom:brother", "Name7"),
        ("custom:sister", "Name8"),
        ("custom:friend", "Name9"),
        ("custom:relative", "Name10"),
        ("reports-to", "Name11"),
        ("assistant", "Name12"),
        ("custom:referred by", "Name13"),
        ("partner", "Name14"),
        ("partner", "Name15"),
        ("custom:CustomRelationCategory", "Name16"),
    ]
    assert card.notes == "note line 1\nnote line 2\nCustomField: field value"


def test_iphone_ios5_crcrlf_photo() -> None:
    path = sample_path("iphone_ios5_crcrlf_photo.vcf")
    assert path.read_bytes().count(b"\r\r\n") > 500  # really CR CR LF with a ~45 KB photo
    assert path.stat().st_size > 45_000
    (card,) = read_sample("iphone_ios5_crcrlf_photo.vcf")
    assert card.line == 1
    assert card.name == "Mr. John Richter James Doe Sr."
    assert (card.given_name, card.family_name) == ("John", "Doe")
    assert (card.org, card.title) == ("IBM", "Money Counter")
    assert card.emails == [("other", "john.doe@ibm.com")]
    assert card.phones == [
        ("mobile", "905-555-1234"),
        ("home", "905-666-1234"),
        ("work", "905-777-1234"),
        ("fax", "905-888-1234"),
        ("fax", "905-999-1234"),
        ("other", "905-111-1234"),
        ("other", "905-222-1234"),
    ]
    assert card.addresses == [
        ("home", "Silicon Alley 5, New York, New York, 12345, United States of America"),
        ("work", "Street4, Building 6, Floor 8, New York, 12345, USA"),
    ]
    assert card.birthday == (2012, 6, 6)  # BDAY;value=date:, after which comes the photo
    assert card.notes is None


def test_korean_v4_fn_only() -> None:
    (card,) = read_sample("korean_v4_fn_only.vcf")
    assert card.version == "4.0"
    assert card.name == "최유림"
    assert (card.uid, card.given_name, card.family_name) == (None, None, None)


def test_outlook2007_v21_spouse_anniversary() -> None:
    (card,) = read_sample("outlook2007_v21_spouse_anniversary.vcf")
    assert card.version == "2.1"
    assert card.name == "Mr. Michael Angstadt Jr."
    assert (card.given_name, card.family_name) == ("Michael", "Angstadt")
    assert (card.org, card.title) == ("TheCompany", "TheJobTitle")
    # CHARSET=us-ascii QUOTED-PRINTABLE with =0D=0A= soft breaks; the tab stays.
    assert card.notes == (
        "This is the NOTE field\t\n"
        "I assume it encodes this text inside a NOTE vCard type.\n"
        "But I'm not sure because there's text formatting going on here.\n"
        "It does not preserve the formatting"
    )
    assert card.phones == [
        ("work", "(111) 555-1111"),
        ("home", "(111) 555-2222"),
        ("mobile", "(111) 555-4444"),
        ("fax", "(111) 555-3333"),
    ]
    assert card.emails == [("other", "mike.angstadt@gmail.com")]  # after the empty-valued KEY
    assert card.addresses == [("work", "TheOffice, 222 Broadway, New York, NY, 99999, USA")]
    assert card.birthday == (1922, 3, 10)  # BDAY:19220310
    assert card.anniversary == (2012, 8, 1)  # X-MS-ANNIVERSARY:20120801
    assert card.related == [
        ("reports-to", "TheManagerName"),
        ("assistant", "TheAssistantName"),
        ("spouse", "TheSpouse"),
    ]


def test_related_child_text() -> None:
    (card,) = read_sample("related_child_text.vcf")
    assert card.name == "Test Tester"
    assert card.uid == "40f8971c-1d3a-466f-8cf5-55aad2021e1a"
    assert card.related == [("child", "Child Tester")]
    assert card.phones == [("home", "+1-800-123456")]


def test_thunderbird_mffab_spouse_anniversary_photo() -> None:
    (card,) = read_sample("thunderbird_mffab_spouse_anniversary_photo.vcf")
    assert card.name == "John Doe"
    assert (card.given_name, card.family_name) == ("John", "Doe")  # N:Doe;John, two parts
    assert (card.org, card.title) == ("TheOrganization", "TheTitle")
    assert len(card.emails) == 5
    assert card.emails[0] == ("other", "doe.john@hotmail.com")
    assert [kind for kind, _ in card.phones] == ["work", "home", "mobile", "fax", "other"]
    assert card.addresses == [
        ("work", "222 Broadway, Suite 100, New York, NY, 98765, USA"),
        ("home", "123 Main St, Apt 10, Austin, TX, 12345, USA"),
    ]
    assert card.birthday == (1970, 9, 21)
    assert card.anniversary == (1990, 4, 30)
    assert card.related == [("spouse", "TheSpouse")]
    assert card.notes == (
        "This is the notes field.\nSecond Line\n\nFourth Line\n"
        'You can put anything in the "note" field; even curse words.'
    )
    # The commas are escaped, so by the RFC this is one category.
    assert card.categories == ["category1, category2, category3"]


@pytest.mark.parametrize("name", GOOD_SAMPLES)
def test_sample_round_trip(name: str) -> None:
    cards = read_sample(name)
    written = write_cards(cards)
    again = read_cards(written.encode("utf-8"), "written.vcf")
    assert comparable(again) == comparable(cards)
    assert {card.version for card in again} == {"3.0"}


# --------------------------------------------------------------------------- line ends, folding


def test_all_line_end_styles_read_alike() -> None:
    body = ["BEGIN:VCARD", "VERSION:3.0", "FN:Ann", "NOTE:one", " two", "END:VCARD"]
    results = []
    for end in ("\r\n", "\n", "\r", "\r\r\n"):
        results.append(read(end.join(body + body) + end))
    assert all(cards == results[0] for cards in results)
    assert [c.line for c in results[0]] == [1, 7]
    assert results[0][0].notes == "onetwo"


def test_mixed_line_ends_and_blank_lines() -> None:
    text = "\r\nBEGIN:VCARD\nVERSION:3.0\r\n\r\nFN:Ann\r\r\n\nEND:VCARD\r\n  \r\n\r\n"
    (card,) = read(text)
    assert card.line == 2
    assert card.name == "Ann"
    # A whitespace-only line is a fold continuing the line before it (here the FN).
    assert read("BEGIN:VCARD\nFN:Ann\n  \nEND:VCARD\n")[0].name == "Ann "


def test_unfolding_drops_one_space_or_tab() -> None:
    card = one("NOTE:a\r\n  b\r\n\tc\r\n \td")
    assert card.notes == "a b" + "c" + "\td"


def test_bom_is_stripped() -> None:
    (card,) = read_cards(b"\xef\xbb\xbfBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n", "t")
    assert card.name == "Ann"


def test_qp_soft_break_without_whitespace() -> None:
    card = one(
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:first =C3=\r\n=A9t=C3=A9=0D=0A=\r\nsecond line",
        "2.1",
    )
    assert card.notes == "first été\nsecond line"


def test_qp_soft_break_with_bare_parameter_and_next_property() -> None:
    card = one("NOTE;QUOTED-PRINTABLE:a=\r\nb\r\nTITLE:Boss", "2.1")
    assert (card.notes, card.title) == ("ab", "Boss")


def test_qp_soft_break_does_not_swallow_end_vcard() -> None:
    text = "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;QUOTED-PRINTABLE:abc=\r\nEND:VCARD\r\n"
    cards = read(text + text)
    assert [(c.line, c.notes) for c in cards] == [(1, "abc"), (5, "abc")]


def test_trailing_equals_outside_qp_is_no_soft_break() -> None:
    card = one("NOTE:x=\r\nTITLE:Boss")
    assert (card.notes, card.title) == ("x=", "Boss")


@pytest.mark.parametrize(
    ("charset", "qp", "text"),
    [
        ("utf-8", "=C3=A9t=C3=A9", "été"),
        ("UTF-8", "=E2=82=AC", "€"),
        ("iso-8859-1", "=E9t=E9", "été"),
        ("ISO-8859-1", "M=FCller", "Müller"),
        ("windows-1252", "=80 5", "€ 5"),
        ("us-ascii", "plain=20text", "plain text"),
        ("x-unknown-charset", "=C3=A9", "é"),  # an unknown name falls back to UTF-8
        ("utf-8", "bad=80byte", "bad\ufffdbyte"),  # undecodable bytes are replaced, not fatal
        ("idna", "=C3=A9", "é"),  # a codec that cannot decode with replacement: UTF-8 too
        ("hex", "=C3=A9", "é"),  # not a text encoding
    ],
)
def test_qp_charsets(charset: str, qp: str, text: str) -> None:
    card = one(f"FN;CHARSET={charset};ENCODING=QUOTED-PRINTABLE:{qp}", "2.1")
    assert card.name == text


def test_qp_structured_value_splits_after_decoding() -> None:
    card = one("N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg;;;", "2.1")
    assert (card.given_name, card.family_name, card.name) == ("Jörg", "Müller", "Jörg Müller")


def test_base64_text_value_is_decoded() -> None:
    card = one("NOTE;ENCODING=b;CHARSET=utf-8:w6l0w6k=")
    assert card.notes == "été"


# --------------------------------------------------------------------------- escapes


def test_escapes_in_30() -> None:
    card = one(r"NOTE:a\,b\;c\\d\ne\Nf\:g\qh")
    assert card.notes == "a,b;c\\d\ne\nf:g\\qh"


def test_escaped_backslash_before_n_is_not_a_newline() -> None:
    assert one(r"NOTE:C:\\new").notes == "C:\\new"


def test_text_with_unescaped_commas_and_semicolons_stays_whole() -> None:
    assert one("NOTE:a, b; c", "2.1").notes == "a, b; c"
    assert one("NOTE:a, b; c", "3.0").notes == "a, b; c"
    assert one("TITLE:Head, Sales; EMEA", "2.1").title == "Head, Sales; EMEA"


def test_21_has_no_backslash_n_escape() -> None:
    assert one(r"NOTE:C:\new\;x", "2.1").notes == "C:\\new;x"


def test_structured_values_split_on_unescaped_semicolons() -> None:
    card = one(r"N:O\;Brien\, Jr;Ann\,Marie;;;" + "\r\n" + r"ORG:Smith\; Sons;Sales")
    assert (card.family_name, card.given_name) == ("O;Brien, Jr", "Ann,Marie")
    assert card.org == "Smith; Sons"
    card = one(r"N:O\;Brien;Ann;;;" + "\r\nORG:A, B;Dept", "2.1")
    assert (card.family_name, card.org) == ("O;Brien", "A, B")


def test_categories_split_on_unescaped_commas() -> None:
    assert one(r"CATEGORIES:a,b\,c, d ,,").categories == ["a", "b,c", "d"]
    assert one("CATEGORIES:x\r\nCATEGORIES:y").categories == ["x", "y"]


def test_control_characters_are_kept_as_data() -> None:
    card = one("FN:Ann\x07\x1b[31m")
    assert card.name == "Ann\x07\x1b[31m"


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("TEL;TYPE=work,voice:1", "work"),
        ("TEL;TYPE=work;TYPE=voice:1", "work"),
        ("TEL;WORK;VOICE:1", "work"),
        ("tel;type=HOME:1", "home"),
        ('TEL;TYPE="home,fax":1', "fax"),
        ("TEL;TYPE=CELL;TYPE=pref:1", "mobile"),
        ("TEL;CELL;PREF:1", "mobile"),
        ("TEL;PREF=1;TYPE=cell:1", "mobile"),
        ("TEL;TYPE=iphone:1", "mobile"),
        ("TEL;TYPE=pager:1", "other"),
        ("TEL:1", "other"),
        ("TEL;VALUE=uri;TYPE=work:tel:1", "work"),
        ("TEL;VALUE=URI;TYPE=work:TEL:1", "work"),
    ],
)
def test_phone_parameter_forms(line: str, kind: str) -> None:
    assert one(line).phones == [(kind, "1")]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("EMAIL;TYPE=INTERNET;TYPE=WORK:a@b", "work"),
        ("EMAIL;INTERNET;HOME:a@b", "home"),
        ("EMAIL;PREF;INTERNET:a@b", "other"),
        ("EMAIL;TYPE=school:a@b", "other"),
        ("Email;Type=Work:a@b", "work"),
    ],
)
def test_email_parameter_forms(line: str, kind: str) -> None:
    assert one(line, "2.1" if "INTERNET;" in line else "3.0").emails == [(kind, "a@b")]


def test_quoted_parameter_value_with_colon_and_semicolon() -> None:
    card = one('TEL;X-ID="a:b;c";TYPE=work:555')
    assert card.phones == [("work", "555")]


def test_address_kinds_and_one_line() -> None:
    card = one(
        "ADR;TYPE=home,postal:;;1 Main St;Springfield;IL;62701;USA\r\n"
        "ADR;WORK:PO Box 5;Floor 3;2 Side St;;;;\r\n"
        "ADR:;;Street4\\nBuilding 6;Town;;;\r\n"
        "ADR:;;;;;;"
    )
    assert card.addresses == [
        ("home", "1 Main St, Springfield, IL, 62701, USA"),
        ("work", "PO Box 5, Floor 3, 2 Side St"),
        ("other", "Street4, Building 6, Town"),
    ]


# --------------------------------------------------------------------------- groups and labels


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("_$!<Spouse>!$_", "spouse"),
        ("Spouse", "spouse"),
        ("_$!<Partner>!$_", "partner"),
        ("_$!<Child>!$_", "child"),
        ("_$!<Mother>!$_", "parent"),
        ("Father", "parent"),
        ("_$!<Assistant>!$_", "assistant"),
        ("_$!<Manager>!$_", "reports-to"),
        ("_$!<Brother>!$_", "custom:brother"),
        ("Sister", "custom:Sister"),
        ("_$!<Friend>!$_", "custom:friend"),
        ("_$!<Other>!$_", "custom:other"),
        ("DOMESTIC_PARTNER", "partner"),
        ("REFERRED_BY", "custom:referred by"),
        ("Godmother", "custom:Godmother"),
    ],
)
def test_relatednames_labels(label: str, kind: str) -> None:
    card = one(f"item1.X-ABRELATEDNAMES:Maria\r\nitem1.X-ABLabel:{label}")
    assert card.related == [(kind, "Maria")]


def test_label_before_property_and_case_insensitive_group() -> None:
    card = one("ITEM7.X-ABLABEL:_$!<Spouse>!$_\r\nitem7.x-abrelatednames:Maria")
    assert card.related == [("spouse", "Maria")]


def test_labels_belong_to_their_group_only() -> None:
    card = one(
        "item1.X-ABRELATEDNAMES:Maria\r\nitem1.X-ABLabel:_$!<Spouse>!$_\r\n"
        "item2.X-ABRELATEDNAMES:Leo\r\nX-ABRELATEDNAMES:Kim"
    )
    assert card.related == [
        ("spouse", "Maria"),
        ("custom:related", "Leo"),
        ("custom:related", "Kim"),
    ]


def test_abdate_labels() -> None:
    card = one(
        "item1.X-ABDATE:2001-02-03\r\nitem1.X-ABLabel:Custom\r\n"
        "X-ABDATE:1999-01-01\r\n"
        "item2.X-ABDATE;type=pref:2005-06-07\r\nitem2.X-ABLabel:_$!<Anniversary>!$_"
    )
    assert card.anniversary == (2005, 6, 7)
    assert one("item3.X-ABDATE:--0607\r\nitem3.X-ABLabel:anniversary").anniversary == (None, 6, 7)


def test_phone_kind_from_apple_label() -> None:
    card = one(
        "item1.TEL:1\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n"
        "item2.TEL:2\r\nitem2.X-ABLabel:_$!<HomeFAX>!$_\r\n"
        "item3.TEL:3\r\nitem3.X-ABLabel:_$!<AssistantPhone>!$_"
    )
    assert card.phones == [("mobile", "1"), ("fax", "2"), ("other", "3")]
    card = one(
        "item1.EMAIL:a@b\r\nitem1.X-ABLabel:Work\r\n"
        "item2.EMAIL:c@d\r\nitem2.X-ABLabel:Network admin\r\n"
        "item3.TEL:4\r\nitem3.X-ABLabel:home cell"
    )
    assert card.emails == [("work", "a@b"), ("other", "c@d")]
    assert card.phones == [("mobile", "4")]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19220310", (1922, 3, 10)),
        ("1922-03-10", (1922, 3, 10)),
        ("--0310", (None, 3, 10)),
        ("--03-10", (None, 3, 10)),
        ("16040101", (None, 1, 1)),
        ("1604-07-04", (None, 7, 4)),
        ("1996-04-15T23:00:00Z", (1996, 4, 15)),
        ("1996-04-15T201243+04:00", (1996, 4, 15)),
        ("19960415T230000", (1996, 4, 15)),
        (" 2000-02-29 ", (2000, 2, 29)),
        ("--0229", (None, 2, 29)),
        ("2001-02-29", None),
        ("1990-13-01", None),
        ("1990-00-10", None),
        ("--1301", None),
        ("1990", None),
        ("1990-05", None),
        ("circa 1800", None),
        ("", None),
    ],
)
def test_birthday_forms(value: str, expected: tuple[int | None, int, int] | None) -> None:
    assert one(f"BDAY:{value}").birthday == expected


def test_bday_value_text() -> None:
    assert one("BDAY;VALUE=text:2016-08-01").birthday == (2016, 8, 1)
    assert one("BDAY;VALUE=text:circa 1800").birthday is None
    # The first readable one wins (FullContact's ALTID pair, a text one first here).
    assert one("BDAY;VALUE=text:unknown\r\nBDAY:20160801").birthday == (2016, 8, 1)


@pytest.mark.parametrize(
    "prop",
    ["ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY"],
)
def test_anniversary_properties(prop: str) -> None:
    assert one(f"{prop}:20120801").anniversary == (2012, 8, 1)


# --------------------------------------------------------------------------- relations


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RELATED;TYPE=spouse;VALUE=text:Maria", ("spouse", "Maria")),
        ("RELATED;TYPE=child;VALUE=text:Leo", ("child", "Leo")),
        ("RELATED;TYPE=parent:urn:uuid:1234", ("parent", "urn:uuid:1234")),
        ("RELATED;TYPE=co-worker,crush;VALUE=text:Ed", ("colleague", "Ed")),
        ("RELATED;TYPE=crush,colleague;VALUE=text:Ed", ("colleague", "Ed")),
        ("RELATED;TYPE=partner;VALUE=text:Sam", ("partner", "Sam")),
        ("RELATED;TYPE=reports-to;VALUE=text:Boss", ("reports-to", "Boss")),
        ("RELATED;TYPE=assistant;VALUE=text:Al", ("assistant", "Al")),
        ("RELATED;TYPE=friend;VALUE=text:Bo", ("custom:friend", "Bo")),
        ("RELATED;TYPE=Sibling;VALUE=text:Bo", ("custom:sibling", "Bo")),
        ("RELATED:mailto:bo@example.com", ("custom:related", "bo@example.com")),
        ("RELATED;VALUE=text:mailto:bo", ("custom:related", "mailto:bo")),
        ("X-EVOLUTION-SPOUSE:Maria", ("spouse", "Maria")),
        ("X-EVOLUTION-MANAGER:Big Blue", ("reports-to", "Big Blue")),
        ("X-EVOLUTION-ASSISTANT:Little Red", ("assistant", "Little Red")),
        ("X-MS-SPOUSE:Maria", ("spouse", "Maria")),
        ("X-SPOUSE:Maria", ("spouse", "Maria")),
        ("X-MS-MANAGER:Boss", ("reports-to", "Boss")),
    ],
)
def test_relation_properties(line: str, expected: tuple[str, str]) -> None:
    assert one(line).related == [expected]


def test_scheme_prefix_is_kept_in_text_values() -> None:
    card = one("TEL:tel:1\r\nEMAIL:mailto:a@b")
    assert (card.phones, card.emails) == ([("other", "tel:1")], [("other", "mailto:a@b")])


def test_empty_relation_is_skipped() -> None:
    assert one("X-SPOUSE:\r\nRELATED;TYPE=child:").related == []


# --------------------------------------------------------------------------- names and fields


def test_name_fallbacks() -> None:
    assert one("FN:Ann B\r\nN:C;D;;;").name == "Ann B"
    assert one("N:Berg;Maria;;;").name == "Maria Berg"
    assert one("N:Berg;;;;").name == "Berg"
    assert one("FN:\r\nN:;;;;\r\nORG:Acme;Sales").name == "Acme"
    assert one("ORG:;Sales\r\nEMAIL:a@b").name == "a@b"
    assert one("TEL:1").name == "(no name)"


def test_title_else_role_and_first_org() -> None:
    assert one("ROLE:Dev\r\nTITLE:Lead").title == "Lead"
    assert one("ROLE:Dev").title == "Dev"
    assert one("ORG:Acme;Sales\r\nORG:Other").org == "Acme"


def test_several_notes_are_joined() -> None:
    assert one("NOTE:a\r\nNOTE:\r\nNOTE:b").notes == "a\nb"


def test_binary_and_unknown_properties_are_skipped() -> None:
    card = one(
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ:SkZJ=\r\n"
        " Rg==\r\n"
        "KEY;X509;ENCODING=BASE64:\r\n"
        " MIIB/jCC:AWug==\r\n"
        "\r\n"
        "LOGO;VALUE=uri:http://example.com/a.png\r\n"
        'X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns="http://x">a:b;c</card>\r\n'
        "X-WHATEVER;X-P=1:some,thing\r\n"
        "FN:Ann"
    )
    assert card.name == "Ann"
    assert comparable([card]) == comparable([Card(line=0, version="", name="Ann")])


def test_version_missing_or_unsupported() -> None:
    (card,) = read("BEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD\r\n")
    assert card.version == "3.0"
    message = error_of("BEGIN:VCARD\r\nVERSION:9.9\r\nFN:Ann\r\nEND:VCARD\r\n")
    assert message.startswith("t.vcf:2: ")


def test_agent_card_embedded_in_21_is_skipped() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ann\r\nAGENT:\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Her Agent\r\nEND:VCARD\r\n"
        "TITLE:Boss\r\nEND:VCARD\r\n"
    )
    (card,) = read(text)
    assert (card.name, card.title) == ("Ann", "Boss")


def test_card_line_numbers_count_physical_lines() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:a\r\n b\r\n c\r\nFN:A\r\nEND:VCARD\r\n"
        "\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;QUOTED-PRINTABLE:x=\r\ny=\r\nz\r\nFN:B\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:C\r\nEND:VCARD\r\n"
    )
    assert [(c.line, c.name) for c in read(text)] == [(1, "A"), (9, "B"), (16, "C")]


# --------------------------------------------------------------------------- errors


def test_error_is_a_pa_error_with_path_and_line() -> None:
    with pytest.raises(PaError) as info:
        read_cards(b"FN:Ann\r\n", "contacts.vcf")
    assert isinstance(info.value, VCardError)
    assert str(info.value).startswith("contacts.vcf:1: ")
    assert (info.value.path, info.value.line) == ("contacts.vcf", 1)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n", 1, "END:VCARD"),
        ("BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\nEND:VCARD\r\n", 4, "without BEGIN:VCARD"),
        ("BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n\r\nFN:B\r\n", 5, "outside"),
        ("NOTE:x\r\nBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n", 1, "outside"),
        ("BEGIN:VCARD\r\nFN:A\r\nthis line has no colon\r\nEND:VCARD\r\n", 3, "no ':'"),
        ("BEGIN:VCARD\r\nFN:A\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n", 3, "inside the card"),
        ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 1, "not a vCard"),
        ("BEGIN:VCARD\r\nFN:A\r\nEND:VCALENDAR\r\n", 3, "END:VCALENDAR"),
        ("", 1, "no vCard"),
        ("\r\n\r\n  \r\n", 1, "no vCard"),
        ("BEGIN:VCARD\rFN:A\rEND:VCARD\rEND:VCARD\r", 4, "without BEGIN"),
        ("BEGIN:VCARD\r\r\nFN:A\r\r\n\r\r\nX\r\r\nEND:VCARD\r\r\n", 4, "no ':'"),
        ("BEGIN:VCARD\r\nNOTE:a\r\n b\r\nbroken\r\nEND:VCARD\r\n", 4, "no ':'"),
    ],
)
def test_structure_errors(text: str, line: int, words: str) -> None:
    message = error_of(text, "book.vcf")
    assert message.startswith(f"book.vcf:{line}: ")
    assert words in message


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann \xff\r\nEND:VCARD\r\n", 3),
        (b"\xef\xbb\xbfBEGIN:VCARD\r\r\nFN:M\xfcller\r\r\nEND:VCARD\r\r\n", 2),
        (b"BEGIN:VCARD\nFN:A\nNOTE:x\n y\xc3\nEND:VCARD\n", 4),
        (b"\xff\xfeB\x00E\x00", 1),  # UTF-16 is not UTF-8
    ],
)
def test_invalid_utf8_names_the_line(data: bytes, line: int) -> None:
    message = error_of(data, "x.vcf")
    assert message.startswith(f"x.vcf:{line}: ")
    assert "UTF-8" in message


# --------------------------------------------------------------------------- writing


def test_write_shape() -> None:
    card = Card(
        line=1,
        version="2.1",
        uid="u-1",
        name="Maria Berg",
        given_name="Maria",
        family_name="Berg",
        org="Acme; Inc",
        title="CEO",
        emails=[("work", "m@acme.example"), ("other", "m@home.example")],
        phones=[("mobile", "+46 70 1"), ("fax", "+46 8 2"), ("other", "3")],
        addresses=[("home", "1 Main St, Springfield")],
        birthday=(None, 3, 10),
        anniversary=(2001, 6, 2),
        related=[("spouse", "Leo"), ("custom:godmother", "Ada")],
        notes="line 1\nline 2, with comma\\",
        categories=["VIP", "a,b"],
    )
    text = write_cards([card])
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert text.split("\r\n")[:-1] == [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "UID:u-1",
        "FN:Maria Berg",
        "N:Berg;Maria;;;",
        "ORG:Acme\\; Inc",
        "TITLE:CEO",
        "EMAIL;TYPE=work:m@acme.example",
        "EMAIL:m@home.example",
        "TEL;TYPE=cell:+46 70 1",
        "TEL;TYPE=fax:+46 8 2",
        "TEL;TYPE=voice:3",
        "ADR;TYPE=home:;;1 Main St\\, Springfield;;;;",
        "BDAY:--0310",
        "X-ANNIVERSARY:2001-06-02",
        "RELATED;TYPE=spouse;VALUE=text:Leo",
        "item1.X-ABRELATEDNAMES:Ada",
        "item1.X-ABLabel:godmother",
        "NOTE:line 1\\nline 2\\, with comma\\\\",
        "CATEGORIES:VIP,a\\,b",
        "END:VCARD",
    ]
    (again,) = read(text)
    assert comparable([again]) == comparable([card])


def test_write_40_uses_anniversary() -> None:
    card = Card(line=1, version="3.0", name="A", anniversary=(None, 2, 29))
    text = write_cards([card], version="4.0")
    assert "VERSION:4.0\r\n" in text
    assert "\r\nANNIVERSARY:--0229\r\n" in text
    (again,) = read(text)
    assert again.version == "4.0"
    assert again.anniversary == (None, 2, 29)


def test_write_refuses_other_versions() -> None:
    with pytest.raises(ValueError):
        write_cards([Card(line=1, version="3.0", name="A")], version="2.1")


def test_write_minimal_card() -> None:
    text = write_cards([Card(line=1, version="3.0", name="A")])
    assert text == "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nN:;;;;\r\nEND:VCARD\r\n"


@pytest.mark.parametrize(
    "note",
    [
        "x" * 200,
        "é" * 120,  # 2-octet characters
        "최유림" * 40,  # 3-octet Hangul
        "😀" * 60,  # 4-octet emoji
        "a" + "😀" * 60,  # misaligned so a cut would fall inside a character
        "ab\\" * 50,  # escapes that a fold may separate
        " " * 100,
    ],
)
def test_folding_at_75_octets_keeps_characters_whole(note: str) -> None:
    text = write_cards([Card(line=1, version="3.0", name="A", notes=note)])
    physical = text.encode("utf-8").split(b"\r\n")
    assert physical[-1] == b""
    for line in physical[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")  # each physical line is whole UTF-8 on its own
    note_lines = [line for line in physical if line.startswith(b"NOTE:")]
    assert len(note_lines) == 1
    assert len(note_lines[0]) > 70  # really filled up, not cut early
    assert read(text)[0].notes == note


def test_written_file_never_has_a_bare_newline_or_cr() -> None:
    card = Card(line=1, version="3.0", name="A\rB\r\nC\nD", notes="x\r\ny")
    text = write_cards([card])
    assert re.search(r"\r(?!\n)|(?<!\r)\n", text) is None
    (again,) = read(text)
    assert (again.name, again.notes) == ("A\nB\nC\nD", "x\ny")


# --------------------------------------------------------------------------- property test

# vCard text cannot carry a lone CR: line breaks inside values come back as "\n".
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=40)
SOME_TEXT = TEXT.filter(lambda s: s != "")
NONBLANK = TEXT.filter(lambda s: s.strip() != "")
ONE_LINE = NONBLANK.filter(lambda s: "\n" not in s)
OPTIONAL = st.none() | SOME_TEXT
DATES = st.builds(
    lambda d, keep_year: (d.year if keep_year else None, d.month, d.day),
    st.dates(min_value=date(1700, 1, 1)),
    st.booleans(),
).filter(lambda t: t[0] != 1604)


def _custom_label(label: str) -> bool:
    """A label the reader keeps as custom (not "Spouse", "_$!<Child>!$_", "RELATIVE"...)."""
    return vcard._relation_kind(label) == "custom:" + label


RELATION_KIND = st.sampled_from(vcard.RELATION_KINDS) | NONBLANK.filter(_custom_label).map(
    lambda label: "custom:" + label
)

CARDS = st.builds(
    Card,
    line=st.just(1),
    version=st.just("3.0"),
    uid=OPTIONAL,
    name=NONBLANK,
    given_name=OPTIONAL,
    family_name=OPTIONAL,
    org=OPTIONAL,
    title=OPTIONAL,
    emails=st.lists(st.tuples(st.sampled_from(["work", "home", "other"]), NONBLANK), max_size=3),
    phones=st.lists(
        st.tuples(st.sampled_from(["mobile", "work", "home", "fax", "other"]), NONBLANK),
        max_size=3,
    ),
    addresses=st.lists(st.tuples(st.sampled_from(["work", "home", "other"]), ONE_LINE), max_size=2),
    birthday=st.none() | DATES,
    anniversary=st.none() | DATES,
    related=st.lists(st.tuples(RELATION_KIND, NONBLANK), max_size=3),
    notes=OPTIONAL,
    categories=st.lists(TEXT.map(str.strip).filter(bool), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(cards=st.lists(CARDS, min_size=1, max_size=3), version=st.sampled_from(["3.0", "4.0"]))
def test_random_cards_survive_write_then_read(cards: list[Card], version: str) -> None:
    text = write_cards(cards, version=version)
    for line in text.encode("utf-8").split(b"\r\n"):
        assert len(line) <= 75
    again = read_cards(text.encode("utf-8"), "random.vcf")
    assert comparable(again) == comparable(cards)
    assert {card.version for card in again} == {version}


@settings(max_examples=200, deadline=None)
@given(text=NONBLANK)
def test_random_text_in_every_text_field(text: str) -> None:
    assume("\n" not in text)
    card = Card(
        line=1,
        version="3.0",
        uid=text,
        name=text,
        given_name=text,
        family_name=text,
        org=text,
        title=text,
        emails=[("home", text)],
        phones=[("work", text)],
        addresses=[("other", text)],
        related=[("custom:" + text, text)] if _custom_label(text) else [("child", text)],
        notes=text,
        categories=[text.strip()],
    )
    (again,) = read(write_cards([card]))
    assert comparable([again]) == comparable([card])


PIECES = st.sampled_from(
    [
        "BEGIN:VCARD",
        "END:VCARD",
        "VERSION:2.1",
        "VERSION:4.0",
        "AGENT:",
        "FN:Ann",
        "N:a;b",
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=iso-8859-1:a=",
        "=E9=",
        "=",
        " folded",
        "\tfolded",
        "",
        "no colon",
        "item1.X-ABLabel:_$!<Spouse>!$_",
        "item1.X-ABRELATEDNAMES:M",
        'TEL;TYPE="a,b;c:1',
        "BDAY:--0229",
        "PHOTO;ENCODING=b:@@==",
        "NOTE;ENCODING=b;CHARSET=x:abc",
        "RELATED;TYPE=:x",
        "X-FCENCODED-ZZ:1",
        "X-FCENCODED-582D46432D52656C617465644E616D6573:1",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(PIECES | TEXT, max_size=12),
    ends=st.lists(st.sampled_from(["\r\n", "\n", "\r", "\r\r\n"]), min_size=1),
)
def test_any_input_gives_cards_or_a_vcard_error(pieces: list[str], ends: list[str]) -> None:
    text = "".join(piece + ends[i % len(ends)] for i, piece in enumerate(pieces))
    try:
        cards = read(text)
    except VCardError as exc:
        assert re.match(r"t\.vcf:[1-9][0-9]*: ", str(exc))
        assert "\n" not in str(exc)
    else:
        assert cards
        assert all(card.name and card.version in ("2.1", "3.0", "4.0") for card in cards)
