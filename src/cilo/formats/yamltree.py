"""Read YAML (and JSON, which YAML reads too) into plain Python values that remember their line.

YAML 1.1's surprises are switched off: only ``true``/``false`` are booleans (``no`` and ``on`` stay
text) and dates stay text, so what a person writes is what cilo reads. Duplicate keys are errors,
and expanding aliases is bounded, so a small hostile file cannot grow without limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from cilo.errors import InputError

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: The tags a description may hold (implicit ones, and the same written out).
_KNOWN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
)
#: Integers from here on become xsd:double in JSON-LD (10^21); cilo keeps them as text, exact.
_EXACT_LIMIT = 10**21
# The YAML 1.2 core schema: no yes/no/on/off booleans, no sexagesimal or octal-by-leading-zero numbers.
_CORE = {
    _BOOL: (re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    _INT: (re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")),
    _FLOAT: (
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    ),
}
#: What a file may expand to, through its aliases, counted in values and characters: this many times
#: the file's own length (without aliases a file expands to at most about twice its length), plus
#: :data:`EXPANSION_ALLOWANCE`. A 470-byte file of aliases once expanded to 2 million values.
EXPANSION_FACTOR = 4
EXPANSION_ALLOWANCE = 100_000

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core booleans and no implicit timestamps."""


class _Dumper(yaml.SafeDumper):
    """SafeDumper that quotes exactly what :class:`_Loader` would read as something other than text."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


for _cls in (_Loader, _Dumper):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (*_CORE, _TIMESTAMP)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for _tag, (_regex, _first) in _CORE.items():
        _cls.add_implicit_resolver(_tag, _regex, _first)


def _decimal(loader: _Loader, node: yaml.ScalarNode) -> int:
    return int(str(loader.construct_scalar(node)), 10)


_Loader.add_constructor(_INT, _decimal)


@dataclass
class Document:
    """One YAML document as plain values, with the (line, column) of every value by its path."""

    value: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """The line and column of the value at ``path`` (of its key, with ``key=True``), or of the
        nearest enclosing value."""
        if key and path in self.key_positions:
            return self.key_positions[path]
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (None, None))


def documents(text: str, source: str) -> list[Document]:
    """Every document of the YAML stream ``text``; an :class:`InputError` naming line and column."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as e:
        raise _unreadable(e, text, source) from None
    found: list[Document] = []
    budget = [EXPANSION_FACTOR * len(text) + EXPANSION_ALLOWANCE]
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one
                break
            doc = Document(None)
            doc.value = _plain(loader, node, (), doc, source, budget)
            found.append(doc)
    except yaml.reader.ReaderError as e:
        raise _unreadable(e, text, source) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = " ".join(p for p in (e.context, e.problem) if p)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(source, f"YAML syntax error: {problem}", line=line, column=column) from None
    except yaml.YAMLError as e:  # pragma: no cover - every YAML error we know of is marked
        raise InputError(source, f"YAML syntax error: {e}") from None
    finally:
        loader.dispose()
    return found


def _unreadable(error: yaml.reader.ReaderError, text: str, source: str) -> InputError:
    """A character YAML does not allow (a NUL, a control character), with its line and column."""
    before = text[: error.position]
    line, column = before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1
    character = error.character if isinstance(error.character, str) else chr(error.character)
    return InputError(
        source,
        f"the character U+{ord(character):04X} is not allowed in YAML (write it escaped in a quoted string)",
        line=line,
        column=column,
    )


def _plain(
    loader: _Loader, node: yaml.Node, path: Path, doc: Document, source: str, budget: list[int]
) -> Any:
    budget[0] -= 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
    if budget[0] < 0:
        raise InputError(
            source,
            f"its aliases (*name) expand it to more than {EXPANSION_FACTOR} times its own size; "
            "refused (write the repeated parts out, or repeat fewer)",
        )
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    doc.positions[path] = (line, column)
    if node.tag not in _KNOWN_TAGS:
        raise InputError(
            source,
            f"unknown YAML tag {node.tag!r}: a description holds text, numbers, true/false, lists and "
            "mappings only (remove the tag, or quote the value)",
            line=line,
            column=column,
        )
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise InputError(source, f"a key must be text, found {key!r}", line=key_line)
            if key in first_seen:
                hint = (
                    "; to describe another initiative, start it with a line `---`"
                    if key == "id" and not path
                    else ""
                )
                raise InputError(
                    source,
                    f"duplicate key {key!r} (first given at line {first_seen[key]}){hint}",
                    line=key_line,
                )
            first_seen[key] = key_line
            key_path = (*path, key)
            doc.key_positions[key_path] = (key_line, key_node.start_mark.column + 1)
            result[key] = _plain(loader, value_node, key_path, doc, source, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(loader, item, (*path, i), doc, source, budget) for i, item in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXACT_LIMIT:
        value = str(value)  # JSON-LD would write it as an xsd:double; as text it keeps every digit
    if value is not None and not isinstance(value, str | int | float | bool):
        raise InputError(
            source, f"unsupported YAML value of type {type(value).__name__}", line=line, column=column
        )
    return value


def dump(docs: Iterator[Any] | list[Any], header: str = "") -> str:
    """YAML text for ``docs``, one document each, block style with one-line leaf mappings."""
    body: str = yaml.dump_all(
        docs,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=110,
        explicit_start=True,
    )
    return header + body
