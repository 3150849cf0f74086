"""Every ```python block of README.md and README.ja.md runs as written from the project's folder
after `make run` and prints something (no empty frame): a newcomer's first screen has to work;
and both quick starts give the two commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, keikaku_cli

READMES = ["README.md", "README.ja.md"]


def _blocks(name: str) -> list[str]:
    """The file's python blocks; one may stand indented in a list item (its fence's indent is
    taken off every line)."""
    text = (ROOT / name).read_text(encoding="utf-8")
    return [textwrap.dedent(body) for _, body in re.findall(r"^( *)```python\n(.*?)^\1```", text, re.M | re.S)]


BLOCKS = [(name, block) for name in READMES for block in _blocks(name)]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out like the project after `make run`: raw/ and output/ (fast analysis)."""
    folder = tmp_path_factory.mktemp("project")
    (folder / "raw").symlink_to(ROOT / "raw")
    result = keikaku_cli("run", "raw", "--out", "output", "--nlp", "fast", "-q", cwd=folder, timeout=600)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("name", READMES)
def test_the_quick_start_gives_the_two_commands(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    start = text.index("```sh")
    assert "make run" in text[start:start + 200]
    assert ".venv/bin/keikaku run " in text and text.index("make run") < text.index(".venv/bin/keikaku run ")
    assert len(_blocks(name)) >= 1


@pytest.mark.parametrize("name, block", BLOCKS, ids=[f"{n}-{k}" for k, (n, _) in enumerate(BLOCKS, start=1)])
def test_readme_python_block_runs_and_prints(project: Path, name: str, block: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", block], cwd=project, capture_output=True, text=True, env=env,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip(), "the block prints nothing"
    assert "Empty DataFrame" not in result.stdout, result.stdout[:2000]


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


DOCS = ["README.md", "README.ja.md", "ARCHITECTURE.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("name", DOCS)
def test_every_link_between_the_documents_resolves(name: str) -> None:
    page = ROOT / name
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
        if target.startswith(("http:", "https:", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path) if path else page
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md":
            headings = {_slug(h) for h in re.findall(r"(?m)^#+ (.+)$", dest.read_text(encoding="utf-8"))}
            if anchor not in headings:
                broken.append(f"{target}: no such heading")
    assert broken == []
