"""Nothing lost, nothing duplicated: every non-space character lands in exactly one place."""

from __future__ import annotations

import pytest
from conftest import parsed, seed_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keikaku.errors import AlignmentError
from keikaku.extract.document import parse
from keikaku.ingest import ingest
from keikaku.ingest.text import ingest_bytes
from keikaku.segment import choose_profile
from keikaku.segment.align import check_alignment, document_spans
from keikaku.segment.profile import builtin_profiles


@pytest.mark.parametrize("profile", sorted(builtin_profiles()))
def test_every_seed_with_every_profile_accounts_for_every_line(seed_key: str, profile: str) -> None:
    # parse() runs the guard itself and raises AlignmentError; check the spans here as well.
    doc = parsed(seed_key, profile)
    source = ingest(seed_path(seed_key))
    lines = {s.line for s in document_spans(doc)}
    assert lines == {line.no for line in source.lines if not line.blank}


def test_guard_fails_loudly_on_lost_text(seed_source) -> None:
    profile, choice = choose_profile(seed_source)
    doc = parse(seed_source, profile, "x", choice)
    victim = next(n for n in doc.root.walk() if n.paragraphs or n.items)
    (victim.paragraphs or victim.items).pop()
    with pytest.raises(AlignmentError, match="lost"):
        check_alignment(doc, seed_source)


def test_guard_fails_loudly_on_duplicated_text(seed_source) -> None:
    profile, choice = choose_profile(seed_source)
    doc = parse(seed_source, profile, "x", choice)
    node = next(n for n in doc.nodes() if n.heading_spans)
    node.heading_spans.append(node.heading_spans[0])
    with pytest.raises(AlignmentError, match="2 times"):
        check_alignment(doc, seed_source)


# Plan-like fragments, so that random text hits headings, sections, bullets, tables and contents.
FRAGMENTS = ["基本目標 1 協働", "基本目標Ⅱ くらし — 副題 —", "み1", "【分野】", "み1-1 施策名", "- み1-1-1 方向",
             "み 2-1-1 方向", "方針3", "第1章 総論", "1 策定の経緯", "① 方向", "(1) 項目", "◆キーワード", "▶視点",
             "- 項目", "■分野の構成", "施策の目標", "現状と課題", "令和14(2032)年のありたい姿", "※注記",
             "基本的方向\t基本計画における関連施策\t頁", "①方向\t4-1 施策\t80", "\t4-2 施策", "5-1 施策\t\t86",
             "まちづくりの基本目標\t施策", "◆目標 説明文です\t○施策A ○施策B", "○", "\t", "安心なまち", "■ ■ ■", "12",
             "本文です。", "　", "", "ー", "１２３", "Ⅲ", "—", "【分野】", "み1", "み1-1 施策名", "(1) 項目",
             "第1章 総論", "基本的方向\t関連施策\t頁", "\t4-1 施策\t80"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40),
       st.sampled_from(sorted(builtin_profiles())))
def test_random_text_is_accounted_for(lines: list[str], profile: str) -> None:
    data = "\n".join(lines).encode("utf-8")
    source = ingest_bytes(data, "random.txt")
    parse(source, builtin_profiles()[profile], "random")  # raises AlignmentError on any loss
