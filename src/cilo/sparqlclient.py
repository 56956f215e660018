"""The HTTP client of :class:`cilo.Endpoint`: one POST, a whole answer within a deadline, or an error.

- The timeout is a deadline for the whole request (connection, headers, body), not for each read: a
  server that drips a byte a second is cut off when the time is up.
- Redirects are followed only to the same server (scheme, host and port); any other is refused.
- The answer is read in chunks and refused as soon as it passes ``max_bytes``.
- Whatever the server sends (not HTTP, a broken chunk, too many headers), the caller gets a
  :class:`cilo.QueryError` in one line.
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from cilo.errors import QueryError

_CHUNK = 1 << 16


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
