"""The suite's own guard: nothing but loopback may be reached (tests/network_guard.py)."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests import network_guard
from tests.network_guard import NetworkRefusedError


def _forget_last() -> str:
    return network_guard.violations.pop()  # this test meant to try: do not fail it for that


def test_a_connection_beyond_loopback_is_refused_where_it_happens() -> None:
    with socket.socket() as s, pytest.raises(NetworkRefusedError):
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed
    assert _forget_last() == "connect to 192.0.2.1:80"


def test_name_lookups_and_urls_beyond_loopback_are_refused() -> None:
    with pytest.raises(NetworkRefusedError):
        socket.getaddrinfo("example.org", 80)
    assert _forget_last() == "name lookup of example.org"
    with pytest.raises(NetworkRefusedError):
        urllib.request.urlopen("https://example.org/context.jsonld", timeout=1)
    assert _forget_last().startswith("URL https://example.org/")
    with pytest.raises(NetworkRefusedError):
        urllib.request.urlopen("file:///etc/passwd", timeout=1)
    assert _forget_last() == "URL file:///etc/passwd"


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
