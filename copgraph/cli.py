"""The ``copgraph`` command: each command loads the graph, calls one library function and prints the result.

Exit status: 0 when all is well; 1 when ``validate`` finds the graph invalid; 2 for bad input (a malformed
query, an unknown name, an unreadable data file), said in one line that tells what to do. Never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from functools import update_wrapper
from pathlib import Path

import click

from copgraph import __version__
from copgraph.errors import CopgraphError

FORMAT_HELP = "How to print the result."


class UserError(click.ClickException):
    """Bad input: printed as one line, exit status 2."""

    exit_code = 2


#: Seconds a query on the command line may run, as in the web app (COPGRAPH_QUERY_TIMEOUT).
QUERY_TIMEOUT = 10.0


def _open(ctx: click.Context, audience: str | None = None):
    """The knowledge graph the global options name."""
    from copgraph.graph import KnowledgeGraph

    try:
        return KnowledgeGraph.open(
            ctx.obj["store"],
            data=ctx.obj["data"],
            include=ctx.obj["include"],
            audience=audience or ctx.obj["audience"] or "curators",
        )
    except CopgraphError as error:
        raise UserError(str(error)) from None


def reports_errors(command):
    """Turn the library's errors into one-line messages with exit status 2."""

    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CopgraphError as error:
            raise UserError(str(error)) from None

    return update_wrapper(wrapper, command)


def _own_data(ctx: click.Context, doing: str) -> Path | None:
    """The data folder a command that changes files may change: --data, or the project's data/ in a source
    checkout; never the data inside an installed copgraph, which the next install would put back."""
    from copgraph.files import installed

    if ctx.obj["data"] is not None or not installed():
        return ctx.obj["data"]
    raise UserError(
        f"copgraph {doing} changes the data files, and the data shipped with copgraph is part of its installation "
        "(the next install would undo the change). Make a data folder of your own once, with "
        "'copgraph init ./data', then give it: copgraph --data ./data ... (or set COPGRAPH_DATA)."
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="COPGRAPH_DATA",
    help="Use the curated data in this folder instead of the data shipped with copgraph (env: COPGRAPH_DATA).",
)
@click.option(
    "--store",
    envvar="COPGRAPH_STORE",
    default="memory",
    show_default=True,
    metavar="STORE",
    help="Where the graph lives: memory (Oxigraph, built at start), rdflib, oxigraph:PATH (a store on disk, "
    "made by 'build') or sparql:URL (a SPARQL server, filled by 'build') (env: COPGRAPH_STORE).",
)
@click.option(
    "--include",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="COPGRAPH_INCLUDE",
    help="Also load this RDF file (.trig, .nq, .ttl, .nt), e.g. one made by 'generate'; repeat for more "
    f"(env: COPGRAPH_INCLUDE, paths separated by '{os.pathsep}').",
)
@click.option(
    "--audience",
    type=click.Choice(["public", "programme", "curators"]),
    envvar="COPGRAPH_AUDIENCE",
    help="Who will see the result: the public (public people only), the programme team (public and programme "
    "people) or curators (everyone, hidden people too). Commands show curators everything; 'serve' shows the "
    "public unless told otherwise (env: COPGRAPH_AUDIENCE).",
)
@click.version_option(__version__, prog_name="copgraph")
@click.pass_context
def cli(ctx: click.Context, data: Path | None, store: str, include: tuple[Path, ...], audience: str | None) -> None:
    """copgraph: a knowledge graph of communities of practice, people and ideas in UK health and care.

    \b
    Example:
        copgraph stats
        copgraph show "SEL Polypharmacy"
        copgraph query "SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name }"
        copgraph --store oxigraph:./copgraph.db build
        copgraph --store oxigraph:./copgraph.db serve
        copgraph --audience programme serve
    """
    from copgraph.backends import StoreSpec

    try:
        spec = StoreSpec.parse(store)
    except CopgraphError as error:
        raise UserError(str(error)) from None
    ctx.obj = {"data": data, "store": spec, "include": include, "audience": audience}


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help=FORMAT_HELP
)
@click.pass_context
@reports_errors
def stats(ctx: click.Context, fmt: str) -> None:
    """Count what the graph holds: entities by kind, and by cohort, sector and nation.

    \b
    Example:
        copgraph stats
        copgraph stats --format json
    """
    summary = _open(ctx).counts()
    if fmt == "json":
        click.echo(json.dumps(summary.__dict__, indent=2, default=str))
        return
    click.echo(f"copgraph: {summary.statements} statements in {summary.named_graphs} named graphs\n")
    click.echo(_table(["kind", "count"], [[k, v] for k, v in summary.by_kind.items()]))
    for title, rows in (
        ("By cohort", summary.by_cohort),
        ("By sector", summary.by_sector),
        ("By nation", summary.by_nation),
    ):
        click.echo(f"\n{title}")
        if rows:
            columns = [c for c in rows[0] if c not in {"cohort", "sector", "nation"}]
            click.echo(_table(columns, [[_plain(row[c]) for c in columns] for row in rows]))
        else:
            click.echo("(none)")


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help=FORMAT_HELP
)
@click.pass_context
@reports_errors
def validate(ctx: click.Context, fmt: str) -> None:
    """Check the graph against the SHACL shapes (ontology/shapes.ttl).

    Exits 0 when the graph is valid, 1 when it is not (listing every violation), 2 when the data cannot be read.

    \b
    Example:
        copgraph validate
        copgraph --data ./my-data validate
    """
    from copgraph.curation.validate import validate as run_validation

    report = run_validation(_open(ctx))
    if fmt == "json":
        click.echo(
            json.dumps({"conforms": report.conforms, "violations": [v.__dict__ for v in report.violations]}, indent=2)
        )
    elif report.conforms:
        click.echo("The graph is valid: it conforms to every shape in ontology/shapes.ttl.")
    else:
        click.echo(f"The graph is not valid: {len(report.violations)} violations.")
        for violation in report.violations:
            click.echo(f"- {violation}")
    ctx.exit(0 if report.conforms else 1)


@cli.command()
@click.argument("query_or_file")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "ttl"]),
    default="table",
    show_default=True,
    help="table, csv or json for SELECT and ASK; ttl or json (JSON-LD) for CONSTRUCT and DESCRIBE.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most this many rows.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=QUERY_TIMEOUT,
    show_default=True,
    help="Seconds the query may run before it is stopped, whatever the store.",
)
@click.option(
    "--inferred",
    is_flag=True,
    help="Compute the analytics' suggestions first (a second or two), so the query can read graph:inferred.",
)
@click.pass_context
@reports_errors
def query(ctx: click.Context, query_or_file: str, fmt: str, limit: int | None, timeout: float, inferred: bool) -> None:
    """Run a SPARQL query: the query itself, a .rq file, or the name of an example query.

    The project's prefixes (cop:, person:, theme:, foaf:, skos: ... see 'copgraph examples') are declared
    for you. The default graph is the union of all named graphs; GRAPH ?g names the report section a fact
    comes from.

    \b
    Example:
        copgraph query "SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name"
        copgraph query communities-by-theme
        copgraph query my-query.rq --format csv
        copgraph query --inferred "SELECT ?s ?score WHERE { ?x cop:suggestionFor person:phil-southworth ;
            cop:suggests ?s ; cop:score ?score }"
    """
    from copgraph.query.examples import query_text

    text = query_text(query_or_file)
    graph = _open(ctx)
    if inferred:
        graph.infer()
    answer = graph.query(text, limit=limit, timeout=timeout)
    if fmt == "json":
        click.echo(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        _echo_data(answer.to_csv())
    elif fmt == "ttl":
        if answer.graph is None:
            raise UserError(f"A {answer.kind} query answers with a table; ask for table, csv or json.")
        _echo_data(answer.graph.serialize(format="turtle"))
    else:
        click.echo(_terminal_safe(answer.to_table()))


@cli.command()
@click.pass_context
@reports_errors
def examples(ctx: click.Context) -> None:
    """List the example queries, with what each answers.

    \b
    Example:
        copgraph examples
        copgraph query participants-per-nation
    """
    from copgraph.query.examples import load_examples

    for example in load_examples():
        click.echo(f"{example.name}\n    {example.title}")


#: What 'export' writes: the graph as RDF (copgraph.output.rdf.FORMATS), or its network
#: (copgraph.output.network.NETWORK_FORMATS). Named here so that the command line starts without loading them.
EXPORT_FORMATS = ["ttl", "nt", "nq", "trig", "jsonld", "gexf", "graphml", "csv"]


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="RDF: trig, nq and jsonld keep the named graphs (each fact's source); ttl and nt write their union. "
    "The network, for Gephi and NetworkX: gexf, graphml, or csv (two tables, nodes and edges; needs -o). "
    "Default: the one -o's extension names, or trig on standard output.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (default: standard output). For csv, NAME writes NAME-nodes.csv and NAME-edges.csv; "
    "a folder gets copgraph-nodes.csv and copgraph-edges.csv.",
)
@click.option(
    "--public",
    is_flag=True,
    help="Only what the public may see: people who are programme-only or hidden, and all about them, left out "
    "(the same as --audience public).",
)
@click.pass_context
@reports_errors
def export(ctx: click.Context, fmt: str | None, output: Path | None, public: bool) -> None:
    """Write the whole graph as RDF, ontology and vocabularies included, or its network for Gephi and NetworkX.

    \b
    Example:
        copgraph export -o copgraph.ttl
        copgraph export --format jsonld > copgraph.jsonld
        copgraph export --public --format trig -o public.trig
        copgraph export --format gexf -o copgraph.gexf
        copgraph export --format csv -o network
    """
    from copgraph.files import write_atomically
    from copgraph.output.network import NETWORK_FORMATS, network_text, write_tables
    from copgraph.output.rdf import serialise

    fmt = _export_format(fmt, output)
    if fmt == "csv" and output is None:
        raise UserError(
            "The csv export is two tables, nodes and edges, so it needs -o NAME: it writes "
            "NAME-nodes.csv and NAME-edges.csv."
        )
    graph = _open(ctx, "public" if public else None)
    if fmt == "csv":
        nodes, edges = write_tables(graph.network(), output)
        click.echo(f"Wrote {nodes} and {edges} (csv).", err=True)
        return
    text = network_text(graph.network(), fmt) if fmt in NETWORK_FORMATS else serialise(graph, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
        click.echo(f"Wrote {output} ({fmt}).", err=True)


def _export_format(fmt: str | None, output: Path | None) -> str:
    """The format to export: the one asked for, which must agree with the extension of ``output`` if it has one
    copgraph knows; else the one that extension names; else TriG, on standard output."""
    from copgraph.output.rdf import FORMATS

    by_suffix = {suffix: name for name, (_, _, suffix) in FORMATS.items()}
    by_suffix.update({".gexf": "gexf", ".graphml": "graphml", ".csv": "csv"})
    named = by_suffix.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and named is not None and named != fmt:
        raise UserError(
            f"{output}: its extension names the {named} format, but --format {fmt} was asked for; make them agree "
            "(or leave --format out)."
        )
    if fmt is not None or output is None:
        return fmt or "trig"
    if named is None:
        raise UserError(
            f"{output}: copgraph export writes the format -o's extension names ({', '.join(by_suffix)}) or the one "
            "--format asks for; give the file one of those extensions, or say --format."
        )
    return named


@cli.command()
@click.argument("name")
@click.option("--kind", help="Only consider entities of this kind: person, organisation, community, theme ...")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help=FORMAT_HELP
)
@click.pass_context
@reports_errors
def show(ctx: click.Context, name: str, kind: str | None, fmt: str) -> None:
    """Show everything known about one entity, each fact with its source.

    NAME is a name, an alternative name or an identifier; case, accents and small misspellings don't matter.

    \b
    Example:
        copgraph show "SEL Polypharmacy"
        copgraph show hin
        copgraph show person:cleo-butterworth --format json
    """
    graph = _open(ctx)
    entity = graph.lookup(name, kind=kind)
    facts = graph.describe(entity)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "iri": str(entity.iri),
                    "id": entity.curie,
                    "kind": entity.kind,
                    "label": entity.label,
                    "aliases": list(entity.aliases),
                    "facts": [
                        {
                            "direction": f.direction,
                            "predicate": str(f.predicate),
                            "predicate_label": f.predicate_label,
                            "value": str(f.value),
                            "value_label": f.value_label,
                            "source": str(f.source),
                            "source_label": f.source_label,
                        }
                        for f in facts
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    lines = [f"{entity.label}  ({entity.kind}, {entity.curie})"]
    if entity.aliases:
        lines.append(f"also known as: {', '.join(entity.aliases)}")
    for direction, heading in (("out", "Facts"), ("in", "Linked from")):
        chosen = [f for f in facts if f.direction == direction]
        if chosen:
            lines.append(f"\n{heading}")
        lines += [f"- {f.predicate_label}: {f.value_label}\n    source: {f.source_label}" for f in chosen]
    click.echo(_terminal_safe("\n".join(lines)))


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def build(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Build a persistent store (--store oxigraph:PATH or sparql:URL) from the data, plus FILES.

    The store then opens in a fraction of a second instead of being built at every start. The old store stays
    as it was until the new one is complete.

    \b
    Example:
        copgraph --store oxigraph:./copgraph.db build
        copgraph generate --people 10000 -o q.nq && copgraph --store oxigraph:./q.db build q.nq
        copgraph --store sparql:http://localhost:7878/query build
        copgraph --audience public --store oxigraph:./public.db build
    """
    _build_store(ctx.obj["store"], ctx.obj["data"], (*ctx.obj["include"], *files), ctx.obj["audience"] or "curators")


def _build_store(store, data, include, audience: str) -> None:
    """Build a persistent store, saying each step, with the network, index, counts and suggestions computed for
    it and kept beside it, for a fast start."""
    import time

    from copgraph.build import build_store
    from copgraph.graph import KnowledgeGraph
    from copgraph.graph.inferred import MOST_ENTITIES

    def prepare(backend) -> None:
        graph = KnowledgeGraph(backend, audience)
        click.echo("... computing the network, the entity index and the counts, for a fast start", err=True)
        graph.network()
        graph.entities()
        click.echo("... computing the analytics' suggestions (graph:inferred)", err=True)
        if not graph.infer():
            click.echo(
                f"... skipped: over {MOST_ENTITIES:,} people and communities, suggestions are computed when asked",
                err=True,
            )
        graph.counts()

    started = time.perf_counter()
    quads = build_store(
        store,
        data,
        include,
        progress=lambda step: click.echo(f"... {step}", err=True),
        finish=prepare,
        audience=audience,
    )
    click.echo(f"Built {store}: {quads:,} quads in {time.perf_counter() - started:.1f} s.", err=True)


@cli.command()
@click.argument("name")
@click.option(
    "--reference",
    help="The erasure request's reference (e.g. DPO-2026-014), kept in the audit log. Never a name.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be removed, file by file; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before forgetting.")
@click.pass_context
@reports_errors
def forget(ctx: click.Context, name: str, reference: str | None, dry_run: bool, yes: bool) -> None:
    """Forget a person: remove them, and everything about them, from every file and store (right to erasure).

    Every triple with the person (or their posts) in it, and every text that spells out their full name, goes
    from the report and import files in the data folder and from the --include files; the --store is built
    again. An audit entry that holds no personal data goes into the data folder's audit.jsonl.

    \b
    Example:
        copgraph forget "Priya Raman" --dry-run
        copgraph forget "Priya Raman" --reference DPO-2026-014
        copgraph --store oxigraph:./copgraph.db forget person:priya-raman --yes
    """
    from copgraph.build import built_from
    from copgraph.build.cache import folder as cache_folder
    from copgraph.curation.forget import apply_forget, plan_forget
    from copgraph.query.answer import compact

    spec = ctx.obj["store"]
    record = built_from(spec) or {}
    data = Path(record["data"]) if record.get("data") and ctx.obj["data"] is None else _own_data(ctx, "forget")
    include = list(dict.fromkeys([*map(Path, ctx.obj["include"]), *map(Path, record.get("include", []))]))
    erasure = plan_forget(name, data, include)
    who = f"{erasure.person.label} ({erasure.person.curie})"
    if not erasure.changes:
        raise UserError(f"{who} is in no file that copgraph can change; nothing to forget.")
    click.echo(f"Forgetting {who}:")
    for change in erasure.changes:
        layout = "" if change.kept_layout else " (the file's layout is written again)"
        click.echo(f"  {change.path}: {change.triples} triples{layout}")
    if erasure.texts:
        click.echo("These texts name them, and go too; write them again without the name if they are still needed:")
        for subject, predicate in erasure.texts:
            click.echo(f"  {compact(subject)} {compact(predicate)}")
    if dry_run:
        emptied = " and the build cache would be emptied" if cache_folder() is not None else ""
        click.echo(f"Dry run: nothing changed. Without --dry-run, {erasure.triples} triples would go{emptied}.")
        return
    if not yes:
        click.confirm(f"Forget {erasure.person.label}? This cannot be undone", abort=True)
    audit = apply_forget(erasure, reference)
    click.echo(f"Forgot them: {erasure.triples} triples in {len(erasure.changes)} files. Audit entry in {audit}.")
    if cache_folder() is not None:
        click.echo(f"The build cache in {cache_folder()}, which held graphs built before, is emptied.")
    if spec.persistent:
        click.echo(f"Building {spec} again without them:", err=True)
        _build_store(spec, data, include, record.get("audience") or ctx.obj["audience"] or "curators")
    else:
        click.echo("A copgraph serve that is running still shows them until it is started again.")
    for row in erasure.spreadsheets:
        click.echo(
            f"They were imported from {row}: that spreadsheet still holds them. Delete the row, or importing "
            "it again brings them back."
        )
    click.echo("Copies made before (exports, other stores, backups) still hold them: delete those too.")


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@reports_errors
def init(folder: Path) -> None:
    """Make a data folder of your own: a copy of the data shipped with copgraph (the two reports, the
    vocabularies, the spreadsheet templates), to import new cohorts into and forget people from.

    \b
    Example:
        copgraph init ./data
        copgraph --data ./data import participants.csv --dry-run
    """
    import shutil

    from copgraph.files import data_dir, replace_folder

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError(f"{folder} already exists and is not an empty folder; give a new folder.")
    replace_folder(folder.resolve(), lambda staging: shutil.copytree(data_dir(), staging, dirs_exist_ok=True))
    click.echo(f"Made {folder}: the reports, vocabularies and templates. Use it with: copgraph --data {folder} ...")


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be added or changed, entity by entity; write nothing.")
@click.option(
    "--merge",
    "merges",
    multiple=True,
    metavar="NAME=TARGET",
    help="Decide a name that is close to a known one: TARGET is the entity it is (a name or an identifier, such as "
    "organisation:health-innovation-network) or 'new' for a different one. Repeat for more names.",
)
@click.pass_context
@reports_errors
def import_(ctx: click.Context, files: tuple[Path, ...], dry_run: bool, merges: tuple[str, ...]) -> None:
    """Import a new cohort from spreadsheets (CSV or Excel) laid out like the templates in data/templates/.

    Every problem is listed with its file, row and column, and nothing is written until there are none. Each
    spreadsheet becomes data/import-<file>.trig, one named graph per row; importing it again replaces that file,
    and importing the same spreadsheet twice changes nothing.

    \b
    Example:
        copgraph --data ./data import participants.csv communities.csv --dry-run
        copgraph --data ./data import participants.csv communities.csv
        copgraph import participants.csv --merge "Helth Inovation Network=organisation:health-innovation-network"
    """
    from copgraph.curation.imports import apply_import, plan_import
    from copgraph.files import data_dir

    decisions = {}
    for merge in merges:
        name, equals, target = merge.partition("=")
        if not equals or not name.strip() or not target.strip():
            raise UserError(
                f"--merge '{merge}' is not NAME=TARGET; write, for example, "
                '--merge "Helth Inovation Network=organisation:health-innovation-network" or --merge "Priya Sha=new".'
            )
        decisions[name.strip()] = target.strip()
    data = _own_data(ctx, "import") or data_dir()
    count = f"{len(files)} spreadsheet{'s' if len(files) != 1 else ''}"
    click.echo(f"... reading {count} and checking them against the graph in {data}", err=True)
    plan = plan_import(files, data, decisions=decisions)
    if not plan.ok:
        click.echo(_terminal_safe(plan.describe()), err=True)
        ctx.exit(2)
    click.echo(_terminal_safe(plan.describe()))
    if dry_run:
        click.echo("Dry run: nothing was written.", err=True)
        return
    click.echo("... writing the import files, once the whole graph with them passes the SHACL shapes", err=True)
    written = apply_import(plan, data)
    if not written:
        click.echo("Nothing to import: the graph already holds all of it.", err=True)
        return
    click.echo(f"Wrote {', '.join(str(path) for path in written)}.", err=True)
    if ctx.obj["store"].persistent:
        store = ctx.obj["store"]
        click.echo(
            f"The {store} store holds the graph as it was built; include this with: copgraph --store {store} build",
            err=True,
        )


@cli.command()
@click.option("--people", type=click.IntRange(min=1), required=True, help="How many people the graph holds.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same graph.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("synthetic.nq"),
    show_default=True,
    help="The file to write, in the format its extension names: .nq (N-Quads), .trig (TriG), .ttl (Turtle) or "
    ".nt (N-Triples; Turtle and N-Triples hold the triples without the graph's name).",
)
@click.option(
    "--programme-only",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="The share of people only the programme team may see (cop:ProgrammeOnly), e.g. 0.3.",
)
@click.option(
    "--hidden", type=click.FloatRange(0, 1), default=0.0, show_default=True, help="The share of hidden people."
)
@reports_errors
def generate(people: int, seed: int, output: Path, programme_only: float, hidden: float) -> None:
    """Write a synthetic graph shaped like copgraph's, at any size, for trying out scale. Nothing in it is real.

    People with posts at organisations of real sectors and places, communities with power-law sizes and
    Zipf-distributed themes of the real theme hierarchy; valid against copgraph's shapes.

    \b
    Example:
        copgraph generate --people 10000 --seed 1 -o q10k.nq
        copgraph --include q10k.nq stats
        copgraph generate --people 10000 --programme-only 0.3 --hidden 0.02 -o mixed.nq
        copgraph generate --people 50 -o people.ttl
    """
    from copgraph.synthetic.generate import output_format, write

    output_format(output)  # an extension it cannot write is said before anything is generated
    with click.progressbar(length=people, label=f"Generating {people:,} people", file=sys.stderr) as bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            bar.update(done - state["done"])
            state["done"] = done

        quads = write(output, people, seed=seed, progress=progress, programme_only=programme_only, hidden=hidden)
    kind = "quads" if output.suffix.lower() in {".nq", ".trig"} else "triples"
    click.echo(f"Wrote {output}: {quads:,} {kind}.", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Requests served at once.")
@click.pass_context
@reports_errors
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the web app (waitress, a production WSGI server).

    It shows the public view (public people only) unless --audience programme says it serves the programme
    team. Settings come from COPGRAPH_* environment variables: COPGRAPH_QUERY_TIMEOUT (seconds, default 10),
    COPGRAPH_MAX_ROWS (10000), COPGRAPH_QUERY_WORKERS (2), COPGRAPH_QUERY_MEMORY_MB (2048),
    COPGRAPH_MAX_GRAPH_NODES (1500), COPGRAPH_SECRET_KEY.

    \b
    Example:
        copgraph serve
        copgraph serve --host 0.0.0.0 --port 8080
    """
    import socket

    from webapp import create_app
    from webapp.server import serve_until_stopped, stop_on_signals

    # The port is taken first, so that a port in use is said at once, not after a minute of loading.
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        listening = socket.socket(family, kind, protocol)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError as error:
        raise CopgraphError(
            f"copgraph cannot listen on {host}:{port} ({error.strerror or error}): another program may be using "
            "that port, or the address is not this machine's; choose another with --port or --host."
        ) from None
    settings = {
        "DATA": ctx.obj["data"],
        "STORE": str(ctx.obj["store"]),
        "INCLUDE": list(ctx.obj["include"]),
        "AUDIENCE": ctx.obj["audience"] or "public",
    }
    stop_on_signals()
    try:
        app = create_app(settings=settings, progress=lambda step: click.echo(f"... {step}", err=True))
    except SystemExit:
        listening.close()
        click.echo("copgraph has stopped before it began serving.", err=True)
        raise
    except BaseException:
        listening.close()
        raise
    serve_until_stopped(
        app,
        listening,
        threads=threads,
        ready=lambda: click.echo(f"copgraph is serving on http://{host}:{port}/ (Ctrl-C to stop)", err=True),
    )
    click.echo("copgraph has stopped.", err=True)


ANALYSIS_FORMATS = click.Choice(["table", "json", "csv"])


def _emit(fmt: str, rows: list[dict], columns: list[str]) -> None:
    """Print analysis results: a table, JSON, or CSV; list values are joined with ' | ' in tables and CSV."""
    import csv
    import io

    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    flat = [
        [" | ".join(v) if isinstance(v, list | tuple) else _plain(v) for v in (row[c] for c in columns)] for row in rows
    ]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(flat)
        _echo_data(buffer.getvalue())
    elif not rows:
        click.echo("(nothing found)")
    else:
        click.echo(_table(columns, flat))


def _network(ctx: click.Context, name: str, kind: str | None = None):
    graph = _open(ctx)
    entity = graph.lookup(name, kind=kind)
    network = graph.network()
    if str(entity.iri) not in network:
        raise UserError(f"{entity.label} ({entity.kind}) is not part of the network the analytics use.")
    return network, entity


@cli.command("related")
@click.argument("name")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Show at most this many.")
@click.option("--format", "fmt", type=ANALYSIS_FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@click.pass_context
@reports_errors
def related_command(ctx: click.Context, name: str, limit: int, fmt: str) -> None:
    """Communities most related to a community, theme, method, person, organisation or place, with reasons.

    \b
    Example:
        copgraph related "SEL Polypharmacy"
        copgraph related polypharmacy --format json
    """
    from copgraph.analysis.related import related

    network, entity = _network(ctx, name)
    rows = [
        {
            "rank": rank,
            "community": r.label,
            "id": _curie(r.community),
            "score": round(r.score, 3),
            "reasons": list(r.reasons),
        }
        for rank, r in enumerate(related(network, str(entity.iri), limit=limit), start=1)
    ]
    _emit(
        fmt, rows, ["rank", "community", "score", "reasons"] if fmt == "table" else list(rows[0]) if rows else ["rank"]
    )


@cli.command("suggest")
@click.argument("name")
@click.option(
    "--kind",
    "kind",
    type=click.Choice(["person", "community"]),
    help="Only the introductions to people, or only those to communities.",
)
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="At most this many of each.")
@click.option("--paths", is_flag=True, help="Also show the paths through the graph behind each introduction.")
@click.option("--format", "fmt", type=ANALYSIS_FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@click.pass_context
@reports_errors
def suggest_command(ctx: click.Context, name: str, kind: str | None, limit: int, paths: bool, fmt: str) -> None:
    """Introductions for a community (people to invite, communities to talk to, speakers who fit) or a person
    (communities to join, people to meet), each kind ranked on its own, with a band, the number of pieces of
    evidence and the reasons in plain words. The JSON holds each score too.

    \b
    Example:
        copgraph suggest "SEL Polypharmacy"
        copgraph suggest "Phil Southworth" --kind community --paths
        copgraph suggest "SEL Polypharmacy" --format json
    """
    from copgraph.analysis.introductions import KINDS, introductions

    network, entity = _network(ctx, name)
    if entity.kind not in KINDS:
        raise UserError(f"Introductions are made for people and communities; {entity.label} is a {entity.kind}.")
    lists = {
        title: found
        for title, found in introductions(network, str(entity.iri), limit=limit).items()
        if kind is None or KINDS[entity.kind][title] == kind
    }
    rows = [
        {
            "introduction": title,
            "rank": rank,
            "name": i.label,
            "id": _curie(i.target),
            "band": i.band,
            "evidence": i.evidence,
            "score": round(i.score, 4),
            "reasons": list(i.reasons),
            "paths": list(i.paths),
        }
        for title, found in lists.items()
        for rank, i in enumerate(found, start=1)
    ]
    if fmt == "json":
        click.echo(json.dumps({title: [r for r in rows if r["introduction"] == title] for title in lists}, indent=2))
        return
    columns = ["introduction", "rank", "name", "id", "band", "evidence", "score", "reasons"] + (
        ["paths"] if paths else []
    )
    if fmt == "csv":
        _emit("csv", rows, columns)
        return
    for title in lists:
        found = [r for r in rows if r["introduction"] == title]
        click.echo(f"\n{title.capitalize()} ({entity.label})")
        if not found:
            click.echo("  Nothing the reports say links anyone to it this way (what only many share is not enough).")
        for r in found:
            click.echo(_terminal_safe(f"{r['rank']}. {r['name']} — {r['band']}, {_pieces(r['evidence'])}"))
            for reason in r["reasons"]:
                click.echo(_terminal_safe(f"     {reason}"))
            for path in r["paths"] if paths else ():
                click.echo(_terminal_safe(f"     path: {path}"))


def _pieces(count: int) -> str:
    return f"{count} piece{'s' if count != 1 else ''} of evidence"


@cli.command("boundaries")
@click.option(
    "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Show at most this many per list."
)
@click.option(
    "--format",
    "fmt",
    type=ANALYSIS_FORMATS,
    default="table",
    show_default=True,
    help="How to print the result; csv lists every collaboration tie with the boundaries it crosses.",
)
@click.pass_context
@reports_errors
def boundaries_command(ctx: click.Context, limit: int, fmt: str) -> None:
    """Who works with whom across boundaries: ties through shared work, organisations, themes and places (a
    shared cohort is context, not a tie), sector by sector and nation by nation; spanners, brokers, clusters
    named by their themes, and gaps in the data with what would fill them.

    \b
    Example:
        copgraph boundaries
        copgraph boundaries --format json > boundaries.json
        copgraph boundaries --format csv > ties.csv
    """
    from copgraph.analysis.boundaries import boundaries, broker_words

    network = _open(ctx).network()
    result = boundaries(network)
    names = network.graph.get("labels", {})
    label = lambda node: network.nodes[node]["label"] if node in network else names.get(node, node)  # noqa: E731
    cluster_names = [" · ".join(label(t) for t in themes) or "no theme" for themes in result.cluster_themes]
    top = max((r["betweenness"] for r in result.brokers), default=0)
    if fmt == "csv":
        rows = [
            {"source": label(t["source"]), "target": label(t["target"]), "how": t["how"], "crosses": t["crosses"]}
            for t in result.ties
        ]
        _emit("csv", rows, ["source", "target", "how", "crosses"])
        return
    if fmt == "json":
        data = {
            "tie_counts": result.tie_counts,
            "crossing_counts": result.crossing_counts,
            "sector_matrix": [{"a": label(a), "b": label(b), "ties": n} for (a, b), n in result.sector_matrix.items()],
            "nation_matrix": [{"a": label(a), "b": label(b), "ties": n} for (a, b), n in result.nation_matrix.items()],
            "ties": [{**t, "source": label(t["source"]), "target": label(t["target"])} for t in result.ties],
            "spanning": [{**row, "community": label(row["community"])} for row in result.spanning[:limit]],
            "brokers": [
                {**row, "node": label(row["node"]), "in_words": broker_words(row, top)}
                for row in result.brokers[:limit]
            ],
            "clusters": [
                {"themes": [label(t) for t in themes], "members": [label(n) for n in cluster]}
                for cluster, themes in zip(result.clusters, result.cluster_themes, strict=True)
            ],
            "gaps": [
                {"gap": gap.title, "fill": gap.fill, "count": len(gap.nodes), "which": [label(n) for n in gap.nodes]}
                for gap in result.gaps
            ],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    say = lambda text: click.echo(_terminal_safe(text))  # noqa: E731 (names come from the data)
    say(
        f"Collaboration ties: {len(result.ties)} (a shared cohort is context, not a tie); by kind "
        f"(a tie of two kinds counts in both):"
    )
    say(_table(["through", "ties"], [[kind, n] for kind, n in result.tie_counts.items()]))
    say("\nTies crossing each boundary:")
    say(_table(["boundary", "ties"], [[b, n] for b, n in result.crossing_counts.items()]))
    for title, matrix in (
        ("Ties, sector by sector", result.sector_matrix),
        ("Ties, nation by nation", result.nation_matrix),
    ):
        say(f"\n{title}")
        say(_table(["", "", "ties"], [[label(a), label(b), n] for (a, b), n in matrix.items()]))
    say("\nBoundary-spanning communities (sectors + nations + professions they touch)")
    spanning = [r for r in result.spanning if r["index"]][:limit]
    say(_table(["community", "index"], [[label(r["community"]), r["index"]] for r in spanning]))
    say("\nBrokers")
    say(
        _table(
            ["who", "as a broker", "clusters they link"],
            [
                [label(r["node"]), broker_words(r, top), "; ".join(cluster_names[i] for i in r["clusters"])]
                for r in result.brokers[:limit]
            ],
        )
    )
    say(f"\nClusters (Louvain, seeded), named by their dominant themes: {len(result.clusters)}")
    for number, cluster in enumerate(result.clusters[:limit], start=1):
        members = sorted(label(n) for n in cluster if network.nodes[n].get("kind") in {"person", "community"})
        say(
            f"{number}. {cluster_names[number - 1]} ({len(cluster)} nodes): "
            f"{', '.join(members[:8])}{' ...' if len(members) > 8 else ''}"
        )
    say("\nGaps in the data")
    for gap in result.gaps:
        say(f"- {gap.title}: {len(gap.nodes)}. {gap.fill}" if gap.nodes else f"- {gap.title}: none.")
        for node in gap.nodes[:limit]:
            say(f"    {label(node)}")


def _curie(iri: str) -> str:
    from rdflib import URIRef

    from copgraph.query.answer import compact

    return compact(URIRef(iri))


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def _table(header: list[str], rows: list[list]) -> str:
    from copgraph.query.answer import text_table

    return _terminal_safe(text_table(header, [[_plain(c) for c in row] for row in rows]))


#: Control characters but tab and newline: text from the data (an imported job title, say) could otherwise move
#: the cursor, clear the screen or set a terminal's title when printed.
_CONTROL = dict.fromkeys([*range(0, 9), *range(11, 32), 127, *range(128, 160)], "?")


def _terminal_safe(text: str) -> str:
    """Text to print on a terminal, each control character (but tab and newline) shown as '?'."""
    return text.translate(_CONTROL)


def _echo_data(text: str) -> None:
    """Print data (CSV, Turtle) exactly as it is into a file or a pipe (click would take out what looks like a
    colour code: color=True), and safely on a terminal."""
    if sys.stdout.isatty():
        click.echo(_terminal_safe(text), nl=False)
    else:
        click.echo(text, nl=False, color=True)


def main() -> None:
    """Entry point of the ``copgraph`` console script: a last guard so no user ever sees a traceback."""
    try:
        cli.main(prog_name="copgraph")
    except Exception as error:
        click.echo(
            f"Error: copgraph failed unexpectedly ({type(error).__name__}: {error}). Please report this.", err=True
        )
        sys.exit(3)
