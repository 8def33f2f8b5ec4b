"""Where copgraph's own files live, and how copgraph writes files: whole, or not at all.

The ontology, the curated data and the example queries are package data under ``copgraph/_resources/`` in a
wheel, and the top-level ``ontology/`` and ``data/`` folders in a source checkout. This is the only module that
knows which, and nothing depends on the current directory.

Every file copgraph writes goes through :func:`replacing` (or :func:`write_atomically`, its one-file form) and
every folder through :func:`replace_folder`: the new content is written beside the old under a hidden name and
swapped in only when complete, so that an error, Ctrl-C or a crash leaves the old file or folder as it was.

Example
-------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomically(folder / "a.txt", "hello\\n")
>>> (folder / "a.txt").read_text()
'hello\\n'
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from copgraph.errors import CopgraphError

__all__ = [
    "data_dir",
    "installed",
    "ontology_dir",
    "queries_dir",
    "replace_folder",
    "replacing",
    "write_atomically",
]

_PACKAGE = Path(__file__).resolve().parent


def _root() -> Path:
    bundled = _PACKAGE / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    return _PACKAGE.parent


def installed() -> bool:
    """Whether the shipped data is part of an installed package (a wheel) rather than a source checkout: then
    it is not for editing, since the next install would undo any change."""
    return _root() != _PACKAGE.parent


def ontology_dir() -> Path:
    """The folder holding ``copgraph.ttl`` (the ontology) and ``shapes.ttl`` (the SHACL shapes)."""
    return _root() / "ontology"


def data_dir() -> Path:
    """The folder holding the curated data: report TriG files, vocabularies and the reports' text."""
    return _root() / "data"


def queries_dir() -> Path:
    """The folder holding the example SPARQL queries (``*.rq``)."""
    return _PACKAGE / "query" / "example-queries"


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM until the block is done, so that a set of files is replaced whole."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: caught.append(number)) for sig in _HELD}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if caught:
        signal.raise_signal(caught[0])


_HELD = (signal.SIGINT, signal.SIGTERM)


def _sync(path: Path) -> None:
    """Make a file's content, or the renames in a folder, durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _folder_of(path: Path) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CopgraphError(f"Cannot write {path}: the folder {folder} does not exist; create it or choose another.")
    if path.is_dir():
        raise CopgraphError(f"Cannot write {path}: it is a folder; give the name of a file to write.")
    return folder


@contextlib.contextmanager
def replacing(paths: Sequence[Path | str]) -> Iterator[list[Path]]:
    """Replace several files together: yields a temporary path beside each, for the caller to write.

    The new files get the permissions of any file the user makes (the umask's). When the block ends normally,
    every file is replaced by its temporary one, with Ctrl-C and SIGTERM held
    until the last is in place; if putting one in place fails, those already replaced are put back. When the
    block raises, the temporary files are removed and every file is left as it was. An :class:`OSError` is
    reported as a :class:`CopgraphError` naming the file.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with replacing([folder / "nodes.csv", folder / "edges.csv"]) as (nodes, edges):
    ...     _ = nodes.write_text("id\\n"), edges.write_text("source,target\\n")
    >>> sorted(p.name for p in folder.iterdir())
    ['edges.csv', 'nodes.csv']
    """
    targets = [Path(path) for path in paths]
    temporaries: list[Path] = []
    backups: list[tuple[Path, Path | None]] = []  # each file put in place, and a link to what it replaced
    current = targets[0] if targets else Path(".")
    try:
        for current in targets:
            handle, name = tempfile.mkstemp(prefix=f".{current.name}.", suffix=".tmp", dir=_folder_of(current))
            os.close(handle)
            temporaries.append(Path(name))
            _umask_permissions(Path(name))
        yield list(temporaries)
        for temporary in temporaries:
            _sync(temporary)
        with interrupts_held():
            for current, temporary in zip(targets, temporaries, strict=True):
                backup = None
                if current.exists():
                    backup = current.with_name(f".{current.name}.{os.getpid()}-{time.monotonic_ns()}.old")
                    os.link(current, backup)
                os.replace(temporary, current)
                backups.append((current, backup))
            for folder in {target.parent for target in targets}:
                with contextlib.suppress(OSError):  # not every platform can open a folder
                    _sync(folder)
        backups_kept, backups = backups, []
        for _, backup in backups_kept:
            if backup is not None:
                backup.unlink(missing_ok=True)
    except OSError as error:
        for target, backup in reversed(backups):
            with contextlib.suppress(OSError):
                if backup is None:
                    target.unlink()
                else:
                    os.replace(backup, target)
        raise CopgraphError(f"Cannot write {current}: {error.strerror or error}; nothing was changed.") from None
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        for _, backup in backups:
            if backup is not None:
                backup.unlink(missing_ok=True)


def write_atomically(path: Path | str, content: str | bytes | Callable[[IO], object]) -> None:
    """Write a file whole or not at all: ``content`` is text, bytes, or a function that writes to the open file
    (for output too big to hold in memory)."""
    with replacing([path]) as (temporary,):
        mode = "wb" if isinstance(content, bytes) else "w"
        encoding = None if isinstance(content, bytes) else "utf-8"
        with open(temporary, mode, encoding=encoding, newline="" if encoding else None) as out:
            if callable(content):
                content(out)
            else:
                out.write(content)


def _umask_permissions(path: Path) -> None:
    # mkstemp makes a file only its owner can read; a file the user asked for gets the usual permissions.
    mask = os.umask(0)
    os.umask(mask)
    with contextlib.suppress(OSError):
        path.chmod(0o666 & ~mask)


#: How a staging folder left by a killed :func:`replace_folder` is named: ``.NAME.staging-*``.
_STAGING = ".{name}.staging-"


def replace_folder(target: Path | str, fill: Callable[[Path], object]) -> None:
    """Make a folder whole or not at all: ``fill(staging)`` fills a new folder beside ``target``, which then
    takes its place (the old one, if any, is removed). If ``fill`` fails, or the process is stopped, ``target``
    is left as it was; staging folders that a killed process left behind are removed first."""
    target = Path(target)
    if not target.parent.is_dir():
        raise CopgraphError(f"Cannot make {target}: the folder {target.parent} does not exist.")
    prefix = _STAGING.format(name=target.name)
    for stale in target.parent.glob(f"{glob_escape(prefix)}*"):
        if not _in_use(stale):
            shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=target.parent))
    try:
        fill(staging)
        with interrupts_held():
            old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
            if target.exists():
                target.rename(old)
            staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        raise CopgraphError(f"Cannot make {target}: {error.strerror or error}.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def glob_escape(text: str) -> str:
    """Text to use literally in a glob pattern."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _in_use(staging: Path) -> bool:
    """Whether the process that made a staging folder (its pid is in the name) is still running."""
    try:
        pid = int(staging.name.rsplit("staging-", 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
