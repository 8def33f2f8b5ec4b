"""Synergies (related communities, ranked), boundaries (who works with whom across which lines, and where the
data has gaps) and the cohorts side by side. Every table of the boundaries and cohorts pages can be downloaded
as CSV."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template, request, url_for

from copgraph.graph.cohorts import compare_cohorts
from copgraph.namespaces import BASE
from copgraph.query.answer import spreadsheet_safe
from webapp.charts import bars
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
        top=max((r["score"] for r in rows), default=0),
        network=network,
        cohorts=cohorts,
        themes=themes,
        cohort=cohort,
        theme=theme,
    )


#: How many cross-boundary suggestions the boundaries page lists, and how many of them may name one target.
CROSS_SUGGESTIONS, PER_TARGET = 30, 2
#: How many ties the page behind a heatmap cell lists at most (its CSV too).
TIES_LISTED = 500


def _boundary_view():
    """Everything the boundaries page and its CSV downloads show, as rows of plain values, computed once."""
    s = state()

    def compute() -> dict:
        from copgraph.analysis.boundaries import TIE_KINDS, broker_words, diverse

        result = s.boundaries
        network = s.network
        labels = network.graph["labels"]

        def name(node: str) -> str:
            return network.nodes[node]["label"] if node in network else labels.get(node, node)

        def around(cluster: list[str]) -> str:
            best = max(
                (n for n in cluster if network.nodes[n]["kind"] in {"person", "community", "organisation"}),
                key=lambda n: (network.degree(n), name(n)),
                default=cluster[0],
            )
            return name(best)

        clusters = []
        for cluster, themes in zip(result.clusters, result.cluster_themes, strict=True):
            named = [n for n in cluster if network.nodes[n]["kind"] in {"person", "community"}]
            title = " · ".join(name(t) for t in themes) if themes else f"no shared theme; around {around(cluster)}"
            clusters.append({"title": title, "size": len(cluster), "named": named, "themes": themes})
        top = max((r["betweenness"] for r in result.brokers), default=0)
        brokers = [
            {
                **row,
                "words": broker_words(row, top),
                "links": [clusters[i]["title"] for i in row["clusters"]],
            }
            for row in result.brokers
            if row["betweenness"] > 0
        ]
        suggestions = diverse(s.cross_boundary(10**9), key=lambda pair: pair[1].target, per_target=PER_TARGET)
        return {
            "result": result,
            "name": name,
            "kinds": [(kind, result.tie_counts.get(kind, 0)) for kind in TIE_KINDS],
            "clusters": clusters,
            "brokers": brokers,
            "suggestions": suggestions[:CROSS_SUGGESTIONS],
            "spanning": [row for row in result.spanning if row["index"]],
        }

    return s.once("boundaries page", compute)


def _matrix(counts: dict, name) -> tuple[list[str], dict, int]:
    keys = sorted({k for pair in counts for k in pair}, key=name)
    cells = {}
    for (a, b), n in counts.items():
        cells[(a, b)] = cells[(b, a)] = n
    return keys, cells, max(counts.values(), default=0)


@bp.route("/boundaries")
def boundaries():
    s = state()
    view = _boundary_view()
    result, name = view["result"], view["name"]
    return render_template(
        "boundaries.html",
        view=view,
        result=result,
        name=name,
        sector=_matrix(result.sector_matrix, name),
        nation=_matrix(result.nation_matrix, name),
        network=s.network,
        cross=view["suggestions"],
        per_target=PER_TARGET,
        clusters=[(c, _named(c["named"])) for c in view["clusters"][:12]],
        network_people=sum(1 for _, kind in s.network.nodes(data="kind") if kind == "person"),
        sampled_people=CROSS_BOUNDARY_PEOPLE,
        short=lambda iri: iri[len(BASE) :] if iri.startswith(BASE) else iri,
    )


#: The people and communities a cluster lists by name at most (a cluster at national size holds thousands).
CLUSTER_NAMES = 40


def _named(named: list[str]) -> tuple[list[str], int]:
    """The people and communities a cluster names (at most :data:`CLUSTER_NAMES`) and how many more."""
    return named[:CLUSTER_NAMES], max(0, len(named) - CLUSTER_NAMES)


#: Which matrix a heatmap cell belongs to: the word in its link, and the node attribute it compares.
MATRICES = {"sector": "sectors", "nation": "nations"}


def _cell_ties(args) -> tuple[list[dict], str, int | None]:
    """The ties behind one heatmap cell (``by``, ``a``, ``b``), or every tie; a title; how many in all."""
    from copgraph.analysis.boundaries import ties_between

    s = state()
    network = s.network
    name = _boundary_view()["name"]
    by = args.get("by", "")
    if not by:
        return ties_between(network, limit=TIES_LISTED), "Every collaboration tie", len(s.boundaries.ties)
    if by not in MATRICES:
        abort(400, f"'by' is the matrix a cell belongs to: sector or nation, not '{by}'.")
    a, b = (BASE + args.get(key, "").strip().lstrip("/") for key in ("a", "b"))
    labels = network.graph["labels"]
    for value in (a, b):
        if value not in labels:
            abort(404, f"No {by} has the identifier '{value[len(BASE) :]}'.")
    matrix = getattr(s.boundaries, f"{by}_matrix")
    total = matrix.get((a, b)) or matrix.get((b, a)) or 0
    ties = ties_between(network, MATRICES[by], a, b, limit=TIES_LISTED)
    return ties, f"Ties between {name(a)} and {name(b)}", total


@bp.route("/boundaries/ties")
def boundary_ties():
    ties, title, total = _cell_ties(request.args)
    return render_template(
        "boundary_ties.html",
        ties=ties,
        title=title,
        total=total,
        name=_boundary_view()["name"],
        csv_url=url_for("analysis.boundaries_csv", table="ties", **request.args),
    )


@bp.route("/boundaries.csv")
def boundaries_csv():
    view = _boundary_view()
    result, name = view["result"], view["name"]
    table = request.args.get("table", "")
    tables = {
        "kinds": (["through", "ties"], lambda: view["kinds"]),
        "crossing": (["boundary", "ties"], lambda: list(result.crossing_counts.items())),
        "sectors": (
            ["sector", "sector", "ties"],
            lambda: [[name(a), name(b), n] for (a, b), n in result.sector_matrix.items()],
        ),
        "nations": (
            ["nation", "nation", "ties"],
            lambda: [[name(a), name(b), n] for (a, b), n in result.nation_matrix.items()],
        ),
        "ties": (
            ["from", "to", "how", "crosses"],
            lambda: [
                [name(t["source"]), name(t["target"]), t["how"], " | ".join(t["crosses"])]
                for t in _cell_ties(request.args)[0]
            ],
        ),
        "suggestions": (
            ["for", "suggested", "kind", "crosses", "why"],
            lambda: [
                [name(n), sug.label, sug.kind, " | ".join(sug.crosses), " | ".join(sug.reasons)]
                for n, sug in view["suggestions"]
            ],
        ),
        "spanning": (
            ["community", "index", "sectors", "nations", "professions"],
            lambda: [
                [
                    name(r["community"]),
                    r["index"],
                    *(" | ".join(name(v) for v in r[k]) for k in ("sectors", "nations", "professions")),
                ]
                for r in view["spanning"]
            ],
        ),
        "brokers": (
            ["who", "as a broker", "clusters they link", "betweenness", "constraint", "effective size"],
            lambda: [
                [
                    name(r["node"]),
                    r["words"],
                    " | ".join(r["links"]),
                    f"{r['betweenness']:.4f}",
                    f"{r['constraint']:.4f}",
                    f"{r['effective_size']:.2f}",
                ]
                for r in view["brokers"]
            ],
        ),
        "clusters": (
            ["cluster", "nodes", "people and communities"],
            lambda: [[c["title"], c["size"], " | ".join(name(n) for n in c["named"])] for c in view["clusters"]],
        ),
        "gaps": (
            ["gap", "how many", "what would fill it", "which"],
            lambda: [[g.title, len(g.nodes), g.fill, " | ".join(name(n) for n in g.nodes)] for g in result.gaps],
        ),
    }
    if table not in tables:
        abort(404, f"No boundaries table called '{table}'; choose one of {', '.join(tables)}.")
    columns, rows = tables[table]
    return csv_response(columns, rows(), f"copgraph-boundaries-{table}.csv")


def csv_response(columns: list[str], rows, filename: str) -> Response:
    """A CSV download: a header, then the rows; every cell guarded against being read as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(str(v)) for v in row])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


#: How many rows a cohort chart draws at most (its table lists them all).
CHART_ROWS = 10


def _comparison():
    s = state()
    return s.once("cohort comparison", lambda: compare_cohorts(s.graph))


@bp.route("/cohorts")
def cohorts():
    s = state()
    comparison = _comparison()
    found = comparison.cohorts
    slugs = [c.iri[len(BASE) :] for c in found]
    first, second = request.args.get("first"), request.args.get("second")
    if len(found) >= 2:
        pair = (
            slugs.index(first) if first in slugs else len(found) - 2,
            slugs.index(second) if second in slugs else len(found) - 1,
        )
    else:
        pair = None
    charts = {}
    for name, facet in comparison.facets.items():
        # a cohort whose report says nothing on the facet has no bars: the page says so in a sentence above
        shown = [i for i, c in enumerate(found) if facet.stated(c.iri)]
        rows = [(row.label, [row.counts[i] for i in shown]) for row in facet.rows[:CHART_ROWS]]
        if shown and rows:
            more = f" (the {CHART_ROWS} most frequent)" if len(facet.rows) > CHART_ROWS else ""
            charts[name] = bars(
                rows, [found[i].label for i in shown], title=f"{facet.title}: {facet.counts}, by cohort{more}"
            )
    return render_template(
        "cohorts.html",
        comparison=comparison,
        cohorts=found,
        slugs=slugs,
        pair=pair,
        changes=comparison.changes("themes", *pair) if pair else None,
        charts=charts,
        chart_rows=CHART_ROWS,
        has_page=lambda iri: s.graph.entity(iri) is not None,
    )


@bp.route("/cohorts.csv")
def cohorts_csv():
    comparison = _comparison()
    name = request.args.get("table", "")
    if name not in comparison.facets:
        abort(404, f"No cohort table called '{name}'; choose one of {', '.join(comparison.facets)}.")
    facet = comparison.facets[name]
    labels = [c.label for c in comparison.cohorts]
    rows = [[row.label, row.value, *("not stated" if n is None else n for n in row.counts)] for row in facet.rows]
    if facet.unknown:
        rows.append(["(not stated)", "", *("not stated" if n is None else n for n in facet.unknown)])
    return csv_response([facet.title, "identifier", *labels], rows, f"copgraph-cohorts-{name}.csv")
