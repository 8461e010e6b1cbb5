"""Validate one report graph against the SHACL shapes, with pyshacl on an in-memory pyoxigraph store.

The data graph of a report is its own named graph plus the part of the vocabulary its shapes read
(``vocabulary``): a few thousand triples, so pyshacl's SPARQL constraints run in pyoxigraph in
milliseconds. The shapes (``library``) and the stores with the vocabulary subsets (``workbench``)
are prepared once per process.

pyshacl decides which constraints a report breaks and produces the SHACL validation report. A
SPARQL constraint projects more than SHACL keeps (the rule, the cells involved, the numbers), so
the rows pyshacl got for a constraint that reported something are read back from pyshacl's view
of the store; its sh:message templates are then filled per language (pyshacl drops the language
tag of a substituted message).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ogikg import iris
from ogikg.shapes import SHAPES_NAMESPACE
from ogikg.validation.findings import Finding, FindingKind, Number, ReportFindings, Severity
from ogikg.validation.library import (
    LOG,
    ShapesLibrary,
    SparqlConstraint,
    one_line,
    prefix_declarations,
    shapes_library,
)
from ogikg.validation.vocabulary import (
    FALLBACK_SEVERITY,
    rule_severities,
    vocabulary_subset,
    vocabulary_triples,
)
from ogikg.validation.workbench import RecordingDataGraph, Solutions, as_quads, loaded, report_and_template

SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OGI = iris.VOCAB

Rows = list[dict[str, str]]


# ------------------------------------------------------------------------- validation -------


def validate_report(
    data: str | bytes | ox.Store | Iterable[ox.Quad], *, library: ShapesLibrary | None = None
) -> ReportFindings:
    """Validate one report (its N-Quads, an rdflib graph, a store or quads) and return its findings."""
    with loaded(data) as (bench, report):
        return _validate(bench.data_graph, report, library or shapes_library())


def validate_store(store: ox.Store, report: str, *, library: ShapesLibrary | None = None) -> ReportFindings:
    """Validate the report ``report`` held in ``store`` together with its vocabulary subset."""
    return _validate(RecordingDataGraph(store), report, library or shapes_library())


def build_data_store(data: str | bytes | ox.Store | Iterable[ox.Quad]) -> tuple[ox.Store, str]:
    """A new store with the report and the vocabulary it needs; returns (store, report IRI).

    For looking into a validation (running one constraint by hand); ``validate_report`` reuses
    its stores instead.
    """
    quads = as_quads(data)
    report, template = report_and_template(quads)
    store = ox.Store()
    store.extend(quads)
    store.extend(vocabulary_subset(template))
    return store, report


def _validate(data_graph: RecordingDataGraph, report: str, library: ShapesLibrary) -> ReportFindings:
    from pyshacl.validator import Validator

    store = data_graph.impl
    validator = Validator(
        data_graph,
        shacl_graph=library.graph,
        options={"allow_warnings": True, "allow_infos": True, "logger": LOG},
    )
    validator.shacl_graph = library.shapes_graph_for(_irrelevant(store, report, library))
    data_graph.recorded.clear()
    _conforms, results, _text = validator.run()
    rows = _recorded_rows(data_graph, library)
    findings = _findings_from_results(results, rows, library)
    return ReportFindings(
        report=report,
        quality_graph=_quality_graph(store, report),
        findings=tuple(findings),
        label=_report_label(store, report),
        template=_one(store, report, OGI + "template", strip=iris.TEMPLATE),
    )


def _irrelevant(store: ox.Store, report: str, library: ShapesLibrary) -> frozenset[str]:
    """The SPARQL constraints that cannot report anything on this report (shape:relevantWhen)."""
    try:
        this = {ox.Variable("this"): ox.NamedNode(report)}
    except ValueError:  # not an IRI (a blank node): run every constraint
        return frozenset()
    holds = {
        ask: bool(store.query(ask, use_default_graph_as_union=True, substitutions=this))
        for ask in set(library.preconditions.values())  # constraints often share one
    }
    return frozenset(constraint for constraint, ask in library.preconditions.items() if not holds[ask])


def _recorded_rows(data_graph: RecordingDataGraph, library: ShapesLibrary) -> dict[tuple[str, str], Rows]:
    """(constraint IRI, focus node) → the rows pyshacl got, for the queries that returned any."""
    found: dict[tuple[str, str], Rows] = {}
    for query, bindings, solutions in data_graph.recorded:
        if not solutions.rows:
            continue
        constraint = library.constraint_of_query(query)
        focus = bindings.get("this")
        if constraint is not None and focus is not None:
            found[(constraint.iri, str(focus))] = _string_rows(solutions)
    return found


def _string_rows(solutions: Solutions) -> Rows:
    """Solutions as strings (the lexical forms), with the datatype of each literal beside it."""
    rows: Rows = []
    for solution in solutions.rows:
        row: dict[str, str] = {}
        for name in solutions.variables:
            term = solution[name]
            if term is not None:
                row[name] = term.value
                if isinstance(term, ox.Literal):
                    row["_type_" + name] = term.datatype.value
        rows.append(row)
    return rows


def _one(store: ox.Store, subject: str, predicate: str, *, strip: str = "") -> str | None:
    for quad in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None):
        return quad.object.value.removeprefix(strip)
    return None


def _quality_graph(store: ox.Store, report: str) -> str:
    stated = _one(store, report, OGI + "qualityGraph")
    if stated:
        return stated
    return report.replace("/id/report/", "/graph/quality/", 1)


def _report_label(store: ox.Store, report: str) -> str | None:
    return _one(store, report, "http://purl.org/dc/terms/title") or _one(
        store, report, "http://www.w3.org/2000/01/rdf-schema#label"
    )


def _findings_from_results(
    results, rows: dict[tuple[str, str], Rows], library: ShapesLibrary
) -> list[Finding]:
    import rdflib

    sh = rdflib.Namespace(SH)
    findings: list[Finding] = []
    sparql_results: dict[tuple[str, str], list[tuple[rdflib.term.Node, dict]]] = defaultdict(list)
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        record = {
            "focus": results.value(result, sh.focusNode),
            "value": results.value(result, sh.value),
            "shape": results.value(result, sh.sourceShape),
            "constraint": results.value(result, sh.sourceConstraint),
            "component": results.value(result, sh.sourceConstraintComponent),
            "severity": results.value(result, sh.resultSeverity),
            "path": results.value(result, sh.resultPath),
            "messages": list(results.objects(result, sh.resultMessage)),
        }
        constraint = record["constraint"]
        if constraint is not None and str(constraint) in library.constraints:
            sparql_results[(str(constraint), str(record["focus"]))].append((result, record))
        else:
            findings.append(_core_finding(record))
    for (constraint_iri, focus), records in sparql_results.items():
        findings.extend(
            _sparql_findings(
                library.constraints[constraint_iri], focus, records, rows.get((constraint_iri, focus), [])
            )
        )
    return findings


def _text(node) -> str | None:
    return None if node is None else str(node)


def _core_finding(record: dict) -> Finding:
    """A result of a SHACL Core constraint: its messages are the shape's sh:message literals."""
    messages = record["messages"]
    by_language = {(getattr(m, "language", None) or "").lower(): str(m) for m in messages}
    english = by_language.get("en") or by_language.get("") or next(iter(by_language.values()), "")
    chinese = by_language.get("zh-hans") or english
    value = _text(record["value"])
    focus = _text(record["focus"]) or ""
    return Finding(
        severity=Severity.from_iri(str(record["severity"])),
        kind=FindingKind.STRUCTURE,
        source_shape=_text(record["shape"]) or "",
        focus=focus,
        message_zh=_detail(chinese, record, value),
        message_en=_detail(english, record, value),
        value=value,
        cells=(focus,) if "/cell/" in focus else (),
        constraint_component=_text(record["component"]),
        path=_text(record["path"]),
    )


def _detail(message: str, record: dict, value: str | None) -> str:
    """Name the node a core constraint is about, so the message stands on its own."""
    subject = _text(record["focus"]) or ""
    return f"{message}: {subject}" + (f" → {value}" if value and value != subject else "")


_TEMPLATE_VARIABLE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def fill_template(template: str, bindings: dict[str, str]) -> str:
    """Substitute {?var} / {$var} as SHACL-SPARQL does (an unbound variable becomes empty)."""
    return _TEMPLATE_VARIABLE.sub(lambda m: bindings.get(m.group(1), ""), template)


def _sparql_findings(
    constraint: SparqlConstraint, focus: str, records: list[tuple[object, dict]], rows: Rows
) -> list[Finding]:
    """Findings of one SPARQL constraint on one focus node, with every projected variable."""
    by_value = {row.get("value"): row for row in rows}
    findings: list[Finding] = []
    shape = _text(records[0][1]["shape"]) or ""
    default_severity = Severity.from_iri(str(records[0][1]["severity"]))
    seen: set[str | None] = set()
    for _result, record in records:
        value = _text(record["value"])
        if value in seen:
            continue
        seen.add(value)
        row = by_value.get(value)
        if row is None:  # pyshacl and the re-run disagree: keep what pyshacl said
            text = str(record["messages"][0]) if record["messages"] else constraint.iri
            row = {"value": value, "kind": FindingKind.STRUCTURE.value, "_message": text}
        findings.append(finding_from_row(row, constraint, focus, shape, default_severity))
    return findings


def run_constraint(constraint: SparqlConstraint, store: ox.Store, focus: str | None) -> Rows:
    """Run a constraint's SELECT with $this bound (or free when ``focus`` is None); rows as strings."""
    substitutions = {ox.Variable("this"): ox.NamedNode(focus)} if focus else None
    solutions = store.query(constraint.select, use_default_graph_as_union=True, substitutions=substitutions)
    return _string_rows(Solutions([v.value for v in solutions.variables], list(solutions)))


def _number(row: dict[str, str], name: str) -> Number | None:
    text = row.get(name)
    if text is None:
        return None
    datatype = row.get("_type_" + name, "")
    try:
        if datatype in (XSD + "integer", XSD + "nonNegativeInteger", XSD + "int", XSD + "long"):
            return int(text)
        number = Decimal(text)
    except (ValueError, InvalidOperation):
        return None
    return int(number) if number == number.to_integral_value() and "." not in text else number


def finding_from_row(
    row: dict[str, str], constraint: SparqlConstraint, focus: str, shape: str, default_severity: Severity
) -> Finding:
    """One finding from one solution of a constraint's SELECT."""
    kind = FindingKind(row.get("kind", FindingKind.STRUCTURE.value))
    rule = row.get("rule")
    if kind in (FindingKind.INCOMPLETE, FindingKind.UNCERTAIN):
        severity = Severity.INFO
    elif kind is FindingKind.MISMATCH and rule:
        severity = rule_severities().get(rule, default_severity)
    else:
        severity = default_severity
    bindings = {k: v for k, v in row.items() if not k.startswith("_")}
    message_en = row.get("_message") or fill_template(constraint.messages.get("en", ""), bindings)
    message_zh = row.get("_message") or fill_template(
        constraint.messages.get("zh-hans", message_en), bindings
    )
    cells = tuple(dict.fromkeys(row.get("cells", "").split()))
    return Finding(
        severity=severity,
        kind=kind,
        source_shape=shape,
        focus=focus,
        message_zh=message_zh,
        message_en=message_en,
        rule=rule,
        value=row.get("value"),
        cells=cells,
        actual=_number(row, "actual"),
        expected=_number(row, "expected"),
        source_constraint=constraint.iri,
        constraint_component=SH + "SPARQLConstraintComponent",
    )


__all__ = [
    "FALLBACK_SEVERITY",
    "SHAPES_NAMESPACE",
    "ShapesLibrary",
    "SparqlConstraint",
    "build_data_store",
    "fill_template",
    "finding_from_row",
    "one_line",
    "prefix_declarations",
    "rule_severities",
    "run_constraint",
    "shapes_library",
    "validate_report",
    "validate_store",
    "vocabulary_subset",
    "vocabulary_triples",
]
