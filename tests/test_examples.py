"""The bundled examples: YAML originals, their Turtle and CSV twins, and what validation finds in them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import cilo
from cilo.writing import render
from tests.conftest import EXAMPLES, assert_query_agrees_with_validation, run_cli

NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


def test_examples_lists_the_yaml_originals_and_their_twins() -> None:
    assert NAMES == ["english-ics", "finnish-ci-model"]
    assert [e.name for e in cilo.examples()] == [f"{n}.yaml" for n in NAMES]
    assert [e.name for e in cilo.examples("ttl")] == [f"{n}.ttl" for n in NAMES]
    assert [e.name for e in cilo.examples("csv")] == [f"{n}.csv" for n in NAMES]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["ttl", "csv"])
def test_twins_are_what_cilo_convert_writes_now(name: str, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.{fmt}"
    proc = run_cli("convert", EXAMPLES / f"{name}.yaml", "--to", fmt, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == (EXAMPLES / f"{name}.{fmt}").read_text(), "stale twin: run `make examples`"


@pytest.mark.parametrize("name", NAMES)
def test_turtle_twin_is_the_same_graph_and_yaml_round_trips(name: str) -> None:
    original = cilo.load(EXAMPLES / f"{name}.yaml")
    twin = cilo.load(EXAMPLES / f"{name}.ttl")
    assert isomorphic(original, twin)
    yaml_again, _ = render(twin, "yaml")
    from cilo.formats import description

    assert isomorphic(description.read(yaml_again.encode(), "again.yaml"), original)


def _missing(report: cilo.ValidationReport) -> dict[str, set[str]]:
    return {
        str(i).rsplit("/", 1)[1]: {str(f).split("#")[1] for f in fs}
        for i, fs in report.missing_functions().items()
    }


FINNISH = {
    "finnish-ci": set(),  # the national programme: its parts are asked, it is not
    "omahame": set(),
    "soite": {"Sponsor"},
    "pirha": set(),
    "siunsote": {"Sponsor"},
    "pohde": set(),
    "tampere": set(),
    "oulu": set(),
}


# The Turtle twins are the same graphs as the YAML (tested above), so they validate the same.
@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_finnish_example_shows_the_papers_missing_sponsor(fmt: str) -> None:
    report = cilo.validate(EXAMPLES / f"finnish-ci-model.{fmt}")
    assert _missing(report) == FINNISH
    assert_query_agrees_with_validation(EXAMPLES / f"finnish-ci-model.{fmt}", report)
    assert len(report.results) == 2 and not report.warnings


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_english_ics_example_conforms_with_levels_on_every_assignment(fmt: str) -> None:
    path = EXAMPLES / f"english-ics.{fmt}"
    report = cilo.validate(path)
    assert report.conforms and report.results == []
    assert_query_agrees_with_validation(path, report)
    graph = cilo.load(path)
    analytical = {cilo.CILO.Macro, cilo.CILO.Meso, cilo.CILO.Micro}
    for assignment in graph.subjects(cilo.CILO.initiative, None):
        levels = set(graph.objects(assignment, cilo.CILO.level))
        assert len(levels & analytical) == 1 and len(levels - analytical) == 1


def test_finnish_example_carries_table_1() -> None:
    graph = cilo.load(EXAMPLES / "finnish-ci-model.yaml")
    counts = {
        str(i).rsplit("/", 1)[1]: (int(graph.value(i, cilo.CILO.municipalityCount)), int(p))
        for i, p in graph.subject_objects(cilo.CILO.participatingMunicipalityCount)
    }
    assert counts == {
        "omahame": (11, 11),
        "soite": (8, 7),
        "pirha": (23, 4),
        "siunsote": (13, 13),
        "pohde": (30, 30),
    }
