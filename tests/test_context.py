"""The bundled JSON-LD context: every term it maps is a real term, and nothing is ever fetched."""

from __future__ import annotations

import json

import pytest
from rdflib import RDF, URIRef

from cilo import CILO, ontology
from cilo.context import (
    CONTEXT_URL,
    RemoteDocumentError,
    context,
    document_loader,
    expand_curie,
    term_definitions,
)
from cilo.resources import data_dir
from tests.conftest import ROOT


def test_context_is_the_file_in_ontology_folder_and_in_the_package() -> None:
    on_disk = json.loads((ROOT / "ontology" / "context.jsonld").read_text())
    assert on_disk == json.loads((data_dir("ontology") / "context.jsonld").read_text())
    assert context()["@vocab"] == str(CILO)


def test_every_cilo_term_in_the_context_is_defined_by_the_ontology() -> None:
    onto = ontology()
    for term, definition in term_definitions().items():
        iri = expand_curie(definition.get("@id") or definition["@reverse"])
        if iri.startswith(str(CILO)):
            assert (URIRef(iri), RDF.type, None) in onto, term


def test_loader_serves_the_bundled_context_and_refuses_everything_else() -> None:
    assert document_loader(CONTEXT_URL)["document"]["@context"] == context()
    for url in ("https://example.org/ctx.jsonld", "file:///etc/passwd", "/tmp/x.jsonld"):
        with pytest.raises(RemoteDocumentError, match="refused"):
            document_loader(url)
