"""Stage 1: bytes → decoded, line-split text with line numbers (and the matching form of each line).

Encodings: a BOM decides first (UTF-8, UTF-16), then ISO-2022-JP's escape sequences; otherwise the
encodings Japanese plan texts come in are tried in order (UTF-8, EUC-JP, CP932/Shift_JIS), first
strictly, then allowing a few bad bytes in any of them (each replaced by U+FFFD, with a warning that
names the encoding and the first bad byte).  Line ends may be LF, CRLF or CR.  Binary files given by mistake are refused with a
message that says what they look like.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CodedWarning, InputError, Warnings
from ..text.normalize import Matchable, matchable

if TYPE_CHECKING:
    from .pdf import LineLayout  # pdf.py builds on this module

# Magic numbers of files people pass by mistake instead of the extracted text.
_SIGNATURES = {
    b"%PDF": "a PDF file (give keikaku the file itself: keikaku run plan.pdf)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive or an Office document (save it as plain text first)",
    b"\xd0\xcf\x11\xe0": "an old Office document (save it as plain text first)",
    b"\x7fELF": "an executable",
}
_ZERO_WIDTH = ("\u200b", "\u2060")  # zero-width space, word joiner


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
    """One input decoded: its lines, and for a PDF what its pages showed about each line
    (``layout[i]`` for line ``i + 1``, see :mod:`.pdf`)."""

    path: str
    sha256: str
    size: int
    encoding: str  # the text's encoding, or "pdf"
    lines: list[Line]
    warnings: list[CodedWarning] = field(default_factory=list)
    layout: list[LineLayout] | None = None  # for a PDF: what its page showed about each line
    pages: int | None = None  # the PDF's pages, or the pages a text's form feeds make
    breaks: list[int] = field(init=False, default_factory=list)
    """the lines that start a page, from the second page on, once per page: the form feeds in
    them (pdftotext and ``keikaku extract`` write one before each page, two lines of them for an
    empty page); form feeds after the last text start no page (pdftotext ends each page with one)"""

    def __post_init__(self) -> None:
        last = max((line.no for line in self.lines if line.text.replace("\f", "").strip()), default=0)
        self.breaks = [line.no for line in self.lines if line.no <= last for _ in range(line.text.count("\f"))]
        if self.breaks and self.pages is None:
            self.pages = len(self.breaks) + 1

    def page_of(self, line_no: int) -> int | None:
        """The page that line ``line_no`` is on (a PDF's own, from its layout); None for a text
        without page breaks."""
        if self.layout:
            return self.layout[line_no - 1].page
        if self.pages is None:
            return None
        return bisect.bisect_right(self.breaks, line_no) + 1


def decode(data: bytes, path: str) -> tuple[str, str, list[CodedWarning]]:
    """Decode ``data``; return the text, the encoding used and warnings."""
    warnings: list[CodedWarning] = []
    for magic, what in _SIGNATURES.items():
        if data.startswith(magic):
            raise InputError(path, f"this is {what}, not a plan text")
    if data.lstrip(b" \t\r\n\xef\xbb\xbf")[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise InputError(path, "this is an HTML page, not a plan text (a failed download, or a web page: save its"
                               " text, or give the PDF itself)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _tolerant(data, ["utf-16"], path, warnings, "declares UTF-16 with a BOM but")
    elif b"\x1b$B" in data or b"\x1b$@" in data:
        # ISO-2022-JP is 7-bit, so it would also pass as UTF-8: its escape sequences decide.
        text, encoding = _tolerant(data, ["iso-2022-jp"], path, warnings, "looks like ISO-2022-JP but")
    elif data.startswith(codecs.BOM_UTF8):
        text, encoding = _tolerant(data[3:], ["utf-8"], path, warnings, "declares UTF-8 with a BOM but", skip=3)
        encoding = "utf-8-sig"
    elif (utf16 := _utf16_without_bom(data, path, warnings)) is not None:
        text, encoding = utf16
    else:
        text, encoding = _tolerant(data, list(JAPANESE_ENCODINGS), path, warnings)
    if "\ufeff" in text:
        # A byte order mark is no text: one more at the start (a file saved twice with a BOM) or
        # one inside (files joined, each with its own) would make the title "\ufeff" and hide the
        # marker of the line it starts (\ufeff第2章 is no chapter).
        leading = len(text) - len(text.lstrip("\ufeff"))
        inside = text.count("\ufeff") - leading
        text = text.replace("\ufeff", "")
        where = [f"{leading} more at the start"] if leading else []
        where += [f"{inside} inside the text"] if inside else []
        warnings.append(Warnings.W101(where=", ".join(where)))
    invisible = sum(text.count(ch) for ch in _ZERO_WIDTH)
    if invisible:  # a zero-width space before 基本目標1 hid the marker; it is no text either
        for ch in _ZERO_WIDTH:
            text = text.replace(ch, "")
        warnings.append(Warnings.W102(n=invisible))
    if "\x00" in text:
        if text.count("\x00") > max(16, len(text) // 100):
            raise InputError(path, "looks like a binary file (many NUL bytes), not a plan text")
        warnings.append(Warnings.W103(n=text.count("\x00")))
        text = text.replace("\x00", "")
    return text, encoding, warnings


# Tried in this order, first strictly, then with a few bad bytes.  EUC-JP comes before CP932: the
# bytes of an EUC-JP text nearly always decode as CP932 too (as half-width katakana), never the
# other way round (CP932's kana and most kanji start with bytes EUC-JP does not use).
JAPANESE_ENCODINGS = ("utf-8", "euc-jp", "cp932")
# Python's cp932 decodes five bytes that Shift_JIS does not use (0x80, 0xA0, 0xFD-0xFF) to U+0080 and
# private-use characters instead of failing: they are damage, like any invalid byte.
_CP932_STRAYS = {0x80: "\ufffd", 0xF8F0: "\ufffd", 0xF8F1: "\ufffd", 0xF8F2: "\ufffd", 0xF8F3: "\ufffd"}


def _strict(data: bytes, encoding: str) -> tuple[str | None, int]:
    """The text if ``data`` is valid ``encoding``, else None and the offset of the first bad byte."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return None, exc.start
    if encoding == "cp932":
        stray = next((i for i, c in enumerate(text) if ord(c) in _CP932_STRAYS), None)
        if stray is not None:
            return None, len(text[:stray].encode("cp932", errors="replace"))
    return text, 0


def _replaced(data: bytes, encoding: str) -> tuple[str, int]:
    """``data`` decoded with U+FFFD for every bad byte or sequence, and how many there are."""
    text = data.decode(encoding, errors="replace")
    if encoding == "cp932":
        text = text.translate(_CP932_STRAYS)
    bad = text.count("\ufffd")
    if encoding.startswith("utf"):
        bad -= data.count("\ufffd".encode(encoding.replace("-sig", "")))  # written in the file: not damage
    return text, max(bad, 0)


def tolerable(text: str, bad: int) -> bool:
    """A few bad bytes in a text that is otherwise right in that encoding: at most one character in
    a thousand (eight in a short text) replaced, and fewer than the non-ASCII characters read well
    (a text in another encoding read as this one has as many bad sequences as good, or more)."""
    good = sum(1 for c in text if c > "\x7f") - text.count("\ufffd")
    return bad <= min(max(8, len(text) // 1000), good)


def _utf16_without_bom(data: bytes, path: str, warnings: list[CodedWarning]) -> tuple[str, str] | None:
    """UTF-16 without a BOM, told by its NUL bytes: the high byte of every ASCII character (each line
    end at least), all at odd offsets (little-endian) or all at even ones (big-endian).  None when
    the bytes do not look like it, or do not decode as it."""
    odd, even = data[1::2].count(0), data[0::2].count(0)
    if max(odd, even) < max(4, len(data) // 400) or min(odd, even) * 20 > max(odd, even):
        return None
    try:
        return _tolerant(data, ["utf-16-le" if odd > even else "utf-16-be"], path, warnings, "looks like UTF-16 but")
    except InputError:
        return None


def _tolerant(data: bytes, encodings: list[str], path: str, warnings: list[CodedWarning],
              refusal: str = "", skip: int = 0) -> tuple[str, str]:
    """The first of ``encodings`` in which ``data`` is valid; else the one with the fewest bad bytes
    if they are few (see :func:`tolerable`), with U+FFFD for each and a warning; else an InputError.
    ``skip``: the bytes of the file before ``data`` (a BOM), for the offsets in messages."""
    first_bad = {}
    for encoding in encodings:
        text, first_bad[encoding] = _strict(data, encoding)
        first_bad[encoding] += skip
        if text is not None:
            return text, encoding
    best: tuple[int, int, str, str] | None = None
    for rank, encoding in enumerate(encodings):
        text, bad = _replaced(data, encoding)
        if tolerable(text, bad) and (best is None or (bad, rank) < best[:2]):
            best = (bad, rank, text, encoding)
    if best is not None:
        bad, _, text, encoding = best
        # A truncated copy, a bad concatenation: keep the text, mark the damage and say so,
        # rather than refusing the whole plan.
        warnings.append(Warnings.W104(encoding=encoding.upper(), byte=first_bad[encoding], n=bad))
        return text, encoding
    if refusal:
        raise InputError(path, f"{refusal} byte {first_bad[encodings[0]]} and many others are invalid;"
                               " convert the file to UTF-8")
    raise InputError(path, "cannot detect the text encoding (tried UTF-8, UTF-16, EUC-JP, CP932, ISO-2022-JP, each"
                           " allowing a few bad bytes); convert the file to UTF-8")


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


MAX_MB = 200  # the default size limit of an input file, in MB (the longest real plans are a few MB)
_MB = 1_000_000


def shown_path(path: str | Path) -> str:
    """``path`` as it is shown in messages and recorded in the output: itself, or when it is not
    valid UTF-8 (a Shift_JIS name from a ZIP made on Windows) with each bad byte as ``\\xNN``."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", errors="backslashreplace")
    return text


def not_regular(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file (such files are never read:
    a FIFO would wait for a writer for ever, a device like /dev/zero never ends)."""
    kinds = {stat.S_ISFIFO: "a named pipe (FIFO)", stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device",
             stat.S_ISSOCK: "a socket", stat.S_ISDIR: "a directory"}
    return next((what for test, what in kinds.items() if test(mode)), None if stat.S_ISREG(mode) else "not a file")


def read_input(path: str | Path, name: str | None = None, max_mb: float = MAX_MB) -> bytes:
    """The bytes of one input file; :class:`InputError` names the file when it cannot be read, is
    not a regular file, or is larger than ``max_mb`` MB."""
    shown = name or shown_path(path)
    limit = int(max_mb * _MB)
    try:
        kind = not_regular(os.stat(path).st_mode)
        if kind == "a directory":
            raise InputError(shown, "is a directory")
        if kind:
            raise InputError(shown, f"is {kind}, not a regular file; only regular files are read")
        # O_NONBLOCK: should the file be replaced by a FIFO after the check, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(shown, f"cannot be read ({exc.strerror or exc})") from exc
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fd)
            kind = not_regular(info.st_mode)
            if kind:
                raise InputError(shown, f"is {kind}, not a regular file; only regular files are read")
            if info.st_size > limit:
                raise InputError(shown, _too_big(info.st_size, max_mb))
            chunks, size = [], 0
            while size <= limit:  # no more than the limit, even if the file grows meanwhile
                chunk = fh.read(min(1 << 24, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
        except OSError as exc:
            raise InputError(shown, f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise InputError(shown, _too_big(len(data), max_mb))
    return data


def _too_big(size: int, max_mb: float) -> str:
    return (f"is {size / _MB:,.1f} MB, more than the size limit of {max_mb:g} MB; if it really is one plan text,"
            " raise the limit with --max-size")


def ingest_data(data: bytes, shown: str) -> SourceText:
    """Decode the bytes of a file named ``shown``; a file with no text is an :class:`InputError`."""
    source = ingest_bytes(data, shown)
    if not any(not line.blank for line in source.lines):
        raise InputError(shown, "is empty (no text at all)" if not data.strip() else "contains only whitespace")
    return source
