"""Shared fixtures: the seed plans in raw/ and their parsed documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from keikaku.extract.document import parse_file
from keikaku.ingest import ingest
from keikaku.model.tree import Document
from keikaku.segment.profile import builtin_profiles

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
GOLDEN = Path(__file__).resolve().parent / "golden"

# Regenerate the golden files with KEIKAKU_REGEN_GOLDEN=1 (test_golden_switch_is_off keeps it out of CI).
REGEN = os.environ.get("KEIKAKU_REGEN_GOLDEN") == "1"

SEEDS = {
    "000": "nishitokyo_3rd_kihonkoso_goals",
    "001": "nishitokyo_2nd_kihonkeikaku_mi",
    "002": "nishitokyo_digital_denen_senryaku",
    "003": "kodaira_kihonkoso",
    "004": "kiyose_4th_chokikeikaku_summary",
}


def seed_path(key: str) -> Path:
    return RAW / f"{SEEDS[key]}.txt"


_CACHE: dict[tuple[str, str | None], Document] = {}


def parsed(key: str, profile: str | None = None) -> Document:
    """A seed parsed with the auto-chosen profile (or the named one), cached for the session."""
    if (key, profile) not in _CACHE:
        prof = builtin_profiles()[profile] if profile else None
        _CACHE[(key, profile)] = parse_file(seed_path(key), SEEDS[key], prof)
    return _CACHE[(key, profile)]


@pytest.fixture(params=sorted(SEEDS))
def seed_key(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def seed_source(seed_key: str):
    return ingest(seed_path(seed_key))


_ANALYSED: dict[str, list[Document]] = {}


def analysed(mode: str = "full") -> list[Document]:
    """All five seeds parsed and analysed together, as one run does (cached per mode)."""
    from keikaku.extract.analyse import analyse

    if mode not in _ANALYSED:
        docs = [parse_file(seed_path(k), SEEDS[k], None) for k in sorted(SEEDS)]
        _ANALYSED[mode] = analyse(docs, mode)
    return _ANALYSED[mode]


def keikaku_cli(*args: str, timeout: int = 120, cwd: Path | None = None,
                errors: str | None = None) -> subprocess.CompletedProcess[str]:
    """``keikaku ARGS`` in a subprocess, as a user runs it; a hang is a TimeoutExpired, failing the test."""
    return subprocess.run([sys.executable, "-m", "keikaku", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, errors=errors)


def manifest(out: Path) -> dict:
    """The manifest.json of an output folder."""
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
