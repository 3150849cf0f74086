"""Indicator figures (part of ``make devset``): the real excerpts' indicator tables scored by their
own scorer, and the invented fixture against its hand-checked values.

Extracts ``../shared/realdev/indicators/texts`` (8 excerpts of real indicator tables) with
``--nlp none`` and prints the output of ``score.py`` there (recall over the values annotated as
certain, precision over every value predicted); then the fixture of ``tests/fixtures/indicators``
(plans written for the tests).  Exit status 1 when a target is missed: real recall ≥ 0.85 and
precision ≥ 0.9; fixture precision and recall ≥ 0.95.  ``--set DIR`` scores another folder laid
out the same way (texts/, gold/, score.py), e.g. real excerpts kept outside the repository.

    .venv/bin/python bench/indicators.py [--set DIR ...] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "realdev" / "indicators"
FIXTURE = ROOT / "tests" / "fixtures" / "indicators"
TARGETS = {"recall": 0.85, "precision": 0.9, "fixture": 0.95}


def score_set(folder: Path, verbose: bool) -> dict:
    """Extract every text of ``folder/texts`` into a scratch folder and score it with the set's
    own scorer; the scorer's JSON line."""
    import keikaku
    from keikaku import __version__
    from keikaku.export.document import document_json, dumps

    with tempfile.TemporaryDirectory(prefix="keikaku-indicators-") as tmp:
        for path in sorted((folder / "texts").glob("*.txt")):
            doc = keikaku.parse(path, nlp="none")
            (Path(tmp) / f"{path.stem}.json").write_text(dumps(document_json(doc, __version__)), encoding="utf-8")
        args = [sys.executable, str(folder / "score.py"), tmp, "--gold", str(folder / "gold")]
        result = subprocess.run(args + (["--verbose"] if verbose else []), capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def score_fixture() -> tuple[float, float, int]:
    """Precision, recall and gold size on the invented fixture."""
    import keikaku
    from keikaku.extract.evaluate import indicator_gold, indicator_keys

    gold = indicator_gold(FIXTURE / "gold.tsv")
    got = {k for p in sorted(FIXTURE.glob("*.txt")) for k in indicator_keys(keikaku.parse(p, nlp="none"), p.name)}
    hit = gold & got
    return len(hit) / max(1, len(got)), len(hit) / max(1, len(gold)), len(gold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, action="append", dest="sets",
                        help="a folder with texts/, gold/ and score.py (default: the real excerpts beside this folder)")
    parser.add_argument("--verbose", action="store_true", help="list the values missed")
    args = parser.parse_args(argv)
    sets = args.sets or [REAL]
    ok = True
    for folder in sets:
        if not (folder / "score.py").exists() or not (folder / "gold").is_dir():
            print(f"error: no indicator set at {folder} (expected texts/, gold/, score.py); point to one with --set DIR",
                  file=sys.stderr)
            return 2
        res = score_set(folder, args.verbose)
        print(f"# indicators, {folder}: recall {res['recall']:.3f} (goal {TARGETS['recall']}), precision "
              f"{res['precision']:.3f} (goal {TARGETS['precision']}), {res['gold_values']} values annotated")
        for doc, hits in res["per_doc"].items():
            print(f"  {doc} {hits}")
        for miss in res.get("misses", []):
            print(f"  miss {miss}")
        ok &= res["recall"] >= TARGETS["recall"] and res["precision"] >= TARGETS["precision"]
    precision, recall, n = score_fixture()
    print(f"# indicators, invented fixture ({n} values): precision {precision:.3f}, recall {recall:.3f}"
          f" (goal {TARGETS['fixture']})")
    ok &= precision >= TARGETS["fixture"] and recall >= TARGETS["fixture"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
