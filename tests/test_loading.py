"""``cilo.load``: formats by extension, and errors that name the file, the line and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

import cilo
from cilo import InputError
from tests.conftest import ACCEPTANCE, INPUT


@pytest.mark.parametrize("suffix", ["ttl", "nt", "nq", "trig", "jsonld", "rdf"])
def test_formats_by_extension_give_the_same_graph(suffix: str) -> None:
    from rdflib.compare import isomorphic

    assert isomorphic(cilo.load(INPUT / f"complete.{suffix}"), cilo.load(INPUT / "complete.ttl"))


@pytest.mark.parametrize(
    ("name", "line", "expected"),
    [
        ("broken.ttl", 3, "Turtle syntax error"),
        ("broken.nt", 2, "N-Triples syntax error"),
        ("broken.rdf", 4, "RDF/XML syntax error"),
        ("broken.jsonld", 4, "JSON syntax error"),
    ],
)
def test_parse_errors_name_file_and_line(name: str, line: int, expected: str) -> None:
    with pytest.raises(InputError) as info:
        cilo.load(INPUT / name)
    err = info.value
    assert err.line == line
    assert str(err).startswith(f"{INPUT / name}, line {line}")
    assert expected in str(err)


def test_acceptance_broken_file_names_line_8() -> None:
    with pytest.raises(InputError) as info:
        cilo.load(ACCEPTANCE / "broken.ttl")
    assert info.value.line == 8
    assert "expected '.'" in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        cilo.load(INPUT / "absent.ttl")


def test_unknown_extension_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"unknown file extension '\.xlsx'; expected one of .*\.ttl"):
        cilo.load(INPUT / "unknown-extension.xlsx")


def test_a_failed_file_adds_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        cilo.load([INPUT / "complete.ttl", INPUT / "broken.ttl"])
    assert len(cilo.load([INPUT / "complete.ttl"])) > 0


def test_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes(b'@prefix ex: <https://example.org/> .\nex:a ex:b "caf\xe9" .\n')
    with pytest.raises(InputError):
        cilo.load(bad)
