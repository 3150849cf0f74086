"""Pages: what repeats at their edges.

A running header or footer is a line that the same edge of several pages repeats (its numbers
aside: 第4次総合計画　- 12 -); a page number stands alone at an edge.  The PDF reader
(:mod:`.pdf`) asks this of the lines in its pages' top and bottom bands, compared with their type
size; the segmenter (:mod:`keikaku.segment.furniture`) of the first and last rows of the pages a
text's form feeds mark.
"""

from __future__ import annotations

import re
from typing import Hashable, Iterable, TypeVar

T = TypeVar("T", bound=Hashable)

REPEATED_ON = 3  # an edge line repeated on this many pages (or on every page, at least two) is running
PAGE_NUMBER = re.compile(r"^[\s\-‐‑‒–—―−－─(（\[［<〈pP.]*\d{1,4}(?:\s*/\s*\d{1,4})?[\s\-‐‑‒–—―−－─)）\]］>〉.]*$")
_NUMBER = re.compile(r"[0-9０-９]+")


def edge_key(text: str) -> str:
    """A line as compared across pages: without spaces, any number as ``#``."""
    return _NUMBER.sub("#", "".join(text.split()))


def repeated(edges: Iterable[tuple[T, int, str, str]], pages: int) -> dict[T, int]:
    """Of the lines at pages' edges, ``(item, page, edge, key)`` with ``edge`` top or bottom, those
    whose key the same edge of at least :data:`REPEATED_ON` pages repeats (of every page of a
    shorter document of two pages or more), with how many pages."""
    edges = list(edges)
    on: dict[tuple[str, str], set[int]] = {}
    for _, page, edge, key in edges:
        on.setdefault((edge, key), set()).add(page)
    need = min(REPEATED_ON, pages)
    if pages < 2:
        return {}
    return {item: len(on[(edge, key)]) for item, _, edge, key in edges if len(on[(edge, key)]) >= need}


def page_number(text: str) -> int | None:
    """The number of a line that is a page number alone (``12``, ``- 12 -``, ``p.12``, ``3/40``)."""
    if not PAGE_NUMBER.match(text.strip()):
        return None
    found = _NUMBER.search(text)
    return int(found.group()) if found else None


__all__ = ["REPEATED_ON", "edge_key", "page_number", "repeated"]
