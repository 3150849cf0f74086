"""The output, declared once: every record of the document JSON, the manifest entry and the
flat tables' rows.

The JSON Schema (``schema/document.schema.json``, ``schema/manifest.schema.json``), the flat
tables' columns and their pandas/Arrow types are all derived from these dataclasses
(:mod:`keikaku.schema`), so a field added here appears everywhere at once and a test fails when
the shipped schema files fall behind.  Plain dataclasses keep writing fast; pydantic is used only
to generate the schema (attribute docstrings become its descriptions).

Records that the pipeline builds itself (keywords, entities, indicators) are used as they are by
the document model (:mod:`keikaku.model.tree`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, Literal, TypeVar, dataclass_transform, get_origin, get_type_hints

SCHEMA_VERSION = "2.1"

# Read by pydantic when it generates the schema: field descriptions from the docstrings below,
# no other properties, and every field listed as present (the writer always writes them all).
_CONFIG = {"use_attribute_docstrings": True, "extra": "forbid", "json_schema_serialization_defaults_required": True}


_RECORDS: set[type] = set()  # every class declared here: plain() writes them field by field


_T = TypeVar("_T")


@dataclass_transform()  # type checkers see each record as the dataclass it is
def _record(cls: type[_T]) -> type[_T]:
    cls.__pydantic_config__ = _CONFIG  # type: ignore[attr-defined]
    made = dataclass(slots=True)(cls)
    _RECORDS.add(made)
    return made


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

@_record
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


@_record
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

@_record
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


@_record
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


# --- the document --------------------------------------------------------------------------------

@_record
class Item:
    """A bullet or a contents entry."""

    text: str
    marker: str | None
    code: str | None
    target: str | None
    """the id of the node a contents entry points to"""
    page: int | None
    lines: list[int]


@_record
class Table:
    """A table: tab-separated rows found by segmentation, or an indicator table in another layout
    (pipe, one cell per line, flattened into a line, space-separated)."""

    name: str | None
    """the table rule's name, or the section's name for an indicator table"""
    rule: str | None
    """the profile's table rule (tree, refs), ``indicators``, or null for a plain table"""
    layout: str
    """tab, pipe, lines, running or spaced"""
    header: list[str] | None
    rows: list[list[str]]
    lines: list[int]


@_record
class Section:
    """A named part of a unit (施策の目標, 現状と課題, 成果指標 …)."""

    name: str
    heading: str
    text: str
    items: list[Item]
    tables: list[Table]
    units: list[str]
    """ids of the sub-units that this label, with no content of its own, introduces
    (■施策の方向 ⏎ (1) … ⏎ (2) …), in order"""
    lines: list[int]
    declares_keywords: bool
    """the plan's own keyword list (the profile's declared_keywords)"""


@_record
class Ref:
    """A reference to a measure of another plan."""

    code: str
    title: str
    page: int | None
    page_inferred: bool
    line: int


@_record
class Node:
    """A unit of the plan: a goal, a field, a measure …; ``children`` are its sub-units."""

    id: str
    kind: Literal["part", "chapter", "subchapter", "heading", "vision", "goal", "field", "policy", "measure",
                  "direction", "viewpoint", "point", "contents"]
    level: str | None
    code: str | None
    title: str | None
    subtitle: str | None
    label: str | None
    section: str | None
    """the name of the parent's section whose label, with no content of its own, introduces this
    unit (施策の方向 printed before its (1), (2)); that section lists the unit's id in ``units``"""
    page: int | None
    """the page a contents list gives for this unit"""
    from_contents: bool
    """a unit named by a contents list whose text is not in the document"""
    text: str
    sections: list[Section]
    items: list[Item]
    refs: list[Ref]
    tables: list[Table]
    indicators: list[Indicator]
    lines: list[int]
    declared_keywords: list[str]
    keywords: list[Keyword]
    entities: list[Entity]
    children: list[Node]


@_record
class FrontMatter:
    """The text before the first unit (and what belongs to no unit)."""

    text: str
    entities: list[Entity]
    sections: list[Section]
    items: list[Item]
    refs: list[Ref]
    tables: list[Table]
    indicators: list[Indicator]
    lines: list[int]


@_record
class Source:
    path: str
    sha256: str
    encoding: str
    bytes: int
    lines: int


@_record
class ProfileUsed:
    name: str
    path: str
    reason: str
    scores: dict[str, float]
    """every shipped profile's score when the profile was chosen automatically"""


@_record
class Analysis:
    mode: str
    """full, fast or none"""
    versions: dict[str, str]


@_record
class Furniture:
    """A page number or a running header, kept out of the text."""

    text: str
    line: int


@_record
class Document:
    """One plan text segmented into its hierarchy, with keywords, entities and indicators."""

    schema_version: Literal["2.1"]
    keikaku_version: str
    doc_id: str
    fingerprint: str | None
    """hash of what decides this output; a re-run skips the document while it is unchanged"""
    title: str
    source: Source
    profile: ProfileUsed
    analysis: Analysis
    keywords: list[Keyword]
    """the whole document's keywords"""
    front_matter: FrontMatter
    furniture: list[Furniture]
    structure: dict[str, Any]
    """how the outline was found (levels, gaps, rejected markers, contents lists read, doubtful) and the
    outline's ``confidence`` (0–1) with ``confidence_reasons`` in words"""
    warnings: list[str]
    counts: dict[str, Any]
    children: list[Node]


@_record
class ManifestEntry:
    """One input of a run, as listed in manifest.json."""

    doc_id: str
    source: str
    status: Literal["ok", "warning", "failed"]
    profile: str | None
    encoding: str | None
    nlp: str | None
    schema_version: str | None
    fingerprint: str | None
    counts: dict[str, Any]
    warnings: list[str]
    structure: dict[str, Any]
    errors: list[str]
    output: str | None
    """the document's JSON file in the folder; null when it failed and no earlier run wrote one (a
    document that fails keeps the JSON of an earlier run: the entry then describes that file and its
    errors say so)"""
    doc_id_note: str | None = None
    """why the doc_id differs from the file name (a collision, a reserved name, a cut)"""


@_record
class Manifest:
    """manifest.json: what the output folder holds."""

    keikaku_version: str
    schema_version: str
    documents: list[ManifestEntry]
    skipped: list[dict[str, str]]
    """inputs left out (hidden files, symlinks pointing outside …) with the reason"""
    tables: dict[str, Any]
    """``current``: whether every flat table file in the folder describes every listed document
    (the tables of another ``--format`` are removed); ``note``: why not, or cut cells"""


# --- flat tables ----------------------------------------------------------------------------------
# One class per table; the field order is the column order.  Every table has doc_id and node_id
# ("" is the document's root: the front matter, or for keywords the whole document).

@_record
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


@_record
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


@_record
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


@_record
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


@_record
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


@_record
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

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """A record's field names in order (looked up once per class: plain() calls it per object)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


@lru_cache(maxsize=None)
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


def plain(obj: Any) -> Any:
    """A record (and what it holds) as JSON-ready lists and dicts, fields in declaration order."""
    cls = type(obj)
    if cls in _RECORDS:
        return {name: plain(getattr(obj, name)) for name in field_names(cls)}
    if cls is list or cls is tuple:
        return [plain(x) for x in obj]
    if cls is dict:
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, Enum):
        return obj.value
    return obj


def manifest_entry(entry: dict[str, Any]) -> ManifestEntry:
    """A manifest entry from the pipeline's working dict or an older manifest's: the declared
    fields, each present (a field an older manifest lacks, such as 1.1's ``structure``, empty)."""
    hints = get_type_hints(ManifestEntry)
    values = {}
    for f in dataclasses.fields(ManifestEntry):
        if f.name in entry:
            values[f.name] = entry[f.name]
        elif f.default is dataclasses.MISSING:
            values[f.name] = {dict: {}, list: []}.get(get_origin(hints[f.name]))
    return ManifestEntry(**values)


def row_values(row: Any) -> list[Any]:
    """A flat-table row as a list, in column order."""
    return [getattr(row, name) for name in field_names(type(row))]


# --- the published JSON Schema ---------------------------------------------------------------------

SCHEMA_FILES = {"document.schema.json": Document, "manifest.schema.json": Manifest}


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of a record, generated by pydantic from the declaration above."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(cls).json_schema(mode="serialization")
    name = "document" if cls is Document else "manifest"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://keikaku.invalid/schema/{name}-{SCHEMA_VERSION}.json", **schema}


def schema_text(cls: type) -> str:
    import json

    return json.dumps(json_schema(cls), ensure_ascii=False, indent=2) + "\n"

