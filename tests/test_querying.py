"""``cilo.query`` / ``cilo.sparql`` over the bundled examples and fixtures: hand-checked answers."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

import cilo
from cilo import CILO, QueryError
from tests.conftest import EXAMPLES, FIXTURES

FI = "https://example.org/finnish-ci/"
EX = "https://example.org/fixture/"
CROSS = FIXTURES / "queries" / "cross-level.yaml"


@pytest.fixture(scope="module")
def finnish() -> cilo.MemoryStore:
    return cilo.MemoryStore(EXAMPLES / "finnish-ci-model.yaml")


def _column(results: cilo.Results, var: str) -> list[str]:
    return [str(row[var]) for row in results]


def test_who_holds_role_evaluator(finnish: cilo.MemoryStore) -> None:
    rows = cilo.query("who-holds-role", finnish, role="Evaluator")
    assert set(_column(rows, "agent")) == {FI + "itla"}
    assert len(rows) == 1 + 7 and set(_column(rows, "level")) == {str(CILO.National)}
    # held in the national programme, and inherited by each of its seven parts
    own = [r for r in rows if r["inheritedFrom"] is None]
    assert [str(r["initiative"]) for r in own] == [FI + "finnish-ci"]
    assert {str(r["inheritedFrom"]) for r in rows if r not in own} == {FI + "finnish-ci"}
    one = cilo.query("who-holds-role", finnish, role="cilo:Evaluator", initiative=FI + "soite")
    assert len(one) == 1 and one[0]["roleLabel"] == Literal("Evaluator", lang="en")
    assert one[0]["inheritedFromLabel"] == Literal("The Finnish CI model (national programme)")


def test_who_holds_role_without_parameters_lists_every_role_assignment(finnish: cilo.MemoryStore) -> None:
    # nine roles in each of seven parts (five of them inherited), and the programme's own five
    rows = cilo.query("who-holds-role", finnish)
    assert len(rows) == 7 * 9 + 5
    assert sum(1 for r in rows if r["inheritedFrom"] is not None) == 7 * 5


def test_who_holds_role_follows_a_three_level_nesting() -> None:
    rows = cilo.query("who-holds-role", FIXTURES / "programmes" / "three-levels.yaml")
    town = "https://example.org/programme/town"
    held = {
        (str(r["role"]).split("#")[1], str(r["inheritedFrom"]).rsplit("/", 1)[1])
        for r in rows
        if str(r["initiative"]) == town
    }
    # the region's two roles and the programme's five, two and one levels up; the sponsor is a function
    assert held == {
        ("LocalSupport", "region"), ("CrossSectoralPlayer", "region"), ("FuturesThinker", "national"),
        ("BridgeBuilder", "national"), ("Evaluator", "national"), ("ImplementationSupporter", "national"),
        ("KnowledgeBroker", "national"),
    }  # fmt: skip


def test_programme_tree_gives_depth_programme_and_parts() -> None:
    rows = cilo.query("programme-tree", FIXTURES / "programmes" / "three-levels.yaml")
    tree = {
        str(r["initiative"]).rsplit("/", 1)[1]: (
            None if r["programme"] is None else str(r["programme"]).rsplit("/", 1)[1],
            int(r["depth"]),
            int(r["parts"]),
        )
        for r in rows
    }
    assert tree == {
        "national": (None, 0, 1),
        "region": ("national", 1, 2),
        "town": ("region", 2, 0),
        "other-town": ("region", 2, 0),
    }
    assert [int(r["depth"]) for r in rows] == [0, 1, 2, 2]  # roots first


def test_shared_functions_over_the_ontology_alone_are_the_papers_four_and_the_ninth() -> None:
    rows = cilo.query("shared-functions", Graph())
    assert {str(f).split("#")[1] for f in _column(rows, "function")} == {
        "Champion",
        "Facilitator",
        "BoundarySpanner",
        "MetaGovernor",
        "InformationAndKnowledgeBroker",
    }
    assert all(row["initiative"] is None for row in rows)


def test_missing_functions_of_the_finnish_example(finnish: cilo.MemoryStore) -> None:
    rows = cilo.query("missing-functions", finnish)
    assert [(str(r["initiative"]), r["function"]) for r in rows] == [
        (FI + "siunsote", CILO.Sponsor),
        (FI + "soite", CILO.Sponsor),
    ]


def test_coverage_matrix_counts_holders(finnish: cilo.MemoryStore) -> None:
    rows = cilo.query("coverage-matrix", finnish, initiative=FI + "soite")
    by_function: dict[str, list[str]] = {}
    for row in rows:
        assert int(row["holders"]) == len(
            [r for r in rows if r["function"] == row["function"] and r["holder"]]
        )
        by_function.setdefault(str(row["function"]).split("#")[1], []).append(str(row["holderLabel"] or ""))
    assert len(by_function) == 9
    assert by_function["Sponsor"] == [""]
    assert by_function["Implementer"] == ["Development worker, Soite"]


def test_functions_by_level(finnish: cilo.MemoryStore) -> None:
    rows = cilo.query("functions-by-level", finnish, initiative=FI + "tampere", level="Local")
    assert {str(f).split("#")[1] for f in _column(rows, "function")} == {
        "BoundarySpanner",
        "Champion",
        "Facilitator",
        "Implementer",
        "InformationAndKnowledgeBroker",
        "MetaGovernor",
        "Sponsor",
    }


def test_sponsors_and_whether_they_hold_a_backbone_role() -> None:
    rows = cilo.query("sponsors", CROSS)
    assert [(str(r["agent"]), r["alsoBackboneRole"].toPython()) for r in rows] == [(EX + "director", True)]
    fi = cilo.query("sponsors", EXAMPLES / "finnish-ci-model.yaml")
    assert len(fi) == 5 and not any(r["alsoBackboneRole"].toPython() for r in fi)


def test_actors_across_levels_keeps_each_scale_apart() -> None:
    rows = cilo.query("actors-across-levels", CROSS)
    assert [(str(r["agent"]), str(r["level"]).split("#")[1]) for r in rows] == [
        (EX + "worker", "Local"),
        (EX + "worker", "Regional"),
    ]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2023-06-01", {"LocalSupport"}),
        ("2023-12-31", {"LocalSupport"}),
        ("2024-06-01", {"CrossSectoralPlayer"}),
        ("2022-06-01", set()),
    ],
)
def test_roles_on_date(date: str, expected: set[str]) -> None:
    rows = cilo.query("roles-on-date", CROSS, date=date)
    assert {str(r["role"]).split("#")[1] for r in rows} == expected


def test_table3_from_the_ontology() -> None:
    rows = cilo.query("table3", Graph())
    assert len(rows) == 17  # the role -> function pairs of Table 3
    assert {"role", "roleLabel", "level", "function", "functionLabel"} == set(rows.variables)


def test_ad_hoc_queries_from_a_file_and_from_text() -> None:
    rows = cilo.query(FIXTURES / "queries" / "adhoc.rq", CROSS, initiative=EX + "init")
    assert _column(rows, "agent") == [EX + "director", EX + "foundation", EX + "worker"]
    text = "PREFIX cilo: <https://w3id.org/cilo#> SELECT ?a WHERE { ?a cilo:role ?role }"
    assert len(cilo.sparql(text, CROSS, role="InformationBroker")) == 1
    assert cilo.sparql(text, CROSS, role=URIRef(str(CILO.FuturesThinker)))[0]["a"] is not None


def test_malformed_sparql_names_line_and_column() -> None:
    with pytest.raises(QueryError, match=r"malformed\.rq, line 4, column \d+: SPARQL syntax error"):
        cilo.query(FIXTURES / "queries" / "malformed.rq", CROSS)
    with pytest.raises(QueryError, match="only SELECT queries"):
        cilo.sparql("CONSTRUCT WHERE { ?s ?p ?o }", CROSS)


def test_rdflib_graph_loading_is_as_it_was_after_a_query() -> None:
    """FROM never loads a graph while cilo runs a query; rdflib's own setting is left as it was."""
    import rdflib.plugins.sparql as rdflib_sparql

    before = rdflib_sparql.SPARQL_LOAD_GRAPHS
    assert len(cilo.query("table3", CROSS)) > 0
    assert rdflib_sparql.SPARQL_LOAD_GRAPHS is before
