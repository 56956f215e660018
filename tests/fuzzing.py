"""Fuzzing cilo's loaders and command line with Hypothesis: inputs, targets, and what counts as a crash.

Inputs are the test fixtures and the bundled examples, mutated: bytes flipped, inserted, deleted or
repeated, and tokens that parsers find hard (brackets by the thousand, quotes, NUL, a byte-order
mark, DOCTYPEs, remote contexts). Each input is written to a file with its seed's extension and
given to a target. An outcome is *accepted* (read), *rejected* (a :class:`cilo.CiloError`, the
clear error a user sees), or a *crash*: any other exception, which would reach the user as a
traceback. ``tests/test_fuzz.py`` runs a quick profile in ``make test``; ``tests/fuzz.py`` (``make
fuzz``) runs at least 10,000 inputs in a child process, so a native crash is counted too.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

import cilo
from cilo.cli import main
from cilo.loading import FORMATS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(
    p
    for folder in (ROOT / "tests" / "fixtures", ROOT / "examples")
    for p in folder.rglob("*")
    if p.is_file() and p.suffix in FORMATS and p.stat().st_size < 40_000
)
TOKENS = [
    b"[",
    b"{",
    b"(",
    b"]",
    b"}",
    b'"',
    b"'",
    b'"""',
    b"\\",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\r\n",
    b"\xe2\x80\xa8",
    b"---\n",
    b"- ",
    b": ",
    b"&x;",
    b"<!DOCTYPE x [<!ENTITY x 'y'>]>",
    b'"@context": "http://192.0.2.1/c.jsonld"',
    b"@context",
    b"@prefix : <http://192.0.2.1/> .",
    b"<file:///etc/passwd>",
    b"_:b0",
    b"^^<http://www.w3.org/2001/XMLSchema#date>",
    b"2023-02-30",
    b"[" * 2000,
    b"{" * 2000,
    b"- " * 500,
    b"x" * 100_000,
]


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed file's extension and its content, mutated one to eight times."""
    seed = draw(st.sampled_from(SEEDS))
    data = bytearray(seed.read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "token", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "repeat":
            part = data[at : at + draw(st.integers(1, 64))]
            data[at:at] = part * draw(st.integers(1, 50))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "truncate":
            del data[at:]
    return seed.suffix, bytes(data)


Outcome = str  # "accepted", "rejected" or "crash: ..."


def classify(run: Callable[[], object]) -> Outcome:
    """Run a target: accepted, rejected with a clear error, or a crash (the exception's text)."""
    try:
        run()
    except cilo.CiloError:
        return "rejected"
    except Exception as e:
        return f"crash: {type(e).__name__}: {e}"[:500]
    return "accepted"


def load(path: Path) -> Outcome:
    """The loader of the file's format (cilo.load): YAML, JSON-LD, CSV or an RDF syntax."""
    return classify(lambda: cilo.load(path))


def command(*args: str) -> Outcome:
    """A ``cilo`` command in this process: exit code 0 or 1 is accepted, 2 rejected; an exception
    escaping ``main`` (a traceback) is a crash."""
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()  # out has a .buffer

    def run() -> None:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
        if code == 2:
            raise cilo.CiloError(err.getvalue())
        if "Traceback" in err.getvalue():
            raise RuntimeError(err.getvalue())

    return classify(run)


def targets(path: Path) -> dict[str, Callable[[], Outcome]]:
    """Every target for one input file: the loader, and the commands that read descriptions."""
    p = str(path)
    return {
        "load": lambda: load(path),
        "validate": lambda: command("validate", p, "--format", "json"),
        "query": lambda: command("query", "who-holds-role", p, "--format", "csv"),
        "convert": lambda: command("convert", p, "--to", "ttl"),
        "network": lambda: command("network", p, "--format", "json"),
    }


# --- SERVICE in disguise: a differential of cilo's refusal against rdflib's parser ---------------

#: SPARQL's hard tokens: code-point escapes, line terminators, local-name escapes, strings with
#: braces, ``<`` as operator and IRI, comments.
SERVICE_TOKENS = [
    "SELECT ?s WHERE {", "}", "{", "?s ?p ?o .", "SERVICE", "\\u0053ERVICE", "\\U00000053ERVICE",
    "SERV\\u0049CE",
    "<http://127.0.0.1:9/sparql>", "# a comment", "\r", "\n", " ", "'}'", '"{"', '"""a\nb"""', "ex:a\\'",
    "ex:b\\.c", "<", "FILTER (?s < 3)", "OPTIONAL", "UNION", "( ?o )", "'''x'''", "ex:", "%41",
]  # fmt: skip


def service_queries() -> st.SearchStrategy[str]:
    """Query texts built from :data:`SERVICE_TOKENS`."""
    prefix = "PREFIX ex: <https://example.org/>\n"
    return st.lists(st.sampled_from(SERVICE_TOKENS), min_size=1, max_size=14).map(
        lambda t: prefix + " ".join(t)
    )


def service_outcome(text: str) -> Outcome:
    """``"slip"`` when rdflib's parse of ``text`` holds a SERVICE and cilo's check lets it through;
    else ``"rejected"`` or ``"accepted"`` by cilo's check (a crash when it raises anything else)."""
    from cilo.safety import check_query, nodes, parse_tree

    try:
        tree = parse_tree(text)
    except Exception:
        tree = None
    has_service = tree is not None and any(
        getattr(n, "name", None) == "ServiceGraphPattern" for n in nodes(tree)
    )
    outcome = classify(lambda: check_query(text))
    return "slip" if has_service and outcome == "accepted" else outcome
