"""The documentation: generated pages are current, and every relative link points at a file."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_generated_reference_pages_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "build.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_the_references_document_every_cilo_term() -> None:
    from rdflib import OWL, RDF

    from cilo.ontology import ontology
    from cilo.vocabulary import defined_terms, local_name

    g = ontology()
    individuals = {t for t in defined_terms() if (t, RDF.type, OWL.NamedIndividual) in g}
    lode = (ROOT / "docs" / "reference" / "ontology.html").read_text(encoding="utf-8")
    listed = (ROOT / "docs" / "reference" / "individuals.md").read_text(encoding="utf-8")
    assert [str(t) for t in defined_terms() - individuals if str(t) not in lode] == []
    assert [str(t) for t in individuals if f"`cilo:{local_name(t)}`" not in listed] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page) -> None:  # type: ignore[no-untyped-def]
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"


def test_cli_reference_lists_every_command() -> None:
    from cilo.cli import _parser

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    help_text = _parser().format_help()
    for command in ("summary", "validate", "reason", "network", "report", "convert", "query", "store"):
        assert command in help_text
        assert f"## cilo {command}" in page
