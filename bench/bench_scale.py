"""Benchmark of cost at scale: time per line up to a million lines, and peak memory per input byte.

    .venv/bin/python bench/bench_scale.py [--lines 100000,1000000] [--modes none,fast] [--full] [--full-bytes 1000000]

Each figure is one ``keikaku run --no-cache`` in its own process (wall time, peak RSS from
``wait4``), on inputs written here:

  lines     the plan-like text of bench_segment.py repeated to N lines, ``--nlp none``; the
            time per line at the largest N over the smallest (target: at most 1.5)
  one line  the seeds with their line ends removed, repeated to 50 MB: a PDF extraction that
            lost every line end
  nested    3,000 codes 1, 1-1, 1-1-1, … each one level deeper (about 9 MB)

For the memory inputs it prints the peak RSS over the input size in bytes (target: under 25 in
``none`` and ``fast``) and the growth: the extra peak per extra byte between a fifth of the
input and all of it.  ``--full`` adds GiNZA (``--nlp full``) on the first ``--full-bytes`` of
each input (GiNZA reads about 5,000 characters a second, so the whole inputs would take
hours); its peak is the model (about 0.45 GiB) and one batch of at most
``keikaku.extract.nlp.BATCH_CHARS`` characters (up to about 0.5 GiB) whatever the input, so the growth
is the figure that says whether memory follows the input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_segment import lines_plan, seeds_text  # noqa: E402 - the same inputs as the segmentation benchmark
from bench_segment import run as run_measured  # noqa: E402

TARGET_LINE_RATIO = 1.5
TARGET_BYTES_PER_BYTE = 25


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (bytes) of ``keikaku run ARGS --no-cache -q``."""
    wall, mib = run_measured([sys.executable, "-m", "keikaku", "run", *args, "--no-cache", "-q"])
    return wall, mib * 2**20


def one_line(folder: Path, size: int) -> Path:
    text = seeds_text().replace("\n", "")
    data = (text * (size // len(text.encode()) + 1)).encode()[:size].decode("utf-8", errors="ignore")
    path = folder / "one_line.txt"
    path.write_text(data, encoding="utf-8")
    return path


def nested(folder: Path, levels: int) -> Path:
    path = folder / "nested.txt"
    path.write_text("".join("-".join(["1"] * k) + " 施策\n" for k in range(1, levels + 1)), encoding="utf-8")
    return path


def prefix(path: Path, size: int) -> Path:
    """The first ``size`` bytes of ``path`` (cut at a character boundary)."""
    out = path.with_name(f"{path.stem}_{size}.txt")
    out.write_text(path.read_bytes()[:size].decode("utf-8", errors="ignore"), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", default="100000,1000000", help="line counts, smallest first ('' skips)")
    parser.add_argument("--modes", default="none,fast", help="--nlp modes of the memory figures")
    parser.add_argument("--one-line-bytes", type=int, default=50_000_000)
    parser.add_argument("--levels", type=int, default=3000)
    parser.add_argument("--full", action="store_true", help="also --nlp full, on a prefix of each input")
    parser.add_argument("--full-bytes", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="keikaku-bench-") as tmp:
        folder = Path(tmp)
        print("keikaku run --nlp none, by number of lines (plan-like text repeated):")
        per_line = []
        for n in (int(x) for x in args.lines.split(",") if x):
            path = lines_plan(folder, n)
            wall, rss = run([str(path), "--out", str(folder / f"o_lines_{n}"), "--nlp", "none"])
            per_line.append(wall / n)
            print(f"  {n:>9,} lines ({path.stat().st_size / 2**20:5.1f} MiB): {wall:7.1f} s,"
                  f" {wall / n * 1e6:6.1f} µs per line, peak {rss / 2**20:6.0f} MiB")
            figures[f"lines_{n}_s"] = round(wall, 2)
        if len(per_line) > 1:
            ratio = per_line[-1] / per_line[0]
            print(f"  time per line, largest / smallest: {ratio:.2f} (target ≤ {TARGET_LINE_RATIO})")
            figures["per_line_ratio"] = round(ratio, 3)

        inputs = {"one line": one_line(folder, args.one_line_bytes), "nested": nested(folder, args.levels)}
        print(f"peak memory per input byte (target < {TARGET_BYTES_PER_BYTE} in none and fast); 'growth' is"
              " (peak at size − peak at a fifth of it) / (bytes between them): what each further byte costs")
        for mode in args.modes.split(",") + (["full"] if args.full and "full" not in args.modes else []):
            for name, whole in inputs.items():
                size = whole.stat().st_size if mode != "full" else min(args.full_bytes, whole.stat().st_size)
                peaks = []
                for part in (size // 5, size):
                    path = prefix(whole, part)
                    wall, rss = run([str(path), "--out", str(folder / f"o_{mode}_{part}"), "--nlp", mode])
                    peaks.append((path.stat().st_size, rss, wall))
                (small, rss_small, _), (big, rss, wall) = peaks
                growth = (rss - rss_small) / (big - small)
                key = f"{mode}_{name.replace(' ', '_')}"
                print(f"  {mode:<4} {name:<9} {big / 2**20:6.1f} MiB {wall:7.1f} s  peak {rss / 2**20:6.0f} MiB"
                      f"  {rss / big:7.1f} B per input byte; growth {growth:6.1f} B per byte"
                      f" (peak {rss_small / 2**20:.0f} MiB at {small / 2**20:.1f} MiB)")
                figures[f"{key}_bytes_per_byte"] = round(rss / big, 1)
                figures[f"{key}_growth_per_byte"] = round(growth, 1)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
