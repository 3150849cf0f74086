"""The whole pipeline on arbitrary text and arbitrary bytes: never an uncaught exception, a
failure only for input that is not a plan text, every non-blank line in the output, and
output always valid against the JSON Schema."""

from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path
from typing import Callable

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_alignment import FRAGMENTS
from test_cli import covered_lines

from keikaku.errors import InputError
from keikaku.ingest import ingest
from keikaku.model.records import plain
from keikaku.run.batch import Job, process

SCHEMA = json.loads(resources.files("keikaku").joinpath("schema/document.schema.json").read_text(encoding="utf-8"))
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
plan_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), min_size=1, max_size=30)


def run_one(data: bytes, check: Callable[[dict, dict | None, Path], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="keikaku-fuzz-") as folder:
        path = Path(folder) / "input.txt"
        path.write_bytes(data)
        outcome = process(Job(str(path), "input", None, "fast", None, "fuzz", len(data)))
        check(plain(outcome.entry), json.loads(outcome.json_text) if outcome.json_text is not None else None, path)


@FUZZ
@given(plan_like, st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["utf-8", "utf-16", "cp932"]))
def test_any_text(lines: list[str], newline: str, encoding: str) -> None:
    text = newline.join(lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    def check(entry: dict, doc: dict | None, path: Path) -> None:
        if doc is None:  # only input that is not usable as a plan text may fail, with a message naming it
            assert entry["errors"] and str(path) in entry["errors"][0], entry
            assert not text.strip() or "internal error" not in entry["errors"][0], entry
            return
        jsonschema.validate(doc, SCHEMA)
        source = ingest(path)
        nonblank = {line.no for line in source.lines if line.text.strip()}
        assert nonblank <= covered_lines(doc), sorted(nonblank - covered_lines(doc))

    run_one(data, check)


@FUZZ
@given(st.binary(max_size=600))
def test_any_bytes(data: bytes) -> None:
    def check(entry: dict, doc: dict | None, path: Path) -> None:
        if doc is None:
            assert entry["status"] == "failed" and entry["errors"] and "internal error" not in entry["errors"][0], entry
            try:
                ingest(path)
            except InputError:
                return  # refused at ingest, as the error says
            raise AssertionError(f"readable input failed later: {entry['errors']}")
        jsonschema.validate(doc, SCHEMA)

    run_one(data, check)
