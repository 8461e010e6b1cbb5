"""Findings → the quality named graph of a report, as N-Quads.

Layout (one graph per report, named by the report's ogi:qualityGraph)::

    <report>/validation a sh:ValidationReport ;
        ogi:validates <report> ; sh:conforms false ;
        ogi:violationCount 1 ; ogi:warningCount 0 ; ogi:infoCount 2 ;
        prov:generatedAtTime "…"^^xsd:dateTime ; ogi:validatorVersion "…" ;
        sh:result <report>/validation/result/<digest> , … .
    <report> ogi:qualityReport <report>/validation .
    <report>/validation/result/<digest> a sh:ValidationResult ;
        sh:focusNode <report> ; sh:value <cell> ; sh:resultSeverity sh:Violation ;
        sh:sourceShape shape:Identities ; sh:sourceConstraint shape:SumOfParts ;
        sh:sourceConstraintComponent sh:SPARQLConstraintComponent ;
        sh:resultMessage "…"@zh-Hans , "…"@en ;
        ogi:rule rule:I3 ; ogi:findingKind finding:mismatch ;
        ogi:involvesCell <cell> , … ;
        ogi:actualValue 21 ; ogi:expectedValue 20 ; ogi:difference 1 .

Result IRIs are digests of what the result says, so validating again yields the same IRIs.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

from ogikg import __version__, iris
from ogikg.validation.findings import SH, Finding, Number, ReportFindings

XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
OGI = iris.VOCAB
FINDING_KIND = iris.VOCAB + "finding/"

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _literal(text: str, *, datatype: str | None = None, lang: str | None = None) -> str:
    escaped = text.translate(_ESCAPES)
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def _number(value: Number) -> str:
    if isinstance(value, int):
        return _literal(str(value), datatype=XSD + "integer")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _literal(text if "." in text else text + ".0", datatype=XSD + "decimal")


def validation_report_iri(report: str) -> str:
    return f"{report}/validation"


def result_iri(report: str, finding: Finding) -> str:
    key = "|".join(
        str(part)
        for part in (
            finding.source_shape,
            finding.source_constraint,
            finding.focus,
            finding.value,
            finding.kind.value,
            finding.rule,
            finding.message_en,
        )
    )
    return f"{validation_report_iri(report)}/result/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def quality_nquads(findings: ReportFindings, *, generated_at: datetime | None = None) -> str:
    """The quality graph of one report as N-Quads text (in the graph named ogi:qualityGraph)."""
    return _quality_lines(findings, generated_at, named=True)


def quality_ntriples(findings: ReportFindings, *, generated_at: datetime | None = None) -> str:
    """The same triples as N-Triples, for a store that replaces the quality graph by name."""
    return _quality_lines(findings, generated_at, named=False)


def _quality_lines(findings: ReportFindings, generated_at: datetime | None, *, named: bool) -> str:
    graph = findings.quality_graph
    suffix = f" <{graph}> .\n" if named else " .\n"
    lines: list[str] = []

    def iri(subject: str, predicate: str, obj: str) -> None:
        lines.append(f"<{subject}> <{predicate}> <{obj}>{suffix}")

    def literal(subject: str, predicate: str, obj: str) -> None:
        lines.append(f"<{subject}> <{predicate}> {obj}{suffix}")

    report = findings.report
    validation = validation_report_iri(report)
    moment = (generated_at or datetime.now(UTC)).replace(microsecond=0)
    iri(graph, iris.RDF_TYPE, OGI + "QualityGraph")
    iri(validation, iris.RDF_TYPE, SH + "ValidationReport")
    iri(validation, OGI + "validates", report)
    iri(report, OGI + "qualityReport", validation)
    literal(
        validation,
        SH + "conforms",
        _literal("true" if findings.conforms else "false", datatype=XSD + "boolean"),
    )
    literal(
        validation,
        OGI + "violationCount",
        _literal(str(findings.violations), datatype=XSD + "nonNegativeInteger"),
    )
    literal(
        validation,
        OGI + "warningCount",
        _literal(str(findings.warnings), datatype=XSD + "nonNegativeInteger"),
    )
    literal(validation, OGI + "infoCount", _literal(str(findings.infos), datatype=XSD + "nonNegativeInteger"))
    literal(validation, PROV + "generatedAtTime", _literal(moment.isoformat(), datatype=XSD + "dateTime"))
    literal(validation, OGI + "validatorVersion", _literal(__version__))
    for finding in findings.sorted_findings():
        result = result_iri(report, finding)
        iri(validation, SH + "result", result)
        iri(result, iris.RDF_TYPE, SH + "ValidationResult")
        iri(result, SH + "focusNode", finding.focus)
        if finding.value:
            # a core constraint's value may be a literal (a malformed area code): not an IRI
            if finding.value.startswith(("http://", "https://", "urn:")):
                iri(result, SH + "value", finding.value)
            else:
                literal(result, SH + "value", _literal(finding.value))
        iri(result, SH + "resultSeverity", finding.severity.iri)
        if finding.source_shape:
            iri(result, SH + "sourceShape", finding.source_shape)
        if finding.source_constraint:
            iri(result, SH + "sourceConstraint", finding.source_constraint)
        if finding.constraint_component:
            iri(result, SH + "sourceConstraintComponent", finding.constraint_component)
        if finding.path:
            iri(result, SH + "resultPath", finding.path)
        literal(result, SH + "resultMessage", _literal(finding.message_zh, lang="zh-Hans"))
        literal(result, SH + "resultMessage", _literal(finding.message_en, lang="en"))
        if finding.rule:
            iri(result, OGI + "rule", finding.rule)
        iri(result, OGI + "findingKind", FINDING_KIND + finding.kind.value)
        for cell in finding.cells:
            iri(result, OGI + "involvesCell", cell)
        if finding.actual is not None:
            literal(result, OGI + "actualValue", _number(finding.actual))
        if finding.expected is not None:
            literal(result, OGI + "expectedValue", _number(finding.expected))
        difference = finding.difference
        if difference is not None:
            literal(
                result,
                OGI + "difference",
                _number(difference if isinstance(difference, int) else Decimal(difference)),
            )
    return "".join(lines)


# The query that answers "which reports have a violation, which rule, which cells" against a store
# holding report and quality graphs (the closing example of the validation documentation).
VIOLATIONS_QUERY = """PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX ogi: <https://w3id.org/ogikg/def/>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?report ?title ?rule ?message (GROUP_CONCAT(DISTINCT STR(?cell); separator=" ") AS ?cells)
WHERE {
  GRAPH ?quality {
    ?validation ogi:validates ?report ; sh:result ?result .
    ?result sh:resultSeverity sh:Violation ; sh:resultMessage ?message .
    FILTER(langMatches(lang(?message), "en"))
    OPTIONAL { ?result ogi:rule ?rule }
    OPTIONAL { ?result ogi:involvesCell ?cell }
  }
  OPTIONAL { GRAPH ?data { ?report dct:title ?title } }
}
GROUP BY ?report ?title ?rule ?message
ORDER BY ?report ?rule ?message
"""
