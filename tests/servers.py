"""Real SPARQL servers on 127.0.0.1 for the tests: `oxigraph serve` and Virtuoso 7.

Virtuoso (Debian's virtuoso-opensource-7-bin, installed by `make test` through tests/setup-system.sh)
runs with an ini file in a temporary folder, on free ports; files are loaded with ``isql-vt`` and
``DB.DBA.TTLP_MT``, each into a graph of its own, the ontology into another.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import cilo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {proc.stderr.read()!r}") from None  # type: ignore[union-attr]
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer within {seconds:g} s")


@contextlib.contextmanager
def oxigraph_serve(location: Path) -> Iterator[str]:
    """`oxigraph serve` on a copy of the database at ``location``; yields the query URL. Each loaded
    file is a named graph: queries read their union, as cilo's own store does."""
    exe = Path(sys.executable).with_name("oxigraph")
    server = exe if exe.exists() else shutil.which("oxigraph")
    assert server, "the `oxigraph` server is a dev dependency: pip install -e '.[dev]'"
    port = free_port()
    command = [str(server), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*command, "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait(url, proc, "oxigraph serve")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def serve_store(store_dir: Path, folder: Path) -> Iterator[str]:
    """`oxigraph serve` on a copy (in ``folder``) of the active database of a cilo store; the store
    stays free to open."""
    location = folder / "db"
    shutil.copytree(cilo.OxigraphStore(store_dir, read_only=True).location, location)
    with oxigraph_serve(location) as url:
        yield url


_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = ., {d}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ServerThreads = 4
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 120
"""


@contextlib.contextmanager
def virtuoso(folder: Path, files: list[Path]) -> Iterator[str]:
    """Virtuoso 7 in ``folder`` holding ``files`` (each its own graph) and the ontology; yields the
    URL of its SPARQL endpoint."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    assert server and isql, (
        "the endpoint tests need Virtuoso 7 (virtuoso-t, isql-vt): run `bash tests/setup-system.sh` "
        "(as root it installs Debian's virtuoso-opensource-7-bin) or install it by hand"
    )
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(_INI.format(d=folder, sql=sql, http=http))
    sources = {"urn:cilo:test:ontology": folder / "ontology.nt"}
    (folder / "ontology.nt").write_bytes(cilo.ontology().serialize(format="nt", encoding="utf-8"))
    for i, path in enumerate(files):
        nt = folder / f"data-{i}.nt"
        nt.write_bytes(cilo.load(path).serialize(format="nt", encoding="utf-8"))
        sources[f"urn:cilo:test:file-{i}"] = nt
    proc = subprocess.Popen(
        [server, "+configfile", "virtuoso.ini", "+foreground"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        _wait(url, proc, "virtuoso-t", seconds=60)
        load = " ".join(
            f"DB.DBA.TTLP_MT(file_to_string_output('{nt}'), '', '{graph}', 0);"
            for graph, nt in sources.items()
        )
        done = subprocess.run(
            [isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={load}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0 and "Error" not in done.stdout, done.stdout + done.stderr
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
