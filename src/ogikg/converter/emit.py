"""Last stage of the pipeline: a parsed report as N-Quads.

What the report itself states goes into its own named graph. The description of its agency and
of the agency's administrative area goes into the agency's and the area's named graphs instead
(``ogikg.iris``): every report of an agency writes the same statements there, and a store keeps
each of them once, so queries over the union of the graphs count every agency once.

The output is built as text rather than through an RDF library: a report has a few thousand
quads and conversion must run at hundreds of reports per second per core. Terms are escaped
per the N-Triples grammar; the layout of the graph (Data Cube observations, form cells without a
value, provenance) is documented in the ontology (cube.ttl, core.ttl).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

from ogikg import __version__, iris
from ogikg.converter.model import ParsedReport, Template, ValueStatus
from ogikg.ontology.catalogue import Catalogue, catalogue

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"
QB = "http://purl.org/linked-data/cube#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "http://schema.org/"
OGI = iris.VOCAB

_STATUS_LOCAL = {
    ValueStatus.REPORTED: "reported",
    ValueStatus.BLANK: "blank",
    ValueStatus.NOT_APPLICABLE: "notApplicable",
    ValueStatus.ILLEGIBLE: "illegible",
    ValueStatus.UNCERTAIN: "uncertain",
}
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = frozenset('\\"\n\r')


def _literal(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    if not _NEEDS_ESCAPE.isdisjoint(text):
        text = text.translate(_ESCAPES)
    if lang:
        return f'"{text}"@{lang}'
    if datatype:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def _number(value: int | Decimal) -> str:
    if isinstance(value, int):
        return _literal(str(value), XSD + "integer")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    # xsd:decimal canonical form keeps one fractional digit
    return _literal(text if "." in text else text + ".0", XSD + "decimal")


def canonical_text(value: int | Decimal) -> str:
    """The value as the data states it (used to decide whether the printed text must be kept)."""
    return str(value) if isinstance(value, int) else format(value.normalize(), "f")


def _iri_safe(url: str) -> bool:
    return url.startswith(("http://", "https://")) and not any(c in url for c in ' <>"{}|\\^`')


class _Quads:
    """Accumulates quads of one graph."""

    def __init__(self, graph: str) -> None:
        self._suffix = self.graph_end = f" <{graph}> .\n"
        self.lines: list[str] = []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """``obj`` is an already-serialised term (``<iri>`` or a literal)."""
        self.lines.append(f"<{subject}> <{predicate}> {obj}{self._suffix}")

    def iri(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"<{subject}> <{predicate}> <{obj}>{self._suffix}")


def _publication_scope(report: ParsedReport) -> str:
    """Where an unplaced agency's report came from: its web site, else the file itself."""
    url = report.metadata.source_url or ""
    host = urlsplit(url).netloc if url.startswith(("http://", "https://")) else ""
    return host or report.document.sha256


def report_iris_for(report: ParsedReport) -> iris.ReportIris:
    agency = report.metadata.agency
    key = (
        iris.agency_key(agency.adcode, agency.body, agency.name, _publication_scope(report))
        if agency
        else None
    )
    return iris.report_iris(key, report.metadata.year, report.document.sha256)


def emit_report(
    report: ParsedReport,
    converted_at: datetime,
    *,
    display_path: str | None = None,
    area_lookup: Callable[[str], tuple[str, str | None]] | None = None,
) -> tuple[iris.ReportIris, str]:
    """The report's named graph, then its agency's and area's, as N-Quads text, with the IRIs
    the report was given.

    ``area_lookup(adcode)`` gives (full area name, parent adcode) so the area can be described;
    ``display_path`` is the source path as the user named it.
    """
    cat = catalogue()
    ids = report_iris_for(report)
    quads = _Quads(ids.graph)
    meta = report.metadata
    doc = report.document

    quads.iri(ids.report, iris.RDF_TYPE, OGI + "AnnualReport")
    quads.iri(ids.report, OGI + "template", iris.TEMPLATE + report.template.value)
    quads.iri(ids.report, OGI + "agency", ids.agency)
    quads.iri(ids.report, OGI + "sourceFile", ids.source)
    quads.iri(ids.report, OGI + "reportGraph", ids.graph)
    quads.iri(ids.report, OGI + "qualityGraph", ids.quality_graph)
    quads.iri(ids.report, PROV + "wasGeneratedBy", ids.activity)
    quads.add(
        ids.report, OGI + "isSummary", _literal("true" if meta.is_summary else "false", XSD + "boolean")
    )
    if meta.year:
        quads.add(ids.report, OGI + "reportYear", _literal(str(meta.year), XSD + "gYear"))
    if meta.title:
        quads.add(ids.report, DCT + "title", _literal(meta.title, lang="zh-Hans"))
        quads.add(ids.report, RDFS_LABEL, _literal(meta.title, lang="zh-Hans"))
    if meta.published:
        quads.add(ids.report, DCT + "issued", _literal(meta.published.isoformat(), XSD + "date"))
    if meta.index_number:
        quads.add(ids.report, OGI + "indexNumber", _literal(meta.index_number))
    if meta.source_url:
        if _iri_safe(meta.source_url):
            quads.iri(ids.report, OGI + "sourceUrl", meta.source_url)
        else:
            quads.add(ids.report, OGI + "sourceUrl", _literal(meta.source_url))
    for warning in (*doc.warnings, *meta.warnings, *report.warnings):
        quads.add(
            ids.report, OGI + "warning", _literal(warning, lang="zh-Hans" if _has_cjk(warning) else "en")
        )
    for section in report.sections:
        section_iri = f"{ids.report}/section/{section.number}"
        quads.iri(ids.report, DCT + "hasPart", section_iri)
        quads.iri(section_iri, iris.RDF_TYPE, OGI + "ReportSection")
        quads.add(section_iri, DCT + "title", _literal(section.title, lang="zh-Hans"))
        quads.add(section_iri, OGI + "order", _literal(str(section.number), XSD + "integer"))
        quads.add(section_iri, OGI + "sourceSpan", _literal(str(section.span)))

    _emit_provenance(quads, ids, report, converted_at, display_path)
    _emit_cells(quads, ids, report, cat)
    _emit_narrative(quads, ids, report, cat)
    _emit_extra_cells(quads, ids, report)
    described = _emit_agency(ids, report, area_lookup)
    return ids, "".join(quads.lines) + "".join(line for graph in described for line in graph.lines)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _emit_agency(
    ids: iris.ReportIris,
    report: ParsedReport,
    area_lookup: Callable[[str], tuple[str, str | None]] | None,
) -> list[_Quads]:
    """The agency's graph and, when it is placed, its area's graph."""
    quads = _Quads(ids.agency_graph)
    quads.iri(ids.agency_graph, iris.RDF_TYPE, OGI + "AgencyGraph")
    agency = report.metadata.agency
    if agency is None:
        quads.iri(ids.agency, iris.RDF_TYPE, OGI + "Agency")
        return [quads]
    for cls in (OGI + "Agency", ORG + "Organization", SCHEMA + "GovernmentOrganization"):
        quads.iri(ids.agency, iris.RDF_TYPE, cls)
    name = _literal(agency.name, lang="zh-Hans")
    quads.add(ids.agency, SKOS_PREF, name)
    quads.add(ids.agency, RDFS_LABEL, name)
    quads.add(ids.agency, OGI + "bodyName", _literal(agency.body, lang="zh-Hans"))
    if agency.printed_name != agency.name:
        quads.add(
            ids.agency,
            "http://www.w3.org/2004/02/skos/core#altLabel",
            _literal(agency.printed_name, lang="zh-Hans"),
        )
    if agency.level:
        quads.iri(ids.agency, OGI + "level", iris.LEVEL + agency.level.value)
    if agency.kind:
        quads.iri(ids.agency, OGI + "agencyKind", iris.AGENCY_KIND + agency.kind)
    if agency.uscc:
        quads.add(ids.agency, OGI + "uscc", _literal(agency.uscc))
    if not agency.adcode:
        return [quads]
    area = iris.area_iri(agency.adcode)
    quads.iri(ids.agency, OGI + "area", area)
    area_graph = iris.area_graph(agency.adcode)
    area_quads = _Quads(area_graph)
    area_quads.iri(area_graph, iris.RDF_TYPE, OGI + "AreaGraph")
    area_quads.iri(area, iris.RDF_TYPE, OGI + "AdministrativeArea")
    area_quads.add(area, OGI + "adcode", _literal(agency.adcode))
    full_name, parent = area_lookup(agency.adcode) if area_lookup else (agency.area_name, None)
    if full_name:
        area_quads.add(area, RDFS_LABEL, _literal(full_name, lang="zh-Hans"))
    if parent:
        area_quads.iri(area, SKOS_BROADER, iris.area_iri(parent))
    return [quads, area_quads]


def _emit_provenance(
    quads: _Quads,
    ids: iris.ReportIris,
    report: ParsedReport,
    converted_at: datetime,
    display_path: str | None,
) -> None:
    doc = report.document
    quads.iri(ids.source, iris.RDF_TYPE, OGI + "SourceFile")
    quads.iri(ids.source, iris.RDF_TYPE, PROV + "Entity")
    quads.add(ids.source, OGI + "fileName", _literal(display_path or doc.path))
    quads.add(ids.source, OGI + "sha256", _literal(doc.sha256))
    quads.add(ids.source, OGI + "byteSize", _literal(str(doc.size), XSD + "integer"))
    quads.add(ids.source, OGI + "inputFormat", _literal(doc.format.value))
    if doc.encoding:
        quads.add(ids.source, OGI + "encoding", _literal(doc.encoding))
    quads.iri(ids.activity, iris.RDF_TYPE, PROV + "Activity")
    quads.iri(ids.activity, iris.RDF_TYPE, OGI + "Conversion")
    quads.iri(ids.graph, iris.RDF_TYPE, OGI + "ReportGraph")
    quads.iri(ids.activity, PROV + "used", ids.source)
    quads.iri(ids.activity, PROV + "generated", ids.report)
    quads.add(ids.activity, OGI + "converterVersion", _literal(__version__))
    quads.add(ids.activity, PROV + "endedAtTime", _literal(converted_at.isoformat(), XSD + "dateTime"))
    quads.iri(ids.report, PROV + "wasDerivedFrom", ids.source)


def _uses_applicant_dimension(template: Template) -> bool:
    return template in (Template.FMT2019, Template.FMT2021)


def _emit_cells(quads: _Quads, ids: iris.ReportIris, report: ParsedReport, cat: Catalogue) -> None:
    if not report.cells:
        return
    structure = iris.DSD + report.template.value
    quads.iri(ids.dataset, iris.RDF_TYPE, QB + "DataSet")
    quads.iri(ids.dataset, QB + "structure", structure)
    quads.iri(ids.dataset, OGI + "report", ids.report)
    quads.iri(ids.dataset, OGI + "agency", ids.agency)
    if report.metadata.year:
        quads.add(ids.dataset, OGI + "reportYear", _literal(str(report.metadata.year), XSD + "gYear"))
    with_applicant = _uses_applicant_dimension(report.template)
    # A cell's lines share its subject and the graph: each cell is one join of "predicate object"
    # parts, separated by "graph .\n<subject> ", most parts computed once per process.
    graph_end = quads.graph_end
    observation = (_PO_OBSERVATION, f"<{QB}dataSet> <{ids.dataset}>")
    in_report = f"<{OGI}report> <{ids.report}>"
    prefix = f"<{ids.report}/cell/"
    lines = quads.lines
    for cell in report.cells:
        tail, constant = _cell_constants(cell.indicator, cell.applicant, with_applicant)
        subject = f"{prefix}{tail}> "
        parts = [_PO_FORM_CELL]
        value = cell.value
        if value is not None:
            parts.extend(observation)
        parts.append(in_report)
        parts.extend(constant)
        raw = cell.raw
        if type(value) is int:
            text = str(value)
            parts.append(f'{_PO_VALUE}"{text}"{_INTEGER}')
            if raw != text and raw.strip() and raw.strip() != text:
                parts.append(_PO_PRINTED + _literal(raw.strip()))
        elif value is not None:
            parts.append(_PO_VALUE + _number(value))
            if raw.strip() and raw.strip() != canonical_text(value):
                parts.append(_PO_PRINTED + _literal(raw.strip()))
        elif raw.strip():
            parts.append(_PO_PRINTED + _literal(raw.strip()))
        if cell.status is not ValueStatus.REPORTED:
            parts.append(_PO_STATUS[cell.status])
        for alternative in cell.alternatives:
            parts.append(_PO_ALTERNATIVE + _number(alternative))
        if cell.span:
            parts.append(f'{_PO_SPAN}"{cell.span.line}:{cell.span.start}-{cell.span.end}"')
        separator = graph_end + subject
        lines.append(subject + separator.join(parts) + graph_end)


_PO_FORM_CELL = f"<{iris.RDF_TYPE}> <{OGI}FormCell>"
_PO_OBSERVATION = f"<{iris.RDF_TYPE}> <{QB}Observation>"
_PO_VALUE = f"<{OGI}value> "
_INTEGER = f"^^<{XSD}integer>"
_PO_PRINTED = f"<{OGI}printedValue> "
_PO_ALTERNATIVE = f"<{OGI}alternativeValue> "
_PO_SPAN = f"<{OGI}sourceSpan> "
_PO_STATUS = {status: f"<{OGI}valueStatus> <{iris.STATUS}{local}>" for status, local in _STATUS_LOCAL.items()}


@functools.lru_cache(maxsize=4096)
def _cell_constants(
    indicator: str, applicant: str | None, with_applicant: bool
) -> tuple[str, tuple[str, ...]]:
    """The IRI tail of a cell and its "predicate object" parts that depend only on the concepts:
    indicator, applicant type (2019/2021 forms), unit."""
    cat = catalogue()
    concept = cat[indicator]
    tail = (
        iris.local_name(indicator)
        if applicant is None
        else f"{iris.local_name(indicator)}.{iris.local_name(applicant)}"
    )
    parts = [f"<{OGI}indicator> <{concept.iri}>"]
    if with_applicant:
        applicant_iri = cat[applicant].iri if applicant else iris.APPLICANT + "notApplicable"
        parts.append(f"<{OGI}applicantType> <{applicant_iri}>")
    if concept.unit:
        parts.append(f"<{OGI}unit> <{concept.unit}>")
    return tail, tuple(parts)


def _emit_narrative(quads: _Quads, ids: iris.ReportIris, report: ParsedReport, cat: Catalogue) -> None:
    if not report.narrative:
        return
    quads.iri(ids.narrative_dataset, iris.RDF_TYPE, QB + "DataSet")
    quads.iri(ids.narrative_dataset, QB + "structure", iris.DSD + "narrative")
    quads.iri(ids.narrative_dataset, OGI + "report", ids.report)
    quads.iri(ids.narrative_dataset, OGI + "agency", ids.agency)
    if report.metadata.year:
        quads.add(
            ids.narrative_dataset, OGI + "reportYear", _literal(str(report.metadata.year), XSD + "gYear")
        )
    counts: dict[str, int] = {}
    for figure in report.narrative:
        concept = cat.get(figure.indicator)
        indicator_iri = concept.iri if concept else iris.INDICATOR + figure.indicator
        ordinal = counts[figure.indicator] = counts.get(figure.indicator, 0) + 1
        subject = ids.narrative(figure.indicator, ordinal)
        quads.iri(subject, iris.RDF_TYPE, OGI + "NarrativeFigure")
        quads.iri(subject, iris.RDF_TYPE, QB + "Observation")
        quads.iri(subject, QB + "dataSet", ids.narrative_dataset)
        quads.iri(subject, OGI + "report", ids.report)
        quads.iri(subject, OGI + "indicator", indicator_iri)
        # the narrative DSD's own dimensions: a report may state the same figure more than once
        quads.iri(subject, OGI + "narrativeIndicator", indicator_iri)
        quads.add(subject, OGI + "occurrence", _literal(str(ordinal), XSD + "positiveInteger"))
        quads.add(subject, OGI + "value", _number(figure.value))
        if concept and concept.unit:
            quads.iri(subject, OGI + "unit", concept.unit)
        quads.add(subject, OGI + "phrase", _literal(figure.phrase, lang="zh-Hans"))
        quads.add(subject, OGI + "sourceSpan", _literal(str(figure.span)))


@functools.cache
def _unit_iris() -> dict[str, str]:
    return {c.label_zh: c.iri for c in catalogue().of_kind("unit")}


def _emit_extra_cells(quads: _Quads, ids: iris.ReportIris, report: ParsedReport) -> None:
    if not report.extra_cells:
        return
    units = _unit_iris()
    for ordinal, cell in enumerate(report.extra_cells, 1):
        subject = ids.extra_cell(ordinal)
        quads.iri(subject, iris.RDF_TYPE, OGI + "ExtraTableCell")
        quads.iri(subject, OGI + "report", ids.report)
        quads.add(subject, OGI + "tableLabel", _literal(cell.table, lang="zh-Hans"))
        quads.add(subject, OGI + "rowLabel", _literal(cell.row, lang="zh-Hans"))
        quads.add(subject, OGI + "columnLabel", _literal(cell.column, lang="zh-Hans"))
        if cell.value is not None:
            quads.add(subject, OGI + "value", _number(cell.value))
        if cell.status is not ValueStatus.REPORTED:
            quads.iri(subject, OGI + "valueStatus", iris.STATUS + _STATUS_LOCAL[cell.status])
        if cell.unit and cell.unit in units:
            quads.iri(subject, OGI + "unit", units[cell.unit])
        if cell.raw.strip():
            quads.add(subject, OGI + "printedValue", _literal(cell.raw.strip()))
        if cell.span:
            quads.add(subject, OGI + "sourceSpan", _literal(str(cell.span)))
