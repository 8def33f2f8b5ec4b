"""The spreadsheet templates an import reads (``data/templates/``): each kind of file, its columns and the other
headers that mean them, and the values a cell may hold (roles, statuses, session types, visibilities ...)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from copgraph.curation.spreadsheets import canonical
from copgraph.namespaces import COP

__all__ = ["TEMPLATES", "VISIBILITIES", "Column", "Template"]

#: What a row's "Visibility" may say, and what it means.
VISIBILITIES: dict[str, URIRef] = {"public": COP.Public, "programme": COP.ProgrammeOnly, "hidden": COP.Hidden}


# Templates -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a template: its header, whether a file must have it, and other headers that mean it."""

    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return canonical(self.header)


@dataclass(frozen=True)
class Template:
    """One kind of spreadsheet: what each row describes, the column naming it, and all its columns."""

    name: str
    entity: str
    key: str
    columns: tuple[Column, ...]
    hints: tuple[str, ...]

    def column(self, key: str) -> Column | None:
        for column in self.columns:
            if key == column.key or key in {canonical(alias) for alias in column.aliases}:
                return column
        return None


TEMPLATES: tuple[Template, ...] = (
    Template(
        "impact stories",
        "impact story",
        "story",
        (
            Column("Story", True, ("Impact story", "Story title")),
            Column("Community", True),
            Column("Cohort"),
            Column("Once upon a time"),
            Column("Every day"),
            Column("One day"),
            Column("Because of that"),
            Column("Until finally"),
            Column("Notes"),
        ),
        ("stor",),
    ),
    Template(
        "sessions",
        "session",
        "session",
        (
            Column("Session", True, ("Session title",)),
            Column("Type", True, ("Kind",)),
            Column("Cohort"),
            Column("Community"),
            Column("Module number", aliases=("Module",)),
            Column("Date"),
            Column("Speakers", aliases=("Speaker",)),
            Column("Speaker organisations", aliases=("Speaker organisation", "Speaker organizations")),
            Column("Methods", aliases=("Method",)),
            Column("Themes", aliases=("Theme",)),
            Column("Place"),
            Column("Format"),
            Column("Description"),
            Column("Notes"),
        ),
        ("session",),
    ),
    Template(
        "participants",
        "person",
        "name",
        (
            Column("Name", True, ("Full name",)),
            Column("Job title", True, ("Job role", "Role title")),
            Column("Organisation", True, ("Organization", "Employer")),
            Column("Cohort", True),
            Column("Role", aliases=("Programme role",)),
            Column("Community"),
            Column("Community role"),
            Column("Sector"),
            Column("Place"),
            Column("Visibility"),
            Column("Email", aliases=("E-mail", "Email address", "E-mail address")),
            Column("Phone", aliases=("Telephone", "Phone number", "Mobile")),
            Column("Same as"),
            Column("Notes"),
        ),
        ("particip", "people"),
    ),
    Template(
        "communities",
        "community",
        "community",
        (
            Column("Community", True, ("Community of practice", "Name of community")),
            Column("Cohort", True),
            Column("Status", True),
            Column("Description"),
            Column("Themes", aliases=("Theme",)),
            Column("Methods", aliases=("Method",)),
            Column("Place"),
            Column("Convenors", aliases=("Convenor", "Convener", "Conveners")),
            Column("Organisations", aliases=("Organisation", "Organizations", "Collaborating organisations")),
            Column("Member count", aliases=("Members", "Number of members")),
            Column("Also known as", aliases=("Other names",)),
            Column("Same as"),
            Column("Notes"),
        ),
        ("communit",),
    ),
    Template(
        "organisations",
        "organisation",
        "organisation",
        (
            Column("Organisation", True, ("Organization",)),
            Column("Sector", True),
            Column("Place", True),
            Column("Also known as", aliases=("Other names",)),
            Column("Part of"),
            Column("Description"),
            Column("Same as"),
            Column("Notes"),
        ),
        ("organi",),
    ),
)

_ROLES = {"participant": COP.participant, "speaker": COP.speaker, "facilitator": COP.facilitator}
_ROLES["programme team"] = COP.programmeTeam
_COMMUNITY_ROLES = {"convenor": COP.convenor, "member": COP.member}
_STATUSES = {"idea": COP.Idea, "active": COP.Active}
_SESSION_TYPES = {
    "module": COP.Module,
    "webinar": COP.Webinar,
    "welcome session": COP.WelcomeSession,
    "celebration event": COP.CelebrationEvent,
    "co-consulting session": COP.CoConsultingSession,
    "community meeting": COP.CommunityMeeting,
}
_PROMPTS = ("Once upon a time", "Every day", "One day", "Because of that", "Until finally")
_VOCABULARIES = {
    "theme": (("theme",), "themes.ttl"),
    "method": (("method",), "methods.ttl"),
    "sector": (("sector",), "sectors.ttl"),
    "place": (("nation", "region", "city", "place"), "places.ttl"),
}
# The kinds of entity the templates describe, as messages name them.
_KIND_WORDS = {kind: kind for kind in ("person", "organisation", "community", "cohort", "session", "impact story")}


def _keys(column: Column | None) -> set[str]:
    """The headers a column may have in a file, folded (see :func:`copgraph.curation.spreadsheets.canonical`)."""
    return set() if column is None else {column.key, *(canonical(alias) for alias in column.aliases)}
