"""What copgraph keeps so that an unchanged start is fast: built graphs, and what was computed from them.

**The build cache.** Building the in-memory graph (parse, derive, entail) takes seconds for a national-size graph and
gives the same result every time the same files are read by the same copgraph. So the finished graph is kept,
as N-Quads, in an entry named after everything it was built from (:func:`key`): the content of every file read,
the audience it was built for, and copgraph's own code. The next start with the same inputs reads that entry
(:func:`read`) instead of building. Change any file, or copgraph, and the name changes: the graph is built anew.

Where: ``COPGRAPH_CACHE`` if set (``off`` turns the cache off), else ``$XDG_CACHE_HOME/copgraph/builds``, else
``~/.cache/copgraph/builds``. Entries hold personal data, as the source files do: the folder is readable by
its owner only, only the :data:`MOST_KEPT` most recently used entries are kept, and ``copgraph forget`` empties
it (:func:`clear`). A cache that cannot be written (a read-only home, a full disk) is skipped, never an error;
an entry that cannot be read is removed and the graph built again. Only the default store (Oxigraph in memory)
is cached.

**Kept results.** A graph that does not change (an on-disk store, which ``copgraph build`` stamps with a new
version, or a build cache entry) has what is computed from it at start (the network, the entity index, the
counts) kept beside it, keyed by that version (:func:`kept`): every later start reads it in a fraction of a
second. The files are pickles that copgraph wrote itself into the store's own folder; nothing else is read.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from copgraph.backends import Backend
from copgraph.errors import CopgraphError
from copgraph.files import replace_folder, write_atomically

__all__ = ["MOST_KEPT", "VERSION_FILE", "clear", "entries", "folder", "keep", "kept", "key", "read", "stamp"]

T = TypeVar("T")

#: How many build cache entries are kept; the least recently used go first.
MOST_KEPT = 3

#: What ``COPGRAPH_CACHE`` is set to to turn the cache off.
OFF = {"off", "no", "none", "0", "false"}

#: The file in a store's folder (or a cache entry) that holds its version.
VERSION_FILE = "copgraph-version"

_GRAPH = "graph.nq"
_LAYOUT = "2"  # the layout of an entry: change it when that changes


def folder() -> Path | None:
    """Where the build cache lives, or None when ``COPGRAPH_CACHE`` turns it off."""
    chosen = os.environ.get("COPGRAPH_CACHE")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF or not chosen.strip() else Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "copgraph" / "builds"


def key(files: Iterable[tuple[str, Path]], audience: str) -> str | None:
    """The name of the entry for a build of ``files`` (each ``(role, path)``: a file's role and name matter as
    well as its content, since an included file's name names its graph) for ``audience``; None when the cache
    is off, or a file cannot be read (the build will say which, and why)."""
    if folder() is None:
        return None
    digest = hashlib.sha256(f"copgraph build cache {_LAYOUT}\n{_code()}\n{audience}\n".encode())
    try:
        for role, path in files:
            digest.update(f"{role}\n{Path(path).name}\n{_content(Path(path))}\n".encode())
    except OSError:
        return None
    return digest.hexdigest()[:40]


def read(name: str, backend: Backend) -> bool:
    """Fill an empty in-memory backend from the entry ``name``; False (and the backend left empty) when there
    is no such entry, or it cannot be read (it is removed then)."""
    root = folder()
    if root is None:
        return False
    entry = root / name
    graph = entry / _GRAPH
    if not graph.is_file():
        return False
    try:
        backend.restore(graph)
    except CopgraphError:
        shutil.rmtree(entry, ignore_errors=True)
        return False
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept longest
    backend.folder = entry
    return True


def keep(name: str, backend: Backend) -> bool:
    """Keep a freshly built graph as the entry ``name``; False when the cache is off or cannot be written."""
    root = folder()
    if root is None:
        return False
    try:
        root.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            root.chmod(0o700)  # the entries hold what the source files hold, personal data included

        def fill(staging: Path) -> None:
            backend.dump(staging / _GRAPH)
            (staging / VERSION_FILE).write_text(name + "\n", encoding="ascii")

        replace_folder(root / name, fill)
    except (OSError, CopgraphError):
        return False
    backend.folder = root / name
    for stale in entries()[MOST_KEPT:]:
        shutil.rmtree(stale, ignore_errors=True)
    return True


def entries() -> list[Path]:
    """The cache's entries, most recently used first."""
    root = folder()
    if root is None or not root.is_dir():
        return []
    found = [path for path in root.iterdir() if path.is_dir() and not path.name.startswith(".")]
    return sorted(found, key=lambda path: path.stat().st_mtime, reverse=True)


def clear() -> int:
    """Remove every entry (and anything half-written); return how many entries there were."""
    root = folder()
    if root is None or not root.is_dir():
        return 0
    count = len(entries())
    for path in root.iterdir():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
    return count


def stamp(store_folder: Path) -> str:
    """Give the store in ``store_folder`` a new version (at the end of a build)."""
    value = os.urandom(8).hex()
    (Path(store_folder) / VERSION_FILE).write_text(value + "\n", encoding="ascii")
    return value


def version(store_folder: Path | None) -> str | None:
    """The version of the graph kept in a folder (a store's, or a cache entry), or None for none."""
    if store_folder is None:
        return None
    try:
        return (Path(store_folder) / VERSION_FILE).read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def kept(store_folder: Path | None, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned before for this version of the graph kept in ``store_folder``; the
    result is kept there for next time. Without a folder, or a version, it is computed every time."""
    current = version(store_folder)
    if current is None:
        return compute()
    path = Path(store_folder) / "cache" / f"{name}-{current}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass  # not computed yet for this version, or written by another copgraph: compute it again
    value = compute()
    with contextlib.suppress(OSError, CopgraphError):  # a read-only store still works, only slower to start
        path.parent.mkdir(exist_ok=True)
        write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _content(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _code() -> str:
    """copgraph's own code and the versions of the libraries that parse and store: what else a build depends on."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\n" + path.read_bytes())
    for library in ("rdflib", "pyoxigraph", "oxrdflib"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library} {metadata.version(library)}\n".encode())
    return digest.hexdigest()
