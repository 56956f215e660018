"""The query catalogue (``queries/*.rq``): headers, parameters, and values turned into RDF terms."""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal, URIRef

import cilo
from cilo import CILO, QueryError
from cilo.catalogue import KINDS, get, parse
from tests.conftest import EXAMPLES, ROOT

NAMES = [
    "actors-across-levels",
    "assignment-periods",
    "assignments",
    "coverage-matrix",
    "functions-by-level",
    "inconsistencies",
    "missing-functions",
    "programme-tree",
    "roles-on-date",
    "shared-functions",
    "sponsors",
    "table3",
    "who-holds-role",
]


def test_catalogue_lists_every_query_file_by_its_header_name() -> None:
    assert [q.name for q in cilo.queries()] == NAMES
    assert sorted(p.stem for p in (ROOT / "queries").glob("*.rq")) == NAMES
    for q in cilo.queries():
        assert q.description and len(q.description.splitlines()) == 1
        assert all(p.kind in KINDS for p in q.parameters)


def test_who_holds_role_has_four_optional_parameters() -> None:
    q = get("who-holds-role")
    assert [(p.name, p.kind, p.optional) for p in q.parameters] == [
        ("role", "role", True),
        ("agent", "iri", True),
        ("initiative", "iri", True),
        ("level", "level", True),
    ]


def test_values_become_rdf_terms() -> None:
    q = get("who-holds-role")
    assert q.bindings({"role": "Evaluator", "level": "cilo:National", "agent": "https://e.org/a"}) == {
        "role": CILO.Evaluator,
        "level": CILO.National,
        "agent": URIRef("https://e.org/a"),
    }
    assert get("roles-on-date").bindings({"date": "2024-06-01"}) == {
        "date": Literal("2024-06-01", datatype=XSD.date)
    }


@pytest.mark.parametrize(
    ("name", "values", "needle"),
    [
        ("who-holds-role", {"rol": "Evaluator"}, "no parameter 'rol' (did you mean 'role'?)"),
        ("who-holds-role", {"role": "Evaluatr"}, "parameter 'role': unknown backbone role 'Evaluatr'"),
        ("who-holds-role", {"agent": "not an iri"}, "parameter 'agent':"),
        ("who-holds-role", {"agent": "itla"}, "is not an IRI, a prefixed name or the name of a cilo term"),
        ("roles-on-date", {}, "needs the parameter(s) date"),
        ("roles-on-date", {"date": "June 2024"}, "YYYY-MM-DD"),
        ("table3", {"role": "Evaluator"}, "its parameters: none"),
    ],
)
def test_bad_parameters_are_errors_in_words(name: str, values: dict[str, str], needle: str) -> None:
    with pytest.raises(QueryError) as info:
        get(name).bindings(values)
    assert needle in str(info.value)


def test_unknown_query_lists_the_known_ones() -> None:
    with pytest.raises(
        QueryError, match=r"unknown query 'who-holds-roles' \(did you mean 'who-holds-role'\?\)"
    ):
        get("who-holds-roles")


def test_a_bad_parameter_header_is_reported() -> None:
    with pytest.raises(QueryError, match=r"mine\.rq: cannot read the parameter 'x \(colour\)'"):
        parse("# parameters: x (colour)\nSELECT * {}", "mine.rq")


def test_unordered_drops_only_a_closing_order_by_of_variables() -> None:
    """What ``facts`` asks Oxigraph (and orders itself): the same query without its sort."""
    periods = get("assignment-periods")
    assert "ORDER BY" in periods.text and "ORDER BY" not in periods.unordered()
    assert periods.unordered().rstrip() == periods.text[: periods.text.rindex("}") + 1]
    kept = [
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1",  # which row comes depends on the order
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY DESC(?s)",
        "SELECT ?s WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s # a comment",
    ]
    for text in kept:
        assert parse(text, "test").unordered() == text
    graph = cilo.load(EXAMPLES / "finnish-ci-model.yaml")
    ordered = list(graph.query(periods.text))
    assert sorted(map(tuple, graph.query(periods.unordered())), key=str) == sorted(
        map(tuple, ordered), key=str
    )
