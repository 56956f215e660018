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


def test_help_on_cilo_prints_no_warning_and_dir_gives_term_names() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import cilo; help(cilo)"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PAGER": "cat", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0 and "class CILO" in done.stdout
    assert done.stderr == ""
    from cilo import CILO

    assert "Actor" in dir(CILO) and all(isinstance(name, str) and ":" not in name for name in dir(CILO))
