"""The records of the output, declared once: the machinery that makes a class both an in-memory
object and a file record, the analysis and indicator records, the manifest and the flat tables' rows.

The document's own classes (nodes, sections, items …) are in :mod:`keikaku.model.tree`; they are
made with :func:`record` as well, so that the document JSON, the JSON Schema
(:mod:`keikaku.model.schema`), the flat tables' columns and their pandas/Arrow types all follow
these declarations.  Plain dataclasses keep building and writing fast; pydantic reads their
declarations to generate the schema (attribute docstrings become its descriptions) and to read a
file back into the same classes.  A field annotated ``Annotated[..., MEMORY]`` lives in memory only
(source spans, parent links …): the file neither holds nor expects it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, dataclass_transform, get_args, get_origin, get_type_hints

from pydantic import AliasPath, Field

from ..errors import CodedWarning

SCHEMA_VERSION = "2.3"

# Read by pydantic when it generates the schema or reads a file: field descriptions from the
# docstrings below, no other properties, and every field listed as present (the writer always
# writes them all).
_CONFIG = {"use_attribute_docstrings": True, "extra": "forbid", "json_schema_serialization_defaults_required": True}

# Read from a path no file holds: a memory-only field's key in a file is an unknown key, refused
# (``extra: forbid``) rather than read into the field.
MEMORY = Field(exclude=True, validation_alias=AliasPath("__keikaku_memory_only__", 0))
"""Marks a field that the file does not hold: ``Annotated[list[Span], MEMORY]``."""

JSONObject = dict[str, Any]
"""A JSON object as plain data: what json.dumps writes and json.loads gives."""

Structure = JSONObject  # how the outline was found: JSON-like, its shape not declared yet

Counts = dict[str, int | dict[str, int]]
"""How many nodes, contents lists, sections, items, refs, tables, indicators and entities a document
holds, and its entities by label (empty for a document that failed)."""

_RECORDS: set[type] = set()  # every class made by record(): plain() writes them field by field


_T = TypeVar("_T")


def _register(made: type[_T]) -> type[_T]:
    made.__pydantic_config__ = _CONFIG  # type: ignore[attr-defined]
    _RECORDS.add(made)
    return made


@dataclass_transform()  # type checkers see each record as the dataclass it is
def positional_record(cls: type[_T]) -> type[_T]:
    """A record whose fields are given in order (positionally or by name)."""
    return _register(dataclass(slots=True)(cls))


@dataclass_transform(kw_only_default=True)
def record(cls: type[_T]) -> type[_T]:
    """A record built by field name only, so that its memory-only fields can sit anywhere and
    every field can have a default (the file's order is the declaration's)."""
    return _register(dataclass(slots=True, kw_only=True)(cls))


@dataclass_transform(kw_only_default=True, eq_default=False)
def identity_record(cls: type[_T]) -> type[_T]:
    """A record compared by identity (a node: two units with the same fields are still two)."""
    return _register(dataclass(slots=True, kw_only=True, eq=False)(cls))


_register(CodedWarning)  # declared with the catalogue (keikaku.errors), written as a record


def _row_of(name: str, record: type, doc: str, **first: str) -> type:
    """A flat-table row made of a record: doc_id, node_id, the ``first`` columns (name → type),
    then every field of ``record`` in its order, so that the table follows the record."""
    columns = [("doc_id", "str"), ("node_id", "str"), *first.items(),
               *((f.name, f.type) for f in dataclasses.fields(record))]
    cls = dataclasses.make_dataclass(name, columns, slots=True, namespace={"__doc__": doc})
    cls.__module__ = __name__  # its annotations resolve here
    _RECORDS.add(cls)
    return cls


# --- analysis ------------------------------------------------------------------------------------

@positional_record
class Keyword:
    """A keyword of a unit (or, on the document, of the whole plan), best first."""

    term: str
    """the compound as written in the text"""
    normalized: str
    """SudachiPy's normalised form: the key that counts and joins across documents"""
    score: float
    """weight within the document (tf-idf over its units, sub-linear)"""
    count: int
    """occurrences in the unit"""


@positional_record
class Entity:
    """A named entity of a unit's text; offsets index the field it was found in."""

    field: str
    """where it was found: title, subtitle, label, text, section:<n>, item:<n> …"""
    start: int
    end: int
    text: str
    label: str
    """coarse label: LAW, PLAN, ORG, FACILITY, EVENT, DATE, PERSON, LOCATION, MISC"""
    fine_label: str | None
    """GiNZA's fine label (ENE) when GiNZA found it"""
    source: str
    """dates, rule:<id> (entity_patterns.jsonl) or ginza"""
    year: int | None = None
    """a date's Western year (和暦 converted)"""
    year_end: int | None = None
    """the last year of a period (令和6～8年度)"""
    month: int | None = None
    day: int | None = None
    fiscal: bool | None = None
    """true for 年度 (April to March)"""
    era: str | None = None
    """the era as written (令和, 平成 …)"""
    approximate: bool | None = None
    """a date's true for a decade (昭和40年代: year 1965, year_end 1974) or 頃, 前半, 後半, 初頭, 末"""


# --- indicators ----------------------------------------------------------------------------------

@positional_record
class IndicatorValue:
    """One value of an indicator: a baseline, a target or an actual."""

    label: str | None
    """the column's name as written, spaces and year removed (現状値, 目標値, 中間値, 計画, 実績 …)"""
    value: float | None
    """the number (1,191 → 1191; 約3万人 → 30000; a range's lower bound); null for ―, 未設定 …"""
    text: str
    """the cell as written"""
    year: int | None
    """the Western year the value refers to, from the cell or else from the column's header"""
    fiscal: bool | None
    """true for a fiscal year (年度), false for a calendar year (年), null without a year"""
    qualifier: str | None = None
    """約, 以上, 以下, 未満, 超 or 程度 as written beside the number"""
    upper: float | None = None
    """a range's upper bound (10～15件: value 10, upper 15)"""
    role: Literal["baseline", "current", "actual", "interim", "plan", "target"] | None = None
    """what the value is, from its column: baseline (基準値, 策定時の値, 当初), current (現状値, 現在),
    actual (実績, a year alone: a result), interim (中間目標), plan (計画, 見込) or target (目標値)"""
    bound: Literal["min", "max"] | None = None
    """a target that is a bound: min for 以上 and 超, max for 以下 and 未満"""
    period: str | None = None
    """the span the value covers when not one year, as written: 期間平均, 5ヵ年, 2009~2014"""
    year_from: int | None = None
    """the first year of a span (25人(2009~14年): year_from 2009, year 2014)"""


@positional_record
class Indicator:
    """A row of an indicator table (成果指標, KPI, 数値目標 …) attached to the unit it measures."""

    name: str
    unit: str | None
    """件, %, 人, 千円 … from a unit column, the values or the name's brackets"""
    baseline: IndicatorValue | None
    """現状値, 基準値, 策定時: the first such column"""
    targets: list[IndicatorValue]
    """目標値, 中間値, 計画 …, in the table's order"""
    actuals: list[IndicatorValue]
    """実績 and evaluation-sheet years, in the table's order"""
    direction: str | None
    """増加, 減少 or 維持 where the plan states it (↑, ↓ and → read as these)"""
    grade: str | None
    """an evaluation sheet's progress grade (A, B, C …)"""
    notes: list[str]
    """notes written with the table (※ …) and cells of 備考 columns"""
    section: str | None
    """the section the table is in (成果指標, 重要業績評価指標(KPI) …); null for a table of the unit"""
    table: int
    """the table's number within its unit, as in the flat ``tables`` table (from 1)"""
    row: int
    """the row's number within its table, as in the flat ``tables`` table (the header is row 0)"""
    cells: list[str]
    """the row's cells as written"""
    lines: list[int]
    """the first and last source line of the row"""
    pdf_page: int | None = None
    """the PDF page the row is printed on (a PDF input, or a text whose form feeds mark its pages)"""


@record
class ManifestEntry:
    """One input of a run, as listed in manifest.json (a new entry is a failure until it succeeds)."""

    doc_id: str
    source: str
    status: Literal["ok", "warning", "failed"] = "failed"
    profile: str | None = None
    encoding: str | None = None
    nlp: str | None = None
    schema_version: str | None = None
    fingerprint: str | None = None
    counts: Counts = dataclasses.field(default_factory=dict)
    warnings: list[CodedWarning] = dataclasses.field(default_factory=list)
    structure: Structure = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)
    output: str | None = None
    """the document's JSON file in the folder; null when it failed and no earlier run wrote one (a
    document that fails keeps the JSON of an earlier run: the entry then describes that file and its
    errors say so)"""
    doc_id_note: str | None = None
    """why the doc_id differs from the file name (a collision, a reserved name, a cut)"""

    @property
    def nodes(self) -> int:
        """How many units the document has (0 when it failed)."""
        n = self.counts.get("nodes", 0)
        return n if isinstance(n, int) else 0


@positional_record
class Manifest:
    """manifest.json: what the output folder holds."""

    keikaku_version: str
    schema_version: str
    documents: list[ManifestEntry]
    skipped: list[dict[str, str]]
    """inputs left out (hidden files, symlinks pointing outside …) with the reason"""
    tables: dict[str, bool | str]
    """``current``: whether every flat table file in the folder describes every listed document
    (the tables of another ``--format`` are removed); ``note``: why not, or cut cells"""


# --- flat tables ----------------------------------------------------------------------------------
# One class per table; the field order is the column order.  Every table has doc_id and node_id
# ("" is the document's root: the front matter, or for keywords the whole document).

@positional_record
class NodeRow:
    """One row per unit, and one per document for its root (node_id "", kind ``document``,
    depth 0): the front matter's text, or all the text of a plan without headings.  A row's lines
    span the unit's descendants too."""

    doc_id: str
    node_id: str
    """"" for the document's root"""
    parent_id: str
    depth: int
    path: str
    kind: str
    level: str | None
    code: str | None
    title: str | None
    subtitle: str | None
    label: str | None
    section_index: int | None
    """the parent's section whose label introduces the unit (from 1, as in ``sections``)"""
    section: str | None
    text: str
    n_sections: int
    n_items: int
    n_refs: int
    n_children: int
    line_first: int | None
    line_last: int | None
    pdf_page: int | None = None
    """the PDF page the unit starts on (null without pages)"""


@positional_record
class SectionRow:
    doc_id: str
    node_id: str
    section_index: int
    name: str
    heading: str
    text: str
    n_items: int
    n_units: int
    """sub-units the section's label introduces (their ``nodes`` rows name it in ``section_index``)"""
    line_first: int | None
    line_last: int | None


@positional_record
class ItemRow:
    doc_id: str
    node_id: str
    section_index: int | None
    section: str | None
    item_index: int
    marker: str | None
    code: str | None
    target: str | None
    text: str
    line_first: int | None
    line_last: int | None


@positional_record
class RefRow:
    doc_id: str
    node_id: str
    ref_index: int
    code: str
    title: str
    page: int | None
    page_inferred: bool
    line: int


KeywordRow = _row_of("KeywordRow", Keyword, "A keyword of a unit; rank from 1 (node_id \"\": the whole document).",
                    rank="int")
EntityRow = _row_of("EntityRow", Entity, "One mention of an entity.")


@positional_record
class IndicatorRow:
    """One row per indicator and value (an indicator without values has one row, kind null)."""

    doc_id: str
    node_id: str
    indicator: int
    """the indicator's number within its unit (from 1)"""
    name: str
    unit: str | None
    kind: str | None
    """baseline, target or actual"""
    label: str | None
    value: float | None
    text: str | None
    year: int | None
    fiscal: bool | None
    qualifier: str | None
    upper: float | None
    role: str | None
    """baseline, current, actual, interim, plan or target"""
    bound: str | None
    period: str | None
    year_from: int | None
    direction: str | None
    grade: str | None
    section: str | None
    table: int
    row: int
    notes: str | None
    """the indicator's notes joined by a line break"""
    line_first: int | None
    line_last: int | None
    pdf_page: int | None = None
    """the PDF page the indicator's row is printed on (null without pages)"""


@positional_record
class TableCellRow:
    """One row per cell of every table, recognised or not (row 0 is the header)."""

    doc_id: str
    node_id: str
    table: int
    """the table's number within its unit (from 1): the sections' tables in order, then the unit's"""
    name: str | None
    rule: str | None
    layout: str
    row: int
    col: int
    text: str
    line_first: int | None
    line_last: int | None


ROW_TYPES: dict[str, type] = {"nodes": NodeRow, "sections": SectionRow, "items": ItemRow, "refs": RefRow,
                              "keywords": KeywordRow, "entities": EntityRow, "indicators": IndicatorRow,
                              "tables": TableCellRow}


# --- derived -------------------------------------------------------------------------------------

def _in_memory_only(hint: Any) -> bool:
    return get_origin(hint) is Annotated and any(m is MEMORY for m in get_args(hint)[1:])


# A dict rather than functools.cache: the lookup runs once per object written, and the callers
# pass type(obj), which the cache's typing does not accept as hashable.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """A record's file fields in order, memory-only fields left out (looked up once per class:
    plain() calls it per object)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        hints = get_type_hints(cls, include_extras=True)
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls) if not _in_memory_only(hints[f.name]))
    return names


@cache
def column_types(cls: type) -> dict[str, str]:
    """Each column's type: ``int``, ``float``, ``bool`` or ``str`` (all nullable in the tables)."""
    hints = get_type_hints(cls)
    types = {}
    for name in field_names(cls):
        args = set(getattr(hints[name], "__args__", ())) or {hints[name]}
        base = next((t for t in (bool, int, float, str) if t in args), str)
        types[name] = base.__name__
    return types


COLUMNS: dict[str, tuple[str, ...]] = {name: field_names(cls) for name, cls in ROW_TYPES.items()}


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(obj: Any) -> Any:
    """A record (and what it holds) as JSON-ready lists and dicts, file fields in declaration order."""
    cls = type(obj)
    if cls in _SCALARS:  # most values: answered before the slower checks below
        return obj
    if cls in _RECORDS:
        return {name: plain(getattr(obj, name)) for name in field_names(cls)}
    if cls is list or cls is tuple:
        return [plain(x) for x in obj]
    if cls is dict:
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, Enum):
        return obj.value
    return obj


def row_values(row: Any) -> list[Any]:
    """A flat-table row as a list, in column order."""
    return [getattr(row, name) for name in field_names(type(row))]
