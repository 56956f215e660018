"""Reasoning: the rl closure equals owlrl's on everything cilo cares about (property chains
included), coverage is the same with and without it, contradictions are named in words, and
HermiT (dl) runs with the machine's Java or says what to install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import owlrl
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic

import cilo
from cilo.errors import ReasoningError
from cilo.reasoning import reason
from tests.conftest import EXAMPLES, FIXTURES, ROOT

REASONING = FIXTURES / "reasoning"
CILO_NS = "https://w3id.org/cilo#"


def relevant(graph: Graph, subjects: set[object]) -> set[tuple[object, object, object]]:
    """The triples about the data's own nodes with a cilo predicate or a cilo class."""
    return {
        (s, p, o)
        for s, p, o in graph
        if s in subjects and (str(p).startswith(CILO_NS) or (p == RDF.type and str(o).startswith(CILO_NS)))
    }


def owlrl_closure(data: Graph) -> Graph:
    g = Graph()
    g += data
    g += cilo.ontology()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return g


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, ROOT / "benchmarks" / "generate.py", "12", "--out", out], check=True)
    return out / "initiatives-12.ttl"


@pytest.mark.parametrize(
    ("name", "chained"), [("finnish-ci-model.yaml", True), ("english-ics.yaml", False), ("generated", True)]
)
def test_rl_closure_has_the_same_cilo_triples_as_owlrl(name: str, chained: bool, generated: Path) -> None:
    data = cilo.load(generated if name == "generated" else EXAMPLES / name)
    subjects = set(data.subjects())
    ours = reason(data)  # a graph keeps its blank node ids (the examples' assignments are blank)
    assert ours.consistent and ours.inferred > 0
    expected = relevant(owlrl_closure(data), subjects)
    assert relevant(ours.graph, subjects) == expected
    # the chain: the Finnish roles derive functions; the English example names its functions directly
    assert any(p == URIRef(CILO_NS + "performsFunction") for _, p, _ in expected - set(data)) is chained


def test_chains_of_any_length_apply_until_nothing_new_follows() -> None:
    ours = reason(REASONING / "long-chain.ttl").graph
    ex = "https://example.org/chain#"
    assert (URIRef(ex + "a"), URIRef(ex + "grandManager"), URIRef(ex + "d")) in ours
    assert (URIRef(ex + "a"), URIRef(ex + "reach"), URIRef(ex + "e")) in ours
    reference = owlrl_closure(cilo.load(REASONING / "long-chain.ttl"))
    for p in ("grandManager", "reach"):
        prop = URIRef(ex + p)
        assert set(ours.subject_objects(prop)) == set(reference.subject_objects(prop))


def _compiled_and_reference(data: object) -> tuple[set[object], set[object], bool]:
    from cilo import fastrl
    from cilo.ontology import ontology
    from cilo.reasoning import _data, _ontology_closure, rl_closure

    facts = _data(data, None)  # type: ignore[arg-type]
    rules = fastrl.compile_rules(_ontology_closure())
    compiled = fastrl.closure(rules, facts) if fastrl.applies(rules, facts) else set()
    return compiled, set(rl_closure(list(ontology()) + facts)), fastrl.applies(rules, facts)


FACT_FILES = sorted(
    [
        *EXAMPLES.glob("*.yaml"),
        *EXAMPLES.glob("*.ttl"),
        *(FIXTURES / "network").glob("*.yaml"),
        *(FIXTURES / "shapes").glob("*/*.ttl"),
        REASONING / "clash.ttl",
    ]
)


@pytest.mark.parametrize("path", FACT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_compiled_rules_give_reasonables_closure_exactly(path: Path) -> None:
    compiled, reference, applies = _compiled_and_reference(path)
    assert applies
    assert compiled == reference


def test_compiled_rules_match_reasonable_on_generated_initiatives(generated: Path) -> None:
    compiled, reference, applies = _compiled_and_reference(generated)
    assert applies and compiled == reference


@pytest.mark.parametrize("name", ["long-chain.ttl", "same-as.ttl", "two-counts.ttl"])
def test_schema_equality_or_clashing_values_go_to_reasonable(name: str) -> None:
    """Data with its own schema (long-chain: its own property chains), owl:sameAs, or two values
    of a functional property: the compiled rules do not apply, reasonable reasons."""
    data = cilo.load(REASONING / name)  # one parse: the same blank nodes for both
    _, reference, applies = _compiled_and_reference(data)
    assert not applies
    assert set(reason(data).triples) == reference


def test_graph_and_file_give_the_same_closure() -> None:
    path = EXAMPLES / "english-ics.yaml"
    assert isomorphic(reason(cilo.load(path)).graph, reason(path).graph)


@pytest.mark.parametrize(
    "path",
    [
        EXAMPLES / "finnish-ci-model.yaml",
        EXAMPLES / "english-ics.yaml",
        FIXTURES / "shapes" / "NineFunctionsProfile" / "violating.ttl",
    ],
)
def test_coverage_is_the_same_with_and_without_reasoning(path: Path) -> None:
    plain = cilo.validate(path)
    closed = cilo.validate(reason(path).graph)
    assert closed.missing_functions() == plain.missing_functions()
    assert [r.message for r in closed.violations] == [r.message for r in plain.violations]


def test_rl_names_a_person_organization_clash() -> None:
    result = reason(REASONING / "clash.ttl")
    assert not result.consistent
    [problem] = result.problems
    assert problem.label == "Ambiguous agent"
    assert "typed both organization and person" in problem.problem and "disjoint" in problem.problem
    assert result.to_text().startswith("Inconsistent (rl): 1 contradiction.")


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(cilo.UsageError, match="rl, dl"):
        reason(REASONING / "clash.ttl", engine="owl")  # type: ignore[arg-type]


HAS_JAVA = shutil.which("java") is not None


@pytest.mark.parametrize("name", ["finnish-ci-model.yaml", "english-ics.yaml"])
@pytest.mark.java
@pytest.mark.skipif(not HAS_JAVA, reason="no Java runtime on this machine")
def test_dl_examples_are_consistent(name: str) -> None:
    result = reason(EXAMPLES / name, engine="dl")
    assert result.consistent, result.to_text()
    assert result.to_text().startswith("Consistent (dl)")


@pytest.mark.java
@pytest.mark.skipif(not HAS_JAVA, reason="no Java runtime on this machine")
def test_dl_closure_holds_the_functions_hermit_derives_through_the_chain() -> None:
    result = reason(FIXTURES / "shapes" / "NineFunctionsProfile" / "conforming.ttl", engine="dl")
    r1 = URIRef("https://example.org/fixture/r1")  # holds LocalSupport
    derived = {o for s, p, o in result.triples if s == r1 and p == URIRef(CILO_NS + "performsFunction")}
    assert {str(f).rsplit("#")[-1] for f in derived} == {"Facilitator", "MetaGovernor", "Implementer"}


@pytest.mark.java
@pytest.mark.skipif(not HAS_JAVA, reason="no Java runtime on this machine")
def test_dl_reports_the_clash_in_words_not_a_stack_trace() -> None:
    result = reason(REASONING / "clash.ttl", engine="dl")
    assert not result.consistent
    assert [p.label for p in result.problems] == ["Ambiguous agent"]
    assert "Exception" not in result.to_text() and "at org." not in result.to_text()


def test_missing_java_names_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "java-that-is-not-there")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("java") is None
    with pytest.raises(ReasoningError, match=r"needs Java 8 or later.*install a Java runtime"):
        reason(REASONING / "clash.ttl", engine="dl")


@pytest.mark.java
@pytest.mark.skipif(not HAS_JAVA, reason="no Java runtime on this machine")
def test_owlready2_settings_are_as_they_were_after_hermit(monkeypatch: pytest.MonkeyPatch) -> None:
    """owlready2 keeps its Java and subprocess options in module globals: cilo sets them for its run only."""
    import owlready2
    from owlready2 import reasoning as owlready_reasoning

    monkeypatch.setattr(owlready2, "JAVA_EXE", "java")  # a user's own choice, found on PATH
    monkeypatch.setattr(owlready_reasoning, "_subprocess_kargs", {"close_fds": True})
    assert reason(REASONING / "clash.ttl", engine="dl").consistent is False
    with cilo.limits(reasoner_seconds=0.2), pytest.raises(ReasoningError, match=r"stopped after 0\.2 s"):
        reason(EXAMPLES / "finnish-ci-model.yaml", engine="dl")
    assert owlready2.JAVA_EXE == "java"
    assert owlready_reasoning._subprocess_kargs == {"close_fds": True}


def test_the_collector_is_running_again_after_reasoning() -> None:
    import gc

    assert gc.isenabled()
    reason(REASONING / "clash.ttl")
    assert gc.isenabled()
