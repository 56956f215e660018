"""A TCP server on 127.0.0.1 for tests: each connection handed to a function, in a thread."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def serve(handle: Callable[[socket.socket, threading.Event], None]) -> Iterator[int]:
    """Accept connections on a free loopback port (yielded) until the block ends; ``handle(conn,
    stop)`` deals with each (``stop`` is set when the block ends)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn, contextlib.suppress(OSError):
                conn.settimeout(2)
                handle(conn, stop)
                # a close with unread request bytes would reset the connection before the client
                # read the answer: say we are done, then read what is left
                conn.shutdown(socket.SHUT_WR)
                conn.settimeout(0.5)
                while conn.recv(65536):
                    pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        server.close()
