"""Readable summaries of validation: a few lines per report for people, JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ogikg.validation.findings import Finding, Number, ReportFindings, Severity

TOP_FINDINGS = 3


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def verdict(findings: ReportFindings) -> str:
    if findings.violations:
        return "violations"
    if findings.warnings:
        return "warnings"
    return "conforms"


def report_text(findings: ReportFindings, *, top: int = TOP_FINDINGS) -> str:
    """A few lines about one report: its verdict, its counts and its most serious findings."""
    mark = {"violations": "✗", "warnings": "!", "conforms": "✓"}[verdict(findings)]
    name = findings.label or findings.report
    where = findings.source.get("file") or findings.report
    lines = [
        f"{mark} {name}  [{where}]",
        "    "
        + ", ".join(
            (
                _plural(findings.violations, "violation"),
                _plural(findings.warnings, "warning"),
                f"{findings.infos} info",
            )
        ),
    ]
    shown = findings.sorted_findings()[:top]
    for finding in shown:
        lines.append(f"    {finding.severity.value.lower():9} {finding.message_en}")
        lines.append(f"    {'':9} {finding.message_zh}")
    hidden = len(findings.findings) - len(shown)
    if hidden > 0:
        lines.append(f"    … and {hidden} more in the quality graph")
    return "\n".join(lines)


@dataclass
class Totals:
    """Counts over every report validated."""

    reports: int = 0
    conforming: int = 0
    with_violations: int = 0
    with_warnings: int = 0
    unchanged: int = 0  # report files unchanged since the last run: their shapes' findings reused
    findings: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Severity})
    by_rule: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, findings: ReportFindings) -> None:
        self.reports += 1
        self.conforming += findings.conforms
        self.with_violations += findings.violations > 0
        self.with_warnings += findings.violations == 0 and findings.warnings > 0
        self.unchanged += findings.reused
        for finding in findings.findings:
            self.findings[finding.severity.value] += 1
            if finding.severity is not Severity.INFO:
                key = finding.rule_id or finding.source_shape.rsplit("/", 1)[-1]
                self.by_rule[key] = self.by_rule.get(key, 0) + 1

    @property
    def any_violation(self) -> bool:
        return self.with_violations > 0

    def line(self) -> str:
        rate = (
            f" in {self.seconds:.1f} s ({self.reports / self.seconds:.1f} reports/s)" if self.seconds else ""
        )
        unchanged = f" ({self.unchanged} unchanged since the last run)" if self.unchanged else ""
        return (
            f"{_plural(self.reports, 'report')} validated{unchanged}{rate}: {self.conforming} conform "
            f"({self.with_warnings} of them with warnings), {self.with_violations} with violations; "
            f"{_plural(self.findings['Violation'], 'violation')}, "
            f"{_plural(self.findings['Warning'], 'warning')}, {self.findings['Info']} info"
        )

    def as_dict(self) -> dict:
        return {
            "reports": self.reports,
            "conforming": self.conforming,
            "with_violations": self.with_violations,
            "with_warnings_only": self.with_warnings,
            "unchanged": self.unchanged,
            "findings": dict(self.findings),
            "by_rule": dict(sorted(self.by_rule.items())),
            "seconds": round(self.seconds, 3),
            "reports_per_second": round(self.reports / self.seconds, 2) if self.seconds else None,
        }


def _json_number(value: Number | None) -> int | float | str | None:
    if value is None or isinstance(value, int):
        return value
    return float(value) if isinstance(value, Decimal) and value == value.normalize() else str(value)


def finding_dict(finding: Finding) -> dict:
    return {
        "severity": finding.severity.value,
        "kind": finding.kind.value,
        "rule": finding.rule_id,
        "rule_iri": finding.rule,
        "shape": finding.source_shape,
        "value": finding.value,
        "cells": list(finding.cells),
        "actual": _json_number(finding.actual),
        "expected": _json_number(finding.expected),
        "difference": _json_number(finding.difference),
        "message_zh": finding.message_zh,
        "message_en": finding.message_en,
    }


def report_dict(findings: ReportFindings) -> dict:
    return {
        "report": findings.report,
        "label": findings.label,
        "template": findings.template,
        "source": findings.source,
        "quality_graph": findings.quality_graph,
        "verdict": verdict(findings),
        "conforms": findings.conforms,
        "violations": findings.violations,
        "warnings": findings.warnings,
        "infos": findings.infos,
        "findings": [finding_dict(f) for f in findings.sorted_findings()],
    }


def report_json(findings: ReportFindings) -> str:
    return json.dumps(report_dict(findings), ensure_ascii=False)


def summary_json(reports: Iterable[ReportFindings], *, seconds: float = 0.0) -> str:
    """One JSON document: every report with its findings, and the totals."""
    totals = Totals(seconds=seconds)
    items = []
    for findings in reports:
        items.append(report_dict(findings))
        totals.add(findings)
    return json.dumps({"reports": items, "totals": totals.as_dict()}, ensure_ascii=False, indent=1)
