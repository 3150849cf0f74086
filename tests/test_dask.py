"""--scheduler: the same run on a real dask.distributed cluster (LocalCluster on loopback, worker
processes, no mocks) writes byte-identical files."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import distributed
from conftest import RAW, keikaku_cli

keikaku = functools.partial(keikaku_cli, timeout=300)


def test_dask_run_is_byte_identical_to_a_serial_run(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("nishitokyo_2nd_kihonkeikaku_mi.txt", "kodaira_kihonkoso.txt", "kiyose_4th_chokikeikaku_summary.txt"):
        shutil.copy(RAW / name, inputs / name)
    (inputs / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    serial = keikaku("run", "in", "--out", "serial", "--no-cache", cwd=tmp_path)
    assert serial.returncode == 1  # the PNG fails, the others do not
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        # relative paths, from a folder the workers do not run in, and the default cache
        result = keikaku("run", "in", "--out", "dask", "--scheduler", cluster.scheduler_address, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "broken.txt" in result.stderr and (tmp_path / "dask" / ".cache" / "nlp.sqlite").exists()
    files = sorted(p.name for p in (tmp_path / "serial").iterdir() if p.is_file())
    assert files == sorted(p.name for p in (tmp_path / "dask").iterdir() if p.is_file())
    assert len(files) == 3 + 9 + 1 + 1  # three documents, eight tables and the manifest, the (empty) lock file,
    # the report
    for name in files:
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_a_malformed_scheduler_address_is_a_usage_error(tmp_path: Path) -> None:
    result = keikaku("run", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(tmp_path), "--nlp", "none",
                     "--scheduler", "127.0.0.1")
    assert result.returncode == 2 and "not a Dask scheduler address" in result.stderr


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    result = keikaku("run", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(tmp_path), "--nlp", "none",
                     "--scheduler", "tcp://127.0.0.1:9")
    assert result.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr and "dask worker" in result.stderr
