"""How long each compiled query took the last time it ran, kept in cilo's cache (:mod:`cilo.cache`)
so that the engine starts the longest first.

The engine runs its queries on a few threads (one a core), each taking the next query when it is done
with one. A long query taken last runs alone at the end while the other threads have nothing left:
at N = 10,000 the coverage profile (about 1 s) began 1.8 s into the 2.8 s of queries and ran on
0.6 s after all the others had ended. Taken longest first (the classic rule for such a schedule),
the threads end close together.

How long a query takes depends on the data, but which queries are long depends mostly on the shapes,
and a query's text is the shapes': validating the next version of a file, or another file, the
order of the last run holds. A query not run before goes first, in the order the engine gives it
(nothing is known of it: it could be long). These times decide the order only; what the queries
find does not depend on them.

Kept in ``query-seconds.json``: for each query (a SHA-256 of where it ran, memory, a store or an
endpoint, and its text) the seconds it took, at most :data:`MAX_KEPT` queries (the least recently
run go first). A file that cannot be read counts as empty, and one that cannot be written is no
error.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from typing import TypeVar

from cilo import cache

#: Queries kept at most; beyond it, the least recently run are dropped.
MAX_KEPT = 2000
#: Changed whenever what the file holds changes.
FORMAT = 1
_NAME = "query-seconds.json"

T = TypeVar("T")


def key(where: str, query: str) -> str:
    """The name under which the time of ``query`` run ``where`` is kept."""
    return hashlib.sha256(f"{where}\0{query}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def load() -> dict[str, float]:
    """The seconds each query took when it last ran (empty where there is no cache or it cannot be
    read)."""
    path = cache.location(_NAME)
    if path is None:
        return {}
    try:
        kept = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(kept, dict)
        or kept.get("format") != FORMAT
        or not isinstance(kept.get("seconds"), dict)
    ):
        return {}
    return {k: float(v) for k, v in kept["seconds"].items() if isinstance(v, int | float) and v >= 0}


def save(took: dict[str, float]) -> None:
    """Keep the seconds ``took`` says each query took, in place of those of its last run."""
    path = cache.location(_NAME)
    if path is None or not took:
        return
    seconds = load()
    for name, value in took.items():  # the least recently run first, so that they are dropped first
        seconds.pop(name, None)
        seconds[name] = round(value, 4)
    kept = dict(list(seconds.items())[-MAX_KEPT:])
    cache.write_whole(path, json.dumps({"format": FORMAT, "seconds": kept}).encode())


def longest_first(items: Sequence[T], name: Callable[[T], str], seconds: dict[str, float]) -> list[T]:
    """``items`` by the seconds their queries (named by ``name``) took last time, the longest first;
    those never run before go first, in their given order (the sort keeps it among equals)."""
    return sorted(items, key=lambda item: -seconds.get(name(item), math.inf))


__all__ = ["MAX_KEPT", "key", "load", "longest_first", "save"]
