"""Every notebook runs headless on the seeds without an error, its plots render Japanese with a
real font, and the committed notebooks carry no outputs."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_notebook_is_described_in_the_notebooks_readme() -> None:
    described = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    assert NOTEBOOKS, "no notebook: the tests below would check nothing"
    assert [p.name for p in NOTEBOOKS if f"`{p.name}`" not in described] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "strip the outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_the_seeds(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEIKAKU_NOTEBOOK_OUT", str(tmp_path / "out"))  # a fresh run, not whatever output/ holds
    monkeypatch.setenv("KEIKAKU_NLP", "fast")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.get("name") == "stderr")
    assert "missing from" not in stderr and "findfont" not in stderr, stderr  # no tofu: the glyphs were found
    images = [o for o in outputs if "data" in o and "image/png" in o["data"]]
    assert len(images) >= 3
    assert (tmp_path / "out" / "manifest.json").exists()
