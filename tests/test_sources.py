"""Where each node was written (cilo.sources), and validation results that point there."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef

import cilo
from cilo import sources
from cilo.sources import Location, scan
from tests.conftest import EXAMPLES, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
EX = "https://example.org/src/"


def _scan(name: str) -> tuple[dict[str, int], dict[str, int], list[tuple[int, frozenset[str]]]]:
    path = FIXTURES / name
    text, base = path.read_text(encoding="utf-8"), path.resolve().as_uri()
    quick, found = scan(text, base), scan(text, base, mentions=True)
    assert (quick.subjects, quick.anonymous) == (found.subjects, found.anonymous)  # both ways agree
    return found.subjects, found.mentions, found.anonymous


def test_turtle_subjects_are_found_on_their_lines_and_nothing_in_strings_or_comments() -> None:
    subjects, mentions, anonymous = _scan("tricky.ttl")
    assert subjects == {
        EX + "first": 8,
        "https://example.org/base/relative": 14,
        EX + "objectonly-user": 16,
        EX + "dotted.name": 24,
        EX + "esc~aped": 25,
    }
    assert mentions[EX + "onlyobject"] == 16 and mentions[EX + "first-agent"] == 19
    assert (
        EX + "not-here" not in mentions and EX + "fake" not in mentions and EX + "notasubject" not in mentions
    )
    assert [line for line, _ in anonymous] == [18, 22]
    assert EX + "first-agent" in anonymous[0][1] and EX + "second-agent" in anonymous[1][1]


def test_trig_graph_names_are_not_subjects() -> None:
    subjects, mentions, _ = _scan("graphs.trig")
    assert subjects == {EX + "in-graph": 5, EX + "in-graph2": 8}
    assert mentions[EX + "g1"] == 4


@pytest.mark.parametrize("fmt", ["turtle", "longturtle", "nt", "trig"])
def test_every_subject_of_a_serialised_example_is_found_where_it_is_written(fmt: str, tmp_path: Path) -> None:
    graph = cilo.load(EXAMPLES / "finnish-ci-model.yaml")
    text = graph.serialize(format=fmt)
    found = scan(text, "file:///x")
    assert found.subjects == scan(text, "file:///x", mentions=True).subjects
    lines = text.splitlines()
    iris = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert iris and set(found.subjects) == {str(s) for s in iris}
    for iri, line in found.subjects.items():
        written = lines[line - 1]
        assert iri in written or iri.rsplit("/", 1)[-1] in written, (iri, written)


def _results(*paths: Path) -> list[dict[str, object]]:
    done = run_cli("validate", *map(str, paths), "--format", "json")
    return json.loads(done.stdout)["results"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["finnish-ci-model.yaml", "finnish-ci-model.ttl", "finnish-ci-model.csv"])
def test_json_results_name_the_file_and_the_line_of_the_initiative(name: str) -> None:
    path = EXAMPLES / name
    lines = path.read_text(encoding="utf-8").splitlines()
    results = _results(path)
    assert results
    for result in results:
        source = result["source"]
        assert isinstance(source, dict) and source["file"] == str(path)
        slug = str(result["focus_node"]).rsplit("/", 1)[-1]
        assert slug in lines[source["line"] - 1]


def test_assignments_are_found_in_yaml_and_in_turtle_written_without_names(tmp_path: Path) -> None:
    yaml_file = FIXTURES / "lakeford.yaml"
    ttl_file = tmp_path / "lakeford.ttl"
    ttl_file.write_text(cilo.load(yaml_file).serialize(format="turtle"), encoding="utf-8")
    for path in (yaml_file, ttl_file):
        lines = path.read_text(encoding="utf-8").splitlines()
        assignments = [r for r in _results(path) if str(r["focus_node"]).startswith("_:")]
        assert assignments, path
        for result in assignments:
            line = lines[result["source"]["line"] - 1]  # type: ignore[index]
            assert re.search(r"agent|RoleAssignment|\[", line), (path, line)


def test_text_results_are_compiler_style_lines_under_their_initiative() -> None:
    path = FIXTURES / "lakeford.yaml"
    done = run_cli("validate", str(path))
    assert done.returncode == 1
    located = [line for line in done.stdout.splitlines() if line.startswith(f"{path}:")]
    assert located and all(
        re.match(rf"{re.escape(str(path))}:\d+: (violation|warning|info): ", x) for x in located
    )
    assert "Mira Laine as Evaluator in Lakeford youth" in done.stdout  # who, what, where: not a hash


def test_a_node_in_two_files_is_placed_in_the_file_that_describes_it(tmp_path: Path) -> None:
    one, two = (
        FIXTURES.parent / "input" / "clash" / "one.yaml",
        FIXTURES.parent / "input" / "clash" / "two.yaml",
    )
    results = _results(one, two)
    files = {r["source"]["file"] for r in results if r["source"]}  # type: ignore[index]
    assert files <= {str(one), str(two)} and files
    (clash,) = [r for r in results if r["rule"] == "DisjointClassesShape"]
    assert clash["source"] == {"file": str(one), "line": 5}  # `- {id: …/amira, type: Person`
    assert clash["also"] == [{"file": str(two), "line": 4}]  # `- {id: …/amira, type: Organization`
    assert f"(also written at {two}:4) [DisjointClassesShape]" in run_cli("validate", one, two).stdout


def test_data_given_as_a_graph_has_no_source() -> None:
    report = cilo.validate(cilo.load(EXAMPLES / "finnish-ci-model.yaml"))
    assert report.results and all(r.source is None for r in report.results)
    assert all(r.to_dict()["source"] is None for r in report.results)


def test_a_copied_file_is_named_as_given(tmp_path: Path) -> None:
    copy = tmp_path / "mine.yaml"
    shutil.copy(EXAMPLES / "finnish-ci-model.yaml", copy)
    report = cilo.validate(copy)
    assert {r.source.file for r in report.results if r.source} == {str(copy)}
    assert str(Location("a.yaml", 3)) == "a.yaml:3" and str(Location("a.rdf")) == "a.rdf"


def test_an_unnamed_blank_node_matching_two_different_statements_gets_no_guess() -> None:
    from cilo.sources import SourceMap

    class Neighbours:
        def iris_of(self, node: object) -> frozenset[str]:
            return frozenset({EX + "first"})

        def referrers(self, node: object) -> list[object]:
            return []

    sources = SourceMap()
    sources.add(str(FIXTURES / "tricky.ttl"), "turtle")
    assert sources.locate(BNode(), Neighbours()) is None  # type: ignore[arg-type]
    assert sources.locate(URIRef(EX + "first")) == Location(str(FIXTURES / "tricky.ttl"), 8)


_TEXTS = st.text(alphabet=st.sampled_from(list("ab .#;,[](){}\"'\\\n:<>@")), max_size=12)


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    """Small graphs whose literals hold what can fool a scanner: dots, quotes, hashes, brackets."""
    graph = Graph()
    graph.bind("ex", EX)
    names = [URIRef(f"{EX}n{i}") for i in range(6)] + [BNode(f"b{i}") for i in range(2)]
    for _ in range(draw(st.integers(1, 12))):
        subject = draw(st.sampled_from(names))
        value = draw(st.one_of(st.sampled_from(names), _TEXTS.map(Literal)))
        graph.add((subject, URIRef(EX + draw(st.sampled_from(["p", "q"]))), value))
    return graph


@settings(max_examples=150, deadline=None)
@given(graph=graphs(), fmt=st.sampled_from(["turtle", "longturtle", "nt", "trig"]))
def test_the_quick_scan_agrees_with_the_full_one_and_finds_every_subject(graph: Graph, fmt: str) -> None:
    text = graph.serialize(format=fmt)
    quick, full = scan(text, "file:///x"), scan(text, "file:///x", mentions=True)
    assert quick.subjects == full.subjects
    lines = text.splitlines()
    named = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    assert named <= set(quick.subjects)
    for iri, line in quick.subjects.items():
        assert iri in named and (iri in lines[line - 1] or iri.rsplit("/", 1)[-1] in lines[line - 1])


def test_the_html_report_names_file_and_line_beside_each_message() -> None:
    path = FIXTURES / "lakeford.yaml"
    page = cilo.html_report(path)
    assert f'<code class="source">{path}:12</code>' in page  # Mira Laine as Evaluator, line 12


_OBJECTS = st.recursive(
    st.sampled_from(["ex:o", "<http://example.org/o>", '"a ] [ ( # \\" b"', "'x)'", "12", "_:b0"]),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: "[ ex:q " + " , ".join(xs) + " ]"),
        st.lists(inner, max_size=3).map(lambda xs: "( " + " ".join(xs) + " )"),
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    statements=st.lists(
        st.tuples(
            st.sampled_from(["ex:s1", "ex:s2", "<http://example.org/s3>", "[ ex:k ex:v ]", "_:x"]), _OBJECTS
        ),
        min_size=1,
        max_size=6,
    )
)
def test_brackets_closed_on_their_line_are_read_quickly_and_alike(statements: list[tuple[str, str]]) -> None:
    """One-line `[ ... ]` and `( ... )` objects, nested, with strings that hold brackets: the quick
    path (which reads such a line as one object term) finds the subjects the tokenizer finds."""
    text = "@prefix ex: <http://example.org/> .\n" + "".join(f"{s} ex:p {o} .\n" for s, o in statements)
    Graph().parse(data=text, format="turtle")  # well-formed Turtle
    quick, full = scan(text, "file:///x"), scan(text, "file:///x", mentions=True)
    assert quick.subjects == full.subjects and quick.anonymous == full.anonymous


def test_a_scan_begun_ahead_is_the_one_results_are_located_with(monkeypatch: pytest.MonkeyPatch) -> None:
    turtle = EXAMPLES / "finnish-ci-model.ttl"
    expected = [(r.focus_node, r.source, r.also) for r in cilo.validate(turtle).results]
    scanned: list[str] = []
    real = sources.scan_file

    def counted(file: str, *, mentions: bool) -> sources.Scan:
        scanned.append(file)
        return real(file, mentions=mentions)

    monkeypatch.setattr(sources, "scan_file", counted)
    report = cilo.validate(turtle)  # the first query with rows begins the scan; locating waits for it
    assert [(r.focus_node, r.source, r.also) for r in report.results] == expected
    assert all(r.source and r.source.line for r in report.results)
    assert scanned == [str(turtle)]  # once, ahead, and not again
    found = sources.SourceMap()
    found.add(str(turtle), "turtle")
    found.scan_ahead()
    found.scan_ahead()  # a second call begins nothing more
    assert found._scan(str(turtle)) == scan(turtle.read_text(encoding="utf-8"), turtle.resolve().as_uri())
    assert scanned == [str(turtle)] * 2
    found.scan_ahead()  # scanned already: nothing more
    assert scanned == [str(turtle)] * 2


#: Pieces of Turtle that make a line simple or not: directives (any case, indented), strings,
#: brackets, comments and `#` inside IRIs, names that begin like a directive.
_PIECES = st.sampled_from(
    ["@prefix", "PREFIX", "prefix", "Base", "GRAPH", "graph", "prefixes", "based", " ", "\t", "\n",
     ":a", "<http://e.org/x#y>", "<#>", "#", "# note", '"', "'", '"s"', "[", "]", "(", ")", "{", "}",
     ";", ",", ".", "x", "a"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_quick_search_for_what_is_not_simple_is_the_full_one(text: str) -> None:
    """A line is simple by `_COMPLEX` exactly when it is by the two quick patterns (at the start of
    each line: what `scan` asks)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    for pos in starts:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        full = sources._COMPLEX.search(text, pos)
        character = sources._COMPLEX_CHARACTER.search(text, pos)
        quick = (character is None or character.start() > end) and not sources._DIRECTIVE_START.match(
            text, pos
        )
        assert quick == (full is None or full.start() > end), (text, pos)


def test_a_saved_scan_is_read_back_whole_or_not_at_all(tmp_path: Path) -> None:
    path = FIXTURES / "tricky.ttl"
    found = scan(path.read_text(encoding="utf-8"), path.resolve().as_uri())
    assert found.subjects and found.anonymous
    saved = tmp_path / "scan.json"
    found.save(saved)
    assert sources.Scan.saved(saved) == found
    assert [p.name for p in tmp_path.iterdir()] == ["scan.json"]  # no temporary file left
    text = saved.read_text(encoding="utf-8")
    for broken in (
        text[: len(text) // 2],  # cut short
        text.replace(sources.SCANNER, "0123456789abcdef"),  # saved by another scanner
        text.replace('"subjects":{', '"subjects":{"x":"not a line",'),
        "[]",
    ):
        saved.write_text(broken, encoding="utf-8")
        assert sources.Scan.saved(saved) is None
    assert sources.Scan.saved(tmp_path / "none.json") is None
