"""The analysis stage: a golden record of what the pinned models say on seed paragraphs, long
texts, worker processes, and the --nlp modes."""

from __future__ import annotations

import pytest
from conftest import GOLDEN, REGEN, analysed, seed_path
from hypothesis import given, settings
from hypothesis import strategies as st

from keikaku.errors import UsageError
from keikaku.extract.analyse import analyse, check_mode
from keikaku.extract.document import parse_file
from keikaku.extract.entities import find_entities
from keikaku.extract.nlp import MAX_CHUNK_CHARS, batches, chunks, get_analyzer
from keikaku.run.batch import Job, execute, process

# Paragraphs rich in what the analysis looks for, picked by a phrase they contain.
GOLDEN_PARAGRAPHS = [
    ("001", "男女平等参画のための東京都行動計画2012"),
    ("001", "地域経営戦略プラン 2010"),
    ("001", "多摩北部都市広域行政圏協議会"),
    ("001", "東日本大震災の教訓から、地域の力で"),
    ("002", "デジタル田園都市国家構想総合戦略"),
    ("003", "小平市自治基本条例"),
    ("004", "第4次清瀬市長期総合計画"),
]


def _paragraph(key: str, phrase: str) -> str:
    text = seed_path(key).read_text(encoding="utf-8")
    return next(p.strip() for p in text.split("\n\n") if phrase in p)


def _record() -> str:
    texts = [_paragraph(k, p) for k, p in GOLDEN_PARAGRAPHS]
    full = get_analyzer("full").analyse(texts)
    fast = get_analyzer("fast").analyse(texts)
    out = []
    for (key, phrase), text, a, b in zip(GOLDEN_PARAGRAPHS, texts, full, fast):
        assert a.morphs == b.morphs, "GiNZA's tokens must be Sudachi's split mode C tokens"
        out.append(f"## {key}: {phrase}\n{text}\n")
        out.append("tokens: " + " ".join(f"{m.surface}/{m.pos}" + (f"/{m.norm}" if m.norm != m.surface else "")
                                         for m in a.morphs) + "\n")
        out.append("ginza: " + " | ".join(f"{e.text} {e.label} {e.start}-{e.end}" for e in a.ents) + "\n")
        out.append("entities: " + " | ".join(f"{e.text} {e.label} {e.source} {e.start}-{e.end}"
                                             for e in find_entities(text, a.ents)) + "\n\n")
    return "".join(out)


def test_golden_analysis_of_seed_paragraphs() -> None:
    """Catches a dependency change (spaCy, GiNZA, SudachiPy, the dictionary) that alters results."""
    text = _record()
    path = GOLDEN / "analysis.txt"
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@given(st.text(alphabet="あ漢字。\n、 ab", max_size=3000), st.integers(min_value=1, max_value=400))
@settings(max_examples=200, deadline=None)
def test_chunks_rebuild_the_text_and_respect_the_limit(text: str, limit: int) -> None:
    parts = list(chunks(text, limit))
    assert "".join(c for _, c in parts) == text
    assert all(len(c) <= limit for _, c in parts)
    assert all(text[off:off + len(c)] == c for off, c in parts)


@given(st.lists(st.text(alphabet="あ漢", max_size=60)), st.integers(1, 8), st.integers(1, 100))
@settings(max_examples=200, deadline=None)
def test_batches_keep_order_and_bound_count_and_characters(texts: list[str], size: int, chars: int) -> None:
    groups = list(batches(texts, size, chars))
    assert [t for g in groups for t in g] == texts
    assert all(0 < len(g) <= size for g in groups)
    assert all(len(g) == 1 or sum(map(len, g)) <= chars for g in groups)  # a long text is a batch alone


def test_a_long_text_does_not_change_its_analysis_when_batched_with_others() -> None:
    texts = ["第3次西東京市総合計画を令和6年度に策定します。", "1-" * 2400 + "1", "清瀬市役所の窓口で受け付けます。"]
    alone = [get_analyzer("full").analyse([t])[0] for t in texts]
    assert get_analyzer("full").analyse(texts) == alone


def test_ginza_keeps_no_memory_per_token_analysed() -> None:
    # spaCy's Japanese tokenizer made a MorphAnalysis per token and never freed it (about 115
    # bytes per character): analysing the same texts again must keep nothing new.
    import tracemalloc

    import spacy.lang.ja as ja

    analyzer = get_analyzer("full")
    texts = ["市民と行政が協働してまちづくりを進めます。令和6年度に第3次総合計画を策定しました。" * 20] * 8
    first = analyzer.analyse(texts)
    shared = len(ja.MorphAnalysis.shared)
    assert analyzer.analyse(texts) == first  # the same tokens, tags, norms and entities
    tracemalloc.start()
    try:
        analyzer.analyse(texts)
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5):
            analyzer.analyse(texts)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(ja.MorphAnalysis.shared) == shared  # no new morph object for features seen before
    assert kept < 500_000, f"{kept:,} bytes kept after analysing {5 * sum(map(len, texts)):,} characters again"


@pytest.mark.parametrize("mode", ["fast", "full"])
def test_a_text_beyond_sudachis_byte_limit_is_split_and_offsets_map_back(mode: str) -> None:
    # 20,000 characters without a sentence end: 60,000 bytes in UTF-8, over SudachiPy's 49,149.
    unit = "東日本大震災の教訓から地域の力でまちを守る取組"
    text = (unit * (20_000 // len(unit) + 1))[:20_000]
    assert len(text.encode()) > 49_149 and len(text) > MAX_CHUNK_CHARS
    (a,) = get_analyzer(mode).analyse([text])
    assert "".join(m.surface for m in a.morphs) == text.replace(" ", "")
    assert all(text[m.start:m.end] == m.surface for m in a.morphs)
    assert all(text[e.start:e.end] == e.text for e in a.ents)


def test_worker_processes_give_the_same_results() -> None:
    jobs = [Job(str(seed_path(k)), k, None, "full", None, "test", 0) for k in ("001", "003", "004")]
    serial = {o.entry.doc_id: o.json_text for o in map(process, jobs)}
    parallel = {o.entry.doc_id: o.json_text for o in execute(jobs, workers=2)}
    assert parallel == serial and all(serial.values())


def test_modes() -> None:
    fast = {d.doc_id: d for d in analysed("fast")}
    full = {d.doc_id: d for d in analysed("full")}
    for doc_id, doc in full.items():
        sources = {e.source for n in doc.root.walk() for e in n.entities}
        assert "ginza" in sources and any(s.startswith("rule:") for s in sources), doc_id
        assert "dates" in sources or doc_id.startswith(("kiyose", "nishitokyo_3rd")), doc_id  # those two have none
        fast_sources = {e.source for n in fast[doc_id].root.walk() for e in n.entities}
        assert "ginza" not in fast_sources  # fast: rules and dates only
    none = [parse_file(seed_path("001"), "001", None)]
    analyse(none, "none")
    assert all(not n.keywords and not n.entities for n in none[0].root.walk())
    with pytest.raises(UsageError, match="unknown --nlp mode"):
        check_mode("slow")


