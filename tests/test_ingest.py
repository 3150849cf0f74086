"""Encodings, line ends and files that are not plan texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS, parsed, seed_path

from keikaku.errors import InputError
from keikaku.export.document import document_json
from keikaku.extract.document import parse_file
from keikaku.ingest import ingest
from keikaku.ingest.text import ingest_bytes


def _same_tree(a: dict, b: dict) -> bool:
    return a["children"] == b["children"] and a["front_matter"] == b["front_matter"]


@pytest.mark.parametrize("encoding, expected", [
    ("cp932", "cp932"), ("euc_jp", "euc-jp"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig")])
def test_japanese_encodings_parse_like_their_utf8_twin(tmp_path: Path, encoding: str, expected: str) -> None:
    text = seed_path("001").read_text(encoding="utf-8")
    twin = tmp_path / "twin.txt"
    twin.write_bytes(text.encode(encoding))
    doc = parse_file(twin, SEEDS["001"], None)
    assert doc.source.encoding == expected
    assert _same_tree(document_json(doc, "t"), document_json(parsed("001"), "t"))


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr(tmp_path: Path, newline: str) -> None:
    text = seed_path("003").read_text(encoding="utf-8")
    f = tmp_path / "crlf.txt"
    f.write_bytes(text.replace("\n", newline).encode("utf-8"))
    doc = parse_file(f, SEEDS["003"], None)
    assert _same_tree(document_json(doc, "t"), document_json(parsed("003"), "t"))


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "damaged or truncated PDF"),  # a PDF whatever its name
    (b"", "is empty"),
    (b" \n\t\n\xe3\x80\x80\n", "only whitespace"),
    (bytes(range(256)) * 40, "binary file|cannot detect"),
])
def test_unusable_files_are_refused_with_the_file_named(tmp_path: Path, data: bytes, message: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(data)
    with pytest.raises(InputError, match=message) as err:
        ingest(f)
    assert str(f) in str(err.value)


def test_invalid_utf8_in_the_middle_is_kept_with_a_warning() -> None:
    data = "基本目標1 テスト\n本文".encode("utf-8")
    source = ingest_bytes(data[:5] + b"\xff" + data[5:], "broken.txt")
    assert source.encoding == "utf-8"
    assert any(w.code == "W104" and "invalid UTF-8" in w.message for w in source.warnings)
    assert "\ufffd" in source.lines[0].text


def test_nul_bytes_are_removed_with_a_warning() -> None:
    source = ingest_bytes("基本目標1 テスト\x00\n本文".encode("utf-8"), "nul.txt")
    assert source.lines[0].text == "基本目標1 テスト"
    assert any(w.code == "W103" and "NUL" in w.message for w in source.warnings)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        ingest(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        ingest(tmp_path)


def test_iso2022jp_is_recognised(tmp_path: Path) -> None:
    text = "基本目標1 くらしづくり\n本文です。\n"
    f = tmp_path / "iso.txt"
    f.write_bytes(text.encode("iso2022_jp"))
    source = ingest(f)
    assert source.encoding == "iso-2022-jp" and source.lines[0].text == "基本目標1 くらしづくり"


def test_bom_file_with_damage_is_kept_with_warnings() -> None:
    data = b"\xef\xbb\xbf" + "基本目標1 テスト\n本文".encode("utf-8")
    source = ingest_bytes(data[:8] + b"\xff" + data[8:].replace("本".encode(), "本\x00".encode()), "bom.txt")
    assert source.encoding == "utf-8-sig"
    assert [w.code for w in source.warnings] == ["W104", "W103"]
    assert "invalid UTF-8" in source.warnings[0].message and "NUL" in source.warnings[1].message
    assert "\x00" not in "".join(line.text for line in source.lines)
