"""The outputs of two versions of keikaku on the same inputs, compared file by file.

A change that should not alter what keikaku writes (a refactoring) is checked by running the
revision before it and the working tree over the same plans and comparing every output file: the
document JSON, every flat table (CSV and Parquet) and the report.  Usage::

    .venv/bin/python bench/compare_outputs.py --base e2a239e            # raw/ and the development sets
    .venv/bin/python bench/compare_outputs.py --base HEAD~3 --set raw --nlp none

Each version runs in its own process with its own source on the path (the base from a temporary
``git worktree``); the fingerprint field is left out of the comparison (it hashes the shipped rule
files, whose comments may change).  A JSON file that differs is reported with the keys where it
differs first, so that an intended change (a schema version, a field's new shape) is told apart
from a changed reading.  Exit status 1 when any file differs.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_SETS = [ROOT / "raw", SHARED / "devset" / "texts", SHARED / "realdev" / "texts",
                SHARED / "realdev" / "indicators" / "texts"]
_FINGERPRINT = re.compile(r'"fingerprint": ?"[0-9a-f]{64}"')


def run_version(src: Path, inputs: Path, out: Path, nlp: str) -> None:
    """``keikaku run`` of the package in ``src`` over ``inputs`` into ``out`` (CSV and Parquet, no cache)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "keikaku", "run", str(inputs), "--out", str(out), "--format", "both",
           "--nlp", nlp, "--no-cache", "-q"]
    subprocess.run(cmd, env=env, check=False, cwd=ROOT)
    subprocess.run([sys.executable, "-m", "keikaku", "report", str(out)], env=env, check=False, cwd=ROOT,
                   capture_output=True)


def _first_difference(a: Any, b: Any, ignored: frozenset[str], path: str = "") -> str | None:
    """Where two JSON values first differ, as a path of keys and indices (None when they differ
    only under ``ignored`` keys)."""
    if type(a) is not type(b):
        return path or "(top)"
    if isinstance(a, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key == "fingerprint" or key in ignored:
                continue
            if key not in a or key not in b:
                return f"{path}.{key}"
            if a[key] != b[key] and (where := _first_difference(a[key], b[key], ignored, f"{path}.{key}")):
                return where
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}[len {len(a)} → {len(b)}]"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y and (where := _first_difference(x, y, ignored, f"{path}[{i}]")):
                return where
        return None
    return path or "(top)"


def same(a: Path, b: Path, ignored: frozenset[str] = frozenset()) -> tuple[bool, str]:
    """Whether two output files hold the same thing (JSON: but for the ``ignored`` keys), and where
    they differ when not."""
    if a.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(a).equals(pq.read_table(b)), ""
    if filecmp.cmp(a, b, shallow=False):
        return True, ""
    if a.suffix == ".json":
        ta, tb = (_FINGERPRINT.sub('"fingerprint":""', p.read_text(encoding="utf-8")) for p in (a, b))
        if ta == tb:
            return True, ""
        where = _first_difference(json.loads(ta), json.loads(tb), ignored)
        return where is None, where or ""
    return False, ""


def compare(before: Path, after: Path, ignored: frozenset[str] = frozenset()) -> list[str]:
    """One line per file that differs or exists in one folder only."""
    def files(root: Path) -> set[Path]:
        return {p.relative_to(root) for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts}

    fa, fb = files(before), files(after)
    lines = [f"only in {'base' if p in fa else 'working tree'}: {p}" for p in sorted(fa ^ fb)]
    for p in sorted(fa & fb):
        equal, where = same(before / p, after / p, ignored)
        if not equal:
            lines.append(f"differs: {p}" + (f" (first at {where})" if where else ""))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="the git revision to compare the working tree with")
    ap.add_argument("--set", action="append", type=Path, help="a folder of plan texts (default: raw/ and the"
                    " development sets beside the repository, those present)")
    ap.add_argument("--nlp", default="fast", choices=["full", "fast", "none"])
    ap.add_argument("--ignore", action="append", default=[], metavar="KEY",
                    help="a JSON key whose values are not compared, at any depth (an intended change such as"
                         " schema_version); the report still counts")
    args = ap.parse_args(argv)
    sets = [s for s in (args.set or DEFAULT_SETS) if s.is_dir()]
    with tempfile.TemporaryDirectory(prefix="keikaku-compare-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.base], cwd=ROOT, check=True)
        try:
            differences, compared = [], 0
            for inputs in sets:
                name = inputs.name if inputs.name != "texts" else inputs.parent.name
                before, after = Path(tmp) / "before" / name, Path(tmp) / "after" / name
                run_version(base / "src", inputs, before, args.nlp)
                run_version(ROOT / "src", inputs, after, args.nlp)
                compared += sum(1 for p in after.rglob("*") if p.is_file() and ".cache" not in p.parts)
                differences += [f"{name}/{line}" for line in compare(before, after, frozenset(args.ignore))]
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    for line in differences:
        print(line)
    print(f"{compared} files compared over {len(sets)} set(s) ({args.base} → working tree): "
          f"{len(differences)} differ")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
