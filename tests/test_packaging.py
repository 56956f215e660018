"""The wheel carries ontology, shapes, queries and examples, and works with no repository beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import cilo
from tests.conftest import ROOT


def test_resources_are_found_with_importlib() -> None:
    from cilo import resources

    assert resources.ontology_file().is_file()
    assert {f.name for f in resources.base_shapes_files()} >= {
        "assignments.ttl",
        "levels.ttl",
        "prefixes.ttl",
    }
    assert (resources.data_dir("queries") / "table3.rq").is_file()
    assert [e.name for e in cilo.examples()] == sorted(p.name for p in (ROOT / "examples").glob("*.yaml"))
    assert (resources.data_dir("ontology") / "context.jsonld").is_file()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("cilo-*.whl")
    return whl


def test_wheel_contains_the_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (
        "cilo/data/ontology/cilo.ttl",
        "cilo/data/shapes/profiles/nine-functions.ttl",
        "cilo/data/queries/table3.rq",
        "cilo/data/ontology/context.jsonld",
        "cilo/data/examples/finnish-ci-model.yaml",
        "cilo/data/examples/finnish-ci-model.ttl",
        "cilo/data/examples/english-ics.csv",
        "cilo/py.typed",
        "cilo/templates/report.html.j2",
        "cilo/templates/report.css",
    ):
        assert path in names
    assert not any(n.startswith("src/") for n in names)


def test_installed_wheel_works_with_no_repository_beside_it(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    script = (
        "import cilo, pathlib\n"
        "assert pathlib.Path(cilo.__file__).is_relative_to(pathlib.Path(r'%s'))\n"
        "g = cilo.ontology(); assert len(g) > 500\n"
        "(fi,) = [e for e in cilo.examples() if e.name == 'finnish-ci-model.yaml']\n"
        "r = cilo.validate(pathlib.Path(str(fi)))\n"
        "page = cilo.html_report(pathlib.Path(str(fi)))\n"
        "assert '<style>' in page and 'Family services CI, Soite' in page\n"
        "print(len(g), r.conforms, len(r.results))\n"
    ).replace("%s", str(target))
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[1:] == ["False", "2"]
