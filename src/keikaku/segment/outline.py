"""``keikaku profile infer``: the outline inference found, written as a profile a user can edit and pin.

The profile lists each style the documents use as a heading, outermost first, with its depth
(styles used in different parts at the same depth share it: 第1部 > 1) and 第2部 > 基本目標N),
its kind and an example.  Given back with ``--profile``, it makes exactly these styles headings
at exactly these depths; everything else (sections, furniture, tables) comes from the generic
vocabulary.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .. import __version__
from ..ingest.text import SourceText
from . import infer
from .profile import Profile


@dataclass
class _Use:
    style: str
    kinds: Counter[str] = field(default_factory=Counter)
    depths: Counter[int] = field(default_factory=Counter)
    first: tuple[int, int] = (0, 0)  # (document, row) of the first use
    example: str = ""


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def outline_toml(sources: list[SourceText], generic: Profile, name: str) -> str:
    """A profile (TOML text) pinning the outline inferred from ``sources``."""
    uses: dict[str, _Use] = {}
    for d, source in enumerate(sources):
        inf = infer(source, generic)
        for r, placed in sorted(inf.outline.placed.items()):
            mk = inf.headings[r].marker
            if not mk.code:
                continue  # uncoded headings (lines alone between blank lines) have no style to pin
            use = uses.get(mk.style)
            if use is None:
                use = uses[mk.style] = _Use(mk.style, first=(d, r), example=inf.outline.styles[mk.style].example)
            use.kinds[mk.kind.value] += 1
            use.depths[placed.depth] += 1
    ordered = sorted(uses.values(), key=lambda u: (u.depths.most_common(1)[0][0], u.first))
    safe = re.sub(r"[^\w-]+", "_", name).strip("_") or "inferred"
    files = ", ".join(s.path for s in sources)
    out = [f"# Outline inferred by keikaku {__version__} from {files}.",
           "# Edit it (reorder, change a depth or a kind, delete a style that is not a heading) and pin it:",
           f"#   keikaku run --profile {safe}.toml PLAN.txt --out OUT",
           "# Only the styles listed here are headings, at these depths; sections, page furniture and",
           "# tables come from the generic vocabulary.",
           f"name = {_toml_string(safe)}",
           f"description = {_toml_string('outline inferred from ' + files)}",
           ""]
    if not ordered:
        out.append("# No heading was found: add [[outline]] entries by hand (see `keikaku inspect FILE`).")
    for use in ordered:
        depth = use.depths.most_common(1)[0][0]
        out += ["[[outline]]",
                f"style = {_toml_string(use.style)}",
                f"kind = {_toml_string(use.kinds.most_common(1)[0][0])}",
                f"depth = {depth}",
                f"# {sum(use.depths.values())} heading(s), e.g. {use.example}",
                ""]
    return "\n".join(out).rstrip() + "\n"
