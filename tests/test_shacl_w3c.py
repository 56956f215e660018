"""The W3C SHACL test suite (98 core + 22 SPARQL tests, vendored in tests/fixtures/w3c-shacl/) through
``cilo.shacl.validate``: at least 119 right (pySHACL: 118), at least 107 run wholly on the fast
engine, and none of those wrong.

Results are compared as the suite's own runners do: per result (focus node, result path, value, source
shape, severity), any blank node matching any blank node, messages ignored, plus ``sh:conforms``; an
``sht:Failure`` test expects a :class:`cilo.ShapesError`. Files are read with literals as written
(rdflib would otherwise rewrite ``"1"^^xsd:boolean`` as ``"true"``, which the suite tells apart).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

import cilo
from cilo import shacl
from cilo.shacl import engine
from tests.conftest import FIXTURES, on_disk

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SUITE = FIXTURES / "w3c-shacl"


@contextlib.contextmanager
def _as_written() -> Iterator[None]:
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.disable(logging.CRITICAL)
            yield
    finally:
        logging.disable(logging.NOTSET)
        rdflib.NORMALIZE_LITERALS = saved


def _parse(path: Path) -> Graph:
    with _as_written():
        return Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())


def _file(iri: object) -> Path:
    return Path(str(iri)[len("file://") :].split("#")[0])


def _collect(manifest: Path, out: list[dict[str, Any]]) -> None:
    g = _parse(manifest)
    me = URIRef(manifest.resolve().as_uri())
    for included in sorted(g.objects(me, MF.include), key=str):
        _collect(_file(included), out)
    for entries in g.objects(me, MF.entries):
        for test in Collection(g, entries):
            if (test, RDF.type, SHT.Validate) not in g:
                continue
            action = g.value(test, MF.action)
            out.append(
                {
                    "name": str(test).replace(SUITE.resolve().as_uri() + "/", ""),
                    "manifest": g,
                    "data": _file(g.value(action, SHT.dataGraph)),
                    "shapes": _file(g.value(action, SHT.shapesGraph)),
                    "result": g.value(test, MF.result),
                }
            )


TESTS: list[dict[str, Any]] = []
_collect(SUITE / "manifest.ttl", TESTS)


def _key(result: tuple[object, ...]) -> tuple[object, ...]:
    return tuple("_:" if isinstance(t, BNode) else t for t in result)


def _expected(test: dict[str, Any]) -> tuple[bool | str, Counter[tuple[object, ...]]]:
    g, report = test["manifest"], test["result"]
    if report == SHT.Failure:
        return "failure", Counter()
    conforms = g.value(report, SH.conforms)
    results = {
        (
            g.value(r, SH.focusNode),
            g.value(r, SH.resultPath),
            g.value(r, SH.value),
            g.value(r, SH.sourceShape),
            g.value(r, SH.resultSeverity),
        )
        for r in g.objects(report, SH.result)
    }
    assert isinstance(conforms, Literal)
    return bool(conforms.toPython()), Counter(_key(r) for r in results)


def run(test: dict[str, Any]) -> tuple[bool, str]:
    """(right?, engine) for one test of the suite."""
    expected, results = _expected(test)
    try:
        report = shacl.validate(_parse(test["data"]), _parse(test["shapes"]))
    except cilo.ShapesError:
        return expected == "failure", "refused"
    found = {(r.focus_node, r.result_path, r.value, r.source_shape, r.severity) for r in report.results}
    got = Counter(_key(r) for r in found)
    return expected == report.conforms and got == results, report.engine


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[bool, str]]:
    return {t["name"]: run(t) for t in TESTS}


def test_the_suite_is_all_there() -> None:
    assert len(TESTS) == 120
    assert sum(t["name"].startswith("core/") for t in TESTS) == 98
    assert (SUITE / "README.md").read_text(encoding="utf-8").count("W3C Software and Document License") == 1


def test_at_least_119_right(outcomes: dict[str, tuple[bool, str]]) -> None:
    wrong = sorted(name for name, (right, _) in outcomes.items() if not right)
    print(f"right: {120 - len(wrong)} of 120; wrong: {wrong}")
    assert len(wrong) <= 1, wrong  # pySHACL gets 118 right


def test_at_least_107_run_on_the_fast_engine_and_none_of_those_wrong(
    outcomes: dict[str, tuple[bool, str]],
) -> None:
    fast = {name: right for name, (right, engine) in outcomes.items() if engine == "fast"}
    print(f"run wholly on the fast engine: {len(fast)} of 120")
    assert len(fast) >= 107  # the issue asked for 100; 103 before the SPARQL-based components
    assert [name for name, right in fast.items() if not right] == []


@pytest.mark.parametrize(
    "name", ["sparql/pre-binding/unsupported-sparql-001", "sparql/pre-binding/unsupported-sparql-003"]
)
def test_forbidden_sparql_is_refused_naming_shape_and_construct(name: str) -> None:
    (test,) = [t for t in TESTS if t["name"] == name]
    with pytest.raises(cilo.ShapesError, match=r"TestShape: (MINUS|SERVICE) is not allowed"):
        shacl.validate(_parse(test["data"]), _parse(test["shapes"]), engine="fast")


def test_the_sparql_based_constraint_components_run_on_the_fast_engine_and_are_right(
    outcomes: dict[str, tuple[bool, str]],
) -> None:
    components = {name: o for name, o in outcomes.items() if name.startswith("sparql/component/")}
    assert len(components) == 3  # the suite's manifest leaves its nodeValidator-001 out
    assert components == dict.fromkeys(components, (True, "fast"))
    # $shapesGraph: pySHACL does not support it; cilo's fast engine does
    assert outcomes["sparql/pre-binding/shapesGraph-001"] == (True, "fast")


def test_the_queries_compiled_for_data_on_disk_give_what_those_for_memory_give(
    outcomes: dict[str, tuple[bool, str]],
) -> None:
    compared = 0
    for test in TESTS:
        if outcomes[test["name"]][1] != "fast":
            continue
        data, shapes = _parse(test["data"]), _parse(test["shapes"])
        in_memory = engine.run(engine.Data(graphs=[data]), shapes, "fast").results
        try:
            stored = engine.run(on_disk(data), shapes, "fast").results
        except cilo.ShapesError:  # counting matches or reading $shapesGraph: refused on disk
            continue
        assert Counter(map(_result_key, stored)) == Counter(map(_result_key, in_memory)), test["name"]
        compared += 1
    assert compared >= 100


def _result_key(r: Any) -> tuple[object, ...]:
    return _key((r.focus_node, r.result_path, r.value, r.source_shape, r.severity, r.constraint_component))
