"""Which profile segments a document when none is given: inference with the generic vocabulary, or
a shipped city profile that pins the levels of a known format.

Each candidate reads the document its own way (inference step by step; a pinned profile line by
line, :mod:`.classify`) and both readings are counted the same way (:class:`Explained`): one score
says how much structure a reading explains, and :func:`choose` compares the scores.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..ingest.text import Line
from ..model.tree import ProfileChoice
from .candidates import Role
from .classify import Cls, classify
from .profile import Profile

if TYPE_CHECKING:
    from . import Inference

CITY_SHARE = 0.8  # a matching city profile is chosen when it explains this share of what inference does


@dataclass
class Explained:
    """What one reading of a document found: headings, their title and label rows, contents
    entries and headers, sections, bullets, and tables that a table rule of a pinned profile reads."""

    headings: int = 0
    titles: int = 0  # title rows and label rows of the headings
    entries: int = 0  # contents entries and contents headers
    sections: int = 0
    bullets: int = 0
    tables: int = 0

    def score(self) -> float:
        """How much structure the reading explains::

            3 × headings + 1 × (title and label rows) + 1 × (contents entries and headers)
            + 2 × sections + 1 × bullets + 5 × tables read by a table rule of a pinned profile

        A heading is the strongest evidence, a section (めざす姿, 現状と課題) the next; a table
        that a pinned profile's rule reads stands for the many units it holds.  Inference counts
        the headings it placed in the outline and no table: the choices on the seeds and the
        development sets were settled with the score counted that way."""
        return (3.0 * self.headings + self.titles + self.entries + 2.0 * self.sections + self.bullets
                + 5.0 * self.tables)


def by_inference(inf: Inference) -> Explained:
    """What inference explains: the headings placed in its outline with their title and label
    rows, the contents lists, and the rows read as sections or bullets."""
    placed = inf.outline.placed
    roles = Counter(m.role for m in inf.marks)
    return Explained(headings=len(placed),
                     titles=sum(len(inf.headings[r].title_rows) + len(inf.headings[r].label_rows) for r in placed),
                     entries=sum(len(b.entries) + (1 if b.header is not None else 0) for b in inf.blocks),
                     sections=roles[Role.SECTION] + roles[Role.VALUE_SECTION], bullets=roles[Role.BULLET])


def by_pins(profile: Profile, lines: list[Line]) -> Explained:
    """What a pinned profile explains: its lines classified (:mod:`.classify`), and each run of
    table rows whose first row one of the profile's table rules takes as its header."""
    cl = classify(profile, lines).lines
    kinds = Counter(c.cls for c in cl)
    heads = [c for i, c in enumerate(cl) if c.cls is Cls.TABLE and (i == 0 or cl[i - 1].cls is not Cls.TABLE)]
    return Explained(headings=kinds[Cls.HEADING], titles=kinds[Cls.TITLE] + kinds[Cls.LABEL],
                     entries=kinds[Cls.ENTRY] + kinds[Cls.CONTENTS_HEADER], sections=kinds[Cls.SECTION],
                     bullets=kinds[Cls.BULLET],
                     tables=sum(1 for c in heads if any(rule.header.match(c.core) for rule in profile.tables)))


def detected(profile: Profile, lines: list[Line]) -> bool:
    """A city profile is a candidate when every one of its ``detect`` patterns matches a line."""
    return bool(profile.detect) and all(any(rx.search(line.m.text) for line in lines) for rx in profile.detect)


def choose(found: dict[str, Explained], profiles: dict[str, Profile]) -> ProfileChoice:
    """The profile for a document from what each candidate explains (``found``: ``generic``,
    i.e. inference, and each city profile whose ``detect`` patterns match).

    Each candidate's score is :meth:`Explained.score` rounded to one decimal.  A city profile
    wins when its score is at least ``CITY_SHARE`` (0.8) times inference's: it explains about
    as much and pins a known format; among several, the highest score (then the last name).
    Otherwise the outline is inferred."""
    scores = {name: round(f.score(), 1) for name, f in found.items()}
    city = [n for n in scores if n != "generic" and scores[n] >= CITY_SHARE * scores["generic"]]
    best = max(city, key=lambda n: (scores[n], n)) if city else "generic"
    others = ", ".join(f"{n} {s:g}" for n, s in sorted(scores.items(), key=lambda kv: -kv[1]) if n != best)
    if best == "generic":
        reason = f"auto: outline inferred from the document (score {scores[best]:g}" + (f"; {others})" if others else ")")
    else:
        reason = (f"auto: its detect patterns match and it explains about as much as inference or more (score"
                  f" {scores[best]:g}; {others})")
    return ProfileChoice(name=best, path=profiles[best].source, reason=reason, scores=scores)
