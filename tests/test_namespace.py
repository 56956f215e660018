"""``cilo.CILO`` and the ontology name exactly the same terms."""

from rdflib import RDFS, URIRef

import cilo
from cilo import CILO


def test_namespace_matches_ontology_both_ways() -> None:
    in_ttl = {
        str(s)
        for s in cilo.ontology().subjects(RDFS.isDefinedBy, URIRef("https://w3id.org/cilo"))
        if str(s).startswith(str(CILO._NS))
    }
    in_python = {str(CILO[name]) for name in CILO.__annotations__}
    assert in_python == in_ttl


def test_unknown_term_fails() -> None:
    import pytest

    with pytest.raises(AttributeError):
        _ = CILO.FuturesThinkr
    assert CILO.FuturesThinker == URIRef("https://w3id.org/cilo#FuturesThinker")
