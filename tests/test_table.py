"""CSV tables of assignments (``cilo.formats.table``): columns, dates, errors, and what CSV leaves out."""

from __future__ import annotations

import pytest
from rdflib.compare import isomorphic

import cilo
from cilo import InputError
from cilo.formats import table
from tests.conftest import EXAMPLES, FIXTURES

DESCRIBE = FIXTURES / "describe"
BASE = "https://example.org/fixture/"


def test_table_means_the_assignments_of_the_description() -> None:
    from_csv = cilo.load(DESCRIBE / "assignments.csv", base=BASE)
    full = cilo.load(DESCRIBE / "complete.ttl")
    # CSV has no column for municipality counts or memberships, and lists only the actors it names
    expected = cilo.load(DESCRIBE / "complete.ttl")
    for triple in full:
        if str(triple[1]).endswith(("memberOf", "municipalityCount", "MunicipalityCount")) or (
            str(triple[0]) == BASE + "county"
        ):
            expected.remove(triple)
    assert isomorphic(from_csv, expected)


def test_csv_round_trips_and_reports_what_it_leaves_out() -> None:
    graph = cilo.load(DESCRIBE / "complete.ttl")
    text, left_out = table.write(graph)
    assert text.splitlines()[0] == ",".join((*table.COLUMNS, *table.OPTIONAL_COLUMNS))
    assert dict(left_out) == {
        "cilo:municipalityCount": 1,
        "cilo:participatingMunicipalityCount": 1,
        "org:memberOf": 2,
        "rdf:type": 1,
        "rdfs:label": 1,
    }
    once = table.read(text.encode(), "a.csv")
    again, nothing = table.write(once)
    assert again == text and not nothing
    assert isomorphic(table.read(again.encode(), "b.csv"), once)


ERRORS = [
    ("wrong-columns.csv", 3, None, "expected 8 fields, as in the header line, but found 6"),
    ("bad-date.csv", 2, 7, "column 'start': the start date 2023-13-01 does not exist: there is no month 13"),
    ("unknown-column.csv", 1, None, "unknown column 'agent_typ' (did you mean 'agent_type'?)"),
    ("unknown-role.csv", 3, 4, "unknown backbone role 'Evaluatr' (did you mean 'Evaluator'?)"),
    ("agent-type-conflict.csv", 3, 3, "'x' is Organization at line 2, here Person"),
]


@pytest.mark.parametrize(("name", "line", "column", "needle"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_tables_name_file_line_column_and_what_was_expected(
    name: str, line: int, column: int | None, needle: str
) -> None:
    with pytest.raises(InputError) as info:
        cilo.load(DESCRIBE / name)
    assert (info.value.line, info.value.column) == (line, column)
    assert needle in info.value.message


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (b"", "the file is empty"),
        (b"initiative,agent,role,function,level,start,end\n", "missing column(s): agent_type"),
        (b"initiative,agent,agent_type,role,function,level,start,end\ni,a,,,,National,,\n", "fill the role"),
        (
            b"initiative,agent,agent_type,role,function,level,start,end\ni,a,,Evaluator,,,,\n",
            "must not be empty",
        ),
        (
            b"initiative,agent,agent_type,role,function,level,start,end\ni,a,,Evaluator,,National,2024-01-01,2023-01-01\n",
            "cannot end (2023-01-01) before it starts (2024-01-01)",
        ),
        (b'initiative,agent,agent_type,role,function,level,start,end\n"i,a\n', "CSV syntax error"),
        (
            b"initiative,agent,agent_type,role,function,level,start,end\nmy init,a,,Evaluator,,National,,\n",
            "hold spaces",
        ),
    ],
)
def test_more_table_errors(text: bytes, needle: str) -> None:
    with pytest.raises(InputError, match=r"x\.csv") as info:
        table.read(text, "x.csv")
    assert needle in info.value.message


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_byte_order_mark_crlf_and_blank_lines_are_fine(newline: str) -> None:
    header = "\ufeffinitiative,agent,agent_type,role,function,level,start,end\n"
    text = header + "\ni,a,Person,Evaluator,,National,,\n"
    graph = table.read(text.replace("\n", newline).encode(), "x.csv")
    assert len(graph) == 7  # initiative, agent and assignment types; agent, initiative, role, level


@pytest.mark.parametrize("name", ["assignments-semicolon.csv", "assignments-tab.csv"])
def test_a_table_separated_by_semicolons_or_tabs_reads_as_with_commas(name: str) -> None:
    # spreadsheets in many locales save CSV with `;`
    expected = cilo.load(DESCRIBE / "assignments.csv", base=BASE)
    assert isomorphic(cilo.load(DESCRIBE / name, base=BASE), expected)


def test_a_partof_column_nests_initiatives_and_round_trips() -> None:
    text = (
        b"initiative,agent,agent_type,role,function,level,start,end,PartOf\n"
        b"national,backbone,Organization,Evaluator,,National,,,\n"
        b"region,worker,Person,LocalSupport,,Regional,,,national\n"
        b"region,director,Person,,Sponsor,Regional,,,\n"  # given once per initiative is enough
        b"town,lead,Person,,Initiator,Local,,,region;national\n"
    )
    graph = table.read(text, "nested.csv", base="https://example.org/n/")
    n = "https://example.org/n/"
    assert sorted(
        (str(s)[len(n) :], str(o)[len(n) :]) for s, o in graph.subject_objects(cilo.CILO.partOf)
    ) == [
        ("region", "national"),
        ("town", "national"),
        ("town", "region"),
    ]
    written, _ = table.write(graph)
    assert written.splitlines()[0].endswith(",partOf")
    assert isomorphic(table.read(written.encode(), "again.csv"), graph)


def test_the_finnish_csv_twin_carries_the_programme() -> None:
    graph = cilo.load(EXAMPLES / "finnish-ci-model.csv")
    programme = cilo.CILO.partOf
    parts = {str(s).rsplit("/", 1)[1] for s, o in graph.subject_objects(programme)}
    assert parts == {"omahame", "soite", "pirha", "siunsote", "pohde", "tampere", "oulu"}
