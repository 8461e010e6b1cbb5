"""Identity shapes: for each rule a report that satisfies it (no finding) and one that breaks it
(exactly the expected findings, naming the cells and the numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ogikg import iris
from ogikg.converter.model import Cell, ValueStatus
from ogikg.validation.findings import FindingKind, ReportFindings, Severity
from ogikg.validation.shacl import validate_report
from report_factory import BLANK, OMIT, cell_iri, consistent_values, emit, make_report, uncertain


def check(report) -> tuple[iris.ReportIris, ReportFindings]:
    ids, nquads = emit(report)
    return ids, validate_report(nquads)


def pairs(findings: ReportFindings, ids: iris.ReportIris) -> set[tuple[str | None, str, str, str]]:
    """(rule, cell key, kind, severity) of every finding, with cells named by their key."""
    prefix = f"{ids.report}/cell/"
    return {
        (f.rule_id, (f.value or "").removeprefix(prefix), f.kind.value, f.severity.value)
        for f in findings.findings
    }


@pytest.mark.parametrize("generation", ["old", "2019", "2021"])
@pytest.mark.parametrize("seed", [0, 7])
def test_consistent_report_has_no_finding(generation: str, seed: int) -> None:
    _ids, findings = check(make_report(generation, seed=seed))
    assert findings.findings == ()
    assert findings.conforms


def test_i1_balance_broken_in_two_columns() -> None:
    values = consistent_values("2021")
    report = make_report(
        "2021",
        overrides={
            "2021.T3.newReceived/NP": values["2021.T3.newReceived/NP"] + 2,
            "2021.T3.newReceived/T": values["2021.T3.newReceived/T"] + 2,
        },
    )
    ids, findings = check(report)
    assert pairs(findings, ids) == {
        ("I1", "2021.T3.newReceived.NP", "mismatch", "Violation"),
        ("I1", "2021.T3.newReceived.T", "mismatch", "Violation"),
    }
    natural = next(f for f in findings.findings if f.value.endswith(".NP"))
    left = values["2021.T3.newReceived/NP"] + 2 + values["2021.T3.carriedOver/NP"]
    right = values["2021.T3.totalProcessed/NP"] + values["2021.T3.carriedForward/NP"]
    assert (natural.actual, natural.expected, natural.difference) == (left, right, 2)
    assert set(natural.cells) == {
        cell_iri(ids, f"2021.T3.{row}/NP")
        for row in ("newReceived", "carriedOver", "totalProcessed", "carriedForward")
    }
    assert natural.rule == iris.RULE + "I1"
    assert "[自然人]" in natural.message_zh and "相差 2" in natural.message_zh
    assert "Natural persons" in natural.message_en and "difference 2" in natural.message_en


def test_i2_total_column_broken() -> None:
    values = consistent_values("2021")
    ids, findings = check(
        make_report("2021", overrides={"2021.T3.granted/T": values["2021.T3.granted/T"] + 1})
    )
    # the 总计 cell of the row disagrees with its columns, and the 总计 column with its rows
    assert pairs(findings, ids) == {
        ("I2", "2021.T3.granted.T", "mismatch", "Violation"),
        ("I3", "2021.T3.totalProcessed.T", "mismatch", "Violation"),
    }
    row = next(f for f in findings.findings if f.rule_id == "I2")
    assert (row.actual, row.expected, row.difference) == (
        values["2021.T3.granted/T"] + 1,
        values["2021.T3.granted/T"],
        1,
    )
    assert len(row.cells) == 7  # the 总计 cell and the six applicant columns
    assert row.message_zh.startswith("I2 （一）予以公开[总计] = ")
    assert "6 个申请人栏目之和为" in row.message_zh


def test_i3_outcome_total_broken_in_one_column_of_2019_form() -> None:
    values = consistent_values("2019")
    report = make_report(
        "2019",
        overrides={
            "2019.T3.other/NP": values["2019.T3.other/NP"] + 1,
            "2019.T3.other/T": values["2019.T3.other/T"] + 1,
        },
    )
    ids, findings = check(report)
    assert pairs(findings, ids) == {
        ("I3", "2019.T3.totalProcessed.NP", "mismatch", "Violation"),
        ("I3", "2019.T3.totalProcessed.T", "mismatch", "Violation"),
    }
    natural = next(f for f in findings.findings if f.value.endswith(".NP"))
    assert natural.actual == values["2019.T3.totalProcessed/NP"]
    assert natural.expected == values["2019.T3.totalProcessed/NP"] + 1
    assert natural.difference == -1
    assert len(natural.cells) == 1 + 19  # the total and the 19 outcome rows of the 2019 form
    assert cell_iri(ids, "2019.T3.other/NP") in natural.cells
    assert "其 19 个分项之和为" in natural.message_zh and "（相差 1）" in natural.message_zh


def test_i4_review_total_broken() -> None:
    values = consistent_values("2021")
    ids, findings = check(
        make_report("2021", overrides={"2021.T4.review.upheld": values["2021.T4.review.upheld"] + 3})
    )
    assert pairs(findings, ids) == {("I4", "2021.T4.review.total", "mismatch", "Violation")}
    (finding,) = findings.findings
    assert finding.difference == -3
    assert set(finding.cells) == {
        cell_iri(ids, f"2021.T4.review.{col}") for col in ("total", "upheld", "corrected", "other", "pending")
    }
    assert finding.message_en.startswith("I4 Administrative reviews: Total = ")


def _litigation_total(value: int) -> Cell:
    return Cell("2021.T4.litigation.total", None, ValueStatus.REPORTED, value, str(value), None)


def test_i5_printed_lawsuit_total() -> None:
    values = consistent_values("2021")
    right = values["2021.T4.litigationDirect.total"] + values["2021.T4.litigationAfterReview.total"]
    _ids, findings = check(make_report("2021", additional=[_litigation_total(right)]))
    assert findings.findings == ()
    ids, findings = check(make_report("2021", additional=[_litigation_total(right + 4)]))
    assert pairs(findings, ids) == {("I5", "2021.T4.litigation.total", "mismatch", "Violation")}
    assert findings.findings[0].expected == right


def test_i10_datatypes() -> None:
    ids, findings = check(
        make_report(
            "2021",
            overrides={"2021.T2.licensing.decisions": -3, "2021.T2.regulations.issued": Decimal("1.5")},
        )
    )
    assert pairs(findings, ids) == {
        ("I10", "2021.T2.licensing.decisions", "mismatch", "Violation"),
        ("I10", "2021.T2.regulations.issued", "mismatch", "Violation"),
    }
    negative = next(f for f in findings.findings if "licensing" in f.value)
    assert "应为非负整数" in negative.message_zh and "a non-negative integer" in negative.message_en
    # 本年增/减 is a signed integer, the 2019 procurement amount a decimal in 万元
    _ids, findings = check(
        make_report(
            "2019", overrides={"2019.T2.fees.change": -2, "2019.T2.procurement.amount": Decimal("2367.4314")}
        )
    )
    assert findings.findings == ()


OLD_CASES = [
    ("old.request.inPerson", 1, "O1", "old.request.received", "Violation"),
    ("old.request.onTime", 2, "O2", "old.request.completed", "Violation"),
    ("old.reply.notExist", 1, "O3", "old.reply.total", "Violation"),
    ("old.review.upheld", 1, "O4", "old.review.total", "Violation"),
    ("old.litigation.other", 5, "O4", "old.litigation.total", "Violation"),
    ("old.org.staffFullTime", 1, "O5", "old.org.staff", "Violation"),
    ("old.requestType.budget", 1, "O8", "old.requestType.total", "Violation"),
]


@pytest.mark.parametrize(("part", "delta", "rule", "total", "severity"), OLD_CASES)
def test_old_form_sums(part: str, delta: int, rule: str, total: str, severity: str) -> None:
    values = consistent_values("old")
    ids, findings = check(make_report("old", overrides={part: values[part] + delta}))
    assert pairs(findings, ids) == {(rule, total, "mismatch", severity)}
    (finding,) = findings.findings
    assert (finding.actual, finding.expected, finding.difference) == (
        values[total],
        values[total] + delta,
        -delta,
    )
    assert cell_iri(ids, part) in finding.cells and cell_iri(ids, total) in finding.cells


def test_o3_refusals_are_at_least_their_reasons() -> None:
    values = consistent_values("old")
    ids, findings = check(
        make_report("old", overrides={"old.refused.privacy": values["old.refused.privacy"] + 4})
    )
    assert pairs(findings, ids) == {("O3", "old.reply.refused", "mismatch", "Violation")}
    assert "小于其 6 个分项之和" in findings.findings[0].message_zh
    # 其中 may be non-exhaustive: more refusals than the listed reasons is fine
    _ids, findings = check(
        make_report(
            "old",
            overrides={
                "old.reply.refused": values["old.reply.refused"] + 2,
                "old.reply.total": values["old.reply.total"] + 2,
            },
        )
    )
    assert findings.findings == ()


def test_o6_active_total_at_most_the_channels() -> None:
    values = consistent_values("old")
    channels = sum(values[f"old.channel.{c}"] for c in ("gazette", "website", "weibo", "wechat", "other"))
    _ids, findings = check(make_report("old", overrides={"old.active.total": channels - 3}))
    assert findings.findings == ()  # the same item on several channels counts once in the total
    ids, findings = check(make_report("old", overrides={"old.active.total": channels + 5}))
    assert pairs(findings, ids) == {("O6", "old.active.total", "mismatch", "Warning")}
    assert findings.conforms  # a warning is not a violation
    assert findings.findings[0].difference == 5


def test_blank_part_is_incomplete_not_violation() -> None:
    values = consistent_values("2021")
    ids, findings = check(
        make_report(
            "2021",
            overrides={
                "2021.T3.granted/C": BLANK,
                # even with a wrong total, a sum with a blank part cannot be checked
                "2021.T4.review.total": values["2021.T4.review.total"] + 9,
                "2021.T4.review.pending": BLANK,
            },
        )
    )
    assert findings.violations == 0
    assert pairs(findings, ids) == {
        ("I2", "2021.T3.granted.T", "incomplete", "Info"),
        ("I3", "2021.T3.totalProcessed.C", "incomplete", "Info"),
        ("I4", "2021.T4.review.total", "incomplete", "Info"),
    }
    review = next(f for f in findings.findings if f.rule_id == "I4")
    assert review.expected is None and review.difference is None
    assert "4 个分项中有 1 个未填报，无法核对" in review.message_zh
    assert "1 of its 4 parts are not reported" in review.message_en


def test_block_left_entirely_blank_is_not_reported() -> None:
    blank_block = {f"old.review.{c}": BLANK for c in ("total", "upheld", "corrected", "other")}
    _ids, findings = check(make_report("old", overrides=blank_block))
    assert findings.findings == ()


def test_missing_part_is_incomplete() -> None:
    ids, findings = check(make_report("old", overrides={"old.request.fax": OMIT}))
    assert pairs(findings, ids) == {("O1", "old.request.received", "incomplete", "Info")}


def test_uncertain_reading_is_info_not_violation() -> None:
    values = consistent_values("2021")
    ids, findings = check(
        make_report(
            "2021",
            overrides={
                "2021.T4.review.upheld": uncertain(
                    values["2021.T4.review.upheld"] + 10, values["2021.T4.review.upheld"]
                )
            },
        )
    )
    assert findings.violations == 0
    assert pairs(findings, ids) == {("I4", "2021.T4.review.total", "uncertain", "Info")}
    assert findings.findings[0].kind is FindingKind.UNCERTAIN
    assert "涉及存疑读数" in findings.findings[0].message_zh


def test_narrative_figure_against_table() -> None:
    values = consistent_values("old")
    agreed = values["old.reply.agreed"]
    _ids, findings = check(make_report("old", narrative={"narrative.requestsGranted": agreed}))
    assert findings.findings == ()
    ids, findings = check(make_report("old", narrative={"narrative.requestsGranted": agreed + 2}))
    assert len(findings.findings) == 1
    (finding,) = findings.findings
    assert (finding.rule_id, finding.severity, finding.kind) == ("I9", Severity.WARNING, FindingKind.MISMATCH)
    assert finding.value == ids.narrative("narrative.requestsGranted", 1)
    assert finding.cells == (finding.value, cell_iri(ids, "old.reply.agreed"))
    assert (finding.actual, finding.expected, finding.difference) == (agreed + 2, agreed, 2)
    assert f"同意公开答复数 = {agreed} 件" in finding.message_zh


def test_narrative_figures_use_total_column_factor_and_derived_sums() -> None:
    values = consistent_values("2021")
    lawsuits = values["2021.T4.litigationDirect.total"] + values["2021.T4.litigationAfterReview.total"]
    consistent = {
        "narrative.requestsNew": values["2021.T3.newReceived/T"],
        "narrative.administrativeLitigations": lawsuits,
    }
    _ids, findings = check(make_report("2021", narrative=consistent))
    assert findings.findings == ()
    ids, findings = check(
        make_report("2021", narrative={"narrative.administrativeLitigations": lawsuits + 1})
    )
    (finding,) = findings.findings
    assert finding.expected == lawsuits
    assert set(finding.cells) == {
        ids.narrative("narrative.administrativeLitigations", 1),
        cell_iri(ids, "2021.T4.litigationDirect.total"),
        cell_iri(ids, "2021.T4.litigationAfterReview.total"),
    }
    # fees stated in 元 compare with the old form's 万元 (ogi:comparisonFactor)
    _ids, findings = check(
        make_report("old", overrides={"old.fees": Decimal("0.04")}, narrative={"narrative.feesCharged": 400})
    )
    assert findings.findings == ()
