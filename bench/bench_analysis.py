"""Benchmark of the analysis stage: speed and memory against bare GiNZA, keyword quality.

    .venv/bin/python bench/bench_analysis.py [--chars 200000] [--no-reference]

In one run, on one corpus (the seeds in raw/, repeated as separate files up to --chars
characters), it measures each configuration in its own process (wall time, peak RSS):

  bare-project    nlp.pipe of ja_ginza at its default batch size, in keikaku's environment
  bare-reference  the same in a reference environment made by a plain `pip install ginza
                  ja-ginza` (built once under ~/.cache/keikaku-bench, reused afterwards)
  full            keikaku run --nlp full, end to end (start-up, model load, segmentation,
                  analysis, JSON and CSV writing)
  fast            keikaku run --nlp fast, end to end
  full-2          keikaku run --nlp full --workers 2, end to end

then runs the five seeds once with the analysis cache and re-runs them unchanged and with
another profile (the cache makes the second a re-segmentation), and prints characters per second, the ratios the analysis issue sets as targets, and the
keyword figure: coverage of 001's declared keywords by our top-10 keywords and by a plain
TF-IDF baseline, both computed here.  Bare GiNZA is timed on nlp.pipe alone (model load
excluded), keikaku on the whole command, so the comparison leans in bare GiNZA's favour.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path.home() / ".cache" / "keikaku-bench" / "reference-venv"


def build_corpus(folder: Path, chars: int) -> int:
    """Copy the seeds into ``folder`` under new names until the copies hold ``chars`` characters."""
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    total, round_ = 0, 0
    while total < chars:
        for seed in seeds:
            text = seed.read_text(encoding="utf-8")
            (folder / f"{seed.stem}_{round_:03d}.txt").write_text(text, encoding="utf-8")
            total += len(text)
        round_ += 1
    return total


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of ``cmd``.

    The peak comes from wait4: the largest of the command's process and the children it
    waited for (the worker processes of --workers 2)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{err.read().decode()}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def reference_python(rebuild: bool) -> Path:
    """Python of the reference environment: a fresh venv with a plain `pip install ginza ja-ginza`."""
    python = REFERENCE / "bin" / "python"
    if rebuild and REFERENCE.exists():
        shutil.rmtree(REFERENCE)
    if not python.exists():
        print(f"building the reference environment in {REFERENCE} (pip install ginza ja-ginza) …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(REFERENCE)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "ginza", "ja-ginza"], check=True)
    return python


def keyword_figures() -> tuple[float, float, int]:
    """Coverage of declared keywords: ours and the TF-IDF baseline, over the units of 001."""
    sys.path.insert(0, str(ROOT / "src"))
    from keikaku.extract import evaluate
    from keikaku.extract.analyse import analyse
    from keikaku.extract.document import parse_file

    docs = [parse_file(p, p.stem, None) for p in sorted((ROOT / "raw").glob("*.txt"))]
    analyse(docs, "fast")  # keywords come from Sudachi's tokens: the same in fast and full mode
    units = evaluate.units_with_declared(docs)
    return (evaluate.mean(evaluate.keyword_scores(units)), evaluate.mean(evaluate.baseline_scores(units)),
            len(units))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=200_000, help="corpus size in characters (default 200,000)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference environment")
    parser.add_argument("--rebuild-reference", action="store_true", help="rebuild the reference environment")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    work = Path(tempfile.mkdtemp(prefix="keikaku-bench-"))
    corpus = work / "corpus"
    corpus.mkdir()
    chars = build_corpus(corpus, args.chars)
    n_files = len(list(corpus.glob("*.txt")))
    print(f"corpus: {chars:,} characters in {n_files} files (the seeds repeated)\n")

    rows: dict[str, tuple[float, float]] = {}
    # --no-cache: the corpus repeats the seeds, and the analysis cache would serve every copy
    # after the first; speed is measured on first runs.
    keikaku = [sys.executable, "-m", "keikaku", "run", str(corpus), "-q", "--no-cache"]
    runs = [("fast", keikaku + ["--out", str(work / "fast"), "--nlp", "fast", "--workers", "1"]),
            ("full", keikaku + ["--out", str(work / "full"), "--nlp", "full", "--workers", "1"]),
            ("full-2", keikaku + ["--out", str(work / "full2"), "--nlp", "full", "--workers", "2"])]
    for name, cmd in runs:
        wall, peak, _ = measure(cmd)
        rows[name] = (chars / wall, peak)
        print(f"{name:15} {chars / wall:>10,.0f} chars/s  {wall:7.1f} s  peak {peak:7.0f} MiB", flush=True)
    bare = [("bare-project", Path(sys.executable))]
    if not args.no_reference:
        bare.append(("bare-reference", reference_python(args.rebuild_reference)))
    for name, python in bare:
        wall, peak, out = measure([str(python), str(ROOT / "bench" / "bare_pipe.py"), str(corpus)])
        info = json.loads(out)
        rate = chars / info["pipe_seconds"]
        rows[name] = (rate, peak)
        versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        print(f"{name:15} {rate:>10,.0f} chars/s  {info['pipe_seconds']:7.1f} s  peak {peak:7.0f} MiB"
              f"  (nlp.pipe only, batch_size {info['batch_size']}; {versions})", flush=True)
    print("\nre-runs (the five seeds, each once, --nlp full, with the analysis cache)")
    seeds_run = [sys.executable, "-m", "keikaku", "run", str(ROOT / "raw"), "-q", "--out", str(work / "resume")]
    first, _, _ = measure(seeds_run)
    print(f"  {'first run':15} {first:7.2f} s", flush=True)
    for name, extra in (("unchanged", []), ("profile change", ["--profile", "generic"])):
        wall, peak, _ = measure(seeds_run + extra)
        print(f"  {name:15} {wall:7.2f} s  ({first / wall:5.1f} times faster than the first run)", flush=True)
    same = (Path(work / "full"), Path(work / "full2"))
    identical = all((same[0] / p.name).read_bytes() == p.read_bytes() for p in same[1].iterdir() if p.is_file())

    print("\nratios (target)")
    checks = [("full / bare-reference", "full", "bare-reference", 2.0),
              ("full / bare-project", "full", "bare-project", 0.9),
              ("full-2 / full", "full-2", "full", 1.6),
              ("fast / full", "fast", "full", 50.0)]
    for label, a, b, target in checks:
        if a in rows and b in rows:
            ratio = rows[a][0] / rows[b][0]
            print(f"  {label:24} {ratio:6.2f}  (>= {target}: {'met' if ratio >= target else 'NOT met'})")
    print(f"  --workers 2 output identical to --workers 1: {identical}")

    ours, baseline, units = keyword_figures()
    print(f"\nkeywords: declared-keyword coverage in the top 10 over 001's {units} 施策")
    print(f"  keikaku          {ours:.3f}  (target >= 0.8: {'met' if ours >= 0.8 else 'NOT met'})")
    print(f"  TF-IDF baseline  {baseline:.3f}  (single Sudachi nouns, same units, same run)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
