"""Validate one report graph against the SHACL shapes, with pyshacl on an in-memory pyoxigraph store.

The data graph of a report is its own named graph plus the part of the vocabulary its shapes read
(indicators of its form generation with their sum links, applicant types, units, rules, narrative
indicators): a few thousand triples, so pyshacl's SPARQL constraints run in pyoxigraph in
milliseconds. The shapes graph and the vocabulary subsets are loaded once per process.

pyshacl decides which constraints a report breaks and produces the SHACL validation report. A
SPARQL constraint projects more than SHACL keeps (the rule, the cells involved, the numbers), so
each constraint that reported something is run once more on the same store to read those
variables; its sh:message templates are then filled per language (pyshacl drops the language tag
of a substituted message).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import pyoxigraph as ox

from ogikg import iris
from ogikg.ontology import turtle_files
from ogikg.shapes import SHAPES_NAMESPACE, report_shape_files
from ogikg.validation.findings import Finding, FindingKind, Number, ReportFindings, Severity

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OGI = iris.VOCAB

# Severity of a rule whose ogi:severity the ontology does not state (domain reference §3).
FALLBACK_SEVERITY = {
    **{f"I{n}": Severity.VIOLATION for n in (1, 2, 3, 4, 5, 10)},
    **{f"I{n}": Severity.WARNING for n in (6, 7, 8, 9, 11)},
    "I12": Severity.INFO,
    **{f"O{n}": Severity.VIOLATION for n in (1, 2, 3, 4, 5, 8)},
    **{f"O{n}": Severity.WARNING for n in (6, 7)},
}

# What the shapes read from the vocabulary: these properties of these kinds of resources.
_VOCABULARY_CLASSES = frozenset(
    OGI + name
    for name in (
        "Indicator",
        "DerivedIndicator",
        "NarrativeIndicator",
        "ApplicantType",
        "Unit",
        "Balance",
        "ArithmeticRule",
        "FormTable",
        "FormTemplate",
        "ValueStatus",
    )
) | {SKOS + "ConceptScheme"}
_VOCABULARY_PROPERTIES = frozenset(
    [RDF_TYPE, SKOS + "prefLabel", SKOS + "notation", SKOS + "inScheme"]
    + [
        OGI + name
        for name in (
            "template",
            "sumOf",
            "sumRule",
            "atMostSumOf",
            "atLeastSumOf",
            "boundRule",
            "leftTerm",
            "rightTerm",
            "rule",
            "ruleId",
            "severity",
            "datatype",
            "unit",
            "formTable",
            "columnScheme",
            "comparableWith",
            "comparableApplicant",
            "comparisonFactor",
            "order",
        )
    ]
)
_GENERATIONS = ("old", "2019", "2021")
_LABEL_LANGUAGES = frozenset({"zh-hans", "en"})


# ------------------------------------------------------------------------- vocabulary -------


@cache
def vocabulary_triples() -> tuple[ox.Triple, ...]:
    triples: list[ox.Triple] = []
    for path in turtle_files():
        with open(path, "rb") as handle:
            triples.extend(ox.parse(handle, format=ox.RdfFormat.TURTLE))
    return tuple(triples)


@cache
def vocabulary_subset(template: str | None) -> tuple[ox.Quad, ...]:
    """The vocabulary triples the shapes read, for reports of one form generation.

    Concepts that belong to another generation's scheme are left out, which keeps the data graph
    small; rules keep their severity (the fallback of the domain reference where none is stated).
    """
    triples = vocabulary_triples()
    kinds: dict[ox.NamedNode, set[str]] = defaultdict(set)
    schemes: dict[ox.NamedNode, set[str]] = defaultdict(set)
    tables: dict[ox.NamedNode, str] = {}
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate == RDF_TYPE:
            kinds[subject].add(obj.value)
        elif predicate == SKOS + "inScheme":
            schemes[subject].add(obj.value)
        elif predicate == OGI + "formTable":
            tables[subject] = obj.value

    def generation(subject: ox.NamedNode) -> str | None:
        found = {s.removeprefix(iris.SCHEME) for s in schemes.get(subject, ())} & set(_GENERATIONS)
        if not found and subject in tables:
            found = {s.removeprefix(iris.SCHEME) for s in schemes.get(ox.NamedNode(tables[subject]), ())}
            found &= set(_GENERATIONS)
        return next(iter(found)) if found else None

    keep: set[ox.NamedNode] = set()
    for subject, subject_kinds in kinds.items():
        if subject_kinds & _VOCABULARY_CLASSES:
            owner = generation(subject)
            if owner is None or owner == template:
                keep.add(subject)
    quads: list[ox.Quad] = []
    severities: set[ox.NamedNode] = set()
    for triple in triples:
        subject = triple.subject
        if subject not in keep or triple.predicate.value not in _VOCABULARY_PROPERTIES:
            continue
        obj = triple.object
        if isinstance(obj, ox.Literal) and obj.language and obj.language.lower() not in _LABEL_LANGUAGES:
            continue
        if triple.predicate.value == OGI + "severity":
            severities.add(subject)  # type: ignore[arg-type]
        quads.append(ox.Quad(subject, triple.predicate, obj))
    for subject in keep:
        if OGI + "ArithmeticRule" in kinds[subject] and subject not in severities:
            fallback = FALLBACK_SEVERITY.get(subject.value.removeprefix(iris.RULE))
            if fallback:
                quads.append(ox.Quad(subject, ox.NamedNode(OGI + "severity"), ox.NamedNode(fallback.iri)))
    return tuple(quads)


@cache
def rule_severities() -> dict[str, Severity]:
    """Rule IRI → severity of a breach (ontology, else the fallback of the domain reference)."""
    found = {
        t.subject.value: Severity.from_iri(t.object.value)
        for t in vocabulary_triples()
        if t.predicate.value == OGI + "severity" and t.object.value.startswith(SH)
    }
    for rule_id, severity in FALLBACK_SEVERITY.items():
        found.setdefault(iris.RULE + rule_id, severity)
    return found


# ----------------------------------------------------------------------------- shapes -------

_LOG = logging.getLogger("ogikg.validation.pyshacl")
_LOG.setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class SparqlConstraint:
    """A SPARQL constraint of the shapes graph: its query (with prefixes) and message templates."""

    iri: str
    select: str
    messages: dict[str, str]  # language tag (lower case) -> template


def one_line(query: str) -> str:
    """The query on one line (it must hold no # comments).

    pyshacl screens every query with regular expressions anchored at line starts before each run;
    on a long multi-line query they backtrack for milliseconds per line, which dominated the time
    of a validation. On one line the screening is linear.
    """
    return " ".join(line.strip() for line in query.splitlines() if line.strip())


class ShapesLibrary:
    """The shapes graph (rdflib, for pyshacl) and its SPARQL constraints, loaded once per process.

    The pyshacl ``ShapesGraph`` built from it is kept too, so shapes are parsed once, not per report.
    """

    def __init__(self, paths: Iterable[str] | None = None) -> None:
        import rdflib
        from pyshacl.shapes_graph import ShapesGraph

        self.graph = rdflib.Graph()
        for path in paths or report_shape_files():
            self.graph.parse(str(path), format="turtle")
        sh = rdflib.Namespace(SH)
        for node, select in list(self.graph.subject_objects(sh.select)):
            self.graph.set((node, sh.select, rdflib.Literal(one_line(str(select)))))
        self.prefixes = prefix_declarations(self.graph)
        self.constraints: dict[str, SparqlConstraint] = {}
        for node, select in self.graph.subject_objects(sh.select):
            messages = {
                (m.language or "").lower(): str(m)
                for m in self.graph.objects(node, sh.message)
                if isinstance(m, rdflib.Literal)
            }
            self.constraints[str(node)] = SparqlConstraint(str(node), self.prefixes + str(select), messages)
        self.shapes_graph = ShapesGraph(self.graph, logger=_LOG)
        _ = self.shapes_graph.shapes  # harvest now, once


def prefix_declarations(graph) -> str:  # graph: rdflib.Graph
    """PREFIX lines for every sh:declare of the shapes graph."""
    import rdflib

    sh = rdflib.Namespace(SH)
    lines = {
        f"PREFIX {graph.value(d, sh.prefix)}: <{graph.value(d, sh.namespace)}>\n"
        for d in graph.objects(None, sh.declare)
    }
    return "".join(sorted(lines))


@cache
def shapes_library() -> ShapesLibrary:
    return ShapesLibrary()


# ------------------------------------------------------------------------ data graph --------


def _report_quads(data: str | bytes | ox.Store | Iterable[ox.Quad]) -> list[ox.Quad]:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, bytes):
        return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    if isinstance(data, ox.Store):
        return list(data)
    if hasattr(data, "quads") and hasattr(data, "serialize"):  # an rdflib Graph or Dataset
        text = data.serialize(format="nquads" if hasattr(data, "contexts") else "nt")
        return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    return list(data)


def build_data_store(data: str | bytes | ox.Store | Iterable[ox.Quad]) -> tuple[ox.Store, str]:
    """An in-memory store with the report and the vocabulary it needs; returns (store, report IRI)."""
    quads = _report_quads(data)
    reports = {
        q.subject.value
        for q in quads
        if q.predicate.value == RDF_TYPE and q.object.value == OGI + "AnnualReport"
    }
    if len(reports) != 1:
        raise ValueError(f"expected one ogi:AnnualReport in the data, found {len(reports)}")
    report = next(iter(reports))
    template = next(
        (
            q.object.value.removeprefix(iris.TEMPLATE)
            for q in quads
            if q.subject.value == report and q.predicate.value == OGI + "template"
        ),
        None,
    )
    store = ox.Store()
    store.extend(quads)
    store.extend(vocabulary_subset(template))
    return store, report


# ------------------------------------------------------------------------- validation -------


def validate_report(
    data: str | bytes | ox.Store | Iterable[ox.Quad], *, library: ShapesLibrary | None = None
) -> ReportFindings:
    """Validate one report (its N-Quads, an rdflib graph, a store or quads) and return its findings."""
    store, report = build_data_store(data)
    return validate_store(store, report, library=library)


def validate_store(store: ox.Store, report: str, *, library: ShapesLibrary | None = None) -> ReportFindings:
    """Validate the report ``report`` held in ``store`` together with its vocabulary subset."""
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.validator import Validator

    library = library or shapes_library()
    validator = Validator(
        DataGraph.from_oxigraph_store(store),
        shacl_graph=library.graph,
        options={"allow_warnings": True, "allow_infos": True, "logger": _LOG},
    )
    validator.shacl_graph = library.shapes_graph
    _conforms, results, _text = validator.run()
    findings = _findings_from_results(results, store, library)
    return ReportFindings(
        report=report,
        quality_graph=_quality_graph(store, report),
        findings=tuple(findings),
        label=_report_label(store, report),
        template=_one(store, report, OGI + "template", strip=iris.TEMPLATE),
    )


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


def _findings_from_results(results, store: ox.Store, library: ShapesLibrary) -> list[Finding]:
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
        findings.extend(_sparql_findings(library.constraints[constraint_iri], focus, records, store))
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
    constraint: SparqlConstraint, focus: str, records: list[tuple[object, dict]], store: ox.Store
) -> list[Finding]:
    """Findings of one SPARQL constraint on one focus node, with every projected variable."""
    rows = run_constraint(constraint, store, focus)
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


def run_constraint(constraint: SparqlConstraint, store: ox.Store, focus: str | None) -> list[dict[str, str]]:
    """Run a constraint's SELECT with $this bound (or free when ``focus`` is None); rows as strings."""
    substitutions = {ox.Variable("this"): ox.NamedNode(focus)} if focus else None
    solutions = store.query(constraint.select, use_default_graph_as_union=True, substitutions=substitutions)
    variables = [v.value for v in solutions.variables]
    rows: list[dict[str, str]] = []
    for solution in solutions:
        row: dict[str, str] = {}
        for name in variables:
            term = solution[name]
            if term is not None:
                row[name] = term.value
                if isinstance(term, ox.Literal):
                    row["_type_" + name] = term.datatype.value
        rows.append(row)
    return rows


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
    "SHAPES_NAMESPACE",
    "ShapesLibrary",
    "SparqlConstraint",
    "build_data_store",
    "fill_template",
    "finding_from_row",
    "run_constraint",
    "shapes_library",
    "validate_report",
    "validate_store",
    "vocabulary_subset",
]
