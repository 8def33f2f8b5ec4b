"""Shared fixtures: the real graph, the same graph in every kind of store, a real SPARQL server, and a tiny
hand-checkable graph in a temporary data folder.

Behaviour is tested on the default store (``graph``: Oxigraph in memory, with its suggestions computed). The
backend contract (tests/test_backends.py) runs on every store (``any_store``): ``memory``, ``rdflib``,
``oxigraph`` (on disk, built by ``copgraph build``) and ``sparql`` (an Oxigraph server started here, on
localhost, filled by ``copgraph build``). Where the ``oxigraph`` server program is missing the server runs are
skipped, saying why, unless COPGRAPH_REQUIRE_SERVER is set (as ``.ci/run`` does).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from copgraph import files
from copgraph.build import build_store
from copgraph.graph import KnowledgeGraph

TESTS = Path(__file__).resolve().parent

# Every test builds afresh, and none writes to the user's cache folder; the build cache's own tests point
# COPGRAPH_CACHE at a temporary folder. Commands the tests start inherit this.
os.environ["COPGRAPH_CACHE"] = "off"

#: Every kind of store the backend contract runs against.
STORES = ("memory", "rdflib", "oxigraph", "sparql")


_PR_SET_CHILD_SUBREAPER = 36


def _processes() -> dict[int, tuple[int, int, str]]:
    """Every process on the machine: pid -> (parent pid, start time in clock ticks since boot, state)."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended while being read
        found[int(name)] = (int(fields[1]), int(fields[19]), fields[0])
    return found


def descendants(root: int | None = None) -> dict[tuple[int, int], str]:
    """The processes below ``root`` (default: this one) that are running, neither ended nor waiting to be
    reaped: (pid, start time) -> state. The start time tells a process from a later one given the same pid."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    found, todo = {}, list(children.get(os.getpid() if root is None else root, []))
    while todo:
        pid = todo.pop()
        _, started, state = processes[pid]
        if state not in ("Z", "X"):
            found[pid, started] = state
        todo.extend(children.get(pid, []))
    return found


def running(process: tuple[int, int]) -> bool:
    """Whether a process, by (pid, start time) as :func:`descendants` gives it, is still running."""
    pid, started = process
    found = _processes().get(pid)
    return found is not None and found[1] == started and found[2] not in ("Z", "X")


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()[:200]
    except OSError:
        return "?"


@pytest.fixture(scope="session", autouse=True)
def leaves_no_process_behind():
    """The suite fails, naming them, if a process it started outlives it.

    This process becomes a subreaper (Linux), so that a process whose parent dies is adopted here rather than
    by init: a server left running by a killed ``copgraph serve`` is then still below the test process, where it
    can be found. Servers are given a few seconds to finish stopping.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1)
    before = set(descendants())
    yield
    deadline = time.monotonic() + 5
    while (left := set(descendants()) - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    if left:
        named = "; ".join(f"{pid}: {_command_line(pid)}" for pid, _ in sorted(left))
        pytest.fail(f"{len(left)} process(es) started by the tests outlived them: {named}", pytrace=False)


def stop(process: subprocess.Popen, seconds: float = 10) -> None:
    """End a server the tests started: SIGTERM, and SIGKILL if it has not ended within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """A real Oxigraph SPARQL server on localhost, whose default graph is the union of its named graphs."""

    def __init__(self, folder: Path, timeout: int | None = None) -> None:
        program = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
        if program is None:
            if os.environ.get("COPGRAPH_REQUIRE_SERVER"):
                raise RuntimeError("COPGRAPH_REQUIRE_SERVER is set but the oxigraph server is not installed.")
            pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/query"
        self.process = subprocess.Popen(
            [
                program,
                "serve",
                "--location",
                str(folder),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
                # Oxigraph's own query time limit keeps a thread per request for that long, so a burst of
                # small requests exhausts the server's threads: only the server that is sent a never-ending
                # query has one.
                *(["--timeout-s", str(timeout)] if timeout else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("The oxigraph server did not start.") from None
                time.sleep(0.1)

    def stop(self) -> None:
        stop(self.process)


@contextlib.contextmanager
def live_server(app, threads: int = 4):
    """Serve a web app with waitress (the production server) on a free localhost port; yield its base URL.

    Stopping it closes the listening socket and every open connection from the server's own thread, between
    two polls: closing them from here while that thread is inside select() makes it fail with "bad file
    descriptor", and a connection left open warns later, in whichever test happens to collect it.
    """
    from waitress.server import create_server

    port = free_port()
    web = create_server(app, host="127.0.0.1", port=port, threads=threads)
    stopping = threading.Event()

    def run() -> None:
        while not stopping.is_set():
            web.asyncore.loop(timeout=0.1, map=web._map, count=1)
        web.asyncore.close_all(web._map)  # the listening socket and every open connection

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stopping.set()
        thread.join(timeout=10)
        web.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The query URL of a real Oxigraph server that holds the project's graph, built with copgraph build."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server"))
    try:
        build_store(f"sparql:{server.url}", finish=infer)
        yield server.url
    finally:
        server.stop()


def infer(backend) -> None:
    """What ``copgraph build`` does to a store before it is written: compute the suggestions."""
    KnowledgeGraph(backend).infer()


@pytest.fixture(scope="session")
def store_names(tmp_path_factory, request):
    """The name of a store of each kind that holds the project's graph (persistent ones built on first use)."""
    names: dict[str, str] = {}

    def name(kind: str) -> str:
        if kind not in names:
            if kind == "oxigraph":
                names[kind] = f"oxigraph:{tmp_path_factory.mktemp('store') / 'copgraph.db'}"
                build_store(names[kind], finish=infer)
            elif kind == "sparql":
                names[kind] = f"sparql:{request.getfixturevalue('oxigraph_server')}"
            else:
                names[kind] = kind
        return names[kind]

    return name


@pytest.fixture(scope="session", params=STORES)
def any_store(request, store_names) -> KnowledgeGraph:
    """The whole knowledge graph, from the project's curated data, in each kind of store, its suggestions
    computed."""
    graph = KnowledgeGraph.open(store_names(request.param))
    if not graph.spec.persistent:
        graph.infer()
    return graph


@pytest.fixture(scope="session")
def graph() -> KnowledgeGraph:
    """The whole knowledge graph, from the project's curated data, in the default store, its suggestions
    computed."""
    graph = KnowledgeGraph.open()
    graph.infer()
    return graph


def make_data_dir(target: Path, *trig_files: Path) -> Path:
    """A data folder with the project's vocabularies and the given report files."""
    shutil.copytree(files.data_dir() / "vocabularies", target / "vocabularies")
    for path in trig_files:
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def hostile_data(tmp_path_factory) -> Path:
    """A data folder with the mini report plus names, titles and descriptions that contain HTML and script."""
    return make_data_dir(
        tmp_path_factory.mktemp("hostile"), TESTS / "data" / "mini-report.trig", TESTS / "data" / "hostile-report.trig"
    )


@pytest.fixture
def mini_data(tmp_path) -> Path:
    """A data folder holding only the mini report (tests/data/mini-report.trig)."""
    return make_data_dir(tmp_path / "data", TESTS / "data" / "mini-report.trig")


@pytest.fixture
def mini(mini_data):
    """The graph built from the mini report: two people at one trust, two community ideas, one testimony."""
    return KnowledgeGraph.open(data=mini_data)
