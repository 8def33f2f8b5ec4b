"""Run one piece of work on the other core while this process does another: in a forked copy of the process.

Building the web app's state is Python work that holds Python's lock, so threads would take turns rather than
share the machine's two cores (pyoxigraph even hands the lock back and forth on every row of a result, which
makes two threads slower than one). A forked child starts with a copy of everything this process holds, the
in-memory store included, computes its part there, and sends the result back pickled through a pipe. It may
then go on to work whose result is wanted later (``afterwards``): writing a file, say, once the answer that
was waited for has been sent.

A copy costs memory as well as a core: pages are shared until written, but reading Oxigraph's in-memory
store writes to them (it counts references to what it reads), so the child comes to hold a private copy of
most of its parent, 200 MB beside 250 MB at 10,000 people. So work is forked only while this process holds
under :data:`MOST_MB` megabytes (at 100,000 people it holds two gigabytes, and the copy would take the app
past its memory budget), only for work on an in-memory graph, and only on Linux. Anywhere else, or with
``fork=False``, the work is run in this process when its result is asked for, so callers read the same
either way; :attr:`Alongside.forked` says which it was.

Example
-------
>>> with alongside(lambda: sum(range(10)), afterwards=lambda: "done") as other:
...     mine = sum(range(5))
>>> mine, other.result(), other.afterwards()
(10, 45, 'done')
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable
from typing import Generic, TypeVar

from copgraph.errors import CopgraphError

__all__ = ["MOST_MB", "Alongside", "alongside", "process_memory"]

T = TypeVar("T")

#: Above this many megabytes resident in this process, work is done here, in turn, rather than in a copy.
MOST_MB = 1024


def process_memory() -> tuple[int, int] | None:
    """This process's address space and resident memory now, in bytes (Linux), or None where they cannot be
    read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            size, resident = statm.read().split()[:2]
        return int(size) * os.sysconf("SC_PAGE_SIZE"), int(resident) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _outcome(work: Callable[[], object] | None) -> tuple[bool, object]:
    """``(True, what work returned)``, or ``(False, what it raised)``."""
    try:
        return True, (None if work is None else work())
    except BaseException as error:
        return False, error


def _unwrap(outcome: tuple[bool, object]):
    ok, value = outcome
    if not ok:
        raise value
    return value


class Alongside(Generic[T]):
    """Work started by :func:`alongside`; :meth:`result` waits for it, :meth:`afterwards` for what follows."""

    def __init__(self, work: Callable[[], T], afterwards: Callable[[], object] | None, fork: bool) -> None:
        self._work, self._then = work, afterwards
        self._pid: int | None = None
        self._pipe = None
        self._outcomes: list[tuple[bool, object]] = []
        #: Whether the work runs in a forked copy (else here, when its result is asked for).
        self.forked = False
        memory = process_memory() if fork and hasattr(os, "fork") else None
        if memory is not None and memory[1] < MOST_MB << 20:
            self._start()

    def _start(self) -> None:
        reading, writing = os.pipe()
        # Python's collector writes to every object it looks at, so a collection in either process would copy
        # the pages the two still share: the objects made so far are left out of collections (frozen) until
        # the copy has answered. At 10,000 people the network is built in 0.90 s beside the copy, not 1.08 s.
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, and leave without running the parent's exit handlers
            status = 1
            try:
                os.close(reading)
                with os.fdopen(writing, "wb") as out:
                    for work in (self._work, self._then):
                        outcome = _outcome(work)
                        try:
                            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
                        except Exception as error:
                            data = pickle.dumps((False, CopgraphError(f"A result could not be sent back: {error}")))
                        out.write(data)
                        out.flush()
                status = 0
            finally:
                os._exit(status)
        os.close(writing)
        self._pid, self._pipe = pid, os.fdopen(reading, "rb")
        self._work = self._then = None
        self.forked = True

    def _receive(self, count: int) -> None:
        """Wait until ``count`` outcomes (the work's, then what follows it) have arrived."""
        while len(self._outcomes) < count:
            if self._pid is None:
                self._outcomes.append(_outcome(self._work if not self._outcomes else self._then))
                continue
            try:
                self._outcomes.append(pickle.load(self._pipe))
            except EOFError:  # the child is gone (killed, or out of memory): nothing more will come
                while len(self._outcomes) < 2:
                    self._outcomes.append((False, CopgraphError("Work done alongside stopped before it answered.")))
            gc.unfreeze()
            if len(self._outcomes) == 2:
                self._finish()

    def _finish(self) -> None:
        if self._pid is not None:
            gc.unfreeze()
            self._pipe.close()
            os.waitpid(self._pid, 0)
            self._pid = None

    def result(self) -> T:
        """What the work returned (raised again here, if it raised)."""
        self._receive(1)
        return _unwrap(self._outcomes[0])

    def afterwards(self) -> object:
        """What the work to do afterwards returned (None if there was none), once it is done."""
        self._receive(2)
        return _unwrap(self._outcomes[1])

    def __enter__(self) -> Alongside[T]:
        return self

    def __exit__(self, *exc_info) -> None:
        if exc_info[0] is not None:
            self._finish()  # leaving because of an error here: do not leave the child behind


def alongside(
    work: Callable[[], T], *, afterwards: Callable[[], object] | None = None, fork: bool = True
) -> Alongside[T]:
    """Start ``work()``, then ``afterwards()``, in a forked copy of this process (or, with ``fork=False`` or
    where there is no ``os.fork``, run each here when its result is asked for). Their results must pickle."""
    return Alongside(work, afterwards, fork)
