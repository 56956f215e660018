"""``cilo.validate``: the shapes, the profiles, the report and its three formats."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.namespace import SH

import cilo
from cilo import CILO, InputError, ShapesError
from tests.conftest import (
    ACCEPTANCE,
    EXAMPLES,
    FIXTURES,
    INPUT,
    SHAPE_FIXTURES,
    assert_query_agrees_with_validation,
    run_cli,
)

CILOSH = "https://w3id.org/cilo/shapes#"
EX = "https://example.org/fixture/"
SHAPE_DIRS = sorted(p for p in SHAPE_FIXTURES.iterdir() if p.is_dir())


def _profile_for(shape: str) -> str:
    return "eight-functions" if shape == "EightFunctionsProfile" else "nine-functions"


def _comparable(report: cilo.ValidationReport) -> list[tuple[str, ...]]:
    """The results of a report, with blank node paths (sh:path lists) made comparable across engines."""
    return sorted(
        (
            str(r.severity),
            str(r.focus_node),
            "_:list" if isinstance(r.result_path, BNode) else str(r.result_path),
            str(r.value),
            str(r.source_shape),
            r.message,
        )
        for r in report.results
    )


def _from_shape(report: cilo.ValidationReport, shape: str) -> list[cilo.ValidationResult]:
    return [r for r in report.results if str(r.source_shape) == CILOSH + shape]


@pytest.mark.parametrize("folder", SHAPE_DIRS, ids=lambda p: p.name)
def test_every_shape_has_a_conforming_and_a_violating_fixture(folder: Path) -> None:
    good = cilo.validate(folder / "conforming.ttl", profile=_profile_for(folder.name))
    assert good.results == [], [r.message for r in good.results]
    assert good.conforms
    bad = cilo.validate(folder / "violating.ttl", profile=_profile_for(folder.name))
    for data, report in ((folder / "conforming.ttl", good), (folder / "violating.ttl", bad)):
        reference = cilo.validate(data, profile=_profile_for(folder.name), engine="pyshacl")
        assert _comparable(report) == _comparable(reference)
    if _profile_for(folder.name) == "nine-functions":
        assert_query_agrees_with_validation(folder / "conforming.ttl", good)
        assert_query_agrees_with_validation(folder / "violating.ttl", bad)
    hits = _from_shape(bad, folder.name)
    assert hits, [(r.source_shape, r.message) for r in bad.results]
    for r in hits:
        assert r.message and "{?" not in r.message and "{$" not in r.message


def test_every_shape_in_the_shape_files_has_fixtures() -> None:
    shapes = Graph()
    for f in (Path(__file__).resolve().parents[1] / "shapes").rglob("*.ttl"):
        shapes.parse(f)
    named = {
        str(s)[len(CILOSH) :]
        for t in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, t)
        if str(s).startswith(CILOSH)
    }
    assert named == {p.name for p in SHAPE_DIRS}


def test_coverage_message_in_plain_words() -> None:
    report = cilo.validate(SHAPE_FIXTURES / "NineFunctionsProfile" / "violating.ttl")
    (r,) = report.violations
    assert r.focus_node == URIRef(EX + "init")
    assert r.value == CILO.Sponsor
    assert r.message == (
        'Initiative "Fixture initiative" has no one performing the Sponsor function; no backbone role '
        "provides it: it is held outside the backbone, by sector directors and political leaders."
    )


def test_coverage_message_names_the_roles_that_would_supply_it() -> None:
    report = cilo.validate(ACCEPTANCE / "bad-level.ttl")
    by_value = {r.value: r.message for r in report.violations if r.focus_node.endswith("/initiative")}
    assert by_value[CILO.Implementer].endswith(
        "has no one performing the Implementer function; "
        "the Local support role (regional backbone) provides it."
    )
    assert by_value[CILO.Champion].endswith(
        "the Bridge builder role (national backbone) or the Cross-sectoral player role "
        "(regional backbone) provides it."
    )


def test_one_violation_per_initiative_and_missing_function() -> None:
    report = cilo.validate(ACCEPTANCE / "bad-level.ttl")
    init = URIRef("https://example.org/acc3/initiative")
    names = {str(f).split("#")[1] for f in report.missing_functions()[init]}
    assert names == {"Catalyst", "Champion", "Facilitator", "Implementer", "Initiator", "Sponsor"}
    coverage = [r for r in report.violations if r.focus_node == init]
    assert len(coverage) == len({r.value for r in coverage}) == 6


def test_coverage_counts_assignments_at_any_level() -> None:
    # bad-level.ttl records a regional role at National level: its functions still count as covered.
    report = cilo.validate(ACCEPTANCE / "bad-level.ttl")
    missing = report.missing_functions()[URIRef("https://example.org/acc3/initiative")]
    assert CILO.MetaGovernor not in missing


def test_eight_functions_profile_does_not_require_the_ninth() -> None:
    path = SHAPE_FIXTURES / "EightFunctionsProfile" / "conforming.ttl"
    assert cilo.validate(path, profile="eight-functions").conforms
    nine = cilo.validate(path)
    assert {r.value for r in nine.violations} == {CILO.InformationAndKnowledgeBroker}


def test_user_shapes_file_replaces_the_profile(tmp_path: Path) -> None:
    own = tmp_path / "sponsor-only.ttl"
    text = (Path(__file__).resolve().parents[1] / "shapes/profiles/nine-functions.ttl").read_text("utf-8")
    text = text.replace("NineFunctionsProfile", "SponsorOnly")
    start = text.index("FILTER (?value IN (")
    end = text.index("))", start)
    own.write_text(text[:start] + "FILTER (?value IN (cilo:Sponsor" + text[end:], encoding="utf-8")
    report = cilo.validate(ACCEPTANCE / "bad-level.ttl", shapes=own)
    coverage = [r for r in report.violations if str(r.source_shape).endswith("SponsorOnly")]
    assert [r.value for r in coverage] == [CILO.Sponsor]
    assert report.profile == "sponsor-only.ttl"


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(ShapesError, match="eight-functions, nine-functions"):
        cilo.validate(ACCEPTANCE / "complete.ttl", profile="ten-functions")


def test_profiles_are_files() -> None:
    assert cilo.profiles() == ["eight-functions", "nine-functions"]


@pytest.mark.parametrize(
    ("fixture", "suggestion"),
    [
        (
            "KnownRoleShape",
            "cilo:FuturesThinkr is not a backbone role that cilo defines. Did you mean cilo:FuturesThinker?",
        ),
        (
            "KnownFunctionShape",
            "cilo:Sponser is not a leadership function that cilo defines. Did you mean cilo:Sponsor?",
        ),
        (
            "KnownLevelShape",
            "cilo:Loccal is not a governance level that cilo defines. Did you mean cilo:Local?",
        ),
    ],
)
def test_misspelt_terms_name_the_nearest_known_term(fixture: str, suggestion: str) -> None:
    report = cilo.validate(SHAPE_FIXTURES / fixture / "violating.ttl")
    assert suggestion in [r.message for r in report.violations]


def test_unknown_cilo_terms_are_reported_with_a_suggestion() -> None:
    report = cilo.validate(SHAPE_FIXTURES / "KnownTermsShape" / "violating.ttl")
    messages = {r.message for r in _from_shape(report, "KnownTermsShape")}
    assert (
        "cilo:Organisation is not a term of the cilo vocabulary. Did you mean cilo:Organization?" in messages
    )
    assert "cilo:levl is not a term of the cilo vocabulary. Did you mean cilo:level?" in messages


def test_level_consistency_names_role_and_level() -> None:
    report = cilo.validate(ACCEPTANCE / "bad-level.ttl")
    (r,) = _from_shape(report, "LevelConsistencyShape")
    assert r.focus_node == URIRef("https://example.org/acc3/r1")
    assert r.value == CILO.National and r.result_path == CILO.level
    assert "Local knowledge gatherer role is a regional backbone role" in r.message


def test_warnings_never_make_a_description_non_conforming() -> None:
    report = cilo.validate(SHAPE_FIXTURES / "BothBackboneLevelsShape" / "violating.ttl")
    assert report.conforms
    (w,) = report.warnings
    assert w.severity == SH.Warning
    assert "Kyösti and Airaksinen (2026" in w.message and "only at the regional level" in w.message


def test_validate_accepts_graph_and_never_modifies_it() -> None:
    data = Graph().parse(ACCEPTANCE / "no-sponsor.ttl")
    before = set(data)
    report = cilo.validate(data)
    assert set(data) == before
    assert not report.conforms
    assert report.missing_functions() == {URIRef("https://example.org/acc2/initiative"): {CILO.Sponsor}}


def test_several_files_are_merged(tmp_path: Path) -> None:
    src = (ACCEPTANCE / "no-sponsor.ttl").read_text(encoding="utf-8")
    sponsor = tmp_path / "sponsor.ttl"
    sponsor.write_text(
        "@prefix cilo: <https://w3id.org/cilo#> . @prefix ex: <https://example.org/acc2/> .\n"
        "ex:mayor a cilo:Person . ex:s a cilo:RoleAssignment ; cilo:agent ex:mayor ; "
        "cilo:performsFunction cilo:Sponsor ; cilo:initiative ex:initiative ; cilo:level cilo:Local .\n",
        encoding="utf-8",
    )
    base = tmp_path / "base.ttl"
    base.write_text(src, encoding="utf-8")
    assert not cilo.validate(base).conforms
    assert cilo.validate([base, sponsor]).conforms


@pytest.mark.parametrize("suffix", ["ttl", "nt", "nq", "trig", "jsonld", "rdf"])
def test_every_rdf_format_gives_the_same_report(suffix: str) -> None:
    reference = cilo.validate(INPUT / "complete.ttl").to_json()
    assert cilo.validate(INPUT / f"complete.{suffix}").to_json() == reference


def test_json_report_has_exactly_the_documented_fields() -> None:
    doc = json.loads(cilo.validate(ACCEPTANCE / "bad-level.ttl").to_json())
    assert set(doc) == {"conforms", "engine", "on", "results"} and doc["conforms"] is False
    assert doc["on"] is None
    assert doc["engine"] == "fast"
    for r in doc["results"]:
        assert set(r) == {
            "severity",
            "focus_node",
            "result_path",
            "value",
            "source_shape",
            "message",
            "constraint_component",
            "source",
            "also",
            "rule",
            "help",
        }
        assert r["help"] == f"docs/rules.md#{r['rule'].lower()}"
        assert r["constraint_component"].startswith("http://www.w3.org/ns/shacl#")
        assert r["severity"].startswith("http://www.w3.org/ns/shacl#")
        assert r["focus_node"].startswith("https://example.org/acc3/")
    coverage = [r for r in doc["results"] if r["value"] == str(CILO.Sponsor)]
    assert coverage[0]["result_path"] is None


def test_turtle_report_is_a_shacl_validation_report() -> None:
    report = cilo.validate(ACCEPTANCE / "no-sponsor.ttl")
    g = Graph().parse(data=report.to_turtle(), format="turtle")
    assert len(list(g.subjects(None, SH.ValidationReport))) == 1
    assert len(list(g.subjects(SH.resultSeverity, SH.Violation))) == 1


def test_text_report_groups_per_initiative_and_ends_with_a_summary() -> None:
    text = cilo.validate(ACCEPTANCE / "bad-level.ttl").to_text()
    lines = text.strip().splitlines()
    assert lines[0].startswith('Initiative "Family services CI, county C (invented)"')
    assert any(
        "Assignment r1 (Development worker, county C as Local knowledge gatherer in Family services CI, "
        "county C (invented))" in ln
        for ln in lines
    )
    assert lines[-1] == (
        "1 initiative checked against profile 'nine-functions': "
        "0 conform, 1 does not; 8 violations, 1 warning."
    )
    assert "https://w3id.org/cilo#" not in text


def test_text_report_says_no_issues_found_when_clean() -> None:
    text = cilo.validate(ACCEPTANCE / "complete.ttl").to_text()
    assert "no issues found" in text.splitlines()[0]


def test_no_initiative_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no cilo:Initiative found"):
        cilo.validate(INPUT / "no-initiative.ttl")


def test_shapes_the_fast_engine_compiles_run_there_and_the_others_on_pyshacl() -> None:
    own = FIXTURES / "engines" / "pattern-shapes.ttl"
    report = cilo.validate(ACCEPTANCE / "complete.ttl", shapes=own)
    assert report.engine == "fast"
    assert [r.message for r in report.violations] == ["An initiative label starts with 'Regional'."]
    mixed = FIXTURES / "engines" / "mixed-shapes.ttl"
    report = cilo.validate(ACCEPTANCE / "complete.ttl", shapes=mixed)
    assert report.engine == "fast+pyshacl"
    assert sorted(r.message for r in report.violations) == [
        "An initiative is named in words (a label of more than 3 characters).",
        "An initiative label starts with 'Regional'.",
    ]
    assert _comparable(report) == _comparable(
        cilo.validate(ACCEPTANCE / "complete.ttl", shapes=mixed, engine="pyshacl")
    )
    with pytest.raises(cilo.ShapesError, match=r"LabelledInitiativeShape.*inner group"):
        cilo.validate(ACCEPTANCE / "complete.ttl", shapes=mixed, engine="fast")


def test_each_file_is_read_once_for_both_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    # one loader: Oxigraph parses the Turtle file, and pySHACL's graph is made from what it read;
    # the YAML file is read once by cilo's reader, whose graph fills the store
    import cilo.loading

    calls: list[str] = []
    real = cilo.loading.parse_data

    def counted(data: bytes, path: object, **kwargs: object) -> object:
        calls.append(Path(str(path)).name)
        return real(data, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cilo.loading, "parse_data", counted)
    mixed = FIXTURES / "engines" / "mixed-shapes.ttl"
    report = cilo.validate([ACCEPTANCE / "complete.ttl", EXAMPLES / "english-ics.yaml"], shapes=mixed)
    assert report.engine == "fast+pyshacl"
    assert calls == ["english-ics.yaml"]


def test_a_shapes_file_edited_in_the_same_process_is_read_again(tmp_path: Path) -> None:
    """The parsed shapes are cached by the files' content, not by their path."""
    text = (Path(__file__).resolve().parents[1] / "shapes/profiles/nine-functions.ttl").read_text("utf-8")
    start = text.index("FILTER (?value IN (")
    end = text.index("))", start)
    own = tmp_path / "mine.ttl"
    for function in ("Sponsor", "Catalyst", "Sponsor"):
        own.write_text(text[:start] + f"FILTER (?value IN (cilo:{function}" + text[end:], encoding="utf-8")
        report = cilo.validate(ACCEPTANCE / "bad-level.ttl", shapes=own)
        coverage = [
            r.value for r in report.violations if str(r.source_shape).endswith("NineFunctionsProfile")
        ]
        assert coverage == [CILO[function]]


def test_one_actor_typed_differently_in_two_files_is_a_violation() -> None:
    clash = FIXTURES / "input" / "clash"
    report = cilo.validate([clash / "one.yaml", clash / "two.yaml"])
    hits = _from_shape(report, "DisjointClassesShape")
    assert [(str(r.focus_node), r.severity) for r in hits] == [
        ("https://example.org/clash/amira", SH.Violation)
    ]
    assert hits[0].message.startswith(
        "Amira Khan is recorded both as Organization and as Person, which the ontology declares disjoint"
    )
    assert not _from_shape(cilo.validate(clash / "one.yaml"), "DisjointClassesShape")
    assert not cilo.reason([clash / "one.yaml", clash / "two.yaml"]).consistent  # the reasoner agrees


def test_every_rule_of_cilo_is_explained_in_docs_rules() -> None:
    from rdflib import Graph
    from rdflib.namespace import RDF, RDFS, SH

    from cilo.resources import base_shapes_files, profile_file, profiles

    rules = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = {line[4:].strip() for line in rules.splitlines() if line.startswith("### ")}
    for file in [*base_shapes_files(), *(profile_file(p) for p in profiles())]:
        g = Graph().parse(data=file.read_text(encoding="utf-8"), format="turtle")
        for kind in (SH.NodeShape, SH.PropertyShape):
            for shape in g.subjects(RDF.type, kind):
                if isinstance(shape, URIRef):
                    name = str(shape).rsplit("#", 1)[-1]
                    assert name in headings, name
                    assert g.value(shape, RDFS.comment), f"{name} explains nothing (rdfs:comment)"
    report = cilo.validate(ACCEPTANCE / "bad-level.ttl")
    assert {r.rule for r in report.results} <= headings


DATED = FIXTURES / "dated" / "sponsors.yaml"


@pytest.mark.parametrize(
    ("day", "missing"),
    [
        (None, set()),  # every assignment ever made counts
        ("2024-12-31", set()),  # the first sponsor's last day
        ("2025-01-15", {CILO.Sponsor}),  # between the two sponsors
        ("2025-03-01", set()),  # the second sponsor's first day
        ("2021-12-31", {CILO.Sponsor}),  # before the first
    ],
)
def test_coverage_on_a_date_counts_the_assignments_in_force_that_day(
    day: str | None, missing: set[URIRef]
) -> None:
    for engine in ("auto", "pyshacl"):
        report = cilo.validate(DATED, on=day, engine=engine)  # type: ignore[arg-type]
        assert set().union(*report.missing_functions().values()) == missing, (day, engine)
        assert report.on == (None if day is None else datetime.date.fromisoformat(day))


def test_the_report_says_the_date() -> None:
    done = run_cli("validate", DATED, "--on", "2025-01-15")
    assert done.returncode == 1
    assert "checked against profile 'nine-functions' as of 2025-01-15: 0 conform" in done.stdout
    doc = json.loads(run_cli("validate", DATED, "--on", "2025-01-15", "--format", "json").stdout)
    assert doc["on"] == "2025-01-15"
    graph = cilo.load(DATED)  # data given as a graph is taken as it stood that day too
    assert not cilo.validate(graph, on=datetime.date(2025, 1, 15)).conforms and cilo.validate(graph).conforms


def test_a_date_that_is_no_date_or_a_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(cilo.UsageError, match="2025-02-30 does not exist"):
        cilo.validate(DATED, on="2025-02-30")
    store = cilo.OxigraphStore(tmp_path / "db")
    store.load([DATED])
    with pytest.raises(cilo.UsageError, match="validating on a date works on files"):
        cilo.validate(store, on="2025-01-15")


THREE_LEVELS = FIXTURES / "programmes" / "three-levels.yaml"


def test_parts_count_their_programmes_assignments_and_programmes_are_not_asked() -> None:
    for engine in ("auto", "pyshacl"):
        report = cilo.validate(THREE_LEVELS, engine=engine)  # type: ignore[arg-type]
        missing = {str(i).rsplit("/", 1)[-1]: v for i, v in report.missing_functions().items()}
        assert missing == {"national": set(), "region": set(), "town": set(), "other-town": {CILO.Sponsor}}
        assert [r.rule for r in report.results] == ["NineFunctionsProfile"], engine
    assert_query_agrees_with_validation(THREE_LEVELS, cilo.validate(THREE_LEVELS))


def test_an_inherited_role_at_the_wrong_level_is_reported_where_it_is_held(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong-level.yaml"
    text = THREE_LEVELS.read_text(encoding="utf-8")
    wrong.write_text(text.replace("role: Evaluator, level: National", "role: Evaluator, level: Regional"))
    report = cilo.validate(wrong)
    (level,) = [r for r in report.results if r.rule == "LevelConsistencyShape"]
    assert level.source is not None and level.source.line == 13  # the programme's own assignment
    assert "Evaluator role is a national backbone role" in level.message


def test_an_inherited_role_at_the_wrong_level_is_reported_under_the_programme_and_the_part() -> None:
    path = FIXTURES / "programmes" / "inherited-wrong-level.yaml"
    report = cilo.validate(path)
    [result] = report.results
    assert result.rule == "LevelConsistencyShape" and result.source is not None and result.source.line == 12
    national, county = (URIRef("https://example.org/wrong-level/" + x) for x in ("national", "county"))
    assert report.context[result.focus_node][1] == (county, national)  # the part counts it as its own
    assert report.missing_functions() == {
        national: set(),
        county: set(),
    }  # it still covers Evaluator's functions
    text = report.to_text()
    assert text.count("[LevelConsistencyShape]") == 2
    assert '  Initiative "County initiative" <https://example.org/wrong-level/county>: 1 violation' in text
    assert text.rstrip().endswith(
        "2 initiatives checked against profile 'nine-functions': 0 conform, 2 do not; 1 violation."
    )


def test_the_text_report_nests_parts_under_their_programme() -> None:
    text = cilo.validate(FIXTURES / "programmes" / "three-levels.yaml").to_text()
    heads = [line for line in text.splitlines() if line.lstrip().startswith("Initiative ")]
    assert [h[: len(h) - len(h.lstrip())] + h.split('"')[1] for h in heads] == [
        "National programme",
        "  Regional initiative",
        "    First town",
        "    Second town",
    ]
    assert "programme of 1 part; no issues found" in heads[0] and "programme of 2 parts" in heads[1]
