"""The answer to a SPARQL query, and the formats it is written in: JSON, CSV, TSV, XML and a text table.

Whatever engine answered, a SELECT's values are held as SPARQL 1.1 JSON terms (``{"type": "literal", "value":
"Ann"}``), the form every format is written from, so that every format writes every term the engines return:
IRIs, blank nodes, literals and RDF 1.2 triple terms. Rows of rdflib terms are made only when a page or a
command asks for them.

Example
-------
>>> answer = Answer("SELECT", ["name"], bindings=[{"name": {"type": "literal", "value": "=1+1"}}])
>>> print(answer.to_csv(), end="")
name
'=1+1
"""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape, quoteattr

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.results.jsonresults import parseJsonTerm

from copgraph.errors import CopgraphError
from copgraph.namespaces import PREFIXES, bind_prefixes

__all__ = [
    "FORMULA_STARTS",
    "Answer",
    "TripleTerm",
    "compact",
    "json_term",
    "spreadsheet_safe",
    "text_table",
]

#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(text: str) -> str:
    """``text``, with a leading apostrophe if a spreadsheet would read it as a formula.

    A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a formula to Excel and
    LibreOffice, so a name such as ``=HYPERLINK("http://...")``, imported from one spreadsheet, would run when an
    export is opened in another (CSV injection). Such a cell gets a leading apostrophe, which both read as "this
    is text" and do not show (OWASP's advice). A number stays a number.

    >>> spreadsheet_safe("=1+1"), spreadsheet_safe("Polypharmacy"), spreadsheet_safe("-12.5")
    ("'=1+1", 'Polypharmacy', '-12.5')
    """
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class TripleTerm(tuple):
    """An RDF 1.2 triple term (a triple used as a value), as rdflib terms: ``(subject, predicate, object)``."""

    def n3(self) -> str:
        return "<<( " + " ".join(term.n3() for term in self) + " )>>"

    def __str__(self) -> str:
        return self.n3()


def json_term(term: object) -> dict:
    """An rdflib term as a SPARQL JSON term: a plain string gets no datatype, as Oxigraph writes it."""
    if isinstance(term, TripleTerm):
        subject, predicate, object_ = (json_term(t) for t in term)
        return {"type": "triple", "value": {"subject": subject, "predicate": predicate, "object": object_}}
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


def rdflib_term(cell: dict) -> object:
    """A SPARQL JSON term as an rdflib term (a :class:`TripleTerm` for a triple term)."""
    if cell.get("type") == "triple":
        value = cell["value"]
        return TripleTerm(rdflib_term(value[part]) for part in ("subject", "predicate", "object"))
    return parseJsonTerm(cell)


#: What a string in a TSV cell escapes: a tab or a line break there would split the cell or the row.
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _n3(cell: dict) -> str:
    """A SPARQL JSON term written as in N-Triples, on one line with no tab (the TSV format's cells)."""
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    if kind == "triple":
        return "<<( " + " ".join(_n3(value[part]) for part in ("subject", "predicate", "object")) + " )>>"
    text = '"' + value.translate(_ESCAPES) + '"'
    if "xml:lang" in cell:
        return f"{text}@{cell['xml:lang']}"
    if cell.get("datatype") not in (None, str(XSD.string)):
        return f"{text}^^<{cell['datatype']}>"
    return text


class Answer:
    """The answer to a query.

    ``kind`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``. A SELECT fills ``variables`` and its rows,
    given as ``bindings`` (SPARQL JSON: each variable's value as a dict, unbound ones left out) or as the JSON
    ``document`` an engine wrote; ``truncated`` says whether more rows than the limit existed. An ASK fills
    ``boolean``; a CONSTRUCT or DESCRIBE fills ``graph``.
    """

    def __init__(
        self,
        kind: str,
        variables: list[str] | None = None,
        *,
        bindings: list[dict] | None = None,
        document: bytes | None = None,
        boolean: bool | None = None,
        graph: Graph | None = None,
        truncated: bool = False,
    ) -> None:
        self.kind = kind
        self.variables = variables or []
        self.boolean = boolean
        self.graph = graph
        self.truncated = truncated
        self._document = document
        self._bindings = bindings if bindings is not None or document is not None else []
        self._rows: list[tuple] | None = None

    @classmethod
    def from_rows(cls, variables: list[str], rows, limit: int | None = None) -> Answer:
        """A SELECT's answer from rows of rdflib terms (None where unbound), cut at ``limit`` rows."""
        kept, truncated = _cut(rows, limit)
        bindings = [{var: json_term(v) for var, v in zip(variables, row, strict=True) if v is not None} for row in kept]
        return cls("SELECT", variables, bindings=bindings, truncated=truncated)

    @classmethod
    def from_bindings(cls, variables: list[str], bindings, limit: int | None = None) -> Answer:
        """A SELECT's answer from SPARQL JSON bindings, cut at ``limit`` rows."""
        kept, truncated = _cut(bindings, limit)
        return cls("SELECT", variables, bindings=kept, truncated=truncated)

    @property
    def bindings(self) -> list[dict]:
        """The SELECT's rows as SPARQL JSON bindings."""
        if self._bindings is None:
            self._bindings = json.loads(self._document)["results"]["bindings"]
        return self._bindings

    @property
    def rows(self) -> list[tuple]:
        """The SELECT's rows: one tuple of rdflib terms (None where unbound) a solution."""
        if self._rows is None:
            variables = self.variables
            self._rows = [
                tuple(rdflib_term(binding[var]) if var in binding else None for var in variables)
                for binding in self.bindings
            ]
        return self._rows

    def __getstate__(self) -> dict:
        # Sent from a query worker: the most compact form of the values there is, and a graph as N-Triples.
        state = dict(self.__dict__)
        state["_rows"] = None
        if state["_document"] is not None:
            state["_bindings"] = None
        if isinstance(state["graph"], Graph):
            state["graph"] = state["graph"].serialize(format="nt")
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if isinstance(self.graph, str):
            self.graph = bind_prefixes(Graph()).parse(data=self.graph, format="nt")

    def __repr__(self) -> str:
        shown = f"boolean={self.boolean}" if self.kind == "ASK" else f"{len(self.bindings)} rows"
        return f"<Answer {self.kind} {shown}{' (truncated)' if self.truncated else ''}>"

    def _table_only(self, asked: str) -> None:
        if self.kind not in {"SELECT", "ASK"}:
            raise CopgraphError(f"A {self.kind} query answers with a graph, not a table; ask for {asked}.")

    def to_json(self) -> dict:
        """The answer in the SPARQL 1.1 Query Results JSON format (or, for graphs, JSON-LD)."""
        if self.kind == "ASK":
            return {"head": {}, "boolean": self.boolean}
        if self.kind == "SELECT":
            if self._document is not None:
                return json.loads(self._document)
            return {"head": {"vars": self.variables}, "results": {"bindings": self.bindings}}
        return json.loads(self.graph.serialize(format="json-ld", context=dict(PREFIXES)))

    def to_json_text(self) -> str:
        """:meth:`to_json` as text; a SELECT's document as the engine wrote it."""
        if self.kind == "SELECT" and self._document is not None:
            return self._document.decode("utf-8")
        return json.dumps(self.to_json(), ensure_ascii=False)

    def to_csv(self) -> str:
        """The answer as CSV: one column a variable, full IRIs, as the SPARQL 1.1 CSV format has it, except that
        a cell a spreadsheet would run as a formula gets a leading apostrophe (:func:`spreadsheet_safe`)."""
        self._table_only("ttl or json")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if self.kind == "ASK":
            writer.writerows([["boolean"], ["true" if self.boolean else "false"]])
        else:
            writer.writerow(self.variables)
            writer.writerows([_csv_cell(binding.get(var)) for var in self.variables] for binding in self.bindings)
        return buffer.getvalue()

    def to_tsv(self) -> str:
        """The answer in the SPARQL 1.1 TSV format: terms written as in Turtle."""
        self._table_only("ttl or json")
        if self.kind == "ASK":
            return "?boolean\n" + ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        lines += [
            "\t".join(_n3(binding[var]) if var in binding else "" for var in self.variables)
            for binding in self.bindings
        ]
        return "\n".join(lines) + "\n"

    def to_xml(self) -> str:
        """The answer in the SPARQL Query Results XML format (with SPARQL 1.2's ``<triple>`` for triple terms)."""
        self._table_only("Turtle")
        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        if self.kind == "ASK":
            out += ["  <head/>", f"  <boolean>{'true' if self.boolean else 'false'}</boolean>", "</sparql>"]
            return "\n".join(out) + "\n"
        out.append("  <head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in self.variables) + "</head>")
        out.append("  <results>")
        for binding in self.bindings:
            out.append("    <result>")
            out += [
                f"      <binding name={quoteattr(var)}>{_xml_term(binding[var])}</binding>"
                for var in self.variables
                if var in binding
            ]
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


def _cut(rows, limit: int | None) -> tuple[list, bool]:
    """The first ``limit`` rows, and whether there were more."""
    if limit is None:
        return list(rows), False
    kept = []
    for row in rows:
        if len(kept) == limit:
            return kept, True
        kept.append(row)
    return kept, False


def _csv_cell(cell: dict | None) -> str:
    if cell is None:
        return ""
    if cell["type"] == "triple":
        return spreadsheet_safe(_n3(cell))
    if cell["type"] == "literal":  # any literal, whatever its datatype says: "=1+1"^^xsd:integer is a text
        return spreadsheet_safe(cell["value"])
    return cell["value"]


def _xml_term(cell: dict) -> str:
    if cell["type"] == "uri":
        return f"<uri>{escape(cell['value'])}</uri>"
    if cell["type"] == "bnode":
        return f"<bnode>{escape(cell['value'])}</bnode>"
    if cell["type"] == "triple":
        parts = cell["value"]
        return (
            "<triple>"
            + "".join(f"<{p}>{_xml_term(parts[p])}</{p}>" for p in ("subject", "predicate", "object"))
            + "</triple>"
        )
    attrs = ""
    if "xml:lang" in cell:
        attrs = f" xml:lang={quoteattr(cell['xml:lang'])}"
    elif "datatype" in cell:
        attrs = f" datatype={quoteattr(cell['datatype'])}"
    return f"<literal{attrs}>{escape(cell['value'])}</literal>"


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Rows of strings as a plain-text table with a header and aligned columns.

    >>> print(text_table(["name", "n"], [["Ann", "1"]]))
    name  n
    ----  -
    Ann   1
    """
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
    """An IRI as a prefixed name when a copgraph prefix fits (``person:cleo-butterworth``), else as is.

    >>> compact(URIRef("https://w3id.org/copgraph/id/person/cleo-butterworth"))
    'person:cleo-butterworth'
    """
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, namespace in _LONGEST_FIRST:
            if text.startswith(namespace) and len(text) > len(namespace) and "/" not in text[len(namespace) :]:
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    if isinstance(term, TripleTerm):
        return "<<( " + " ".join(compact(t) for t in term) + " )>>"
    return "" if term is None else str(term)


def _cell(value: object) -> str:
    text = compact(value)
    return text if len(text) <= 80 else text[:77] + "..."
