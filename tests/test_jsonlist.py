"""``cilo.formats.jsonlist``: a JSON array one item a line (timeline and diff output)."""

from __future__ import annotations

import json

from cilo.formats.jsonlist import json_list


def test_one_item_a_line_and_the_same_json() -> None:
    items = [{"a": 1, "b": None}, {"text": 'Päijät-Häme\n"quoted"', "list": [1, 2]}, [], "x"]
    text = json_list(items)
    assert json.loads(text) == items
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(items) + 2
    assert lines[2] == '  {"text": "Päijät-Häme\\n\\"quoted\\"", "list": [1, 2]},'  # not escaped to ASCII


def test_nested_indent_and_no_items() -> None:
    assert json_list([{"k": True}], indent=4) == '[\n    {"k": true}\n  ]'
    assert json_list([]) == "[]" and json_list(iter(())) == "[]"
    assert json.loads('{"changes": ' + json_list([1, 2], indent=4) + "}") == {"changes": [1, 2]}
