"""The HTTP client of :class:`cilo.Endpoint`: one POST, a whole answer within a deadline, or an error.

- The timeout is a deadline for the whole request (connection, headers, body), not for each read: a
  server that drips a byte a second is cut off when the time is up.
- Redirects are followed only to the same server (scheme, host and port); any other is refused.
- The answer is read in chunks and refused as soon as it passes ``max_bytes``.
- Whatever the server sends (not HTTP, a broken chunk, too many headers, JSON that is not SPARQL
  results), the caller gets a :class:`cilo.QueryError` in one line.
- Dialects are absorbed where the answer means the same: Virtuoso writes ``xsd:boolean`` values as
  ``1``/``0``, read here as ``true``/``false`` (the same values, XSD §3.3.2). Nothing else is rewritten.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from rdflib import XSD, Literal
from rdflib.term import Node

from cilo.errors import QueryError
from cilo.results import Row, term_from_json

_CHUNK = 1 << 16
#: The largest endpoint answer cilo reads, in bytes.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
_BOOLEANS = {"1": "true", "0": "false"}


def select(
    url: str, query: str, *, timeout: float, max_bytes: int | None = None, written: bool = False
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """The variables and rows of a SELECT ``query`` asked of the endpoint at ``url`` (an answer of more
    than ``max_bytes``, by default :data:`MAX_RESPONSE_BYTES`, is refused). With ``written``, literals
    keep the lexical form the endpoint gave (rdflib would rewrite ``"007"^^xsd:integer``)."""
    body = urllib.parse.urlencode({"query": query}).encode()
    headers = {
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    raw = post(url, body, headers, timeout=timeout, max_bytes=max_bytes or MAX_RESPONSE_BYTES)
    try:
        doc = json.loads(raw)
        variables = tuple(doc["head"]["vars"])
        rows = tuple(
            {v: (_term(b[v], written) if v in b else None) for v in variables}
            for b in doc["results"]["bindings"]
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
        why = "nested too deeply" if isinstance(e, RecursionError) else f"{type(e).__name__}: {str(e)[:120]}"
        raise QueryError(f"the endpoint {url} did not answer SPARQL results JSON ({why})") from None
    if not all(isinstance(v, str) for v in variables):
        raise QueryError(
            f"the endpoint {url} did not answer SPARQL results JSON (a variable name not a string)"
        )
    return variables, rows


def _term(binding: dict[str, str], written: bool) -> Node:
    if binding.get("datatype") == str(XSD.boolean) and binding.get("value") in _BOOLEANS:
        binding = {**binding, "value": _BOOLEANS[binding["value"]]}
    term = term_from_json(binding)
    if written and isinstance(term, Literal) and term.datatype is not None and term.datatype != XSD.string:
        return Literal(binding.get("value", ""), datatype=term.datatype, normalize=False)
    return term


class _SameServer(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only when it stays on the server of the endpoint."""

    def __init__(self, url: str) -> None:
        self.url = url

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise QueryError(
                f"the endpoint {self.url} redirects to {newurl}, another server; cilo follows "
                "redirects on the same server only"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, max_bytes: int) -> bytes:
    """The body of the answer to a POST of ``body`` to ``url`` (see the module docstring)."""
    request = urllib.request.Request(url, data=body, headers=headers)
    opener = urllib.request.build_opener(_SameServer(url))
    outcome: dict[str, Any] = {}
    open_response: list[Any] = []

    def work() -> None:
        try:
            with opener.open(request, timeout=timeout) as response:
                open_response.append(response)
                chunks, total = [], 0
                while chunk := response.read(_CHUNK):
                    total += len(chunk)
                    if total > max_bytes:
                        outcome["too large"] = True
                        return
                    chunks.append(chunk)
                outcome["body"] = b"".join(chunks)
        except BaseException as e:  # handed to the caller's thread
            outcome["error"] = e

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        for response in open_response:  # unblock the reader; the thread ends with the socket
            with contextlib.suppress(Exception):  # closing a half-read response may fail
                response.close()
        raise QueryError(f"the endpoint {url} gave no complete answer within {timeout:g} s (--timeout)")
    if outcome.get("too large"):
        raise QueryError(f"the endpoint {url} answered more than {max_bytes:,} bytes; refused")
    error = outcome.get("error")
    if error is None:
        return outcome["body"]  # type: ignore[no-any-return]
    raise _explain(url, error, timeout) from None


def _explain(url: str, error: BaseException, timeout: float) -> QueryError:
    if isinstance(error, QueryError):
        return error
    if isinstance(error, urllib.error.HTTPError):
        try:
            detail = error.read(2000).decode("utf-8", "replace").strip().splitlines()
        except Exception:
            detail = []
        return QueryError(
            f"the endpoint {url} answered {error.code} {error.reason}" + (f": {detail[0]}" if detail else "")
        )
    if isinstance(error, http.client.HTTPException):
        kind, text = type(error).__name__, " ".join(str(error).split())[:200]
        return QueryError(f"the endpoint {url} did not answer in HTTP ({kind}: {text or 'no detail'})")
    if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
        return QueryError(f"the endpoint {url} gave no complete answer within {timeout:g} s (--timeout)")
    if isinstance(error, urllib.error.URLError | OSError):
        reason = getattr(error, "reason", error)
        return QueryError(f"cannot reach the endpoint {url}: {reason}")
    return QueryError(
        f"the endpoint {url} failed: {type(error).__name__}: {' '.join(str(error).split())[:200]}"
    )
