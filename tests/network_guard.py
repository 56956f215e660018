"""An audit hook that keeps the test suite off the network: only loopback may be reached.

Installed for the whole session by ``tests/conftest.py`` (and ``docs/conftest.py``). A connection,
name lookup or URL request beyond loopback raises :class:`NetworkRefusedError` where it happens and is
recorded, and the test that made it fails even if the code under test swallowed the error. Audit
hooks see Python's sockets and urllib, not native code (pyoxigraph's HTTP client, Chromium): those
are kept on loopback by the tests themselves.
"""

from __future__ import annotations

import socket
import sys
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"})
#: What the suite tried to reach beyond loopback, in order.
violations: list[str] = []
_installed = False


class NetworkRefusedError(OSError):
    """Raised where a test tries to reach beyond loopback."""


def _refuse(what: str) -> None:
    violations.append(what)
    raise NetworkRefusedError(f"the test suite may reach only loopback; refused: {what}")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and str(address[0]) not in LOOPBACK:
            _refuse(f"connect to {address[0]}:{address[1]}")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host is not None and (host.decode() if isinstance(host, bytes) else str(host)) not in LOOPBACK:
            _refuse(f"name lookup of {host}")
    elif event == "urllib.Request":
        url = str(args[0])
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK:
            _refuse(f"URL {url}")


def install() -> None:
    """Install the hook once per process (audit hooks cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
