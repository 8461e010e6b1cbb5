"""Namespaces and the minting of stable, deterministic IRIs.

The vocabulary (classes, properties, concept schemes, legal provisions) lives under fixed
namespaces so that other datasets can link to it. Data IRIs (agencies, reports, observations,
graphs) live under a base that deployments configure with ``OGIKG_BASE``; the same agency gets
the same IRI in every year because its key is built from its area code and its name, never from
a report.

Named graphs (all under ``<base>graph/``):

- ``report/<agency key>/<year>`` — what one report states; replaced when the report is loaded again;
- ``quality/<agency key>/<year>`` — the findings of its checks; replaced with it;
- ``agency/<agency key>`` — the description of an agency (names, level, kind, area), written by
  every report of it and only ever added to, so each statement is in the store once however
  many reports the agency has;
- ``area/<adcode>`` — the description of an administrative area, likewise shared;
- ``vocabulary`` — the ontology.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

VOCAB = "https://w3id.org/ogikg/def/"
INDICATOR = VOCAB + "indicator/"
APPLICANT = VOCAB + "applicant/"
SCHEME = VOCAB + "scheme/"
UNIT = VOCAB + "unit/"
STATUS = VOCAB + "status/"
TEMPLATE = VOCAB + "template/"
LEVEL = VOCAB + "level/"
AGENCY_KIND = VOCAB + "agency-kind/"
OUTCOME = VOCAB + "outcome/"
TABLE = VOCAB + "table/"
DSD = VOCAB + "dsd/"
RULE = VOCAB + "rule/"
ELI = "https://w3id.org/ogikg/eli/"

DEFAULT_BASE = "https://w3id.org/ogikg/"

PREFIXES: dict[str, str] = {
    "ogi": VOCAB,
    "ind": INDICATOR,
    "app": APPLICANT,
    "unit": UNIT,
    "status": STATUS,
    "eli": "http://data.europa.eu/eli/ontology#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "http://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "void": "http://rdfs.org/ns/void#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}
RDF_TYPE = PREFIXES["rdf"] + "type"


def sparql_prefixes(names: list[str] | None = None) -> str:
    """PREFIX lines for SPARQL text, all of them or the named ones."""
    chosen = names or list(PREFIXES)
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in chosen)


def data_base() -> str:
    """The configured base for data IRIs, always ending in '/'."""
    base = os.environ.get("OGIKG_BASE", DEFAULT_BASE)
    return base if base.endswith("/") else base + "/"


def _digest(text: str, length: int = 10) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def local_name(notation: str) -> str:
    """An IRI-safe local name for a notation (notations are ASCII by design)."""
    return _SAFE.sub("_", notation)


@dataclass(frozen=True, slots=True)
class ReportIris:
    """All IRIs that belong to one report."""

    agency: str
    report: str
    graph: str
    quality_graph: str
    agency_graph: str
    dataset: str
    narrative_dataset: str
    source: str
    activity: str

    def cell(self, indicator: str, applicant: str | None = None) -> str:
        tail = (
            local_name(indicator) if applicant is None else f"{local_name(indicator)}.{local_name(applicant)}"
        )
        return f"{self.report}/cell/{tail}"

    def narrative(self, indicator: str, ordinal: int) -> str:
        return f"{self.report}/narrative/{local_name(indicator)}/{ordinal}"

    def extra_cell(self, ordinal: int) -> str:
        return f"{self.report}/extra/{ordinal}"


def agency_key(adcode: str | None, body: str, full_name: str, scope: str = "") -> str:
    """Stable key of an agency: its area code and a digest of its name without the area prefix.

    An agency whose area could not be determined ("区统计局") cannot be told apart from its
    namesakes elsewhere, so its digest also covers ``scope`` — the web site it was published on,
    or failing that the source file — rather than merging every 区统计局 into one agency.
    """
    if adcode:
        return f"{adcode}-{_digest(body)}"
    return f"x-{_digest(full_name + '|' + scope)}"


def agency_graph(agency_key_or_none: str | None) -> str:
    """The named graph describing an agency (shared by all its reports)."""
    return f"{data_base()}graph/agency/{agency_key_or_none or 'unidentified'}"


def report_iris(agency_key_or_none: str | None, year: int | None, source_sha256: str) -> ReportIris:
    base = data_base()
    key = agency_key_or_none or "unidentified"
    agency = f"{base}id/agency/{key}"
    if agency_key_or_none and year:
        # one report per agency and year: a government's summary report and its office's own
        # report are different agencies, so the summary flag need not be part of the IRI
        tail = f"{agency_key_or_none}/{year}"
    else:
        # An unidentified report can still be published; its identity is its content.
        tail = f"unidentified/{source_sha256[:16]}"
    report = f"{base}id/report/{tail}"
    return ReportIris(
        agency=agency,
        report=report,
        graph=f"{base}graph/report/{tail}",
        quality_graph=f"{base}graph/quality/{tail}",
        agency_graph=agency_graph(key),
        dataset=f"{report}/dataset",
        narrative_dataset=f"{report}/narrative-dataset",
        source=f"{base}id/source/{source_sha256}",
        activity=f"{report}/conversion",
    )


def report_agency_prefix(report_iri: str) -> str:
    """The part of a report IRI that names its agency (``…/id/report/<agency key>`` of
    ``…/<agency key>/<year>``): the same for every report of an agency."""
    return report_iri.rsplit("/", 1)[0]


def area_iri(adcode: str) -> str:
    return f"{data_base()}id/area/{adcode}"


def area_graph(adcode: str) -> str:
    """The named graph describing an administrative area (shared by all its agencies' reports)."""
    return f"{data_base()}graph/area/{adcode}"


# Matched whatever the base: a store may hold data converted under another OGIKG_BASE.
_SHARED_GRAPH = re.compile(r"/graph/(?:agency|area)/[^/]+$")


def is_shared_graph(graph: str) -> bool:
    """Whether a named graph is written by many reports (an agency's or an area's description) and
    so is only ever added to when a report is loaded, never replaced or dropped with it."""
    return _SHARED_GRAPH.search(graph) is not None


# Matched whatever the base, as above: the report's own IRIs, its graph and its quality graph.
_REPORT_TAIL = re.compile(r"/(?:id/report|graph/report|graph/quality)/([^/#?]+/[^/#?]+)")


def report_tail(iri: str) -> str | None:
    """``<agency key>/<year>`` (or ``unidentified/<digest>``) of an IRI that belongs to one
    report: the report, its cells and other parts, its graph and its quality graph."""
    found = _REPORT_TAIL.search(iri)
    return found.group(1) if found else None


def report_data_pattern(report_graph: str) -> str:
    """A SPARQL group pattern binding ?s ?p ?o to every statement about one report: its report
    graph, and the description of its agency and of the agency's area from the graphs that hold
    them (statements of the report graph itself are not repeated)."""
    graph = f"<{report_graph}>"
    report = f"?report a <{VOCAB}AnnualReport> ; <{VOCAB}agency>"
    return (
        f"{{ GRAPH {graph} {{ ?s ?p ?o }} }} "
        f"UNION {{ GRAPH {graph} {{ {report} ?s }} GRAPH ?described {{ ?s ?p ?o }} "
        f"FILTER(?described != {graph}) }} "
        f"UNION {{ GRAPH {graph} {{ {report} ?agency }} GRAPH ?agencyGraph {{ ?agency <{VOCAB}area> ?s }} "
        f"GRAPH ?described {{ ?s ?p ?o }} FILTER(?described != {graph}) }}"
    )
