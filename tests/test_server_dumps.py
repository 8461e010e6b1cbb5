"""Dumps of the whole dataset (N-Quads and TriG, gzip; the vocabulary as Turtle) with their sizes and
SHA-256, the /dumps/ routes, and the DCAT 3 / VoID description at /.well-known/void."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from lxml import html as lxml_html
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ogikg import iris
from ogikg.server.app import create_app
from ogikg.server.dumps import MANIFEST, NQUADS, TRIG, VOCABULARY, read_manifest, regenerate_dumps
from ogikg.server.pages import site_routers
from ogikg.server.settings import ServerSettings
from ogikg.store.base import StoreError
from ogikg.store.embedded import EmbeddedStore
from site_fixture import SiteData, build_site_store
from w3c_protocol import LiveServer, live_server

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
OGI = Namespace(iris.VOCAB)
QB = Namespace("http://purl.org/linked-data/cube#")
INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


@dataclass
class Dumped:
    root: Path
    data: SiteData

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def dumps(self) -> Path:
        return self.root / "dumps"


@pytest.fixture(scope="module")
def dumped(tmp_path_factory: pytest.TempPathFactory) -> Dumped:
    root = tmp_path_factory.mktemp("dumps")
    data = build_site_store(root / "store")
    with EmbeddedStore(root / "store", read_only=True) as store:
        regenerate_dumps(store, root / "dumps")
    return Dumped(root, data)


def store_quads(path: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(path))
    return set(store.quads_for_pattern(None, None, None))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- regenerate_dumps ------------------------------------------------------------------------------


def test_dump_files_hold_the_whole_store(dumped: Dumped) -> None:
    expected = store_quads(dumped.store)
    assert len(expected) == dumped.data.quads
    with gzip.open(dumped.dumps / NQUADS, "rb") as stream:
        nquads = set(ox.parse(stream, format=ox.RdfFormat.N_QUADS))
    with gzip.open(dumped.dumps / TRIG, "rb") as stream:
        trig = set(ox.parse(stream, format=ox.RdfFormat.TRIG))
    assert nquads == expected
    assert trig == expected
    graphs = {q.graph_name.value for q in expected}
    assert {r.graph for r in dumped.data.reports} | {r.quality_graph for r in dumped.data.reports} <= graphs


def test_manifest_gives_size_hash_and_counts_of_every_file(dumped: Dumped) -> None:
    manifest = read_manifest(dumped.dumps)
    assert manifest is not None
    assert [d.name for d in manifest.dumps] == [NQUADS, TRIG, VOCABULARY]
    for dump in manifest.dumps:
        path = dumped.dumps / dump.name
        assert dump.byte_size == path.stat().st_size
        assert dump.sha256 == sha256(path)
    nquads, trig, vocabulary = manifest.dumps
    assert nquads.triples == trig.triples == dumped.data.quads
    assert nquads.graphs == dumped.data.graphs
    assert nquads.compress_format == "application/gzip" and nquads.media_type == "application/n-quads"
    assert vocabulary.triples == len(Graph().parse(dumped.dumps / VOCABULARY, format="turtle"))
    # the dumps, and the members of their shards kept for the next run; no temporary file left
    expected = [MANIFEST, NQUADS, TRIG, VOCABULARY, ".shards"]
    assert sorted(p.name for p in dumped.dumps.iterdir()) == sorted(expected)
    assert [p.name for p in dumped.dumps.rglob("*.tmp")] == []


def test_statistics_count_each_entity_once(dumped: Dumped) -> None:
    stats = read_manifest(dumped.dumps).statistics  # type: ignore[union-attr]
    quads = store_quads(dumped.store)
    subjects = {q.subject for q in quads}
    uri_space = iris.data_base() + "id/"
    assert stats.quads == len(quads)
    assert stats.distinct_subjects == len(subjects)
    assert stats.entities == sum(
        1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(uri_space)
    )
    # the agency is typed in the graph of each of its reports, and counted once
    assert stats.classes[iris.VOCAB + "Agency"] == 2
    assert stats.classes[iris.VOCAB + "AnnualReport"] == 4
    observations = sum(
        len(r.values) + len(r.report.narrative) for r in dumped.data.reports
    )  # cells with a value and figures of the prose
    assert stats.classes[str(QB.Observation)] == observations
    assert stats.properties[iris.VOCAB + "value"] == sum(
        1 for q in quads if q.predicate.value == iris.VOCAB + "value"
    )


def test_same_store_gives_the_same_bytes(dumped: Dumped, tmp_path: Path) -> None:
    with EmbeddedStore(dumped.store, read_only=True) as store:
        again = regenerate_dumps(store, tmp_path / "again")
    before = {d.name: d.sha256 for d in read_manifest(dumped.dumps).dumps}  # type: ignore[union-attr]
    assert {d.name: d.sha256 for d in again} == before


class _FailingStore:
    """A store whose dump breaks half-way, as a full disk would."""

    def dump(self, path: str, media_type: str) -> None:
        Path(path).write_text("<http://example.org/s> <http://example.org/p> ", encoding="utf-8")
        raise StoreError("disk full")


def test_a_failed_regeneration_keeps_the_previous_dumps(dumped: Dumped, tmp_path: Path) -> None:
    target = tmp_path / "dumps"
    with EmbeddedStore(dumped.store, read_only=True) as store:
        regenerate_dumps(store, target)
    before = {p.name: sha256(p) for p in target.iterdir() if p.is_file()}
    with pytest.raises(StoreError, match="disk full"):
        regenerate_dumps(_FailingStore(), target)  # type: ignore[arg-type]
    assert {p.name: sha256(p) for p in target.iterdir() if p.is_file()} == before


# -- /dumps/ ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(dumped: Dumped) -> Iterator[LiveServer]:
    settings = ServerSettings(
        store=str(dumped.store), workers=2, access_log=False, extra={"dumps_dir": str(dumped.dumps)}
    )
    with live_server(create_app(settings, routers=site_routers(settings))) as live:
        yield live


def test_dumps_index_lists_files_with_size_and_hash(server: LiveServer, dumped: Dumped) -> None:
    response = httpx.get(server.url + "/dumps/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = lxml_html.fromstring(response.text)
    rows = page.get_element_by_id("dumps").xpath(".//tbody/tr")
    listed = {tr.xpath("./td/a")[0].text: tr for tr in rows}
    assert set(listed) == {NQUADS, TRIG, VOCABULARY}
    for name, row in listed.items():
        path = dumped.dumps / name
        assert row.xpath("./td[@data-bytes]/@data-bytes")[0] == str(path.stat().st_size)
        assert row.xpath(".//code[@class='hash']")[0].text == sha256(path)


def test_dumps_index_as_json(server: LiveServer, dumped: Dumped) -> None:
    document = httpx.get(server.url + "/dumps/", headers={"Accept": "application/json"}).json()
    on_disk = json.loads((dumped.dumps / MANIFEST).read_text(encoding="utf-8"))
    assert [d["sha256"] for d in document["dumps"]] == [d["sha256"] for d in on_disk["dumps"]]
    assert document["dumps"][0]["url"] == server.url + "/dumps/" + NQUADS


def test_dump_download_matches_its_hash(server: LiveServer, dumped: Dumped) -> None:
    response = httpx.get(server.url + "/dumps/" + NQUADS)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert hashlib.sha256(response.content).hexdigest() == sha256(dumped.dumps / NQUADS)
    etag = response.headers["etag"]
    assert etag == f'"{sha256(dumped.dumps / NQUADS)}"'
    assert httpx.get(server.url + "/dumps/" + NQUADS, headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(server.url + "/dumps/" + MANIFEST).status_code == 404
    assert httpx.get(server.url + "/dumps/..%2Fstore").status_code == 404
    assert httpx.get(server.url + "/dumps/nothing.nq.gz").status_code == 404


# -- /.well-known/void ------------------------------------------------------------------------------


def void_graph(server: LiveServer, accept: str = "text/turtle", rdflib_format: str = "turtle") -> Graph:
    response = httpx.get(server.url + "/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    return Graph().parse(data=response.content, format=rdflib_format)


def test_void_describes_dataset_endpoint_and_dumps(server: LiveServer, dumped: Dumped) -> None:
    graph = void_graph(server)
    dataset = URIRef(iris.data_base() + "dataset")
    stats = read_manifest(dumped.dumps).statistics  # type: ignore[union-attr]
    assert (dataset, RDF.type, VOID.Dataset) in graph and (dataset, RDF.type, DCAT.Dataset) in graph
    assert (dataset, VOID.triples, Literal(dumped.data.quads, datatype=INTEGER)) in graph
    assert (dataset, VOID.entities, Literal(stats.entities, datatype=INTEGER)) in graph
    assert (dataset, VOID.distinctSubjects, Literal(stats.distinct_subjects, datatype=INTEGER)) in graph
    assert (dataset, VOID.classes, Literal(len(stats.classes), datatype=INTEGER)) in graph
    assert (dataset, VOID.sparqlEndpoint, URIRef(server.url + "/sparql")) in graph
    assert set(graph.objects(dataset, VOID.dataDump)) == {
        URIRef(server.url + "/dumps/" + NQUADS),
        URIRef(server.url + "/dumps/" + TRIG),
    }
    assert (dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    assert (dataset, VOID.vocabulary, URIRef(iris.VOCAB)) in graph
    assert graph.value(dataset, DCTERMS.modified) is not None
    partitions = {
        graph.value(p, VOID["class"]): graph.value(p, VOID.entities)
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions[OGI.AnnualReport].toPython() == 4


def test_void_distributions_carry_size_and_checksum(server: LiveServer, dumped: Dumped) -> None:
    graph = void_graph(server)
    for name in (NQUADS, TRIG, VOCABULARY):
        node = graph.value(predicate=DCAT.downloadURL, object=URIRef(server.url + "/dumps/" + name))
        assert node is not None, name
        path = dumped.dumps / name
        assert graph.value(node, DCAT.byteSize).toPython() == path.stat().st_size
        assert str(graph.value(node, OGI.sha256)) == sha256(path)
    service = graph.value(predicate=DCAT.endpointURL, object=URIRef(server.url + "/sparql"))
    assert (service, RDF.type, DCAT.DataService) in graph
    catalogue = URIRef(iris.data_base() + "catalog")
    assert (catalogue, RDF.type, DCAT.Catalog) in graph and (catalogue, DCAT.service, service) in graph


def test_void_in_every_format(server: LiveServer) -> None:
    turtle = void_graph(server)
    assert isomorphic(turtle, void_graph(server, "application/ld+json", "json-ld"))
    assert isomorphic(turtle, void_graph(server, "application/n-triples", "nt"))
    page = httpx.get(server.url + "/.well-known/void", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "void-summary" in page.text
    assert httpx.get(server.url + "/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_void_counts_the_store_itself_without_dumps(dumped: Dumped, tmp_path: Path) -> None:
    """Without a manifest the figures are counted with SPARQL in the background; the description
    goes out without them until they are ready, then with them (the same as the dump pass found)."""
    settings = ServerSettings(
        store=str(dumped.store), workers=2, access_log=False, extra={"dumps_dir": str(tmp_path / "none")}
    )
    stats = read_manifest(dumped.dumps).statistics  # type: ignore[union-attr]
    dataset = URIRef(iris.data_base() + "dataset")
    with live_server(create_app(settings, routers=site_routers(settings))) as live:
        deadline = time.monotonic() + 60
        graph = void_graph(live)
        while graph.value(dataset, VOID.entities) is None and time.monotonic() < deadline:
            assert (dataset, VOID.triples, Literal(dumped.data.quads, datatype=INTEGER)) in graph
            time.sleep(0.5)
            graph = void_graph(live)
    assert graph.value(dataset, VOID.entities).toPython() == stats.entities
    assert graph.value(dataset, VOID.distinctSubjects).toPython() == stats.distinct_subjects
    assert graph.value(dataset, VOID.classes).toPython() == len(stats.classes)
    partitions = {
        str(graph.value(p, VOID["class"])): graph.value(p, VOID.entities).toPython()
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions == stats.classes
    assert graph.value(dataset, VOID.dataDump) is None


# -- statistics: aggregate queries against a naive count ------------------------------------------

_EX = "https://example.org/stats/"


def _shared_agency_dataset() -> list[ox.Quad]:
    """Two reports whose graphs repeat the triples of one agency graph, a typing stated in three
    graphs, a subject with two classes, a blank node and a triple in the default graph."""
    uri_space = iris.data_base() + "id/"
    agency = ox.NamedNode(uri_space + "agency/330100-x")
    rdf_type = ox.NamedNode(str(RDF.type))
    agency_class, org_class = ox.NamedNode(iris.VOCAB + "Agency"), ox.NamedNode(_EX + "Organisation")
    name = ox.NamedNode(_EX + "name")
    shared = ox.NamedNode(iris.data_base() + "graph/agency/330100-x")
    quads = [
        ox.Quad(agency, rdf_type, agency_class, shared),
        ox.Quad(agency, rdf_type, org_class, shared),
        ox.Quad(agency, name, ox.Literal("杭州市", language="zh-Hans"), shared),
    ]
    for year in (2020, 2021):
        graph = ox.NamedNode(iris.data_base() + f"graph/report/330100-x/{year}")
        report = ox.NamedNode(uri_space + f"report/330100-x/{year}")
        cell = ox.BlankNode(f"cell{year}")
        quads += [
            ox.Quad(report, rdf_type, ox.NamedNode(iris.VOCAB + "AnnualReport"), graph),
            ox.Quad(report, ox.NamedNode(_EX + "agency"), agency, graph),
            ox.Quad(agency, rdf_type, agency_class, graph),  # the same typing, in another graph
            ox.Quad(agency, name, ox.Literal("杭州市", language="zh-Hans"), graph),
            ox.Quad(cell, rdf_type, ox.NamedNode(str(QB.Observation)), graph),
            ox.Quad(cell, ox.NamedNode(iris.VOCAB + "value"), ox.Literal(str(year)), graph),
        ]
    quads.append(ox.Quad(ox.NamedNode(_EX + "outside"), name, ox.Literal("default graph")))
    return quads


def _naive_statistics(quads: list[ox.Quad], uri_space: str) -> dict[str, object]:
    subjects = {q.subject for q in quads}
    typed = {(q.subject, q.object.value) for q in quads if q.predicate.value == str(RDF.type)}
    classes: dict[str, int] = {}
    for _, cls in typed:
        classes[cls] = classes.get(cls, 0) + 1
    properties: dict[str, int] = {}
    for q in quads:
        properties[q.predicate.value] = properties.get(q.predicate.value, 0) + 1
    return {
        "quads": len(quads),
        "graphs": len({q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}),
        "distinct_subjects": len(subjects),
        "entities": sum(1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(uri_space)),
        "uri_space": uri_space,
        "classes": dict(sorted(classes.items())),
        "properties": dict(sorted(properties.items())),
    }


class _RemoteLike:
    """Only the dump of a store, as a SPARQL service offers it: statistics come from the file."""

    def __init__(self, store: EmbeddedStore) -> None:
        self._store = store

    def dump(self, path: str, media_type: str) -> None:
        self._store.dump(path, media_type)


def test_statistics_equal_a_naive_count_with_triples_repeated_across_graphs(tmp_path: Path) -> None:
    quads = _shared_agency_dataset()
    uri_space = iris.data_base() + "id/"
    expected = _naive_statistics(quads, uri_space)
    # the fixture really exercises the duplicates: one agency, typed Agency in three graphs
    assert expected["classes"][iris.VOCAB + "Agency"] == 1  # type: ignore[index]
    assert expected["properties"][_EX + "name"] == 4  # type: ignore[index]
    assert expected == {**expected, "quads": 16, "graphs": 3, "distinct_subjects": 6, "entities": 3}
    with EmbeddedStore(tmp_path / "store") as store:
        store.oxigraph.extend(quads)
        regenerate_dumps(store, tmp_path / "queried")
        regenerate_dumps(_RemoteLike(store), tmp_path / "streamed")  # type: ignore[arg-type]
    for name in ("queried", "streamed"):
        manifest = read_manifest(tmp_path / name)
        assert manifest is not None
        assert asdict(manifest.statistics) == expected, name
        with gzip.open(tmp_path / name / TRIG, "rb") as stream:
            assert set(ox.parse(stream, format=ox.RdfFormat.TRIG)) == set(quads)
        with gzip.open(tmp_path / name / NQUADS, "rb") as stream:
            assert set(ox.parse(stream, format=ox.RdfFormat.N_QUADS)) == set(quads)


def test_health_and_service_description_take_the_counts_of_current_dumps(
    dumped: Dumped, tmp_path: Path
) -> None:
    """Counting a national store takes longer than the query limit (len() of 9 M quads: ~8 s), so
    the counts come from the dumps written after the last load; a sentinel shows none is counted."""
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    document = json.loads((dumped.dumps / MANIFEST).read_text(encoding="utf-8"))
    document["statistics"]["quads"], document["statistics"]["graphs"] = 987_654_321, 4_321
    (dumps / MANIFEST).write_text(json.dumps(document), encoding="utf-8")
    settings = ServerSettings(
        store=str(dumped.store), workers=1, access_log=False, extra={"dumps_dir": str(dumps)}
    )
    with live_server(create_app(settings, routers=site_routers(settings))) as live:
        health = httpx.get(live.url + "/healthz").json()
        description = Graph().parse(
            data=httpx.get(live.url + "/sparql", headers={"Accept": "text/turtle"}).text, format="turtle"
        )
        landing = httpx.get(live.url + "/", headers={"Accept": "text/html"})
    assert (health["status"], health["quads"], health["named_graphs"]) == ("ok", 987_654_321, 4_321)
    assert set(description.objects(None, VOID.triples)) == {Literal(987_654_321, datatype=INTEGER)}
    assert lxml_html.fromstring(landing.content).get_element_by_id("triple-count").text == "987,654,321"
    # Dumps older than the store's last write say nothing about it: the store itself is counted.
    stale = tmp_path / "stale"
    stale.mkdir()
    document["generated"] = "2001-01-01T00:00:00+00:00"
    (stale / MANIFEST).write_text(json.dumps(document), encoding="utf-8")
    settings = ServerSettings(
        store=str(dumped.store), workers=1, access_log=False, extra={"dumps_dir": str(stale)}
    )
    with live_server(create_app(settings, routers=site_routers(settings))) as live:
        assert httpx.get(live.url + "/healthz").json()["quads"] == dumped.data.quads
