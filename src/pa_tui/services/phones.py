"""Phone numbers compared whatever their format (+46 8 123 45 67 == 08-123 45 67). Stdlib only."""

from __future__ import annotations

import re


def phone_digits(value: str) -> str:
    """Digits that identify a number whatever its format: no +/00 prefix, no trunk 0.

    Numbers are matched by suffix (see same_number), so the country code may be present or not.
    """
    digits = re.sub(r"\D", "", value)
    if value.strip().startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    return digits.lstrip("0")


def same_number(a: str, b: str) -> bool:
    """+46 8 123 45 67 == 08-123 45 67: the shorter national form is a suffix of the longer.

    Only from 8 digits on: a 7-digit local number (555-0101) is a suffix of too many others
    (070-555 01 01) to name a caller by it; below that the digits must be equal.
    """
    da, db = phone_digits(a), phone_digits(b)
    if len(da) < 8 or len(db) < 8:
        return da == db
    short, long_ = sorted((da, db), key=len)
    return long_.endswith(short)
