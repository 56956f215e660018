"""A JSON array written one item a line: readable, diffable, and encoded by json's C encoder (an
``indent`` makes the json module encode in pure Python, several times slower on 100,000 items)."""

from __future__ import annotations

import json
from collections.abc import Iterable


def json_list(items: Iterable[object], indent: int = 2) -> str:
    """``items`` as a JSON array, each on a line of its own indented by ``indent`` spaces, the closing
    bracket by two fewer (to sit inside an object indented by two); ``[]`` when there are none."""
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps makes one a call
    inside = " " * indent
    body = f",\n{inside}".join(map(encode, items))
    return f"[\n{inside}{body}\n{' ' * (indent - 2)}]" if body else "[]"
