"""When the analysis breaks: a document that breaks it fails alone, a dead worker process is
replaced by work in the main process, and rule errors cross process boundaries intact."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import RAW, seed_path

from keikaku.errors import InputError, ProfileError, RulesError
from keikaku.extract import analyse as analyse_module
from keikaku.run import batch, pipeline
from keikaku.run.batch import Job, execute, process
from keikaku.run.pipeline import RunOptions

POISON = "毒入りの段落"


def test_a_document_that_breaks_the_analysis_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text((RAW / "kodaira_kihonkoso.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "bad.txt").write_text(f"基本目標1 テスト\n\n{POISON}です。\n", encoding="utf-8")
    real = analyse_module.analyse_texts

    def fragile(texts: list[str], mode: str, breaks=None):  # stands for a bug that one document's text triggers
        if any(POISON in t for t in texts):
            raise ValueError("boom")
        return real(texts, mode, breaks)

    monkeypatch.setattr(analyse_module, "analyse_texts", fragile)
    log: list[str] = []
    result = pipeline.run([str(inputs)], tmp_path / "out", RunOptions(nlp="fast", cache=False), log=log.append)
    status = {e.doc_id: e for e in result.entries}
    assert status["good"].status == "ok" and status["bad"].status == "failed"
    assert "internal error (ValueError: boom)" in status["bad"].errors[0]
    assert any(line.startswith("error:") and "bad.txt" in line for line in log)
    assert (tmp_path / "out" / "good.json").exists() and not (tmp_path / "out" / "bad.json").exists()


def test_a_document_that_kills_its_workers_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import batch_helpers

    monkeypatch.setattr(batch, "process", batch_helpers.die_in_worker_on_kodaira)
    jobs = [Job(str(seed_path(k)), name, None, "fast", None, "test", 0)
            for k, name in (("001", "nishitokyo"), ("003", "kodaira"), ("004", "kiyose"))]
    log: list[str] = []
    outcomes = {o.entry.doc_id: o for o in execute(jobs, workers=2, log=log.append)}
    assert sorted(outcomes) == ["kiyose", "kodaira", "nishitokyo"]
    assert outcomes["nishitokyo"].entry.status == outcomes["kiyose"].entry.status == "ok"
    assert outcomes["kodaira"].entry.status == "failed"
    assert "a worker process died twice while processing it" in outcomes["kodaira"].entry.errors[0]
    assert sum("worker process died" in line for line in log) == 2  # one new pool, then the document fails
    assert outcomes["kiyose"].json_text == process(jobs[2]).json_text


@pytest.mark.parametrize("error", [RulesError("rules.jsonl", "line 3 (law)", "bad pattern"),
                                   ProfileError("p.toml", "levels[0]", "must be a table"),
                                   InputError("x.txt", "empty file")])
def test_errors_survive_pickling(error: Exception) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error)
