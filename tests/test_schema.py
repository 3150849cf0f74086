"""The output is declared once (keikaku.model.records): the shipped JSON Schema files, the flat tables'
columns and their pandas and Arrow types all come from that declaration."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from conftest import REGEN

from keikaku.model import records
from keikaku.model.records import COLUMNS, ROW_TYPES, column_types
from keikaku.model.schema import SCHEMA_FILES, schema_text
from keikaku.model.tree import Document

SCHEMA_DIR = resources.files("keikaku").joinpath("schema")


@pytest.mark.parametrize("filename", sorted(SCHEMA_FILES))
def test_shipped_schema_is_the_generated_one(filename: str) -> None:
    generated = schema_text(SCHEMA_FILES[filename])
    path = Path(str(SCHEMA_DIR.joinpath(filename)))
    if REGEN:
        path.write_text(generated, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == generated, (
        f"{filename} differs from keikaku.model.records: run KEIKAKU_REGEN_GOLDEN=1 pytest tests/test_schema.py")


def test_schema_declares_version_2_and_forbids_unknown_fields() -> None:
    schema = json.loads(schema_text(Document))
    assert schema["properties"]["schema_version"] == {"const": "2.3", "title": "Schema Version", "type": "string"}
    assert schema["additionalProperties"] is False
    indicator = schema["$defs"]["Indicator"]
    assert {"name", "unit", "baseline", "targets", "actuals", "direction", "notes", "lines"} <= set(indicator["required"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**_minimal(), "surprise": 1}, schema)
    jsonschema.validate(_minimal(), schema)


def _minimal() -> dict:
    return {"schema_version": "2.3", "keikaku_version": "0", "doc_id": "d", "fingerprint": None, "title": "",
            "source": {"path": "p", "sha256": "0" * 64, "encoding": "utf-8", "bytes": 0, "lines": 0, "pages": None},
            "profile": {"name": "generic", "path": "", "reason": "", "scores": {}},
            "analysis": {"mode": "none", "versions": {}}, "keywords": [],
            "front_matter": {"text": "", "entities": [], "sections": [], "items": [], "refs": [], "tables": [],
                             "indicators": [], "lines": []},
            "furniture": [], "structure": {}, "warnings": [], "counts": {}, "children": []}


def test_every_table_has_the_keys_and_typed_columns() -> None:
    for name, cls in ROW_TYPES.items():
        assert COLUMNS[name][:2] == ("doc_id", "node_id"), name
        types = column_types(cls)
        assert set(types.values()) <= {"int", "float", "bool", "str"}
    assert column_types(records.IndicatorRow)["value"] == "float"
    assert column_types(records.IndicatorRow)["year"] == "int"
    assert column_types(records.EntityRow)["fiscal"] == "bool"


def test_parquet_and_dataframe_types_follow_the_declaration(tmp_path: Path) -> None:
    from keikaku import load
    from keikaku.run.pipeline import RunOptions, run

    plan = tmp_path / "plan.txt"
    plan.write_text("基本目標1 安心して暮らせるまち\n成果指標\n指標名\t現状値（令和5年度）\t目標値（令和11年度）\n"
                    "防災訓練の参加者数\t1,280人\t2,000人\n", encoding="utf-8")
    out = tmp_path / "out"
    run([str(plan)], out, RunOptions(nlp="none", table_format="both"), log=lambda m: None)
    t = load(out)
    arrow = {"int": "int64", "float": "double", "bool": "bool", "str": "string"}
    pandas = {"int": "Int64", "float": "Float64", "bool": "boolean", "str": "string"}
    for name, cls in ROW_TYPES.items():
        types = column_types(cls)
        schema = pq.read_schema(out / f"{name}.parquet")
        assert [f.name for f in schema] == list(COLUMNS[name])
        assert all(str(schema.field(c).type) == arrow[types[c]] for c in COLUMNS[name]), name
        frame = getattr(t, name)
        assert all(str(frame[c].dtype) == pandas[types[c]] for c in COLUMNS[name]), name


def test_the_document_declares_the_schema_version_it_writes() -> None:
    """The version is written in two places (the constant and the field's Literal, which the
    schema publishes): they must be the same."""
    from typing import get_args, get_type_hints

    from keikaku.model.records import SCHEMA_VERSION
    from keikaku.model.tree import Document

    assert get_args(get_type_hints(Document)["schema_version"]) == (SCHEMA_VERSION,)
    assert Document.__dataclass_fields__["schema_version"].default == SCHEMA_VERSION
