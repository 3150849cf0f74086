"""One model is both the tree in memory and the document file: what is written reads back into the
same classes (keikaku.read_document) and writes the same bytes again; a file of another schema
version, or not a document at all, is refused with a message naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS, analysed, keikaku_cli, manifest, parsed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_alignment import FRAGMENTS

import keikaku
from keikaku.errors import FileError, KeikakuError, SchemaVersionError
from keikaku.export.document import document_json, dumps
from keikaku.export.rows import table_rows
from keikaku.extract.document import parse
from keikaku.ingest.text import ingest_bytes
from keikaku.model.records import SCHEMA_VERSION, Keyword, ManifestEntry
from keikaku.model.schema import read_manifest
from keikaku.model.tree import Document, NodeKind
from keikaku.segment.profile import builtin_profiles


def _written(doc: Document, tmp_path: Path) -> tuple[Path, str]:
    text = dumps(document_json(doc, "test", fingerprint="f" * 64))
    path = tmp_path / f"{doc.doc_id}.json"
    path.write_text(text, encoding="utf-8")
    return path, text


def _again(doc: Document) -> str:
    return dumps(document_json(doc, doc.keikaku_version, doc.analysis, doc.fingerprint))


def test_every_analysed_seed_reads_back_into_the_model_and_writes_the_same_bytes(tmp_path: Path) -> None:
    for doc in analysed("fast"):
        path, text = _written(doc, tmp_path)
        back = keikaku.read_document(path)
        assert isinstance(back, Document) and back.doc_id == doc.doc_id
        assert _again(back) == text
        # The flat tables of the file are those of the document it was written from.
        assert table_rows(back) == table_rows(doc)


def test_a_document_read_back_is_a_linked_tree(tmp_path: Path) -> None:
    doc = parsed("001")
    back = keikaku.read_document(_written(doc, tmp_path)[0])
    back.check_tree()
    assert back.root.kind is NodeKind.DOCUMENT and back.children is back.root.children
    assert [n.id for n in back.nodes()] == [n.id for n in doc.nodes()]
    for mine, theirs in zip(doc.nodes(), back.nodes()):
        assert theirs.kind is mine.kind and theirs.text == mine.text and theirs.lines == mine.lines
        assert theirs.depth() == mine.depth()
        assert (theirs.under() and theirs.under().name) == (mine.under() and mine.under().name)
        assert theirs.declared_keywords == mine.declared_keywords
    assert any(n.under() is not None for n in back.nodes())  # 001 prints labels before its units
    assert all(not s for n in back.root.walk() for s in (n.heading_spans, *(p.spans for p in n.paragraphs)))


def test_typed_keywords_and_entities_read_back(tmp_path: Path) -> None:
    doc = analysed("fast")[1]
    back = keikaku.read_document(_written(doc, tmp_path)[0])
    keywords = [k for n in back.root.walk() for k in n.keywords]
    assert keywords and all(isinstance(k, Keyword) for k in keywords)
    assert [e for n in back.root.walk() for e in n.entities] == [e for n in doc.root.walk() for e in n.entities]
    assert back.counts == doc.counts and back.counts["nodes"] == sum(1 for n in doc.nodes()
                                                                     if n.kind is not NodeKind.CONTENTS)


def test_memory_only_fields_stay_out_of_the_file(tmp_path: Path) -> None:
    text = _written(parsed("003"), tmp_path)[1]
    data = json.loads(text)
    for name in ("spans", "paragraphs", "parent", "rank", "opened", "heading_spans", "root", "chars"):
        assert f'"{name}":' not in text, name
    assert "bytes" in data["source"] and data["schema_version"] == SCHEMA_VERSION


def test_another_schema_version_is_refused_naming_the_file_and_both_versions(tmp_path: Path) -> None:
    path, text = _written(parsed("000"), tmp_path)
    path.write_text(text.replace(f'"schema_version":"{SCHEMA_VERSION}"', '"schema_version":"1.1"', 1), encoding="utf-8")
    with pytest.raises(SchemaVersionError) as caught:
        keikaku.read_document(path)
    message = str(caught.value)
    assert isinstance(caught.value, KeikakuError)
    assert str(path) in message and "1.1" in message and SCHEMA_VERSION in message


@pytest.mark.parametrize("content, said", [
    ("[1, 2]", "a list at the top"),
    ('{"schema_version": "2.1", "doc_', "not JSON"),
    ("", "not JSON"),
])
def test_a_file_that_is_not_a_document_is_refused_naming_it(tmp_path: Path, content: str, said: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileError, match=said) as caught:
        keikaku.read_document(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_a_document_with_a_wrong_field_is_refused_saying_where(tmp_path: Path) -> None:
    path, text = _written(parsed("003"), tmp_path)
    data = json.loads(text)
    data["children"][0]["title"] = 12
    data["children"][0]["surprise"] = True
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FileError) as caught:
        keikaku.read_document(path)
    message = str(caught.value)
    assert str(path) in message and "children.0.title" in message and "children.0.surprise" in message
    assert not isinstance(caught.value, SchemaVersionError)


@pytest.mark.parametrize(("where", "key", "value"), [
    ("node", "rank", 3), ("node", "paragraphs", []), ("source", "chars", 10), ("document", "from_file", False),
])
def test_a_memory_only_field_in_a_file_is_refused(tmp_path: Path, where: str, key: str, value: object) -> None:
    """Fields the file does not hold (they are not in the schema either) are unknown keys when read."""
    path, text = _written(parsed("003"), tmp_path)
    data = json.loads(text)
    {"node": data["children"][0], "source": data["source"], "document": data}[where][key] = value
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FileError, match=rf"{key}: Unexpected keyword argument"):
        keikaku.read_document(path)
    (tmp_path / "missing.json").unlink(missing_ok=True)
    with pytest.raises(FileError, match="missing.json: cannot be read"):
        keikaku.read_document(tmp_path / "missing.json")


def test_the_manifest_of_a_run_reads_into_the_model(tmp_path: Path) -> None:
    from keikaku.run.pipeline import RunOptions, run

    raw = Path(__file__).resolve().parent.parent / "raw"
    out = tmp_path / "out"
    run([str(raw / f"{SEEDS['003']}.txt")], out, RunOptions(nlp="none"), log=lambda m: None)
    manifest = keikaku.read_manifest(out / "manifest.json")
    (entry,) = manifest.documents
    assert isinstance(entry, ManifestEntry) and entry.status == "ok" and entry.output == f"{SEEDS['003']}.json"
    assert entry.nodes == keikaku.read_document(out / entry.output).counts["nodes"] > 0
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    data["schema_version"] = "9.0"
    (out / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaVersionError, match=r"manifest\.json: a manifest of schema version 9\.0"):
        read_manifest(out / "manifest.json")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=30),
       st.sampled_from(sorted(builtin_profiles())))
def test_any_document_reads_back_as_written(lines: list[str], profile: str) -> None:
    doc = parse(ingest_bytes("\n".join(lines).encode("utf-8"), "random.txt"), builtin_profiles()[profile], "random")
    text = dumps(document_json(doc, "test"))
    from keikaku.model.schema import parse_document

    back = parse_document(text.encode("utf-8"), "random.json")
    assert _again(back) == text
    assert table_rows(back) == table_rows(doc)


def test_a_folder_of_an_older_schema_keeps_its_entries_and_says_the_tables_are_not_current(tmp_path: Path) -> None:
    """A document written by an older keikaku (its JSON of another schema version, its manifest
    entry's warnings plain strings) that a later run does not redo stays listed, its warnings kept
    as messages without a code; it cannot be read into the tables, so the manifest says that they
    are not current and names it."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "old.txt").write_text("第1章 総論\n本文です。\n", encoding="utf-8")
    (plans / "new.txt").write_text("第1章 各論\n本文です。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku_cli("run", "--nlp", "none", str(plans), "--out", str(out)).returncode == 0
    doc = json.loads((out / "old.json").read_text(encoding="utf-8"))
    doc["schema_version"] = "2.1"
    (out / "old.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    listed = manifest(out)
    for e in listed["documents"]:
        if e["doc_id"] == "old":
            e["warnings"] = ["an uncoded warning of 2.1"]
    (out / "manifest.json").write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")

    result = keikaku_cli("run", "--nlp", "none", str(plans / "new.txt"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    after = manifest(out)
    old = next(e for e in after["documents"] if e["doc_id"] == "old")
    assert old["warnings"] == [{"code": "", "message": "an uncoded warning of 2.1"}]
    assert after["tables"]["current"] is False and "(old)" in after["tables"]["note"]
    assert "old.json: not readable" in result.stderr and "schema version 2.1" in result.stderr


def test_a_parsed_and_analysed_document_holds_its_file_fields() -> None:
    """keikaku.parse analyses after segmenting: the document's keywords, front matter and counts
    follow what the analysis added (as its JSON does), not the tree before it."""
    doc = keikaku.parse(text="第1章 子育て支援\n保育所の待機児童を解消し、子育て支援を充実します。\n", nlp="fast",
                        doc_id="d")
    assert doc.keywords and doc.keywords == doc.root.keywords
    entities = sum(len(n.entities) for n in doc.root.walk())
    assert doc.counts["entities"] == entities and doc.front_matter.entities == doc.root.entities
    assert [k.term for k in doc.keywords] == [k["term"] for k in document_json(doc, "0")["keywords"]]
