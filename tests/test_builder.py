"""The Python builder (``cilo.Description``): the same graph as a hand-written description, and its errors."""

from __future__ import annotations

import datetime

import pytest
from rdflib import RDF
from rdflib.compare import isomorphic

import cilo
from cilo import Description, TermError
from tests.conftest import FIXTURES


def _complete() -> Description:
    d = Description(base="https://example.org/fixture/")
    init = d.initiative("init", "Fixture initiative", municipalities=8, participating_municipalities=7)
    foundation = d.organization("foundation", "National foundation")
    county = d.organization("county", "Well-being services county")
    worker = d.person("worker", "Development worker", member_of=county)
    director = d.person("director", "Sector director", member_of="county")
    d.assign(foundation, init, role="FuturesThinker", level="National", start="2023-01-01", end="2024-12-31")
    d.assign(foundation, init, role="cilo:KnowledgeBroker", level="National")
    d.assign(worker, init, role="LocalSupport", level="Regional", start=datetime.date(2023, 1, 1))
    d.assign(worker, init, role="CrossSectoralPlayer", level=["Local", "Meso"])
    d.assign(director, init, function="Sponsor", level="Regional", end="2025-06-30")
    return d


def test_builder_gives_the_graph_of_the_hand_written_description() -> None:
    assert isomorphic(_complete().graph, cilo.load(FIXTURES / "describe" / "complete.yaml"))


def test_built_description_validates_and_serialises() -> None:
    d = _complete()
    assert cilo.validate(d.graph).conforms
    assert "cilo:FuturesThinker" in d.serialize("ttl")
    assert "role: FuturesThinker" in d.serialize("yaml")


def test_assignment_ids_are_optional() -> None:
    d = Description()
    node = d.assign("a", "i", role="Evaluator", level="National", id="a1")
    assert str(node) == "https://example.org/cilo/a1"


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"role": "Evaluatr", "level": "National"}, TermError, "did you mean 'Evaluator'?"),
        ({"function": "Sponser", "level": "National"}, TermError, "did you mean 'Sponsor'?"),
        ({"role": "Evaluator", "level": "Nationl"}, TermError, "unknown governance level"),
        ({"level": "National"}, ValueError, "needs a role or a function"),
        ({"role": "Evaluator", "level": []}, ValueError, "at least one level"),
        ({"role": "Evaluator", "level": "National", "start": "1.3.2024"}, ValueError, "YYYY-MM-DD"),
        (
            {"role": "Evaluator", "level": "National", "start": "2024-01-02", "end": "2024-01-01"},
            ValueError,
            "cannot end (2024-01-01) before it starts (2024-01-02)",
        ),
    ],
)
def test_bad_arguments_raise_value_errors_in_words(
    kwargs: dict[str, object], error: type, needle: str
) -> None:
    d = Description()
    with pytest.raises(error) as info:
        d.assign("a", "i", **kwargs)  # type: ignore[arg-type]
    assert needle in str(info.value)
    assert len(d.graph) == 0  # nothing half-added


def test_municipality_counts_must_be_whole_numbers() -> None:
    with pytest.raises(ValueError, match="whole number"):
        Description().initiative("i", municipalities=-1)


def test_the_builder_refuses_to_give_an_id_a_second_kind() -> None:
    d = cilo.Description("https://example.org/b/")
    d.organization("college", "Lakeside College")
    d.organization("college")  # the same kind again is the same node
    with pytest.raises(
        cilo.DescriptionError, match="'college' is already an organization; it cannot also be a person"
    ):
        d.person("college")
    with pytest.raises(cilo.DescriptionError, match="cannot also be an initiative"):
        d.initiative("college")
    assert set(d.graph.objects(d.iri("college"), RDF.type)) == {cilo.CILO.Organization}


def test_an_assignment_may_perform_several_functions() -> None:
    d = Description()
    college = d.organization("college", "Lakeford College")
    node = d.assign(college, d.initiative("lakeford"), function=["Catalyst", "Initiator"], level="Local")
    assert set(d.graph.objects(node, cilo.CILO.performsFunction)) == {cilo.CILO.Catalyst, cilo.CILO.Initiator}


def test_a_description_validates_as_it_is_and_writes_under_every_name_of_a_format() -> None:
    d = Description()
    d.assign(d.person("mira", "Mira Laine"), d.initiative("i", "I"), role="Evaluator", level="National")
    report = cilo.validate(d)
    assert not report.conforms and repr(report).startswith("<ValidationReport conforms=False: 1 initiative, ")
    assert d.serialize() == d.serialize("turtle") == d.serialize("ttl")
    assert d.serialize("ntriples") == d.serialize("nt") and d.serialize("json-ld") == d.serialize("jsonld")


@pytest.mark.parametrize(
    ("start", "words"),
    [("2023-02-30", "February 2023 has 28 days, not 30"), ("2023-13-01", "there is no month 13")],
)
def test_an_impossible_date_is_named_as_such(start: str, words: str) -> None:
    d = Description()
    with pytest.raises(cilo.DescriptionError, match=words):
        d.assign(d.person("a"), d.initiative("i"), role="Evaluator", level="National", start=start)
