"""The quality graph: SHACL results with rule, cells and numbers, answerable by SPARQL."""

from __future__ import annotations

import pyoxigraph as ox

from ogikg import iris
from ogikg.validation.quality import VIOLATIONS_QUERY, quality_nquads, quality_ntriples, result_iri
from ogikg.validation.shacl import validate_report
from report_factory import cell_iri, consistent_values, emit, make_report

SH = "http://www.w3.org/ns/shacl#"
OGI = iris.VOCAB


def _broken_report():
    values = consistent_values("2021")
    return make_report(
        "2021",
        overrides={
            "2021.T4.review.upheld": values["2021.T4.review.upheld"] + 1,
            "2021.T3.granted/C": 0 if values["2021.T3.granted/C"] else 1,
        },
        narrative={"narrative.requestsNew": values["2021.T3.newReceived/T"] + 5},
    )


def _store_with(report) -> tuple[iris.ReportIris, ox.Store, str]:
    ids, nquads = emit(report)
    findings = validate_report(nquads)
    quality = quality_nquads(findings)
    store = ox.Store()
    store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    store.load(quality.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return ids, store, quality


def test_quality_graph_layout() -> None:
    ids, store, quality = _store_with(_broken_report())
    graph = ox.NamedNode(ids.quality_graph)
    validation = ox.NamedNode(ids.report + "/validation")
    assert ox.Quad(validation, ox.NamedNode(OGI + "validates"), ox.NamedNode(ids.report), graph) in store
    assert ox.Quad(ox.NamedNode(ids.report), ox.NamedNode(OGI + "qualityReport"), validation, graph) in store
    conforms = list(store.quads_for_pattern(validation, ox.NamedNode(SH + "conforms"), None, graph))
    assert [q.object.value for q in conforms] == ["false"]
    counts = {
        name: int(
            next(store.quads_for_pattern(validation, ox.NamedNode(OGI + name), None, graph)).object.value
        )
        for name in ("violationCount", "warningCount", "infoCount")
    }
    assert counts == {"violationCount": 3, "warningCount": 1, "infoCount": 0}  # I4, I2, I3 + I9
    review = ox.NamedNode(cell_iri(ids, "2021.T4.review.total"))
    (result,) = [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(SH + "value"), review, graph)]
    props = {}
    for quad in store.quads_for_pattern(result, None, None, graph):
        props.setdefault(quad.predicate.value, []).append(quad.object)
    assert [o.value for o in props[SH + "resultSeverity"]] == [SH + "Violation"]
    assert [o.value for o in props[OGI + "rule"]] == [iris.RULE + "I4"]
    assert [o.value for o in props[OGI + "findingKind"]] == [iris.VOCAB + "finding/mismatch"]
    assert len(props[OGI + "involvesCell"]) == 5
    assert {(o.value, o.datatype.value) for o in props[OGI + "difference"]} == {
        ("-1", "http://www.w3.org/2001/XMLSchema#integer")
    }
    languages = {o.language for o in props[SH + "resultMessage"]}
    assert languages == {"zh-hans", "en"}
    assert [o.value for o in props[SH + "focusNode"]] == [ids.report]
    assert [o.value for o in props[SH + "sourceShape"]] == [iris.VOCAB + "shape/Identities"]
    # every quad is in the quality graph
    assert all(line.endswith(f"<{ids.quality_graph}> .") for line in quality.splitlines())
    assert len(quality_ntriples(validate_report(emit(_broken_report())[1])).splitlines()) == len(
        quality.splitlines()
    )


def test_result_iris_are_stable() -> None:
    report = _broken_report()
    first = validate_report(emit(report)[1])
    second = validate_report(emit(report)[1])
    assert [result_iri(first.report, f) for f in first.sorted_findings()] == [
        result_iri(second.report, f) for f in second.sorted_findings()
    ]


def test_one_query_lists_reports_with_violations_rules_and_cells() -> None:
    ids, store, _ = _store_with(_broken_report())
    clean_ids, clean_nquads = emit(make_report("old", seed=3))
    store.load(clean_nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    store.load(quality_nquads(validate_report(clean_nquads)).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    rows = list(store.query(VIOLATIONS_QUERY))
    assert {row["report"].value for row in rows} == {ids.report}
    by_rule = {row["rule"].value.rsplit("/", 1)[-1]: row for row in rows}
    assert set(by_rule) == {"I2", "I3", "I4"}
    cells = set(by_rule["I4"]["cells"].value.split())
    assert cell_iri(ids, "2021.T4.review.upheld") in cells and cell_iri(ids, "2021.T4.review.total") in cells
    assert by_rule["I4"]["title"].value.endswith("政府信息公开工作年度报告")
    assert clean_ids.report not in {row["report"].value for row in rows}
