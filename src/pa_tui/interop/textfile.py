"""Reading an import file as lines with their numbers: BOM, invalid UTF-8 (named by line), line
ends of every kind (CRLF, LF, CR, and iOS's CR CR LF), folded lines unfolded while each logical
line keeps the number it starts on, and BEGIN/END nesting checked. Shared by the iCalendar and
vCard readers: the libraries say nothing about where a file is broken."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pa_tui.errors import PaError


class ImportFileError(PaError):
    """A malformed file: the message is "FILE:LINE: what is wrong"."""


@dataclass(frozen=True)
class Line:
    number: int  # the physical line it starts on, 1-based
    text: str


def decode(data: bytes, path: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n")
        line = before.replace(b"\r", b"\n").count(b"\n") + 1
        raise ImportFileError(f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x})") from None


_ENDS = re.compile(r"\r\r\n|\r\n|\r|\n")


def physical_lines(text: str) -> list[str]:
    lines = _ENDS.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def logical_lines(text: str) -> list[Line]:
    """RFC 5545/6350 unfolding: a line starting with a space or tab continues the one before."""
    out: list[Line] = []
    for number, raw in enumerate(physical_lines(text), start=1):
        if raw[:1] in (" ", "\t") and out:
            last = out[-1]
            out[-1] = Line(last.number, last.text + raw[1:])
        elif raw.strip() == "":
            continue
        else:
            out.append(Line(number, raw))
    return out


def check_nesting(lines: list[Line], path: str, root: str) -> list[tuple[str, int]]:
    """BEGIN/END pairs must nest, and everything must sit inside a `root` component. Returns
    the (component name, BEGIN line) of every component, in file order."""
    stack: list[tuple[str, int]] = []
    seen: list[tuple[str, int]] = []
    for line in lines:
        name, _, value = line.text.partition(":")
        key = name.split(";", 1)[0].strip().upper()
        if not _ and key not in ("BEGIN", "END"):
            raise ImportFileError(f"{path}:{line.number}: not a property line (no ':')")
        if key == "BEGIN":
            what = value.strip().upper()
            if not stack and what != root:
                raise ImportFileError(f"{path}:{line.number}: BEGIN:{what} outside {root}")
            stack.append((what, line.number))
            seen.append((what, line.number))
        elif key == "END":
            what = value.strip().upper()
            if not stack:
                raise ImportFileError(f"{path}:{line.number}: END:{what} without a BEGIN")
            open_name, opened = stack.pop()
            if open_name != what:
                raise ImportFileError(
                    f"{path}:{line.number}: END:{what} closes BEGIN:{open_name} of line {opened}"
                )
        elif not stack:
            raise ImportFileError(f"{path}:{line.number}: {key} outside BEGIN:{root}")
    if stack:
        open_name, opened = stack[-1]
        last = lines[-1].number if lines else 1
        raise ImportFileError(
            f"{path}:{last}: the file ends inside BEGIN:{open_name} of line {opened} "
            f"(no END:{open_name})"
        )
    if not seen:
        raise ImportFileError(f"{path}:1: no BEGIN:{root} in the file")
    return seen
