"""One error hierarchy: every error a user can meet is a :class:`cilo.CiloError`, defined in
``cilo/errors.py``, exported, and turned by the command line into one line and its exit code."""

from __future__ import annotations

import ast
import builtins
import inspect
from pathlib import Path

import pytest

import cilo
from cilo import cli, errors
from tests.conftest import ROOT

SOURCES = sorted((ROOT / "src" / "cilo").rglob("*.py"))
CLASSES = [
    c
    for _, c in inspect.getmembers(errors, inspect.isclass)
    if c.__module__ == errors.__name__ and not issubclass(c, Warning)  # a warning is not an error
]


def test_the_warning_about_data_is_exported_beside_the_errors() -> None:
    assert issubclass(errors.DataWarning, UserWarning) and cilo.DataWarning is errors.DataWarning


def test_every_error_is_a_cilo_error_and_exported() -> None:
    assert len(CLASSES) >= 12
    for cls in CLASSES:
        assert issubclass(cls, cilo.CiloError), cls
        assert cls.__name__ in cilo.__all__ and getattr(cilo, cls.__name__) is cls
        assert cls.__doc__, cls
        assert cls.exit_code == 2


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT / "src")))
def test_errors_are_defined_only_in_errors_py(path: Path) -> None:
    if path.name == "errors.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = {ast.unparse(b) for b in node.bases}
            assert not any(b.endswith(("Error", "Exception")) for b in bases), f"{path.name}: {node.name}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT / "src")))
def test_no_builtin_exception_is_raised_at_users(path: Path) -> None:
    """A raise of a built-in exception (ValueError, RuntimeError, ...) would reach users as a traceback.
    AttributeError is a protocol (a module's ``__getattr__``), not an error report."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and isinstance(node.exc.func, ast.Name)
        ):
            name = node.exc.func.id
            raised = None if name == "AttributeError" else getattr(builtins, name, None)
            assert not (inspect.isclass(raised) and issubclass(raised, BaseException)), (
                f"{path.name}, line {node.lineno}: raise {name}"
            )


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_the_command_line_prints_each_error_in_one_line_with_its_exit_code(
    cls: type[cilo.CiloError], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    error = cls.__new__(cls)
    Exception.__init__(error, "what went wrong, in words")

    def fail(args: object) -> int:
        raise error

    monkeypatch.setattr(cli, "_command", fail)
    assert cli.main(["summary"]) == cls.exit_code
    out = capsys.readouterr()
    assert out.out == "" and out.err == "cilo: error: what went wrong, in words\n"


def test_the_command_line_offers_the_librarys_choices() -> None:
    from cilo import choices

    parser = cli._parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices  # type: ignore[union-attr]
    option = {
        (command, action.dest): tuple(action.choices)
        for command, p in sub.items()
        for action in p._actions
        if action.choices is not None and action.dest not in ("store_command",)
    }
    assert option[("validate", "format")] == choices.REPORT_FORMATS
    assert option[("validate", "engine")] == choices.ENGINES
    assert option[("reason", "engine")] == choices.REASONING_ENGINES
    assert option[("network", "format")] == choices.NETWORK_FORMATS
    assert option[("query", "format")] == choices.RESULTS_FORMATS
    assert option[("convert", "to")] == choices.WRITE_FORMAT_NAMES
    profile_help = next(a.help for a in sub["validate"]._actions if a.dest == "profile")
    assert all(name in (profile_help or "") for name in cilo.profiles())  # a name or a file of one's own
