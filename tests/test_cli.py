"""The command line, run as a user runs it: in a subprocess (in this process only where a test
looks inside the process that ran, at its open files)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import RAW, SEEDS
from conftest import keikaku_cli as keikaku

from keikaku import cli
from keikaku.errors import SetupError
from keikaku.export.tables import TableFormat
from keikaku.extract.nlp import NlpMode
from keikaku.run import batch

SCHEMA = json.loads(resources.files("keikaku").joinpath("schema/document.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = keikaku("run", str(RAW), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_run_writes_one_json_per_document_the_tables_and_the_report(out: Path) -> None:
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == sorted([f"{p.stem}.json" for p in RAW.glob("*.txt")]
                           + ["manifest.json", "nodes.csv", "sections.csv", "items.csv", "refs.csv", "keywords.csv",
                                  "entities.csv", "indicators.csv", "tables.csv", "report.html"])
    assert "基本目標" in (out / "report.html").read_text(encoding="utf-8")


def test_no_report_leaves_the_report_out(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("基本目標1　安全なまち\n本文です。\n", encoding="utf-8")
    result = keikaku("run", str(plan), "--out", str(tmp_path / "out"), "--nlp", "none", "--no-report")
    assert result.returncode == 0 and "report:" not in result.stderr
    assert not (tmp_path / "out" / "report.html").exists()
    again = keikaku("run", str(plan), "--out", str(tmp_path / "out"), "--nlp", "none")
    assert f"report: {tmp_path / 'out' / 'report.html'}" in again.stderr


def test_every_document_is_valid_against_the_schema(out: Path) -> None:
    for doc_id in SEEDS.values():
        data = json.loads((out / f"{doc_id}.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, SCHEMA)
        assert data["doc_id"] == doc_id and data["profile"]["reason"].startswith("auto:")


def test_output_is_deterministic(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert keikaku("run", str(RAW), "--out", str(again)).returncode == 0
    for p in out.iterdir():
        if p.is_file():
            assert p.read_bytes() == (again / p.name).read_bytes(), p.name


def test_csv_opens_in_excel_and_matches_the_json(out: Path) -> None:
    raw = (out / "nodes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel on Japanese Windows reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    doc = json.loads((out / "nishitokyo_2nd_kihonkeikaku_mi.json").read_text(encoding="utf-8"))
    mine = [r for r in rows if r["doc_id"] == doc["doc_id"]]
    assert len(mine) == doc["counts"]["nodes"] + doc["counts"]["contents"] + 1  # and the root: the front matter
    row = next(r for r in mine if r["node_id"] == "み2/み2-1/み2-1-1")
    assert (row["parent_id"], row["depth"], row["kind"], row["code"]) == ("み2/み2-1", "3", "direction", "み2-1-1")
    assert row["path"] == "み2 > み2-1 > み2-1-1"
    refs = list(csv.DictReader(io.StringIO((out / "refs.csv").read_bytes().decode("utf-8-sig"))))
    inferred = [r for r in refs if r["page_inferred"] == "true"]
    assert [(r["code"], r["page"]) for r in inferred] == [("2-3", "68")]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {d["doc_id"]: d["status"] for d in manifest["documents"]}["nishitokyo_digital_denen_senryaku"] == "warning"
    assert all(d["errors"] == [] for d in manifest["documents"])


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(RAW / "kodaira_kihonkoso.txt", inputs / "good.txt")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "scan.txt").write_bytes(b"%PDF-1.5\n")
    (inputs / "notes.md").write_text("not a plan", encoding="utf-8")
    result = keikaku("run", "--nlp", "none", str(inputs), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and any("empty.txt: is empty" in e for e in errors)
    assert any("scan.txt" in e and "PDF" in e for e in errors)
    assert "notes.md" in result.stderr  # reported as skipped, not silently dropped
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    status = {d["doc_id"]: d["status"] for d in manifest["documents"]}
    assert status == {"good": "ok", "empty": "failed", "scan": "failed"}
    assert manifest["skipped"][0]["path"].endswith("notes.md")
    assert (tmp_path / "out" / "good.json").exists()


def test_hidden_files_and_folders_are_listed_as_skipped(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    (inputs / ".git").mkdir(parents=True)
    (inputs / ".git" / "plan.txt").write_text("基本目標1 まち\n", encoding="utf-8")
    shutil.copy(RAW / "kodaira_kihonkoso.txt", inputs / "good.txt")
    (inputs / ".good.txt.swp").write_text("x", encoding="utf-8")
    result = keikaku("run", "--nlp", "none", str(inputs), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert f"skipped: {inputs / '.git'}: hidden folder (not searched)" in result.stderr
    assert f"skipped: {inputs / '.good.txt.swp'}: hidden file" in result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [(s["path"], s["reason"]) for s in manifest["skipped"]] == [
        (str(inputs / ".git"), "hidden folder (not searched)"), (str(inputs / ".good.txt.swp"), "hidden file")]
    assert [d["doc_id"] for d in manifest["documents"]] == ["good"]


def test_same_stem_in_two_folders_gets_two_doc_ids(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(RAW / "kodaira_kihonkoso.txt", tmp_path / folder / "plan.txt")
    result = keikaku("run", "--nlp", "none", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert {"a__plan.json", "b__plan.json"} <= {p.name for p in (tmp_path / "out").iterdir()}


def test_forced_profile_and_bad_profile(tmp_path: Path) -> None:
    result = keikaku("run", "--nlp", "none", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(tmp_path), "--profile", "generic")
    assert result.returncode == 0
    data = json.loads((tmp_path / "kodaira_kihonkoso.json").read_text(encoding="utf-8"))
    assert data["profile"]["name"] == "generic" and data["profile"]["reason"] == "given with --profile"
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[levels]]\nname = "a"\nkind = "goal"\nrank = 1\npattern = "(unclosed"\n',
                   encoding="utf-8")
    result = keikaku("run", "--nlp", "none", str(RAW), "--out", str(tmp_path), "--profile", str(bad))
    assert result.returncode == 2
    assert str(bad) in result.stderr and "levels[0] (a).pattern" in result.stderr


def test_profiles_and_inspect() -> None:
    result = keikaku("profiles")
    assert result.returncode == 0 and "generic" in result.stdout and "kodaira_kihonkoso" in result.stdout
    result = keikaku("inspect", str(RAW / "nishitokyo_2nd_kihonkeikaku_mi.txt"))
    assert result.returncode == 0
    assert "[direction] み2-1-1 人権尊重意識の醸成を進めます" in result.stdout
    assert "§ 施策推進のためのキーワード: 0¶ 3 items" in result.stdout
    result = keikaku("inspect", str(RAW / "missing.txt"))
    assert result.returncode == 1 and "missing.txt: cannot be read" in result.stderr


def test_text_without_markers_is_one_flat_document_with_a_warning(tmp_path: Path) -> None:
    f = tmp_path / "flat.txt"
    f.write_text("市のまちづくりについて述べます。\n\n地域とともに進めます。\n", encoding="utf-8")
    result = keikaku("run", "--nlp", "none", str(f), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out" / "flat.json").read_text(encoding="utf-8"))
    assert data["children"] == [] and data["front_matter"]["text"].startswith("市のまちづくり")
    assert any(w["code"] == "W201" and "no heading" in w["message"] for w in data["warnings"])


def test_a_later_run_keeps_the_documents_of_earlier_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert keikaku("run", "--nlp", "none", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(out)).returncode == 0
    assert keikaku("run", "--nlp", "none", str(RAW / "kiyose_4th_chokikeikaku_summary.txt"), "--out", str(out)).returncode == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [d["doc_id"] for d in manifest["documents"]] == ["kiyose_4th_chokikeikaku_summary", "kodaira_kihonkoso"]
    nodes = (out / "nodes.csv").read_bytes().decode("utf-8-sig")
    assert "kodaira_kihonkoso," in nodes and "kiyose_4th_chokikeikaku_summary," in nodes
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # no temporary files left behind


def covered_lines(obj: object) -> set[int]:
    """Source lines named by ``lines`` ranges and ``line`` fields anywhere in a document JSON."""
    found: set[int] = set()
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "lines" and isinstance(value, list) and len(value) == 2:
                found.update(range(value[0], value[1] + 1))
            elif key == "line" and isinstance(value, int):
                found.add(value)
            elif key != "source":
                found |= covered_lines(value)
    elif isinstance(obj, list):
        for value in obj:
            found |= covered_lines(value)
    return found


def test_exported_json_holds_every_line(out: Path) -> None:
    """The alignment guard checks the tree; this checks that export drops no part of it (line ranges of
    nodes, sections, items, refs, front matter and furniture together cover every non-blank line)."""
    for doc_id in SEEDS.values():
        lines = covered_lines(json.loads((out / f"{doc_id}.json").read_text(encoding="utf-8")))
        raw = (RAW / f"{doc_id}.txt").read_text(encoding="utf-8").split("\n")
        nonblank = {i for i, t in enumerate(raw, start=1) if t.strip()}
        assert nonblank <= lines, sorted(nonblank - lines)[:10]


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x", encoding="utf-8")
    result = keikaku("run", "--nlp", "none", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(target))
    assert result.returncode == 2 and "afile: is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_new_doc_id_for_the_same_input_replaces_the_old_one(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(RAW / "kodaira_kihonkoso.txt", tmp_path / folder / "plan.txt")
    out = tmp_path / "out"
    assert keikaku("run", "--nlp", "none", str(tmp_path / "a" / "plan.txt"), "--out", str(out)).returncode == 0
    assert keikaku("run", "--nlp", "none", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out)).returncode == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [d["doc_id"] for d in manifest["documents"]] == ["a__plan", "b__plan"]
    assert not (out / "plan.json").exists()
    nodes = (out / "nodes.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert not [r for r in nodes if r.startswith("plan,")]


def test_keywords_and_entities_tables(out: Path) -> None:
    def read(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO((out / name).read_bytes().decode("utf-8-sig"))))

    entities = read("entities.csv")
    org = next(r for r in entities if r["text"] == "多摩北部都市広域行政圏協議会")
    assert (org["doc_id"], org["node_id"], org["label"], org["source"]) == (
        "nishitokyo_2nd_kihonkeikaku_mi", "み3/み3-2/み3-2-3", "ORG", "rule:council")
    doc = json.loads((out / "nishitokyo_2nd_kihonkeikaku_mi.json").read_text(encoding="utf-8"))
    node = next(n for n in _all_nodes(doc) if n["id"] == org["node_id"])
    assert node["text"][int(org["start"]):int(org["end"])] == org["text"] and org["field"] == "text"
    date = next(r for r in entities if r["text"] == "平成 23 年")
    assert (date["label"], date["year"], date["fiscal"], date["era"]) == ("DATE", "2011", "false", "平成")
    keywords = read("keywords.csv")
    mine = [r for r in keywords if r["doc_id"] == doc["doc_id"] and r["node_id"] == ""]
    assert [r["rank"] for r in mine] == [str(i) for i in range(1, len(mine) + 1)]
    assert [r["term"] for r in mine] == [k["term"] for k in doc["keywords"]]
    assert doc["analysis"]["mode"] == "full" and doc["analysis"]["versions"]["ja-ginza"] == "5.2.0"
    assert doc["counts"]["entities"] == sum(1 for r in entities if r["doc_id"] == doc["doc_id"])


def test_fast_mode_and_bad_workers(tmp_path: Path) -> None:
    result = keikaku("run", str(RAW / "nishitokyo_2nd_kihonkeikaku_mi.txt"), "--out", str(tmp_path), "--nlp", "fast")
    assert result.returncode == 0, result.stderr
    doc = json.loads((tmp_path / "nishitokyo_2nd_kihonkeikaku_mi.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    sources = {e["source"] for e in _all_entities(doc)}
    assert "dates" in sources and "ginza" not in sources and doc["analysis"]["mode"] == "fast"
    bad = keikaku("run", str(RAW), "--out", str(tmp_path / "x"), "--workers", "0")
    assert bad.returncode == 2 and "--workers must be at least 1" in bad.stderr


def _all_nodes(doc: dict) -> list[dict]:
    nodes, stack = [], list(doc["children"])
    while stack:
        nodes.append(stack.pop())
        stack.extend(nodes[-1]["children"])
    return nodes


def _all_entities(doc: dict) -> list[dict]:
    return doc["front_matter"]["entities"] + [e for n in _all_nodes(doc) for e in n["entities"]]


def test_workers_give_byte_identical_output(out: Path, tmp_path: Path) -> None:
    result = keikaku("run", str(RAW), "--out", str(tmp_path), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "worker processes" not in result.stderr  # asked for: nothing to say (the fixture's run chose one)
    for p in out.iterdir():
        if p.is_file():
            assert p.read_bytes() == (tmp_path / p.name).read_bytes(), p.name


def test_progress_on_a_terminal_and_in_a_log(tmp_path: Path) -> None:
    import os
    import pty

    seed = str(RAW / "kiyose_4th_chokikeikaku_summary.txt")
    logged = keikaku("run", seed, "--out", str(tmp_path / "a"), "--nlp", "none")
    # One document: no ETA, as none finished after the one that loaded the model.
    assert "[1/1] kiyose_4th_chokikeikaku_summary: ok (" in logged.stderr and "chars/s, ETA …)" in logged.stderr
    assert "1 document(s): 1 ok, 0 with warnings, 0 failed, 0 unchanged" in logged.stderr
    assert "warnings:" not in logged.stderr  # the count by kind is there only when there are warnings
    quiet = keikaku("run", seed, "--out", str(tmp_path / "b"), "--nlp", "none", "-q")
    assert quiet.stderr == ""
    main, child = pty.openpty()  # a terminal: the bar is drawn in place with carriage returns
    proc = subprocess.run([sys.executable, "-m", "keikaku", "run", seed, "--out", str(tmp_path / "c"), "--nlp",
                           "none"], stderr=child, stdout=subprocess.DEVNULL, timeout=60)
    os.close(child)
    shown = os.read(main, 65536).decode()
    os.close(main)
    assert proc.returncode == 0 and "\r[########################] 1/1 documents" in shown and "ETA …" in shown


PLAN = ("第1部　基本構想\n1) 将来都市像\n本文です。\n2) 基本方針\n本文です。\n基本方針1　人を育む\n本文です。\n"
        "基本方針2　まちを元気にする\n本文です。\n3) 将来人口\n本文です。\n第2部　基本計画\n<基本目標1>　支え合うまち\n"
        "a　保健・医療\n本文です。\nb　地域福祉\n本文です。\n2 つの視点から整理します。\n")


def test_inspect_shows_levels_and_markers_set_aside(tmp_path: Path) -> None:
    f = tmp_path / "plan.txt"
    f.write_text(PLAN, encoding="utf-8")
    result = keikaku("inspect", str(f))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "# auto: outline inferred from the document" in out
    levels = [line.split() for line in out.splitlines() if line.startswith("#     ")]
    assert [row[1:4] for row in levels] == [["1", "2", "第#部"], ["2", "3", "1)"], ["2", "1", "基本目標#"],
                                           ["3", "2", "基本方針#"], ["3", "2", "a"]]
    assert "#   line 18: 2 つの視点から整理します。  [1] a number followed by a counter" in out
    assert "    [policy] 基本方針2 まちを元気にする" in out


def test_profile_infer_writes_a_profile_that_pins_the_outline(tmp_path: Path) -> None:
    f = tmp_path / "plan.txt"
    f.write_text(PLAN, encoding="utf-8")
    result = keikaku("profile", "infer", str(f), "--name", "my city")
    assert result.returncode == 0, result.stderr
    toml = tmp_path / "city.toml"
    toml.write_text(result.stdout, encoding="utf-8")
    assert 'name = "my_city"' in result.stdout and 'style = "基本方針#"' in result.stdout
    # Pinned, the same plan gives the same tree; another plan of the same city that starts with
    # a 基本方針 follows the pinned depths (1) above 基本方針N) instead of its own first use.
    pinned = keikaku("inspect", "--profile", str(toml), str(f))
    inferred = keikaku("inspect", str(f))
    tree = [line for line in pinned.stdout.splitlines() if line.lstrip().startswith("[")]
    assert tree == [line for line in inferred.stdout.splitlines() if line.lstrip().startswith("[")]
    assert "# outline: outline;" in pinned.stdout
    g = tmp_path / "other.txt"
    g.write_text("基本方針1　人を育む\n本文です。\n1) 将来都市像\n本文です。\n2) 基本方針\n本文です。\n", encoding="utf-8")
    own = keikaku("inspect", str(g)).stdout
    other = keikaku("inspect", "--profile", str(toml), str(g)).stdout
    assert "\n  [chapter] 1) 将来都市像" in own
    assert "\n[policy] 基本方針1 人を育む" in other and "\n[chapter] 1) 将来都市像" in other


def test_profile_with_an_unknown_outline_key_names_the_file_and_rule(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[outline]]\nstyle = "(1)"\nkind = "point"\ndepht = 2\n', encoding="utf-8")
    result = keikaku("inspect", "--profile", str(bad), str(RAW / "kodaira_kihonkoso.txt"))
    assert result.returncode == 2 and str(bad) in result.stderr and "outline[0] ((1)): unknown key(s) depht" in result.stderr


def test_manifest_records_each_documents_structure(out: Path) -> None:
    entries = {e["doc_id"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]}
    assert entries["kodaira_kihonkoso"]["structure"] == {"method": "pinned", "profile": "kodaira_kihonkoso"}
    doc = json.loads((out / "kodaira_kihonkoso.json").read_text(encoding="utf-8"))
    assert doc["structure"] == entries["kodaira_kihonkoso"]["structure"]


def test_inspect_rows_shows_what_each_step_decided(tmp_path: Path) -> None:
    f = tmp_path / "plan.txt"
    f.write_text(PLAN + "\n- 3 -\n", encoding="utf-8")
    out = keikaku("inspect", "--rows", str(f)).stdout.splitlines()
    by_line = {line.split()[0]: line for line in out}
    assert "heading, depth 1" in by_line["1"] and "marker [第#部]" in by_line["1"]
    assert "set aside: 1: a number followed by a counter" in by_line["18"]
    assert "furniture: matches a furniture pattern" in by_line["20"]
    pinned = keikaku("inspect", "--rows", "--profile", "kodaira_kihonkoso", str(f))
    assert pinned.returncode == 2 and "line patterns" in pinned.stderr


@pytest.mark.parametrize("option, choices", [("--format", TableFormat), ("--nlp", NlpMode)])
def test_format_and_nlp_offer_the_values_of_their_enums(option: str, choices: type,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", str(RAW), "--out", "unused", option, "bogus"])
    listed = ", ".join(repr(c.value) for c in choices)
    assert exit_.value.code == 2 and f"invalid choice: 'bogus' (choose from {listed})" in capsys.readouterr().err


def _open_files(folder: Path) -> list[str]:
    """The files under ``folder`` that this process holds open."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the descriptor listdir itself used, closed by now
            continue
        if target.startswith(f"{folder}/"):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads the open files from /proc")
def test_a_run_leaves_no_handle_open_on_the_analysis_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = str(RAW / "kiyose_4th_chokikeikaku_summary.txt")
    cache = tmp_path / "cache"
    assert cli.main(["run", seed, "--out", str(tmp_path / "a"), "--nlp", "fast", "--cache", str(cache), "-q"]) == 0
    assert (cache / "nlp.sqlite").exists() and _open_files(cache) == []
    # …nor when the run stops with an error, after the document was analysed through the cache.
    real, seen = batch.analyse, []

    def analyse_then_fail(docs: list, mode: str, nlp_cache: object) -> None:
        real(docs, mode, nlp_cache)
        seen.extend(_open_files(cache))  # open now: what the check below looks for is really there
        raise SetupError("the model went away")

    monkeypatch.setattr(batch, "analyse", analyse_then_fail)
    again = ["run", seed, "--out", str(tmp_path / "b"), "--nlp", "fast", "--cache", str(cache), "-q", "--force"]
    assert cli.main(again) == 2
    assert str(cache / "nlp.sqlite") in seen and _open_files(cache) == []
