"""Structure shapes: a converted report that is malformed in one way gives exactly that finding."""

from __future__ import annotations

from ogikg import iris
from ogikg.validation.findings import FindingKind, ReportFindings, Severity
from ogikg.validation.shacl import validate_report
from report_factory import emit, make_report

OGI = iris.VOCAB


def validate_lines(nquads: str) -> ReportFindings:
    return validate_report(nquads)


def edit(nquads: str, old: str, new: str, *, count: int = 1) -> str:
    """Replace ``old`` by ``new`` in the first ``count`` lines that contain it."""
    lines = nquads.splitlines(keepends=True)
    done = 0
    for index, line in enumerate(lines):
        if old in line and done < count:
            lines[index] = line.replace(old, new)
            done += 1
    assert done == count, f"{old!r} found {done} times"
    return "".join(lines)


def drop(nquads: str, *fragments: str) -> str:
    kept = [line for line in nquads.splitlines(keepends=True) if not all(f in line for f in fragments)]
    assert len(kept) < len(nquads.splitlines()), f"no line with {fragments}"
    return "".join(kept)


def only(findings: ReportFindings):
    assert len(findings.findings) == 1, [f.message_en for f in findings.findings]
    return findings.findings[0]


def test_report_needs_a_year() -> None:
    ids, nquads = emit(make_report("2021"))
    finding = only(validate_lines(drop(nquads, f"<{ids.report}>", f"<{OGI}reportYear>")))
    assert finding.severity is Severity.VIOLATION and finding.kind is FindingKind.STRUCTURE
    assert finding.focus == ids.report
    assert finding.path == OGI + "reportYear"
    assert "报告年度" in finding.message_zh and "report year" in finding.message_en


def test_report_has_one_agency_of_the_right_class() -> None:
    ids, nquads = emit(make_report("old"))
    nquads += f"<{ids.report}> <{OGI}agency> <{ids.agency}-twin> <{ids.graph}> .\n"
    findings = validate_lines(nquads)
    assert {f.path for f in findings.findings} == {OGI + "agency"}
    assert findings.violations >= 1


def test_unit_must_be_the_indicators() -> None:
    ids, nquads = emit(make_report("2021"))
    cell = ids.cell("2021.T3.granted", "NP")
    broken = edit(
        nquads, f"<{cell}> <{OGI}unit> <{iris.UNIT}jian>", f"<{cell}> <{OGI}unit> <{iris.UNIT}tiao>"
    )
    finding = only(validate_lines(broken))
    assert finding.value == cell and finding.cells == (cell,)
    assert "计量单位应为 件，数据中为 条" in finding.message_zh
    assert finding.message_zh.startswith("（一）予以公开[自然人]")


def test_applicant_type_only_where_the_form_has_one() -> None:
    ids, nquads = emit(make_report("2021"))
    t2 = ids.cell("2021.T2.licensing.decisions")
    broken = edit(
        nquads,
        f"<{t2}> <{OGI}applicantType> <{iris.APPLICANT}notApplicable>",
        f"<{t2}> <{OGI}applicantType> <{iris.APPLICANT}naturalPerson>",
    )
    t3 = ids.cell("2021.T3.granted", "C")
    broken = drop(broken, f"<{t3}>", f"<{OGI}applicantType>")
    findings = validate_lines(broken)
    structure = [f for f in findings.findings if f.kind is FindingKind.STRUCTURE]
    assert {f.value for f in structure} == {t2, t3}
    assert all(f.source_constraint.endswith("CellApplicant") for f in structure)
    # the cell that lost its column no longer counts in column C: its row and column become unverifiable
    others = {(f.rule_id, f.kind, f.severity) for f in findings.findings if f not in structure}
    assert others == {
        ("I2", FindingKind.INCOMPLETE, Severity.INFO),
        ("I3", FindingKind.INCOMPLETE, Severity.INFO),
    }


def test_value_or_status() -> None:
    ids, nquads = emit(make_report("2021", overrides={"2021.T3.denied.adminQuery/R": 0}))
    cell = ids.cell("2021.T3.denied.adminQuery", "R")
    both = nquads + f"<{cell}> <{OGI}valueStatus> <{iris.STATUS}blank> <{ids.graph}> .\n"
    finding = only(validate_lines(both))
    assert finding.value == cell and "只能标注“存疑”" in finding.message_zh


def test_indicator_from_the_reports_generation() -> None:
    ids, nquads = emit(make_report("2021"))
    cell = ids.cell("2021.T4.review.upheld")
    broken = edit(
        nquads,
        f"<{cell}> <{OGI}indicator> <{iris.INDICATOR}2021.T4.review.upheld>",
        f"<{cell}> <{OGI}indicator> <{iris.INDICATOR}2019.T4.review.upheld>",
    )
    findings = validate_lines(broken)
    scheme = [f for f in findings.findings if (f.source_constraint or "").endswith("CellScheme")]
    assert len(scheme) == 1 and scheme[0].value == cell
    assert "2019.T4.review.upheld" in scheme[0].message_en


def test_area_code_well_formed() -> None:
    _ids, nquads = emit(make_report("2021"))
    area = iris.area_iri("330800")
    broken = edit(nquads, f'<{area}> <{OGI}adcode> "330800"', f'<{area}> <{OGI}adcode> "33080"')
    findings = validate_lines(broken)
    assert {f.focus for f in findings.findings} == {area}
    assert {f.path for f in findings.findings if f.path} == {OGI + "adcode"}
    assert any("does not end with its code 33080" in f.message_en for f in findings.findings)


def test_observation_has_one_value() -> None:
    ids, nquads = emit(make_report("old"))
    cell = ids.cell("old.complaints")
    doubled = (
        nquads + f'<{cell}> <{OGI}value> "123"^^<http://www.w3.org/2001/XMLSchema#integer> <{ids.graph}> .\n'
    )
    findings = validate_lines(doubled)
    assert {f.value for f in findings.findings} == {cell}
    assert findings.violations >= 1
