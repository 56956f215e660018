"""``cilo.Results``: W3C SPARQL results JSON and CSV, a terminal table, and a pandas DataFrame."""

from __future__ import annotations

import csv
import io
import json

import pytest

import cilo
from tests.conftest import FIXTURES

CROSS = FIXTURES / "queries" / "cross-level.yaml"


@pytest.fixture(scope="module")
def rows() -> cilo.Results:
    return cilo.query("roles-on-date", CROSS, date="2023-06-01")


def test_json_is_w3c_sparql_results_json(rows: cilo.Results) -> None:
    doc = json.loads(rows.to_json())
    assert doc["head"]["vars"] == list(rows.variables)
    (binding,) = doc["results"]["bindings"]
    assert binding["agent"] == {"type": "uri", "value": "https://example.org/fixture/worker"}
    assert binding["roleLabel"] == {"type": "literal", "value": "Local support", "xml:lang": "en"}
    assert binding["start"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    assert binding["agentLabel"] == {"type": "literal", "value": "Development worker"}
    assert "function" not in binding  # unbound values are left out


def test_csv_has_a_header_and_plain_values(rows: cilo.Results) -> None:
    table = list(csv.reader(io.StringIO(rows.to_csv())))
    assert table[0] == list(rows.variables)
    assert table[1][table[0].index("start")] == "2023-01-01"
    assert table[1][table[0].index("function")] == ""


def test_table_is_readable(rows: cilo.Results) -> None:
    text = rows.to_table()
    assert "Local support" in text and "roleLabel" not in text and text.rstrip().endswith("(1 row)")


def test_dataframe(rows: cilo.Results) -> None:
    frame = rows.to_dataframe()
    assert list(frame.columns) == list(rows.variables)
    assert frame.loc[0, "agent"] == "https://example.org/fixture/worker"
    assert str(frame.loc[0, "start"]) == "2023-01-01"
