"""cilo's JSON-LD context (``ontology/context.jsonld``), served to the JSON-LD processor from the package.

The context is never fetched: :func:`document_loader` answers its public IRI from the bundled file
and refuses every other remote or local document, so reading a description never touches the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from cilo.errors import DescriptionError, RemoteDocumentError
from cilo.resources import data_dir

#: The public IRI of the context; documents may name it as their ``@context``.
CONTEXT_URL = "https://w3id.org/cilo/context.jsonld"

#: The base IRI of local ids where a description sets none. Ids under example.org are placeholders
#: (RFC 2606): set your own base before publishing data.
DEFAULT_BASE = "https://example.org/cilo/"

NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def refused(url: str) -> RemoteDocumentError:
    """The error for a JSON-LD document cilo will not fetch."""
    return RemoteDocumentError(
        url,
        f"refused to fetch the JSON-LD document {url!r}: cilo reads no remote or local contexts; "
        f"use {CONTEXT_URL!r} (bundled) or put the context inline",
    )


@cache
def context_document() -> dict[str, Any]:
    """The bundled context document, ``{"@context": {...}}`` (do not modify it)."""
    with (data_dir("ontology") / "context.jsonld").open(encoding="utf-8") as f:
        document: dict[str, Any] = json.load(f)
    return document


def context() -> dict[str, Any]:
    """The term definitions of the bundled context (the value of its ``@context``)."""
    definitions: dict[str, Any] = context_document()["@context"]
    return definitions


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that knows one document, cilo's context, and refuses all others."""
    if url.rstrip("#") == CONTEXT_URL:
        return {"contextUrl": None, "documentUrl": CONTEXT_URL, "document": context_document()}
    raise refused(url)


@cache
def prefixes() -> Mapping[str, str]:
    """The prefixes the context declares (terms whose value is a namespace IRI); read-only."""
    return MappingProxyType(
        {
            term: value
            for term, value in context().items()
            if isinstance(value, str) and not term.startswith("@") and value.endswith(("#", "/"))
        }
    )


@cache
def term_definitions() -> Mapping[str, Mapping[str, Any]]:
    """Every term of the context that is not a prefix, as an expanded definition with ``@id``;
    read-only (computed once: a 2,000-initiative YAML file asked for it 118,000 times)."""
    found: dict[str, Mapping[str, Any]] = {}
    namespaces = prefixes()
    for term, value in context().items():
        if term.startswith("@") or term in namespaces:
            continue
        found[term] = MappingProxyType({"@id": value} if isinstance(value, str) else dict(value))
    return MappingProxyType(found)


def expand_curie(value: str) -> str:
    """``cilo:Evaluator`` -> its full IRI, with the context's prefixes; other text unchanged."""
    prefix, sep, rest = value.partition(":")
    namespaces = prefixes()
    if sep and prefix in namespaces and not rest.startswith("//"):
        return namespaces[prefix] + rest
    return value


def compact_iri(iri: str) -> str:
    """``rdfs:comment`` for the IRI of rdfs:comment, with the context's prefixes; else the IRI."""
    for prefix, namespace in prefixes().items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def check_id(text: str) -> str:
    """``text`` if it can be an id (an IRI or a part of one); a ValueError in words otherwise."""
    if not text or NOT_IN_IRIS.search(text):
        raise DescriptionError(
            f'an id cannot be empty or hold spaces or any of <>"{{}}|\\^`, as {text!r} does'
        )
    return text
