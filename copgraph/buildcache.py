"""The build cache: the last few graphs built in memory, kept so that an unchanged start is fast.

Building the in-memory graph (parse, derive, entail) and computing what the web app needs from it (the network,
the entity index, the counts) takes seconds at 10,000 people and a minute at 100,000, and gives the same result
every time the same files are read by the same copgraph. So the finished graph is kept, as N-Quads, in a cache
entry named after everything it was built from: the content of every file read (ontology, vocabularies,
reports and imports, included files), the audience it was built for, and copgraph's own code. The next start
with the same inputs reads that entry instead of building, and :mod:`copgraph.cache` keeps the network, entity
index and counts beside it. Change any file, or copgraph, and the name changes: the graph is built afresh.

Where: ``COPGRAPH_CACHE`` if set (``off`` turns the cache off), else ``$XDG_CACHE_HOME/copgraph/builds``, else
``~/.cache/copgraph/builds``. Entries hold personal data, as the source files do: the folder is readable by
its owner only, only the :data:`MOST_KEPT` most recently used entries are kept, and ``copgraph forget``
empties it. A cache that cannot be written (a read-only home, a full disk) is skipped, never an error; an entry
that cannot be read is removed and the graph built again.

Only the default store (Oxigraph in memory) is cached; ``rdflib`` is built every time, for comparison.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from copgraph.cache import VERSION_FILE
from copgraph.errors import CopgraphError
from copgraph.files import replace_folder

__all__ = ["MOST_KEPT", "clear", "entries", "folder", "key", "read", "unkept", "write"]

#: How many entries are kept; the least recently used go first.
MOST_KEPT = 3

#: What ``COPGRAPH_CACHE`` is set to to turn the cache off.
OFF = {"off", "no", "none", "0", "false"}

_GRAPH = "graph.nq"
_VERSION = "1"  # the layout of an entry: change it when that changes


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
    digest = hashlib.sha256(f"copgraph build cache {_VERSION}\n{_code()}\n{audience}\n".encode())
    try:
        for role, path in files:
            digest.update(f"{role}\n{Path(path).name}\n{_content(Path(path))}\n".encode())
    except OSError:
        return None
    return digest.hexdigest()[:40]


def read(name: str, dataset: Dataset) -> bool:
    """Fill an empty in-memory ``dataset`` from the entry ``name``; False (and the dataset left empty) when
    there is no such entry, or it cannot be read (it is removed then)."""
    root = folder()
    if root is None:
        return False
    entry = root / name
    graph = entry / _GRAPH
    if not graph.is_file():
        return False
    try:
        dataset.store._inner.load(path=str(graph), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError, ValueError):
        dataset.store._inner.clear()
        shutil.rmtree(entry, ignore_errors=True)
        return False
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept longest
    dataset.store.keep = str(entry)
    return True


def write(name: str, dataset: Dataset) -> bool:
    """Keep a freshly built ``dataset`` as the entry ``name`` (and the results computed from it later, through
    :mod:`copgraph.cache`); False when the cache is off or cannot be written."""
    root = folder()
    if root is None:
        return False
    try:
        root.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            root.chmod(0o700)  # the entries hold what the source files hold, personal data included
    except OSError:
        return False
    entry = root / name

    def fill(staging: Path) -> None:
        dataset.store._inner.dump(str(staging / _GRAPH), format=ox.RdfFormat.N_QUADS)
        (staging / VERSION_FILE).write_text(name + "\n", encoding="ascii")

    try:
        replace_folder(entry, fill)
    except CopgraphError:
        return False
    dataset.store.keep = str(entry)
    dataset.store.unkept = None
    _prune(root)
    return True


def unkept(dataset: Dataset) -> str | None:
    """The name of the entry a graph that :func:`copgraph.build.load` built with ``keep=False`` is to be kept
    as (with :func:`write`), or None: read from the cache, not built in memory, or the cache is off."""
    return getattr(dataset.store, "unkept", None)


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


def _prune(root: Path) -> None:
    for stale in entries()[MOST_KEPT:]:
        shutil.rmtree(stale, ignore_errors=True)


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
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\n" + path.read_bytes())
    for library in ("rdflib", "pyoxigraph", "oxrdflib"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library} {metadata.version(library)}\n".encode())
    return digest.hexdigest()
