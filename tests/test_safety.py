"""Hostile and odd input: refused with a clear error (file, line, what is wrong), never a traceback."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cilo
from cilo.errors import InputError, QueryError
from cilo.safety import check_file, check_query, current
from tests import fuzzing, loopback
from tests.conftest import EXAMPLES, FIXTURES, run_cli

HOSTILE = FIXTURES / "hostile"
FINNISH = EXAMPLES / "finnish-ci-model.yaml"
FINNISH_TTL = EXAMPLES / "finnish-ci-model.ttl"


@pytest.fixture
def set_limits() -> Iterator[Callable[..., object]]:
    """``set_limits(name=value)``: the limits changed with ``cilo.limits`` until the test ends."""
    with contextlib.ExitStack() as stack:
        yield lambda **changes: stack.enter_context(cilo.limits(**changes))
    assert current() == cilo.Limits()  # the defaults again: nothing leaked


# --- RDF/XML entities ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["entity-expansion.rdf", "external-entity.rdf"])
def test_rdfxml_with_a_dtd_is_refused_before_parsing(name: str) -> None:
    with pytest.raises(InputError) as caught:
        cilo.load(HOSTILE / name)
    assert caught.value.line == 3
    assert "DOCTYPE declaration is refused" in str(caught.value)
    done = run_cli("validate", HOSTILE / name)
    assert done.returncode == 2
    assert f"{name}, line 3: RDF/XML with a DOCTYPE declaration is refused" in done.stderr
    assert "Traceback" not in done.stderr


# --- size and triple limits ---------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(set_limits: Callable[..., object]) -> None:
    set_limits(max_file_bytes=1000)
    for path in (FINNISH, FINNISH_TTL):
        with pytest.raises(InputError, match=r"bytes; cilo reads at most 1,000"):
            cilo.validate(path)
        with pytest.raises(InputError, match=r"bytes; cilo reads at most 1,000"):
            cilo.reason(path)


def test_a_file_over_the_triple_limit_is_refused(set_limits: Callable[..., object]) -> None:
    set_limits(max_triples=100)
    with pytest.raises(InputError, match=r"triples; cilo reads at most 100 per file"):
        cilo.load(FINNISH)
    with pytest.raises(InputError, match=r"triples; cilo reads at most 100 per file"):
        cilo.reason(FINNISH_TTL)
    for path in (FINNISH_TTL, EXAMPLES / "english-ics.ttl"):  # literals read beside the loader, or not
        with pytest.raises(InputError, match=r"triples; cilo reads at most 100 per file"):
            cilo.validate(path)


# --- nesting ------------------------------------------------------------------------------------


def _deep(tmp_path: Path, name: str, opening: str, middle: str, closing: str, depth: int = 100_000) -> Path:
    path = tmp_path / name
    path.write_text(opening * depth + middle + closing * depth, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "opening", "middle", "closing"),
    [
        ("deep.jsonld", '{"https://example.org/p": ', "1", "}"),
        ("deep.yaml", "- ", "x", ""),
        ("flow.yaml", "[", "", "]"),
        ("deep.ttl", "[ <https://example.org/p> ", "<https://example.org/o>", " ]"),
    ],
)
def test_deeply_nested_files_give_an_input_error_not_a_recursion_error(
    tmp_path: Path, name: str, opening: str, middle: str, closing: str
) -> None:
    path = _deep(tmp_path, name, opening, middle, closing)
    if name.endswith(".ttl"):  # a statement around the nested blank nodes
        path.write_text(
            f"<https://example.org/a> <https://example.org/p> {path.read_text()} .", encoding="utf-8"
        )
    with pytest.raises(InputError):
        cilo.load(path)
    done = run_cli("query", "table3", path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and name in done.stderr


def test_deeply_nested_queries_are_refused_before_any_engine(tmp_path: Path) -> None:
    text = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000  # crashed Oxigraph's parser
    for data in (cilo.MemoryStore(FINNISH), FINNISH):
        with pytest.raises(QueryError, match="nests groups or parentheses more than 200 deep"):
            cilo.sparql(text, data)
    parens = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }"
    with pytest.raises(QueryError, match="line 1: the query nests"):
        check_query(parens)
    query = tmp_path / "deep.rq"
    query.write_text(text, encoding="utf-8")
    done = run_cli("query", query, FINNISH)
    assert done.returncode == 2 and "nests groups" in done.stderr


def test_an_overlong_query_is_refused(set_limits: Callable[..., object]) -> None:
    set_limits(max_query_chars=50)
    with pytest.raises(QueryError, match="characters; cilo runs at most 50"):
        cilo.sparql("SELECT ?s WHERE { ?s ?p ?o } # a comment that makes it long", FINNISH)


# --- clauses that reach outside the data --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "clause", "line"),
    [("service.rq", "SERVICE", 5), ("from.rq", "FROM", 4), ("from-named.rq", "FROM", 4)],
)
def test_queries_reaching_outside_the_data_are_refused(
    name: str, clause: str, line: int, tmp_path: Path
) -> None:
    store_dir = tmp_path / "db"
    assert run_cli("store", "load", store_dir, FINNISH).returncode == 0
    for data in (FINNISH, cilo.MemoryStore(FINNISH), cilo.OxigraphStore(store_dir, read_only=True)):
        with pytest.raises(QueryError, match=rf"{name}, line {line}: {clause} is refused"):
            cilo.query(HOSTILE / name, data)
    done = run_cli("query", HOSTILE / name, FINNISH)
    assert done.returncode == 2
    assert f"line {line}: {clause} is refused" in done.stderr


def test_load_updates_are_refused() -> None:
    with pytest.raises(QueryError, match="LOAD is refused"):
        cilo.sparql("LOAD <file:///etc/passwd>", FINNISH)


def test_keywords_in_comments_strings_iris_and_names_are_not_clauses() -> None:
    rows = cilo.query(HOSTILE / "keywords-in-disguise.rq", FINNISH)
    assert len(rows) > 0


def test_service_needs_allow_network_even_for_the_catalogue_api() -> None:
    text = (HOSTILE / "service.rq").read_text(encoding="utf-8")
    with pytest.raises(QueryError, match="allow_network=True"):
        cilo.sparql(text, FINNISH)


# --- injection through parameters ---------------------------------------------------------------

ATTACKS = [
    line.replace("\\u003e", ">")
    for line in (HOSTILE / "attack-strings.txt").read_text(encoding="utf-8").splitlines()
    if line
] + ["two\nlines } #", "quote ' and \" both"]


@pytest.mark.parametrize("value", ATTACKS)
@pytest.mark.parametrize("parameter", ["role", "initiative", "agent"])
def test_parameter_values_cannot_change_a_query(value: str, parameter: str) -> None:
    everything = len(cilo.query("who-holds-role", FINNISH))
    for data in (FINNISH, cilo.MemoryStore(FINNISH)):
        try:
            rows = cilo.query("who-holds-role", data, **{parameter: value})
        except QueryError as e:
            assert "Traceback" not in str(e)
            continue
        assert len(rows) < everything


@pytest.mark.parametrize("value", ATTACKS)
def test_cli_bind_values_cannot_change_a_query(value: str) -> None:
    done = run_cli("query", "who-holds-role", FINNISH, "--bind", f"initiative={value}", "--format", "json")
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr
    if done.returncode == 0:
        assert '"bindings": []' in done.stdout


@pytest.mark.parametrize("value", ATTACKS)
def test_ad_hoc_bindings_are_terms_not_text(value: str) -> None:
    text = "PREFIX cilo: <https://w3id.org/cilo#> SELECT ?a WHERE { ?a cilo:role ?role }"
    try:
        rows = cilo.sparql(text, FINNISH, role=value)
    except QueryError:
        return
    assert len(rows) == 0


# --- odd but legal input ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bom-crlf.yaml", "bom-crlf.ttl", "unicode.yaml", "odd-iris.ttl"])
def test_odd_but_legal_files_are_read(name: str) -> None:
    graph = cilo.load(HOSTILE / name)
    assert len(graph) > 0
    report = cilo.validate(HOSTILE / name)
    assert len(report.initiatives) == 1
    assert cilo.reason(HOSTILE / name).consistent


def test_unicode_labels_survive_loading_and_reporting() -> None:
    report = cilo.validate(HOSTILE / "unicode.yaml")
    (name,) = report.initiatives.values()
    assert name == "Perhepalvelut, Äänekoski — 家庭服务 — خدمات الأسرة — 👪"
    assert name in cilo.html_report(HOSTILE / "unicode.yaml")


@pytest.mark.parametrize(
    "name", ["empty.ttl", "empty.yaml", "empty.csv", "empty.jsonld", "empty.rdf", "empty.nt"]
)
def test_empty_files_are_clear_errors(name: str) -> None:
    done = run_cli("validate", HOSTILE / name)
    assert done.returncode == 2
    assert done.stderr.startswith(f"cilo: error: {HOSTILE / name}")
    assert "Traceback" not in done.stderr


def test_an_iri_with_a_space_is_an_input_error_with_its_line() -> None:
    for run in (cilo.validate, cilo.reason):
        with pytest.raises(InputError) as caught:
            run(HOSTILE / "bad-iri.ttl")
        assert caught.value.line == 2
        assert "the IRI <https://example.org/has space> holds a space" in str(caught.value)


def test_a_huge_literal_is_kept_whole(tmp_path: Path) -> None:
    text = "x" * 5_000_000
    path = tmp_path / "huge.ttl"
    path.write_text(
        "@prefix cilo: <https://w3id.org/cilo#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<https://example.org/i> a cilo:Initiative ; rdfs:comment "{text}" .\n',
        encoding="utf-8",
    )
    report = cilo.validate(path)
    assert len(report.initiatives) == 1
    assert any(len(str(o)) == len(text) for o in cilo.load(path).objects())


# --- wall-clock limits --------------------------------------------------------------------------

PATHOLOGICAL = HOSTILE / "pathological-path.rq"
DENSE = HOSTILE / "dense.ttl"


def test_runaway_queries_are_stopped_cleanly_on_every_store(
    set_limits: Callable[..., object], tmp_path: Path
) -> None:
    store_dir = tmp_path / "db"
    assert run_cli("store", "load", store_dir, DENSE).returncode == 0
    set_limits(query_seconds=2)
    stores = (DENSE, cilo.MemoryStore(DENSE), cilo.OxigraphStore(store_dir, read_only=True))
    for data in stores:
        with pytest.raises(QueryError, match=r"cross-product.rq: the query was stopped after 2 s"):
            cilo.query(HOSTILE / "cross-product.rq", data)
    # (p|^p)*: stopped by the limit; rdflib may first run out of stack in its recursive path
    # evaluation, which is reported as cleanly
    for data in stores:
        with pytest.raises(QueryError, match=r"pathological-path.*(stopped after 2 s|recursed too deeply)"):
            cilo.query(PATHOLOGICAL, data)
    # the stores still answer afterwards
    assert len(cilo.query(HOSTILE / "keywords-in-disguise.rq", cilo.OxigraphStore(store_dir, read_only=True)))


def test_cli_time_limit_stops_a_query(tmp_path: Path) -> None:
    done = run_cli("query", PATHOLOGICAL, DENSE, "--time-limit", "1.5")
    assert done.returncode == 2
    assert "the query was stopped after 1.5 s" in done.stderr


def test_built_in_queries_have_the_time_limit_too(tmp_path: Path) -> None:
    disjoint = HOSTILE / "disjoint-classes.ttl"
    assert run_cli("store", "load", tmp_path / "db", disjoint).returncode == 0
    for where in ([disjoint], ["--store", tmp_path / "db"]):
        done = run_cli("query", "inconsistencies", *where, "--time-limit", "1")
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            "cilo: error: queries/inconsistencies.rq: the query was stopped after 1 s, the time limit for "
            "queries (`cilo --limit query_seconds=...` or `with cilo.limits(query_seconds=...)` changes it; "
            "so does `cilo query --time-limit SECONDS`)\n"
        )


def test_a_store_query_runs_in_a_fresh_worker_that_opens_the_store_read_only(tmp_path: Path) -> None:
    writer = cilo.OxigraphStore(tmp_path / "db")  # holds the writer's lock in this process
    writer.load([FINNISH])
    try:
        rows = cilo.query("who-holds-role", writer)
        assert rows.rows == cilo.query("who-holds-role", FINNISH).rows and len(rows) == 7 * 9 + 5
        with pytest.raises(cilo.StoreError, match="no cilo store here"):
            cilo.query("who-holds-role", cilo.OxigraphStore(tmp_path / "empty"))
    finally:
        writer.close()


def test_a_query_error_inside_the_time_limited_worker_comes_back_as_itself() -> None:
    with pytest.raises(QueryError, match="parameter role"):
        cilo.sparql("SELECT ?a WHERE { ?a ?p ?role }", FINNISH, role="not a term }")


@pytest.mark.java
@pytest.mark.skipif(not shutil.which("java"), reason="no Java runtime on this machine")
def test_hermit_is_stopped_at_its_limit(set_limits: Callable[..., object]) -> None:
    set_limits(reasoner_seconds=0.2)
    with pytest.raises(cilo.ReasoningError, match=r"HermiT was stopped after 0.2 s"):
        cilo.reason(FINNISH, engine="dl")


@pytest.mark.java
@pytest.mark.skipif(not shutil.which("java"), reason="no Java runtime on this machine")
def test_owl_imports_are_never_followed() -> None:
    # the network guard (tests/network_guard.py) fails this test if anything tries to fetch them
    for engine in ("rl", "dl"):
        assert cilo.reason(HOSTILE / "imports.ttl", engine=engine).consistent


@pytest.mark.parametrize("path", sorted((HOSTILE / "fuzz").iterdir()), ids=lambda p: p.name)
def test_inputs_make_fuzz_found_are_refused_clearly(path: Path) -> None:
    """Regression inputs: each gave a traceback once (tests/fuzz.py saved it)."""
    from tests import fuzzing

    for target, run in fuzzing.targets(path).items():
        assert run() == "rejected", target


# --- limits are a context, not process-wide state -----------------------------------------------


def test_limits_hold_inside_the_block_and_come_back_after_it() -> None:
    assert current() == cilo.Limits()
    with cilo.limits(max_triples=100) as outer:
        assert current() is outer and outer.max_triples == 100
        with cilo.limits(query_seconds=5):
            assert current().max_triples == 100 and current().query_seconds == 5
        assert current().query_seconds == cilo.Limits().query_seconds
        with pytest.raises(InputError, match="at most 100 per file"):
            cilo.load(FINNISH)
    assert current() == cilo.Limits()
    assert len(cilo.load(FINNISH)) > 100
    with pytest.raises(RuntimeError), cilo.limits(max_triples=1):  # an error inside: put back too
        raise RuntimeError
    assert current() == cilo.Limits()


def test_limits_do_not_leak_into_other_threads() -> None:
    import threading

    seen: list[cilo.Limits] = []
    with cilo.limits(query_seconds=5):
        thread = threading.Thread(target=lambda: seen.append(current()))
        thread.start()
        thread.join()
    assert seen == [cilo.Limits()]


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"max_tripels": 5}, "unknown limit 'max_tripels'; the limits are: max_file_bytes, max_triples"),
        ({"max_triples": "lots"}, "limit max_triples: expected a whole number, not 'lots'"),
        ({"max_triples": 2.5}, "limit max_triples: expected a whole number, not 2.5"),
        ({"max_triples": True}, "limit max_triples: expected a whole number, not True"),
        ({"max_triples": 0}, "limit max_triples: expected a finite number above 0, not 0"),
        ({"query_seconds": float("nan")}, "limit query_seconds: expected a finite number above 0, not nan"),
        ({"query_seconds": float("inf")}, "limit query_seconds: expected a finite number above 0, not inf"),
        ({"reasoner_seconds": -1}, "limit reasoner_seconds: expected a finite number above 0, not -1"),
    ],
)
def test_bad_limits_are_a_usage_error_naming_the_key_or_value(
    changes: dict[str, object], needle: str
) -> None:
    with pytest.raises(cilo.UsageError) as caught, cilo.limits(**changes):  # type: ignore[arg-type]
        pass
    assert needle in str(caught.value)
    assert current() == cilo.Limits()


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_a_bad_time_limit_on_the_command_line_is_one_line(value: str) -> None:
    done = run_cli("query", "table3", str(FINNISH), "--time-limit", value)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("cilo: error: limit query_seconds: expected a finite number above 0")


# --- SERVICE and FROM in disguise: refused, and nothing reaches a listener -------------------------

DISGUISED = [
    "service-escape-u.rq",
    "service-escape-long.rq",
    "service-after-local-escape.rq",
    "service-after-cr.rq",
    "from-escape.rq",
]


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on loopback that records whatever connects (Oxigraph's own HTTP client is
    invisible to Python's audit hooks: a connection here is the proof that something got out)."""
    received: list[bytes] = []

    def record(conn: socket.socket, stop: threading.Event) -> None:
        received.append(b"(connected)")
        received.append(conn.recv(4096))

    with loopback.serve(record) as port:
        yield port, received


@pytest.mark.parametrize("name", DISGUISED)
def test_service_and_from_in_disguise_are_refused_on_every_store(
    name: str, listener: tuple[int, list[bytes]], tmp_path: Path
) -> None:
    port, received = listener
    text = (HOSTILE / name).read_bytes().decode("utf-8").replace("PORT", str(port))  # a lone \r kept
    word = "FROM" if name.startswith("from") else "SERVICE"
    store_dir = tmp_path / "db"
    assert run_cli("store", "load", store_dir, FINNISH).returncode == 0
    for data in (FINNISH, cilo.MemoryStore(FINNISH), cilo.OxigraphStore(store_dir, read_only=True)):
        with pytest.raises(QueryError, match=f"{word} is refused"):
            cilo.sparql(text, data)
    query = tmp_path / name
    query.write_text(text, encoding="utf-8", newline="")
    done = run_cli("query", query, FINNISH)
    assert done.returncode == 2 and f"{word} is refused" in done.stderr
    assert received == []


def test_a_comment_ended_by_a_carriage_return_in_the_api(
    listener: tuple[int, list[bytes]], tmp_path: Path
) -> None:
    port, received = listener
    store_dir = tmp_path / "db"
    assert run_cli("store", "load", store_dir, FINNISH).returncode == 0
    text = f"# comment\rSELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError, match="SERVICE is refused"):
        cilo.sparql(text, cilo.OxigraphStore(store_dir, read_only=True))
    assert received == []


def _connections(tmp_path: Path, *args: str | Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``cilo ARGS`` under ``strace -f``, and the internet connections any of its processes or
    threads asked for (native code included: Oxigraph's HTTP client is invisible to audit hooks)."""
    log = tmp_path / "connect.log"
    done = run_cli(*args, under=["strace", "-f", "-qq", "-e", "trace=connect", "-o", log])
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return done, [line for line in lines if "connect(" in line and "AF_INET" in line]


@pytest.mark.skipif(not shutil.which("strace"), reason="strace is installed by tests/setup-system.sh")
@pytest.mark.parametrize("name", ["service.rq", *(n for n in DISGUISED if n.startswith("service"))])
def test_strace_sees_no_connection_from_a_refused_service(name: str, tmp_path: Path) -> None:
    query = tmp_path / name
    text = (HOSTILE / name).read_bytes().decode("utf-8").replace("PORT", "9")
    query.write_text(text, encoding="utf-8", newline="")
    assert run_cli("store", "load", tmp_path / "db", FINNISH).returncode == 0
    for where in ([FINNISH], ["--store", tmp_path / "db"]):
        done, connections = _connections(tmp_path, "query", query, *where)
        assert done.returncode == 2 and "SERVICE is refused" in done.stderr, done.stderr
        assert connections == []


@pytest.mark.skipif(not shutil.which("strace"), reason="strace is installed by tests/setup-system.sh")
def test_strace_sees_the_connection_of_an_allowed_service(
    listener: tuple[int, list[bytes]], tmp_path: Path
) -> None:
    # the control: the guard above would see a SERVICE that slipped through, from Oxigraph's own client
    port, received = listener
    query = tmp_path / "service.rq"
    text = (HOSTILE / "service.rq").read_text(encoding="utf-8")
    query.write_text(text.replace("127.0.0.1:9/", f"127.0.0.1:{port}/"), encoding="utf-8")
    assert run_cli("store", "load", tmp_path / "db", FINNISH).returncode == 0
    done, connections = _connections(tmp_path, "query", query, "--store", tmp_path / "db", "--allow-network")
    assert any(f"htons({port})" in line for line in connections), (done.stderr, connections)
    assert received


@settings(max_examples=300, deadline=None)
@given(fuzzing.service_queries())
def test_whenever_rdflib_sees_a_service_cilo_refuses(text: str) -> None:
    """Differential (``make fuzz`` runs 10,000): queries built from SPARQL's hard tokens. If rdflib's
    parse has a SERVICE, cilo's check refuses; whatever it does, it never raises anything else."""
    assert fuzzing.service_outcome(text) in ("accepted", "rejected"), text


def test_a_query_file_that_is_no_regular_file_or_too_long_is_refused_before_reading(
    tmp_path: Path, set_limits: Callable[..., object]
) -> None:
    import os

    fifo = tmp_path / "pipe.rq"
    os.mkfifo(fifo)  # reading it would wait for ever
    zero = tmp_path / "zero.rq"
    zero.symlink_to("/dev/zero")  # reading it would never end
    for path in (fifo, zero):
        done = run_cli("query", path, FINNISH)
        assert done.returncode == 2 and done.stderr.endswith("cannot read the query: not a regular file\n")
    long = tmp_path / "long.rq"
    long.write_text("SELECT ?s WHERE { ?s ?p ?o }" + " " * 300, encoding="utf-8")
    set_limits(max_query_chars=50)
    with pytest.raises(QueryError, match="the query file is 328 bytes; cilo reads at most 200"):
        cilo.query(long, FINNISH)


def test_an_unknown_yaml_tag_is_an_error_naming_tag_and_line() -> None:
    with pytest.raises(
        InputError, match=r"python-tag\.yaml, line 3, column 8: unknown YAML tag .*os\.system"
    ):
        cilo.load(HOSTILE / "python-tag.yaml")


def test_a_huge_integer_keeps_every_digit() -> None:
    from rdflib import Literal

    counts = list(cilo.load(HOSTILE / "huge-integer.yaml").objects(None, cilo.CILO.municipalityCount))
    assert [str(c) for c in counts] == ["12345678901234567890123456789012345678"]
    assert isinstance(counts[0], Literal)


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf"])
def test_a_bad_endpoint_timeout_is_one_line(value: str) -> None:
    done = run_cli("query", "table3", "--endpoint", "http://127.0.0.1:9/query", "--timeout", value)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "an endpoint timeout is a number of seconds above 0" in done.stderr


def test_a_worker_killed_by_a_signal_is_said_in_words() -> None:
    import os
    import signal

    from cilo.timelimit import run_limited

    with pytest.raises(cilo.WorkerError, match=r"ended without an answer \(killed by signal 9, SIGKILL\)"):
        run_limited(lambda: os.kill(os.getpid(), signal.SIGKILL), 10)
    with pytest.raises(cilo.WorkerError, match=r"signal 6, SIGABRT: a native library .* crashed"):
        run_limited(_abort_quietly, 10)


def _abort_quietly() -> None:
    import faulthandler
    import os

    faulthandler.disable()  # pytest's handler would print the abort as a crash of the test run
    os.abort()


def test_control_characters_in_labels_never_reach_a_terminal_or_xml_raw(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    labels = HOSTILE / "control-labels.yaml"
    for args in (
        ["network", labels],
        ["query", "who-holds-role", labels],
        ["validate", labels],
    ):
        done = run_cli(*args)
        assert done.returncode in (0, 1), done.stderr
        assert "\x1b" not in done.stdout and "\x01" not in done.stdout and "\x07" not in done.stdout
        assert "\\x1b" in done.stdout, args
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"net.{fmt}"
        assert run_cli("network", labels, "--format", fmt, "-o", out).returncode == 0
        text = out.read_text(encoding="utf-8")
        ET.fromstring(text)  # well-formed XML
        assert "Bell\\x01 and \\x1b]0;title\\x07" in text


def test_a_literal_past_oxigraphs_16_mib_buffer_is_read_on_every_path(tmp_path: Path) -> None:
    """Oxigraph's parsers stop at 16 MiB for one token; cilo's reader takes such a file over."""
    big = tmp_path / "big-literal.ttl"
    text = FINNISH_TTL.read_text(encoding="utf-8")
    note = "x" * (17 * 1024 * 1024)
    comment = "<http://www.w3.org/2000/01/rdf-schema#comment>"
    big.write_text(
        text + f'\n<https://example.org/finnish-ci/soite> {comment} "{note}" .\n', encoding="utf-8"
    )
    report = cilo.validate(big)
    assert report.missing_functions() == cilo.validate(FINNISH_TTL).missing_functions()
    done = run_cli("store", "load", tmp_path / "db", big)
    assert done.returncode == 0, done.stderr
    rows = cilo.sparql(
        "SELECT (STRLEN(?c) AS ?n) WHERE { ?i <http://www.w3.org/2000/01/rdf-schema#comment> ?c "
        "FILTER (STRLEN(?c) > 1000000) }",
        cilo.OxigraphStore(tmp_path / "db", read_only=True),
    )
    assert [int(r["n"]) for r in rows] == [len(note)]  # type: ignore[arg-type]
    assert cilo.reason(big).consistent


def test_the_triple_limit_holds_on_oxigraphs_reading_paths_too(
    set_limits: Callable[..., object], tmp_path: Path
) -> None:
    set_limits(max_triples=10)
    with pytest.raises(InputError, match=r"triples; cilo reads at most 10 per file"):
        cilo.validate(FINNISH_TTL)
    with pytest.raises(InputError, match=r"triples; cilo reads at most 10 per file"):
        cilo.shacl.validate(FINNISH_TTL, HOSTILE.parent / "shacl" / "user-shapes.ttl")
    store = cilo.OxigraphStore(tmp_path / "db")
    with pytest.raises(InputError, match=r"triples; cilo reads at most 10 per file"):
        store.load([FINNISH_TTL])
    assert store.files() == []
    store.close()


def test_a_nul_in_yaml_is_one_line_with_its_line_and_column() -> None:
    done = run_cli("validate", HOSTILE / "nul.yaml")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "nul.yaml, line 3, column 10: the character U+0000 is not allowed in YAML" in done.stderr


# --- work limits: refused before the work starts ------------------------------------------------


def test_a_long_same_as_chain_is_refused_before_reasoning() -> None:
    done = run_cli("reason", HOSTILE / "same-as-chain.ttl")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        "cilo: error: owl:sameAs makes 1,501 nodes one (among them <http://example.org/"
    )
    assert (
        "(`cilo --limit max_same_as_nodes=...` or `with cilo.limits(max_same_as_nodes=...)` changes it)"
        in (done.stderr)
    )
    with cilo.limits(max_same_as_nodes=1501):  # the limit is the largest class, not the chain's length
        cilo.reasoning._check_same_as(cilo.load(HOSTILE / "same-as-chain.ttl"))


def test_a_dense_actor_network_is_refused_before_its_links_are_built() -> None:
    done = run_cli("network", HOSTILE / "dense-initiative.csv")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("cilo: error: the actor network has 1,500 actors and more than ")
    assert "(`cilo --limit max_network_work=...`" in done.stderr
    with cilo.limits(max_network_work=10**10):
        assert cilo.network(EXAMPLES / "finnish-ci-model.yaml").metrics()
    with cilo.limits(max_network_work=5), pytest.raises(cilo.WorkLimitError, match="more than 5 steps"):
        cilo.network(EXAMPLES / "finnish-ci-model.yaml")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("max_same_as=3", "--limit 'max_same_as=3': expected NAME=VALUE with NAME one of max_file_bytes, "),
        ("max_triples=lots", "--limit 'max_triples=lots': 'lots' is not a number"),
        ("max_triples=1.5", "limit max_triples: expected a whole number, not 1.5"),
        ("query_seconds=nan", "limit query_seconds: expected a finite number above 0, not nan"),
    ],
)
def test_a_bad_limit_on_the_command_line_is_one_line(setting: str, message: str) -> None:
    done = run_cli("--limit", setting, "query", "table3", FINNISH)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"cilo: error: {message}") and done.stderr.count("\n") == 1


def test_limits_set_on_the_command_line_apply() -> None:
    done = run_cli("--limit", "max_network_work=5", "network", FINNISH)
    assert done.returncode == 2 and "more than 5 steps, cilo's limit" in done.stderr
    done = run_cli("--limit", "max_triples=10", "validate", FINNISH)
    assert done.returncode == 2 and "reads at most 10 per file (`cilo --limit max_triples=...`" in done.stderr


READING_COMMANDS = ["convert", "validate", "report", "network", "reason", "store", "query"]


def _read_by(command: str, payload: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``cilo COMMAND`` reading ``payload`` (written to files in ``tmp_path``)."""
    args: dict[str, list[str | Path]] = {
        "convert": ["convert", payload, "--to", "nt"],
        "report": ["report", payload, "-o", tmp_path / "r.html"],
        "store": ["store", "load", tmp_path / "db", payload],
        "query": ["query", "table3", payload],
    }
    return run_cli(*args.get(command, [command, payload]), cwd=tmp_path)


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_more_prefixes_than_the_limit_are_refused_on_every_path(command: str, tmp_path: Path) -> None:
    payload = HOSTILE / "many-prefixes.ttl"
    done = _read_by(command, payload, tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        f"cilo: error: {payload}, line 1002: more than 1,000 prefix declarations; cilo reads at most 1,000"
    )
    with cilo.limits(max_prefixes=1001):
        assert len(cilo.load(payload)) == 1


def test_long_lines_are_read_whole_not_rescanned(tmp_path: Path) -> None:
    # rdflib's line readers matched a 4 MB line again on each 2 KiB read (41 s); YAML and JSON-LD
    # go through N-Quads, so a 4 MB YAML scalar took as long
    from cilo.formats.rdfsyntax import _WholeLines

    stream = _WholeLines("a" * 5000 + "\nb\n")
    assert (stream.read(2048), stream.read(2048), stream.read(2048)) == ("a" * 5000 + "\n", "b\n", "")
    text = "x" * 4_000_000
    (tmp_path / "long.nt").write_text(f'<http://e.org/s> <http://e.org/p> "{text}" .\n', encoding="utf-8")
    (tmp_path / "long.nq").write_text(f'<http://e.org/s> <http://e.org/p> "{text}" <http://e.org/g> .\n')
    (tmp_path / "long.yaml").write_text(f"id: https://e.org/i\nlabel: {text}\n", encoding="utf-8")
    for name in ("long.nt", "long.nq", "long.yaml"):
        assert any(len(o) == len(text) for o in cilo.load(tmp_path / name).objects()), name


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_turtle_nested_100k_deep_is_refused_the_same_way_on_every_path(command: str, tmp_path: Path) -> None:
    payload = tmp_path / "nested.ttl"
    payload.write_text("<http://e.org/s> <http://e.org/p>\n" + "(" * 100_000 + ")" * 100_000 + " .\n")
    done = _read_by(command, payload, tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        f"cilo: error: {payload}, line 2: brackets or lists nested more than 100 deep; cilo reads at most 100"
    )


def test_the_nesting_check_reads_past_strings_iris_comments_and_escapes() -> None:
    deep = b"(" * 100 + b")" * 100
    hiding = (
        b'<http://e.org/s> <http://e.org/p> """ ( [ \\" ( """, "(\\"(", \'[\', <http://e.org/x(> . # ((((\n'
    )
    check_file(Path("x.ttl"), hiding * 200 + b"<http://e.org/s> <http://e.org/p> " + deep + b" .\n")
    for turtle in [*EXAMPLES.glob("*.ttl"), *FIXTURES.rglob("*.ttl")]:  # nothing real comes near
        with cilo.limits(max_nesting=10, max_prefixes=2000):
            check_file(turtle, turtle.read_bytes())


def test_the_command_keeps_to_its_memory_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("id: https://e.org/i\nlabel: " + "x" * 10_000_000 + "\n", encoding="utf-8")
    convert = ["convert", big, "--to", "nt", "-o", tmp_path / "o.nt"]
    done = run_cli("--limit", "max_memory_bytes=100000000", *convert)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "cilo: error: the command needed more memory than its limit of 100,000,000 bytes "
        "(`cilo --limit max_memory_bytes=...` changes it)\n"
    )
    assert not (tmp_path / "o.nt").exists()
    assert run_cli(*convert).returncode == 0  # 8 GiB by default


def test_the_command_keeps_to_its_time_limit_and_takes_its_workers_with_it(tmp_path: Path) -> None:
    disjoint = tmp_path / "disjoint.ttl"  # a name of this test's own, to find its processes by
    disjoint.write_bytes((HOSTILE / "disjoint-classes.ttl").read_bytes())
    assert run_cli("store", "load", tmp_path / "db", disjoint).returncode == 0
    for where in ([disjoint], ["--store", tmp_path / "db"]):
        done = run_cli("--limit", "command_seconds=1", "query", "inconsistencies", *where)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            "cilo: error: the command ran past its time limit of 1 s (`cilo --limit command_seconds=...` "
            "changes it)\n"
        )
        left = [
            p for p in Path("/proc").glob("[0-9]*/cmdline") if str(tmp_path).encode() in _read_or_empty(p)
        ]
        assert left == []


def _read_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_the_nesting_check_refuses_one_level_past_the_limit_and_no_less() -> None:
    # the check skips its scan when the file has no more brackets than the limit at all
    with cilo.limits(max_nesting=3):
        check_file(Path("x.ttl"), b"<http://e.org/s> <http://e.org/p> ((( ))) .\n")
        check_file(Path("x.ttl"), b"<http://e.org/s> <http://e.org/p> (( )), [ ], ( ), ( ) .\n")
        with pytest.raises(InputError, match="nested more than 3 deep"):
            check_file(Path("x.ttl"), b"<http://e.org/s> <http://e.org/p> (([( )])) .\n")


def test_the_prefix_check_refuses_one_declaration_past_the_limit_and_no_less() -> None:
    # the check skips its pattern when the file does not hold the keyword more often than the limit
    two = b"@prefix a: <http://e.org/a#> .\nPREFIX b: <http://e.org/b#>\na:s b:p a:o .\n"
    three = two + b"@PREFIX c: <http://e.org/c#> .\n"
    with cilo.limits(max_prefixes=2):
        check_file(Path("x.ttl"), two)
        check_file(Path("x.ttl"), two + b'a:s a:p "prefix prefix" .\n')  # the word, not a declaration
        with pytest.raises(InputError, match="more than 2 prefix declarations"):
            check_file(Path("x.ttl"), three)
        xml = b'<rdf:RDF xmlns:rdf="r" xmlns:a="a"'
        check_file(Path("x.rdf"), xml + b">")
        with pytest.raises(InputError, match="more than 2 prefix declarations"):
            check_file(Path("x.rdf"), xml + b' xmlns:b="b">')


_FRAGMENTS = [
    "[",
    "]",
    "(",
    ")",
    " ",
    "\n",
    '"x"',
    '"["',
    "'('",
    '"""a\n[b"""',
    "<i[>",
    "# ([\n",
    "\\[",
    "ex:a",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40))
def test_the_quick_nesting_check_refuses_what_the_token_by_token_one_does(parts: list[str]) -> None:
    # the quick check removes strings, IRIs, comments and escapes with one pattern and counts the
    # brackets left; the reference reads the same tokens one by one
    from cilo.safety import _TURTLE_TOKENS

    data = "".join(parts).encode()
    depth = deepest = 0
    for token in _TURTLE_TOKENS.finditer(data):
        depth += {b"[": 1, b"(": 1, b"]": -1, b")": -1}.get(token.group(), 0)
        deepest = max(deepest, depth)
    with cilo.limits(max_nesting=3):
        if deepest > 3:
            with pytest.raises(InputError, match="nested more than 3 deep"):
                check_file(Path("x.ttl"), data)
        else:
            check_file(Path("x.ttl"), data)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_query_memory_goes_back_to_the_system() -> None:
    """After a large in-memory store is dropped, its pages stay in the process until
    give_back_freed_memory (in a fresh process, so the heap is the test's alone)."""
    script = """
import gc, pyoxigraph
from cilo.safety import give_back_freed_memory
def rss():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))
node, text = pyoxigraph.NamedNode, pyoxigraph.Literal
store = pyoxigraph.Store()
store.extend(
    pyoxigraph.Quad(node(f"urn:s{i}"), node(f"urn:p{i % 7}"), text(f"value {i}")) for i in range(200_000)
)
start = rss()
del store
gc.collect()
kept = rss()
assert give_back_freed_memory()
print(start, kept, rss())
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    start, kept, after = map(int, proc.stdout.split())
    assert kept > start / 2 and after < kept / 2, (start, kept, after)
