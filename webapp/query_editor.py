"""The SPARQL editor's page (``/query``): the query, its answer with labels beside IRIs, downloads, a bar chart
for a two-column grouped answer, and a side list of the graph's classes and properties with their counts.

The editor itself is CodeMirror 6, bundled from npm into ``static/codemirror/`` (``frontend/codemirror/``
builds it; its licences are beside it): Ctrl+Enter (Cmd+Enter) runs the query, and a syntax error puts the caret
where the message says. Without script the page is a plain form.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import render_template, request
from markupsafe import Markup
from rdflib import Literal, URIRef

from copgraph.errors import CopgraphError
from copgraph.namespaces import BASE, PREFIXES
from copgraph.query.answer import Answer, compact
from copgraph.query.examples import example_text, load_examples
from copgraph.query.workers import QueryBusy
from webapp.charts import bars
from webapp.limits import RETRY_AFTER, QueryRefused
from webapp.state import State, page_url, state

#: Where a syntax error is, in the words :mod:`copgraph.query.check` uses.
_POSITION = re.compile(r"at line (\d+), column (\d+)")
#: How many bars the chart of a grouped answer draws at most.
CHART_BARS = 30

_CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class"""
_PROPERTIES = """SELECT ?property (COUNT(*) AS ?n) WHERE { ?s ?property ?o } GROUP BY ?property
ORDER BY DESC(?n) ?property"""


def schema(s: State) -> dict[str, list[tuple[str, str, int]]]:
    """The classes and properties the graph uses, each ``(compact name, IRI, count)``, most used first; once."""

    def compute() -> dict[str, list[tuple[str, str, int]]]:
        out = {}
        for name, query in (("classes", _CLASSES), ("properties", _PROPERTIES)):
            out[name] = [(compact(URIRef(iri)), iri, int(float(n))) for iri, n in s.graph.select(query) if iri]
        return out

    return s.once("query editor schema", compute)


def _label(s: State, value) -> str | None:
    """A reader's name for an IRI of the graph (an entity's label, a sector's or a nation's), or None."""
    text = str(value)
    entity = s.graph.entity(text) if text.startswith(BASE) else None
    if entity is not None:
        return entity.label
    return s.network.graph["labels"].get(text) or (s.network.nodes[text]["label"] if text in s.network else None)


def _cells(s: State, answer) -> list[list[dict]]:
    """Each cell of a SELECT answer as ``{text, label, url, iri}``: an IRI with its label beside it, and a link to
    its page where it has one."""
    rows = []
    for row in answer.rows:
        cells = []
        for value in row:
            if value is None:
                cells.append({"text": ""})
            elif isinstance(value, URIRef):
                label = _label(s, value)
                url = page_url(value) if label is not None and s.graph.entity(str(value)) is not None else None
                cells.append({"text": compact(value), "label": label, "url": url, "iri": str(value)})
            else:
                cells.append({"text": str(value)})
        rows.append(cells)
    return rows


def _number(value) -> float | None:
    if isinstance(value, Literal):
        try:
            number = float(value.toPython())
        except (TypeError, ValueError):
            return None
        return number if value.datatype is not None and "string" not in str(value.datatype) else None
    return None


def chart(s: State, answer) -> Markup | None:
    """A bar chart for an answer of two columns, a name and a number (a grouped count), or None."""
    if answer is None or answer.kind != "SELECT" or len(answer.variables) != 2 or not answer.rows:
        return None
    rows = []
    for name, value in answer.rows[:CHART_BARS]:
        number = _number(value)
        if name is None or number is None or _number(name) is not None:
            return None
        label = _label(s, name) if isinstance(name, URIRef) else None
        rows.append((label or (compact(name) if isinstance(name, URIRef) else str(name)), [number]))
    more = f" (the first {CHART_BARS} rows)" if len(answer.rows) > CHART_BARS else ""
    return bars(rows, [str(answer.variables[1])], title=f"{answer.variables[1]} by {answer.variables[0]}{more}")


def page(run: Callable[[str], Answer]):
    """The editor's page for this request: an example (``example=``) or a query (``query=``), run if given by
    ``run`` (the endpoint's way of running a query, within its limits); 503 when the limits say to wait."""
    s = state()
    examples = load_examples()
    text = request.args.get("query")
    chosen = request.args.get("example")
    if text is None and chosen:
        text = example_text(chosen)
    answer, error, position, busy = None, None, None, False
    if text:
        try:
            answer = run(text)
        except (QueryRefused, QueryBusy) as problem:
            error, busy = str(problem), True
        except CopgraphError as problem:
            error = str(problem)
            found = _POSITION.search(error)
            position = (int(found.group(1)), int(found.group(2))) if found else None
    html = render_template(
        "query.html",
        examples=examples,
        chosen=chosen,
        text=text or (examples[0].text if examples else ""),
        answer=answer,
        cells=_cells(s, answer) if answer is not None and answer.kind == "SELECT" else None,
        chart=chart(s, answer),
        error=error,
        position=position,
        prefixes=PREFIXES,
        schema=schema(s),
        max_rows=s.workers.max_rows,
        ran=bool(text),
    )
    if busy:
        return html, 503, {"Retry-After": str(RETRY_AFTER)}
    return html
