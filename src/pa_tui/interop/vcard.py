"""Read vCard 2.1, 3.0 and 4.0 files into plain `Card` records and write cards back as vCard 3.0
(or 4.0), standard library only.

Written for the exports people actually have (Android, iOS, Outlook, Google, Evolution,
Thunderbird, DAVx5, FullContact), including what vobject gets wrong: QUOTED-PRINTABLE soft line
breaks, CR CR LF line ends (iOS 5) and vCard 2.1 text with commas in it. The reader keeps text as
data (no control-character cleaning: the display layer does that); only line breaks inside values
are normalised to "\\n". Binary and unknown properties (PHOTO, KEY, LOGO, X-...) are skipped.

Every error is a `VCardError` whose message is "FILE:LINE: what is wrong", LINE being a physical
line of the file (1-based).
"""

from __future__ import annotations

import base64
import binascii
import calendar
import codecs
import quopri
import re
from dataclasses import dataclass, field

from pa_tui.errors import PaError

__all__ = ["Card", "VCardError", "read_cards", "write_cards"]


class VCardError(PaError):
    """A vCard file that cannot be read; the message is "FILE:LINE: what is wrong"."""

    def __init__(self, message: str, *, path: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


def _error(path: str, line: int, problem: str) -> VCardError:
    return VCardError(f"{path}:{line}: {problem}", path=path, line=line)


@dataclass
class Card:
    """One contact as read from (or to be written to) a vCard."""

    line: int  # line number of BEGIN:VCARD in the file (1-based, physical lines)
    version: str  # "2.1" | "3.0" | "4.0"
    uid: str | None = None
    # FN; else built from N (given family); else ORG; else first EMAIL; else "(no name)"
    name: str = ""
    given_name: str | None = None
    family_name: str | None = None
    org: str | None = None  # first ORG component (department dropped)
    title: str | None = None  # TITLE (else ROLE)
    emails: list[tuple[str, str]] = field(default_factory=list)  # (kind, value): work|home|other
    phones: list[tuple[str, str]] = field(default_factory=list)  # mobile|work|home|fax|other
    # (kind, one line "street, city, region, code, country"; a PO box and an extended address
    # come first when the file has them); kind: work|home|other
    addresses: list[tuple[str, str]] = field(default_factory=list)
    birthday: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    anniversary: tuple[int | None, int, int] | None = None
    # (kind, name): spouse|partner|child|parent|assistant|reports-to|colleague, or
    # ("custom:LABEL", name)
    related: list[tuple[str, str]] = field(default_factory=list)
    notes: str | None = None
    categories: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- pre-pass

# CR CR LF (iOS 5) is one line end, as are CRLF, LF and a lone CR.
_BREAK = re.compile(r"\r\r\n|\r\n|\n|\r")
_BREAK_BYTES = re.compile(rb"\r\r\n|\r\n|\n|\r")


def _decode(data: bytes, path: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = len(_BREAK_BYTES.findall(data, 0, exc.start)) + 1
        bad = data[exc.start]
        raise _error(
            path, line, f"not valid UTF-8 (byte 0x{bad:02X}); save the file as UTF-8"
        ) from None


def _head_end(text: str) -> int:
    """Index of the ':' that ends name and parameters (one inside a quoted value does not)."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return text.find(":")  # unbalanced quotes: the first colon


def _quoted_printable(text: str) -> bool | None:
    """Whether a (partial) logical line's parameters say QUOTED-PRINTABLE; None if its head (the
    part before the ':') is not complete yet."""
    end = _head_end(text)
    return None if end < 0 else "QUOTED-PRINTABLE" in text[:end].upper()


# A QP value that wrongly ends in "=" must not swallow the card's END:VCARD.
_CARD_EDGE = re.compile(r"(?:BEGIN|END):VCARD\s*", re.IGNORECASE)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfold physical lines into (starting physical line number, logical line).

    A line starting with a space or tab continues the previous one (that one character is
    dropped); in a QUOTED-PRINTABLE value a line ending with "=" continues on the next line
    whatever it starts with (a soft line break), unless that line is BEGIN:VCARD or END:VCARD.
    Blank lines are dropped.
    """
    lines: list[tuple[int, list[str]]] = []
    current: list[str] = []
    qp: bool | None = None  # the current logical line is QUOTED-PRINTABLE (None: not known yet)
    soft_break = False
    for number, physical in enumerate(_BREAK.split(text), start=1):
        if soft_break and not _CARD_EDGE.fullmatch(physical):
            segment = physical
        elif physical == "":
            continue
        elif physical[0] in " \t" and lines:
            segment = physical[1:]
        elif not physical.strip():
            continue
        else:
            current = []
            lines.append((number, current))
            segment = physical.lstrip(" \t")
            qp = None
        if qp is None:
            qp = _quoted_printable("".join(current) + segment)
        soft_break = bool(qp) and segment.endswith("=")
        current.append(segment[:-1] if soft_break else segment)
    return [(number, "".join(segments)) for number, segments in lines]


# --------------------------------------------------------------------------- properties


@dataclass
class _Prop:
    line: int
    group: str  # lower case, "" if none
    name: str  # upper case
    params: dict[str, list[str]]  # upper-case names
    raw: str  # the value as it stands in the file (unfolded)


_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
_BARE_VALUES = {"INLINE", "URL", "CONTENT-ID", "CID"}


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
            buf.append(char)
        elif char == sep and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(char)
    parts.append("".join(buf))
    return parts


def _parse_prop(number: int, text: str) -> _Prop | None:
    end = _head_end(text)
    if end < 0:
        return None
    head, raw = text[:end], text[end + 1 :]
    pieces = _split_outside_quotes(head, ";")
    group, _, name = pieces[0].strip().rpartition(".")
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        piece = piece.strip()
        if not piece:
            continue
        if "=" in piece:
            key, _, value = piece.partition("=")
            key = key.strip().upper()
            values = [v.strip().strip('"') for v in _split_outside_quotes(value, ",")]
            if key == "TYPE":  # TYPE="work,voice" (4.0) is a list too
                values = [t for v in values for t in v.split(",")]
        else:  # vCard 2.1 bare parameter: TEL;WORK;VOICE, NOTE;QUOTED-PRINTABLE
            upper = piece.upper()
            key = (
                "ENCODING"
                if upper in _BARE_ENCODINGS
                else "VALUE"
                if upper in _BARE_VALUES
                else "TYPE"
            )
            values = [piece]
        params.setdefault(key, []).extend(values)
    return _Prop(number, group.lower(), name.upper(), params, raw)


def _param(prop: _Prop, key: str) -> str:
    values = prop.params.get(key)
    return values[0].strip() if values else ""


def _types(prop: _Prop) -> set[str]:
    return {value.strip().lower() for value in prop.params.get("TYPE", []) if value.strip()}


# --------------------------------------------------------------------------- values


def _decoded(prop: _Prop) -> str:
    """The raw value with QUOTED-PRINTABLE / base64 undone (in its CHARSET), line ends as \\n."""
    encoding = _param(prop, "ENCODING").upper()
    raw = prop.raw
    octets: bytes | None = None
    if encoding == "QUOTED-PRINTABLE":
        octets = quopri.decodestring(raw.encode("utf-8"))
    elif encoding in ("B", "BASE64"):
        try:
            octets = base64.b64decode("".join(raw.split()), validate=False)
        except (binascii.Error, ValueError):
            octets = None
    if octets is not None:
        charset = _param(prop, "CHARSET") or "utf-8"
        try:
            raw = octets.decode(charset, errors="replace")
        except (LookupError, UnicodeError, ValueError):  # an unknown or unusable charset name
            raw = octets.decode("utf-8", errors="replace")
    return raw.replace("\r\n", "\n").replace("\r", "\n")


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPED = {"n": "\n", "N": "\n", "\\": "\\", ",": ",", ";": ";", ":": ":"}


def _unescape(text: str, version: str) -> str:
    if version == "2.1":  # 2.1 escapes only the semicolon (and has no \n: newlines come as QP)
        return text.replace("\\;", ";")
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(0)), text)


def _split_unescaped(text: str, sep: str) -> list[str]:
    """Split on `sep` not preceded by an escaping backslash; the parts stay escaped."""
    parts: list[str] = []
    buf: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            buf.append(text[index : index + 2])
            index += 2
            continue
        if char == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(char)
        index += 1
    parts.append("".join(buf))
    return parts


def _text(prop: _Prop, version: str) -> str:
    return _unescape(_decoded(prop), version)


def _components(prop: _Prop, version: str) -> list[str]:
    return [_unescape(part, version) for part in _split_unescaped(_decoded(prop), ";")]


def _list(prop: _Prop, version: str) -> list[str]:
    items = [_unescape(part, version).strip() for part in _split_unescaped(_decoded(prop), ",")]
    return [item for item in items if item]


_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?", re.IGNORECASE)
_DATE_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})(?:T.*)?", re.IGNORECASE)
_NO_YEAR_MARKERS = {1604, 0}  # 1604: CardBook's and Apple's "year unknown"; 0000: no year


def _date(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) from the date forms exporters use; None if not a date."""
    text = text.strip()
    year: int | None
    match = _DATE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if year in _NO_YEAR_MARKERS:
            year = None
    else:
        match = _DATE_NO_YEAR.fullmatch(text)
        if not match:
            return None
        year = None
        month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(2000 if year is None else year, month)[1]:
        return None
    return (year, month, day)


# --------------------------------------------------------------------------- labels and kinds

_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_", re.DOTALL)
# Google's built-in labels that are no relation kind of ours, as Google's UI shows them.
_GOOGLE_LABELS = {"RELATIVE": "relative", "REFERRED_BY": "referred by"}
_RELATION_WORDS = {
    "spouse": "spouse",
    "wife": "spouse",
    "husband": "spouse",
    "partner": "partner",
    "domestic partner": "partner",
    "child": "child",
    "son": "child",
    "daughter": "child",
    "parent": "parent",
    "mother": "parent",
    "father": "parent",
    "assistant": "assistant",
    "manager": "reports-to",
    "reports to": "reports-to",
    "colleague": "colleague",
    "co worker": "colleague",
    "coworker": "colleague",
}
RELATION_KINDS = ("spouse", "partner", "child", "parent", "assistant", "reports-to", "colleague")


def _label_key(label: str) -> str:
    return " ".join(label.replace("_", " ").replace("-", " ").split()).lower()


def _relation_kind(label: str | None) -> str:
    """The relation kind an X-ABLabel (or RELATED type) names: spouse, ..., or custom:LABEL."""
    if label is None or not label.strip():
        return "custom:related"
    apple = _APPLE_LABEL.fullmatch(label)
    text = apple.group(1) if apple else label
    kind = _RELATION_WORDS.get(_label_key(text))
    if kind:
        return kind
    if apple:  # a built-in code, not the user's text
        return "custom:" + text.lower()
    return "custom:" + _GOOGLE_LABELS.get(label, label)


def _is_anniversary_label(label: str | None) -> bool:
    if label is None:
        return False
    apple = _APPLE_LABEL.fullmatch(label)
    return _label_key(apple.group(1) if apple else label) == "anniversary"


_LABEL_WORDS = {"work", "home", "fax", "mobile", "cell", "iphone"}


def _label_types(label: str | None) -> set[str]:
    """Phone/email/address types an Apple or Google label implies (_$!<HomeFAX>!$_ -> home, fax)."""
    if label is None:
        return set()
    apple = _APPLE_LABEL.fullmatch(label)
    if apple:  # Apple's codes run words together: HomeFAX, WorkFAX, iPhone
        code = apple.group(1).lower()
        present = {word for word in _LABEL_WORDS if word in code}
    else:  # a user's own label must have the whole word ("Network" is not work)
        present = set(re.findall(r"[a-z]+", label.lower())) & _LABEL_WORDS
    found = present & {"work", "home", "fax"}
    if present & {"mobile", "cell", "iphone"}:
        found.add("cell")
    return found


def _phone_kind(types: set[str]) -> str:
    if "fax" in types:
        return "fax"
    if types & {"cell", "mobile", "iphone"}:
        return "mobile"
    if "work" in types:
        return "work"
    if "home" in types:
        return "home"
    return "other"


def _place_kind(types: set[str]) -> str:
    if "work" in types:
        return "work"
    if "home" in types:
        return "home"
    return "other"


def _related_kind(ordered: list[str]) -> str:
    """RELATED;TYPE=co-worker,crush -> colleague: the first type we know, else custom:TYPE."""
    for value in ordered:
        kind = _RELATION_WORDS.get(_label_key(value))
        if kind:
            return kind
    others = [value for value in ordered if value.lower() != "pref"]
    return "custom:" + others[0].lower() if others else "custom:related"


def _one_line_address(parts: list[str]) -> str:
    """PO box, extended, street, city, region, code, country -> one line of the non-empty ones."""
    pieces: list[str] = []
    for part in parts:
        pieces.extend(p for p in re.split(r"[ \t]*\n[ \t\n]*", part) if p.strip())
    text = ""
    for piece in pieces:
        if text:
            text += " " if text.endswith(",") else ", "
        text += piece
    return text


_SPOUSE = {"X-EVOLUTION-SPOUSE", "X-MS-SPOUSE", "X-SPOUSE", "X-KADDRESSBOOK-X-SPOUSESNAME"}
_MANAGER = {"X-EVOLUTION-MANAGER", "X-MS-MANAGER", "X-MANAGER", "X-KADDRESSBOOK-X-MANAGERSNAME"}
_ASSISTANT = {
    "X-EVOLUTION-ASSISTANT",
    "X-MS-ASSISTANT",
    "X-ASSISTANT",
    "X-KADDRESSBOOK-X-ASSISTANTSNAME",
}
_ANNIVERSARY = {
    "ANNIVERSARY",
    "X-ANNIVERSARY",
    "X-MS-ANNIVERSARY",
    "X-EVOLUTION-ANNIVERSARY",
    "X-KADDRESSBOOK-X-ANNIVERSARY",
}
_VERSIONS = {"2": "2.1", "3": "3.0", "4": "4.0"}


def _fullcontact_name(name: str) -> tuple[str, str] | None:
    """X-FCENCODED-<hex of "X-FC-RelatedNames:Mother"> -> ("X-FC-RELATEDNAMES", "Mother")."""
    try:
        decoded = bytes.fromhex(name[len("X-FCENCODED-") :]).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    real, sep, label = decoded.partition(":")
    return (real.upper(), label) if sep else None


# --------------------------------------------------------------------------- cards


def _version(props: list[_Prop], path: str) -> str:
    for prop in props:
        if prop.name == "VERSION":
            value = prop.raw.strip()
            version = _VERSIONS.get(value[:1])
            if version is None:
                raise _error(path, prop.line, f"unsupported vCard version {value[:20]!r}")
            return version
    return "3.0"  # no VERSION line: read it as the most common kind


def _build_card(begin: int, props: list[_Prop], path: str) -> Card:
    version = _version(props, path)
    card = Card(line=begin, version=version)
    labels = {
        prop.group: _text(prop, version)
        for prop in reversed(props)
        if prop.name == "X-ABLABEL" and prop.group
    }
    formatted: str | None = None
    name_seen = False
    role: str | None = None
    notes: list[str] = []
    for prop in props:
        name = prop.name
        label = labels.get(prop.group) if prop.group else None
        if name.startswith("X-FCENCODED-"):
            decoded = _fullcontact_name(name)
            if decoded is None:
                continue
            name, label = decoded
            name = {"X-FC-RELATEDNAMES": "X-ABRELATEDNAMES", "X-FC-OTHERDATES": "X-ABDATE"}.get(
                name, name
            )
            if name not in ("X-ABRELATEDNAMES", "X-ABDATE"):
                continue
        if name == "FN":
            text = _text(prop, version)
            if formatted is None and text.strip():
                formatted = text
        elif name == "N":
            if not name_seen:
                name_seen = True
                parts = _components(prop, version)
                card.family_name = parts[0] or None
                card.given_name = (parts[1] if len(parts) > 1 else "") or None
        elif name == "ORG":
            if card.org is None:
                card.org = _components(prop, version)[0] or None
        elif name == "TITLE":
            if card.title is None:
                card.title = _text(prop, version) or None
        elif name == "ROLE":
            if role is None:
                role = _text(prop, version) or None
        elif name == "UID":
            if card.uid is None:
                card.uid = _text(prop, version) or None
        elif name == "EMAIL":
            value = _text(prop, version)
            if value.strip():
                card.emails.append((_place_kind(_types(prop) | _label_types(label)), value))
        elif name == "TEL":
            value = _text(prop, version)
            if _param(prop, "VALUE").lower() == "uri" and value.lower().startswith("tel:"):
                value = value[len("tel:") :]  # 4.0 TEL;VALUE=uri:tel:+1-555-...
            if value.strip():
                card.phones.append((_phone_kind(_types(prop) | _label_types(label)), value))
        elif name == "ADR":
            line = _one_line_address(_components(prop, version))
            if line:
                card.addresses.append((_place_kind(_types(prop) | _label_types(label)), line))
        elif name == "BDAY":
            if card.birthday is None:
                card.birthday = _date(_text(prop, version))
        elif name in _ANNIVERSARY or (name == "X-ABDATE" and _is_anniversary_label(label)):
            if card.anniversary is None:
                card.anniversary = _date(_text(prop, version))
        elif name == "RELATED":
            value = _text(prop, version)
            is_text = _param(prop, "VALUE").lower() == "text"  # else a URI (the 4.0 default)
            if not is_text and value.lower().startswith("mailto:"):
                value = value[len("mailto:") :]
            ordered = [v.strip() for v in prop.params.get("TYPE", []) if v.strip()]
            if value.strip():
                card.related.append((_related_kind(ordered), value))
        elif name in _SPOUSE or name in _MANAGER or name in _ASSISTANT:
            value = _text(prop, version)
            kind = (
                "spouse" if name in _SPOUSE else "reports-to" if name in _MANAGER else "assistant"
            )
            if value.strip():
                card.related.append((kind, value))
        elif name == "X-ABRELATEDNAMES":
            value = _text(prop, version)
            if value.strip():
                card.related.append((_relation_kind(label), value))
        elif name == "NOTE":
            value = _text(prop, version)
            if value:
                notes.append(value)
        elif name == "CATEGORIES":
            card.categories.extend(_list(prop, version))
    card.title = card.title or role
    card.notes = "\n".join(notes) if notes else None
    built = " ".join(part for part in (card.given_name, card.family_name) if part)
    if formatted is not None:
        card.name = formatted
    elif built.strip():
        card.name = built
    elif card.org and card.org.strip():
        card.name = card.org
    elif card.emails:
        card.name = card.emails[0][1]
    else:
        card.name = "(no name)"
    return card


def read_cards(data: bytes, path: str) -> list[Card]:
    """Every card in a .vcf file's bytes; `path` only names the file in error messages."""
    text = _decode(data, path)
    cards: list[Card] = []
    begin: int | None = None  # line of the open card's BEGIN:VCARD
    props: list[_Prop] = []
    agent_depth = 0  # inside a vCard 2.1 AGENT's embedded card (skipped)
    for number, line in _logical_lines(text):
        prop = _parse_prop(number, line)
        if prop is None:
            shown = line if len(line) <= 40 else line[:40] + "..."
            raise _error(path, number, f"line has no ':' (not a vCard property): {shown!r}")
        value = prop.raw.strip().upper()
        if agent_depth:
            if prop.name == "BEGIN" and value == "VCARD":
                agent_depth += 1
            elif prop.name == "END" and value == "VCARD":
                agent_depth -= 1
            continue
        shown = f"{prop.name}:{prop.raw.strip()[:20]}"
        if prop.name == "BEGIN":
            if value != "VCARD":
                raise _error(path, number, f"{shown!r} is not a vCard (expected BEGIN:VCARD)")
            if begin is not None:
                if props and props[-1].name == "AGENT" and not props[-1].raw.strip():
                    agent_depth = 1  # vCard 2.1 AGENT with the agent's card embedded
                    continue
                raise _error(
                    path,
                    number,
                    f"BEGIN:VCARD inside the card begun at line {begin} "
                    "(is its END:VCARD missing?)",
                )
            begin, props = number, []
        elif begin is None:
            if prop.name == "END":
                raise _error(path, number, f"{shown!r} without BEGIN:VCARD before it")
            raise _error(path, number, f"{prop.name!r} outside BEGIN:VCARD ... END:VCARD")
        elif prop.name == "END":
            if value != "VCARD":
                raise _error(path, number, f"{shown!r} inside the card begun at line {begin}")
            cards.append(_build_card(begin, props, path))
            begin, props = None, []
        else:
            props.append(prop)
    if begin is not None:
        raise _error(path, begin, "BEGIN:VCARD has no END:VCARD (the file ends inside the card)")
    if not cards:
        raise _error(path, 1, "no vCard in the file (no BEGIN:VCARD)")
    return cards


# --------------------------------------------------------------------------- writing

_EMAIL_TYPES = {"work": ";TYPE=work", "home": ";TYPE=home"}
_PHONE_TYPES = {
    "mobile": ";TYPE=cell",
    "work": ";TYPE=work,voice",
    "home": ";TYPE=home,voice",
    "fax": ";TYPE=fax",
}
_ADDRESS_TYPES = {"work": ";TYPE=work", "home": ";TYPE=home"}


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def _fold(line: str) -> list[str]:
    """Split a content line into pieces of at most 75 octets; continuations start with a space."""
    if len(line.encode("utf-8")) <= 75:
        return [line]
    pieces: list[str] = []
    buf: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(("" if not pieces else " ") + "".join(buf))
            buf, size, limit = [], 0, 74
        buf.append(char)
        size += width
    pieces.append(("" if not pieces else " ") + "".join(buf))
    return pieces


def _write_date(value: tuple[int | None, int, int]) -> str:
    year, month, day = value
    return f"--{month:02d}{day:02d}" if year is None else f"{year:04d}-{month:02d}-{day:02d}"


def _card_lines(card: Card, version: str) -> list[str]:
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    if card.uid is not None:
        lines.append("UID:" + _escape(card.uid))
    lines.append("FN:" + _escape(card.name))
    lines.append(f"N:{_escape(card.family_name or '')};{_escape(card.given_name or '')};;;")
    if card.org is not None:
        lines.append("ORG:" + _escape(card.org))
    if card.title is not None:
        lines.append("TITLE:" + _escape(card.title))
    for kind, value in card.emails:
        lines.append(f"EMAIL{_EMAIL_TYPES.get(kind, '')}:{_escape(value)}")
    for kind, value in card.phones:
        lines.append(f"TEL{_PHONE_TYPES.get(kind, ';TYPE=voice')}:{_escape(value)}")
    for kind, value in card.addresses:
        lines.append(f"ADR{_ADDRESS_TYPES.get(kind, '')}:;;{_escape(value)};;;;")
    if card.birthday is not None:
        lines.append("BDAY:" + _write_date(card.birthday))
    if card.anniversary is not None:
        prop = "ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY"
        lines.append(f"{prop}:{_write_date(card.anniversary)}")
    item = 0
    for kind, name in card.related:
        if kind in RELATION_KINDS:
            lines.append(f"RELATED;TYPE={kind};VALUE=text:{_escape(name)}")
            continue
        label = kind[len("custom:") :] if kind.startswith("custom:") else kind
        item += 1
        lines.append(f"item{item}.X-ABRELATEDNAMES:{_escape(name)}")
        if label:
            lines.append(f"item{item}.X-ABLabel:{_escape(label)}")
    if card.notes is not None:
        lines.append("NOTE:" + _escape(card.notes))
    if card.categories:
        lines.append("CATEGORIES:" + ",".join(_escape(c) for c in card.categories))
    lines.append("END:VCARD")
    return lines


def write_cards(cards: list[Card], version: str = "3.0") -> str:
    """The cards as one vCard file (3.0, or 4.0 if asked): CRLF line ends, folded at 75 octets."""
    if version not in ("3.0", "4.0"):
        raise ValueError(f"write_cards writes vCard 3.0 or 4.0, not {version!r}")
    out: list[str] = []
    for card in cards:
        for line in _card_lines(card, version):
            out.extend(_fold(line))
    return "".join(piece + "\r\n" for piece in out)
