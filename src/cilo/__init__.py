"""cilo: the Collective Impact Leadership Ontology, its SHACL shapes and SPARQL queries.

>>> import cilo
>>> report = cilo.validate("initiative.yaml")         # doctest: +SKIP
>>> report.conforms, report.missing_functions()        # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from cilo.builder import Description
from cilo.catalogue import Query, QueryError
from cilo.errors import CiloError, InputError, ShapesError, TermError
from cilo.loading import load
from cilo.namespace import CILO
from cilo.ontology import ontology
from cilo.querying import queries, query, sparql
from cilo.report import ValidationReport, ValidationResult
from cilo.resources import examples, profiles
from cilo.results import Results
from cilo.stores import Endpoint, MemoryStore, OxigraphStore
from cilo.validation import validate
from cilo.writing import dump, dumps

try:
    __version__ = version("cilo")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "CILO",
    "CiloError",
    "Description",
    "Endpoint",
    "InputError",
    "MemoryStore",
    "OxigraphStore",
    "Query",
    "QueryError",
    "Results",
    "ShapesError",
    "TermError",
    "ValidationReport",
    "ValidationResult",
    "__version__",
    "dump",
    "dumps",
    "examples",
    "load",
    "ontology",
    "profiles",
    "queries",
    "query",
    "sparql",
    "validate",
]
