"""Check a SPARQL query before any engine sees it: the one gate every user query passes.

Whatever store holds the graph, a query is refused, with a sentence that says why, when:

- it is malformed (the message names the line and column of the mistake) or uses an undeclared prefix;
- it is an update (INSERT, DELETE, LOAD, CLEAR, ...): the graph is read-only;
- it uses ``SERVICE``, which rdflib and Oxigraph would both follow to any URL it names (SSRF);
- it uses ``FROM`` or ``FROM NAMED``, which rdflib would load from the named document, local files included;
- it nests more than :data:`MAX_DEPTH` brackets deep or holds more than :data:`MAX_TOKENS` words and symbols,
  because the engines' parsers recurse and would crash the process.

The check reads the query's tokens, skipping strings, IRIs and comments, so it costs microseconds rather than
the milliseconds of a full parse. A full parse (:func:`parse`, rdflib's) is made only for rdflib's engine, and
to say where a query an engine refused went wrong (:func:`where_wrong`).

Example
-------
>>> check("SELECT * WHERE { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
copgraph.errors.CopgraphError: SERVICE (federated query) is not allowed: it would make this machine fetch \
other addresses.
"""

from __future__ import annotations

import re

import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query, SPARQLError

from copgraph.errors import CopgraphError
from copgraph.namespaces import PREFIXES

__all__ = ["MAX_DEPTH", "MAX_TOKENS", "UpdateRefused", "check", "graph_form", "parse", "where_wrong"]

#: Brackets a query may nest at most.
MAX_DEPTH = 100
#: Words and symbols a query may hold at most.
MAX_TOKENS = 8_000

# Never let a query make rdflib fetch a graph named in FROM / FROM NAMED (a local file or a URL).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


class UpdateRefused(CopgraphError):
    """An update (INSERT, DELETE, LOAD, CLEAR ...) was sent: the graph is read-only."""


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
    """Refuse a query that must not run, whatever the engine; raise :class:`CopgraphError` saying why."""
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


def where_wrong(text: str, engine_said: str) -> str:
    """A sentence saying where a query that an engine refused as malformed went wrong.

    rdflib's parser names the start of the construct that went wrong, which reads better than the end of the
    line some engines report, so it is asked first (only once a query has failed); otherwise the engine's own
    words are used, with Oxigraph's ``error at LINE:COLUMN`` read as a line and a column.
    """
    try:
        parseQuery(text)
    except ParseException as error:
        return f"The query is not valid SPARQL at line {error.lineno}, column {error.col}: {_near(error)}."
    except Exception:  # rdflib could not say; the engine's own words will do
        pass
    found = re.match(r"error at (\d+):(\d+): (.*)", engine_said, re.DOTALL)
    if not found:
        return f"The query is not valid SPARQL: {engine_said}."
    line, column, detail = found.groups()
    detail = " ".join(detail.split())
    detail = detail if len(detail) <= 160 else detail[:157] + "..."
    return f"The query is not valid SPARQL at line {line}, column {column}: {detail}."


def graph_form(text: str) -> str:
    """Which query form answered with a graph: engines say only that it is a graph."""
    words, _, _ = _words(text)
    return "DESCRIBE" if "DESCRIBE" in (w.upper() for w in words) else "CONSTRUCT"


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
