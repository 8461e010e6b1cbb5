"""What the pages show: the SPARQL that gathers it (targeted lookups, never a scan of the whole
store) and pure functions that turn the bindings into view models for the templates.

Labels of vocabulary terms (indicators, applicant types, units, statuses, rules …) come from the
ontology Turtle in-process (``ogikg.ontology.docs.label_of``); labels of data resources
(agencies, areas, reports) come from the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ogikg import iris
from ogikg.ontology.catalogue import catalogue
from ogikg.ontology.docs import curie, label_of
from ogikg.server.site import SiteState
from ogikg.store.base import Term

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
QB = "http://purl.org/linked-data/cube#"
SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OGI = iris.VOCAB

LABEL_PATH = f"<{SKOS}prefLabel>|<{RDFS_LABEL}>|<{DCT}title>"
NUMERIC_TYPES = frozenset(
    XSD + name
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
)
INCOMING_LIMIT = 300


def iri_ref(iri: str) -> str:
    """``<iri>`` for SPARQL text; refuses characters that would end the IRI early."""
    if any(ch in iri for ch in '<>"{}|\\^` \n\r\t'):
        raise ValueError(f"not a usable IRI: {iri!r}")
    return f"<{iri}>"


# -- small view values ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """A value on a page: an IRI (with a label and a link) or a literal."""

    text: str
    href: str | None = None
    title: str | None = None
    lang: str | None = None
    numeric: bool = False


def pick_label(literals: Iterable[Term]) -> str:
    """The best label among literals: Simplified Chinese, other Chinese, English, untagged."""
    ranked: list[tuple[int, str]] = []
    for term in literals:
        if term.type != "literal":
            continue
        lang = (term.lang or "").lower()
        rank = 0 if lang == "zh-hans" else 1 if lang.startswith("zh") else 2 if lang == "en" else 3
        ranked.append((rank, term.value))
    return min(ranked)[1] if ranked else ""


def english_label(literals: Iterable[Term]) -> str:
    return next((t.value for t in literals if t.type == "literal" and (t.lang or "").lower() == "en"), "")


def short_name(iri: str, state: SiteState) -> str:
    """A readable stand-in for an IRI without a label: the path after the data base, or a CURIE."""
    if iri.startswith(state.base + "id/"):
        return iri[len(state.base) + 3 :]
    if iri.startswith(state.base):
        return iri[len(state.base) :]
    return curie(iri)


def iri_link(iri: str, state: SiteState, label: str = "") -> Link:
    text = label or label_of(iri) or short_name(iri, state)
    return Link(text=text, href=state.href(iri), title=iri)


def term_link(term: Term, state: SiteState, labels: dict[str, str] | None = None) -> Link:
    if term.type == "uri":
        return iri_link(term.value, state, (labels or {}).get(term.value, ""))
    if term.type == "bnode":
        return Link(text="_:" + term.value)
    title = curie(term.datatype) if term.datatype else None
    return Link(text=term.value, lang=term.lang, title=title, numeric=term.datatype in NUMERIC_TYPES)


def number_text(term: Term | None) -> str:
    return "" if term is None else term.value


def local_part(iri: str, namespace: str) -> str:
    return iri[len(namespace) :] if iri.startswith(namespace) else iri.rsplit("/", 1)[-1]


# -- a resource as triples ----------------------------------------------------------------------


@dataclass(slots=True)
class Described:
    """Outgoing triples of one resource with the labels of the resources it links to."""

    iri: str
    properties: dict[str, list[Term]] = field(default_factory=dict)
    labels: dict[str, list[Term]] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return bool(self.properties)

    @property
    def types(self) -> list[str]:
        return [t.value for t in self.properties.get(iris.RDF_TYPE, []) if t.type == "uri"]

    def first(self, predicate: str) -> Term | None:
        values = self.properties.get(predicate)
        return values[0] if values else None

    def text(self, predicate: str) -> str:
        values = self.properties.get(predicate, [])
        return pick_label(values) if values else ""

    def iri_of(self, predicate: str) -> str | None:
        term = self.first(predicate)
        return term.value if term is not None and term.type == "uri" else None

    def label_of(self, iri: str) -> str:
        return pick_label(self.labels.get(iri, []))

    def link(self, predicate: str, state: SiteState) -> Link | None:
        target = self.iri_of(predicate)
        return iri_link(target, state, self.label_of(target)) if target else None


def outgoing_query(iri: str) -> str:
    return (
        f"SELECT DISTINCT ?p ?o ?label WHERE {{ {iri_ref(iri)} ?p ?o . "
        f"OPTIONAL {{ FILTER(isIRI(?o)) ?o {LABEL_PATH} ?label }} }}"
    )


def described_from(iri: str, rows: Sequence[dict[str, Term]]) -> Described:
    described = Described(iri)
    for row in rows:
        predicate, obj = row["p"].value, row["o"]
        values = described.properties.setdefault(predicate, [])
        if obj not in values:
            values.append(obj)
        label = row.get("label")
        if label is not None:
            known = described.labels.setdefault(obj.value, [])
            if label not in known:
                known.append(label)
    return described


def incoming_query(iri: str, limit: int = INCOMING_LIMIT) -> str:
    return (
        f"SELECT DISTINCT ?s ?p ?label WHERE {{ ?s ?p {iri_ref(iri)} . "
        f"OPTIONAL {{ ?s {LABEL_PATH} ?label }} }} LIMIT {limit + 1}"
    )


@dataclass(slots=True)
class ResourceView:
    iri: str
    label: str
    label_en: str
    types: list[Link]
    properties: list[tuple[Link, list[Link]]]
    incoming: list[tuple[Link, list[Link]]]
    incoming_truncated: bool


_HEAD_PREDICATES = (SKOS + "prefLabel", RDFS_LABEL, DCT + "title")


def _predicate_link(predicate: str, state: SiteState) -> Link:
    return Link(text=curie(predicate), href=state.href(predicate), title=label_of(predicate) or predicate)


def property_rows(described: Described, state: SiteState) -> list[tuple[Link, list[Link]]]:
    labels = {iri: described.label_of(iri) for iri in described.labels}
    rows = []
    for predicate, values in described.properties.items():
        if predicate == iris.RDF_TYPE:
            continue
        links = [term_link(v, state, labels) for v in values]
        rows.append((_predicate_link(predicate, state), sorted(links, key=lambda link: link.text)))
    return sorted(
        rows, key=lambda row: (row[0].text not in (curie(p) for p in _HEAD_PREDICATES), row[0].text)
    )


def incoming_rows(
    rows: Sequence[dict[str, Term]], state: SiteState, limit: int = INCOMING_LIMIT
) -> tuple[list[tuple[Link, list[Link]]], bool]:
    by_predicate: dict[str, dict[str, list[Term]]] = defaultdict(dict)
    seen = 0
    for row in rows:
        subject = row["s"].value
        group = by_predicate[row["p"].value]
        if subject not in group:
            seen += 1
            if seen > limit:
                break
            group[subject] = []
        if "label" in row:
            group[subject].append(row["label"])
    result = []
    for predicate, subjects in sorted(by_predicate.items()):
        links = [iri_link(s, state, pick_label(labels)) for s, labels in subjects.items()]
        result.append((_predicate_link(predicate, state), sorted(links, key=lambda link: link.text)))
    return result, seen > limit


def resource_view(
    described: Described, incoming: Sequence[dict[str, Term]], state: SiteState
) -> ResourceView:
    labels = [v for p in _HEAD_PREDICATES for v in described.properties.get(p, [])]
    rows, truncated = incoming_rows(incoming, state)
    return ResourceView(
        iri=described.iri,
        label=pick_label(labels) or short_name(described.iri, state),
        label_en=english_label(labels),
        types=[iri_link(t, state) for t in described.types],
        properties=property_rows(described, state),
        incoming=rows,
        incoming_truncated=truncated,
    )


def cbd_query(iri: str) -> str:
    """The Concise Bounded Description of ``iri``: its triples and those of the blank nodes they use
    (two levels, as deep as the data goes)."""
    ref = iri_ref(iri)
    return (
        f"CONSTRUCT {{ {ref} ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 }} WHERE {{ {ref} ?p ?o . "
        "OPTIONAL { ?o ?p2 ?o2 FILTER(isBlank(?o)) OPTIONAL { ?o2 ?p3 ?o3 FILTER(isBlank(?o2)) } } }"
    )


# -- landing page ---------------------------------------------------------------------------------


def report_counts_query() -> str:
    return (
        "SELECT ?template ?year (COUNT(DISTINCT ?report) AS ?reports) WHERE { "
        f"?report a <{OGI}AnnualReport> . "
        f"OPTIONAL {{ ?report <{OGI}template> ?template }} OPTIONAL {{ ?report <{OGI}reportYear> ?year }} }} "
        "GROUP BY ?template ?year"
    )


def agency_count_query() -> str:
    return f"SELECT (COUNT(DISTINCT ?agency) AS ?agencies) WHERE {{ ?agency a <{OGI}Agency> }}"


def recent_reports_query(limit: int = 15) -> str:
    # one sort key: Oxigraph keeps only the top rows then, a second key makes it sort them all
    return (
        f"SELECT ?report ?year ?title WHERE {{ {{ SELECT ?report ?year WHERE {{ "
        f"?report a <{OGI}AnnualReport> ; <{OGI}reportYear> ?year }} ORDER BY DESC(?year) LIMIT {limit} }} "
        f"OPTIONAL {{ ?report <{DCT}title> ?title }} }}"
    )


TEMPLATE_ORDER = ("old", "2019", "2021", "narrative")


@dataclass(slots=True)
class LandingCounts:
    years: list[str]
    templates: list[Link]
    template_keys: list[str]
    counts: dict[tuple[str, str], int]
    per_template: dict[str, int]
    per_year: dict[str, int]
    reports: int
    agencies: int
    recent: list[tuple[Link, str]]


def landing_counts(
    counts: Sequence[dict[str, Term]],
    agencies: Sequence[dict[str, Term]],
    recent: Sequence[dict[str, Term]],
    state: SiteState,
) -> LandingCounts:
    table: dict[tuple[str, str], int] = {}
    per_template: dict[str, int] = defaultdict(int)
    per_year: dict[str, int] = defaultdict(int)
    template_iris: dict[str, str] = {}
    for row in counts:
        template_iri = row["template"].value if "template" in row else ""
        key = local_part(template_iri, iris.TEMPLATE) if template_iri else "?"
        template_iris[key] = template_iri
        year = row["year"].value if "year" in row else "?"
        number = int(row["reports"].value)
        table[(year, key)] = table.get((year, key), 0) + number
        per_template[key] += number
        per_year[year] += number
    keys = sorted(per_template, key=lambda k: (TEMPLATE_ORDER.index(k) if k in TEMPLATE_ORDER else 9, k))
    return LandingCounts(
        years=sorted(per_year, reverse=True),
        templates=[iri_link(template_iris[k], state) if template_iris[k] else Link(text="?") for k in keys],
        template_keys=keys,
        counts=table,
        per_template=dict(per_template),
        per_year=dict(per_year),
        reports=sum(per_template.values()),
        agencies=int(agencies[0]["agencies"].value) if agencies else 0,
        recent=[
            (iri_link(r["report"].value, state, r["title"].value if "title" in r else ""), r["year"].value)
            for r in sorted(recent, key=lambda r: (-(_year(r.get("year")) or 0), r["report"].value))
        ],
    )


# -- named graphs -----------------------------------------------------------------------------------


def graph_summary_query(graph: str) -> str:
    ref = iri_ref(graph)
    return (
        f"SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {ref} {{ ?s a ?type }} }} "
        "GROUP BY ?type ORDER BY DESC(?n)"
    )


def graph_size_query(graph: str) -> str:
    return f"SELECT (COUNT(*) AS ?triples) WHERE {{ GRAPH {iri_ref(graph)} {{ ?s ?p ?o }} }}"


def graph_owner_query(graph: str) -> str:
    """What a graph is about: the report whose data or checks it holds, or the agency or area
    it describes (?report is the owner, ?role the link or the owner's class)."""
    ref = iri_ref(graph)
    return (
        f"SELECT DISTINCT ?report ?role ?title WHERE {{ {{ ?report ?role {ref} . "
        f"VALUES ?role {{ <{OGI}reportGraph> <{OGI}qualityGraph> }} "
        f"OPTIONAL {{ ?report <{DCT}title> ?title }} }} "
        f"UNION {{ GRAPH {ref} {{ ?report a ?role }} "
        f"VALUES ?role {{ <{OGI}Agency> <{OGI}AdministrativeArea> }} "
        f"OPTIONAL {{ GRAPH {ref} {{ ?report <{RDFS_LABEL}> ?title }} }} }} }}"
    )


_OWNER_ROLES = {
    OGI + "reportGraph": "report data",
    OGI + "qualityGraph": "quality checks",
    OGI + "Agency": "agency description",
    OGI + "AdministrativeArea": "area description",
}


def graph_construct(graph: str) -> str:
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(graph)} {{ ?s ?p ?o }} }}"


@dataclass(slots=True)
class GraphView:
    iri: str
    triples: int
    types: list[tuple[Link, int]]
    owners: list[tuple[Link, str]]


def graph_view(
    graph: str,
    size: Sequence[dict[str, Term]],
    types: Sequence[dict[str, Term]],
    owners: Sequence[dict[str, Term]],
    state: SiteState,
) -> GraphView:
    return GraphView(
        iri=graph,
        triples=int(size[0]["triples"].value) if size else 0,
        types=[(iri_link(r["type"].value, state), int(r["n"].value)) for r in types if "type" in r],
        owners=[
            (
                iri_link(r["report"].value, state, r["title"].value if "title" in r else ""),
                _OWNER_ROLES.get(r["role"].value, "quality checks"),
            )
            for r in owners
        ],
    )


# -- indicators: latest values across reports -------------------------------------------------------


# grouped by the callers: an agency whose name was read differently in different years has several
_AGENCY_NAME = f"OPTIONAL {{ ?report <{OGI}agency> ?agency OPTIONAL {{ ?agency <{SKOS}prefLabel> ?name }} }}"


def indicator_values_query(indicator: str, limit: int = 20) -> str:
    """The latest values of an indicator, found from its cells (for indicators without a form)."""
    ref = iri_ref(indicator)
    return (
        f"SELECT ?obs ?report ?year ?value ?agency (SAMPLE(?name) AS ?agencyName) WHERE {{ "
        f"?obs <{OGI}indicator> {ref} ; <{OGI}value> ?value ; <{OGI}report> ?report . "
        f"?report <{OGI}reportYear> ?year . OPTIONAL {{ ?obs <{OGI}applicantType> ?app }} "
        f"FILTER(!BOUND(?app) || ?app IN (<{iris.APPLICANT}total>, <{iris.APPLICANT}notApplicable>)) "
        f"{_AGENCY_NAME} }} GROUP BY ?obs ?report ?year ?value ?agency "
        f"ORDER BY DESC(?year) LIMIT {limit}"
    )


def latest_reports_query(template: str, limit: int) -> str:
    """The most recent reports of one form generation."""
    return (
        f"SELECT ?report WHERE {{ ?report <{OGI}template> {iri_ref(template)} ; <{OGI}reportYear> ?year }} "
        f"ORDER BY DESC(?year) LIMIT {limit}"
    )


def cell_values_query(cells: Sequence[str], limit: int = 20) -> str:
    """The values of the given cells with their reports — point lookups, however large the store."""
    values = " ".join(iri_ref(c) for c in cells)
    return (
        f"SELECT ?obs ?report ?year ?value ?agency (SAMPLE(?name) AS ?agencyName) WHERE {{ "
        f"VALUES ?obs {{ {values} }} ?obs <{OGI}value> ?value ; <{OGI}report> ?report . "
        f"?report <{OGI}reportYear> ?year . {_AGENCY_NAME} }} "
        f"GROUP BY ?obs ?report ?year ?value ?agency ORDER BY DESC(?year) ?report LIMIT {limit}"
    )


def indicator_template(notation: str) -> str | None:
    """The form template an indicator belongs to, from its notation (``2021.T3.granted`` → 2021)."""
    generation = notation.split(".", 1)[0]
    return iris.TEMPLATE + generation if generation in ("old", "2019", "2021") else None


def total_cell_iri(report: str, notation: str) -> str:
    """The IRI the converter gives the cell of ``notation`` in ``report`` — its 总计 column where the
    table has applicant columns (minted by ``ogikg.iris.ReportIris.cell`` like every cell)."""
    cat = catalogue()
    concept = cat[notation]
    table = cat.by_iri.get(concept.table or "")
    applicant = "T" if table is not None and table.column_scheme else None
    ids = iris.ReportIris(
        report=report,
        agency="",
        graph="",
        quality_graph="",
        agency_graph="",
        dataset="",
        narrative_dataset="",
        source="",
        activity="",
    )
    return ids.cell(notation, applicant)


@dataclass(slots=True)
class ValueRow:
    value: Link
    year: str
    report: Link
    agency: Link | None


def indicator_values(rows: Sequence[dict[str, Term]], state: SiteState) -> list[ValueRow]:
    seen: set[str] = set()
    result = []
    for row in rows:
        if row["obs"].value in seen:
            continue
        seen.add(row["obs"].value)
        agency = row.get("agency")
        result.append(
            ValueRow(
                value=Link(text=row["value"].value, href=state.href(row["obs"].value), numeric=True),
                year=row["year"].value,
                report=iri_link(row["report"].value, state),
                agency=iri_link(agency.value, state, row["agencyName"].value if "agencyName" in row else "")
                if agency
                else None,
            )
        )
    return result


# -- agencies: reports by year and key figures over the years -----------------------------------------

# Each key figure is followed through the narrative code list: a narrative indicator names, with
# ogi:comparableWith, the table cell of each form generation that states the same figure, so one
# series runs across the old table, the 2019 and the 2021 forms, and falls back to the prose.
KEY_FIGURES: tuple[tuple[str, ...], ...] = (
    ("narrative.requestsNew", "narrative.requestsReceived"),
    ("narrative.requestsGranted",),
    ("narrative.administrativeReviews",),
    ("narrative.activeDisclosed",),
)


@dataclass(frozen=True, slots=True)
class FigureSeries:
    key: str
    label: str
    label_en: str
    narrative: tuple[str, ...]  # narrative indicator IRIs
    table: tuple[str, ...]  # table indicator IRIs


def key_figure_series() -> list[FigureSeries]:
    cat = catalogue()
    series = []
    for notations in KEY_FIGURES:
        concepts = [cat[n] for n in notations if cat.get(n)]
        if not concepts:
            continue
        table = tuple(dict.fromkeys(i for c in concepts for i in c.comparable_with))
        series.append(
            FigureSeries(
                key=concepts[0].notation,
                label=concepts[0].label_zh,
                label_en=concepts[0].label_en,
                narrative=tuple(c.iri for c in concepts),
                table=table,
            )
        )
    return series


def agency_reports_query(agency: str) -> str:
    return (
        f"SELECT DISTINCT ?report ?year ?template ?title ?summary WHERE {{ "
        f"?report <{OGI}agency> {iri_ref(agency)} ; a <{OGI}AnnualReport> . "
        f"OPTIONAL {{ ?report <{OGI}reportYear> ?year }} OPTIONAL {{ ?report <{OGI}template> ?template }} "
        f"OPTIONAL {{ ?report <{DCT}title> ?title }} OPTIONAL {{ ?report <{OGI}isSummary> ?summary }} }} "
        "ORDER BY ?year ?report"
    )


def agency_figures_query(agency: str, series: Sequence[FigureSeries]) -> str:
    # FILTER rather than VALUES: the join must start from the agency's few reports, not from
    # every cell of the indicators in the store
    indicators = ", ".join(f"<{i}>" for i in sorted({i for s in series for i in (*s.narrative, *s.table)}))
    return (
        f"SELECT ?report ?year ?indicator ?value ?obs ?summary WHERE {{ "
        f"?report <{OGI}agency> {iri_ref(agency)} ; a <{OGI}AnnualReport> ; <{OGI}reportYear> ?year . "
        f"?obs <{OGI}report> ?report ; <{OGI}indicator> ?indicator . FILTER(?indicator IN ({indicators})) "
        f"?obs <{OGI}value> ?value . OPTIONAL {{ ?obs <{OGI}applicantType> ?app }} "
        f"FILTER(!BOUND(?app) || ?app IN (<{iris.APPLICANT}total>, <{iris.APPLICANT}notApplicable>)) "
        f"OPTIONAL {{ ?report <{OGI}isSummary> ?summary }} }}"
    )


@dataclass(slots=True)
class ChartPoint:
    year: int
    value: float
    text: str
    href: str
    source: str  # "table" or "narrative"


@dataclass(slots=True)
class ChartSeries:
    key: str
    label: str
    label_en: str
    points: list[ChartPoint]


@dataclass(slots=True)
class ReportRow:
    link: Link
    year: str
    template: Link | None
    summary: bool


@dataclass(slots=True)
class AgencyView:
    iri: str
    name: str
    body: str
    alt_names: list[str]
    area: Link | None
    level: Link | None
    kind: Link | None
    uscc: str
    reports: list[ReportRow]
    series: list[ChartSeries]
    years: list[int]

    def value(self, series: ChartSeries, year: int) -> ChartPoint | None:
        return next((p for p in series.points if p.year == year), None)


def _year(term: Term | None) -> int | None:
    if term is None:
        return None
    try:
        return int(term.value[:4])
    except ValueError:
        return None


def agency_view(
    described: Described,
    reports: Sequence[dict[str, Term]],
    figures: Sequence[dict[str, Term]],
    series: Sequence[FigureSeries],
    state: SiteState,
) -> AgencyView:
    report_rows = []
    seen: set[str] = set()
    for row in reports:
        iri = row["report"].value
        if iri in seen:
            continue
        seen.add(iri)
        template = row.get("template")
        report_rows.append(
            ReportRow(
                link=iri_link(iri, state, row["title"].value if "title" in row else ""),
                year=row["year"].value if "year" in row else "",
                template=iri_link(template.value, state) if template else None,
                summary=bool(row.get("summary") and row["summary"].value == "true"),
            )
        )
    chart: list[ChartSeries] = []
    for figure in series:
        # per year: a table value wins over a figure stated in the prose; a summary report's
        # figure is only used when the agency has no ordinary report that year
        best: dict[int, tuple[tuple[bool, bool], ChartPoint]] = {}
        for row in figures:
            indicator = row["indicator"].value
            in_table = indicator in figure.table
            if not in_table and indicator not in figure.narrative:
                continue
            year = _year(row.get("year"))
            if year is None:
                continue
            try:
                number = float(row["value"].value)
            except ValueError:
                continue
            summary = row.get("summary")
            rank = (summary is not None and summary.value == "true", not in_table)
            point = ChartPoint(
                year=year,
                value=number,
                text=row["value"].value,
                href=state.href(row["obs"].value) or "#",
                source="table" if in_table else "narrative",
            )
            if year not in best or rank < best[year][0]:
                best[year] = (rank, point)
        points = [best[y][1] for y in sorted(best)]
        chart.append(ChartSeries(figure.key, figure.label, figure.label_en, points))
    years = sorted({p.year for s in chart for p in s.points})
    alt = [t.value for t in described.properties.get(SKOS + "altLabel", [])]
    uscc = described.first(OGI + "uscc")
    return AgencyView(
        iri=described.iri,
        name=described.text(SKOS + "prefLabel")
        or described.text(RDFS_LABEL)
        or short_name(described.iri, state),
        body=described.text(OGI + "bodyName"),
        alt_names=alt,
        area=described.link(OGI + "area", state),
        level=described.link(OGI + "level", state),
        kind=described.link(OGI + "agencyKind", state),
        uscc=uscc.value if uscc else "",
        reports=report_rows,
        series=chart,
        years=years,
    )


# -- observations (form cells, narrative figures, extra-table cells) ----------------------------------


def observation_context_query(cell: str) -> str:
    ref = iri_ref(cell)
    return (
        f"SELECT ?report ?title ?year ?agency ?agencyName ?fileName WHERE {{ {ref} <{OGI}report> ?report . "
        f"OPTIONAL {{ ?report <{DCT}title> ?title }} OPTIONAL {{ ?report <{OGI}reportYear> ?year }} "
        f"OPTIONAL {{ ?report <{OGI}agency> ?agency OPTIONAL {{ ?agency <{SKOS}prefLabel> ?agencyName }} }} "
        f"OPTIONAL {{ ?report <{OGI}sourceFile>/<{OGI}fileName> ?fileName }} }} LIMIT 1"
    )


def observation_findings_query(cell: str) -> str:
    return (
        f"SELECT ?result ?severity ?rule ?message WHERE {{ ?result <{OGI}involvesCell> {iri_ref(cell)} ; "
        f"<{SH}resultSeverity> ?severity . OPTIONAL {{ ?result <{OGI}rule> ?rule }} "
        f"OPTIONAL {{ ?result <{SH}resultMessage> ?message }} }}"
    )


@dataclass(slots=True)
class FindingSummary:
    iri: str
    severity: str
    rule: Link | None
    message_zh: str
    message_en: str


def finding_summaries(rows: Sequence[dict[str, Term]], state: SiteState) -> list[FindingSummary]:
    found: dict[str, FindingSummary] = {}
    for row in rows:
        iri = row["result"].value
        summary = found.get(iri)
        if summary is None:
            rule = row.get("rule")
            summary = found[iri] = FindingSummary(
                iri=iri,
                severity=local_part(row["severity"].value, SH).lower(),
                rule=iri_link(rule.value, state) if rule else None,
                message_zh="",
                message_en="",
            )
        message = row.get("message")
        if message is not None:
            if (message.lang or "").lower().startswith("zh"):
                summary.message_zh = message.value
            else:
                summary.message_en = message.value
    return sorted(found.values(), key=lambda b: (severity_rank(b.severity), b.message_en))


def severity_rank(severity: str) -> int:
    return {"violation": 0, "warning": 1, "info": 2}.get(severity, 3)


@dataclass(slots=True)
class ObservationView:
    iri: str
    kind: str  # "cell", "narrative" or "extra"
    value: str
    printed: str
    status: Link | None
    status_key: str
    unit: Link | None
    indicator: Link | None
    indicator_notation: str
    applicant: Link | None
    location: list[str]
    alternatives: list[str]
    phrase: str
    span: str
    file_name: str
    report: Link | None
    year: str
    agency: Link | None
    findings: list[FindingSummary]
    other: list[tuple[Link, list[Link]]]


_OBSERVATION_SHOWN = {
    iris.RDF_TYPE,
    OGI + "value",
    OGI + "printedValue",
    OGI + "valueStatus",
    OGI + "unit",
    OGI + "indicator",
    OGI + "applicantType",
    OGI + "report",
    OGI + "alternativeValue",
    OGI + "phrase",
    OGI + "sourceSpan",
}


def observation_kind(types: Iterable[str]) -> str | None:
    kinds = set(types)
    if OGI + "NarrativeFigure" in kinds:
        return "narrative"
    if OGI + "FormCell" in kinds:
        return "cell"
    if OGI + "ExtraTableCell" in kinds:
        return "extra"
    return None


def _location(indicator: str | None, described: Described) -> list[str]:
    """Where the cell sits in the printed form: table › row groups › row (› column)."""
    cat = catalogue()
    concept = cat.by_iri.get(indicator or "")
    if concept is None:
        table = described.text(OGI + "tableLabel")
        row = described.text(OGI + "rowLabel")
        column = described.text(OGI + "columnLabel")
        return [part for part in (table, row, column) if part]
    parts = []
    form_table = cat.by_iri.get(concept.table or "")
    if form_table is not None:
        parts.append(form_table.label_zh)
    parts.extend(a.label_zh for a in cat.ancestors(concept))
    parts.append(concept.label_zh)
    return [p for p in parts if p]


def observation_view(
    described: Described,
    context: Sequence[dict[str, Term]],
    findings: Sequence[dict[str, Term]],
    state: SiteState,
) -> ObservationView:
    kind = observation_kind(described.types) or "cell"
    indicator = described.iri_of(OGI + "indicator")
    applicant = described.iri_of(OGI + "applicantType")
    status = described.iri_of(OGI + "valueStatus")
    value = described.first(OGI + "value")
    printed = described.first(OGI + "printedValue")
    concept = catalogue().by_iri.get(indicator or "")
    row = context[0] if context else {}
    report = row.get("report")
    agency = row.get("agency")
    other = [
        (p, v)
        for p, v in property_rows(described, state)
        if not any(p.text == curie(shown) for shown in _OBSERVATION_SHOWN)
    ]
    return ObservationView(
        iri=described.iri,
        kind=kind,
        value=value.value if value else "",
        printed=printed.value if printed else "",
        status=iri_link(status, state) if status else None,
        status_key=local_part(status, iris.STATUS) if status else "reported",
        unit=iri_link(u, state) if (u := described.iri_of(OGI + "unit")) else None,
        indicator=iri_link(indicator, state) if indicator else None,
        indicator_notation=concept.notation if concept else "",
        applicant=iri_link(applicant, state) if applicant else None,
        location=_location(indicator, described),
        alternatives=[t.value for t in described.properties.get(OGI + "alternativeValue", [])],
        phrase=described.text(OGI + "phrase"),
        span=number_text(described.first(OGI + "sourceSpan")),
        file_name=row["fileName"].value if "fileName" in row else "",
        report=iri_link(report.value, state, row["title"].value if "title" in row else "")
        if report
        else None,
        year=row["year"].value if "year" in row else "",
        agency=iri_link(agency.value, state, row["agencyName"].value if "agencyName" in row else "")
        if agency
        else None,
        findings=finding_summaries(findings, state),
        other=other,
    )


def format_time(text: str) -> str:
    """An xsd:dateTime as people read it (UTC kept as written)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
