"""The notebook API (keikaku.parse, keikaku.load) and Parquet tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import RAW

import keikaku
from keikaku.errors import InputError, UsageError
from keikaku.extract.nlp import NlpMode
from keikaku.run.pipeline import RunOptions, run


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api")
    result = subprocess.run([sys.executable, "-m", "keikaku", "run", str(RAW), "--out", str(out), "--nlp", "fast",
                             "--format", "both", "-q"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


def test_parse_a_path_and_a_text() -> None:
    doc = keikaku.parse(RAW / "kodaira_kihonkoso.txt", nlp="fast")
    assert doc.doc_id == "kodaira_kihonkoso" and doc.profile.name == "kodaira_kihonkoso"
    assert [n.code for n in doc.nodes() if n.kind.value == "goal"] == ["基本目標1", "基本目標2", "基本目標3"]
    assert doc.root.keywords
    text = "基本目標1 安全なまち\n\n東日本大震災の教訓から、令和6年度に計画を見直します。\n"
    doc = keikaku.parse(text=text, profile="generic", nlp="fast", doc_id="draft")
    (goal,) = list(doc.nodes())
    assert (doc.doc_id, goal.code, goal.title) == ("draft", "基本目標1", "安全なまち")
    assert [(e.text, e.label) for e in goal.entities] == [("東日本大震災", "EVENT"), ("令和6年度", "DATE")]
    with pytest.raises(InputError, match="contains no text"):
        keikaku.parse(text="\n\n")


def test_parse_takes_the_nlp_mode_as_its_name_or_as_the_enum() -> None:
    text = "基本目標1 安全なまち\n\n東日本大震災の教訓から、令和6年度に地域防災計画を見直します。\n"
    by_name = keikaku.parse(text=text, profile="generic", nlp="fast").root
    by_enum = keikaku.parse(text=text, profile="generic", nlp=NlpMode.FAST).root
    assert by_name.keywords and by_name.keywords == by_enum.keywords
    with pytest.raises(UsageError, match="unknown --nlp mode 'slow': use one of full, fast, none"):
        keikaku.parse(text=text, nlp="slow")


def test_parse_never_reads_a_text_as_a_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A one-line text that names an existing file is the text, given as text=.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "基本目標1 安全なまち").write_text("第1章 別のファイル\n", encoding="utf-8")
    (goal,) = keikaku.parse(text="基本目標1 安全なまち", profile="generic", nlp="none").nodes()
    assert goal.title == "安全なまち"
    (chapter,) = keikaku.parse("基本目標1 安全なまち", profile="generic", nlp="none").nodes()  # the path
    assert chapter.title == "別のファイル"
    with pytest.raises(UsageError, match="text="):
        keikaku.parse("基本目標1 安全なまち\n本文")
    with pytest.raises(UsageError, match="exactly one"):
        keikaku.parse("a.txt", text="本文")
    with pytest.raises(InputError, match="missing.txt"):
        keikaku.parse(tmp_path / "missing.txt")


def test_load_keeps_text_that_the_csv_escapes_for_spreadsheets(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("基本目標1 =1+1 のまち\n本文です。\n", encoding="utf-8")
    run([str(plan)], tmp_path / "out", RunOptions(nlp="none"), log=lambda m: None)
    assert "'=1+1 のまち" in (tmp_path / "out" / "nodes.csv").read_text(encoding="utf-8-sig")  # the CSV escapes it
    nodes = keikaku.load(tmp_path / "out").nodes
    assert list(nodes.loc[nodes["node_id"] != "", "title"]) == ["=1+1 のまち"]  # keikaku.load does not


def test_load_gives_typed_tables_with_consistent_keys(out: Path) -> None:
    t = keikaku.load(out)
    assert len(t.documents) == len(list(RAW.glob("*.txt"))) and set(t.nodes["doc_id"]) == set(t.documents["doc_id"])
    assert str(t.nodes["depth"].dtype) == "Int64" and str(t.keywords["score"].dtype) == "Float64"
    assert str(t.refs["page_inferred"].dtype) == "boolean"
    for name in ("sections", "items", "refs", "keywords", "entities"):
        table = getattr(t, name)
        assert {"doc_id", "node_id", "parent_id", "path"} <= set(table.columns), name
        joined = table[table["node_id"] != ""].merge(t.nodes[["doc_id", "node_id"]], on=["doc_id", "node_id"])
        assert len(joined) == (table["node_id"] != "").sum(), name  # every row names a real node
    doc = "nishitokyo_2nd_kihonkeikaku_mi"
    sub = t.subtree(doc, "み2/み2-1")
    assert list(sub["node_id"]) == ["み2/み2-1", "み2/み2-1/み2-1-1", "み2/み2-1/み2-1-2"]
    assert list(t.ancestors(doc, "み2/み2-1/み2-1-1")["node_id"]) == ["み2", "み2/み2-1"]
    assert t.ancestors(doc, "み2").empty


def test_parquet_tables_match_the_dataframes_and_have_a_stable_schema(out: Path) -> None:
    t = keikaku.load(out)
    for name in ("nodes", "sections", "items", "refs", "keywords", "entities"):
        table = pq.read_table(out / f"{name}.parquet")
        assert table.num_rows == len(getattr(t, name)), name
        assert table.column_names == list(getattr(t, name).columns[:table.num_columns]), name
    schema = pq.read_schema(out / "entities.parquet")
    assert str(schema.field("year").type) == "int64" and str(schema.field("fiscal").type) == "bool"
    assert str(pq.read_schema(out / "keywords.parquet").field("score").type) == "double"


def test_parquet_schema_does_not_depend_on_the_data(tmp_path: Path) -> None:
    one = tmp_path / "one"
    result = subprocess.run([sys.executable, "-m", "keikaku", "run", str(RAW / "kiyose_4th_chokikeikaku_summary.txt"),
                             "--out", str(one), "--nlp", "none", "--format", "parquet", "-q"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not list(one.glob("*.csv"))
    refs = pq.read_schema(one / "refs.parquet")  # no refs in this plan: still typed
    assert str(refs.field("page").type) == "int64" and pq.read_table(one / "refs.parquet").num_rows == 0


def test_load_refuses_a_folder_that_is_not_an_output(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="has no readable manifest.json"):
        keikaku.load(tmp_path)
    (tmp_path / "manifest.json").write_text("{", encoding="utf-8")  # damaged
    with pytest.raises(InputError, match="has no readable manifest.json"):
        keikaku.load(tmp_path)
