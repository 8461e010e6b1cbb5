"""The seed reports through the converter and the validator (read from ../shared, never copied)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ogikg.converter.emit import emit_report
from ogikg.converter.pipeline import convert_path
from ogikg.validation.findings import FindingKind, Severity
from ogikg.validation.shacl import validate_report
from shared import seed_path


def seed(number: str) -> Path:
    return seed_path(number)


def validated(number: str):
    report = convert_path(seed(number))
    _ids, nquads = emit_report(report, datetime(2024, 1, 1, tzinfo=UTC))
    return validate_report(nquads)


@pytest.mark.parametrize("number", ["002", "004"])
def test_new_form_seeds_conform_without_findings(number: str) -> None:
    findings = validated(number)
    assert findings.conforms
    assert [f.message_en for f in findings.findings] == []


def test_seed_000_prose_contradicts_table() -> None:
    findings = validated("000")
    assert findings.violations == 0
    (finding,) = findings.findings
    assert (finding.rule_id, finding.severity, finding.kind) == ("I9", Severity.WARNING, FindingKind.MISMATCH)
    assert (finding.actual, finding.expected) == (2, 0)
    assert finding.cells[1].endswith("/cell/old.reply.agreed")
    assert "同意公开答复" in finding.message_zh and "同意公开答复数 = 0" in finding.message_zh


def test_seed_001_blank_cells_are_incomplete_not_violations() -> None:
    findings = validated("001")
    assert findings.violations == 0 and findings.warnings == 0
    assert findings.findings, "the blank 专职人员数 leaves 从事人员数 = 2 unverifiable"
    assert all(f.kind is FindingKind.INCOMPLETE and f.severity is Severity.INFO for f in findings.findings)
    assert {f.rule_id for f in findings.findings} == {"O5"}
