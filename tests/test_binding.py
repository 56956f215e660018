"""Parameters as the user wrote the data (cilo.binding): bare ids, and IRIs the data does not hold."""

from __future__ import annotations

from pathlib import Path

import pytest

import cilo
from cilo import DataWarning, QueryError
from cilo.stores import OxigraphStore
from tests.conftest import EXAMPLES, FIXTURES, run_cli

LAKEFORD = FIXTURES / "sources" / "lakeford.yaml"
IRI = "https://example.org/cilo/lakeford"


def test_a_bare_id_binds_the_iri_its_file_made() -> None:
    rows = cilo.query("who-holds-role", LAKEFORD, initiative="lakeford")
    assert len(rows) == 2 and {str(r["initiative"]) for r in rows} == {IRI}
    assert rows.rows == cilo.query("who-holds-role", LAKEFORD, initiative=IRI).rows


def test_a_bare_id_binds_in_a_store_too(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "db")
    store.load([LAKEFORD])
    store.close()
    done = run_cli("query", "who-holds-role", "--store", tmp_path / "db", "--bind", "initiative=lakeford")
    assert done.returncode == 0 and "(2 rows)" in done.stdout, done.stderr


def test_an_id_the_data_does_not_hold_is_an_error_with_the_nearest() -> None:
    with pytest.raises(
        QueryError, match=rf"no IRI in the data ends in 'lakeferd' \(did you mean <{IRI}>\?\)"
    ):
        cilo.query("who-holds-role", LAKEFORD, initiative="lakeferd")


def test_an_id_two_files_made_into_two_iris_asks_for_the_full_one(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("base: https://example.org/other/\nid: lakeford\nlabel: Another\n", encoding="utf-8")
    with pytest.raises(
        QueryError,
        match=r"could be any of <https://example.org/cilo/lakeford>, <https://example.org/other/lakeford>",
    ):
        cilo.query("who-holds-role", [LAKEFORD, other], initiative="lakeford")


def test_no_rows_names_the_bound_iri_the_data_does_not_hold() -> None:
    with pytest.warns(
        DataWarning, match=rf"initiative <{IRI}x> is not in the data \(did you mean <{IRI}>\?\)"
    ):
        assert not cilo.query("who-holds-role", LAKEFORD, initiative=IRI + "x")
    done = run_cli("query", "who-holds-role", LAKEFORD, "--bind", f"initiative={IRI}x")
    assert done.returncode == 0 and "(0 rows)" in done.stdout
    assert done.stderr.startswith(f"cilo: warning: initiative <{IRI}x> is not in the data")


def test_no_rows_with_every_parameter_in_the_data_says_so() -> None:
    done = run_cli(
        "query", "who-holds-role", EXAMPLES / "finnish-ci-model.yaml",
        "--bind", "initiative=soite", "--bind", "role=KnowledgeBroker", "--bind", "level=Regional",
    )  # fmt: skip
    assert done.returncode == 0 and "(0 rows)" in done.stdout
    assert "each parameter is in the data, but no row matches them together" in done.stderr
