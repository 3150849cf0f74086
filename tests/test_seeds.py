"""What each seed must give, checked node by node against the plan text."""

from __future__ import annotations

import re

from conftest import parsed

from keikaku.model.tree import Document, Node, NodeKind


def units(doc: Document, kind: NodeKind) -> list[Node]:
    return [n for n in doc.nodes() if n.kind is kind]


def codes(doc: Document, kind: NodeKind) -> list[str | None]:
    return [n.code for n in units(doc, kind)]


def test_000_goals_once_with_label_slogan_and_text() -> None:
    doc = parsed("000")
    assert doc.profile.name == "nishitokyo_kihonkoso"
    goals = units(doc, NodeKind.GOAL)
    assert [g.code for g in goals] == [f"基本目標{i}" for i in range(1, 7)]
    assert (goals[0].label, goals[0].title) == ("協働・行政", "みんなで作るまち")
    assert (goals[5].label, goals[5].title) == ("産業・学び・文化芸術", "活力と魅力あるまち")
    assert all(len(g.paragraphs) >= 2 for g in goals)
    headings = {n.title: n for n in units(doc, NodeKind.HEADING)}
    assert set(headings) == {"基本理念", "基本目標実現のための体制づくり"}
    assert headings["基本理念"].text == "ともにみらいにつなぐ やさしさといこいの西東京"
    assert headings["基本目標実現のための体制づくり"].text.startswith("社会経済情勢が変化し")
    # The closing diagram is one contents element pointing at the goals, not a second copy.
    (diagram,) = units(doc, NodeKind.CONTENTS)
    targets = {it.target for it in diagram.items if it.target}
    assert {g.id for g in goals} <= targets


def test_001_fields_measures_directions() -> None:
    doc = parsed("001")
    assert doc.profile.name == "nishitokyo_kihonkeikaku"
    fields = units(doc, NodeKind.FIELD)
    assert [f.code for f in fields] == ["み1", "み2", "み3"]
    assert all(f.label == "分野" for f in fields)
    assert fields[0].title == "みんなが輝き活躍するまちを実現するために"
    assert codes(doc, NodeKind.MEASURE) == ["み1-1", "み1-2", "み2-1", "み2-2", "み2-3", "み3-1", "み3-2"]
    directions = codes(doc, NodeKind.DIRECTION)
    # The text has 16 施策の方向 (5 + 5 + 6); み2-1-1 is written "み 2-1-1".
    assert len(directions) == 16 and len(set(directions)) == 16
    assert "み2-1-1" in directions and "み2-1-2" in directions
    for m in units(doc, NodeKind.MEASURE):
        names = [s.name for s in m.sections]
        for name in ("施策の目標", "現状と課題", "施策推進のためのキーワード", "成果指標"):
            assert name in names, (m.code, names)
        kw = next(s for s in m.sections if s.name == "施策推進のためのキーワード")
        assert kw.items and all(it.marker == "◆" for it in kw.items)
        assert all(c.kind is NodeKind.DIRECTION and c.code.startswith(m.code + "-") for c in m.children)
    m11 = next(n for n in doc.nodes() if n.code == "み1-1")
    kw = next(s for s in m11.sections if s.name == "施策推進のためのキーワード")
    assert [it.text for it in kw.items] == ["地域コミュニティ活動、ボランティア・市民活動への支援",
                                            "地域コミュニティの担い手の発掘や育成、世代間交流の促進",
                                            "コミュニティ施設の充実"]
    for f, n in zip(fields, (5, 4, 1)):
        collab = next(s for s in f.sections if s.name == "市民との協働で進めること")
        assert len(collab.items) == n and all(it.marker == "◇" for it in collab.items)
    # Each field's contents list is merged into one contents element whose entries point at the body.
    contents = units(doc, NodeKind.CONTENTS)
    assert [c.parent.code for c in contents] == ["み1", "み2", "み3"]
    assert all(c.title == "分野の構成" for c in contents)
    assert all(it.target for c in contents for it in c.items)
    assert len(contents[0].items) == 7


def test_002_goals_directions_refs() -> None:
    doc = parsed("002")
    assert doc.profile.name == "nishitokyo_senryaku"
    assert codes(doc, NodeKind.CHAPTER) == ["1", "3", "2"]  # out of order in the plan
    assert codes(doc, NodeKind.VIEWPOINT) == ["①", "②", "③", "④", "⑤"]
    goals = units(doc, NodeKind.GOAL)
    assert [g.code for g in goals] == [f"基本目標{i}" for i in range(1, 6)]
    assert [len(g.children) for g in goals] == [4, 2, 3, 3, 1]
    d1 = goals[0].children[0]
    assert (d1.kind, d1.code, d1.title) == (NodeKind.DIRECTION, "①", "次の世代の結婚・妊娠・子育ての応援")
    assert [(r.code, r.title, r.page) for r in d1.refs][:2] == [("4-1", "子どもの権利の尊重と参画の推進", 80),
                                                                ("4-2", "子どもの育ちの支援", 84)]
    assert goals[2].children[0].title == "いいね!と評価できる魅力づくりと情報発信"  # broken title joined
    assert goals[3].label == "健康都市プログラム（まちの健康）"
    # The shifted table under 基本目標4 ②: the direction sits in column 2, codes in column 1 below it.
    d42 = goals[3].children[1]
    assert d42.title == "「健康」なライフスタイルづくりの推進"
    assert [(r.code, r.page, r.page_inferred) for r in d42.refs] == [
        ("2-3", 68, True), ("7-2", 104, False), ("8-1", 114, False), ("8-2", 118, False), ("8-3", 120, False),
        ("13-1", 158, False), ("13-2", 162, False)]
    assert all(not t.rows for g in goals for t in g.tables)  # every cell understood


def test_003_goals_with_subtitles_and_policies() -> None:
    doc = parsed("003")
    assert doc.profile.name == "kodaira_kihonkoso"
    goals = units(doc, NodeKind.GOAL)
    assert [g.code for g in goals] == ["基本目標1", "基本目標2", "基本目標3"]  # I (Latin), Ⅱ, Ⅲ
    assert [g.title for g in goals] == ["ひとづくり", "くらしづくり", "まちづくり"]
    assert goals[0].subtitle == "人が育ち、学び、新たな価値を創造するまち"
    policies = units(doc, NodeKind.POLICY)
    assert [p.code for p in policies] == [f"方針{i}" for i in range(1, 10)]
    assert [len(g.children) for g in goals] == [3, 3, 3]
    assert policies[0].title == "全ての子どもの育ちと自立を支援する"  # title on the line after 方針1
    assert policies[0].label == "子育て支援、学校教育、若者活躍"
    for g in goals:
        names = [s.name for s in g.sections]
        assert names == ["目指す方向性", "令和14(2032)年のありたい姿"]
        assert g.sections[1].items and all(it.marker == "-" for it in g.sections[1].items)
    for p in policies:
        (viewpoints,) = p.sections
        assert viewpoints.name == "12年間の取組の視点"
        assert viewpoints.items and all(it.marker == "▶" for it in viewpoints.items)
    assert [len(p.sections[0].items) for p in policies] == [6, 4, 4, 5, 4, 5, 2, 5, 5]
    # The chapter list at the start is a contents element, not units.
    (contents,) = units(doc, NodeKind.CONTENTS)
    assert [it.text for it in contents.items[:3]] == ["第1章 基本的な理念", "第2章 めざす将来像", "第3章 取組の方向性"]
    assert codes(doc, NodeKind.CHAPTER).count("1") == 1


def test_004_visions_goals_measures() -> None:
    doc = parsed("004")
    assert doc.profile.name == "kiyose_chokikeikaku"
    visions = units(doc, NodeKind.VISION)
    assert [v.title for v in visions] == ["安全でうるおいのある暮らしができるまち", "健幸でともに支え合うまち",
                                          "子どもたちを健やかに育むまち", "豊かな自然と調和した住みやすく活気あるまち",
                                          "都市格が高いまち"]
    # The text has 15 goals and 39 measures (3+2+3+3+4 goals); the fifth table is split in two.
    assert [len(v.children) for v in visions] == [3, 2, 3, 3, 4]
    goals = units(doc, NodeKind.GOAL)
    measures = units(doc, NodeKind.MEASURE)
    assert (len(goals), len(measures)) == (15, 39)
    assert goals[0].title == "安全・安心に生活できるまち"
    assert goals[0].text.startswith("防災・防犯意識が高まるなか")
    assert [m.title for m in goals[0].children] == ["防災体制の充実・強化", "防犯体制の充実・強化", "暮らしの相談体制の充実"]
    assert len(visions[4].tables) == 2  # both halves of the split table, each with its header


def test_ids_are_stable_and_readable() -> None:
    doc = parsed("001")
    ids = [n.id for n in doc.nodes()]
    assert "み1/み1-1/み1-1-1" in ids and "み2/み2-1/み2-1-1" in ids
    assert all(re.fullmatch(r"[^\s]+", i) for i in ids)


def test_generic_profile_recovers_main_hierarchy() -> None:
    d1 = parsed("001", "generic")
    assert codes(d1, NodeKind.FIELD) == ["み1", "み2", "み3"]
    assert codes(d1, NodeKind.MEASURE) == ["み1-1", "み1-2", "み2-1", "み2-2", "み2-3", "み3-1", "み3-2"]
    assert len(codes(d1, NodeKind.DIRECTION)) == 16
    assert all(n.parent.kind is NodeKind.MEASURE for n in units(d1, NodeKind.DIRECTION))
    d2 = parsed("002", "generic")
    goals = units(d2, NodeKind.GOAL)
    assert [g.code for g in goals] == [f"基本目標{i}" for i in range(1, 6)]
    assert [len(g.children) for g in goals] == [4, 2, 3, 3, 1]
    assert sum(len(n.refs) for n in d2.nodes()) == sum(len(n.refs) for n in parsed("002").nodes())
    d3 = parsed("003", "generic")
    goals = units(d3, NodeKind.GOAL)
    assert [g.code for g in goals] == ["基本目標1", "基本目標2", "基本目標3"]
    assert [[p.code for p in g.children] for g in goals] == [["方針1", "方針2", "方針3"], ["方針4", "方針5", "方針6"],
                                                             ["方針7", "方針8", "方針9"]]
