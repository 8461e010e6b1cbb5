"""Content negotiation for dereferenceable IRIs: an HTML page for browsers, RDF for machines.

The format comes from, in order: a file extension on the path (``/id/agency/x.ttl``), a
``format=`` parameter (``ttl``, ``jsonld``, ``nt``, ``rdf``, ``html``), the ``Accept`` header (with
q-values; no header or ``*/*`` gives HTML). Nothing acceptable: 406 with the list of formats.

Choice documented for non-information resources: an IRI such as an agency's is answered with
``200`` and its description directly (no ``303`` round trip), as the W3C note "Cool URIs for the
Semantic Web" allows for hash-less IRIs when the response says what it describes: the RDF is
about the IRI itself, and ``Content-Location`` names the format-specific document that was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.responses import Response

from ogikg.iris import PREFIXES
from ogikg.server.errors import error_response
from ogikg.server.negotiation import FORMATS_BY_NAME, Choice, Format, negotiate
from ogikg.server.service_description import HTML

RDF_NAMES = ("ttl", "jsonld", "nt", "rdfxml")
RESOURCE_FORMATS: tuple[Format, ...] = (HTML, *(FORMATS_BY_NAME[name] for name in RDF_NAMES))
EXTENSIONS: dict[str, str] = {
    ".ttl": "ttl",
    ".jsonld": "jsonld",
    ".nt": "nt",
    ".rdf": "rdfxml",
    ".html": "html",
}
EXTENSION_OF: dict[str, str] = {name: ext for ext, name in EXTENSIONS.items()}
_PARAMS: dict[str, str] = {
    "html": "html",
    "ttl": "ttl",
    "turtle": "ttl",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "rdf": "rdfxml",
    "rdfxml": "rdfxml",
    "xml": "rdfxml",
}
_OX_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def _format(name: str) -> Format:
    return HTML if name == "html" else FORMATS_BY_NAME[name]


@dataclass(frozen=True, slots=True)
class Wanted:
    """What one request asks for: a path (without a format extension) and a format."""

    path: str
    choice: Choice | None
    explicit: bool  # chosen by extension or parameter rather than by Accept
    asked: str

    @property
    def name(self) -> str | None:
        return self.choice.format.name if self.choice else None

    @property
    def html(self) -> bool:
        return self.name == "html"


def candidates(path: str, params: Mapping[str, str], accept: str | None) -> list[Wanted]:
    """The readings of a request, most specific first: ``x.ttl`` is Turtle of ``x`` — unless no ``x``
    exists, in which case ``x.ttl`` may itself be the resource."""
    readings: list[Wanted] = []
    for extension, name in EXTENSIONS.items():
        if path.endswith(extension) and len(path) > len(extension):
            fmt = _format(name)
            readings.append(Wanted(path[: -len(extension)], Choice(fmt, fmt.media_type), True, extension))
            break
    requested = (params.get("format") or "").strip().lower()
    if requested:
        named = _PARAMS.get(requested) or next(
            (f.name for f in RESOURCE_FORMATS if f.media_type == requested), None
        )
        chosen = _format(named) if named else None
        readings.append(
            Wanted(path, Choice(chosen, chosen.media_type) if chosen else None, True, f"format={requested}")
        )
    else:
        readings.append(Wanted(path, negotiate(accept, RESOURCE_FORMATS), False, f"Accept: {accept}"))
    return readings


def not_acceptable(asked: str) -> Response:
    offered = ", ".join(f.media_type for f in RESOURCE_FORMATS)
    return error_response(
        406,
        f"this resource is not available as {asked}; available: {offered} "
        "(or add .ttl, .jsonld, .nt or .rdf to the path, or format=ttl|jsonld|nt|rdf|html)",
        headers={"Vary": "Accept"},
    )


def negotiated_headers(wanted: Wanted, page_path: str) -> dict[str, str]:
    """``Vary`` and the format-specific location of the document sent."""
    headers = {"Vary": "Accept"}
    if wanted.choice is not None and not wanted.html:
        headers["Content-Location"] = page_path + EXTENSION_OF[wanted.choice.format.name]
    return headers


def alternates(page_path: str) -> list[tuple[str, str, str]]:
    """(href, media type, short name) of every format of a page, for ``<link rel=alternate>``."""
    return [(page_path + EXTENSION_OF[name], FORMATS_BY_NAME[name].media_type, name) for name in RDF_NAMES]


def link_header(page_path: str) -> str:
    return ", ".join(f'<{href}>; rel="alternate"; type="{media}"' for href, media, _ in alternates(page_path))


def convert_turtle(turtle: str, name: str) -> bytes:
    """Turtle text re-serialised as another RDF format (``ttl`` returns it unchanged)."""
    if name == "ttl":
        return turtle.encode("utf-8")
    triples = list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    return serialize_triples(triples, name)


def serialize_triples(triples: list[ox.Triple], name: str) -> bytes:
    rdf_format = _OX_FORMATS[name]
    prefixes = None
    if name in ("ttl", "rdfxml"):
        used = {
            t.value
            for triple in triples
            for t in (triple.predicate, triple.object)
            if isinstance(t, ox.NamedNode)
        }
        prefixes = {p: ns for p, ns in PREFIXES.items() if any(u.startswith(ns) for u in used)}
    data = (
        ox.serialize(triples, format=rdf_format, prefixes=prefixes)
        if prefixes
        else ox.serialize(triples, format=rdf_format)
    )
    return data or b""


def rdf_response(body: bytes, wanted: Wanted, page_path: str) -> Response:
    assert wanted.choice is not None
    headers = negotiated_headers(wanted, page_path)
    headers["Link"] = link_header(page_path)
    return Response(body, media_type=wanted.choice.content_type, headers=headers)
