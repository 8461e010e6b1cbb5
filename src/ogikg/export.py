"""Tidy CSV for researchers: one row per value (or per report), from a convert output or a store.

Rows are rebuilt from the RDF of each report graph, so the CSV says exactly what the knowledge
graph says; labels, row paths and units come from the ontology catalogue.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from ogikg import iris
from ogikg.converter.normalise import strip_numbering
from ogikg.ontology.catalogue import Catalogue, Concept, catalogue

VALUE_COLUMNS = (
    "report",
    "agency",
    "adcode",
    "year",
    "template",
    "table",
    "row",
    "column",
    "value",
    "status",
    "unit",
    "source",
)
REPORT_COLUMNS = ("report", "agency", "adcode", "level", "year", "template", "published", "source")

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
DCT_ISSUED = "http://purl.org/dc/terms/issued"
OGI = iris.VOCAB
NARRATIVE_TABLE = "正文"
_STATUS_NAMES = {
    "reported": "reported",
    "blank": "blank",
    "notApplicable": "not_applicable",
    "illegible": "illegible",
    "uncertain": "uncertain",
}


@dataclass(frozen=True, slots=True)
class Triple:
    subject: str
    predicate: str
    object: str  # IRI or lexical form
    is_iri: bool


class ReportGraph:
    """The triples of one report graph, indexed by subject."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.props: dict[str, dict[str, list[Triple]]] = defaultdict(lambda: defaultdict(list))
        self.by_type: dict[str, list[str]] = defaultdict(list)
        for triple in triples:
            self.props[triple.subject][triple.predicate].append(triple)
            if triple.predicate == iris.RDF_TYPE:
                self.by_type[triple.object].append(triple.subject)

    def one(self, subject: str, predicate: str) -> str | None:
        values = self.props.get(subject, {}).get(predicate)
        return values[0].object if values else None

    def report(self) -> str | None:
        reports = self.by_type.get(OGI + "AnnualReport")
        return reports[0] if reports else None


def _row_path(concept: Concept, cat: Catalogue) -> tuple[str, str, str]:
    """(table label, row path, column label) of a form indicator, without numbering."""
    row_concept = cat.iri(concept.form_row) if concept.form_row else concept
    path = [a for a in cat.ancestors(row_concept) if a.kind != "table"]
    labels = [strip_numbering(c.label_zh) for c in (*path, row_concept)]
    table = cat.iri(concept.table) if concept.table else None
    table_label = strip_numbering(table.label_zh) if table else ""
    if concept.form_column:
        column = strip_numbering(cat.iri(concept.form_column).label_zh)
    elif table and table.columns:
        column = cat.iri(table.columns[0]).label_zh
    else:
        column = ""
    return table_label, " / ".join(labels), column


def _value_rows(graph: ReportGraph, cat: Catalogue) -> Iterator[tuple[tuple, dict[str, str]]]:
    report = graph.report()
    if report is None:
        return
    source_file = _source_file(graph, report)
    applicant_order = {c.iri: i for i, c in enumerate(cat.applicant_types())}
    for cell in graph.by_type.get(OGI + "FormCell", []):
        indicator = cat.by_iri.get(graph.one(cell, OGI + "indicator") or "")
        if indicator is None:
            continue
        table, row, column = _row_path(indicator, cat)
        applicant_iri = graph.one(cell, OGI + "applicantType")
        applicant = cat.by_iri.get(applicant_iri or "")
        if applicant is not None and applicant.notation != "Z":
            column = applicant.label_zh
        yield (
            (0, cat.sort_key(indicator), applicant_order.get(applicant_iri or "", -1)),
            _row(graph, cell, table, row, column, source_file),
        )
    for ordinal, figure in enumerate(graph.by_type.get(OGI + "NarrativeFigure", [])):
        indicator = cat.by_iri.get(graph.one(figure, OGI + "indicator") or "")
        label = indicator.label_zh if indicator else (graph.one(figure, OGI + "indicator") or "")
        yield (1, (), ordinal), _row(graph, figure, NARRATIVE_TABLE, label, "", source_file)
    for cell in graph.by_type.get(OGI + "ExtraTableCell", []):
        yield (
            (2, (), int(cell.rsplit("/", 1)[-1]) if cell.rsplit("/", 1)[-1].isdigit() else 0),
            _row(
                graph,
                cell,
                graph.one(cell, OGI + "tableLabel") or "",
                graph.one(cell, OGI + "rowLabel") or "",
                graph.one(cell, OGI + "columnLabel") or "",
                source_file,
            ),
        )


def _source_file(graph: ReportGraph, report: str) -> str:
    source = graph.one(report, OGI + "sourceFile")
    return (graph.one(source, OGI + "fileName") if source else None) or ""


def _row(
    graph: ReportGraph, subject: str, table: str, row: str, column: str, source_file: str
) -> dict[str, str]:
    status_iri = graph.one(subject, OGI + "valueStatus")
    status = _STATUS_NAMES.get(status_iri.rsplit("/", 1)[-1], "reported") if status_iri else "reported"
    unit_iri = graph.one(subject, OGI + "unit")
    unit = catalogue().by_iri[unit_iri].label_zh if unit_iri in catalogue().by_iri else ""
    span = graph.one(subject, OGI + "sourceSpan")
    return {
        "table": table,
        "row": row,
        "column": column,
        "value": _plain_number(graph.one(subject, OGI + "value") or ""),
        "status": status,
        "unit": unit,
        "source": f"{source_file}:{span}" if span else source_file,
    }


def _plain_number(lexical: str) -> str:
    """A value as a report prints it: xsd:decimal's canonical "5.0" is written 5."""
    return lexical[:-2] if lexical.endswith(".0") else lexical


def _report_fields(graph: ReportGraph) -> dict[str, str]:
    report = graph.report() or ""
    agency = graph.one(report, OGI + "agency") or ""
    area = graph.one(agency, OGI + "area")
    level = graph.one(agency, OGI + "level")
    template = graph.one(report, OGI + "template") or ""
    return {
        "report": report,
        "agency": graph.one(agency, SKOS_PREF) or "",
        "adcode": (graph.one(area, OGI + "adcode") if area else None) or "",
        "level": level.rsplit("/", 1)[-1] if level else "",
        "year": graph.one(report, OGI + "reportYear") or "",
        "template": template.rsplit("/", 1)[-1],
        "published": graph.one(report, DCT_ISSUED) or "",
        "source": _source_file(graph, report),
    }


def value_rows(graph: ReportGraph) -> list[dict[str, str]]:
    """Every value of one report graph, in the order of the printed form."""
    cat = catalogue()
    fields = _report_fields(graph)
    head = {key: fields[key] for key in ("report", "agency", "adcode", "year", "template")}
    rows = sorted(_value_rows(graph, cat), key=lambda pair: pair[0])
    return [{**head, **row} for _, row in rows]


def report_row(graph: ReportGraph) -> dict[str, str]:
    return _report_fields(graph)


# ---------------------------------------------------------------- sources of report graphs


def graphs_from_output(out_dir: str | Path) -> Iterator[ReportGraph]:
    """Report graphs of a convert output directory, one at a time (streaming)."""
    from ogikg.jsonl import report_records

    for record in report_records(out_dir):
        with (Path(out_dir) / record["output"]).open("rb") as handle:
            yield ReportGraph(_triples(ox.parse(handle, format=ox.RdfFormat.N_QUADS)))


def _triples(quads: Iterable[ox.Quad]) -> Iterator[Triple]:
    for quad in quads:
        obj = quad.object
        yield Triple(quad.subject.value, quad.predicate.value, obj.value, isinstance(obj, ox.NamedNode))


def graphs_from_store(store) -> Iterator[ReportGraph]:  # store: ogikg.store.base.Store
    """Report graphs of a store, one at a time, each with the description of its agency and area."""
    rows = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?r a <{OGI}AnnualReport> }} }} ORDER BY ?g")
    for row in rows:
        graph = row["g"].value
        triples = store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {iris.report_data_pattern(graph)} }}")
        yield ReportGraph(
            Triple(t["s"].value, t["p"].value, t["o"].value, t["o"].type == "uri") for t in triples
        )


def write_csv(graphs: Iterable[ReportGraph], out: TextIO, *, per_report: bool = False) -> int:
    """Write the tidy table; returns the number of data rows."""
    columns = REPORT_COLUMNS if per_report else VALUE_COLUMNS
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for graph in graphs:
        rows = [report_row(graph)] if per_report else value_rows(graph)
        writer.writerows(rows)
        count += len(rows)
    return count
