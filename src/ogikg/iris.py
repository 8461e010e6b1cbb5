"""Namespaces and the minting of stable, deterministic IRIs.

The vocabulary (classes, properties, concept schemes, legal provisions) lives under fixed
namespaces so that other datasets can link to it. Data IRIs (agencies, reports, observations,
graphs) live under a base that deployments configure with ``OGIKG_BASE``; the same agency gets
the same IRI in every year because its key is built from its area code and its name, never from
a report.
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


def report_iris(
    agency_key_or_none: str | None, year: int | None, is_summary: bool, source_sha256: str
) -> ReportIris:
    base = data_base()
    if agency_key_or_none and year:
        agency = f"{base}id/agency/{agency_key_or_none}"
        # one report per agency and year: a government's summary report and its office's own
        # report are different agencies, so the summary flag need not be part of the IRI
        tail = f"{agency_key_or_none}/{year}"
    else:
        # An unidentified report can still be published; its identity is its content.
        agency = (
            f"{base}id/agency/{agency_key_or_none}" if agency_key_or_none else f"{base}id/agency/unidentified"
        )
        tail = f"unidentified/{source_sha256[:16]}"
    report = f"{base}id/report/{tail}"
    return ReportIris(
        agency=agency,
        report=report,
        graph=f"{base}graph/report/{tail}",
        quality_graph=f"{base}graph/quality/{tail}",
        dataset=f"{report}/dataset",
        narrative_dataset=f"{report}/narrative-dataset",
        source=f"{base}id/source/{source_sha256}",
        activity=f"{report}/conversion",
    )


def area_iri(adcode: str) -> str:
    return f"{data_base()}id/area/{adcode}"
