"""Entities: the rules for what plans are full of, GiNZA's labels mapped, codes never entities.

Rule cases run in fast mode (no GiNZA) so that they test the rules alone; the 001 fixture
runs the full analysis and checks recall against a hand-made list of every entity of 001.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import analysed, seed_path

from keikaku.errors import KeikakuError, RulesError
from keikaku.extract.entities import (
    COARSE_LABELS,
    find_entities,
    is_name,
    parse_label_map,
    parse_rules,
    shipped_label_map,
)
from keikaku.extract.nlp import NerSpan

FIXTURE = Path(__file__).parent / "fixtures" / "001_entities.tsv"


def rule_entities(text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label) for e in find_entities(text, [])]


@pytest.mark.parametrize("text, expected", [
    # laws and ordinances
    ("西東京市市民参加条例に基づき", [("西東京市市民参加条例", "LAW")]),
    ("「公文書等の管理に関する法律」が施行", [("公文書等の管理に関する法律", "LAW")]),
    ("「小平市自治基本条例」の前文", [("小平市自治基本条例", "LAW")]),
    ("この条例を定める", []),
    ("権限の移譲に伴う条例・規則の制定", []),
    # plans, policies, strategies, declarations
    ("「男女平等参画のための東京都行動計画2012」を策定", [("男女平等参画のための東京都行動計画2012", "PLAN")]),
    ("「地域経営戦略プラン 2010」を策定", [("地域経営戦略プラン 2010", "PLAN")]),
    ("東京都人権施策推進指針などに基づき", [("東京都人権施策推進指針", "PLAN")]),
    ("「非核・平和都市宣言」を行い", [("非核・平和都市宣言", "PLAN")]),
    ("そのため行財政改革大綱を策定し", [("行財政改革大綱", "PLAN")]),
    ("基本計画に定める", []),  # a kind of plan, not a named one
    ("計画的に進める", []),
    # centres, councils, facilities
    ("西東京ボランティア・市民活動センターなどと連携", [("西東京ボランティア・市民活動センター", "FACILITY")]),
    ("市民協働推進センター「ゆめこらぼ」の設置", [("市民協働推進センター「ゆめこらぼ」", "FACILITY")]),
    ("多摩北部都市広域行政圏協議会による事業", [("多摩北部都市広域行政圏協議会", "ORG")]),
    ("一部事務組合", []),
    # named events and dates
    ("東日本大震災の教訓から", [("東日本大震災", "EVENT")]),
    ("「西東京市平和の日」と定める", [("西東京市平和の日", "EVENT")]),
    ("令和６～10年度の計画", [("令和６～10年度", "DATE")]),
    # names with hiragana: the whole name, not what follows the hiragana
    ("みどり野市第5次総合計画を策定", [("みどり野市第5次総合計画", "PLAN")]),
    ("みどり野市社会福祉協議会と連携", [("みどり野市社会福祉協議会", "ORG")]),
    ("みどり野市自治基本条例に基づき", [("みどり野市自治基本条例", "LAW")]),
    ("本市はみどり野市子ども家庭支援センターを", [("みどり野市子ども家庭支援センター", "FACILITY")]),
    ("子育て世代包括支援センターの機能", [("子育て世代包括支援センター", "FACILITY")]),
    ("こども家庭センターを設置", [("こども家庭センター", "FACILITY")]),
    ("さいたま市やひたちなか市の事例", [("さいたま市", "LOCATION"), ("ひたちなか市", "LOCATION")]),
    ("においては市の計画的な", []),  # particles are not a city
])
def test_rules(text: str, expected: list[tuple[str, str]]) -> None:
    assert rule_entities(text) == expected


@pytest.mark.parametrize("text", ["み1-2", "み 2-1-1", "1-2", "2-3", "26", "⑤", "(3)", "p.26", "- 1", "1-"])
def test_codes_ordinals_and_pages_are_never_entities(text: str) -> None:
    assert not is_name(text)
    ner = [NerSpan(text, label, 0, len(text)) for label in ("Ordinal_Number", "Organization_Other", "Plan")]
    assert find_entities(text, ner) == []


def test_ginza_labels_are_mapped_with_the_fine_label_kept() -> None:
    text = "西東京市と東京都は"
    ner = [NerSpan("西東京市", "City", 0, 4), NerSpan("東京都", "Province", 5, 8)]
    got = find_entities(text, ner)
    assert [(e.text, e.label, e.fine_label, e.source) for e in got] == [
        ("西東京市", "LOCATION", "City", "ginza"), ("東京都", "LOCATION", "Province", "ginza")]


def test_rules_win_over_overlapping_ginza_spans_and_brackets_are_trimmed() -> None:
    text = "「非核・平和都市宣言」と情報通信技術（ICT）"
    ner = [NerSpan("平和都市", "City", 4, 8), NerSpan("情報通信技術（", "Product_Other", 12, 19)]
    got = [(e.text, e.label, e.source) for e in find_entities(text, ner)]
    # Product_Other is MISC: on plans GiNZA gives it to ordinary things (情報通信技術, 国勢調査)
    assert got == [("非核・平和都市宣言", "PLAN", "rule:quoted-plan"), ("情報通信技術", "MISC", "ginza")]


def test_dates_carry_the_normalised_year() -> None:
    (d,) = find_entities("H27年度の実績", [NerSpan("H27年度", "Date", 0, 6)])
    assert (d.label, d.year, d.fiscal, d.era, d.source) == ("DATE", 2015, True, "H", "dates")


def test_every_ginza_label_is_mapped_or_dropped() -> None:
    import spacy  # here, not at the top: importing spaCy takes seconds that only this test needs

    nlp = spacy.load("ja_ginza", exclude=["parser", "morphologizer", "compound_splitter", "bunsetu_recognizer"])
    mapping, drop = shipped_label_map()
    assert set(nlp.get_pipe("ner").labels) == set(mapping) | drop
    assert set(mapping.values()) <= set(COARSE_LABELS)


@pytest.mark.parametrize("line, problem", [
    ('{"id": "x", "label": "LAW", "pattern": "("}', "bad pattern"),
    ('{"id": "x", "label": "LAWS", "pattern": "法"}', "label must be one of"),
    ('{"id": "x", "label": "LAW"}', "needs a non-empty string 'pattern'"),
    ('{"id": "x", "label": "LAW", "pattern": "法", "flags": 1}', "unknown key"),
    ('not json', "not valid JSON"),
    ('{"id": "x", "label": "LAW", "pattern": "法"}\n{"id": "x", "label": "LAW", "pattern": "法"}', "duplicate"),
])
def test_bad_rules_are_refused_naming_file_and_rule(line: str, problem: str) -> None:
    with pytest.raises(RulesError) as err:
        parse_rules(line, "my_rules.jsonl")
    assert "my_rules.jsonl" in str(err.value) and "line" in str(err.value) and problem in str(err.value)
    assert isinstance(err.value, KeikakuError)


def test_bad_label_map_is_refused() -> None:
    with pytest.raises(RulesError, match="labels.toml: coarse.ORGS"):
        parse_label_map('[coarse]\nORGS = ["Company"]', "labels.toml")
    with pytest.raises(RulesError, match="already mapped"):
        parse_label_map('[coarse]\nORG = ["Company"]\nPLAN = ["Company"]', "labels.toml")


def load_fixture() -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in FIXTURE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [(text, label) for text, label in rows]


def test_recall_on_every_entity_of_001_checked_by_hand() -> None:
    doc = next(d for d in analysed("full") if d.doc_id == "nishitokyo_2nd_kihonkeikaku_mi")
    found = {(e.text, e.label) for n in doc.root.walk() for e in n.entities}
    expected = load_fixture()
    missed = [pair for pair in expected if pair not in found]
    recall = 1 - len(missed) / len(expected)
    # 32 of 33 when this test was written: ツイッター (a service name) has no rule and GiNZA misses it.
    assert recall >= 0.95, missed
    assert len(expected) == 33


def test_entity_offsets_point_into_the_node_json() -> None:
    from keikaku.export.document import document_json, node_json

    checked = 0
    for doc in analysed("full"):
        front = document_json(doc, "test")["front_matter"]
        for node in doc.root.walk():
            data = front if node is doc.root else node_json(node)
            for e in node.entities:
                value = data
                for part in e.field.split("/"):
                    value = value[int(part)] if isinstance(value, list) else value[part]
                assert value[e.start:e.end] == e.text, (doc.doc_id, node.id, e)
                assert e.label in COARSE_LABELS
                checked += 1
    assert checked > 150 and any(e for e in analysed("full")[2].root.entities)  # front matter too


@pytest.mark.parametrize("text, ner, expected", [
    ("地域で学びあう環境", [NerSpan("学びあう", "City", 2, 6)], []),  # a verb form is never an entity
    ("不登校児童・生徒数の推移", [NerSpan("不登校児童・生徒数", "Organization_Other", 0, 9)], []),  # a count
    ("認知症の方を支える", [NerSpan("認知症", "Animal_Disease", 0, 3)], [("認知症", "MISC")]),  # kept, as MISC
    ("ICTを活用", [NerSpan("ICT", "Clothing", 0, 3)], [("ICT", "MISC")]),
    ("西東京市の取組", [NerSpan("西東京市", "City", 0, 4)], [("西東京市", "LOCATION")]),
])
def test_ginza_noise_is_dropped_or_relabelled(text: str, ner: list[NerSpan], expected: list[tuple[str, str]]) -> None:
    from keikaku.extract.nlp import get_analyzer

    (a,) = get_analyzer("fast").analyse([text])
    assert [(e.text, e.label) for e in find_entities(text, ner, a.morphs)] == expected


# Plans written for the tests in other cities' styles, each with every entity listed by hand
# (tests/fixtures/keywords/README.md), and seed 001 with its list.
HAND_CHECKED = [
    (seed_path("001"), FIXTURE),
    *[(p, p.with_name(p.stem + "_entities.tsv"))
      for p in sorted((Path(__file__).parent / "fixtures" / "keywords").glob("*.txt"))],
]
# The figures of the last change to the rules (README, "Entities"): a guard against regressions;
# the goal is 0.9 for both on every label, which PRODUCT, ORG and EVENT do not reach.
FLOORS = {"DATE": (0.95, 0.9), "LAW": (0.9, 0.8), "PLAN": (0.8, 0.9), "LOCATION": (0.8, 0.85),
          "FACILITY": (0.7, 0.8), "ORG": (0.6, 0.7), "EVENT": (0.75, 0.7)}


def _hand_checked(path: Path) -> set[tuple[str, str]]:
    return {(row[0], row[1]) for row in (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
                                         if line and not line.startswith("#"))}


def test_precision_and_recall_per_label_on_hand_checked_plans() -> None:
    from collections import defaultdict

    import keikaku
    from keikaku.extract.evaluate import entity_scores

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    lines = []
    for text, listed in HAND_CHECKED:
        scores = entity_scores(keikaku.parse(text, nlp="full"), _hand_checked(listed))
        lines.append(f"{text.name}: " + ", ".join(f"{s.label} P {s.precision:.2f} R {s.recall:.2f}" for s in scores))
        for s in scores:
            t = totals[s.label]
            t[0], t[1], t[2] = t[0] + s.expected, t[1] + s.found, t[2] + s.correct
    overall = {label: (c / f if f else 1.0, c / e if e else 1.0) for label, (e, f, c) in totals.items()}
    print("\n" + "\n".join(lines) + "\nall: " + ", ".join(f"{la} P {p:.2f} R {r:.2f} ({totals[la][0]} listed)"
                                                            for la, (p, r) in sorted(overall.items())))
    assert len(HAND_CHECKED) >= 3
    for label, (p_min, r_min) in FLOORS.items():
        p, r = overall[label]
        assert p >= p_min and r >= r_min, (label, p, r)


# Every municipality of Japan whose name is written partly in hiragana (cities, then towns; no
# village or ward is), and invented ones in the same style as the fixtures' みどり野市: each must
# come out whole in every sentence below, however it starts (にかほ, ときがわ, のぞみ begin with
# the kana of a particle) and ends.
KANA_MUNICIPALITIES = """
    つがる市 むつ市 にかほ市 いわき市 ひたちなか市 つくば市 かすみがうら市 つくばみらい市 さくら市 みどり市 さいたま市
    ふじみ野市 いすみ市 あきる野市 かほく市 あわら市 伊豆の国市 あま市 みよし市 いなべ市 紀の川市 たつの市 南あわじ市
    さぬき市 東かがわ市 うきは市 みやま市 えびの市 南さつま市 いちき串木野市 うるま市
    せたな町 むかわ町 えりも町 新ひだか町 おいらせ町 ときがわ町 みなかみ町 おおい町 かつらぎ町 みなべ町 すさみ町 つるぎ町
    東みよし町 まんのう町 いの町 みやこ町 みやき町 あさぎり町 さつま町
""".split()
INVENTED_KANA_PLACES = "みどり野市 ひがし浦市 さくら台町 かわせみ市 のぞみ市 はなみずき市 やまびこ町 とびうめ町 でんえん市".split()
PLACE_SENTENCES = ("{}では、高齢化が進んでいる。", "本市は{}と連携して事業を進める。", "近隣の{}の事例を参考にする。")


@pytest.fixture(scope="module")
def kana_place_entities() -> dict[str, list[list[str]]]:
    """Each name → the entities found in each of PLACE_SENTENCES with the name in it (GiNZA)."""
    from keikaku.extract.nlp import get_analyzer

    names = KANA_MUNICIPALITIES + INVENTED_KANA_PLACES
    texts = [s.format(name) for name in names for s in PLACE_SENTENCES]
    found = [[e.text for e in find_entities(t, a.ents, a.morphs)]
             for t, a in zip(texts, get_analyzer("full").analyse(texts))]
    n = len(PLACE_SENTENCES)
    return {name: found[i * n:(i + 1) * n] for i, name in enumerate(names)}


@pytest.mark.parametrize("name", KANA_MUNICIPALITIES + INVENTED_KANA_PLACES)
def test_a_municipality_written_in_hiragana_is_whole(kana_place_entities: dict[str, list[list[str]]],
                                                     name: str) -> None:
    for sentence, entities in zip(PLACE_SENTENCES, kana_place_entities[name]):
        assert name in entities, (sentence.format(name), entities)


@pytest.mark.parametrize("text, expected", [
    ("本市はにかほ市総合計画を策定", [("にかほ市総合計画", "PLAN")]),  # matched from か, widened to the word にかほ市
    ("本市ではときがわ町と連携", [("ときがわ町", "LOCATION")]),
    ("本市のみどり野市との連携", [("みどり野市", "LOCATION")]),  # の is a particle: not taken into the name
    ("これからのみどり野市を", [("みどり野市", "LOCATION")]),
])
def test_a_rule_name_in_hiragana_starts_with_its_word(text: str, expected: list[tuple[str, str]]) -> None:
    from keikaku.extract.nlp import get_analyzer

    (a,) = get_analyzer("fast").analyse([text])
    assert [(e.text, e.label) for e in find_entities(text, [], a.morphs)] == expected
