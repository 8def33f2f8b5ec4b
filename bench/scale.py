"""Benchmark: copgraph at the seed graph and at national size, rdflib's store against Oxigraph, side by side.

Run: python bench/scale.py [--people 0 10000 100000] [--stores rdflib memory] [--repeat 5]

For each size (0 = the seed graph alone) a synthetic graph is generated once (``copgraph generate``, kept in
``bench/results/``, never committed) and each store is measured in a process of its own, so that its peak
memory is its own: load (build, derive, entail), each example query (median and 95th percentile), the
projection to NetworkX, ``related`` and ``introductions`` (median over ten entities), the whole-network analytics
(``synergies`` for every community, ``boundaries``), web app start-up, the work it then does in the background
(boundaries, synergies, cross-boundary suggestions) and pages (Flask's test client: home, explore and its graph
data, an entity page, ``/sparql``, synergies, boundaries; each page's first visit and then its median). Beside
them, the raw engine: the same store queried through pyoxigraph alone, each example query run and serialised to
SPARQL JSON with no copgraph code, against our path (the safety check, a query worker process, the answer and its JSON).

Targets (issue 6, medians): at 10k people start-up under 3 s, example queries under 100 ms, related and
introductions under 200 ms, pages under 500 ms, peak memory under 1 GB; at 100k people load under 60 s, peak memory
under 3 GB, example queries under 2 s, related and introductions under 500 ms; our SPARQL path within 1.5x of the raw
engine, and at least 10x faster than rdflib's store at 100k people.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

sys.path.insert(0, str(Path(__file__).resolve().parent))  # when run as a script from elsewhere
from load import timed  # noqa: E402 (the other benchmarks' timer)


def stats(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000, 1),
    }


def synthetic(people: int) -> list[str]:
    if not people:
        return []
    from copgraph.synthetic.generate import write

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"synthetic-{people}.nq"
    write(path, people, seed=1)  # every time (3 s at 100k): a file from an older generator may be laid out otherwise
    return [str(path)]


def one(store: str, people: int, repeat: int) -> dict:
    """Measure one store at one size (run in a process of its own)."""
    from copgraph.analysis.boundaries import boundaries
    from copgraph.analysis.introductions import introductions
    from copgraph.analysis.related import related, synergies
    from copgraph.graph import KnowledgeGraph
    from copgraph.graph.network import project
    from copgraph.query.examples import load_examples

    os.environ["COPGRAPH_CACHE"] = "off"  # load is measured building; start-up both ways (_pages)
    include = synthetic(people)
    out: dict = {"store": store, "people": people}
    start = time.perf_counter()
    graph = KnowledgeGraph.open(store, include=include)
    out["load_s"] = round(time.perf_counter() - start, 2)
    out["quads"] = len(graph.backend)
    examples = load_examples()
    out["queries"] = {e.name: stats(timed(lambda e=e: graph.query(e.text), repeat)) for e in examples}

    if store == "rdflib" and people > 10_000:
        # rdflib's engine takes minutes per projection query at this size (206 s for all of them at 10k):
        # its load and example queries are measured; the rest would not finish in a useful time.
        out["peak_mb"] = _peak_mb()
        return out
    start = time.perf_counter()
    network = project(graph.backend)
    out["project_s"] = round(time.perf_counter() - start, 2)
    chosen = random.Random(1)
    communities = sorted(n for n, k in network.nodes(data="kind") if k == "community")
    people_nodes = sorted(n for n, k in network.nodes(data="kind") if k == "person")
    sample_c = chosen.sample(communities, min(10, len(communities)))
    sample_p = chosen.sample(people_nodes, min(5, len(people_nodes))) + sample_c[:5]
    out["related"] = stats([t for c in sample_c for t in timed(lambda c=c: list(related(network, c, limit=10)), 1)])
    introductions(network, sample_p[0])  # the first call works out what later calls reuse
    out["introductions"] = stats([t for n in sample_p for t in timed(lambda n=n: introductions(network, n), 1)])
    once = 1 if people > 10_000 else 3  # whole-network analytics: a minute or more at 100k
    out["synergies_s"] = round(statistics.median(timed(lambda: synergies(network), once)), 2)
    out["boundaries_s"] = round(statistics.median(timed(lambda: boundaries(network), once)), 2)

    if store != "rdflib" or people <= 10_000:
        out.update(_pages(store, include, sample_c[0], repeat))
        out.update(_raw_engine(graph, examples, store, include, repeat))
    out["peak_mb"] = _peak_mb()
    return out


def _boundaries_page_is_bounded() -> bool:
    """Whether the boundaries page looks through a bounded set of people's suggestions (``State.cross_boundary``)
    rather than every person's: every person's takes minutes at 10,000 people and hours at 100,000."""
    import inspect

    import webapp.analysis

    return "cross_boundary" in inspect.getsource(webapp.analysis.boundaries)


def _pages(store: str, include: list[str], community: str, repeat: int) -> dict:
    import shutil
    import tempfile

    from copgraph.namespaces import BASE
    from webapp import create_app

    config = {"STORE": store, "INCLUDE": os.pathsep.join(include), "QUERY_WORKERS": 2}
    # Start-up, each in a process of its own (as `copgraph serve` starts): the first builds and fills an empty
    # build cache, the second reads what the first kept. The app measured below is a third start.
    cache = tempfile.mkdtemp(prefix="copgraph-bench-cache-")
    os.environ["COPGRAPH_CACHE"] = cache
    (cold, cold_mb), (warm, warm_mb) = _startup(config), _startup(config, background=True)
    app = create_app(config)
    result = {
        "startup_s": warm,
        "startup_cold_s": cold,
        "startup_cold_peak_mb": cold_mb,
        "serving_peak_mb": warm_mb,
        "pages": {},
        "first_visit_ms": {},
    }
    client = app.test_client()
    query = "SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } LIMIT 100"
    pages = {
        "home": "/",
        "explore": "/explore",
        "explore data": "/explore.json",
        "explore data, communities and themes": "/explore.json?kind=community&kind=theme",
        "entity": "/" + community[len(BASE) :],
        "sparql": "/sparql?" + __import__("urllib.parse").parse.urlencode({"query": query}),
        "synergies": "/synergies",
        "boundaries": "/boundaries",
    }
    if len(include) and not _boundaries_page_is_bounded():
        del pages["boundaries"]
        result["not_measured"] = "boundaries page: its route computes every person's suggestions"
    try:
        for name, url in pages.items():
            result["first_visit_ms"][name] = round(timed(lambda u=url: client.get(u).close(), 1)[0] * 1000, 1)
            result["pages"][name] = stats(timed(lambda u=url: client.get(u).close(), repeat))
    finally:
        app.extensions["copgraph"].close()
        shutil.rmtree(cache, ignore_errors=True)
        os.environ["COPGRAPH_CACHE"] = "off"
    return result


def _peak_mb() -> int:
    """This process's peak resident memory in MB. Linux's VmHWM, where there is one: ``ru_maxrss`` carries over
    the resident size of the process that started this one (here, a benchmark holding a 100k graph)."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _startup(config: dict, background: bool = False) -> tuple[float, int]:
    """Seconds to create the web app, in a new process (with the environment, and so the build cache, of this
    one), and that process's peak memory in MB: after start-up, or after the whole-network analyses pages compute
    on their first visit as well (the whole memory of a serving app, with no other copy of the graph in it)."""
    visits = "s = app.extensions['copgraph']; s.boundaries; s.synergy_pairs(); s.cross_boundary(); "
    code = (
        inspect.getsource(_peak_mb) + "\n"
        "import sys, time, json; start = time.perf_counter(); from webapp import create_app; "
        "app = create_app(json.loads(sys.argv[1])); took = time.perf_counter() - start; "
        + (visits if background else "")
        + "print(took, _peak_mb()); "
        "app.extensions['copgraph'].close()"
    )
    done = subprocess.run([sys.executable, "-c", code, json.dumps(config)], capture_output=True, text=True, check=True)
    took, peak = done.stdout.strip().splitlines()[-1].split()
    return round(float(took), 2), int(peak)


def _raw_engine(graph, examples, store: str, include: list[str], repeat: int) -> dict:
    """The same quads queried through pyoxigraph with no copgraph code (Oxigraph's store itself, or for rdflib's a
    bare copy), against our path."""
    import pyoxigraph as ox

    from copgraph.namespaces import PREFIXES
    from copgraph.query.workers import QueryWorkers

    if hasattr(graph.backend, "store"):
        # The very store our path reads, queried straight through pyoxigraph. A copy would hold its quads in
        # another order, and Oxigraph's speed on some queries depends on that order (a FILTER EXISTS stops at
        # the first match in a list): a copy answered communities-spanning-regions 2.7 times slower than the
        # store it was copied from in one run, and 3.8 times faster in another.
        raw = graph.backend.store
    else:
        raw = ox.Store()
        raw.bulk_extend(
            ox.Quad(*(_ox(t) for t in (s, p, o)), ox.NamedNode(str(g)))
            for s, p, o, g in graph.dataset.quads((None, None, None, None))
            if g is not None
        )

    def raw_query(text: str) -> None:
        answer = raw.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        if isinstance(answer, ox.QuerySolutions):
            answer.serialize(format=ox.QueryResultsFormat.JSON)
        elif not isinstance(answer, ox.QueryBoolean):
            list(answer)

    result = {"raw_queries": {}, "our_path": {}}
    with QueryWorkers(graph.backend, processes=1, timeout=60, max_rows=None) as workers:
        for example in examples:
            result["raw_queries"][example.name] = stats(timed(lambda e=example: raw_query(e.text), repeat))
            result["our_path"][example.name] = stats(
                timed(lambda e=example: workers.run(e.text).to_json_text(), repeat)
            )
    return result


def _ox(term):
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
    return ox.Literal(str(term), language=term.language, datatype=datatype)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[0, 10_000])
    parser.add_argument("--stores", nargs="+", default=["rdflib", "memory"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.people[0], args.repeat)))
        return
    RESULTS.mkdir(exist_ok=True)
    for people in args.people:
        synthetic(people)
        for store in args.stores:
            command = [sys.executable, __file__, "--one", store, "--people", str(people), "--repeat", str(args.repeat)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                print(f"{store} at {people} people failed:\n{done.stderr[-2000:]}", file=sys.stderr)
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            (RESULTS / f"scale-{people}-{store}.json").write_text(json.dumps(result, indent=2))
            report(result)


def report(r: dict) -> None:
    queries = [q["median_ms"] for q in r["queries"].values()]
    print(f"\n== {r['store']} at {r['people']:,} people ({r['quads']:,} quads) ==")
    print(f"load {r['load_s']} s; peak memory {r['peak_mb']} MB; project {r.get('project_s', '-')} s")
    print(f"example queries: median of medians {statistics.median(queries)} ms, slowest {max(queries)} ms")
    if "related" in r:
        print(f"related {r['related']}; introductions {r['introductions']}")
        print(f"synergies (every community) {r['synergies_s']} s; boundaries {r['boundaries_s']} s")
    if "startup_s" in r:
        print(
            f"web app start-up {r.get('startup_cold_s', '-')} s building, {r['startup_s']} s from the build cache, "
            f"then {r['background_s']} s in the background"
        )
        if "serving_peak_mb" in r:
            print(
                f"peak memory of a web app process: {r['startup_cold_peak_mb']} MB building, "
                f"{r['serving_peak_mb']} MB started from the cache and after its background work"
            )
        print(f"pages, first visit (ms): {r['first_visit_ms']}")
        print(f"pages: {r['pages']}")
        if "not_measured" in r:
            print(f"not measured: {r['not_measured']}")
    if "raw_queries" in r:
        for name in r["raw_queries"]:
            raw, ours = r["raw_queries"][name]["median_ms"], r["our_path"][name]["median_ms"]
            print(f"  {name:<44} raw {raw:8.1f} ms   ours {ours:8.1f} ms   ratio {ours / max(raw, 0.01):5.1f}")


if __name__ == "__main__":
    main()
