"""Content negotiation: the result and graph formats we serve, ``Accept`` with q-values, ``format=``.

Formats carry a short canonical name (``json``, ``ttl``, …) that travels to the query workers; the
media type actually sent back is the one the client asked for when it asked for an alias
(``application/json`` for SPARQL JSON results, ``text/n3`` for Turtle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

FormatKind = Literal["results", "graph"]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    kind: FormatKind
    media_type: str
    aliases: tuple[str, ...] = ()
    w3c_format: str = ""
    """IRI of the format at http://www.w3.org/ns/formats/ (for the service description)."""
    text: bool = False
    """A text/* type: responses carry ``charset=utf-8``."""

    def content_type(self, media_type: str | None = None) -> str:
        chosen = media_type or self.media_type
        return f"{chosen}; charset=utf-8" if chosen.startswith("text/") else chosen


_W3C = "http://www.w3.org/ns/formats/"

# Order is server preference: the first format is the default when the client accepts anything.
RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "results",
        "application/sparql-results+json",
        ("application/json",),
        _W3C + "SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        "results",
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        _W3C + "SPARQL_Results_XML",
    ),
    Format("csv", "results", "text/csv", (), _W3C + "SPARQL_Results_CSV", text=True),
    Format("tsv", "results", "text/tab-separated-values", (), _W3C + "SPARQL_Results_TSV", text=True),
)
GRAPH_FORMATS: tuple[Format, ...] = (
    Format(
        "ttl",
        "graph",
        "text/turtle",
        ("application/x-turtle", "text/n3", "text/rdf+n3"),
        _W3C + "Turtle",
        text=True,
    ),
    Format("nt", "graph", "application/n-triples", ("text/plain",), _W3C + "N-Triples"),
    Format("jsonld", "graph", "application/ld+json", ("application/json",), _W3C + "JSON-LD"),
    Format("rdfxml", "graph", "application/rdf+xml", (), _W3C + "RDF_XML"),
    Format("nq", "graph", "application/n-quads", (), _W3C + "N-Quads"),
    Format("trig", "graph", "application/trig", (), _W3C + "TriG"),
)
FORMATS_BY_NAME: dict[str, Format] = {f.name: f for f in RESULT_FORMATS + GRAPH_FORMATS}

# ``format=`` values (Fuseki / Virtuoso habits) per kind; media types are accepted there too.
_FORMAT_PARAM: dict[FormatKind, dict[str, str]] = {
    "results": {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "srj": "json", "srx": "xml"},
    "graph": {
        "ttl": "ttl",
        "turtle": "ttl",
        "n3": "ttl",
        "nt": "nt",
        "ntriples": "nt",
        "n-triples": "nt",
        "jsonld": "jsonld",
        "json-ld": "jsonld",
        "json": "jsonld",
        "rdfxml": "rdfxml",
        "rdf-xml": "rdfxml",
        "rdf+xml": "rdfxml",
        "rdf": "rdfxml",
        "xml": "rdfxml",
        "nq": "nq",
        "nquads": "nq",
        "n-quads": "nq",
        "trig": "trig",
    },
}


@dataclass(frozen=True, slots=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return (self.type in ("*", main)) and (self.subtype in ("*", sub))


@dataclass(frozen=True, slots=True)
class Choice:
    format: Format
    media_type: str

    @property
    def content_type(self) -> str:
        return self.format.content_type(self.media_type)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped, bad q-values count as 1."""
    ranges: list[MediaRange] = []
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        main, slash, sub = parts[0].lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the client gives ``media_type``: that of the most specific range matching it."""
    best: MediaRange | None = None
    for media_range in ranges:
        if media_range.matches(media_type) and (best is None or media_range.specificity > best.specificity):
            best = media_range
    return best.q if best else 0.0


def negotiate(accept: str | None, formats: Sequence[Format]) -> Choice | None:
    """The best format for an Accept header (no header: the first format); ``None`` if none fits."""
    return _negotiate(accept, tuple(formats))


@lru_cache(maxsize=512)  # clients send the same few Accept headers over and over
def _negotiate(accept: str | None, formats: tuple[Format, ...]) -> Choice | None:
    if not accept or not accept.strip():
        return Choice(formats[0], formats[0].media_type)
    ranges = parse_accept(accept)
    if not ranges:
        return Choice(formats[0], formats[0].media_type)
    best: Choice | None = None
    best_q = 0.0
    # Canonical types first, aliases after, each in server-preference order: ties go to the earlier.
    offers = [(f, f.media_type) for f in formats] + [(f, alias) for f in formats for alias in f.aliases]
    for fmt, media_type in offers:
        q = quality(ranges, media_type)
        if q > best_q:
            best, best_q = Choice(fmt, media_type), q
    return best


def format_from_param(value: str, kind: FormatKind) -> Choice | None:
    """The format a ``format=`` value names for results or graphs (``None``: not for this kind)."""
    key = value.strip().lower()
    name = _FORMAT_PARAM[kind].get(key)
    if name:
        fmt = FORMATS_BY_NAME[name]
        return Choice(fmt, fmt.media_type)
    formats = RESULT_FORMATS if kind == "results" else GRAPH_FORMATS
    for fmt in formats:
        if key == fmt.media_type or key in fmt.aliases:
            return Choice(fmt, key)
    return None


def is_known_format_param(value: str) -> bool:
    return format_from_param(value, "results") is not None or format_from_param(value, "graph") is not None


def describe(formats: Sequence[Format]) -> str:
    return ", ".join(f.media_type for f in formats)
