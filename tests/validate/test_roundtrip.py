"""Property: any valid label written to CSV, XLSX or JSON reads back as the same label."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.labels import LABEL_TYPES, LabelSpec
from pipeline.validate import check_rows
from pipeline.validate.fields import FIELDS
from tests.sheets import write_xlsx

# Printable text in any script; no control characters, no surrounding white space.
TEXT = (
    st.text(
        st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85\xa0"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
NUMBER = st.one_of(st.integers(0, 1000), st.decimals(0, 1000, places=2).map(float))
PROJECT = st.none() | st.uuids().map(str)


@st.composite
def settings_for(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    if kind == "text":
        low = draw(st.integers(0, 100))
        return {
            "placeholder": draw(st.just("") | TEXT),
            "min_length": low,
            "max_length": draw(st.integers(low + 1, 5000)),
        }
    if kind == "numeric":
        bottom = draw(NUMBER)
        # Rounded as a person types it: Excel keeps 15 significant digits, not 17.
        return {
            "min": bottom,
            "max": round(bottom + draw(st.integers(1, 50)), 2),
            "step_size": draw(st.sampled_from([1, 0.5, 0.25, 2])),
            "display_type": draw(st.sampled_from(["slider", "button"])),
        }
    if kind == "categorical":
        labels = draw(st.lists(TEXT, min_size=2, max_size=5, unique_by=str.casefold))
        return {
            "options": [{"label": label, "value": draw(TEXT)} for label in labels],
            "multi_choice": draw(st.booleans()),
            "rule_prompt": draw(st.just("") | TEXT),
            "auto_annotate": draw(st.booleans()),
            "strategy": draw(st.sampled_from([None, "Rag"])),
        }
    if kind == "star":
        return {"no_of_stars": draw(st.integers(1, 10))}
    return {}


@st.composite
def labels(draw: st.DrawFn) -> list[LabelSpec]:
    count = draw(st.integers(1, 4))
    names = draw(st.lists(TEXT, min_size=count, max_size=count, unique_by=str.casefold))
    result = []
    for name in names:
        kind = draw(st.sampled_from(LABEL_TYPES))
        data = {
            "name": name,
            "type": kind,
            "settings": draw(settings_for(kind)),
            "description": draw(st.none() | TEXT),
            "project": draw(PROJECT),
            "allow_notes": draw(st.booleans()),
        }
        result.append(LabelSpec.parse(data))
    return result


def sheet_row(label: LabelSpec) -> dict[str, Any]:
    """The label as flat columns, with native Python values (bool, number, str)."""
    body = label.payload()
    row: dict[str, Any] = {k: body.get(k) for k in ("name", "type", "description", "project")}
    row["allow_notes"] = body["allow_notes"]
    for key, value in body["settings"].items():
        row[key] = json.dumps(value, ensure_ascii=False) if key == "options" else value
    return row


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_back(path: Path) -> list[LabelSpec | None]:
    return [checked.label for checked in check_rows(path)]


FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(labels())
def test_csv_round_trip(tmp_path: Path, written: list[LabelSpec]) -> None:
    path = tmp_path / "labels.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=FIELDS)
        writer.writeheader()
        for label in written:
            writer.writerow({k: as_text(v) for k, v in sheet_row(label).items()})
    assert read_back(path) == written


@FAST
@given(labels())
def test_xlsx_round_trip(tmp_path: Path, written: list[LabelSpec]) -> None:
    rows = [[sheet_row(label).get(column) for column in FIELDS] for label in written]
    path = write_xlsx(tmp_path / "labels.xlsx", {"Labels": [list(FIELDS), *rows]})
    assert read_back(path) == written


@FAST
@given(labels())
def test_json_round_trip(tmp_path: Path, written: list[LabelSpec]) -> None:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"labels": [label.payload() for label in written]}))
    assert read_back(path) == written
