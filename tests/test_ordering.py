"""cilo's ORDER BY after an on-disk store has answered (cilo.ordering) against Oxigraph's own."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cilo import ordering
from cilo.catalogue import Query, get
from cilo.oxigraph import rows
from cilo.results import Row
from cilo.stores import OxigraphStore, prepared

DATA = Path(__file__).parent / "fixtures" / "ordering" / "values.trig"
PREFIX = "PREFIX ex: <https://example.org/order/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"


def _split(text: str) -> ordering.Ordering | None:
    return ordering.split(text, prepared(text, "test"))


def test_the_catalogue_query_is_sorted_by_cilo() -> None:
    text = get("who-holds-role").text
    plan = _split(text)
    assert plan is not None
    assert plan.keys == (
        ("initiative", False), ("agent", False), ("role", False), ("level", False), ("inheritedFrom", False),
    )  # fmt: skip
    assert "ORDER" not in plan.text and plan.text.rstrip().endswith("}")


@pytest.mark.parametrize(
    "tail",
    [
        "ORDER BY ?s LIMIT 3",  # which rows survive depends on the order
        "ORDER BY ?s OFFSET 1",
        "ORDER BY STR(?s)",  # an expression
        "ORDER BY (?a)",
        "ORDER BY ?hidden",  # not projected: the rows cannot be sorted by it
        "ORDER BY DESC(?a + 1)",
        "",
        "# ORDER BY ?s",
    ],
)
def test_declines_what_it_cannot_sort_as_oxigraph_would(tail: str) -> None:
    text = PREFIX + f"SELECT ?s ?a WHERE {{ ?s ex:a ?a ; ex:b ?hidden }}\n{tail}\n"
    assert _split(text) is None


def test_a_text_with_code_point_escapes_is_left_to_oxigraph() -> None:
    escaped = PREFIX + "SELECT ?s WHERE { ?s ex:a ?a \\u007D ORDER BY ?s"  # \u007D is a brace
    assert "\\u007D" in escaped and _split(escaped) is None


def test_an_order_by_inside_a_subquery_or_a_string_is_not_the_query_s() -> None:
    inner = PREFIX + 'SELECT ?s WHERE { { SELECT ?s WHERE { ?s ex:a "ORDER BY ?s" } ORDER BY ?s } }'
    assert _split(inner) is None
    outer = PREFIX + "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ex:a ?a } ORDER BY ?a } } ORDER BY DESC($s)"
    plan = _split(outer)
    assert plan is not None and plan.keys == (("s", True),)
    assert plan.text.count("ORDER BY") == 1  # the subquery's stays


def test_a_value_it_does_not_order_makes_it_decline() -> None:
    from rdflib import BNode, Literal, URIRef

    keys = (("a", False),)
    assert ordering.sort([{"a": URIRef("urn:b")}, {"a": Literal("a")}, {"a": None}], keys) == (
        {"a": None},
        {"a": URIRef("urn:b")},
        {"a": Literal("a")},
    )
    for odd in (BNode(), Literal("a", lang="en"), Literal(1)):
        assert ordering.sort([{"a": odd}, {"a": Literal("b")}], keys) is None


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[OxigraphStore, pyoxigraph.Store]:
    """The fixture in a cilo store, and the same database opened again: the reference, Oxigraph sorts."""
    on_disk = OxigraphStore(tmp_path_factory.mktemp("ordering") / "store")
    on_disk.load([DATA])
    return on_disk, pyoxigraph.Store.read_only(str(on_disk.location))


SUBJECTS = [f"ex:s{n}" for n in range(24)]
KEYS = st.lists(
    st.tuples(st.sampled_from(["?s", "?a", "?b"]), st.sampled_from(["{}", "ASC({})", "DESC({})"])),
    min_size=1,
    max_size=3,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    subjects=st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=12, unique=True),
    keys=KEYS,
    distinct=st.sampled_from(["", "DISTINCT ", "REDUCED "]),
)
def test_rows_come_in_the_order_oxigraph_gives(
    stores: tuple[OxigraphStore, pyoxigraph.Store],
    subjects: list[str],
    keys: list[tuple[str, str]],
    distinct: str,
) -> None:
    on_disk, reference = stores
    order = " ".join(form.format(var) for var, form in keys)
    text = (
        PREFIX + f"SELECT {distinct}?s ?a ?b WHERE {{ GRAPH ?g {{ ?s a ex:Thing OPTIONAL {{ ?s ex:a ?a }} "
        f"OPTIONAL {{ ?s ex:b ?b }} }} FILTER(?s IN ({', '.join(subjects)})) }}\nORDER BY {order}\n"
    )
    got = on_disk.select(Query("q", "", text), {})
    event("cilo sorted" if _sorted_by_cilo(got.rows, [v[1:] for v, _ in keys]) else "Oxigraph sorted")
    expected = _reference_rows(reference, text)
    names = [var[1:] for var, _ in keys]
    assert [_key(row, names) for row in got.rows] == [_key(row, names) for row in expected]
    # rows equal in every key may come in any order (SPARQL leaves it open; Oxigraph's sort is unstable)
    assert Counter(map(_frozen, got.rows)) == Counter(map(_frozen, expected))


def _reference_rows(reference: pyoxigraph.Store, text: str) -> tuple[Row, ...]:
    """The rows Oxigraph gives in memory. Its solutions live only here: one held by the test's frame
    stayed in Hypothesis's reference cycles until a collection on another thread dropped it there,
    which pyoxigraph refuses ("unsendable")."""
    solutions = reference.query(text, use_default_graph_as_union=True)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return rows(solutions, ("s", "a", "b"))


def _sorted_by_cilo(found: tuple[Row, ...], names: list[str]) -> bool:
    return ordering.sort(found, tuple((n, False) for n in names)) is not None


def _key(row: Row, names: list[str]) -> tuple[object, ...]:
    return tuple(row.get(name) for name in names)


def _frozen(row: Row) -> frozenset[tuple[str, object]]:
    return frozenset(row.items())
