"""Checks across reports of one agency (I6, I7, I8, I11), run as SPARQL over a pyoxigraph store."""

from __future__ import annotations

import pyoxigraph as ox

from ogikg.validation.crossyear import OxigraphSelect, cross_report_findings, findings_for_quads
from ogikg.validation.findings import FindingKind, Severity
from report_factory import cell_iri, cell_values, emit, make_following_report, make_report


def quads(report) -> list[ox.Quad]:
    return list(ox.parse(emit(report)[1].encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def test_consistent_consecutive_years_have_no_finding() -> None:
    for generation in ("2019", "2021"):
        first = make_report(generation, year=2020)
        second = make_following_report(first)
        third = make_following_report(second, seed=2)
        assert findings_for_quads([quads(first), quads(second), quads(third)]) == {}


def test_carry_over_mismatch_is_a_warning_in_the_later_report() -> None:
    first = make_report("2021", year=2021)
    forward = cell_values(first)["2021.T3.carriedForward/NP"]
    second = make_following_report(first, values={"2021.T3.carriedOver/NP": forward + 3})
    found = findings_for_quads([quads(first), quads(second)])
    first_ids, second_ids = emit(first)[0], emit(second)[0]
    assert set(found) == {second_ids.report}
    by_cell = {f.value: f for f in found[second_ids.report]}
    # the 自然人 column and the 总计 column (which includes it) no longer carry over
    assert set(by_cell) == {
        cell_iri(second_ids, "2021.T3.carriedOver/NP"),
        cell_iri(second_ids, "2021.T3.carriedOver/T"),
    }
    natural = by_cell[cell_iri(second_ids, "2021.T3.carriedOver/NP")]
    assert (natural.rule_id, natural.severity, natural.kind) == ("I6", Severity.WARNING, FindingKind.MISMATCH)
    assert (natural.actual, natural.expected, natural.difference) == (forward + 3, forward, 3)
    assert natural.cells == (
        cell_iri(first_ids, "2021.T3.carriedForward/NP"),
        cell_iri(second_ids, "2021.T3.carriedOver/NP"),
    )
    assert natural.focus == second_ids.report
    assert "[自然人]：2022 年报告上年结转" in natural.message_zh and "（相差 3）" in natural.message_zh
    assert "the 2021 report carried forward" in natural.message_en


def test_carry_over_across_the_change_of_form() -> None:
    first = make_report("2019", year=2020)
    forward = cell_values(first)
    carried = {
        key.replace("2019.T3.carriedForward", "2021.T3.carriedOver"): value
        for key, value in forward.items()
        if key.startswith("2019.T3.carriedForward/") and not key.endswith("/T")
    }
    second = make_report("2021", year=2021, values=carried)
    assert findings_for_quads([quads(first), quads(second)]) == {}
    carried["2021.T3.carriedOver/O"] += 1
    second = make_report("2021", year=2021, values=carried)
    found = findings_for_quads([quads(first), quads(second)])
    rules = {(f.rule_id, f.value.rsplit("/", 1)[-1]) for f in next(iter(found.values()))}
    assert rules == {("I6", "2021.T3.carriedOver.O"), ("I6", "2021.T3.carriedOver.T")}


def test_other_agency_or_gap_year_is_not_compared() -> None:
    first = make_report("2021", year=2021)
    other_agency = make_report("2021", year=2022, agency_name="衢州市财政局", agency_body="财政局", seed=4)
    gap = make_report("2021", year=2023, seed=5)
    assert findings_for_quads([quads(first), quads(other_agency), quads(gap)]) == {}


def test_documents_in_force_across_years() -> None:
    first = make_report("2021", year=2021)
    second = make_following_report(first)
    in_force = cell_values(second)["2021.T2.regulations.inForce"]
    broken = make_following_report(first, values={"2021.T2.regulations.inForce": in_force + 2})
    found = findings_for_quads([quads(first), quads(broken)])
    (finding,) = next(iter(found.values()))
    ids = emit(broken)[0]
    assert finding.rule_id == "I7" and finding.value == cell_iri(ids, "2021.T2.regulations.inForce")
    assert (finding.actual, finding.expected) == (in_force + 2, in_force)
    assert cell_iri(ids, "2021.T2.regulations.issued") in finding.cells
    assert cell_iri(ids, "2021.T2.regulations.repealed") in finding.cells
    assert cell_iri(emit(first)[0], "2021.T2.regulations.inForce") in finding.cells


def test_item_counts_across_years_on_the_2019_form() -> None:
    first = make_report(
        "2019", year=2019, overrides={"2019.T2.fees.change": -2, "2019.T2.fees.previousYearItems": 10}
    )
    second = make_following_report(first)
    assert cell_values(second)["2019.T2.fees.previousYearItems"] == 8
    assert findings_for_quads([quads(first), quads(second)]) == {}
    broken = make_following_report(first, values={"2019.T2.fees.previousYearItems": 10})
    (finding,) = next(iter(findings_for_quads([quads(first), quads(broken)]).values()))
    assert (finding.rule_id, finding.actual, finding.expected, finding.difference) == ("I8", 10, 8, 2)
    assert "本年增/减 -2" in finding.message_zh


def _renamed(report_quads: list[ox.Quad], old: str, new: str) -> list[ox.Quad]:
    """The same graph with every IRI starting with ``old`` moved under ``new``."""

    def move(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(old):
            return ox.NamedNode(new + term.value[len(old) :])
        return term

    return [ox.Quad(move(q.subject), q.predicate, move(q.object), move(q.graph_name)) for q in report_quads]


def test_form_bridge_same_year_both_forms() -> None:
    old_form = make_report("2019", year=2021)
    before = cell_values(old_form)
    other = before["2019.T3.other/NP"]
    parts = {}
    for column in ("NP", "C", "R", "S", "L", "O"):
        parts[f"2021.T3.other.overdueCorrection/{column}"] = before[f"2019.T3.other/{column}"]
        parts[f"2021.T3.other.overdueFee/{column}"] = 0
        parts[f"2021.T3.other.otherReasons/{column}"] = 0
    new_form = make_report("2021", year=2021, values=parts)
    ids = emit(new_form)[0]
    # both reports of one agency-year would share an IRI, so the 2021 one is moved aside
    moved = _renamed(quads(new_form), ids.report, ids.report + "-2021form")
    moved = _renamed(moved, ids.graph, ids.graph + "-2021form")
    assert findings_for_quads([quads(old_form), moved]) == {}
    parts["2021.T3.other.otherReasons/NP"] = 2
    moved = _renamed(
        quads(make_report("2021", year=2021, values=parts)), ids.report, ids.report + "-2021form"
    )
    moved = _renamed(moved, ids.graph, ids.graph + "-2021form")
    found = findings_for_quads([quads(old_form), moved])
    assert set(found) == {ids.report + "-2021form"}
    assert {f.value.rsplit("/", 1)[-1] for f in found[ids.report + "-2021form"]} == {
        "2019.T3.other.NP",
        "2019.T3.other.T",
    }
    natural = [f for f in found[ids.report + "-2021form"] if f.value.endswith("2019.T3.other.NP")]
    assert (natural[0].rule_id, natural[0].actual, natural[0].expected) == ("I11", other, other + 2)
    assert len(natural[0].cells) == 4


def test_select_adapter_reads_named_graphs() -> None:
    store = ox.Store()
    for report in (make_report("2021", year=2021), make_report("2021", year=2022, seed=3)):
        store.extend(quads(report))
    found = cross_report_findings(OxigraphSelect(store))
    assert found and all(f.severity is Severity.WARNING for fs in found.values() for f in fs)
