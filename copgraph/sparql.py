"""Run SPARQL queries against the graph: the one place user queries go through.

Every query gets copgraph's prefixes predeclared, and is checked (:func:`check`) before it reaches any engine,
whichever store holds the graph (:mod:`copgraph.store`):

- a malformed query is answered with the line and column of the mistake, an undeclared prefix by name;
- updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused: the graph is read-only;
- ``SERVICE`` is refused, because rdflib and Oxigraph would both fetch any URL it names (SSRF);
- ``FROM`` and ``FROM NAMED`` are refused, because rdflib would load the named documents, local files included;
- a query nested more than :data:`MAX_DEPTH` deep or longer than :data:`MAX_TOKENS` words and symbols is
  refused, because the engines' parsers recurse and would crash the process (Oxigraph segfaults at a few
  thousand levels).

The check reads the query's tokens, skipping strings, IRIs and comments, so it costs microseconds rather than
the milliseconds of a full parse: the Oxigraph path stays within a small margin of the raw engine. Queries then
run on the store's own engine: rdflib's (with rdflib's parsed algebra checked once more), Oxigraph's, or the
SPARQL server's.

Results come back as a :class:`Answer`, which the command line and the web app format.

Example
-------
>>> from copgraph.build import load
>>> answer = run(load(), "SELECT (COUNT(*) AS ?n) WHERE { ?cohort a cop:Cohort }")
>>> answer.rows[0][0].toPython()
2
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import re
from pathlib import Path

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.results.jsonresults import parseJsonTerm
from rdflib.plugins.sparql.sparql import Query, SPARQLError

from copgraph.errors import CopgraphError
from copgraph.namespaces import PREFIXES, bind_prefixes
from copgraph.spreadsheet import spreadsheet_safe
from copgraph.store import XSD_STRING, Adding, add_triples, engine, from_ox

__all__ = [
    "MAX_DEPTH",
    "MAX_TOKENS",
    "Answer",
    "UpdateRefused",
    "check",
    "compact",
    "insert",
    "parse",
    "read_query",
    "run",
    "strings",
    "text_table",
]

#: Brackets a query may nest at most.
MAX_DEPTH = 100
#: Words and symbols a query may hold at most.
MAX_TOKENS = 8_000

# Never let a query make rdflib fetch a graph named in FROM / FROM NAMED (a local file or a URL).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


class UpdateRefused(CopgraphError):
    """An update (INSERT, DELETE, LOAD, CLEAR ...) was sent: the graph is read-only."""


class Answer:
    """The answer to a query.

    ``kind`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``. A SELECT fills ``variables`` and ``rows``
    (``truncated`` says whether more rows than ``max_rows`` existed); an ASK fills ``boolean``; a CONSTRUCT or
    DESCRIBE fills ``graph``.

    A SELECT's values are held in one of three forms, and the others are made when first asked for: ``rows``
    of rdflib terms; ``bindings``, each row as in the SPARQL 1.1 Query Results JSON format
    (``{"name": {"type": "literal", "value": "Ann"}}``, unbound variables left out); or that JSON document
    itself, as Oxigraph writes it. Answers from Oxigraph come as the document: the engine writes it while it
    answers, so sending it from a query worker and writing it out costs next to nothing, and rdflib terms are
    made only for a page or a command that shows rows (making and sending them took 140 ms for 5,000 rows of
    4 values, where the engine took 9 ms).
    """

    def __init__(
        self,
        kind: str,
        variables: list[str] | None = None,
        rows: list[tuple] | None = None,
        boolean: bool | None = None,
        graph: Graph | None = None,
        truncated: bool = False,
        *,
        bindings: list[dict] | None = None,
        document: bytes | None = None,
    ) -> None:
        self.kind = kind
        self.variables = variables or []
        self.boolean = boolean
        self.graph = graph
        self.truncated = truncated
        self._document = document
        self._bindings = bindings
        self._rows = rows if rows is not None or bindings is not None or document is not None else []

    @property
    def rows(self) -> list[tuple]:
        """The SELECT's rows: one tuple of rdflib terms (None where unbound) a solution."""
        if self._rows is None:
            variables = self.variables
            self._rows = [
                tuple(parseJsonTerm(binding[var]) if var in binding else None for var in variables)
                for binding in self.bindings
            ]
        return self._rows

    @property
    def bindings(self) -> list[dict]:
        """The SELECT's rows as SPARQL JSON bindings: each variable's value as a dict, unbound ones left out."""
        if self._bindings is None:
            if self._document is not None:
                self._bindings = json.loads(self._document)["results"]["bindings"]
            else:
                self._bindings = [_binding(self.variables, row, _json_term) for row in self._rows]
        return self._bindings

    def __getstate__(self) -> dict:
        # Sent from a query worker: one form of the values is enough, the most compact one there is.
        state = dict(self.__dict__)
        if state["_document"] is not None:
            state["_bindings"] = state["_rows"] = None
        elif state["_bindings"] is not None:
            state["_rows"] = None
        return state

    def __repr__(self) -> str:
        shown = f"boolean={self.boolean}" if self.kind == "ASK" else f"{len(self.bindings)} rows"
        return f"<Answer {self.kind} {shown}{' (truncated)' if self.truncated else ''}>"

    def to_json(self) -> dict:
        """The answer in the SPARQL 1.1 Query Results JSON format (or, for graphs, JSON-LD)."""
        if self.kind == "ASK":
            return {"head": {}, "boolean": self.boolean}
        if self.kind == "SELECT":
            if self._document is not None:
                return json.loads(self._document)
            return {"head": {"vars": self.variables}, "results": {"bindings": self.bindings}}
        return json.loads(self.graph.serialize(format="json-ld", context=_context()))

    def to_json_text(self) -> str:
        """:meth:`to_json` as text; an answer from Oxigraph is written as the engine wrote it."""
        if self.kind == "SELECT" and self._document is not None:
            return self._document.decode("utf-8")
        return json.dumps(self.to_json(), ensure_ascii=False)

    def to_csv(self) -> str:
        """The answer as CSV: one column a variable, full IRIs, as the SPARQL 1.1 CSV format has it, except that
        a text a spreadsheet would run as a formula gets a leading apostrophe (:mod:`copgraph.spreadsheet`);
        numbers and IRIs are written as they are. JSON, XML and TSV give every value exactly."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if self.kind == "ASK":
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
        elif self.kind == "SELECT":
            writer.writerow(self.variables)
            writer.writerows([_csv_cell(binding.get(var)) for var in self.variables] for binding in self.bindings)
        else:
            raise CopgraphError(f"A {self.kind} query answers with a graph, not a table; ask for ttl or json.")
        return buffer.getvalue()

    def to_tsv(self) -> str:
        """The answer in the SPARQL 1.1 TSV format: terms written as in Turtle."""
        if self.kind == "ASK":
            return "?boolean\n" + ("true" if self.boolean else "false") + "\n"
        if self.kind != "SELECT":
            raise CopgraphError(f"A {self.kind} query answers with a graph, not a table; ask for ttl or json.")
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        lines += ["\t".join("" if v is None else v.n3() for v in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_xml(self) -> str:
        """The answer in the SPARQL Query Results XML format."""
        from xml.sax.saxutils import escape, quoteattr

        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        if self.kind == "ASK":
            out += ["  <head/>", f"  <boolean>{'true' if self.boolean else 'false'}</boolean>", "</sparql>"]
            return "\n".join(out) + "\n"
        if self.kind != "SELECT":
            raise CopgraphError(f"A {self.kind} query answers with a graph, not results; ask for Turtle.")
        out.append("  <head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in self.variables) + "</head>")
        out.append("  <results>")
        for binding in self.bindings:
            out.append("    <result>")
            for var in self.variables:
                cell = binding.get(var)
                if cell is None:
                    continue
                if cell["type"] == "uri":
                    term = f"<uri>{escape(cell['value'])}</uri>"
                elif cell["type"] == "bnode":
                    term = f"<bnode>{escape(cell['value'])}</bnode>"
                else:
                    attrs = ""
                    if "xml:lang" in cell:
                        attrs = f" xml:lang={quoteattr(cell['xml:lang'])}"
                    elif "datatype" in cell:
                        attrs = f" datatype={quoteattr(cell['datatype'])}"
                    term = f"<literal{attrs}>{escape(cell['value'])}</literal>"
                out.append(f"      <binding name={quoteattr(var)}>{term}</binding>")
            out.append("    </result>")
        out += ["  </results>", "</sparql>"]
        return "\n".join(out) + "\n"

    def to_table(self) -> str:
        """The answer as an aligned text table, with IRIs shortened to prefixed names."""
        if self.kind == "ASK":
            return "yes" if self.boolean else "no"
        if self.kind != "SELECT":
            return self.graph.serialize(format="turtle")
        lines = [text_table(self.variables, [[_cell(value) for value in row] for row in self.rows])]
        count = f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"
        lines.append(f"({count}{', truncated' if self.truncated else ''})")
        return "\n".join(lines)


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Rows of strings as a plain-text table with a header and aligned columns."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


#: copgraph's prefixes, the longest namespace first (the most specific that fits is the one to write).
_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(term: object) -> str:
    """An IRI as a prefixed name when a copgraph prefix fits (``person:cleo-butterworth``), else as is."""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, namespace in _LONGEST_FIRST:
            if text.startswith(namespace) and len(text) > len(namespace) and "/" not in text[len(namespace) :]:
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    return "" if term is None else str(term)


def _cell(value: object) -> str:
    text = compact(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _json_term(term: object) -> dict:
    """An rdflib term as a SPARQL JSON term: a plain string gets no datatype, as Oxigraph writes it."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _binding(variables: list[str], values, as_json) -> dict:
    """One row as a SPARQL JSON binding: each bound variable's value written by ``as_json``."""
    return {var: as_json(value) for var, value in zip(variables, values, strict=True) if value is not None}


def _ox_json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict:
    """An Oxigraph term as a SPARQL JSON term, with no rdflib term made on the way."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if not isinstance(term, ox.Literal):
        raise CopgraphError(f"The store returned a value copgraph cannot read: {term!r}.")
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return {"type": "literal", "value": term.value}
    return {"type": "literal", "value": term.value, "datatype": datatype}


def _context() -> dict:
    return {prefix: namespace for prefix, namespace in PREFIXES.items()}


def read_query(query_or_file: str) -> str:
    """The query text: the argument itself, or the contents of the file it names (``.rq`` or ``.sparql``)."""
    candidate = Path(query_or_file)
    if candidate.suffix in {".rq", ".sparql"} or ("\n" not in query_or_file and candidate.is_file()):
        try:
            return candidate.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CopgraphError(f"No query file {query_or_file}; give a query or the path of a .rq file.") from None
        except (OSError, UnicodeDecodeError) as error:
            raise CopgraphError(f"The query file {query_or_file} cannot be read: {error}.") from None
    return query_or_file


_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<word>[?$]?[\w:\u00b7-\uffff][\w\-.:%\\\u00b7-\uffff]*)
    | (?P<open>[({\[])
    | (?P<close>[)}\]])
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_PROLOGUE = {"PREFIX", "BASE"}


def _words(text: str) -> tuple[list[str], int, int]:
    """The query's words (keywords, names, variables), its deepest nesting and its number of tokens."""
    words, depth, deepest, count = [], 0, 0, 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind in {"space", "comment"}:
            continue
        count += 1
        if kind == "word":
            words.append(match.group())
        elif kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth -= 1
    return words, deepest, count


def check(text: str) -> None:
    """Refuse a query that must not run, whatever the engine; raise :class:`CopgraphError` saying why.

    >>> check("SELECT * WHERE { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    copgraph.errors.CopgraphError: SERVICE (federated query) is not allowed: it would make this machine fetch \
other addresses.
    """
    if not text.strip():
        raise CopgraphError("The query is empty; write a SELECT, ASK, CONSTRUCT or DESCRIBE query.")
    # SPARQL lets \u escapes stand for any character, even in keywords: read the text both ways.
    unescaped = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    declared, used = set(), set()
    for version in {text, unescaped}:
        words, deepest, count = _words(version)
        if deepest > MAX_DEPTH:
            raise CopgraphError(f"The query is nested too deeply (more than {MAX_DEPTH} brackets); simplify it.")
        if count > MAX_TOKENS:
            raise CopgraphError(
                f"The query is too long ({count:,} words and symbols; at most {MAX_TOKENS:,}); split it up."
            )
        keywords = [w.upper() for w in words if w[0] not in "?$" and ":" not in w]
        first = next((k for k in keywords if k not in _PROLOGUE), "")
        if first in _UPDATE_WORDS or (first not in _FORMS and any(k in _UPDATE_WORDS for k in keywords[:40])):
            raise UpdateRefused(
                "copgraph answers queries only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are not allowed."
            )
        if "SERVICE" in keywords:
            raise CopgraphError(
                "SERVICE (federated query) is not allowed: it would make this machine fetch other addresses."
            )
        if "FROM" in keywords:
            raise CopgraphError(
                "FROM and FROM NAMED are not allowed: every query runs over copgraph's own graph. "
                "Use GRAPH <name> { ... } to query one named graph."
            )
        for previous, word in zip(["", *words], words, strict=False):
            if ":" in word and word[0] not in "?$":
                prefix = word.split(":", 1)[0]
                if previous.upper() == "PREFIX":
                    declared.add(prefix)
                elif prefix != "_":
                    used.add(prefix)
    unknown = sorted(used - declared - set(PREFIXES))
    if unknown:
        raise CopgraphError(
            f"The query uses the prefix '{unknown[0]}:', which is not declared. Declare it "
            f"(PREFIX {unknown[0]}: <...>) or use one of copgraph's: {', '.join(sorted(PREFIXES))}."
        )


def parse(text: str) -> Query:
    """Check a query and parse it with rdflib; raise :class:`CopgraphError` saying what is wrong and where."""
    check(text)
    try:
        tree = parseQuery(text)
    except ParseException as error:
        raise CopgraphError(
            f"The query is not valid SPARQL at line {error.lineno}, column {error.col}: {_near(error)}."
        ) from None
    except RecursionError:
        raise CopgraphError("The query is nested too deeply to parse; simplify it.") from None
    if getattr(tree[1], "datasetClause", None):
        raise CopgraphError(
            "FROM and FROM NAMED are not allowed: every query runs over copgraph's own graph. "
            "Use GRAPH <name> { ... } to query one named graph."
        )
    try:
        query = translateQuery(tree, initNs=PREFIXES)
    except (SPARQLError, Exception) as error:  # rdflib raises plain Exceptions for unknown prefixes
        raise CopgraphError(f"The query cannot be run: {error}.") from None
    if _uses_service(query.algebra):
        raise CopgraphError(
            "SERVICE (federated query) is not allowed: it would make this machine fetch other addresses."
        )
    return query


def run(dataset: Dataset, text: str, *, max_rows: int | None = None) -> Answer:
    """Run a query over the whole graph (the default graph is the union of the named graphs).

    The query runs on the engine of the store that holds the dataset (see :mod:`copgraph.store`).
    """
    kind = engine(dataset)
    if kind == "oxigraph":
        return _run_oxigraph(dataset, text, max_rows)
    if kind == "sparql":
        return _run_server(dataset, text, max_rows)
    return _run_rdflib(dataset, text, max_rows)


def strings(dataset: Dataset, query: str) -> list[tuple[str | None, ...]]:
    """The rows of one of copgraph's own SELECT queries with every value as a plain string (an IRI, or a
    literal's lexical form; None where unbound), for code that wants text rather than rdflib terms.

    On Oxigraph no rdflib term is made: making them took most of the projection's time at 10,000 people.
    """
    if engine(dataset) == "oxigraph":
        result = dataset.store._inner.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
        return [tuple(None if value is None else value.value for value in solution) for solution in result]
    return [tuple(None if value is None else str(value) for value in row) for row in run(dataset, query).rows]


def insert(dataset: Dataset, graph: URIRef, query: str, adding: Adding | None = None) -> int:
    """Add the rows of one of copgraph's own ``SELECT ?s ?p ?o`` queries to a named graph; return how many.

    For the build's rules (entailment), not for user queries. On Oxigraph the rows stay Oxigraph terms from
    query to store: converting a hundred thousand of them to rdflib and back costs seconds. With ``adding``
    (:class:`copgraph.store.Adding`) they are stored by it, while the caller goes on.
    """
    if engine(dataset) == "oxigraph":
        store = dataset.store._inner
        name = ox.NamedNode(str(graph))
        rows = [ox.Quad(*row, name) for row in store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)]
        write = functools.partial(store.extend, rows)
    else:
        rows = run(dataset, query).rows
        write = functools.partial(add_triples, dataset, graph, rows)
    if adding is None:
        write()
    else:
        adding.later(write)
    return len(rows)


def _run_rdflib(dataset: Dataset, text: str, max_rows: int | None) -> Answer:
    query = parse(text)
    kind = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}[
        query.algebra.name
    ]
    try:
        result = dataset.query(query)
        if kind == "SELECT":
            return _rdflib_select(result, max_rows)
        if kind == "ASK":
            return Answer(kind, boolean=bool(result.askAnswer))
        return Answer(kind, graph=_graph(result))
    except RecursionError:
        raise CopgraphError("The query is nested too deeply to run; simplify it.") from None
    except (SPARQLError, TypeError, ValueError) as error:
        raise CopgraphError(f"The query failed while running: {error}.") from None


def _run_oxigraph(dataset: Dataset, text: str, max_rows: int | None) -> Answer:
    check(text)
    try:
        result = dataset.store._inner.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return Answer("ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            return _oxigraph_select(dataset.store._inner, text, result, max_rows)
        return Answer(_graph_form(text), graph=_graph(tuple(from_ox(term) for term in triple) for triple in result))
    except SyntaxError as error:
        raise CopgraphError(_syntax_error(text) or _oxigraph_syntax(str(error))) from None
    except (OSError, ValueError, RuntimeError) as error:
        raise CopgraphError(f"The query failed while running: {error}.") from None


def _syntax_error(text: str) -> str | None:
    """Where rdflib's parser finds a query's mistake: it names the start of the construct that went wrong,
    which reads better than the end of the line some engines report. Only asked once a query has failed."""
    try:
        parseQuery(text)
    except ParseException as error:
        return f"The query is not valid SPARQL at line {error.lineno}, column {error.col}: {_near(error)}."
    except Exception:  # rdflib could not say; the engine's own message will do
        return None
    return None


def _oxigraph_syntax(message: str) -> str:
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not found:
        return f"The query is not valid SPARQL: {message}."
    line, column, detail = found.groups()
    detail = " ".join(detail.split())
    detail = detail if len(detail) <= 160 else detail[:157] + "..."
    return f"The query is not valid SPARQL at line {line}, column {column}: {detail}."


def _run_server(dataset: Dataset, text: str, max_rows: int | None) -> Answer:
    from copgraph.server import ServerError, query

    check(text)
    try:
        result = query(dataset.store, text)
        if result.type == "SELECT":
            return _rdflib_select(result, max_rows)
        if result.type == "ASK":
            return Answer("ASK", boolean=bool(result.askAnswer))
        return Answer(_graph_form(text), graph=_graph(result))
    except ServerError as error:
        if error.status == 400:
            raise CopgraphError(
                _syntax_error(text) or f"The SPARQL server refused the query: {error.detail}."
            ) from None
        raise CopgraphError(f"The SPARQL server answered {error.status} ({error.detail}).") from None
    except OSError as error:
        raise CopgraphError(f"Cannot reach the SPARQL server at {dataset.store.query_endpoint}: {error}.") from None
    except Exception as error:  # rdflib raises plain Exceptions when the server's answer cannot be read
        raise CopgraphError(f"The SPARQL server's answer could not be read: {error}.") from None


def _graph_form(text: str) -> str:
    """Which query form answered with a graph: engines say only that it is a graph."""
    words, _, _ = _words(text)
    return "DESCRIBE" if "DESCRIBE" in (w.upper() for w in words) else "CONSTRUCT"


def _rdflib_select(result, max_rows: int | None) -> Answer:
    """A SELECT's answer from rdflib's result, rows where nothing is bound included (iterating over rdflib's
    result leaves them out)."""
    variables = result.vars or []
    rows = (tuple(binding.get(var) for var in variables) for binding in result.bindings)
    return _select([str(v) for v in variables], rows, max_rows)


def _select(variables: list[str], rows, max_rows: int | None, *, bindings: bool = False) -> Answer:
    """A SELECT's answer from its rows (rdflib terms, or SPARQL JSON bindings with ``bindings``), cut at
    max_rows."""
    if max_rows is None:
        kept, truncated = list(rows), False
    else:
        kept = list(itertools.islice(rows, max_rows + 1))
        truncated = len(kept) > max_rows
        del kept[max_rows:]
    if bindings:
        return Answer("SELECT", variables, bindings=kept, truncated=truncated)
    return Answer("SELECT", variables, [tuple(row) for row in kept], truncated=truncated)


#: The size of answer Oxigraph may write at once, in bytes a row allowed: a longer answer is read again one row
#: at a time, up to the row limit, rather than written whole.
_BYTES_A_ROW = 2_000


class _TooLong(Exception):
    pass


class _Capped(io.RawIOBase):
    """What Oxigraph writes, kept up to a size: past it, the writing stops."""

    def __init__(self, limit: int | None) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise _TooLong
        self.parts.append(bytes(data))
        return len(data)


def _oxigraph_select(store, text: str, result, max_rows: int | None) -> Answer:
    """A SELECT's answer as Oxigraph writes it in JSON, cut at max_rows."""
    variables = [v.value for v in result.variables]
    written = _Capped(None if max_rows is None else max(1, max_rows) * _BYTES_A_ROW)
    try:
        result.serialize(written, format=ox.QueryResultsFormat.JSON)
    except _TooLong:
        again = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        rows = (_binding(variables, row, _ox_json_term) for row in again)
        return _select(variables, rows, max_rows, bindings=True)
    document = b"".join(written.parts)
    # Rows are separated by "},{", which a text can hold too: so this counts at least as many rows as there are,
    # and only an answer that may be too long is read to find out.
    if max_rows is not None and document.count(b"},{") + 1 > max_rows:
        bindings = json.loads(document)["results"]["bindings"]
        if len(bindings) > max_rows:
            return Answer("SELECT", variables, bindings=bindings[:max_rows], truncated=True)
    return Answer("SELECT", variables, document=document)


def _csv_cell(cell: dict | None) -> str:
    if cell is None:
        return ""
    if cell["type"] == "literal" and "datatype" not in cell:  # text, not a number or a date
        return spreadsheet_safe(cell["value"])
    return cell["value"]


def _graph(triples) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(triple)
    return graph


def _near(error: ParseException) -> str:
    found = error.line[error.col - 1 : error.col + 19].strip() if error.col else ""
    return f"unexpected '{found}'" if found else "the query ends too early"


def _uses_service(node: object, depth: int = 0) -> bool:
    if depth > 200:
        return False
    if getattr(node, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(node, dict):
        return any(_uses_service(value, depth + 1) for value in node.values())
    if isinstance(node, (list, tuple)):
        return any(_uses_service(value, depth + 1) for value in node)
    return False
