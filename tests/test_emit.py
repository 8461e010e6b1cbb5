"""The RDF a report becomes: named graph, Data Cube observations, blank cells, provenance, IRIs."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pyoxigraph as ox

from ogikg import iris
from ogikg.converter.emit import emit_report
from report_factory import BLANK, NOT_APPLICABLE, emit, make_report, uncertain

OGI = iris.VOCAB
QB = "http://purl.org/linked-data/cube#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _store(nquads: str) -> ox.Store:
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def _one(store: ox.Store, query: str):
    rows = list(store.query(query))
    assert len(rows) == 1, rows
    return rows[0]


def test_report_agency_and_area_each_have_their_graph_and_values_are_typed():
    report = make_report("2021", overrides={"2021.T2.fees.amount": Decimal("18651.06")})
    ids, nquads = emit(report)
    store = _store(nquads)
    graphs = {q.graph_name.value for q in store}
    area_graph = iris.area_graph("330800")
    assert graphs == {ids.graph, ids.agency_graph, area_graph}
    assert ids.agency_graph == ids.agency.replace("/id/agency/", "/graph/agency/")
    assert area_graph == iris.data_base() + "graph/area/330800"
    row = _one(
        store,
        f"""SELECT ?v WHERE {{ GRAPH ?g {{ ?c <{OGI}indicator> <{iris.INDICATOR}2021.T2.fees.amount> ;
                                             <{OGI}value> ?v }} }}""",
    )
    assert row["v"] == ox.Literal(
        "18651.06", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    )
    year = _one(store, f"SELECT ?y WHERE {{ GRAPH ?g {{ <{ids.report}> <{OGI}reportYear> ?y }} }}")["y"]
    assert year == ox.Literal("2022", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))


def test_blank_and_not_applicable_cells_are_form_cells_without_a_value():
    report = make_report("2021", overrides={"2021.T3.granted/C": BLANK, "2021.T3.granted/R": NOT_APPLICABLE})
    ids, nquads = emit(report)
    store = _store(nquads)
    for applicant, status in (("C", "blank"), ("R", "notApplicable")):
        cell = ox.NamedNode(ids.cell("2021.T3.granted", applicant))
        types = {
            q.object.value
            for q in store.quads_for_pattern(
                cell, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None
            )
        }
        assert types == {OGI + "FormCell"}  # not a qb:Observation: it has no measure
        assert not list(store.quads_for_pattern(cell, ox.NamedNode(OGI + "value"), None))
        statuses = [
            q.object.value for q in store.quads_for_pattern(cell, ox.NamedNode(OGI + "valueStatus"), None)
        ]
        assert statuses == [iris.STATUS + status]
    reported = ox.NamedNode(ids.cell("2021.T3.granted", "NP"))
    assert not list(store.quads_for_pattern(reported, ox.NamedNode(OGI + "valueStatus"), None))
    assert list(store.quads_for_pattern(reported, ox.NamedNode(QB + "dataSet"), ox.NamedNode(ids.dataset)))


def test_uncertain_cell_keeps_best_reading_and_alternatives():
    report = make_report("2021", overrides={"2021.T2.normativeDocuments.inForce": uncertain(3440, 440, 40)})
    ids, nquads = emit(report)
    store = _store(nquads)
    cell = ids.cell("2021.T2.normativeDocuments.inForce")
    values = sorted(
        int(r["v"].value)
        for r in store.query(f"SELECT ?v WHERE {{ GRAPH ?g {{ <{cell}> <{OGI}alternativeValue> ?v }} }}")
    )
    assert values == [40, 440]
    assert _one(store, f"SELECT ?v WHERE {{ GRAPH ?g {{ <{cell}> <{OGI}value> ?v }} }}")["v"].value == "3440"
    status = _one(store, f"SELECT ?s WHERE {{ GRAPH ?g {{ <{cell}> <{OGI}valueStatus> ?s }} }}")["s"]
    assert status.value == iris.STATUS + "uncertain"


def test_same_agency_gets_the_same_iri_in_every_year_and_unplaced_namesakes_do_not_merge():
    first, _ = emit(make_report("2021", year=2022))
    second, _ = emit(make_report("2021", year=2023))
    assert first.agency == second.agency
    assert first.report != second.report
    assert first.agency.endswith("/id/agency/330800-" + first.agency.rsplit("-", 1)[-1])
    a, _ = emit(make_report("2021", adcode=None, agency_name="区统计局", seed=1))
    b, _ = emit(make_report("2021", adcode=None, agency_name="区统计局", seed=2))
    assert a.agency != b.agency


def test_configured_base_moves_every_data_iri(monkeypatch):
    monkeypatch.setenv("OGIKG_BASE", "https://data.example.org/ogi")
    ids, nquads = emit_report(make_report("old"), datetime(2024, 1, 1, tzinfo=UTC))
    assert ids.report.startswith("https://data.example.org/ogi/id/report/330800-")
    subjects = {q.subject.value for q in _store(nquads) if isinstance(q.subject, ox.NamedNode)}
    assert all(s.startswith(("https://data.example.org/ogi/", "https://w3id.org/ogikg/")) for s in subjects)


def test_provenance_names_source_checksum_and_converter_version():
    report = make_report("2019")
    ids, nquads = emit(report)
    store = _store(nquads)
    row = _one(
        store,
        f"""SELECT ?sha ?version WHERE {{ GRAPH ?g {{
        <{ids.report}> <http://www.w3.org/ns/prov#wasGeneratedBy> ?activity .
        ?activity <http://www.w3.org/ns/prov#used> ?source ; <{OGI}converterVersion> ?version .
        ?source <{OGI}sha256> ?sha }} }}""",
    )
    assert row["sha"].value == report.document.sha256
    assert row["version"].value


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _subjects_by_graph(store: ox.Store) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for quad in store:
        found.setdefault(quad.graph_name.value, set()).add(quad.subject.value)
    return found


def test_agency_and_area_are_described_in_their_graphs_and_the_report_links_its_agency():
    ids, nquads = emit(make_report("2021"))
    store = _store(nquads)
    area = iris.area_iri("330800")
    subjects = _subjects_by_graph(store)
    assert subjects[ids.agency_graph] == {ids.agency, ids.agency_graph}
    assert subjects[iris.area_graph("330800")] == {area, iris.area_graph("330800")}
    assert not subjects[ids.graph] & {ids.agency, area}
    agency_statements = {
        (q.predicate.value, q.object.value)
        for q in store.quads_for_pattern(ox.NamedNode(ids.agency), None, None, ox.NamedNode(ids.agency_graph))
    }
    assert (RDFS_LABEL, "衢州市统计局") in agency_statements
    assert (OGI + "area", area) in agency_statements
    assert (OGI + "level", iris.LEVEL + "prefecture") in agency_statements
    link = ox.Quad(
        ox.NamedNode(ids.report),
        ox.NamedNode(OGI + "agency"),
        ox.NamedNode(ids.agency),
        ox.NamedNode(ids.graph),
    )
    assert link in store
    graph_types = {
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None)
        if q.subject.value in (ids.agency_graph, iris.area_graph("330800"))
    }
    assert graph_types == {
        (ids.agency_graph, OGI + "AgencyGraph"),
        (iris.area_graph("330800"), OGI + "AreaGraph"),
    }


def test_an_unidentified_agency_still_gets_its_graph():
    report = make_report("2021")
    report = replace(report, metadata=replace(report.metadata, agency=None))
    ids, nquads = emit(report)
    subjects = _subjects_by_graph(_store(nquads))
    assert ids.agency_graph == iris.data_base() + "graph/agency/unidentified"
    assert subjects[ids.agency_graph] == {ids.agency, ids.agency_graph}
    assert set(subjects) == {ids.graph, ids.agency_graph}


def test_two_years_of_one_agency_count_the_agency_once_over_the_union_of_graphs():
    """The union default graph is a multiset: a label stated in every report graph would be
    counted once per report and multiply every sum joined with it."""
    first = make_report("2021", year=2022, values={"2021.T3.newReceived/NP": 40}, seed=1)
    second = make_report("2021", year=2023, values={"2021.T3.newReceived/NP": 7}, seed=2)
    store = ox.Store()
    (first_ids, first_nquads), (second_ids, second_nquads) = emit(first), emit(second)
    assert first_ids.agency_graph == second_ids.agency_graph
    for nquads in (first_nquads, second_nquads):
        store.load(nquads, format=ox.RdfFormat.N_QUADS)
    union = {"use_default_graph_as_union": True}
    labels = list(
        store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{first_ids.agency}> <{RDFS_LABEL}> ?l }}", **union)
    )
    assert int(labels[0]["n"].value) == 1
    indicator = iris.INDICATOR + "2021.T3.newReceived"
    natural_person = iris.APPLICANT + "naturalPerson"
    rows = list(
        store.query(
            f"""SELECT ?name (SUM(?v) AS ?sum) (COUNT(*) AS ?n) WHERE {{
                ?r <{OGI}agency> ?a . ?a <{RDFS_LABEL}> ?name . ?r a <{OGI}AnnualReport> .
                ?c <{OGI}report> ?r ; <{OGI}indicator> <{indicator}> ;
                   <{OGI}applicantType> <{natural_person}> ; <{OGI}value> ?v }} GROUP BY ?name""",
            **union,
        )
    )
    assert [(r["name"].value, int(r["sum"].value), int(r["n"].value)) for r in rows] == [
        ("衢州市统计局", 47, 2)
    ]


def test_reports_of_one_agency_share_the_agency_prefix_of_their_iris() -> None:
    first, later = (
        iris.report_iris("330800-abc", 2020, "0" * 64),
        iris.report_iris("330800-abc", 2021, "1" * 64),
    )
    other = iris.report_iris("330100-abc", 2020, "2" * 64)
    assert iris.report_agency_prefix(first.report) == iris.report_agency_prefix(later.report)
    assert iris.report_agency_prefix(first.report) == iris.data_base() + "id/report/330800-abc"
    assert iris.report_agency_prefix(other.report) != iris.report_agency_prefix(first.report)
