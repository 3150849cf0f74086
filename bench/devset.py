"""Outline scores on the development sets and the seeds, with no city profile (``make devset``).

Segments every text of ``../shared/realdev/texts`` (20 excerpts of real published plans with gold
outlines) and of ``../shared/devset/texts`` (14 invented plans) with the profile chosen
automatically, and every seed of ``raw/`` with ``--profile generic`` (inference alone), then
scores each with the development set's own ``score.py`` and prints one line per document and the
means.  Exit status 1 when a target is missed: on the real excerpts mean F1 ≥ 0.85 and every
document ≥ 0.5; on the invented set mean F1 ≥ 0.95 and every document ≥ 0.75; every seed ≥ 0.9.

    .venv/bin/python bench/devset.py [--devset DIR] [--realdev DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
REALDEV = ROOT.parent / "shared" / "realdev"
SEEDS = ROOT / "raw"
TARGETS = {"realdev_mean": 0.85, "realdev_each": 0.5, "devset_mean": 0.95, "devset_each": 0.75, "seeds_each": 0.9}


def _segment(texts: list[Path], out: Path, profile: str | None) -> None:
    from keikaku import __version__
    from keikaku.export.document import document_json, dumps
    from keikaku.extract.document import parse_file
    from keikaku.segment.profile import builtin_profiles

    chosen = builtin_profiles()[profile] if profile else None
    out.mkdir(parents=True, exist_ok=True)
    for path in texts:
        doc = parse_file(path, path.stem, chosen)
        (out / f"{path.stem}.json").write_text(dumps(document_json(doc, __version__)), encoding="utf-8")


def _score(devset: Path, out: Path, gold: Path, verbose: bool) -> list[tuple[str, float]]:
    args = [sys.executable, str(devset / "score.py"), str(out), "--gold", str(gold)] + (["--verbose"] if verbose else [])
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    print(result.stdout, end="")
    scores = []
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].startswith("f1="):
            scores.append((parts[0], float(parts[1][3:])))
    return scores


def seed_gold_names(devset: Path) -> dict[str, str]:
    """The seeds' gold files are named after the shared seed files; raw/ holds the same texts
    under descriptive names: pair them by content."""
    shared = devset.parent / "seeds"
    by_text = {p.read_bytes(): p.stem for p in shared.glob("*.txt")}
    return {p.stem: by_text[p.read_bytes()] for p in SEEDS.glob("*.txt") if p.read_bytes() in by_text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--realdev", type=Path, default=REALDEV)
    parser.add_argument("--verbose", action="store_true", help="list the misses and extras of each document")
    args = parser.parse_args(argv)
    if not (args.devset / "score.py").exists():
        print(f"error: no development set at {args.devset} (expected score.py, texts/, gold/);"
              " point to it with --devset DIR", file=sys.stderr)
        return 2
    if not (args.realdev / "gold").is_dir():
        print(f"error: no real development set at {args.realdev} (expected texts/, gold/);"
              " point to it with --realdev DIR", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="keikaku-devset-") as tmp:
        out = Path(tmp)
        print("# real development set: 20 excerpts of published plans, outline inferred (no --profile)")
        _segment(sorted((args.realdev / "texts").glob("*.txt")), out / "realdev", None)
        real = _score(args.devset, out / "realdev", args.realdev / "gold", args.verbose)
        print("\n# invented development set: outline inferred (no --profile)")
        _segment(sorted((args.devset / "texts").glob("*.txt")), out / "devset", None)
        dev = _score(args.devset, out / "devset", args.devset / "gold", args.verbose)
        print("\n# seeds: --profile generic (inference alone, no city profile)")
        names = seed_gold_names(args.devset)
        _segment([SEEDS / f"{stem}.txt" for stem in sorted(names)], out / "raw", "generic")
        for stem, shared in names.items():  # the gold files use the shared seed names
            (out / "raw" / f"{stem}.json").rename(out / "raw" / f"{shared}.json")
        seeds = _score(args.devset, out / "raw", args.devset / "seeds-gold", args.verbose)
    mean = sum(f for _, f in dev) / len(dev) if dev else 0.0
    real_mean = sum(f for _, f in real) / len(real) if real else 0.0
    misses = []
    if real_mean < TARGETS["realdev_mean"]:
        misses.append(f"real development set mean F1 {real_mean:.2f} < {TARGETS['realdev_mean']}")
    misses += [f"{d}: F1 {f:.2f} < {TARGETS['realdev_each']}" for d, f in real if f < TARGETS["realdev_each"]]
    if mean < TARGETS["devset_mean"]:
        misses.append(f"development set mean F1 {mean:.2f} < {TARGETS['devset_mean']}")
    misses += [f"{d}: F1 {f:.2f} < {TARGETS['devset_each']}" for d, f in dev if f < TARGETS["devset_each"]]
    misses += [f"seed {d}: F1 {f:.2f} < {TARGETS['seeds_each']}" for d, f in seeds if f < TARGETS["seeds_each"]]
    print(json.dumps({"realdev_mean_f1": round(real_mean, 3), "realdev_min_f1": min((f for _, f in real), default=0.0),
                      "devset_mean_f1": round(mean, 3), "devset_min_f1": min((f for _, f in dev), default=0.0),
                      "seeds_min_f1": min((f for _, f in seeds), default=0.0), "targets_missed": misses},
                     ensure_ascii=False))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
