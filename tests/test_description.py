"""YAML and JSON descriptions (``cilo.formats.description``): what they mean, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic

import cilo
from cilo import CILO, InputError
from cilo.formats import description
from tests.conftest import FIXTURES, run_cli

DESCRIBE = FIXTURES / "describe"
EX = "https://example.org/fixture/"


@pytest.mark.parametrize("name", ["complete.yaml", "complete.json"])
def test_description_means_the_same_as_its_turtle(name: str) -> None:
    assert isomorphic(cilo.load(DESCRIBE / name), cilo.load(DESCRIBE / "complete.ttl"))


def test_yaml_to_turtle_to_yaml_round_trips(tmp_path: Path) -> None:
    original = cilo.load(DESCRIBE / "complete.yaml")
    cilo.dump(original, tmp_path / "a.ttl")
    cilo.dump(cilo.load(tmp_path / "a.ttl"), tmp_path / "b.yaml")
    again = cilo.load(tmp_path / "b.yaml")
    assert isomorphic(original, again)
    text = (tmp_path / "b.yaml").read_text()
    assert "base: https://example.org/fixture/" in text
    assert "start: 2023-01-01" in text and "during" not in text  # the shorthand, written back


def test_jsonld_output_is_standard_json_ld(tmp_path: Path) -> None:
    """`--to jsonld` names the context by IRI and uses no cilo shorthand; it reads back the same."""
    graph = cilo.load(DESCRIBE / "complete.yaml")
    cilo.dump(graph, tmp_path / "x.jsonld")
    text = (tmp_path / "x.jsonld").read_text()
    assert '"https://w3id.org/cilo/context.jsonld"' in text and '"start"' not in text
    assert isomorphic(cilo.load(tmp_path / "x.jsonld"), graph)


def test_yaml_reads_what_people_write() -> None:
    """YAML 1.1 surprises are off: `no` stays text, and so does a date outside start/end."""
    g = description.read(b"id: i\nlabel: no\ncomment: 2023-01-01\n", "x.yaml")
    i = URIRef(description.DEFAULT_BASE + "i")
    assert g.value(i, RDFS.label) == Literal("no")
    assert g.value(i, RDFS.comment) == Literal("2023-01-01")


def test_defaults_base_and_types() -> None:
    g = description.read(b"id: i\nassignments:\n  - {agent: a, role: Evaluator, level: National}\n", "x.yaml")
    base = description.DEFAULT_BASE
    assert (URIRef(base + "i"), RDF.type, CILO.Initiative) in g
    (a,) = g.subjects(RDF.type, CILO.RoleAssignment)
    assert g.value(a, CILO.agent) == URIRef(base + "a")
    other = description.read(b"id: i\n", "x.yaml", base="https://example.org/other/")
    assert (URIRef("https://example.org/other/i"), RDF.type, CILO.Initiative) in other


def test_expanded_json_ld_gets_no_cilo_defaults() -> None:
    g = cilo.load(FIXTURES / "input" / "complete.jsonld")
    assert isomorphic(g, cilo.load(FIXTURES / "input" / "complete.ttl"))


def test_several_documents_in_one_file_share_actors_by_id() -> None:
    text = b"id: a\nactors:\n  - {id: x, type: Person}\n---\nid: b\n"
    text += b"assignments:\n  - {agent: x, role: Evaluator, level: National}\n"
    g = description.read(text, "x.yaml")
    assert len(set(g.subjects(RDF.type, CILO.Initiative))) == 2


def test_prefixed_names_and_own_iris_are_accepted() -> None:
    text = b"id: i\nassignments:\n  - {agent: a, role: cilo:Evaluator, level: 'https://example.org/levels/County'}\n"
    g = description.read(text, "x.yaml")
    assert CILO.Evaluator in set(g.objects(None, CILO.role))
    assert URIRef("https://example.org/levels/County") in set(g.objects(None, CILO.level))


ERRORS = [
    ("syntax-error.yaml", 5, "YAML syntax error"),
    ("unknown-key.yaml", 2, "unknown key 'lable' (did you mean 'label'?)"),
    (
        "unknown-role.yaml",
        5,
        "unknown backbone role 'FuturesThinkr' (did you mean 'FuturesThinker'?); the known names",
    ),
    ("unknown-level.yaml", 3, "unknown governance level 'Mezo' (did you mean 'Meso'?)"),
    ("unknown-type.yaml", 3, "unknown class 'Organisation' (did you mean 'Organization'?)"),
    ("duplicate-id.yaml", 5, "duplicate id 'foundation' (first declared at line 3)"),
    ("duplicate-key.yaml", 3, "duplicate key 'label' (first given at line 2)"),
    ("bad-date.yaml", 4, "the start date 2023-02-30 does not exist: February 2023 has 28 days, not 30"),
    ("bad-count.yaml", 2, "expected a whole number of 0 or more, not -3"),
    ("actor-without-type.yaml", 3, "needs 'type: Person' or 'type: Organization'"),
    ("not-a-mapping.yaml", 1, "expected a mapping"),
    ("bad-id.yaml", 3, "an id cannot be empty or hold spaces"),
    ("bad-iri.yaml", 5, "an id cannot be empty or hold spaces or any of"),
    (
        "remote-context.jsonld",
        2,
        "refused to fetch the JSON-LD document 'https://example.org/evil-context.jsonld'",
    ),
    ("broken.json", 4, "JSON syntax error"),
]


@pytest.mark.parametrize(("name", "line", "needle"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_descriptions_name_file_line_and_what_was_expected(name: str, line: int, needle: str) -> None:
    with pytest.raises(InputError) as info:
        cilo.load(DESCRIBE / name)
    error = info.value
    assert error.path.endswith(name) and error.line == line
    assert needle in error.message, error.message


def test_remote_context_is_never_fetched_even_when_nested() -> None:
    text = b'{"@context": {"@version": 1.1, "x": {"@id": "https://e.org/x", "@context": "https://e.org/c"}}}'
    with pytest.raises(InputError, match="refused to fetch"):
        description.read(text, "x.jsonld", syntax="json")


def test_alias_bombs_are_refused_by_their_expanded_size() -> None:
    from cilo.formats import yamltree

    # 470 bytes that once expanded to 2 million values (22 s, 609 MB); and a long scalar repeated
    bombs = {
        "values": ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 9)],
        "characters": ["a: &a " + "x" * 20_000] + [f"b{i}: *a" for i in range(10)],
    }
    for lines in bombs.values():
        with pytest.raises(
            InputError, match=r"its aliases \(\*name\) expand it to more than 4 times its own size"
        ):
            yamltree.documents("\n".join(lines) + "\n", "bomb.yaml")
    small = "a: &a [x, y]\nb: *a\nc: *a\n"  # aliases within reason are read
    assert yamltree.documents(small, "ok.yaml")[0].value == {
        "a": ["x", "y"],
        "b": ["x", "y"],
        "c": ["x", "y"],
    }


def test_graph_that_does_not_fit_a_description_is_written_in_full() -> None:
    """Triples outside initiatives, actors and assignments still survive YAML, in a last document."""
    g = cilo.load(DESCRIBE / "complete.ttl")
    g.add((URIRef(EX + "elsewhere"), URIRef(EX + "p"), Literal("kept")))
    back = description.read(description.write(g).encode(), "x.yaml")
    assert isomorphic(back, g)


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("second-id-without-separator.yaml", 4, "start it with a line `---`"),
        (
            "impossible-date.yaml",
            7,
            "the start date 2023-02-30 does not exist: February 2023 has 28 days, not 30",
        ),
        (
            "function-as-role.yaml",
            7,
            "Facilitator is a leadership function, not a backbone role: write `function: ",
        ),
        ("comma-in-flow-value.yaml", 5, 'put that value in quotes: label: "Amira Khan, coordinator"'),
    ],
)
def test_common_slips_get_a_hint_in_their_own_words(name: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as caught:
        cilo.load(DESCRIBE / name)
    assert caught.value.line == line and words in str(caught.value)
    assert "the date date" not in str(caught.value)


def test_every_problem_of_a_file_is_told_at_once_and_nothing_is_loaded() -> None:
    path = DESCRIBE / "three-mistakes.yaml"
    with pytest.raises(cilo.InputErrors) as caught:
        cilo.load(path)
    found = [(e.line, e.message.split(" (")[0].split(":")[0]) for e in caught.value.errors]
    assert found == [
        (6, "unknown class 'Organisation'"),
        (8, "unknown backbone role 'Evaluater'"),
        (9, "Facilitator is a leadership function, not a backbone role"),
        (10, "the start date 2023-02-30 does not exist"),
    ]
    done = run_cli("validate", path)
    assert done.returncode == 2 and not done.stdout
    lines = done.stderr.splitlines()
    assert lines[0] == f"cilo: error: 4 problems in {path}; nothing was loaded:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        f"{path}, line {n}, column {c}" for n, c in ((6, 25), (8, 25), (9, 28), (10, 60))
    ]


def test_past_fifty_problems_the_rest_are_counted() -> None:
    with pytest.raises(cilo.InputErrors) as caught:
        cilo.load(DESCRIBE / "sixty-mistakes.csv")
    assert len(caught.value.errors) == 50 and caught.value.total == 60
    assert str(caught.value).endswith("\n  ... and 10 more")
