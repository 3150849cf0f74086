"""Indicator tables (成果指標, KPI, 数値目標 …) → typed :class:`~keikaku.model.records.Indicator` rows.

Runs after segmentation, on the source lines, because PDF extraction leaves these tables in
many layouts that segmentation keeps as text:

  tab       指標名<TAB>単位<TAB>現状値（令和5年度）<TAB>目標値（令和11年度）, a row per line
  pipe      | 指標名 | 現状値 | 目標値 |, a |---| rule, a row per line
  spaced    cells separated by spaces (full-width or not), a row per line
  lines     one cell per line: the header's cells, then each row's cells (evaluation sheets)
  running   a whole table flattened into one line, with prose around it:
            重要業績評価指標(KPI) 指標名 基準値 目標値 婚姻数 1,191件 (2019年) 1,300件 (2026年) …

and lists without a header (arrow lines, header-less rows under a table word, targets written as
sentences), transposed evaluation sheets, tables glued into one line and the national KPI form.

A header is a run of column words (``data/indicators.toml``, letter-spaced or not) with at least
one value column; its columns say what each cell of a row is.  Rows are read cell by cell against
those columns: a row that does not fit ends the table, so prose after a flattened table is left
alone.  Each table becomes an indicator :class:`~keikaku.model.tree.Table` of the unit that holds
its header (with no spans: the lines stay where segmentation put them) and each row an Indicator.

The modules, by job:

  vocabulary   the words, read from data/indicators.toml and checked
  values       one value cell: figure, unit, qualifier, year, period, nulls
  header       one header: column words → roles and years
  rows         what the readers share: found tables, names, cells that fit their column
  headed       tables under a header line: tab, pipe and space-separated rows (and, through
               running, a table flattened into one line; through celllines, one cell per line)
  running      rows read token by token from a flattened line
  celllines    one cell per line under a header of cells
  headless     rows with no header under a table word: pipe/tab rows, blocks of name/value lines
  arrows       name:baseline → target lines
  transposed   evaluation sheets with the years across
  glued        a table glued into one line (e-book text layers)
  form         the national KPI report form
  sentences    targets written as a sentence
  find         every reader in turn over a document's lines
  attach       tables and indicators given to the units that hold them, and warnings
"""

from __future__ import annotations

from .attach import attach_indicators, indicator_of, warn_unread_tables
from .find import find_tables
from .values import parse_value, parse_year
from .vocabulary import NAME_WORDS, ROLE_WORDS

__all__ = ["NAME_WORDS", "ROLE_WORDS", "attach_indicators", "find_tables", "indicator_of", "parse_value", "parse_year",
           "warn_unread_tables"]
