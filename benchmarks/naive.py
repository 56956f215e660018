"""The naive reference: plain pySHACL with SHACL-Core coverage shapes (``core-coverage.ttl``).

    python benchmarks/naive.py DATA.ttl OUT.json

Parses the data with the ontology (for Table 3's role -> function facts), validates with pySHACL's
defaults and writes the missing functions as ``[[initiative IRI, function IRI], ...]``.
"""

import json
import sys
from pathlib import Path

import pyshacl
from rdflib import Graph
from rdflib.namespace import SH

import cilo

data = Graph().parse(sys.argv[1])
data += cilo.ontology()
shapes = Graph().parse(Path(__file__).with_name("core-coverage.ttl"))
_conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes)
assert isinstance(results, Graph)
rows = [
    (
        str(results.value(r, SH.focusNode)),
        str(cilo.CILO) + str(results.value(r, SH.sourceShape)).split("#")[1],
    )
    for r in results.subjects(SH.sourceShape, None)
]
Path(sys.argv[2]).write_text(json.dumps(rows))
