"""Benchmark and evaluation of the analytics on the seed graph.

Run: python bench/analysis.py
Prints the offline evaluation of every suggestion method (hidden community-theme links: MRR, precision@5,
hits@5), the warm median and p95 of related(), introductions() and suggest() for one entity, synergies() for
every community and boundaries() for the whole network, projecting the network, and recomputing the whole
inferred graph.
Targets (issues 3 and 19): related, suggest and one entity's introductions under 50 ms warm; the inferred graph
recomputed in under 2 s.
"""

from __future__ import annotations

import time

from load import summary, timed


def main() -> None:
    from copgraph.analysis.boundaries import boundaries
    from copgraph.analysis.evaluate import evaluate, fresh_copy
    from copgraph.analysis.introductions import introductions
    from copgraph.analysis.related import related, synergies
    from copgraph.analysis.suggest import suggest
    from copgraph.graph import KnowledgeGraph
    from copgraph.graph.inferred import materialise
    from copgraph.graph.network import project

    graph = KnowledgeGraph.open()
    network = graph.network()
    print(f"network: {network.number_of_nodes()} nodes, {network.number_of_edges()} edges")
    print("\nEvaluation (hidden community-theme links, 5 seeded splits of 20%):")
    print(f"{'method':<22}{'MRR':>8}{'P@5':>8}{'hits@5':>8}{'hidden':>8}")
    for score in evaluate(network):
        print(
            f"{score.method:<22}{score.mrr:8.3f}{score.precision_at_k:8.3f}{score.hits_at_k:8.3f}{score.hidden_links:8d}"
        )

    community = "https://w3id.org/copgraph/id/community/sel-polypharmacy"
    person = "https://w3id.org/copgraph/id/person/phil-southworth"
    print()
    print(f"project (RDF -> NetworkX)      {summary(timed(lambda: project(graph.backend), 10))}")
    list(related(network, community))
    print(f"related(SEL Polypharmacy)      {summary(timed(lambda: list(related(network, community, limit=10)), 50))}")
    introductions(network, community)
    print(f"introductions(SEL Polypharmacy) {summary(timed(lambda: introductions(network, community), 50))}")
    print(f"introductions(Phil Southworth)  {summary(timed(lambda: introductions(network, person), 50))}")
    list(suggest(network, person))
    print(f"suggest(Phil Southworth)       {summary(timed(lambda: list(suggest(network, person, limit=10)), 50))}")
    print(f"suggest(SEL Polypharmacy)      {summary(timed(lambda: list(suggest(network, community, limit=10)), 50))}")
    # A fresh copy each time: the analytics keep what they reuse beside the network they were given.
    print(f"synergies (every community)    {summary(timed(lambda: synergies(fresh_copy(network)), 10))}")
    print(f"boundaries                     {summary(timed(lambda: boundaries(fresh_copy(network)), 10))}")

    def recompute() -> None:
        materialise(graph.backend, project(graph.backend))

    start = time.perf_counter()
    count = materialise(graph.backend, fresh_copy(network))
    print(f"\ninferred graph: {count} suggestions")
    print(
        f"recompute inferred graph       {summary(timed(recompute, 5))}   "
        f"(first run {time.perf_counter() - start:.2f} s)"
    )


if __name__ == "__main__":
    main()
