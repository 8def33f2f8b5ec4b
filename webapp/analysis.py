"""Synergies (related communities, ranked) and boundaries (who crosses which lines, and where links are missing)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from copgraph.namespaces import BASE
from webapp.state import CROSS_BOUNDARY_PEOPLE, state

bp = Blueprint("analysis", __name__)


@bp.route("/synergies")
def synergies():
    s = state()
    network = s.network
    cohort = request.args.get("cohort", "")
    theme = request.args.get("theme", "")
    rows = []
    for a, b, result in s.synergy_pairs():
        if cohort and not ({BASE + cohort} & (set(network.nodes[a]["cohorts"]) | set(network.nodes[b]["cohorts"]))):
            continue
        if theme and BASE + theme not in (set(network[a]) | set(network[b])):
            continue
        rows.append({"a": a, "b": b, "score": result.score, "reasons": result.reasons})
    cohorts, themes = s.choices("cohort"), s.choices("theme")
    return render_template(
        "synergies.html",
        rows=rows[:200],
        total=len(rows),
        network=network,
        cohorts=cohorts,
        themes=themes,
        cohort=cohort,
        theme=theme,
    )


@bp.route("/boundaries")
def boundaries():
    s = state()
    result = s.boundaries
    network = s.network
    labels = network.graph["labels"]

    def name(node: str) -> str:
        return network.nodes[node]["label"] if node in network else labels.get(node, node)

    def matrix(counts: dict) -> tuple[list[str], dict, int]:
        keys = sorted({k for pair in counts for k in pair}, key=name)
        cells = {}
        for (a, b), n in counts.items():
            cells[(a, b)] = cells[(b, a)] = n
        return keys, cells, max(counts.values(), default=0)

    return render_template(
        "boundaries.html",
        result=result,
        name=name,
        sector=matrix(result.sector_matrix),
        nation=matrix(result.nation_matrix),
        network=network,
        cross=s.cross_boundary(30),
        clusters=[_named(network, cluster) for cluster in result.clusters[:12]],
        network_people=sum(1 for _, kind in network.nodes(data="kind") if kind == "person"),
        sampled_people=CROSS_BOUNDARY_PEOPLE,
    )


#: The people and communities a cluster lists by name at most (a cluster at national size holds thousands).
CLUSTER_NAMES = 40


def _named(network, cluster) -> tuple[int, list[str], int]:
    """A cluster's size, the people and communities it names (at most :data:`CLUSTER_NAMES`) and how many more."""
    named = [n for n in cluster if network.nodes[n]["kind"] in {"person", "community"}]
    return len(cluster), named[:CLUSTER_NAMES], max(0, len(named) - CLUSTER_NAMES)
