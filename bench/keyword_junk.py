"""Junk among the top-10 keywords of every unit (keikaku.extract.evaluate.keyword_junk), on plans written
for the tests and, when it is there, on the development set beside this folder.

    .venv/bin/python bench/keyword_junk.py [--nlp fast|full] [FILE_OR_FOLDER ...]

Prints, per set, the share of junk and its kinds, and the junk terms themselves; then the
coverage of the keywords declared in the seeds (raw/) by the top-10 keywords, which rules that
strike junk must not lower (keikaku.extract.evaluate.keyword_scores).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "tests" / "fixtures" / "indicators", ROOT / "tests" / "fixtures" / "keywords",
           ROOT.parent / "shared" / "devset" / "texts"]


JUNK_GOAL = 0.02  # junk among the top-10 keywords of a set
COVERAGE_GOAL = 0.61  # declared-keyword coverage on the seeds before the junk rules


def measure(paths: list[Path], nlp: str) -> tuple[int, list]:
    import keikaku
    from keikaku.extract.evaluate import keyword_junk

    total, junk = 0, []
    for path in paths:
        doc = keikaku.parse(path, nlp=nlp)
        n, j = keyword_junk(doc, path.read_text(encoding="utf-8").splitlines())
        total, junk = total + n, junk + j
    return total, junk


def declared_coverage(nlp: str) -> tuple[float, int]:
    """Mean coverage of the declared keywords by the top 10, over the seeds' units that declare some."""
    from keikaku.extract import evaluate
    from keikaku.extract.analyse import analyse
    from keikaku.extract.document import parse_file

    docs = [parse_file(p, p.stem, None) for p in sorted((ROOT / "raw").glob("*.txt"))]
    analyse(docs, nlp)
    units = evaluate.units_with_declared(docs)
    return evaluate.mean(evaluate.keyword_scores(units)), len(units)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--nlp", default="fast", choices=["fast", "full"])
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 when junk reaches {JUNK_GOAL:.0%} in a set or the seeds' coverage falls under {COVERAGE_GOAL}")
    args = parser.parse_args(argv)
    for path in args.paths:
        if not path.exists():
            print(f"error: no plans at {path} (a .txt file or a folder of them expected)", file=sys.stderr)
            return 2
    ok = True
    for folder in args.paths or DEFAULT:
        if not folder.exists():  # the development set beside this folder, when it is not there
            print(f"{folder}: not there, skipped (give the folder of the plans as an argument)")
            continue
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else [folder]
        if not files:
            continue
        total, junk = measure(files, args.nlp)
        kinds = Counter(j.kind for j in junk)
        print(f"{folder}: {len(files)} plans, {total} top-10 keywords, junk {len(junk)} = "
              f"{len(junk) / max(total, 1):.1%} ({', '.join(f'{k} {n}' for k, n in kinds.most_common()) or 'none'})"
              f" (goal < {JUNK_GOAL:.0%})")
        ok &= len(junk) < JUNK_GOAL * max(total, 1)
        for term, n in Counter((j.kind, j.term) for j in junk).most_common(30):
            print(f"    {term[0]:<12} {term[1]}  ×{n}")
    coverage, units = declared_coverage(args.nlp)
    print(f"declared-keyword coverage on the seeds (raw/, {units} units): {coverage:.3f} (goal ≥ {COVERAGE_GOAL})")
    ok &= coverage >= COVERAGE_GOAL
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
