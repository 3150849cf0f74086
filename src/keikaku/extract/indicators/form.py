"""The national KPI report form (指標値 / 単位 / 目標年月 / 実績値) as its text layer leaves it: the
name in pieces between the form's markers (指標, ①), then a figure, its unit and the target's year
and month on lines of their own, the result after them.
"""

from __future__ import annotations

import re

from .header import Column
from .rows import Found, Row, cell_text, is_name
from .values import ERA_N, UNITS, nfkc, parse_value

# 指標 首都圏での坂井市の ⏎ ① 認知度 ⏎ 6 ⏎ % ⏎ H28.3 ⏎ 7.3: the name in pieces between the form's
# markers, then one cell per line.
_YEAR_MONTH = re.compile(rf"^(?:{ERA_N}|(?:19|20)\d{{2}})\s*[.年/]\s*\d{{1,2}}\s*月?$")
_FORM_MARK = re.compile(r"^(?:指標|No|[①-⑳]|[①-⑳]\s*指標|指標\s*[①-⑳])$")
_FORM_PREFIX = re.compile(r"^(?:指標\s+|[①-⑳]\s+)+")
FORM_NAME_PIECE = 16  # a piece of a name the form's narrow column wrapped is at most this long


def _unit_cell(cell: str) -> bool:
    text = nfkc(cell)
    return bool(UNITS.match(text)) or bool(re.fullmatch(r"[一-龯ぁ-んァ-ヶ]{1,3}", text))


def find_form_rows(lines: list[tuple[int, str]], taken: set[int]) -> list[Found]:
    """Rows of the KPI report form whose header reads 指標値 / 単位 / 目標年月 / 実績値: a figure, its
    unit and the target's year and month on lines of their own, the result after them; the name is
    the lines before the figure, without the form's markers (指標, ①)."""
    texts = [cell_text(t) for _, t in lines]
    if not any("目標年月" in t or "目標月" in t for t in texts) or not any("指標値" in t for t in texts):
        return []
    columns = [Column("name", None), Column("target", "指標値"), Column("actual", "実績値")]
    table: Found | None = None
    found: list[Found] = []
    last = 0  # where the previous row ended: its name starts after it
    for j in range(1, len(lines) - 2):
        fig, unit, when = texts[j], texts[j + 1], texts[j + 2]
        v = parse_value(fig)
        if v is None or v.value is None or v.unit or not _unit_cell(unit) or not _YEAR_MONTH.match(nfkc(when)) \
                or {lines[j + c][0] for c in range(3)} & taken:
            continue
        pieces: list[str] = []
        for k in range(j - 1, max(last, j - 6) - 1, -1):
            t = _FORM_PREFIX.sub("", texts[k])  # ① 認知度: the marker (NFKC makes ① a 1) is no part
            if not t or _FORM_MARK.match(t):
                continue
            if parse_value(t) is not None or _YEAR_MONTH.match(nfkc(t)) or "。" in t or len(t) > FORM_NAME_PIECE:
                break  # the row above, or the prose of another column
            pieces.insert(0, t)
        name = "".join(pieces)
        end = j + 2
        result = ""
        if j + 3 < len(lines) and (r := parse_value(texts[j + 3])) is not None and not r.unit:
            result, end = texts[j + 3], j + 3
        last = end + 1
        if not name or not is_name(name):
            continue
        if table is None:
            table = Found(lines[j][0], 0, "form", ["指標", "指標値", "実績値"], columns)
            found.append(table)
        table.rows.append(Row([name, f"{fig}{nfkc(unit)}({nfkc(when)})", f"{result}{nfkc(unit)}" if result else ""],
                              [lines[max(j - len(pieces), 0)][0], lines[end][0]]))
    return found
