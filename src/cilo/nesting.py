"""How initiatives nest (``cilo:partOf``): every programme above an initiative, and every part below
a programme, from the direct links. A cycle, which validation reports as a Violation
(``cilosh:PartOfCycleShape``), ends where it closes: no initiative is above itself here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def above(part_of: Mapping[T, Iterable[T]]) -> dict[T, set[T]]:
    """Initiative -> every programme it is part of, at any depth (``part_of``: the direct links)."""
    out: dict[T, set[T]] = {}
    for part in part_of:
        found: set[T] = set()
        todo = list(part_of[part])
        while todo:
            programme = todo.pop()
            if programme not in found:
                found.add(programme)
                todo.extend(part_of.get(programme, ()))
        out[part] = found - {part}
    return out


def below(part_of: Mapping[T, Iterable[T]]) -> dict[T, set[T]]:
    """Programme -> every initiative that is part of it, at any depth."""
    out: dict[T, set[T]] = defaultdict(set)
    for part, programmes in above(part_of).items():
        for programme in programmes:
            out[programme].add(part)
    return dict(out)
