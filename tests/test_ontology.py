"""The ontology: parses, is consistent under HermiT, encodes Table 3 exactly and passes quality checks."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, URIRef

import cilo
from cilo import CILO, vocabulary
from tests.conftest import FIXTURES, ROOT

QUALITY = Path(__file__).resolve().parent / "quality"


def test_ontology_parses_and_is_cached() -> None:
    g = cilo.ontology()
    assert len(g) > 500
    assert cilo.ontology() is g
    assert (URIRef("https://w3id.org/cilo"), RDF.type, OWL.Ontology) in g


def test_bundled_ontology_is_the_repository_file() -> None:
    repo = Graph().parse(ROOT / "ontology" / "cilo.ttl")
    assert len(repo) == len(cilo.ontology())


def test_version_is_the_ontology_version_info() -> None:
    info = cilo.ontology().value(URIRef("https://w3id.org/cilo"), OWL.versionInfo)
    assert cilo.__version__ == str(info)
    iri = cilo.ontology().value(URIRef("https://w3id.org/cilo"), OWL.versionIRI)
    assert str(iri).endswith("/" + cilo.__version__)


def test_table3_exact() -> None:
    with (FIXTURES / "table3.csv").open(encoding="utf-8") as f:
        expected = {(r["role"], r["level"], frozenset(r["functions"].split())) for r in csv.DictReader(f)}
    g = cilo.ontology()
    found = set()
    for role in g.subjects(CILO.representsFunction, None):
        level = "National" if (role, RDF.type, CILO.NationalBackboneRole) in g else "Regional"
        fns = frozenset(str(f).split("#")[1] for f in g.objects(role, CILO.representsFunction))
        found.add((str(role).split("#")[1], level, fns))
    assert found == expected
    roles = {str(r).split("#")[1] for r in vocabulary.roles()}
    assert roles == {row[0] for row in expected}


def test_no_backbone_role_represents_sponsor() -> None:
    assert not list(cilo.ontology().subjects(CILO.representsFunction, CILO.Sponsor))


def test_established_and_proposed_functions() -> None:
    from rdflib.namespace import SKOS

    g = cilo.ontology()
    established = set(g.objects(CILO.EstablishedFunctions, SKOS.member))
    assert len(established) == 8
    assert CILO.InformationAndKnowledgeBroker not in established
    assert (CILO.EstablishedFunctions, RDF.type, SKOS.Collection) in g
    note = str(g.value(CILO.InformationAndKnowledgeBroker, SKOS.scopeNote))
    assert "Proposed" in note and "ninth" in note


def _function_levels() -> dict[str, tuple[bool, bool]]:
    query = (FIXTURES / "function-levels.rq").read_text(encoding="utf-8")
    return {
        str(row.function).split("#")[1]: (row.national.toPython(), row.regional.toPython())  # type: ignore[union-attr]
        for row in cilo.ontology().query(query)
    }


def test_paper_findings_hold_as_sparql() -> None:
    levels = _function_levels()
    established = {str(f).split("#")[1] for f in vocabulary.established_functions()}
    in_backbone = {f for f, (n, r) in levels.items() if n or r}
    # Seven of the eight established functions appear in backbone roles: all but Sponsor.
    assert established - in_backbone == {"Sponsor"}
    both = {f for f, (n, r) in levels.items() if n and r}
    assert both == {
        "Champion",
        "Facilitator",
        "BoundarySpanner",
        "MetaGovernor",
        "InformationAndKnowledgeBroker",
    }
    assert {f for f, (n, r) in levels.items() if n and not r} == {"Initiator", "Catalyst"}
    assert {f for f, (n, r) in levels.items() if r and not n} == {"Implementer"}


@pytest.mark.parametrize("check", sorted(QUALITY.glob("*.rq")), ids=lambda p: p.stem)
def test_quality(check: Path) -> None:
    rows = list(cilo.ontology().query(check.read_text(encoding="utf-8")))
    assert rows == [], f"{check.name}: {[tuple(map(str, r)) for r in rows]}"  # type: ignore[arg-type]


def test_roles_functions_levels_are_skos_concepts_and_named_individuals() -> None:
    from rdflib.namespace import SKOS

    g = cilo.ontology()
    individuals = vocabulary.functions() + vocabulary.roles() + vocabulary.levels()
    assert len(individuals) == 9 + 9 + 6
    for term in individuals:
        assert (term, RDF.type, SKOS.Concept) in g
        assert (term, RDF.type, OWL.NamedIndividual) in g
        assert (term, RDF.type, OWL.Class) not in g  # no punning
        assert g.value(term, SKOS.inScheme) is not None


def test_sources_are_the_two_papers_by_doi() -> None:
    g = cilo.ontology()
    sources = {str(s) for s in g.objects(None, URIRef("http://purl.org/dc/terms/source"))}
    assert sources == {
        "https://doi.org/10.1108/IJPL-11-2025-0194",
        "https://doi.org/10.1080/14697017.2023.2261126",
    }


@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime on this machine")
def test_consistent_under_hermit_and_chain_derives_performs_function(tmp_path: Path) -> None:
    import owlready2

    data = Graph()
    data += cilo.ontology()
    data.parse(FIXTURES / "shapes" / "NineFunctionsProfile" / "conforming.ttl")
    path = tmp_path / "merged.nt"
    data.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)  # raises if inconsistent
    r1 = world["https://example.org/fixture/r1"]  # holds cilo:LocalSupport
    derived = {f.iri for f in r1.performsFunction}
    assert derived == {str(CILO.Facilitator), str(CILO.MetaGovernor), str(CILO.Implementer)}


@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime on this machine")
def test_hermit_finds_person_organization_clash(tmp_path: Path) -> None:
    import owlready2

    data = Graph()
    data += cilo.ontology()
    data.add((URIRef("https://example.org/x"), RDF.type, CILO.Person))
    data.add((URIRef("https://example.org/x"), RDF.type, CILO.Organization))
    path = tmp_path / "clash.nt"
    data.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto, pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        owlready2.sync_reasoner_hermit(world, debug=0)


def test_the_shared_ontology_cannot_be_changed_by_a_caller() -> None:
    from rdflib import Graph, Literal, URIRef

    onto = cilo.ontology()
    size = len(onto)
    triple = (URIRef("https://example.org/x"), URIRef("https://example.org/p"), Literal("y"))
    for change in (
        lambda: onto.add(triple),
        lambda: onto.addN([(*triple, onto)]),
        lambda: onto.remove((None, None, None)),
        lambda: onto.parse(data="<https://e.org/a> <https://e.org/b> <https://e.org/c> .", format="nt"),
        lambda: onto.__iadd__(Graph()),
        lambda: onto.set(triple),
    ):
        with pytest.raises(cilo.UsageError, match="read-only"):
            change()
    assert len(cilo.ontology()) == size and cilo.ontology() is onto
    copy = Graph()
    copy += onto  # the way to a graph of one's own
    copy.add(triple)
    assert len(copy) == size + 1 and len(cilo.ontology()) == size
