"""The wheel carries ontology, shapes, queries and examples, and works with no repository beside it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import cilo
from tests.conftest import FIXTURES, ROOT


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


def _install(wheel: Path, target: Path) -> None:
    """The wheel alone (no dependencies, no index) into the folder ``target``."""
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
    _install(wheel, target)
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


# --- every command and every public function from a plain install -------------------------------

PLAIN = Path(__file__).resolve().parent / "plain_install.py"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_modules(site: Path) -> set[str]:
    """The top-level modules of cilo (installed in ``site``) and of the closure of its runtime
    ``Requires-Dist`` (extras and markers that do not apply here left out)."""
    from importlib.metadata import distribution, distributions, packages_distributions

    from packaging.requirements import Requirement

    (cilo_dist,) = [d for d in distributions(path=[str(site)]) if d.metadata["Name"] == "cilo"]
    wanted, queue = set(), list(cilo_dist.requires or [])
    while queue:
        requirement = Requirement(queue.pop())
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = _canonical(requirement.name)
        if name not in wanted:
            wanted.add(name)
            queue.extend(distribution(name).requires or [])
    modules = {"cilo"}
    for module, dists in packages_distributions().items():
        if any(_canonical(d) in wanted for d in dists):
            modules.add(module)
    return modules


@pytest.fixture(scope="module")
def plain(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """The wheel installed into a folder of its own, the environment that puts it first, and the
    list of modules a plain install has (written to a file for tests/plain_install.py)."""
    site = tmp_path_factory.mktemp("plain-site")
    _install(wheel, site)
    allowed = tmp_path_factory.mktemp("plain") / "allowed.json"
    modules = runtime_modules(site)
    assert {"rdflib", "pyshacl", "pyoxigraph", "networkx", "yaml"} <= modules
    assert not {"numpy", "pandas", "pytest", "selenium", "hypothesis"} & modules
    allowed.write_text(json.dumps(sorted(modules)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site)}
    return site, env, allowed


def _guarded(
    plain: tuple[Path, dict[str, str], Path], cwd: Path, mode: str, *args: str | Path
) -> subprocess.CompletedProcess[str]:
    _site, env, allowed = plain
    return subprocess.run(
        [sys.executable, str(PLAIN), str(allowed), mode, *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_guard_refuses_what_a_plain_install_lacks(
    plain: tuple[Path, dict[str, str], Path], tmp_path: Path
) -> None:
    script = tmp_path / "numpy.py.txt"
    script.write_text("import cilo, pathlib\nprint(pathlib.Path(cilo.__file__).parent)\nimport numpy\n")
    done = _guarded(plain, tmp_path, "api", script)
    assert (
        done.returncode == 1 and "No module named 'numpy' (not a runtime dependency of cilo)" in done.stderr
    )
    assert Path(done.stdout.strip()).is_relative_to(plain[0])  # the wheel's cilo, not the repository's


#: Every command, as a user runs it on the examples: arguments and the documented exit code.
COMMANDS: list[tuple[list[str], int]] = [
    (["summary"], 0),
    (["--version"], 0),
    (["validate", "finnish.yaml"], 1),
    (["validate", "english.ttl", "--format", "json"], 0),
    (["validate", "finnish.yaml", "--format", "turtle", "--engine", "pyshacl"], 1),
    (["validate", "finnish.yaml", "--reason", "--profile", "eight-functions"], 1),
    (["validate", "english.ttl", "--shapes", "missing.ttl"], 2),
    *[
        (["convert", "finnish.yaml", "--to", fmt, "-o", f"out.{fmt}"], 0)
        for fmt in ("ttl", "nt", "rdf", "jsonld", "yaml", "csv")
    ],
    (["query", "--list"], 0),
    (["query", "who-holds-role", "finnish.yaml", "--bind", "role=Evaluator", "--format", "csv"], 0),
    (["query", "mine.rq", "finnish.yaml", "--format", "json", "--time-limit", "60"], 0),
    (["store", "load", "db", "finnish.yaml", "english.ttl"], 0),
    (["store", "list", "db"], 0),
    (["query", "coverage-matrix", "--store", "db"], 0),
    (["store", "remove", "db", "english.ttl"], 0),
    (["reason", "finnish.yaml", "-o", "closure.ttl"], 0),
    *[(["network", "finnish.yaml", "--format", fmt], 0) for fmt in ("table", "json", "graphml", "gexf")],
    (["report", "finnish.yaml", "-o", "report.html"], 0),
    (["report", "missing.yaml"], 2),
    (["timeline", "finnish.yaml", "--format", "csv"], 0),
    (["diff", "finnish.yaml", "--", "english.ttl", "--format", "json"], 1),
    (["diff", "finnish.yaml", "--after", "finnish.yaml"], 0),
]


def test_every_command_works_from_a_plain_install(
    plain: tuple[Path, dict[str, str], Path], tmp_path: Path
) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "finnish-ci-model.yaml", work / "finnish.yaml")
    shutil.copy(ROOT / "examples" / "english-ics.ttl", work / "english.ttl")
    (work / "mine.rq").write_text("SELECT ?i WHERE { ?i a <https://w3id.org/cilo#Initiative> }\n")
    covered = {args[0] for args, _ in COMMANDS} | {
        f"store {args[1]}" for args, _ in COMMANDS if args[0] == "store"
    }
    assert covered >= {
        "summary",
        "validate",
        "convert",
        "query",
        "reason",
        "network",
        "report",
        "timeline",
        "diff",
        "store load",
        "store list",
        "store remove",
    }
    for args, code in COMMANDS:
        done = _guarded(plain, work, "cli", *args)
        assert "Traceback" not in done.stderr, f"cilo {' '.join(args)}:\n{done.stderr}"
        assert done.returncode == code, f"cilo {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
        if code == 2:
            assert done.stderr.startswith("cilo: error: ") and done.stderr.count("\n") == 1
    assert (work / "report.html").read_text(encoding="utf-8").count("<svg") >= 1


def test_every_public_name_works_from_a_plain_install(
    plain: tuple[Path, dict[str, str], Path], tmp_path: Path
) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    done = _guarded(plain, work, "api", FIXTURES / "plain" / "api.py")
    assert done.returncode == 0, done.stderr
    used = set(json.loads(done.stdout.splitlines()[-1]))
    assert used == set(cilo.__all__), f"not used: {sorted(set(cilo.__all__) - used)}"
