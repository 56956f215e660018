"""Coverage profiles as data (cilo.profile): declared in YAML or on the command line, compiled to SHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import SH

import cilo
from cilo import CILO, InputErrors, ShapesError
from cilo.profile import new, read
from cilo.resources import data_dir, profiles
from tests.conftest import EXAMPLES, FIXTURES, run_cli

PROFILES = FIXTURES / "profiles"
FINNISH = EXAMPLES / "finnish-ci-model.yaml"


@pytest.mark.parametrize("name", profiles())
def test_the_bundled_profiles_are_compiled_from_their_declarations(name: str) -> None:
    folder = data_dir("shapes") / "profiles"
    declared = read(Path(str(folder / f"{name}.yaml")))
    assert declared.to_turtle() == (folder / f"{name}.ttl").read_text(encoding="utf-8")


def test_a_declared_profile_requires_some_functions_and_advises_others() -> None:
    report = cilo.validate(FINNISH, profile=str(PROFILES / "start-up.yaml"))
    assert report.conforms and report.profile == "start-up"
    advised = [r for r in report.results if r.rule == "StartUpProfileAdvice"]
    assert {(r.severity, r.value) for r in advised} == {(SH.Warning, CILO.Sponsor)}
    assert len(advised) == 2  # Soite and Siunsote, the two initiatives without a sponsor
    lacking = cilo.validate(EXAMPLES / "english-ics.yaml", profile=str(PROFILES / "start-up.yaml"))
    reference = cilo.validate(
        EXAMPLES / "english-ics.yaml", profile=str(PROFILES / "start-up.yaml"), engine="pyshacl"
    )
    key = sorted((str(r.focus_node), str(r.value), str(r.severity)) for r in lacking.results)
    assert key == sorted((str(r.focus_node), str(r.value), str(r.severity)) for r in reference.results)


def test_the_command_line_writes_the_same_profile_and_validates_with_it(tmp_path: Path) -> None:
    out = tmp_path / "start-up.ttl"
    done = run_cli(
        "profile", "new", "start-up", "--requires", "Initiator,Champion,Facilitator,Catalyst",
        "--warn", "Sponsor", "-o", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    declared = read(PROFILES / "start-up.yaml")
    made = new("start-up", ["Initiator", "Champion", "Facilitator", "Catalyst"], ["Sponsor"])
    assert (made.requires, made.warn, made.shape) == (declared.requires, declared.warn, declared.shape)
    by_file = run_cli("validate", FINNISH, "--profile", out)
    by_declaration = run_cli("validate", FINNISH, "--profile", PROFILES / "start-up.yaml")
    assert by_file.returncode == by_declaration.returncode == 0
    assert by_file.stdout.splitlines()[:-1] == by_declaration.stdout.splitlines()[:-1]


def test_a_declaration_with_mistakes_tells_them_all_with_their_lines() -> None:
    with pytest.raises(InputErrors) as caught:
        read(PROFILES / "mistakes.yaml")
    said = [(e.line, e.message.split(";")[0].split(" (")[0]) for e in caught.value.errors]
    assert said == [
        (2, "'name' is lower-case letters, digits and hyphens, such as 'start-up', not 'Start Up'"),
        (3, "unknown leadership function 'Initiater'"),
        (4, "Catalyst: required and advised at once"),
        (5, "unknown key 'level'"),
    ]


def test_a_profile_of_nothing_or_of_unknown_functions_is_refused() -> None:
    with pytest.raises(ShapesError, match="at least one function"):
        new("empty", [])
    with pytest.raises(cilo.TermError, match="did you mean 'Catalyst'"):
        new("typo", ["Catalist"])
    done = run_cli("profile", "new", "typo", "--requires", "Catalist")
    assert done.returncode == 2 and "did you mean 'Catalyst'" in done.stderr
