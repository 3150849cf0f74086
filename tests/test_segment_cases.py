"""Small hand-made plans for the segmentation rules that the seeds do not exercise."""

from __future__ import annotations

import pytest

from keikaku.extract.document import parse
from keikaku.ingest.text import ingest_bytes
from keikaku.model.tree import Document, NodeKind
from keikaku.segment.profile import builtin_profiles


def seg(text: str, profile: str = "generic") -> Document:
    return parse(ingest_bytes(text.encode("utf-8"), "case.txt"), builtin_profiles()[profile], "case")


def tree(doc: Document) -> list[tuple[int, str, str | None]]:
    return [(n.depth(), n.kind.value, n.code) for n in doc.nodes()]


@pytest.mark.parametrize("text, expected", [
    # The same code under two parents is two units, not a contents entry.
    ("基本目標1 安全なまち\n安全の説明です。\n(1) 防災体制の充実\n防災の本文です。\n\n"
     "基本目標2 健康なまち\n健康の説明です。\n(1) 健康づくりの推進\n健康の本文です。長い本文が続きます。\n",
     [(1, "goal", "基本目標1"), (2, "point", "(1)"), (1, "goal", "基本目標2"), (2, "point", "(1)")]),
    ("基本目標1 安全なまち\n① 防災体制の充実\n防災の本文です。\n② 防犯体制の充実\n防犯の本文です。\n\n"
     "基本目標2 健康なまち\n① 健康づくりの推進\n本文です。\n② 医療体制の充実\n本文です。\n",
     [(1, "goal", "基本目標1"), (2, "point", "①"), (2, "point", "②"), (1, "goal", "基本目標2"),
      (2, "point", "①"), (2, "point", "②")]),
    # A chapter with a body after an empty one is a unit, not the end of a contents list.
    ("第1章 総論\n第2章 基本計画\n本文です。\n方針1 子育て\n子育ての本文です。\n",
     [(1, "chapter", "第1章"), (1, "chapter", "第2章"), (2, "policy", "方針1")]),
    # A real contents list: same-level headings with nothing between them.
    ("第1章 総論\n第2章 各論\n第3章 資料\n\n第1章 総論\n本文です。\n第2章 各論\n本文です。\n",
     [(1, "contents", None), (1, "chapter", "第1章"), (1, "chapter", "第2章")]),
    # A Latin word after 基本目標 is not a Roman numeral.
    ("基本目標 ICTを活用したまち\n本文です。\n", []),
    ("基本目標 IV ICTを活用したまち\n本文です。\n", [(1, "goal", "基本目標4")]),
])
def test_structure(text: str, expected: list[tuple[int, str, str | None]]) -> None:
    assert tree(seg(text)) == expected


def test_label_of_a_repeated_heading_is_kept() -> None:
    doc = seg("【分野】\nみ1\nみんなのまち\n\n【分野】\nみ1\nみんなのまち\nみ1-1 施策名です\n本文です。\n",
              "nishitokyo_kihonkeikaku")  # the alignment guard inside parse() proves nothing is lost
    fields = [n for n in doc.nodes() if n.kind is NodeKind.FIELD]
    assert [(f.code, f.label, f.title) for f in fields] == [("み1", "分野", "みんなのまち")]


def test_refs_before_the_first_heading_are_front_matter() -> None:
    doc = seg("基本的方向\t関連施策\t頁\n\t4-1 子どもの権利\t80\n\n基本目標1 くらし\n本文です。\n")
    assert [(r.code, r.page) for r in doc.root.refs] == [("4-1", 80)]
