"""Results computed from a store that does not change, kept beside it and keyed by the store's version.

An on-disk store (``oxigraph:PATH``) never changes after ``copgraph build``, which stamps it with a new version.
What the web app and the commands compute from it at start (the NetworkX network, the entity index, the
counts) is therefore computed once per version and kept in ``PATH/cache/``; every later start reads it in a
fraction of a second instead of querying the whole graph again. The same holds for an in-memory graph read
from, or written to, the build cache (:mod:`copgraph.buildcache`): its results are kept in the cache entry.
Other stores, built in memory with no cache or able to change under us (a SPARQL server), are computed every
time.

The cache files are pickles that copgraph wrote itself into the store's own folder; nothing else is read.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rdflib import Dataset

from copgraph.errors import CopgraphError
from copgraph.files import write_atomically

__all__ = ["VERSION_FILE", "cached", "remember", "stamp", "version"]

T = TypeVar("T")

#: The file in an on-disk store's folder that holds its version.
VERSION_FILE = "copgraph-version"


def stamp(folder: Path) -> str:
    """Give the store in ``folder`` a new version (at the end of a build)."""
    value = os.urandom(8).hex()
    (Path(folder) / VERSION_FILE).write_text(value + "\n", encoding="ascii")
    return value


def version(dataset: Dataset) -> str | None:
    """The version of an on-disk store, or None for a store that has none (built in memory, or a server)."""
    folder = getattr(dataset.store, "keep", None)
    if not folder:
        return None
    try:
        return (Path(folder) / VERSION_FILE).read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def cached(dataset: Dataset, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned for this version of the store before."""
    path = _path(dataset, name)
    if path is None:
        return compute()
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass  # not computed yet for this version, or written by another copgraph: compute it again
    value = compute()
    _write(path, value)
    return value


def remember(dataset: Dataset, name: str, value: object) -> None:
    """Keep ``value``, computed before the store had a version, as what :func:`cached` would have computed."""
    path = _path(dataset, name)
    if path is not None:
        _write(path, value)


def _path(dataset: Dataset, name: str) -> Path | None:
    current = version(dataset)
    return None if current is None else Path(dataset.store.keep) / "cache" / f"{name}-{current}.pickle"


def _write(path: Path, value: object) -> None:
    with contextlib.suppress(OSError, CopgraphError):  # a read-only store still works, only slower to start
        path.parent.mkdir(exist_ok=True)
        write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
