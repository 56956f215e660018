"""The floor: the ``missing-functions`` query alone on pyoxigraph, parsing included.

    python benchmarks/floor.py DATA.ttl OUT.json

Writes the missing functions as ``[[initiative IRI, function IRI], ...]``.
"""

import json
import sys
from pathlib import Path

import pyoxigraph as ox

from cilo.catalogue import get
from cilo.oxigraph import ontology_ntriples

store = ox.Store()
store.load(ontology_ntriples(), format=ox.RdfFormat.N_TRIPLES)
store.load(path=sys.argv[1], format=ox.RdfFormat.TURTLE)
solutions = store.query(get("missing-functions").text)
assert isinstance(solutions, ox.QuerySolutions)
rows = [(s["initiative"].value, s["function"].value) for s in solutions]  # type: ignore[union-attr]
Path(sys.argv[2]).write_text(json.dumps(rows))
