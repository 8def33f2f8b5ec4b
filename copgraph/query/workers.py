"""Run queries in worker processes, so that a time limit and a memory limit can actually hold.

Neither rdflib nor Oxigraph can cancel a query from Python, and threads or signals cannot stop an aggregate or
a sort. So each query runs in a worker process that holds its own copy of the graph (inherited by ``fork``, so
starting one costs milliseconds); a query that runs past the limit has its worker killed and replaced, and the
caller gets a clear error while every other request carries on.

A worker never outlives the process that started it: the kernel kills it when its parent dies, however the
parent died (``PR_SET_PDEATHSIG`` on Linux), and it sees the end of its pipe when its parent closes it. It
holds no socket but its own pipe: not the server's listening socket, nor another worker's pipe, which it would
otherwise inherit and keep open after its parent had gone.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> graph = KnowledgeGraph.open()
>>> with QueryWorkers(graph.backend, processes=1, timeout=5) as workers:
...     workers.run("ASK { ?s a cop:Cohort }").boolean
True
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import queue
import resource
import signal
import stat
import threading
from multiprocessing.connection import Connection
from typing import Protocol

from copgraph.errors import CopgraphError
from copgraph.query.answer import Answer
from copgraph.query.check import check

__all__ = ["QueryBusy", "QueryTimeout", "QueryWorkers", "run_once"]


class QueryTimeout(CopgraphError):
    """A query ran past the time limit and was stopped."""


class QueryBusy(CopgraphError):
    """Every query worker is busy: the caller should try again in a moment."""


class Answers(Protocol):
    """What a worker asks questions of: a backend (:class:`copgraph.backends.Backend`)."""

    def query(self, text: str, *, limit: int | None = None) -> Answer: ...

    def in_worker(self) -> Answers: ...


_PR_SET_PDEATHSIG = 1

_STOPPING = "The server is stopping; try again in a moment."


def _die_with_parent(parent: int) -> None:
    """Be killed by the kernel when the parent process dies (Linux); if it has died already, go now."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def _close_inherited_sockets(keep: int) -> None:
    """Close every socket inherited from the parent but the worker's own pipe: a listening socket or another
    worker's pipe held here would outlive the parent."""
    with contextlib.suppress(OSError):
        for name in os.listdir("/proc/self/fd"):
            descriptor = int(name)
            if descriptor <= 2 or descriptor == keep:
                continue
            with contextlib.suppress(OSError):
                if stat.S_ISSOCK(os.fstat(descriptor).st_mode):
                    os.close(descriptor)


def process_memory() -> int | None:
    """This process's address space now, in bytes (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _serve(backend: Answers, connection: Connection, memory_bytes: int | None, parent: int) -> None:
    _die_with_parent(parent)
    _close_inherited_sockets(connection.fileno())
    # Python's collector never looks at what the worker inherits from the app: looking writes to each object,
    # and each page written to is copied from the app's (see bench/README.md).
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which then ends its workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    backend = backend.in_worker()
    if memory_bytes:
        # What a query may use on top of what the worker inherits from the app.
        limit = (process_memory() or 0) + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            text, limit = connection.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", backend.query(text, limit=limit))
        except CopgraphError as error:
            reply = ("error", str(error))
        except MemoryError:
            reply = ("error", "The query needed more memory than a query may use; narrow it down.")
        except Exception as error:  # the worker must answer, whatever the engine raised
            reply = ("error", f"The query failed while running: {error}.")
        try:
            connection.send(reply)
        except (OSError, ValueError):
            return


class QueryWorkers:
    """A small pool of worker processes that answer SPARQL queries within a time limit.

    Parameters
    ----------
    backend : Backend
        The graph to query; each worker gets a copy when it starts.
    processes : int
        How many queries can run at once.
    timeout : float
        Seconds a query may run before its worker is killed.
    max_rows : int, optional
        Rows a SELECT returns at most (the answer says when it was truncated).
    memory_mb : int, optional
        Memory a query may use, in MiB, on top of what a worker inherits from the app (Linux).
    wait : float, optional
        Seconds a query waits for a free worker before :class:`QueryBusy` is raised (default: the time limit).
    """

    def __init__(
        self,
        backend: Answers,
        *,
        processes: int = 2,
        timeout: float = 10.0,
        max_rows: int | None = 10_000,
        memory_mb: int | None = None,
        wait: float | None = None,
    ) -> None:
        self.backend = backend
        self.timeout = timeout
        self.max_rows = max_rows
        self.wait = timeout if wait is None else wait
        self.memory_bytes = memory_mb * 1024 * 1024 if memory_mb else None
        self._context = multiprocessing.get_context("fork")
        self._idle: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._all: dict[int, tuple] = {}
        self._closed = False
        # Workers are started by one long-lived thread, since the kernel's parent-death signal follows the
        # thread that forked, not the process: a worker started by a request's thread would die with it.
        self._requests: queue.Queue = queue.Queue()
        self._spawner = threading.Thread(target=self._spawn_loop, name="copgraph-query-workers", daemon=True)
        self._spawner.start()
        for _ in range(processes):
            self._idle.put(self._start())

    def _spawn_loop(self) -> None:
        while (reply := self._requests.get()) is not None:
            try:
                reply.put(self._fork())
            except BaseException as error:
                reply.put(error)

    def _fork(self) -> tuple:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(self.backend, child, self.memory_bytes, os.getpid()), daemon=True
        )
        process.start()
        child.close()
        worker = (process, parent)
        with self._lock:
            self._all[process.pid] = worker
        return worker

    def _start(self) -> tuple:
        reply: queue.Queue = queue.Queue(maxsize=1)
        self._requests.put(reply)
        worker = reply.get()
        if isinstance(worker, BaseException):
            raise CopgraphError(f"A query worker could not be started: {worker}.")
        return worker

    def _retire(self, worker) -> None:
        process, connection = worker
        with contextlib.suppress(OSError, ValueError):
            process.kill()
        process.join(timeout=5)
        connection.close()
        with self._lock:
            self._all.pop(process.pid, None)

    def run(self, text: str, *, max_rows: int | None = None) -> Answer:
        """Answer a query, or raise :class:`CopgraphError` (:class:`QueryTimeout` when it ran too long,
        :class:`QueryBusy` when no worker was free in time)."""
        check(text)
        if self._closed:
            raise QueryBusy(_STOPPING)
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise QueryBusy(
                f"Every query worker is busy ({len(self._all)} queries are running); try again in a moment."
            ) from None
        _, connection = worker
        try:
            connection.send((text, self.max_rows if max_rows is None else max_rows))
            if not connection.poll(self.timeout):
                self._retire(worker)
                worker = None if self._closed else self._start()
                raise QueryTimeout(
                    f"The query ran for more than {self.timeout:g} s, the time limit (setting "
                    "COPGRAPH_QUERY_TIMEOUT), and was stopped. Narrow it down, for example with LIMIT or a more "
                    "specific pattern."
                )
            status, payload = connection.recv()
        except (EOFError, OSError):
            self._retire(worker)
            if self._closed:  # the workers were ended while this query ran: the server is stopping
                worker = None
                raise QueryBusy(_STOPPING) from None
            worker = self._start()
            raise CopgraphError(
                "The query stopped its worker (it may have used too much memory); narrow it down."
            ) from None
        finally:
            if worker is not None:
                self._idle.put(worker)
        if status == "error":
            raise CopgraphError(payload)
        return payload

    @property
    def pids(self) -> list[int]:
        """The process ids of the workers now running."""
        with self._lock:
            return sorted(self._all)

    def close(self) -> None:
        """Stop every worker, busy or not, and the thread that starts them."""
        self._closed = True
        with self._lock:
            workers = list(self._all.values())
        for worker in workers:
            self._retire(worker)
        self._requests.put(None)

    def __enter__(self) -> QueryWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_once(backend: Answers, text: str, *, limit: int | None, timeout: float) -> Answer:
    """Answer one query in a worker of its own within ``timeout`` seconds (the command line's time limit)."""
    with QueryWorkers(backend, processes=1, timeout=timeout, max_rows=limit) as workers:
        return workers.run(text, max_rows=limit)
