"""What validation finds: one value per finding, one per report, independent of any RDF library.

A finding is one SHACL validation result enriched with what a reader needs to act on it: the rule
broken, the cells involved, and the numbers that disagree. The quality graph (``quality``), the
summaries (``summary``) and the command read these values only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

SH = "http://www.w3.org/ns/shacl#"


class Severity(enum.StrEnum):
    """SHACL severities, most serious first; the value is the local name in the sh: namespace."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def iri(self) -> str:
        return SH + self.value

    @classmethod
    def from_iri(cls, iri: str) -> Severity:
        return cls(iri.removeprefix(SH))

    @property
    def rank(self) -> int:
        return {"Violation": 0, "Warning": 1, "Info": 2}[self.value]


class FindingKind(enum.StrEnum):
    """Why a finding was raised; the value is the local name in the finding-kind scheme."""

    MISMATCH = "mismatch"  # figures that should agree do not
    INCOMPLETE = "incomplete"  # a term of a rule is blank or missing: the rule cannot be checked
    UNCERTAIN = "uncertain"  # figures disagree, but an uncertain reading is involved
    STRUCTURE = "structure"  # the graph does not have the shape of a converted report


Number = int | Decimal


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of validating a report."""

    severity: Severity
    kind: FindingKind
    source_shape: str  # IRI of the shape (or cross-report check) that raised it
    focus: str  # IRI of the node the shape was checking (the report for most checks)
    message_zh: str
    message_en: str
    rule: str | None = None  # IRI of the arithmetic rule (rules.ttl)
    value: str | None = None  # IRI of the cell (or node) the finding is about
    cells: tuple[str, ...] = ()  # IRIs of every cell involved
    actual: Number | None = None  # the figure as printed (left side)
    expected: Number | None = None  # what the rule makes of the other figures (right side)
    source_constraint: str | None = None
    constraint_component: str | None = None
    path: str | None = None

    @property
    def difference(self) -> Number | None:
        if self.actual is None or self.expected is None:
            return None
        return self.actual - self.expected

    @property
    def rule_id(self) -> str | None:
        return self.rule.rsplit("/", 1)[-1] if self.rule else None


def finding_to_json(finding: Finding) -> dict:
    """A finding as plain JSON values (integers stay numbers, decimals become strings)."""

    def number(value: Number | None) -> int | str | None:
        return str(value) if isinstance(value, Decimal) else value

    return {
        "severity": finding.severity.value,
        "kind": finding.kind.value,
        "source_shape": finding.source_shape,
        "focus": finding.focus,
        "message_zh": finding.message_zh,
        "message_en": finding.message_en,
        "rule": finding.rule,
        "value": finding.value,
        "cells": list(finding.cells),
        "actual": number(finding.actual),
        "expected": number(finding.expected),
        "source_constraint": finding.source_constraint,
        "constraint_component": finding.constraint_component,
        "path": finding.path,
    }


def finding_from_json(data: dict) -> Finding:
    """The finding ``finding_to_json`` wrote."""

    def number(value: int | str | None) -> Number | None:
        return Decimal(value) if isinstance(value, str) else value

    return Finding(
        Severity(data["severity"]),
        FindingKind(data["kind"]),
        data["source_shape"],
        data["focus"],
        data["message_zh"],
        data["message_en"],
        data["rule"],
        data["value"],
        tuple(data["cells"]),
        number(data["actual"]),
        number(data["expected"]),
        data["source_constraint"],
        data["constraint_component"],
        data["path"],
    )


@dataclass(frozen=True, slots=True)
class ReportFindings:
    """Everything validation found in one report."""

    report: str  # IRI of the report
    quality_graph: str  # IRI of the named graph its findings are written to
    findings: tuple[Finding, ...] = ()
    label: str | None = None  # title or agency + year, for people
    template: str | None = None  # form generation: old, 2019, 2021, narrative
    source: dict[str, str] = field(default_factory=dict)  # e.g. {"file": …} from the manifest
    reused: bool = False  # the shapes' findings were taken from the last run's ledger

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def violations(self) -> int:
        return self.count(Severity.VIOLATION)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def infos(self) -> int:
        return self.count(Severity.INFO)

    @property
    def conforms(self) -> bool:
        """No violation (warnings and information do not make a report non-conforming)."""
        return self.violations == 0

    def with_findings(self, extra: tuple[Finding, ...]) -> ReportFindings:
        return ReportFindings(
            self.report, self.quality_graph, self.findings + extra, self.label, self.template, self.source
        )

    def sorted_findings(self) -> list[Finding]:
        """Most serious first; within a severity, by rule and cell, so output is stable."""
        return sorted(
            self.findings,
            key=lambda f: (
                f.severity.rank,
                f.kind != FindingKind.MISMATCH,
                f.rule_id or "~",
                f.value or "",
                f.message_en,
            ),
        )
