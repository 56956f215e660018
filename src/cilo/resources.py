"""Where the bundled data files live: found with importlib.resources, from a wheel or an editable install.

The top-level ``ontology/``, ``shapes/``, ``queries/`` and ``examples/`` folders of the repository are the one
source of these files; the wheel ships them as ``cilo/data/<folder>``.
"""

from __future__ import annotations

import sys
from importlib.resources import files

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover
    from importlib.abc import Traversable

from cilo.errors import ShapesError

__all__ = [
    "DEFAULT_PROFILE",
    "Traversable",
    "base_shapes_files",
    "data_dir",
    "examples",
    "ontology_file",
    "profile_file",
    "profiles",
]

#: The profile used when none is named.
DEFAULT_PROFILE = "nine-functions"


def data_dir(folder: str) -> Traversable:
    """The bundled folder ``ontology``, ``shapes``, ``queries`` or ``examples``."""
    return files("cilo") / "data" / folder


def ontology_file() -> Traversable:
    """The ontology, ``ontology/cilo.ttl``."""
    return data_dir("ontology") / "cilo.ttl"


def base_shapes_files() -> list[Traversable]:
    """The shapes that always apply, whatever the profile: every ``shapes/*.ttl``."""
    folder = data_dir("shapes")
    return sorted(
        (f for f in folder.iterdir() if f.is_file() and f.name.endswith(".ttl")), key=lambda f: f.name
    )


def examples(format: str = "yaml") -> list[Traversable]:
    """The bundled example descriptions (``examples/``), sorted by name.

    Each example is written by hand in YAML (the default); ``format="ttl"`` or ``"csv"`` gives its
    twins, written from the YAML by ``cilo convert``.
    """
    folder = data_dir("examples")
    suffix = "." + format.lstrip(".")
    return sorted(
        (f for f in folder.iterdir() if f.is_file() and f.name.endswith(suffix)), key=lambda f: f.name
    )


def profiles() -> list[str]:
    """The names of the bundled profiles (``shapes/profiles/*.ttl``)."""
    folder = data_dir("shapes") / "profiles"
    return sorted(f.name[: -len(".ttl")] for f in folder.iterdir() if f.name.endswith(".ttl"))


def profile_file(name: str) -> Traversable:
    """The shapes file of the profile ``name``; a clear error listing the known ones otherwise."""
    known = profiles()
    if name not in known:
        raise ShapesError(f"unknown profile {name!r}; the known profiles are: {', '.join(known)}")
    return data_dir("shapes") / "profiles" / f"{name}.ttl"
