"""Readers and writers of the description formats other than RDF: YAML/JSON-LD and CSV."""

from __future__ import annotations

from cilo.errors import InputError


def decode(data: bytes, source: str) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped); an :class:`InputError` naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(source, "the file is not valid UTF-8 text", line=line) from None
