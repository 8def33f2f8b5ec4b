"""Run user queries in worker processes, so a time limit and a memory limit can actually hold.

Neither rdflib nor Oxigraph can cancel a query from Python, and threads or signals cannot stop an aggregate or
a sort (see MEASURED.md). So each query runs in a worker process that holds its own copy of the graph
(inherited by ``fork``, so starting one costs milliseconds); a query that runs past the limit has its worker
killed and replaced, and the caller gets a clear error while every other request carries on.

Queries are checked (:func:`copgraph.sparql.parse`) before they reach a worker, and run there through
:func:`copgraph.sparql.run`: the same single path as everywhere else.

Example
-------
>>> from copgraph.build import load
>>> with QueryWorkers(load(), processes=1, timeout=5) as workers:
...     workers.run("ASK { ?s a cop:Cohort }").boolean
True
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import resource
import threading
from multiprocessing.connection import Connection

from rdflib import Dataset, Graph

from copgraph.alongside import process_memory
from copgraph.errors import CopgraphError
from copgraph.namespaces import bind_prefixes
from copgraph.sparql import Answer, check, run
from copgraph.store import reopen_in_worker

__all__ = ["QueryTimeout", "QueryWorkers"]


class QueryTimeout(CopgraphError):
    """A query ran past the time limit and was stopped."""


def _serve(graph: Dataset, connection: Connection, memory_bytes: int | None) -> None:
    # Python's collector never looks at what the worker inherits from the app: looking writes to each object,
    # and each page written to is copied from the app's. Unfrozen, a query took thousands of such copies on every
    # run (750-4,800 at 10,000 people), and with them up to twice as long as in the app; frozen, tens.
    gc.freeze()
    graph = reopen_in_worker(graph)
    if memory_bytes:
        # The limit is what a query may use on top of what the worker inherits from the app: at 100,000 people
        # the app holds over 2 GB of address space, and a limit counted from zero would leave a query nothing.
        limit = (process_memory() or (0, 0))[0] + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        text, max_rows = request
        try:
            answer = run(graph, text, max_rows=max_rows)
            if answer.graph is not None:
                answer.graph = answer.graph.serialize(format="nt")
            connection.send(("ok", answer))
        except CopgraphError as error:
            connection.send(("error", str(error)))
        except MemoryError:
            connection.send(("error", "The query needed more memory than a query may use; narrow it down."))
        except Exception as error:  # the worker must answer, whatever the engine raised
            connection.send(("error", f"The query failed while running: {error}."))


class QueryWorkers:
    """A small pool of worker processes that answer SPARQL queries within a time limit.

    Parameters
    ----------
    graph : Dataset
        The graph to query; each worker gets a copy when it starts.
    processes : int
        How many queries can run at once.
    timeout : float
        Seconds a query may run before its worker is killed.
    max_rows : int
        Rows a SELECT returns at most (the answer says when it was truncated).
    memory_mb : int, optional
        Memory a query may use, in MiB: each worker's address space is limited to what it inherits from the
        app plus this much (Linux; elsewhere, to this much).
    """

    def __init__(
        self,
        graph: Dataset,
        *,
        processes: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        memory_mb: int | None = None,
    ) -> None:
        self.graph = graph
        self.timeout = timeout
        self.max_rows = max_rows
        self.memory_bytes = memory_mb * 1024 * 1024 if memory_mb else None
        self._context = multiprocessing.get_context("fork")
        self._idle: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._all: list = []
        for _ in range(processes):
            self._idle.put(self._start())

    def _start(self):
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(self.graph, child, self.memory_bytes), daemon=True)
        process.start()
        child.close()
        with self._lock:
            self._all.append(process)
        return process, parent

    def _retire(self, worker) -> None:
        process, connection = worker
        process.kill()
        process.join(timeout=5)
        connection.close()
        with self._lock:
            if process in self._all:
                self._all.remove(process)

    def run(self, text: str, *, max_rows: int | None = None) -> Answer:
        """Answer a query, or raise :class:`CopgraphError` (:class:`QueryTimeout` when it ran too long)."""
        check(text)
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"Every query worker stayed busy for {self.timeout:g} s; try again in a moment."
            ) from None
        _, connection = worker
        try:
            connection.send((text, self.max_rows if max_rows is None else max_rows))
            if not connection.poll(self.timeout):
                self._retire(worker)
                worker = self._start()
                raise QueryTimeout(
                    f"The query ran for more than {self.timeout:g} s, the time limit "
                    "(setting COPGRAPH_QUERY_TIMEOUT), and was stopped. Narrow it down, for example with LIMIT "
                    "or a more specific pattern."
                )
            status, payload = connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._retire(worker)
            worker = self._start()
            raise CopgraphError(
                "The query stopped its worker (it may have used too much memory); narrow it down."
            ) from None
        finally:
            self._idle.put(worker)
        if status == "error":
            raise CopgraphError(payload)
        if isinstance(payload.graph, str):
            payload.graph = bind_prefixes(Graph()).parse(data=payload.graph, format="nt")
        return payload

    def close(self) -> None:
        """Stop every worker."""
        while True:
            try:
                self._retire(self._idle.get_nowait())
            except queue.Empty:
                break
        with self._lock:
            for process in list(self._all):
                process.kill()
                process.join(timeout=5)
            self._all.clear()

    def __enter__(self) -> QueryWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
