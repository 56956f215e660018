"""The names users choose among: engines and formats, as ``Literal`` types and as tuples.

One source for the library's type hints, its checks and the command line's ``choices`` (this module
imports nothing, so the command line starts without loading any engine).
"""

from __future__ import annotations

from typing import Literal, get_args

#: Validation engines: every shape compiled to SPARQL where it can be and pySHACL for the rest
#: (``auto``), compiled shapes only (``fast``), or pySHACL alone (``pyshacl``).
Engine = Literal["auto", "fast", "pyshacl"]
ENGINES: tuple[Engine, ...] = get_args(Engine)

#: Reasoning engines: the OWL 2 RL closure, or HermiT's OWL 2 DL consistency check.
ReasoningEngine = Literal["rl", "dl"]
REASONING_ENGINES: tuple[ReasoningEngine, ...] = get_args(ReasoningEngine)

#: Forms of a validation report.
ReportFormat = Literal["text", "json", "turtle"]
REPORT_FORMATS: tuple[ReportFormat, ...] = get_args(ReportFormat)

#: Forms of query results.
ResultsFormat = Literal["table", "json", "csv"]
RESULTS_FORMATS: tuple[ResultsFormat, ...] = get_args(ResultsFormat)

#: Forms of what changed between two versions of a description (``cilo diff``).
DiffFormat = Literal["text", "json"]
DIFF_FORMATS: tuple[DiffFormat, ...] = get_args(DiffFormat)

#: Forms of the actor network.
NetworkFormat = Literal["table", "json", "graphml", "gexf"]
NETWORK_FORMATS: tuple[NetworkFormat, ...] = get_args(NetworkFormat)

#: Formats a description is written in (``cilo convert --to``).
WriteFormat = Literal["ttl", "nt", "rdf", "jsonld", "yaml", "csv"]
WRITE_FORMATS: tuple[WriteFormat, ...] = get_args(WriteFormat)

#: Other names of the same formats, as rdflib and other tools spell them (``turtle`` is ``ttl``).
FormatAlias = Literal["turtle", "ntriples", "n-triples", "xml", "rdfxml", "json-ld", "yml"]
FORMAT_ALIASES: dict[FormatAlias, WriteFormat] = {
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "xml": "rdf",
    "rdfxml": "rdf",
    "json-ld": "jsonld",
    "yml": "yaml",
}
#: Any name of a format a description is written in.
AnyWriteFormat = WriteFormat | FormatAlias
#: Every name ``cilo convert --to`` and :func:`cilo.dumps` accept.
WRITE_FORMAT_NAMES: tuple[str, ...] = (*WRITE_FORMATS, *FORMAT_ALIASES)
