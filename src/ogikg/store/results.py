"""Query results: media types, serialisation with pyoxigraph, conversion to ``Term`` bindings.

Both stores serialise through pyoxigraph so that a client sees the same bytes whichever store
answers. Remote answers are first read as SPARQL JSON / N-Triples and normalised here (Virtuoso
says ``typed-literal`` and writes booleans as ``1``/``0``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from ogikg.store.base import QueryError, QueryResponse, Term, UnsupportedMediaTypeError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Media types a SELECT / ASK result can be written in (first = default).
SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
# Media types a CONSTRUCT / DESCRIBE result can be written in (first = default). Dataset formats
# (N-Quads, TriG) write the triples in the default graph.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/n3": ox.RdfFormat.N3,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
# Formats a whole dataset can be dumped in.
DATASET_FORMATS: dict[str, ox.RdfFormat] = {
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}

SOLUTION_MEDIA_TYPES: tuple[str, ...] = tuple(SOLUTION_FORMATS)
GRAPH_MEDIA_TYPES: tuple[str, ...] = tuple(GRAPH_FORMATS)

_BNODE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")

OxResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def solutions_format(media_type: str) -> ox.QueryResultsFormat:
    """The results format for a SELECT/ASK answer; empty or ``*/*`` means SPARQL JSON."""
    essence = _essence(media_type)
    if essence in ("", "*/*"):
        return ox.QueryResultsFormat.JSON
    try:
        return SOLUTION_FORMATS[essence]
    except KeyError:
        raise UnsupportedMediaTypeError(
            f"{media_type!r} cannot carry SELECT/ASK results; use one of {', '.join(SOLUTION_MEDIA_TYPES)}"
        ) from None


def graph_format(media_type: str) -> ox.RdfFormat:
    """The RDF format for a CONSTRUCT/DESCRIBE answer; empty or ``*/*`` means Turtle."""
    essence = _essence(media_type)
    if essence in ("", "*/*"):
        return ox.RdfFormat.TURTLE
    try:
        return GRAPH_FORMATS[essence]
    except KeyError:
        raise UnsupportedMediaTypeError(
            f"{media_type!r} cannot carry a graph; use one of {', '.join(GRAPH_MEDIA_TYPES)}"
        ) from None


def dataset_format(media_type: str) -> ox.RdfFormat:
    try:
        return DATASET_FORMATS[_essence(media_type)]
    except KeyError:
        raise UnsupportedMediaTypeError(
            f"{media_type!r} cannot carry a dataset; use one of {', '.join(DATASET_FORMATS)}"
        ) from None


def serialize_result(result: OxResult, media_type: str) -> QueryResponse:
    """Write a pyoxigraph query result in ``media_type`` with pyoxigraph's own serialisers."""
    if isinstance(result, ox.QueryTriples):
        rdf_format = graph_format(media_type)
        return QueryResponse(result.serialize(format=rdf_format) or b"", _content_type(rdf_format))
    results_format = solutions_format(media_type)
    return QueryResponse(result.serialize(format=results_format) or b"", results_format.media_type)


def serialize_triples(triples: Iterable[ox.Triple], media_type: str) -> QueryResponse:
    rdf_format = graph_format(media_type)
    return QueryResponse(ox.serialize(triples, format=rdf_format) or b"", _content_type(rdf_format))


def _content_type(rdf_format: ox.RdfFormat) -> str:
    # Text formats are UTF-8 by definition; saying so keeps browsers from guessing.
    media_type = rdf_format.media_type
    return media_type + "; charset=utf-8" if media_type.startswith("text/") else media_type


def term_from_oxigraph(term: OxTerm) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Term("literal", term.value, lang=term.language)
        datatype = term.datatype.value
        return Term("literal", term.value, datatype=None if datatype == XSD_STRING else datatype)
    return Term("triple", ox.serialize([term], format=ox.RdfFormat.N_TRIPLES).decode().strip(" .\n"))


def bindings_from_solutions(solutions: ox.QuerySolutions) -> list[dict[str, Term]]:
    names = [variable.value for variable in solutions.variables]
    rows: list[dict[str, Term]] = []
    for solution in solutions:
        row: dict[str, Term] = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = term_from_oxigraph(value)
        rows.append(row)
    return rows


def term_from_json(cell: dict[str, Any]) -> Term:
    """A SPARQL JSON results term, tolerating the pre-standard forms some servers still emit."""
    kind = cell.get("type")
    value = str(cell.get("value", ""))
    if kind == "uri":
        return Term("uri", value)
    if kind == "bnode":
        # Virtuoso names blank nodes "nodeID://b123", which is not a valid blank node label.
        return Term("bnode", _BNODE_UNSAFE.sub("_", value.removeprefix("nodeID://")))
    if kind in ("literal", "typed-literal"):
        lang = cell.get("xml:lang") or cell.get("lang")
        if lang:
            return Term("literal", value, lang=str(lang).lower())
        datatype = cell.get("datatype")
        if datatype in (XSD_STRING, RDF_LANG_STRING):
            datatype = None
        if datatype == XSD_BOOLEAN and value in ("1", "0"):
            value = "true" if value == "1" else "false"
        return Term("literal", value, datatype=datatype)
    if kind == "triple":
        return Term("triple", json.dumps(value, ensure_ascii=False, sort_keys=True))
    raise QueryError(f"unknown term type {kind!r} in SPARQL JSON results")


def normalise_json_results(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a SPARQL JSON results document into the standard form (see ``term_from_json``)."""
    head = {"vars": list(document.get("head", {}).get("vars", []))}
    if "boolean" in document:
        return {"head": {}, "boolean": bool(document["boolean"])}
    bindings = []
    for row in document.get("results", {}).get("bindings", []):
        bindings.append({name: term_to_json(term_from_json(cell)) for name, cell in row.items()})
    return {"head": head, "results": {"bindings": bindings}}


def term_to_json(term: Term) -> dict[str, str]:
    cell = {"type": term.type, "value": term.value}
    if term.lang:
        cell["xml:lang"] = term.lang
    elif term.datatype:
        cell["datatype"] = term.datatype
    return cell


def bindings_from_json(document: dict[str, Any]) -> list[dict[str, Term]]:
    return [
        {name: term_from_json(cell) for name, cell in row.items()}
        for row in document.get("results", {}).get("bindings", [])
    ]
