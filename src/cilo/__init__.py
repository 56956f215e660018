"""cilo: the Collective Impact Leadership Ontology, its SHACL shapes and SPARQL queries.

>>> import cilo
>>> report = cilo.validate("initiative.yaml")         # doctest: +SKIP
>>> report.conforms, report.missing_functions()        # doctest: +SKIP
"""

from typing import Any

from cilo.builder import Description
from cilo.catalogue import Query
from cilo.diff import Diff, diff
from cilo.errors import (
    CiloError,
    DataWarning,
    DescriptionError,
    InputError,
    InputErrors,
    NotExpressibleError,
    OutputError,
    QueryError,
    ReasoningError,
    RemoteDocumentError,
    ShapesError,
    StoreError,
    TermError,
    TimeLimitError,
    UnsupportedError,
    UsageError,
    WorkerError,
    WorkLimitError,
)
from cilo.htmlreport import html_report, write_report
from cilo.loading import load
from cilo.namespace import CILO
from cilo.network import Network, network
from cilo.ontology import ontology
from cilo.querying import queries, query, sparql
from cilo.reasoning import Reasoning, reason
from cilo.report import ValidationReport, ValidationResult
from cilo.resources import examples, profiles
from cilo.results import Results
from cilo.safety import Limits, limits
from cilo.stores import Endpoint, MemoryStore, OxigraphStore, StoredFile
from cilo.timeline import Timeline, timeline
from cilo.validation import validate
from cilo.writing import dump, dumps

__version__: str


def __getattr__(name: str) -> Any:
    """``__version__`` from the package metadata, read on first use (importlib.metadata is slow to
    import, and every ``cilo`` command would pay for it)."""
    if name != "__version__":
        raise AttributeError(f"module 'cilo' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("cilo")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        value = "0+unknown"
    globals()["__version__"] = value
    return value


__all__ = [
    "CILO",
    "CiloError",
    "DataWarning",
    "Description",
    "DescriptionError",
    "Diff",
    "Endpoint",
    "InputError",
    "InputErrors",
    "Limits",
    "MemoryStore",
    "Network",
    "NotExpressibleError",
    "OutputError",
    "OxigraphStore",
    "Query",
    "QueryError",
    "Reasoning",
    "ReasoningError",
    "RemoteDocumentError",
    "Results",
    "ShapesError",
    "StoreError",
    "StoredFile",
    "TermError",
    "TimeLimitError",
    "Timeline",
    "UnsupportedError",
    "UsageError",
    "ValidationReport",
    "ValidationResult",
    "WorkLimitError",
    "WorkerError",
    "__version__",
    "diff",
    "dump",
    "dumps",
    "examples",
    "html_report",
    "limits",
    "load",
    "network",
    "ontology",
    "profiles",
    "queries",
    "query",
    "reason",
    "sparql",
    "timeline",
    "validate",
    "write_report",
]
