"""The reference for ``cilo store load``: Oxigraph's bulk loader on the same file, into a new store.

    python benchmarks/bulk.py DATA.ttl STORE_DIR [--graph]

Into the default graph (what Oxigraph does fastest), or with ``--graph`` into one named graph, as
``cilo store load`` puts each file (Oxigraph then writes six quad indexes instead of three).
"""

import sys
from pathlib import Path

import pyoxigraph as ox

data, target = Path(sys.argv[1]), sys.argv[2]
graph = ox.NamedNode(data.resolve().as_uri()) if "--graph" in sys.argv[3:] else None
store = ox.Store(target)
store.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE, to_graph=graph)
store.flush()
