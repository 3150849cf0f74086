"""When the analysis breaks: a document that breaks it fails alone, a dead worker process is
replaced by in-process work, and rule errors cross process boundaries intact."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import RAW

from keikaku import analyse as analyse_module
from keikaku import pipeline
from keikaku.analyse import analyse, worker_pool
from keikaku.errors import InputError, ProfileError, RulesError

POISON = "毒入りの段落"


def test_a_document_that_breaks_the_analysis_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text((RAW / "kodaira_kihonkoso.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "bad.txt").write_text(f"基本目標1 テスト\n\n{POISON}です。\n", encoding="utf-8")
    real = analyse_module.analyse_texts

    def fragile(texts: list[str], mode: str):  # stands for a bug that one document's text triggers
        if any(POISON in t for t in texts):
            raise ValueError("boom")
        return real(texts, mode)

    monkeypatch.setattr(analyse_module, "analyse_texts", fragile)
    log: list[str] = []
    result = pipeline.run([str(inputs)], tmp_path / "out", nlp="fast", log=log.append)
    status = {e["doc_id"]: e for e in result.entries}
    assert status["good"]["status"] == "ok" and status["bad"]["status"] == "failed"
    assert "analysis failed (ValueError: boom)" in status["bad"]["errors"][0]
    assert any("retrying document by document" in line for line in log)
    assert (tmp_path / "out" / "good.json").exists() and not (tmp_path / "out" / "bad.json").exists()


def test_a_dead_worker_process_is_replaced_by_in_process_work(tmp_path: Path) -> None:
    docs = [pipeline.parse_file(RAW / "kodaira_kihonkoso.txt", "kodaira", None)]
    entries = [pipeline._entry(RAW / "kodaira_kihonkoso.txt", "kodaira")]
    log: list[str] = []
    with worker_pool("fast", 2) as pool:
        assert pool is not None
        pool.submit(int).result()  # the workers are up
        for process in list(pool._processes.values()):
            process.kill()  # as an out-of-memory kill would
            process.join()
        done = pipeline._analyse_all(list(zip(entries, docs)), "fast", pool, log.append)
    assert len(done) == 1 and any("worker process died" in line for line in log)
    alone = [pipeline.parse_file(RAW / "kodaira_kihonkoso.txt", "kodaira", None)]
    analyse(alone, "fast")
    assert [n.keywords for n in docs[0].root.walk()] == [n.keywords for n in alone[0].root.walk()]


@pytest.mark.parametrize("error", [RulesError("rules.jsonl", "line 3 (law)", "bad pattern"),
                                   ProfileError("p.toml", "levels[0]", "must be a table"),
                                   InputError("x.txt", "empty file")])
def test_errors_survive_pickling(error: Exception) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error)
