"""Targets written as a sentence: 高度処理人口普及率を43%(H22当初)から52.9%(H26末)に増加させる.

Plans state some targets only in prose: A is the baseline, B the target, one of them carries its
year, and the verb sets a target (増やす, 目指す) rather than telling a trend (増加しました).
"""

from __future__ import annotations

import re

from .header import Column
from .rows import NAME_MAX, Found, Row, is_name
from .values import parse_value

# (its digits bounded and possessive: on a line of 20,000 digits every start tried every length)
_SENT_VALUE = r"[▲△]?\d[\d,]{0,24}+(?:\.\d{1,8}+)?\s?(?:[万千億]?[^\s\d、。()（）をかにへま]{0,4})?\s?(?:[(（][^()（）]{1,12}[)）])?"
_SENTENCE = re.compile(rf"(?P<name>[^、。\s「」をがはも]{{2,60}}?)(?:を\s?(?:現状の|現在の)?|(?=\d))\s?(?P<a>{_SENT_VALUE})\s?から\s?"
                       rf"(?P<b>{_SENT_VALUE})\s?(?:に|へ|まで|を(?=達成))(?P<verb>[^。]{{0,16}})(?:。|$)")
_NAME_AFTER = re.compile(r".*(?:ための|ように|について|において|における)")  # 〜のための / 〜ように: the name follows
# A verb that sets a target (増やす, 引き上げる, 達成する, 目指す, にする); 上昇すると見込まれます,
# 減少します tell a projection.
_AIM = re.compile(r"^(?:(?:増加|減少|向上|低下|拡大|縮小|削減|改善|上昇)?(?:させ|する(?!と)|します)|増や|減ら|引き上げ|"
                  r"引き下げ|上げ|下げ|高め|広げ|伸ば|抑え|達成|目指|めざ|とする|とします|向上を図|改善を図)")
WRAP_MIN = 20  # a line shorter than this was not wrapped by the typesetter
_PAST = re.compile(r"ました|した$|している|しており|なった|なりました")


def find_sentences(lines: list[tuple[int, str]], taken: set[int]) -> list[Found]:
    """Targets written as a sentence, ``名前をA(年)からB(年)に増やす`` (one paragraph; lines a PDF
    wrapped are joined): A is the baseline, B the target.  One of them carries its year, and the
    verb is not in the past (a trend told, not a target)."""
    found: list[Found] = []
    k = 0
    while k < len(lines):
        if not lines[k][1].strip() or lines[k][0] in taken:
            k += 1
            continue
        j, starts, text = k, [], ""
        while j < len(lines) and lines[j][1].strip() and lines[j][0] not in taken:
            starts.append(len(text))
            text += lines[j][1].strip()
            j += 1
            if len(lines[j - 1][1].strip()) < WRAP_MIN:
                break  # a short line is whole (a cell, a code), not a sentence the PDF wrapped
        table: Found | None = None
        for m in _SENTENCE.finditer(text):
            a, b = parse_value(m.group("a")), parse_value(m.group("b"))
            if a is None or b is None or a.value is None or b.value is None or a.year is None and b.year is None \
                    or _PAST.search(m.group("verb")) or not _AIM.search(m.group("verb")):
                continue
            name = _NAME_AFTER.sub("", m.group("name"))
            if not is_name(name) or len(name) > NAME_MAX:
                continue
            first = k + max(n for n, at in enumerate(starts) if at <= m.start("name"))
            last = k + max(n for n, at in enumerate(starts) if at < m.end("b"))
            if table is None:
                columns = [Column("name", None), Column("baseline", None), Column("target", None)]
                table = Found(lines[first][0], 0, "sentence", ["", "", ""], columns)
                found.append(table)
            table.rows.append(Row([name, m.group("a").strip(), m.group("b").strip()], [lines[first][0], lines[last][0]]))
        k = j
    return found
