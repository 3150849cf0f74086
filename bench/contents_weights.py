"""How much the outline depends on each weight of the contents-list reading (``[contents]`` of
``profiles/generic.toml``).

The weights were set by hand from the conventions of contents pages, not fitted to the
development sets.  This script shows that no figure hangs on a fine-tuned number: it reads the
development sets with each weight halved, doubled and set to 0 (the others unchanged) and prints
the mean outline F1 on the real excerpts (``../shared/realdev``) and on the invented plans
(``../shared/devset``) for each, beside the shipped weights.

    .venv/bin/python bench/contents_weights.py [--realdev DIR] [--devset DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def mean_f1(texts: list[Path], gold: Path, profile: object) -> float:
    """Mean outline F1 of ``texts`` segmented with ``profile`` (in this process, no files written)."""
    from treescore import score  # type: ignore[import-not-found]  # the development set's own scorer

    from keikaku import __version__
    from keikaku.export.document import document_json
    from keikaku.extract.document import parse
    from keikaku.ingest import ingest

    scores = []
    for path in texts:
        doc = parse(ingest(path), profile, path.stem)  # type: ignore[arg-type]
        pred = json.loads(json.dumps(document_json(doc, __version__), default=str))
        scores.append(score(json.loads((gold / f"{path.stem}.json").read_text(encoding="utf-8")), pred)["f1"])
    return sum(scores) / len(scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realdev", type=Path, default=SHARED / "realdev")
    parser.add_argument("--devset", type=Path, default=SHARED / "devset")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.devset))
    from keikaku.segment.profile import ContentsWeights, builtin_profiles

    generic = builtin_profiles()["generic"]
    sets = {"real": (sorted((args.realdev / "texts").glob("*.txt")), args.realdev / "gold"),
            "invented": (sorted((args.devset / "texts").glob("*.txt")), args.devset / "gold")}

    def figures(weights: ContentsWeights) -> tuple[float, float]:
        profile = dataclasses.replace(generic, contents=weights)
        real, invented = (mean_f1(texts, gold, profile) for texts, gold in sets.values())
        return real, invented

    base = figures(generic.contents)
    print(f"shipped weights: real excerpts {base[0]:.3f}, invented plans {base[1]:.3f} (mean outline F1)")
    print(f"{'weight':<20} {'value':>6}   {'×0':>11} {'×0.5':>11} {'×2':>11}   (real / invented)")
    worst = 0.0
    for field in dataclasses.fields(ContentsWeights):
        value = getattr(generic.contents, field.name)
        cells = []
        for factor in (0.0, 0.5, 2.0):
            real, invented = figures(dataclasses.replace(generic.contents, **{field.name: value * factor}))
            worst = max(worst, base[0] - real)
            cells.append(f"{real:.2f} / {invented:.2f}")
        print(f"{field.name:<20} {value:>6g}   " + "   ".join(f"{c:>11}" for c in cells))
    print(json.dumps({"real": round(base[0], 3), "invented": round(base[1], 3), "largest_real_drop": round(worst, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
