"""The stores a process reuses for validation: nothing of one report is left for the next."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ogikg import iris
from ogikg.validation.shacl import validate_report
from ogikg.validation.workbench import RECYCLE_AFTER, VOCABULARY_GRAPH, loaded
from report_factory import consistent_values, emit, make_report

OGI = iris.VOCAB


def _broken() -> str:
    values = consistent_values("2021")
    return emit(make_report("2021", overrides={"2021.T4.review.total": values["2021.T4.review.total"] + 1}))[
        1
    ]


def _rules(nquads: str | bytes | list[ox.Quad]) -> list[tuple[str | None, str | None]]:
    return sorted((f.rule_id, f.value) for f in validate_report(nquads).findings)


def test_a_clean_report_after_a_broken_one_has_no_finding() -> None:
    broken = _broken()
    clean = emit(make_report("2021", agency_name="衢州市财政局", agency_body="财政局"))[1]
    assert [rule for rule, _ in _rules(broken)] == ["I4"]
    assert validate_report(clean).findings == ()
    assert [rule for rule, _ in _rules(broken)] == ["I4"]


def test_only_the_vocabulary_stays_between_reports() -> None:
    nquads = _broken()
    with loaded(nquads) as (bench, report):
        assert report.endswith("/2022")
        assert len(bench.store) > len(list(bench.store.quads_for_pattern(None, None, None, VOCABULARY_GRAPH)))
    assert set(bench.store.named_graphs()) == {VOCABULARY_GRAPH}
    assert not list(bench.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_a_bench_starts_over_on_a_new_store_and_finds_the_same() -> None:
    nquads = _broken()
    with loaded(nquads) as (bench, _report):
        first_store = bench.store
    vocabulary = sorted(map(str, first_store))
    expected = sorted(map(repr, validate_report(nquads).findings))
    assert [rule for rule, _ in _rules(nquads)] == ["I4"]  # the planted error, found on the first store
    stores = set()
    for _ in range(RECYCLE_AFTER + 1):
        assert sorted(map(repr, validate_report(nquads).findings)) == expected
        stores.add(id(bench.store))
    assert bench.store is not first_store and len(stores) > 1
    assert sorted(map(str, bench.store)) == vocabulary  # the new store holds the vocabulary only
    assert set(bench.store.named_graphs()) == {VOCABULARY_GRAPH}


def test_text_bytes_and_quads_give_the_same_findings() -> None:
    nquads = _broken()
    quads = list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    assert _rules(nquads) == _rules(nquads.encode("utf-8")) == _rules(quads)


def test_a_report_of_two_generations_is_read_by_the_first_one_stated() -> None:
    ids, nquads = emit(make_report("old"))
    second = f"<{ids.report}> <{OGI}template> <{iris.TEMPLATE}2021> <{ids.graph}> .\n"

    def unit_findings(text: str) -> int:
        findings = validate_report(text).findings
        quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        assert sorted(map(repr, findings)) == sorted(map(repr, validate_report(quads).findings))
        return sum(1 for f in findings if (f.source_constraint or "").endswith("CellUnit"))

    # read as an old-form report, its cells have the units of their (old) indicators; read as a
    # 2021-form report, the old indicators are not in its vocabulary and prescribe no unit
    assert unit_findings(nquads + second) == 0
    assert unit_findings(second + nquads) == len(consistent_values("old"))


def test_data_without_a_report_is_refused_and_leaves_nothing_behind() -> None:
    nquads = _broken()
    without = "".join(line for line in nquads.splitlines(keepends=True) if "AnnualReport" not in line)
    with pytest.raises(ValueError, match="expected one ogi:AnnualReport"):
        validate_report(without)
    assert [rule for rule, _ in _rules(nquads)] == ["I4"]


def test_pyshacl_still_refuses_a_constraint_with_minus() -> None:
    """The screening pyshacl does before every run is kept per query text, not dropped."""
    import rdflib
    from pyshacl import validate

    from ogikg.validation.library import shapes_library

    shapes_library()  # keeps pyshacl's screening per process
    shapes = """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [
            sh:select "SELECT $this WHERE { $this ex:p ?o MINUS { $this ex:q ?o } }" ] .
    """
    graph = rdflib.Graph().parse(data=shapes, format="turtle")
    data = rdflib.Graph().parse(data="<http://example.org/a> a <http://example.org/C> .", format="turtle")
    for _ in range(2):  # the second time the verdict comes from what was kept
        _conforms, _results, text = validate(data, shacl_graph=graph)
        assert "must not contain a MINUS clause" in text
