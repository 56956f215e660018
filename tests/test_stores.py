"""Three stores, one answer: rdflib in memory, an embedded Oxigraph store, and a real `oxigraph serve`
started on 127.0.0.1 by these tests; plus the endpoint's failures (down, error, silent)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, Literal

import cilo
from cilo import Endpoint, MemoryStore, OxigraphStore, QueryError
from cilo.stores import with_values
from tests import loopback, servers
from tests.conftest import EXAMPLES, FIXTURES, INPUT, cilo_exe, run_cli

FILES = [
    EXAMPLES / "finnish-ci-model.yaml",
    EXAMPLES / "english-ics.yaml",
    FIXTURES / "queries" / "cross-level.yaml",
]
FI = "https://example.org/finnish-ci/"
#: Each catalogue query with and without parameters.
CASES = [
    ("who-holds-role", {}),
    ("who-holds-role", {"role": "Evaluator", "initiative": FI + "soite"}),
    ("who-holds-role", {"level": "Local"}),
    ("functions-by-level", {}),
    ("functions-by-level", {"initiative": FI + "oulu", "function": "Sponsor"}),
    ("coverage-matrix", {}),
    ("coverage-matrix", {"initiative": FI + "soite"}),
    ("missing-functions", {}),
    ("missing-functions", {"initiative": FI + "soite"}),
    ("shared-functions", {}),
    ("sponsors", {}),
    ("actors-across-levels", {}),
    ("roles-on-date", {"date": "2023-06-01"}),
    ("roles-on-date", {"date": "2024-06-01", "role": "CrossSectoralPlayer"}),
    ("table3", {}),
]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store") / "db"
    proc = run_cli("store", "load", folder, *FILES)
    assert proc.returncode == 0, proc.stderr
    return folder


@pytest.fixture(scope="module")
def endpoint(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with servers.serve_store(store_dir, tmp_path_factory.mktemp("served")) as url:
        yield url


@pytest.fixture(scope="module")
def stores(store_dir: Path, endpoint: str) -> dict[str, cilo.querying.Data]:
    return {
        "memory": MemoryStore(FILES),
        "oxigraph": OxigraphStore(store_dir, read_only=True),
        "endpoint": Endpoint(endpoint, timeout=30),
    }


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{len(p)}" for n, p in CASES])
def test_every_store_gives_the_same_rows(
    name: str, params: dict[str, str], stores: dict[str, cilo.querying.Data]
) -> None:
    answers = {kind: cilo.query(name, store, **params) for kind, store in stores.items()}
    memory = answers["memory"]
    assert len(memory) > 0 or name == "missing-functions"
    for kind, rows in answers.items():
        assert rows.variables == memory.variables, kind
        assert list(rows) == list(memory), kind


def test_cli_store_and_endpoint_answer_as_files_do(store_dir: Path, endpoint: str) -> None:
    args = ["query", "who-holds-role", "--bind", "role=Evaluator", "--format", "json"]
    from_files = run_cli(*args[:2], *FILES, *args[2:])
    from_store = run_cli(*args, "--store", store_dir)
    from_endpoint = run_cli(*args, "--endpoint", endpoint)
    assert from_files.returncode == from_store.returncode == from_endpoint.returncode == 0
    assert json.loads(from_files.stdout) == json.loads(from_store.stdout) == json.loads(from_endpoint.stdout)
    assert (
        len(json.loads(from_files.stdout)["results"]["bindings"]) == 1 + 7
    )  # the programme's, and inherited


def test_a_load_with_a_bad_file_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    assert run_cli("store", "load", folder, FILES[0]).returncode == 0
    before = len(OxigraphStore(folder, read_only=True))
    proc = run_cli("store", "load", folder, FILES[1], FIXTURES / "describe" / "unknown-role.yaml")
    assert proc.returncode == 2 and "unknown backbone role" in proc.stderr
    assert len(OxigraphStore(folder, read_only=True)) == before


def test_querying_a_folder_that_is_no_store_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no cilo store here"):
        OxigraphStore(tmp_path, read_only=True)


def test_endpoint_down_is_a_clear_error() -> None:
    with pytest.raises(QueryError, match="cannot reach the endpoint"):
        cilo.query("table3", Endpoint(f"http://127.0.0.1:{servers.free_port()}/query", timeout=5))


def test_endpoint_error_answer_is_a_clear_error(endpoint: str) -> None:
    with pytest.raises(QueryError, match=r"answered 404"):
        cilo.query("table3", Endpoint(endpoint.replace("/query", "/no-such-service"), timeout=5))


def test_a_silent_endpoint_times_out_instead_of_hanging() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/query"
        with pytest.raises(QueryError, match=r"gave no complete answer within 1 s"):
            cilo.query("table3", Endpoint(url, timeout=1))
    finally:
        for s in accepted:
            s.close()
        server.close()


def test_values_block_opens_the_outermost_group_whatever_comes_before() -> None:
    text = '# a comment with { brace\nPREFIX ex: <https://e.org/#x>\nSELECT ?a WHERE { ?a ex:p "}" }'
    out = with_values(text, {"a": cilo.CILO.Evaluator})
    assert out.index("VALUES (?a) { (<https://w3id.org/cilo#Evaluator>) }") > out.index("WHERE {")
    assert with_values(text, {}) == text


def test_values_placement_uses_the_lexer_of_the_refusals(tmp_path: Path) -> None:
    # `<` as an operator is no IRI (the old scan jumped to the next `>`), a brace inside a string is
    # no group, and an escaped brace is one: every engine places the block where the refusals look
    query = tmp_path / "lexer.rq"
    query.write_text(
        "# name: lexer\n# description: x\n# parameters: role (role)\nPREFIX cilo: <https://w3id.org/cilo#>\n"
        'SELECT ?role (STRLEN(STR(?role)) < 40 AS ?short) ?text WHERE \\u007B BIND("VALUES { }" AS ?text)\n'
        "  ?role cilo:representsFunction ?f . }\n",
        encoding="utf-8",
    )
    store = cilo.OxigraphStore(tmp_path / "db")
    store.load([EXAMPLES / "finnish-ci-model.yaml"])
    expected = [{"role": cilo.CILO.Evaluator, "short": Literal(True), "text": Literal("VALUES { }")}]
    for data in (EXAMPLES / "finnish-ci-model.yaml", store):
        rows = cilo.query(query, data, role="Evaluator").rows
        assert [dict(r) for r in {tuple(r.items()) for r in rows}] == expected


def _dump(store_dir: Path) -> bytes:
    """The store's content as sorted N-Quads, blank node labels blanked (each load draws new ones);
    opening the store proves it is not corrupt."""
    import re

    store = OxigraphStore(store_dir, read_only=True)
    lines = store.dump().splitlines()
    return b"\n".join(sorted(re.sub(rb"_:[0-9a-f]+", b"_:b", line) for line in lines))


def test_killing_a_load_leaves_the_store_with_its_previous_content(tmp_path: Path) -> None:
    """SIGKILL `cilo store load` at random moments: the store opens with exactly its old content, or
    with all of the new file (when the load had finished), never with part of it."""
    import random

    generate = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
    subprocess.run(
        [sys.executable, str(generate), "2000", "--out", str(tmp_path)], check=True, capture_output=True
    )
    big = tmp_path / "initiatives-2000.ttl"
    original = tmp_path / "original"
    assert run_cli("store", "load", original, *FILES).returncode == 0
    before = _dump(original)
    complete = tmp_path / "complete"
    shutil.copytree(original, complete, symlinks=True)
    assert run_cli("store", "load", complete, big).returncode == 0
    after = _dump(complete)
    assert len(after) > len(before)

    outcomes = []
    chance = random.Random(20261123)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for attempt in range(6):
        target = tmp_path / f"killed-{attempt}"
        shutil.copytree(original, target, symlinks=True)
        proc = subprocess.Popen([cilo_exe(), "store", "load", str(target), str(big)], env=env)
        time.sleep(chance.uniform(0.3, 2.5))
        proc.kill()
        proc.wait()
        content = _dump(target)
        assert content in (before, after), f"attempt {attempt}: the store holds part of the load"
        outcomes.append("old" if content == before else "new")
    print("outcomes:", outcomes)


def test_a_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    assert run_cli("store", "load", folder, FILES[0]).returncode == 0
    first = OxigraphStore(folder)  # holds the write lock
    try:
        done = run_cli("store", "load", folder, FILES[0])
        assert done.returncode == 2
        assert "the store is in use by another process" in done.stderr
        assert "Traceback" not in done.stderr
        reader = OxigraphStore(folder, read_only=True)  # readers are welcome
        assert len(reader) == len(first)
    finally:
        del first


def test_service_runs_only_when_network_access_is_allowed(endpoint: str) -> None:
    text = (
        "PREFIX cilo: <https://w3id.org/cilo#>\n"
        f"SELECT ?initiative WHERE {{ SERVICE <{endpoint}> {{ ?initiative a cilo:Initiative }} }}"
    )
    with pytest.raises(QueryError, match="line 2: SERVICE is refused"):
        cilo.sparql(text, FILES)
    rows = cilo.sparql(text, FILES, allow_network=True)  # rdflib asks the loopback server
    served = {str(i) for i in cilo.load(FILES).subjects(RDF.type, cilo.CILO.Initiative)}
    assert served and {str(r["initiative"]) for r in rows} == served


# --- a named graph per file, generations, list and remove ----------------------------------------


def _labels(store: OxigraphStore) -> set[str]:
    rows = cilo.sparql(
        "PREFIX cilo: <https://w3id.org/cilo#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?l WHERE { ?i a cilo:Initiative ; rdfs:label ?l }",
        store,
    )
    return {str(r["l"]) for r in rows}


def test_loading_a_changed_file_again_replaces_its_triples(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    text = FILES[0].read_text(encoding="utf-8")
    mine.write_text(text, encoding="utf-8")
    store = OxigraphStore(tmp_path / "db")
    store.load([mine, FILES[1]])
    assert "Family services CI, Soite" in _labels(store)
    first = {f.file: f for f in store.files()}
    mine.write_text(
        text.replace("Family services CI, Soite", "Family services CI, Soite (renamed)"), encoding="utf-8"
    )
    assert store.load([mine]) == 0  # the same number of triples, one label changed
    labels = _labels(store)
    assert "Family services CI, Soite (renamed)" in labels and "Family services CI, Soite" not in labels
    second = {f.file: f for f in store.files()}
    assert second.keys() == first.keys() == {str(mine), str(FILES[1].resolve())}
    assert second[str(mine)].sha256 != first[str(mine)].sha256
    assert second[str(FILES[1].resolve())] == first[str(FILES[1].resolve())]  # untouched
    assert second[str(mine)].graph == mine.as_uri()
    store.close()


def test_store_list_and_remove_on_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    assert run_cli("store", "load", folder, *FILES[:2]).returncode == 0
    listed = run_cli("store", "list", folder)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["file", "triples", "loaded", "(UTC)", "graph"]
    assert [line.split()[0] for line in lines[1:3]] == sorted(str(f.resolve()) for f in FILES[:2])
    assert all(f"<{f.resolve().as_uri()}>" in listed.stdout for f in FILES[:2])
    assert lines[-1].startswith("2 file(s), ")
    removed = run_cli("store", "remove", folder, FILES[1])
    assert removed.returncode == 0 and "1 file(s) removed (-" in removed.stdout
    store = OxigraphStore(folder, read_only=True)
    assert [f.file for f in store.files()] == [str(FILES[0].resolve())]
    assert "Integrated Care System (illustrative)" not in " ".join(_labels(store))
    again = run_cli("store", "remove", folder, FILES[1])
    assert again.returncode == 2 and "english-ics.yaml is not in the store (its files: " in again.stderr
    assert again.stderr.count("\n") == 1


def test_files_with_named_graphs_keep_them_and_take_them_along(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "db")
    store.load([FILES[0]])
    before = len(store)
    store.load([INPUT / "complete.trig"])
    (trig,) = [f for f in store.files() if f.file.endswith(".trig")]
    assert trig.own_graphs == ("https://example.org/fixture/graph",) and trig.triples > 0
    assert len(cilo.query("who-holds-role", store, initiative="https://example.org/fixture/init")) > 0
    with pytest.raises(cilo.InputError, match="is in the store already, from another file"):
        store.load([INPUT / "complete.nq"])  # the same graph name from another file
    store.remove([INPUT / "complete.trig"])
    assert len(store) == before
    store.close()


def test_a_folder_with_other_files_is_not_made_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    done = run_cli("store", "load", tmp_path, FILES[0])
    assert done.returncode == 2 and "holds other files and no cilo store" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_store_of_an_earlier_cilo_is_read_but_not_written(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    old = pyoxigraph.Store(str(folder))  # the earlier layout: one database, the default graph
    old.load(
        cilo.load(FILES[0]).serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES
    )
    old.flush()
    del old
    rows = cilo.query("who-holds-role", OxigraphStore(folder, read_only=True), role="Evaluator")
    assert len(rows) == 1 + 7  # held in the programme, and inherited by its seven parts
    with pytest.raises(cilo.StoreError, match="written by an earlier cilo"):
        OxigraphStore(folder)


def test_generations_left_behind_are_removed_by_the_next_writer(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    assert run_cli("store", "load", folder, FILES[0]).returncode == 0
    (folder / "gen-99").mkdir()  # as a writer killed before its swap leaves it
    (folder / "gen-99" / "db").mkdir()
    assert run_cli("store", "load", folder, FILES[1]).returncode == 0
    names = sorted(p.name for p in folder.iterdir())
    assert "gen-99" not in names and (folder / "active").is_symlink()
    assert len([n for n in names if n.startswith("gen-")]) == 2  # the active one and the one it replaced


def test_an_open_reader_sees_each_new_load(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    assert run_cli("store", "load", folder, FILES[0]).returncode == 0
    reader = OxigraphStore(folder, read_only=True)
    seen = _labels(reader)
    for extra in FILES[1:]:
        assert run_cli("store", "load", folder, extra).returncode == 0
        now = _labels(reader)
        assert now > seen
        seen = now


# --- an endpoint that misbehaves: every answer one line, within the deadline ---------------------

_RESULTS = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'


def _respond(payload: bytes, drip: float = 0.0) -> Iterator[str]:
    """A loopback server that answers every connection with ``payload`` (a byte every ``drip`` s)."""

    def answer(conn: socket.socket, stop: threading.Event) -> None:
        conn.recv(65536)
        if not drip:
            conn.sendall(payload)
            return
        for byte in payload:
            if stop.is_set():
                break
            conn.sendall(bytes([byte]))
            time.sleep(drip)

    with loopback.serve(answer) as port:
        yield f"http://127.0.0.1:{port}/sparql"


def _http(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers, "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


MISBEHAVIOURS = {
    "not-http": (b"SSH-2.0-OpenSSH_9.0\r\n", r"did not answer in HTTP"),
    "broken-chunk": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n",
        r"did not answer in HTTP",
    ),
    "too-many-headers": (
        b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(120)) + b"\r\n" + _RESULTS,
        r"did not answer in HTTP",
    ),
    "deep-json": (
        _http(b"[" * 100_000 + b"]" * 100_000),
        r"did not answer SPARQL results JSON \(nested too deeply\)",
    ),
    "binding-as-text": (
        _http(b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": "just text"}]}}'),
        r"did not answer SPARQL results JSON",
    ),
    "redirect-elsewhere": (
        _http(b"", "Location: http://127.0.0.2:1/sparql", status="302 Found"),
        r"another server",
    ),
    "redirect-ftp": (_http(b"", "Location: ftp://127.0.0.1/x", status="302 Found"), r"another server"),
}


@pytest.mark.parametrize("case", sorted(MISBEHAVIOURS))
def test_a_misbehaving_endpoint_is_one_clear_error(case: str) -> None:
    payload, needle = MISBEHAVIOURS[case]
    for url in _respond(payload):
        with pytest.raises(QueryError, match=needle):
            cilo.query("table3", Endpoint(url, timeout=10))
        done = run_cli("query", "table3", "--endpoint", url, "--timeout", "10")
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_a_dripping_endpoint_is_cut_off_at_the_deadline() -> None:
    for url in _respond(_http(_RESULTS), drip=0.3):
        start = time.monotonic()
        with pytest.raises(QueryError, match=r"no complete answer within 2 s"):
            cilo.query("table3", Endpoint(url, timeout=2))
        assert time.monotonic() - start < 6


def test_an_answer_over_the_size_limit_is_refused_while_it_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    from cilo import sparqlclient

    monkeypatch.setattr(sparqlclient, "MAX_RESPONSE_BYTES", 1000)
    for url in _respond(_http(b" " * 5000 + _RESULTS)):
        with pytest.raises(QueryError, match=r"answered more than 1,000 bytes; refused"):
            cilo.query("table3", Endpoint(url, timeout=10))
