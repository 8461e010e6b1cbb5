"""Loading reports into a store keeps one description per agency and area.

An agency's and an area's description sit in graphs of their own that every report of the agency
writes to. Over the union default graph (a multiset: a triple in two graphs is returned twice)
each statement about an agency must therefore be found once, however many of its reports are
loaded, replaced or dropped, through every way reports reach a store: ``load_into`` (bulk load of
new reports, replacement of known ones; embedded and Virtuoso), ``replace_graphs`` with
``additions`` and the server's ingest pipeline.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from conftest_virtuoso import VirtuosoEndpoint
from ogikg import iris
from ogikg.converter.model import ParsedReport
from ogikg.jsonl import read_manifest
from ogikg.loading import load_into, loaded_digests
from ogikg.store.base import Store
from ogikg.store.embedded import EmbeddedStore
from ogikg.store.open import open_store
from report_factory import emit, make_report, write_output

OGI = iris.VOCAB
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
NEW_REQUESTS = iris.INDICATOR + "2021.T3.newReceived"
NATURAL_PERSON = iris.APPLICANT + "naturalPerson"


def _report(year: int, new_requests: int, *, seed: int, printed_name: str | None = None) -> ParsedReport:
    report = make_report("2021", year=year, values={"2021.T3.newReceived/NP": new_requests}, seed=seed)
    if printed_name is not None:
        agency = replace(report.metadata.agency, printed_name=printed_name)
        report = replace(report, metadata=replace(report.metadata, agency=agency))
    return report


def _count(store: Store, pattern: str) -> int:
    return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"].value)


def _new_requests_by_agency_name(store: Store) -> list[tuple[str, int, int]]:
    """(agency label, summed 新收申请 of natural persons, reports) — a join a researcher writes."""
    rows = store.select(
        f"""SELECT ?name (SUM(?v) AS ?sum) (COUNT(*) AS ?n) WHERE {{
            ?r a <{OGI}AnnualReport> ; <{OGI}agency> ?a . ?a <{RDFS_LABEL}> ?name .
            ?c <{OGI}report> ?r ; <{OGI}indicator> <{NEW_REQUESTS}> ;
               <{OGI}applicantType> <{NATURAL_PERSON}> ; <{OGI}value> ?v }} GROUP BY ?name"""
    )
    return [(r["name"].value, int(r["sum"].value), int(r["n"].value)) for r in rows]


def _agency_description(store: Store, agency: str) -> set[tuple[str, str]]:
    rows = store.select(f"SELECT ?p ?o WHERE {{ <{agency}> ?p ?o }}")
    return {(r["p"].value, r["o"].value) for r in rows}


@pytest.fixture
def fresh_base(monkeypatch: pytest.MonkeyPatch) -> str:
    """A base of its own, so that a shared store (Virtuoso) holds only this test's graphs."""
    base = f"https://example.org/loading-{uuid.uuid4().hex[:12]}/"
    monkeypatch.setenv("OGIKG_BASE", base)
    return base


@pytest.fixture(params=["embedded", pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def store(request: pytest.FixtureRequest, tmp_path: Path, fresh_base: str) -> Iterator[Store]:
    if request.param == "embedded":
        opened: Store = EmbeddedStore(tmp_path / "store")
    else:
        endpoint: VirtuosoEndpoint = request.getfixturevalue("virtuoso")
        opened = open_store(endpoint.store_spec)
    yield opened
    if request.param == "virtuoso":
        opened.drop_graphs([g for g in opened.graph_iris() if g.startswith(fresh_base)])
    opened.close()


def test_loading_replacing_and_dropping_reports_keeps_one_agency_description(
    store: Store, tmp_path: Path
) -> None:
    first = write_output(tmp_path / "first", [_report(2022, 40, seed=1), _report(2023, 7, seed=2)])
    ids_2022, ids_2023 = first[2022], first[2023]
    agency = ids_2022.agency
    assert agency == ids_2023.agency and ids_2022.agency_graph == ids_2023.agency_graph
    load_into(store, tmp_path / "first")
    assert _count(store, f"<{agency}> <{RDFS_LABEL}> ?l") == 1
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 47, 2)]
    description = _agency_description(store, agency)
    assert {
        (RDFS_LABEL, "衢州市统计局"),
        (OGI + "level", iris.LEVEL + "prefecture"),
        (OGI + "area", iris.area_iri("330800")),
    } <= description
    assert _count(store, f"<{iris.area_iri('330800')}> <{OGI}adcode> ?code") == 1
    graphs = set(store.graph_iris())
    assert {ids_2022.graph, ids_2023.graph, ids_2022.agency_graph, iris.area_graph("330800")} <= graphs

    # 2023 converted again with another figure: its graph is replaced, the agency graph kept
    write_output(tmp_path / "again", [_report(2023, 9, seed=3)])
    load_into(store, tmp_path / "again")
    assert _count(store, f"<{agency}> <{RDFS_LABEL}> ?l") == 1
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 49, 2)]
    assert _agency_description(store, agency) == description

    # a new year naming the agency another way: its name is added, nothing is repeated
    write_output(tmp_path / "next", [_report(2024, 1, seed=4, printed_name="衢州市统计局（本级）")])
    load_into(store, tmp_path / "next")
    assert _agency_description(store, agency) == description | {(SKOS + "altLabel", "衢州市统计局（本级）")}
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 50, 3)]

    # dropping one year's graphs leaves the agency and the other years alone
    store.drop_graphs([ids_2023.graph, ids_2023.quality_graph])
    assert _count(store, f"<{agency}> <{RDFS_LABEL}> ?l") == 1
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 41, 2)]
    assert ids_2022.graph in set(store.graph_iris())
    assert ids_2023.graph not in set(store.graph_iris())


def test_replace_graphs_adds_to_the_shared_graphs_in_the_same_call(store: Store, fresh_base: str) -> None:
    ids_2022, nquads_2022 = emit(_report(2022, 40, seed=1))
    ids_2023, nquads_2023 = emit(_report(2023, 7, seed=2))

    def by_graph(nquads: str) -> dict[str, bytes]:
        graphs: dict[str, list[str]] = {}
        for line in nquads.splitlines():
            triple, graph = line.rsplit(" <", 1)
            graphs.setdefault(graph.removesuffix("> ."), []).append(triple + " .\n")
        return {g: "".join(lines).encode() for g, lines in graphs.items()}

    for nquads in (nquads_2022, nquads_2023, nquads_2023):  # 2023 twice: ingested again
        graphs = by_graph(nquads)
        shared = {g: data for g, data in graphs.items() if iris.is_shared_graph(g)}
        assert set(shared) == {ids_2022.agency_graph, iris.area_graph("330800")}
        store.replace_graphs({g: d for g, d in graphs.items() if g not in shared}, additions=shared)
    assert _count(store, f"<{ids_2022.agency}> <{RDFS_LABEL}> ?l") == 1
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 47, 2)]
    # replacing a report graph by nothing removes that report only
    store.replace_graphs({ids_2023.graph: b""})
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 40, 1)]


def test_shared_graphs_are_told_apart_from_report_graphs(fresh_base: str) -> None:
    ids, _ = emit(_report(2022, 40, seed=1))
    assert iris.is_shared_graph(ids.agency_graph)
    assert iris.is_shared_graph(iris.area_graph("330800"))
    assert iris.is_shared_graph("https://other.example/graph/area/110000")  # data of another base
    for graph in (ids.graph, ids.quality_graph, fresh_base + "graph/vocabulary"):
        assert not iris.is_shared_graph(graph)


def test_ingesting_two_years_and_one_again_keeps_one_agency_description(tmp_path: Path) -> None:
    from ogikg.ingest import ingest_reports
    from ogikg.synth.samples import write_samples

    # samples 4 and 5: 苏州市民政局, 2022 and 2023
    suzhou = [
        p for p in write_samples(tmp_path / "samples") if p.name.startswith(("sample-04-", "sample-05-"))
    ]
    files = [(path.name, path.read_bytes()) for path in suzhou]
    with EmbeddedStore(tmp_path / "store") as store:
        records = ingest_reports(files, store)
        assert [(r["status"] != "rejected", r["agency"], r["year"]) for r in records] == [
            (True, "苏州市民政局", 2022),
            (True, "苏州市民政局", 2023),
        ]
        agency = store.select(f"SELECT DISTINCT ?a WHERE {{ <{records[0]['report']}> <{OGI}agency> ?a }}")
        agency_iri = agency[0]["a"].value
        before = _agency_description(store, agency_iri)
        assert (RDFS_LABEL, "苏州市民政局") in before
        assert _count(store, f"<{agency_iri}> <{RDFS_LABEL}> ?l") == 1
        graphs_before = set(store.graph_iris())
        again = ingest_reports(files[1:], store)
        assert again[0]["report"] == records[1]["report"]
        assert _count(store, f"<{agency_iri}> <{RDFS_LABEL}> ?l") == 1
        assert _agency_description(store, agency_iri) == before
        assert set(store.graph_iris()) == graphs_before
        assert _count(store, f"?r <{OGI}agency> <{agency_iri}> ; a <{OGI}AnnualReport>") == 2
        area = iris.area_iri("320500")
        assert _count(store, f"<{area}> <{RDFS_LABEL}> ?l") == 1


def test_loading_the_same_output_again_skips_every_unchanged_graph(store: Store, tmp_path: Path) -> None:
    ids = write_output(tmp_path / "out", [_report(2022, 40, seed=1), _report(2023, 7, seed=2)])
    first = load_into(store, tmp_path / "out")
    assert (first.reports, first.replaced, first.unchanged, first.vocabulary) == (2, 0, 0, True)
    outputs = {record["graph"]: record["output"] for record in read_manifest(tmp_path / "out")}
    for year in (2022, 2023):  # each graph states the SHA-256 of the file it came from, in itself
        data = (tmp_path / "out" / outputs[ids[year].graph]).read_bytes()
        assert loaded_digests(store)[ids[year].graph] == hashlib.sha256(data).hexdigest()
    quads = _count(store, "GRAPH ?g { ?s ?p ?o }")

    again = load_into(store, tmp_path / "out")
    assert (again.reports, again.quality, again.replaced, again.unchanged) == (0, 0, 0, 2)
    assert (again.vocabulary, again.quads, again.changed) == (False, 0, False)
    assert _count(store, "GRAPH ?g { ?s ?p ?o }") == quads
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 47, 2)]

    # one report converted again with another figure: only its graph is loaded
    write_output(tmp_path / "out", [_report(2022, 40, seed=1), _report(2023, 9, seed=3)])
    changed = load_into(store, tmp_path / "out")
    assert (changed.reports, changed.replaced, changed.unchanged, changed.vocabulary) == (1, 1, 1, False)
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 49, 2)]


def test_a_graph_replaced_another_way_is_loaded_again(store: Store, tmp_path: Path) -> None:
    ids = write_output(tmp_path / "out", [_report(2022, 40, seed=1)])
    load_into(store, tmp_path / "out")
    _, other = emit(_report(2022, 5, seed=1))
    report_lines = [line for line in other.splitlines() if line.endswith(f"<{ids[2022].graph}> .")]
    store.replace_graphs(
        {ids[2022].graph: "".join(line.rsplit(" <", 1)[0] + " .\n" for line in report_lines).encode()}
    )
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 5, 1)]
    assert ids[2022].graph not in loaded_digests(store)

    again = load_into(store, tmp_path / "out")
    assert (again.reports, again.replaced, again.unchanged) == (1, 1, 0)
    assert _new_requests_by_agency_name(store) == [("衢州市统计局", 40, 1)]


def test_load_output_regenerates_the_dumps_only_when_the_store_changed(
    tmp_path: Path, fresh_base: str
) -> None:
    from ogikg.loading import load_output
    from ogikg.server.dumps import read_manifest

    write_output(tmp_path / "out", [_report(2022, 40, seed=1)])
    store_dir = tmp_path / "data" / "store"
    first = load_output(tmp_path / "out", str(store_dir))
    dumps = tmp_path / "data" / "dumps"
    dump_names = ["dataset.nq.gz", "dataset.trig.gz", "vocabulary.ttl"]
    assert [Path(path).name for path in first.dumps] == dump_names and read_manifest(dumps) is not None
    written = {path.name: path.stat().st_mtime_ns for path in dumps.rglob("*")}

    again = load_output(tmp_path / "out", str(store_dir))
    assert again.dumps == [] and not again.changed
    assert {path.name: path.stat().st_mtime_ns for path in dumps.rglob("*")} == written

    shutil.rmtree(dumps)  # no dumps yet: made even though nothing changed
    assert [Path(path).name for path in load_output(tmp_path / "out", str(store_dir)).dumps] == dump_names
