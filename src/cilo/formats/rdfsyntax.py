"""RDF text to an rdflib Graph with rdflib's parsers, named graphs merged into one.

rdflib's N-Triples and N-Quads readers match their line pattern again on every 2 KiB read of a line,
so a line holding a 4 MB literal took 41 s; they are given text whose reads end at line ends (0.04 s).
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from rdflib import Dataset, Graph

#: rdflib formats that carry named graphs; their graphs are merged into one.
QUAD_FORMATS = frozenset({"nquads", "trig"})
#: rdflib formats read line by line.
LINE_FORMATS = frozenset({"nt", "nquads"})


class _WholeLines(io.StringIO):
    """Text whose reads (of a positive size) go on to the end of the line they stop in."""

    def read(self, size: int | None = -1) -> str:
        chunk = super().read(size)
        if size is not None and size > 0 and chunk and not chunk.endswith(("\n", "\r")):
            chunk += super().readline()
        return chunk


def parse_rdf(data: bytes | str, fmt: str) -> Graph:
    """``data`` in the rdflib format ``fmt`` as one Graph (the triples of every named graph)."""
    source: dict[str, Any] = {"data": data}
    if fmt in LINE_FORMATS:
        source = {"source": _WholeLines(data.decode("utf-8") if isinstance(data, bytes) else data)}
    if fmt not in QUAD_FORMATS:
        return Graph().parse(**source, format=fmt)
    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib's N-Quads parser uses its own deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(**source, format=fmt)
    merged = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    for prefix, ns in dataset.namespaces():
        merged.bind(prefix, ns)
    return merged
