"""Checks across reports of one agency (I6, I7, I8, I11) as SPARQL over a store.

The queries are the sh:select of the cross-report shapes (shapes/crossyear.ttl). They run once over
a store that holds every report in its own named graph, with $this unbound, so one query finds the
findings of all reports; each finding belongs to the later report ($this) and goes into its
quality graph. Any object with ``select(sparql) -> list[dict[str, Term]]`` will do (the Store
protocol); :class:`OxigraphSelect` adapts a plain ``pyoxigraph.Store``.

For a convert output folder, :func:`cross_report_quads` picks from each report only what the
queries read (report identity and the cells of the indicators they compare), so the store stays
small even for the national corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Protocol

import pyoxigraph as ox

from ogikg import iris
from ogikg.ontology.catalogue import catalogue
from ogikg.shapes import cross_report_shape_files
from ogikg.store.base import Term
from ogikg.validation.findings import Finding, Severity
from ogikg.validation.library import SparqlConstraint, one_line, prefix_declarations
from ogikg.validation.shacl import finding_from_row

OGI = iris.VOCAB
SH = "http://www.w3.org/ns/shacl#"
_REPORT_PREDICATES = frozenset(OGI + p for p in ("agency", "reportYear", "isSummary", "template"))
_CELL_PREDICATES = frozenset(
    OGI + p for p in ("report", "indicator", "applicantType", "value", "valueStatus")
)


class SelectStore(Protocol):
    def select(self, sparql: str) -> list[dict[str, Term]]: ...


class OxigraphSelect:
    """``select`` over a pyoxigraph store (named graphs stay named; the default graph is its own)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def select(self, sparql: str) -> list[dict[str, Term]]:
        solutions = self.store.query(sparql)
        names = [v.value for v in solutions.variables]
        rows: list[dict[str, Term]] = []
        for solution in solutions:
            row: dict[str, Term] = {}
            for name in names:
                term = solution[name]
                if isinstance(term, ox.NamedNode):
                    row[name] = Term("uri", term.value)
                elif isinstance(term, ox.Literal):
                    row[name] = Term("literal", term.value, term.datatype.value, term.language)
                elif isinstance(term, ox.BlankNode):
                    row[name] = Term("bnode", term.value)
            rows.append(row)
        return rows


@cache
def cross_report_constraints() -> tuple[tuple[str, Severity, SparqlConstraint], ...]:
    """(shape IRI, shape severity, constraint) for every cross-report check."""
    import rdflib

    graph = rdflib.Graph()
    for path in cross_report_shape_files():
        graph.parse(str(path), format="turtle")
    sh = rdflib.Namespace(SH)
    prefixes = prefix_declarations(graph)
    found: list[tuple[str, Severity, SparqlConstraint]] = []
    for shape, constraint in graph.subject_objects(sh.sparql):
        severity = Severity.from_iri(str(graph.value(shape, sh.severity) or sh.Violation))
        select = graph.value(constraint, sh.select)
        messages = {
            (m.language or "").lower(): str(m)
            for m in graph.objects(constraint, sh.message)
            if isinstance(m, rdflib.Literal)
        }
        found.append(
            (
                str(shape),
                severity,
                SparqlConstraint(str(constraint), prefixes + one_line(str(select)), messages),
            )
        )
    return tuple(sorted(found, key=lambda item: item[2].iri))


@cache
def _compared_indicators() -> frozenset[str]:
    """Indicator IRIs whose cells the cross-report queries read."""
    cat = catalogue()
    wanted: set[str] = set()
    for concept in cat.by_iri.values():
        notation = concept.notation
        if notation.endswith((".T3.carriedOver", ".T3.carriedForward")) or notation.startswith(
            ("2019.T2.", "2021.T2.")
        ):
            wanted.add(concept.iri)
    for subject, parts in correspondence_links().items():
        wanted.add(subject)
        wanted.update(parts)
    return frozenset(wanted)


@cache
def correspondence_links() -> dict[str, tuple[str, ...]]:
    """ogi:correspondsToSumOf links of the vocabulary that carry a rule (ogi:correspondenceRule)."""
    from ogikg.validation.vocabulary import vocabulary_triples

    parts: dict[str, list[str]] = defaultdict(list)
    ruled: set[str] = set()
    for triple in vocabulary_triples():
        predicate = triple.predicate.value
        if predicate == OGI + "correspondsToSumOf":
            parts[triple.subject.value].append(triple.object.value)
        elif predicate == OGI + "correspondenceRule":
            ruled.add(triple.subject.value)
    return {subject: tuple(values) for subject, values in parts.items() if subject in ruled}


def vocabulary_quads() -> list[ox.Quad]:
    """The vocabulary the cross-report queries read (correspondence links), in the default graph."""
    from ogikg.validation.vocabulary import vocabulary_triples

    keep = {OGI + "correspondsToSumOf", OGI + "correspondenceRule", OGI + "ruleId"}
    return [
        ox.Quad(t.subject, t.predicate, t.object) for t in vocabulary_triples() if t.predicate.value in keep
    ]


def cross_report_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The part of one report graph the cross-report queries read."""
    quads = list(quads)
    wanted = _compared_indicators()
    reports = {
        q.subject
        for q in quads
        if q.predicate.value == iris.RDF_TYPE and q.object.value == OGI + "AnnualReport"
    }
    cells = {q.subject for q in quads if q.predicate.value == OGI + "indicator" and q.object.value in wanted}
    kept: list[ox.Quad] = []
    for quad in quads:
        subject, predicate = quad.subject, quad.predicate.value
        about_report = subject in reports and (predicate in _REPORT_PREDICATES or predicate == iris.RDF_TYPE)
        if about_report or (subject in cells and predicate in _CELL_PREDICATES):
            kept.append(quad)
    return kept


def _row_strings(row: dict[str, Term]) -> dict[str, str]:
    strings: dict[str, str] = {}
    for name, term in row.items():
        strings[name] = term.value
        if term.type == "literal" and term.datatype:
            strings["_type_" + name] = term.datatype
    return strings


def _cell_labels(indicator: str | None, column: str | None) -> dict[str, str]:
    cat = catalogue()
    concept = cat.by_iri.get(indicator or "")
    zh = concept.label_zh if concept else (indicator or "")
    en = (concept.label_en or concept.label_zh) if concept else (indicator or "")
    applicant = cat.by_iri.get(column or "")
    if applicant and applicant.notation != "Z":
        zh += f"[{applicant.label_zh}]"
        en += f" [{applicant.label_en or applicant.label_zh}]"
    return {"cellZh": zh, "cellEn": en}


def cross_report_findings(store: SelectStore) -> dict[str, list[Finding]]:
    """Findings of every cross-report check, by the IRI of the report they belong to."""
    by_report: dict[str, list[Finding]] = defaultdict(list)
    seen: set[tuple[str, str, str | None]] = set()
    for shape, severity, constraint in cross_report_constraints():
        for row in store.select(constraint.select):
            strings = _row_strings(row)
            focus = strings.get("this")
            if not focus:
                continue
            key = (constraint.iri, focus, strings.get("value"))
            if key in seen:
                continue
            seen.add(key)
            strings.update(_cell_labels(strings.get("indicator"), strings.get("column")))
            by_report[focus].append(finding_from_row(strings, constraint, focus, shape, severity))
    return dict(by_report)


def findings_for_quads(report_graphs: Iterable[Iterable[ox.Quad]]) -> dict[str, list[Finding]]:
    """Cross-report findings for report graphs given as quads (each in its own named graph)."""
    store = ox.Store()
    store.extend(vocabulary_quads())
    for quads in report_graphs:
        store.extend(cross_report_quads(quads))
    return cross_report_findings(OxigraphSelect(store))
