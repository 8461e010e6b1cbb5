"""The researcher queries, read from the section "Researcher queries" of the README.

The README is their single source: the query page offers them, the tests check their answers and the
benchmarks time them, all through ``researcher_queries()``. A query is the ```` ```sparql ```` block
right after a line ``<!-- query: name -->``; its title is the heading above it and its description
the text between that heading and the marker.

From a checkout the README next to the source tree is read (so an edit takes effect at once); an
installed package has no README file, but its metadata carries the README as the long description.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from functools import cache
from importlib import metadata
from pathlib import Path

__all__ = [
    "ResearcherQueriesError",
    "ResearcherQuery",
    "parse_researcher_queries",
    "researcher_queries",
    "researcher_query",
]

DISTRIBUTION = "ogikg"

_MARKER = re.compile(r"<!--\s*query:\s*([\w.-]+)\s*-->")
_HEADING = re.compile(r"#{1,6}\s+(.+?)\s*#*")
_FENCE = "```"


@dataclass(frozen=True, slots=True)
class ResearcherQuery:
    name: str
    title: str
    description: str
    sparql: str


class ResearcherQueriesError(LookupError):
    """The README is missing, holds no marked query, or a marker is not followed by its query."""


def parse_researcher_queries(markdown: str, source: str = "README") -> list[ResearcherQuery]:
    """The marked queries of a Markdown text, in document order."""
    queries: list[ResearcherQuery] = []
    title, description = "", []
    lines = iter(markdown.splitlines())
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(_FENCE):  # an unmarked code block: skipped whole
            _read_fence(lines, source, "an unmarked block")
            description.append("")
            continue
        heading = _HEADING.fullmatch(stripped)
        if heading:
            title, description = heading.group(1), []
            continue
        marker = _MARKER.fullmatch(stripped)
        if not marker:
            description.append(line)
            continue
        name = marker.group(1)
        fence = next((x.strip() for x in lines if x.strip()), "")
        if fence != _FENCE + "sparql":
            raise ResearcherQueriesError(f"{source}: query {name!r} is not followed by a ```sparql block")
        sparql = _read_fence(lines, source, f"query {name!r}")
        if any(q.name == name for q in queries):
            raise ResearcherQueriesError(f"{source}: query {name!r} is marked twice")
        queries.append(ResearcherQuery(name, title or name, _paragraphs(description), sparql))
        description = []
    return queries


def _read_fence(lines: Iterator[str], source: str, what: str) -> str:
    """The lines up to the closing fence."""
    body = []
    for line in lines:
        if line.strip() == _FENCE:
            return "\n".join(body).strip("\n") + "\n"
        body.append(line)
    raise ResearcherQueriesError(f"{source}: the code block of {what} is not closed")


def _paragraphs(lines: list[str]) -> str:
    """The description as paragraphs of single lines (Markdown line breaks inside one are soft)."""
    paragraphs = re.split(r"\n\s*\n", "\n".join(lines).strip())
    return "\n\n".join(" ".join(part.split()) for part in paragraphs if part.strip())


def checkout_readme() -> Path | None:
    """The README of the source tree this package runs from, if it runs from a checkout."""
    root = Path(__file__).resolve().parents[2]
    readme = root / "README.md"
    return readme if readme.is_file() and (root / "pyproject.toml").is_file() else None


def _installed_readme() -> str | None:
    """The README as the installed distribution's long description (``readme`` in pyproject)."""
    try:
        fields = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    if not isinstance(fields, Message):
        return None
    # Metadata 2.1+ keeps the description in the body; older writers in a header field.
    body = fields.get_payload()
    if isinstance(body, str) and body.strip():
        return body
    header = fields.get("Description")
    return header if isinstance(header, str) and header.strip() else None


@cache
def _parsed_file(path: str, mtime_ns: int) -> tuple[ResearcherQuery, ...]:
    return tuple(parse_researcher_queries(Path(path).read_text(encoding="utf-8"), path))


@cache
def _parsed_metadata() -> tuple[ResearcherQuery, ...]:
    text = _installed_readme()
    return tuple(parse_researcher_queries(text, f"{DISTRIBUTION} package metadata")) if text else ()


def researcher_queries() -> list[ResearcherQuery]:
    """The researcher queries of the README, re-read whenever the checkout's README changes."""
    readme = checkout_readme()
    if readme is not None:
        queries = _parsed_file(str(readme), readme.stat().st_mtime_ns)
        source = str(readme)
    else:
        queries = _parsed_metadata()
        source = f"the README in the metadata of the installed {DISTRIBUTION} package"
    if not queries:
        raise ResearcherQueriesError(f"no researcher query (<!-- query: name --> + ```sparql) in {source}")
    return list(queries)


def researcher_query(name: str) -> ResearcherQuery:
    """One researcher query by its name."""
    for query in researcher_queries():
        if query.name == name:
            return query
    raise ResearcherQueriesError(f"no researcher query named {name!r} in the README")
