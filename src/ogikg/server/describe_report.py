"""The page of one annual report: its named graph (with its agency's and area's description) and
its quality graph, read in one query and laid out as the report prints them — metadata, the
official tables as printed grids (from ``ogikg.ontology.layout``) with every value linked to its
observation, the figures of the prose, the extra tables and the findings of the checks, with the
cells they involve marked in the grid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ogikg import iris
from ogikg.ontology.catalogue import catalogue
from ogikg.ontology.layout import CellKey, GridTable, form_tables
from ogikg.server.describe import (
    DCT,
    OGI,
    PROV,
    QB,
    RDFS_LABEL,
    SH,
    Link,
    format_time,
    iri_link,
    iri_ref,
    local_part,
    pick_label,
    severity_rank,
    short_name,
)
from ogikg.server.site import SiteState
from ogikg.store.base import Term

Properties = dict[str, list[Term]]
GENERATIONS = ("old", "2019", "2021")


# Triples of the report graph the page does not show: each cell's data set, report, unit and
# qb:Observation type (half the graph, and so half the answer to transfer and parse).
_UNSHOWN = (QB + "dataSet", OGI + "report", OGI + "unit")


def report_graph_query(report: str) -> str:
    """The triples of the report's named graph that the page shows, the description of its agency
    and area (in graphs of their own), and its quality graph, tagged."""
    ref = iri_ref(report)
    unshown = ", ".join(f"<{p}>" for p in _UNSHOWN)
    agency = f"GRAPH ?g {{ {ref} a <{OGI}AnnualReport> ; <{OGI}agency>"
    return (
        "SELECT ?s ?p ?o ?src WHERE { "
        f"{{ GRAPH ?g {{ {ref} a <{OGI}AnnualReport> }} GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(?p NOT IN ({unshown}) && ?o != <{QB}Observation>) BIND("data" AS ?src) }} '
        f'UNION {{ {agency} ?s }} GRAPH ?d {{ ?s ?p ?o }} FILTER(?d != ?g) BIND("data" AS ?src) }} '
        f"UNION {{ {agency} ?agency }} GRAPH ?a {{ ?agency <{OGI}area> ?s }} "
        f'GRAPH ?d {{ ?s ?p ?o }} FILTER(?d != ?g) BIND("data" AS ?src) }} '
        f"UNION {{ GRAPH ?h {{ {ref} <{OGI}qualityGraph> ?q }} "
        'GRAPH ?q { ?s ?p ?o } BIND("quality" AS ?src) } }'
    )


def index_triples(rows: Sequence[dict[str, Term]]) -> tuple[dict[str, Properties], dict[str, Properties]]:
    """Subject → predicate → objects, for the report graph and for the quality graph."""
    data: dict[str, Properties] = defaultdict(lambda: defaultdict(list))
    quality: dict[str, Properties] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        target = quality if row["src"].value == "quality" else data
        values = target[row["s"].value][row["p"].value]
        if row["o"] not in values:
            values.append(row["o"])
    return data, quality


def _first(props: Properties, predicate: str) -> Term | None:
    values = props.get(predicate)
    return values[0] if values else None


def _text(props: Properties, predicate: str) -> str:
    term = _first(props, predicate)
    return term.value if term is not None else ""


def _iri(props: Properties, predicate: str) -> str | None:
    term = _first(props, predicate)
    return term.value if term is not None and term.type == "uri" else None


def _types(props: Properties) -> set[str]:
    return {t.value for t in props.get(iris.RDF_TYPE, [])}


# -- view models ----------------------------------------------------------------------------------


@dataclass(slots=True)
class CellView:
    iri: str
    href: str
    anchor: str
    text: str
    status: str  # reported | blank | notApplicable | illegible | uncertain
    value: str
    printed: str
    alternatives: list[str]
    span: str
    severity: str | None = None  # the most serious finding that involves the cell
    findings: list[str] = field(default_factory=list)  # anchors of those findings

    @property
    def title(self) -> str:
        parts = [
            self.status if self.status != "reported" else "",
            f"printed: {self.printed}" if self.printed else "",
        ]
        if self.alternatives:
            parts.append("or: " + ", ".join(self.alternatives))
        if self.span:
            parts.append(f"source {self.span}")
        return " · ".join(p for p in parts if p)


@dataclass(slots=True)
class GridCellView:
    text: str
    rowspan: int
    colspan: int
    header: bool
    data: bool
    cell: CellView | None


@dataclass(slots=True)
class TableView:
    notation: str
    title: str
    show_title: bool
    caption: str | None
    rows: list[list[GridCellView]]


@dataclass(slots=True)
class NarrativeView:
    anchor: str
    link: Link
    indicator: Link
    value: str
    phrase: str
    span: str
    table_value: str | None
    table_href: str | None

    @property
    def agrees(self) -> bool | None:
        if self.table_value is None:
            return None
        try:
            return float(self.table_value) == float(self.value)
        except ValueError:
            return None


@dataclass(slots=True)
class ExtraTableView:
    label: str
    columns: list[str]
    rows: list[tuple[str, list[CellView | None]]]


@dataclass(slots=True)
class FindingView:
    anchor: str
    iri: str
    severity: str
    rule: Link | None
    kind: str
    message_zh: str
    message_en: str
    cells: list[Link]
    actual: str
    expected: str
    difference: str


@dataclass(slots=True)
class QualityView:
    iri: str
    conforms: bool | None
    violations: int
    warnings: int
    infos: int
    generated: str
    validator: str
    findings: list[FindingView]


@dataclass(slots=True)
class SourceView:
    link: Link
    file_name: str
    sha256: str
    byte_size: str
    input_format: str
    encoding: str


@dataclass(slots=True)
class ReportView:
    iri: str
    title: str
    year: str
    template: Link | None
    generation: str
    summary: bool
    agency: Link | None
    area: Link | None
    published: str
    index_number: str
    source_url: str
    source: SourceView | None
    converter_version: str
    converted_at: str
    warnings: list[tuple[str, str | None]]
    sections: list[tuple[str, str, str]]
    tables: list[TableView]
    unplaced: list[tuple[str, CellView]]
    narrative: list[NarrativeView]
    extra_tables: list[ExtraTableView]
    quality: QualityView | None
    graph: Link | None
    quality_graph: Link | None
    cell_count: int
    value_count: int


# -- building ----------------------------------------------------------------------------------------


@cache
def printed_grids(generation: str) -> tuple[GridTable, ...]:
    """The printed grids of a form generation (computed once per process)."""
    return tuple(form_tables(generation))


def _applicant_notation(iri: str | None) -> str | None:
    if iri is None:
        return None
    concept = catalogue().by_iri.get(iri)
    if concept is None or concept.notation == "Z":
        return None
    return concept.notation


def _cell_key(props: Properties) -> CellKey | None:
    indicator = catalogue().by_iri.get(_iri(props, OGI + "indicator") or "")
    if indicator is None:
        return None
    return (indicator.notation, _applicant_notation(_iri(props, OGI + "applicantType")))


def anchor_for(iri: str, report: str) -> str:
    """The in-page anchor of a cell or figure of ``report`` (``cell-2021-T3-granted-NP``)."""
    tail = iri[len(report) + 1 :] if iri.startswith(report + "/") else iri.rsplit("/", 1)[-1]
    return "".join(ch if ch.isalnum() else "-" for ch in tail)


def _cell_view(iri: str, props: Properties, state: SiteState, report: str) -> CellView:
    status_iri = _iri(props, OGI + "valueStatus")
    status = local_part(status_iri, iris.STATUS) if status_iri else "reported"
    value = _text(props, OGI + "value")
    printed = _text(props, OGI + "printedValue")
    alternatives = [t.value for t in props.get(OGI + "alternativeValue", [])]
    text = value if value else printed
    return CellView(
        iri=iri,
        href=state.href(iri) or "#",
        anchor=anchor_for(iri, report),
        text=text,
        status=status,
        value=value,
        printed=printed,
        alternatives=alternatives,
        span=_text(props, OGI + "sourceSpan"),
    )


def _findings(
    quality: dict[str, Properties], report: str, state: SiteState
) -> tuple[QualityView | None, dict[str, list[tuple[str, str]]]]:
    """The validation report and, per involved cell IRI, (finding anchor, severity)."""
    validation = next(
        (
            s
            for s, p in quality.items()
            if SH + "ValidationReport" in _types(p) and _iri(p, OGI + "validates") == report
        ),
        None,
    )
    if validation is None:
        return None, {}
    props = quality[validation]
    findings: list[FindingView] = []
    involved: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for result_term in props.get(SH + "result", []):
        result = quality.get(result_term.value, {})
        severity = local_part(_iri(result, SH + "resultSeverity") or "", SH).lower()
        messages = result.get(SH + "resultMessage", [])
        anchor = "finding-" + result_term.value.rsplit("/", 1)[-1]
        cells = sorted(t.value for t in result.get(OGI + "involvesCell", []))
        rule = _iri(result, OGI + "rule")
        kind = _iri(result, OGI + "findingKind")
        findings.append(
            FindingView(
                anchor=anchor,
                iri=result_term.value,
                severity=severity,
                rule=iri_link(rule, state) if rule else None,
                kind=local_part(kind, OGI + "finding/") if kind else "",
                message_zh=next((m.value for m in messages if (m.lang or "").lower().startswith("zh")), ""),
                message_en=next((m.value for m in messages if (m.lang or "").lower() == "en"), ""),
                cells=[
                    Link(
                        text=c[len(report) + 1 :].removeprefix("cell/")
                        if c.startswith(report + "/")
                        else short_name(c, state),
                        href="#" + anchor_for(c, report) if c.startswith(report + "/") else state.href(c),
                        title=c,
                    )
                    for c in cells
                ],
                actual=_text(result, OGI + "actualValue"),
                expected=_text(result, OGI + "expectedValue"),
                difference=_text(result, OGI + "difference"),
            )
        )
        for cell in cells:
            involved[cell].append((anchor, severity))
    findings.sort(key=lambda f: (severity_rank(f.severity), f.rule.text if f.rule else "", f.message_en))
    conforms = _first(props, SH + "conforms")

    def count(name: str) -> int:
        text = _text(props, OGI + name)
        return int(text) if text.isdigit() else sum(1 for f in findings if f.severity == name[:-5])

    view = QualityView(
        iri=validation,
        conforms=None if conforms is None else conforms.value == "true",
        violations=count("violationCount"),
        warnings=count("warningCount"),
        infos=count("infoCount"),
        generated=format_time(_text(props, PROV + "generatedAtTime")),
        validator=_text(props, OGI + "validatorVersion"),
        findings=findings,
    )
    return view, involved


def _mark(cell: CellView, involved: dict[str, list[tuple[str, str]]]) -> None:
    marks = involved.get(cell.iri, [])
    if marks:
        cell.findings = [anchor for anchor, _ in marks]
        cell.severity = min((severity for _, severity in marks), key=severity_rank)


def _tables(generation: str, cells: dict[CellKey, CellView]) -> tuple[list[TableView], set[CellKey]]:
    tables: list[TableView] = []
    placed: set[CellKey] = set()
    previous_title = None
    for grid in printed_grids(generation):
        rows = []
        for grid_row in grid.rows:
            row = []
            for grid_cell in grid_row:
                cell = cells.get(grid_cell.key) if grid_cell.key else None
                if grid_cell.key:
                    placed.add(grid_cell.key)
                row.append(
                    GridCellView(
                        text=grid_cell.text,
                        rowspan=grid_cell.rowspan,
                        colspan=grid_cell.colspan,
                        header=grid_cell.header,
                        data=grid_cell.key is not None,
                        cell=cell,
                    )
                )
            rows.append(row)
        tables.append(TableView(grid.notation, grid.title, grid.title != previous_title, grid.caption, rows))
        previous_title = grid.title
    return tables, placed


def _narrative(
    data: dict[str, Properties], cells: dict[CellKey, CellView], state: SiteState, report: str
) -> list[NarrativeView]:
    cat = catalogue()
    figures = []
    for subject, props in data.items():
        if OGI + "NarrativeFigure" not in _types(props):
            continue
        indicator = _iri(props, OGI + "narrativeIndicator") or _iri(props, OGI + "indicator") or ""
        concept = cat.by_iri.get(indicator)
        table_cell = None
        for comparable in concept.comparable_with if concept else []:
            other = cat.by_iri.get(comparable)
            if other is None:
                continue
            table_cell = cells.get((other.notation, "T")) or cells.get((other.notation, None))
            if table_cell is not None:
                break
        figures.append(
            NarrativeView(
                anchor=anchor_for(subject, report),
                link=Link(text=_text(props, OGI + "value"), href=state.href(subject), title=subject),
                indicator=iri_link(indicator, state),
                value=_text(props, OGI + "value"),
                phrase=pick_label(props.get(OGI + "phrase", [])),
                span=_text(props, OGI + "sourceSpan"),
                table_value=table_cell.value if table_cell is not None and table_cell.value else None,
                table_href=table_cell.href if table_cell is not None else None,
            )
        )
    return sorted(figures, key=lambda f: (_span_line(f.span), f.indicator.text))


def _span_line(span: str) -> int:
    head = span.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def _extra_tables(data: dict[str, Properties], state: SiteState, report: str) -> list[ExtraTableView]:
    found = []
    for subject, props in data.items():
        if OGI + "ExtraTableCell" in _types(props):
            ordinal = subject.rsplit("/", 1)[-1]
            found.append((int(ordinal) if ordinal.isdigit() else 0, subject, props))
    found.sort()
    tables: dict[str, tuple[list[str], dict[str, dict[str, CellView]]]] = {}
    for _, subject, props in found:
        table = pick_label(props.get(OGI + "tableLabel", []))
        row = pick_label(props.get(OGI + "rowLabel", []))
        column = pick_label(props.get(OGI + "columnLabel", []))
        columns, rows = tables.setdefault(table, ([], {}))
        if column not in columns:
            columns.append(column)
        rows.setdefault(row, {})[column] = _cell_view(subject, props, state, report)
    return [
        ExtraTableView(
            label, columns, [(row, [values.get(c) for c in columns]) for row, values in rows.items()]
        )
        for label, (columns, rows) in tables.items()
    ]


def report_view(report: str, rows: Sequence[dict[str, Term]], state: SiteState) -> ReportView | None:
    """The report page's content, or ``None`` when the store has no graph for ``report``."""
    data, quality = index_triples(rows)
    props = data.get(report)
    if not props:
        return None
    template = _iri(props, OGI + "template")
    generation = local_part(template, iris.TEMPLATE) if template else ""
    quality_view, involved = _findings(quality, report, state)

    cells: dict[CellKey, CellView] = {}
    all_cells: list[tuple[CellKey | None, CellView]] = []
    for subject, cell_props in data.items():
        if OGI + "FormCell" not in _types(cell_props):
            continue
        view = _cell_view(subject, cell_props, state, report)
        _mark(view, involved)
        key = _cell_key(cell_props)
        all_cells.append((key, view))
        if key is not None:
            cells[key] = view
    tables, placed = _tables(generation, cells) if generation in GENERATIONS else ([], set())
    unplaced = sorted(
        ((short_name(v.iri, state).rsplit("/", 1)[-1], v) for k, v in all_cells if k not in placed),
        key=lambda item: item[0],
    )

    agency = _iri(props, OGI + "agency")
    agency_props = data.get(agency or "", {})
    area = _iri(agency_props, OGI + "area")
    source = _iri(props, OGI + "sourceFile")
    source_props = data.get(source or "", {})
    activity = _iri(props, PROV + "wasGeneratedBy")
    activity_props = data.get(activity or "", {})
    sections = []
    for part in props.get(DCT + "hasPart", []):
        section = data.get(part.value, {})
        sections.append(
            (
                _text(section, OGI + "order"),
                pick_label(section.get(DCT + "title", [])),
                _text(section, OGI + "sourceSpan"),
            )
        )
    sections.sort(key=lambda s: int(s[0]) if s[0].isdigit() else 0)
    graph = _iri(props, OGI + "reportGraph")
    quality_graph = _iri(props, OGI + "qualityGraph")
    source_url = _text(props, OGI + "sourceUrl")
    return ReportView(
        iri=report,
        title=pick_label(props.get(DCT + "title", []) + props.get(RDFS_LABEL, []))
        or short_name(report, state),
        year=_text(props, OGI + "reportYear"),
        template=iri_link(template, state) if template else None,
        generation=generation,
        summary=_text(props, OGI + "isSummary") == "true",
        agency=iri_link(
            agency, state, pick_label(agency_props.get("http://www.w3.org/2004/02/skos/core#prefLabel", []))
        )
        if agency
        else None,
        area=iri_link(area, state, pick_label(data.get(area, {}).get(RDFS_LABEL, []))) if area else None,
        published=_text(props, DCT + "issued"),
        index_number=_text(props, OGI + "indexNumber"),
        source_url=source_url,
        source=SourceView(
            link=iri_link(source, state, _text(source_props, OGI + "fileName")),
            file_name=_text(source_props, OGI + "fileName"),
            sha256=_text(source_props, OGI + "sha256"),
            byte_size=_text(source_props, OGI + "byteSize"),
            input_format=_text(source_props, OGI + "inputFormat"),
            encoding=_text(source_props, OGI + "encoding"),
        )
        if source
        else None,
        converter_version=_text(activity_props, OGI + "converterVersion"),
        converted_at=format_time(_text(activity_props, PROV + "endedAtTime")),
        warnings=[(w.value, w.lang) for w in props.get(OGI + "warning", [])],
        sections=sections,
        tables=tables,
        unplaced=unplaced,
        narrative=_narrative(data, cells, state, report),
        extra_tables=_extra_tables(data, state, report),
        quality=quality_view,
        graph=Link(text=short_name(graph, state), href=state.href(graph), title=graph) if graph else None,
        quality_graph=Link(
            text=short_name(quality_graph, state), href=state.href(quality_graph), title=quality_graph
        )
        if quality_graph and quality
        else None,
        cell_count=len(all_cells),
        value_count=sum(1 for _, v in all_cells if v.value),
    )
