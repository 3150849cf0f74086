"""Stage 1: bytes → decoded, line-split text with line numbers (and the matching form of each line).

Encodings: a BOM decides first (UTF-8, UTF-16); then strict UTF-8; then charset-normalizer,
limited to the encodings Japanese plan texts come in (CP932/Shift_JIS, EUC-JP, ISO-2022-JP,
UTF-16).  Line ends may be LF, CRLF or CR.  Binary files given by mistake are refused with a
message that says what they look like.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

from .errors import InputError
from .normalize import Matchable, matchable

# Magic numbers of files people pass by mistake instead of the extracted text.
_SIGNATURES = {
    b"%PDF": "a PDF file (extract its text first, e.g. with pdftotext -layout)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive or an Office document (save it as plain text first)",
    b"\xd0\xcf\x11\xe0": "an old Office document (save it as plain text first)",
    b"\x7fELF": "an executable",
}
_CANDIDATES = ["cp932", "shift_jis", "euc_jp", "iso2022_jp", "utf_16", "utf_16_le", "utf_16_be"]
_ZERO_WIDTH = ("\u200b", "\u2060")  # zero-width space, word joiner
_CANONICAL = {"shift_jis": "cp932", "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be", "utf_16": "utf-16",
              "euc_jp": "euc-jp", "iso2022_jp": "iso-2022-jp"}


@dataclass(frozen=True, slots=True)
class Line:
    """One source line: its 1-based number, its text (without line end) and its matching form."""

    no: int
    text: str
    m: Matchable

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class SourceText:
    path: str
    sha256: str
    size: int
    encoding: str
    lines: list[Line]
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes, path: str) -> tuple[str, str, list[str]]:
    """Decode ``data``; return the text, the encoding used and warnings."""
    warnings: list[str] = []
    for magic, what in _SIGNATURES.items():
        if data.startswith(magic):
            raise InputError(path, f"this is {what}, not a plan text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(path, f"declares UTF-16 with a BOM but byte {exc.start} is invalid") from exc
    elif b"\x1b$B" in data or b"\x1b$@" in data:
        # ISO-2022-JP is 7-bit, so it would also pass as UTF-8: its escape sequences decide.
        text, encoding = _decode_or_fail(data, "iso2022_jp", path), "iso-2022-jp"
    else:
        bom = data.startswith(codecs.BOM_UTF8)
        body = data[3:] if bom else data
        try:
            text = body.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            text, encoding = _detect(body, path, exc, warnings, utf8_only=bom)
        if bom:
            encoding = "utf-8-sig"
    if "\ufeff" in text:
        # A byte order mark is no text: one more at the start (a file saved twice with a BOM) or
        # one inside (files joined, each with its own) would make the title "\ufeff" and hide the
        # marker of the line it starts (\ufeff第2章 is no chapter).
        leading = len(text) - len(text.lstrip("\ufeff"))
        inside = text.count("\ufeff") - leading
        text = text.replace("\ufeff", "")
        where = [f"{leading} more at the start"] if leading else []
        where += [f"{inside} inside the text"] if inside else []
        warnings.append(f"removed byte order marks (U+FEFF): {', '.join(where)}")
    invisible = sum(text.count(ch) for ch in _ZERO_WIDTH)
    if invisible:  # a zero-width space before 基本目標1 hid the marker; it is no text either
        for ch in _ZERO_WIDTH:
            text = text.replace(ch, "")
        warnings.append(f"removed {invisible} zero-width space(s) (U+200B, U+2060)")
    if "\x00" in text:
        if text.count("\x00") > max(16, len(text) // 100):
            raise InputError(path, "looks like a binary file (many NUL bytes), not a plan text")
        warnings.append(f"removed {text.count(chr(0))} NUL characters")
        text = text.replace("\x00", "")
    return text, encoding, warnings


def _decode_or_fail(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"looks like {encoding} but byte {exc.start} is invalid; convert it to UTF-8") from exc


def _detect(data: bytes, path: str, utf8_error: UnicodeDecodeError, warnings: list[str],
            utf8_only: bool = False) -> tuple[str, str]:
    """Another Japanese encoding, or UTF-8 with a few damaged bytes (``utf8_only``: a UTF-8 BOM was seen)."""
    best = None if utf8_only else charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is not None and best.encoding in _CANONICAL | {e: e for e in _CANDIDATES}:
        encoding = _CANONICAL.get(best.encoding, best.encoding)
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    # Mostly UTF-8 with a few broken bytes (a truncated copy, a bad concatenation): keep the text,
    # mark the damage with U+FFFD and say so, rather than refusing the whole plan.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(8, len(text) // 1000):
        warnings.append(f"invalid UTF-8 at byte {utf8_error.start}; {bad} character(s) replaced by U+FFFD")
        return text, "utf-8"
    raise InputError(path, "cannot detect the text encoding (tried UTF-8, UTF-16, CP932, EUC-JP, ISO-2022-JP);"
                           " convert the file to UTF-8")


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR (and nothing else: form feeds and U+2028 stay inside lines)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def ingest_bytes(data: bytes, path: str) -> SourceText:
    text, encoding, warnings = decode(data, path)
    raw_lines = split_lines(text)
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()  # the final line end does not start a line
    lines = [Line(i, t, matchable(t)) for i, t in enumerate(raw_lines, start=1)]
    return SourceText(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                      encoding=encoding, lines=lines, warnings=warnings)


def read_input(path: str | Path, name: str | None = None) -> bytes:
    """The bytes of one input file; :class:`InputError` names the file when it cannot be read."""
    shown = name or str(path)
    try:
        return Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise InputError(shown, "is a directory") from exc
    except OSError as exc:
        raise InputError(shown, f"cannot be read ({exc.strerror or exc})") from exc


def ingest_data(data: bytes, shown: str) -> SourceText:
    """Decode the bytes of a file named ``shown``; a file with no text is an :class:`InputError`."""
    source = ingest_bytes(data, shown)
    if not any(not line.blank for line in source.lines):
        raise InputError(shown, "is empty (no text at all)" if not data.strip() else "contains only whitespace")
    return source


def ingest(path: str | Path, name: str | None = None) -> SourceText:
    """Read and decode one file; :class:`InputError` names the file when it cannot be used.

    ``name`` is how the file is named in messages and in the output (the path as the user gave
    it) when ``path`` is another spelling of it (an absolute path, on a Dask worker)."""
    shown = name or str(path)
    return ingest_data(read_input(path, shown), shown)
