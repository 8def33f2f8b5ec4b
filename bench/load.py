"""Benchmark: how long the seed graph takes to build, validate and answer each example query.

Run: python bench/load.py [--repeat N]
Prints medians and 95th percentiles (in-process, warm after the first run) and peak memory.
Target (issue 2): loading the seed graph from scratch well under a second.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(times) * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   (n={len(times)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    start = time.perf_counter()
    from copgraph.graph import KnowledgeGraph
    from copgraph.query.examples import load_examples

    print(f"import copgraph           {(time.perf_counter() - start) * 1000:8.1f} ms")
    os.environ["COPGRAPH_CACHE"] = "off"  # built from the sources every time
    graph = KnowledgeGraph.open()
    print(f"quads                     {len(graph.backend):8d}")
    print(f"load (build from sources) {summary(timed(KnowledgeGraph.open, args.repeat))}")

    from copgraph.curation.validate import validate

    print(f"validate (SHACL)          {summary(timed(lambda: validate(graph), max(1, args.repeat // 5)))}")
    for example in load_examples():
        print(f"query {example.name:<36} {summary(timed(lambda e=example: graph.query(e.text), args.repeat))}")
    print(f"peak memory               {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")


if __name__ == "__main__":
    main()
