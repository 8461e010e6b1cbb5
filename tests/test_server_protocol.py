"""SPARQL 1.1 Protocol behaviour of the server, exercised by real clients against a live server."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from xml.dom.minidom import Document

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from ogikg.server.app import create_app
from ogikg.server.executor import StoreQueryExecutor, WorkerPool, select
from ogikg.server.logging import ACCESS_LOGGER
from ogikg.server.negotiation import GRAPH_FORMATS, RESULT_FORMATS, negotiate
from ogikg.server.settings import ServerSettings
from ogikg.server.sparql_text import DatasetConflict, apply_using_dataset
from ogikg.store.base import Term
from ogikg.store.embedded import EmbeddedStore
from w3c_protocol import LiveServer, create_store, live_server

EX = "http://example.org/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
AGENCIES = EX + "graph/agencies"
REPORTS = EX + "graph/reports"
GRAPHS = {
    AGENCIES: f"""
<{EX}agency/1> <{RDFS.label}> "统计局"@zh .
<{EX}agency/1> <{EX}requests> "12"^^<{XSD_INTEGER}> .
<{EX}agency/2> <{RDFS.label}> "Bureau of Statistics"@en .
<{EX}agency/2> <{EX}requests> "7"^^<{XSD_INTEGER}> .
""",
    REPORTS: f"""
<{EX}report/1> <{EX}agency> <{EX}agency/1> .
<{EX}report/1> <{RDFS.label}> "2021 年度报告" .
""",
}
QUAD_COUNT = 6

SELECT_LABELS = (
    f"SELECT ?agency ?label WHERE {{ ?agency <{RDFS.label}> ?label "
    f"FILTER(STRSTARTS(STR(?agency), '{EX}agency/')) }} ORDER BY ?agency"
)
CONSTRUCT_REQUESTS = f"CONSTRUCT {{ ?a <{EX}requests> ?n }} WHERE {{ ?a <{EX}requests> ?n }}"
EXPECTED_REQUESTS = {
    (URIRef(EX + "agency/1"), URIRef(EX + "requests"), Literal(12)),
    (URIRef(EX + "agency/2"), URIRef(EX + "requests"), Literal(7)),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("protocol") / "store"
    create_store(path, GRAPHS)
    settings = ServerSettings(store=str(path), workers=2, query_timeout=20, result_limit=1000)
    with live_server(create_app(settings)) as live:
        yield live


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("capped") / "store"
    create_store(path, GRAPHS)
    settings = ServerSettings(store=str(path), workers=2, query_timeout=20, result_limit=3, access_log=False)
    with live_server(create_app(settings)) as live:
        yield live


def wrapper(server: LiveServer, query: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


# --- real clients: SPARQLWrapper -----------------------------------------------------------------


def test_select_json_with_sparqlwrapper(server: LiveServer) -> None:
    result = wrapper(server, SELECT_LABELS, JSON).queryAndConvert()
    assert isinstance(result, dict)
    assert result["head"]["vars"] == ["agency", "label"]
    rows = [
        (b["agency"]["value"], b["label"]["value"], b["label"].get("xml:lang"))
        for b in result["results"]["bindings"]
    ]
    assert rows == [(EX + "agency/1", "统计局", "zh"), (EX + "agency/2", "Bureau of Statistics", "en")]


def test_select_xml_with_sparqlwrapper(server: LiveServer) -> None:
    document = wrapper(server, SELECT_LABELS, XML).queryAndConvert()
    assert isinstance(document, Document)
    literals = document.getElementsByTagName("literal")
    assert [(node.firstChild.data, node.getAttribute("xml:lang")) for node in literals] == [
        ("统计局", "zh"),
        ("Bureau of Statistics", "en"),
    ]
    assert [node.firstChild.data for node in document.getElementsByTagName("uri")] == [
        EX + "agency/1",
        EX + "agency/2",
    ]


def test_select_csv_with_sparqlwrapper(server: LiveServer) -> None:
    body = wrapper(server, SELECT_LABELS, CSV).queryAndConvert()
    assert isinstance(body, bytes)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows == [
        ["agency", "label"],
        [EX + "agency/1", "统计局"],
        [EX + "agency/2", "Bureau of Statistics"],
    ]


def test_select_tsv_with_sparqlwrapper(server: LiveServer) -> None:
    body = wrapper(server, SELECT_LABELS, TSV).queryAndConvert()
    assert isinstance(body, bytes)
    assert body.decode("utf-8").splitlines() == [
        "?agency\t?label",
        f'<{EX}agency/1>\t"统计局"@zh',
        f'<{EX}agency/2>\t"Bureau of Statistics"@en',
    ]


def test_construct_turtle_with_sparqlwrapper(server: LiveServer) -> None:
    body = wrapper(server, CONSTRUCT_REQUESTS, TURTLE).queryAndConvert()
    assert isinstance(body, bytes)
    assert set(Graph().parse(data=body, format="turtle")) == EXPECTED_REQUESTS


def test_construct_ntriples_with_sparqlwrapper(server: LiveServer) -> None:
    client = wrapper(server, CONSTRUCT_REQUESTS, N3)
    client.setOnlyConneg(True)
    client.addCustomHttpHeader("Accept", "application/n-triples")
    response = client.query()
    assert response.response.headers["Content-Type"] == "application/n-triples"
    body = response.convert()
    assert isinstance(body, bytes)
    assert set(Graph().parse(data=body, format="nt")) == EXPECTED_REQUESTS


def test_construct_jsonld_with_sparqlwrapper(server: LiveServer) -> None:
    graph = wrapper(server, CONSTRUCT_REQUESTS, JSONLD).queryAndConvert()
    assert isinstance(graph, Graph)
    assert set(graph.triples((None, None, None))) == EXPECTED_REQUESTS


def test_construct_rdfxml_with_sparqlwrapper(server: LiveServer) -> None:
    graph = wrapper(server, CONSTRUCT_REQUESTS, RDFXML).queryAndConvert()
    assert isinstance(graph, Graph)
    assert set(graph) == EXPECTED_REQUESTS


def test_ask_with_sparqlwrapper_post(server: LiveServer) -> None:
    client = wrapper(server, f"ASK {{ <{EX}agency/1> <{EX}requests> 12 }}", JSON)
    client.setMethod("POST")
    assert client.queryAndConvert() == {"head": {}, "boolean": True}
    client.setQuery(f"ASK {{ <{EX}agency/1> <{EX}requests> 13 }}")
    assert client.queryAndConvert() == {"head": {}, "boolean": False}


# --- negotiation ---------------------------------------------------------------------------------


def get(server: LiveServer, query: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"accept": accept} if accept is not None else {}
    return httpx.get(server.url + "/sparql", params={"query": query, **params}, headers=headers, timeout=30)


@pytest.mark.parametrize(
    ("accept", "select_type", "construct_type"),
    [
        (None, "application/sparql-results+json", "text/turtle; charset=utf-8"),
        ("*/*", "application/sparql-results+json", "text/turtle; charset=utf-8"),
        ("application/*", "application/sparql-results+json", "application/n-triples"),
        ("text/*", "text/csv; charset=utf-8", "text/turtle; charset=utf-8"),
        (
            "application/sparql-results+xml;q=0.5, text/tab-separated-values;q=0.9, "
            "application/rdf+xml;q=0.4",
            "text/tab-separated-values; charset=utf-8",
            "application/rdf+xml",
        ),
        ("application/json", "application/json", "application/json"),
        (
            "text/turtle, application/sparql-results+xml;q=0.1",
            "application/sparql-results+xml",
            "text/turtle; charset=utf-8",
        ),
        ("application/ld+json, */*;q=0.1", "application/sparql-results+json", "application/ld+json"),
    ],
)
def test_accept_negotiation(
    server: LiveServer, accept: str | None, select_type: str, construct_type: str
) -> None:
    selected = get(server, SELECT_LABELS, accept)
    assert selected.status_code == 200
    assert selected.headers["content-type"] == select_type
    constructed = get(server, CONSTRUCT_REQUESTS, accept)
    assert constructed.status_code == 200
    assert constructed.headers["content-type"] == construct_type
    assert "Accept" in selected.headers["vary"]


def test_json_alias_carries_sparql_json(server: LiveServer) -> None:
    body = get(server, SELECT_LABELS, "application/json").json()
    assert body["results"]["bindings"][0]["label"] == {"type": "literal", "value": "统计局", "xml:lang": "zh"}
    jsonld = get(server, CONSTRUCT_REQUESTS, "application/json").json()
    assert {node["@id"] for node in jsonld} == {EX + "agency/1", EX + "agency/2"}


@pytest.mark.parametrize(
    ("value", "content_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv; charset=utf-8"),
        ("tsv", "text/tab-separated-values; charset=utf-8"),
    ],
)
def test_format_parameter_for_results_overrides_accept(
    server: LiveServer, value: str, content_type: str
) -> None:
    response = get(server, SELECT_LABELS, "application/sparql-results+xml", format=value)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert "统计局" in response.text


@pytest.mark.parametrize(
    ("value", "rdflib_format", "content_type"),
    [
        ("ttl", "turtle", "text/turtle; charset=utf-8"),
        ("nt", "nt", "application/n-triples"),
        ("jsonld", "json-ld", "application/ld+json"),
        ("rdfxml", "xml", "application/rdf+xml"),
        ("nq", "nquads", "application/n-quads"),
        ("trig", "trig", "application/trig"),
    ],
)
def test_format_parameter_for_graphs(
    server: LiveServer, value: str, rdflib_format: str, content_type: str
) -> None:
    response = get(server, CONSTRUCT_REQUESTS, "text/csv", format=value)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    if rdflib_format in ("nquads", "trig"):
        triples = {
            (s, p, o) for s, p, o, _ in Dataset().parse(data=response.content, format=rdflib_format).quads()
        }
    else:
        triples = set(Graph().parse(data=response.content, format=rdflib_format))
    assert triples == EXPECTED_REQUESTS


def test_unservable_formats_get_406_with_a_readable_body(server: LiveServer) -> None:
    response = get(server, SELECT_LABELS, "image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text and "text/turtle" in response.text
    construct_as_csv = get(server, CONSTRUCT_REQUESTS, "text/csv")
    assert construct_as_csv.status_code == 406
    assert "CONSTRUCT and DESCRIBE results cannot be served as Accept: text/csv" in construct_as_csv.text
    assert "text/turtle" in construct_as_csv.text
    select_as_turtle = get(server, SELECT_LABELS, format="ttl")
    assert select_as_turtle.status_code == 406
    assert "SELECT and ASK results cannot be served as format=ttl" in select_as_turtle.text
    assert get(server, SELECT_LABELS, format="yaml").status_code == 406


# --- protocol errors -----------------------------------------------------------------------------


def test_malformed_query_gets_400_with_the_parser_message(server: LiveServer) -> None:
    response = get(server, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "SPARQL syntax error: error at 1:" in response.text


def test_protocol_errors(server: LiveServer) -> None:
    url = server.url + "/sparql"
    both = httpx.post(url, data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert both.status_code == 400 and "both a query and an update" in both.text
    twice = httpx.get(url + "?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert twice.status_code == 400 and "2 queries" in twice.text
    unknown = httpx.post(url, content=b"ASK {}", headers={"content-type": "text/plain"})
    assert unknown.status_code == 415 and "text/plain is not supported" in unknown.text
    missing = httpx.post(url, content=b"query=ASK%20%7B%7D")
    assert missing.status_code == 415 and "needs a Content-Type" in missing.text
    utf16 = httpx.post(
        url,
        content="ASK {}".encode("utf-16"),
        headers={"content-type": "application/sparql-query; charset=UTF-16"},
    )
    assert utf16.status_code == 415 and "UTF-8" in utf16.text
    not_utf8 = httpx.post(url, content=b"ASK { \xff }", headers={"content-type": "application/sparql-query"})
    assert not_utf8.status_code == 400
    put = httpx.put(url + "?query=ASK%20%7B%7D")
    assert put.status_code == 405
    empty = httpx.post(url, data={"format": "json"})
    assert empty.status_code == 400 and "no query" in empty.text
    bad_iri = get(server, "ASK {}", **{"default-graph-uri": "not an iri"})
    assert bad_iri.status_code == 400 and "default-graph-uri" in bad_iri.text


def test_post_form_and_direct_post_give_the_same_results(server: LiveServer) -> None:
    url = server.url + "/sparql"
    form = httpx.post(url, data={"query": SELECT_LABELS}, headers={"accept": "text/csv"})
    direct = httpx.post(
        url,
        content=SELECT_LABELS.encode(),
        headers={"content-type": "application/sparql-query", "accept": "text/csv"},
    )
    assert form.status_code == direct.status_code == 200
    assert form.text == direct.text
    assert form.text.splitlines()[1] == f"{EX}agency/1,统计局"


def test_trailing_slash_endpoint_works(server: LiveServer) -> None:
    response = httpx.get(server.url + "/sparql/", params={"query": "ASK {}"})
    assert response.status_code == 200 and response.json()["boolean"] is True


# --- datasets ------------------------------------------------------------------------------------


def test_union_default_graph_without_a_protocol_dataset(server: LiveServer) -> None:
    response = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv")
    assert response.text.splitlines()[1] == str(QUAD_COUNT)


def test_default_graph_uri_restricts_the_default_graph(server: LiveServer) -> None:
    response = get(
        server, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", "text/csv", **{"default-graph-uri": REPORTS}
    )
    assert response.text.splitlines()[1:] == [f"{EX}report/1", f"{EX}report/1"]


def test_named_graph_uris_are_repeatable_and_replace_the_default(server: LiveServer) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    response = httpx.get(
        server.url + "/sparql",
        params=[("query", query), ("named-graph-uri", AGENCIES), ("named-graph-uri", REPORTS)],
        headers={"accept": "text/csv"},
    )
    assert response.text.splitlines()[1:] == [f"{AGENCIES},4", f"{REPORTS},2"]
    only_named = httpx.get(
        server.url + "/sparql",
        params=[("query", "ASK { ?s ?p ?o }"), ("named-graph-uri", AGENCIES)],
    )
    assert only_named.json()["boolean"] is False  # the protocol dataset's default graph is empty


# --- service description, health, CORS, logging --------------------------------------------------


def test_service_description(server: LiveServer) -> None:
    response = httpx.get(server.url + "/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.content, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    ogi = "https://w3id.org/ogikg/def/"
    service = next(graph.subjects(URIRef(sd + "endpoint"), URIRef(server.url + "/sparql")))
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert (service, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    formats = {str(o) for o in graph.objects(service, URIRef(sd + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_CSV" in formats
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats
    assert graph.value(service, URIRef(ogi + "resultLimit")) == Literal(1000)
    assert graph.value(service, URIRef(ogi + "queryTimeout")).toPython() == 20
    assert "OGIKG-Result-Truncated: true" in str(graph.value(service, RDFS.comment))
    dataset = graph.value(service, URIRef(sd + "defaultDataset"))
    assert graph.value(dataset, URIRef(ogi + "namedGraphCount")) == Literal(2)
    assert graph.value(dataset, URIRef("http://rdfs.org/ns/void#triples")) == Literal(QUAD_COUNT)


def test_browsers_get_a_page_pointing_to_the_query_page(server: LiveServer) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = httpx.get(server.url + "/sparql", headers={"accept": browser})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f"href='{server.url}/query'" in response.text


def test_healthz(server: LiveServer) -> None:
    body = httpx.get(server.url + "/healthz").json()
    assert body["status"] == "ok"
    assert body["quads"] == QUAD_COUNT
    assert body["named_graphs"] == 2
    assert body["store"]["type"] == "embedded"
    assert Path(body["store"]["path"]).name == "store"
    assert body["store"]["workers"] == 2
    assert body["writes_enabled"] is False
    assert body["version"]


def test_cors_on_the_read_routes(server: LiveServer) -> None:
    origin = {"origin": "https://elsewhere.example"}
    response = get(server, "ASK {}", None)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "OGIKG-Result-Truncated" in response.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in response.headers
    error = get(server, "ASK {")
    assert error.headers["access-control-allow-origin"] == "*"
    posted = httpx.post(server.url + "/sparql", data={"query": "ASK {}"}, headers=origin)
    assert posted.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        server.url + "/sparql",
        headers={
            **origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "Content-Type" in preflight.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in preflight.headers


def test_access_log_is_one_json_object_per_request(server: LiveServer) -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Collect()
    logging.getLogger(ACCESS_LOGGER).addHandler(handler)
    try:
        get(server, "ASK { ?s ?p ?o }")
        for _ in range(500):  # the line is written just after the response has gone out
            if records:
                break
            time.sleep(0.01)
    finally:
        logging.getLogger(ACCESS_LOGGER).removeHandler(handler)
    entry = json.loads(records[-1])
    assert entry["method"] == "GET" and entry["path"] == "/sparql" and entry["status"] == 200
    assert entry["query_hash"] == __import__("hashlib").sha256(b"ASK { ?s ?p ?o }").hexdigest()[:16]
    assert entry["bytes"] == len(b'{"head":{},"boolean":true}')
    assert entry["ms"] >= 0 and entry["client"] == "127.0.0.1"


# --- graph store reads ---------------------------------------------------------------------------


def test_graph_store_get_and_head(server: LiveServer) -> None:
    response = httpx.get(
        server.url + "/store", params={"graph": REPORTS}, headers={"accept": "application/n-triples"}
    )
    assert response.status_code == 200
    assert set(Graph().parse(data=response.content, format="nt")) == {
        (URIRef(EX + "report/1"), URIRef(EX + "agency"), URIRef(EX + "agency/1")),
        (URIRef(EX + "report/1"), RDFS.label, Literal("2021 年度报告")),
    }
    head = httpx.head(server.url + "/store", params={"graph": REPORTS})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == "text/turtle; charset=utf-8"
    missing = httpx.get(server.url + "/store", params={"graph": EX + "graph/none"})
    assert missing.status_code == 404
    default = httpx.get(server.url + "/store?default", headers={"accept": "application/n-triples"})
    assert default.status_code == 200 and default.content == b""  # everything lives in named graphs
    assert httpx.get(server.url + "/store").status_code == 400


# --- the result cap ------------------------------------------------------------------------------


def test_result_cap_marks_json_results(capped_server: LiveServer) -> None:
    response = get(capped_server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o")
    assert response.status_code == 200
    assert response.headers["ogikg-result-truncated"] == "true"
    assert response.headers["ogikg-result-limit"] == "3"
    body = response.json()
    assert len(body["results"]["bindings"]) == 3
    assert body["ogikg"] == {"truncated": True, "limit": 3}
    assert body["results"]["bindings"][0]["s"]["value"] == EX + "agency/1"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml"])
def test_result_cap_marks_other_formats_by_header_only(capped_server: LiveServer, fmt: str) -> None:
    response = get(capped_server, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", format=fmt)
    assert response.headers["ogikg-result-truncated"] == "true"
    if fmt == "xml":
        assert response.text.count("<result>") == 3
    else:
        assert len(response.text.splitlines()) == 4  # header + 3 rows
        assert "ogikg" not in response.text


def test_results_within_the_cap_are_not_marked(capped_server: LiveServer) -> None:
    response = get(capped_server, f"SELECT ?s WHERE {{ ?s <{RDFS.label}> ?o FILTER(LANG(?o) != '') }}")
    assert response.headers["ogikg-result-limit"] == "3"
    assert "ogikg-result-truncated" not in response.headers
    assert "ogikg" not in response.json()
    assert len(response.json()["results"]["bindings"]) == 2


def test_result_cap_applies_to_graphs(capped_server: LiveServer) -> None:
    response = get(capped_server, "CONSTRUCT WHERE { ?s ?p ?o }", format="nt")
    assert response.headers["ogikg-result-truncated"] == "true"
    assert len(Graph().parse(data=response.content, format="nt")) == 3


# --- writes by another process become visible ----------------------------------------------------


def test_writes_by_another_writer_become_visible(tmp_path: Path) -> None:
    """The workers open the store read-only; a writer such as ``ogikg load`` keeps working."""
    path = tmp_path / "store"
    create_store(path, GRAPHS)
    settings = ServerSettings(store=str(path), workers=2, query_timeout=20, access_log=False)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def counts(live: LiveServer) -> list[str]:
        # Several requests: whichever worker answers must see the same store.
        return [get(live, count, "text/csv").text.splitlines()[1] for _ in range(4)]

    loaded = EX + "graph/loaded"
    with live_server(create_app(settings)) as live:
        assert counts(live) == [str(QUAD_COUNT)] * 4
        writer = EmbeddedStore(path)  # allowed: the server holds no lock on the store
        try:
            writer.replace_graphs({loaded: f'<{EX}x> <{EX}p> "added" .\n'.encode()})
            assert counts(live) == [str(QUAD_COUNT + 1)] * 4
            nquads = tmp_path / "bulk.nq"
            nquads.write_text(
                "".join(f'<{EX}bulk/{i}> <{EX}p> "{i}" <{EX}graph/bulk> .\n' for i in range(500))
            )
            writer.load_nquads(str(nquads))  # a new graph goes through the bulk loader
            assert counts(live) == [str(QUAD_COUNT + 501)] * 4
            writer.drop_graphs([loaded, EX + "graph/bulk"])
            assert counts(live) == [str(QUAD_COUNT)] * 4
        finally:
            writer.close()
        assert httpx.get(live.url + "/healthz").json()["quads"] == QUAD_COUNT


# --- pure parts: negotiation and update rewriting ------------------------------------------------


def test_accept_parsing_follows_q_values_and_specificity() -> None:
    assert (
        negotiate("text/csv;q=0.2, */*;q=0.5", RESULT_FORMATS).media_type == "application/sparql-results+json"
    )
    assert negotiate("text/csv;q=0, */*", RESULT_FORMATS).media_type == "application/sparql-results+json"
    assert negotiate("text/*;q=0.9, text/csv;q=0", RESULT_FORMATS).media_type == "text/tab-separated-values"
    assert negotiate("garbage, application/sparql-results+xml", RESULT_FORMATS).media_type == (
        "application/sparql-results+xml"
    )
    assert negotiate("image/png, text/html", GRAPH_FORMATS) is None
    assert negotiate("", GRAPH_FORMATS).media_type == "text/turtle"


def test_protocol_dataset_becomes_using_clauses() -> None:
    update = 'INSERT { ?s a <http://x/C> } WHERE { ?s ?p "WHERE" } ; DELETE WHERE { ?s ?p ?o }'
    rewritten = apply_using_dataset(update, ["http://g/1"], ["http://g/2"])
    assert rewritten == (
        'INSERT { ?s a <http://x/C> } USING <http://g/1> USING NAMED <http://g/2> WHERE { ?s ?p "WHERE" } ; '
        "DELETE WHERE { ?s ?p ?o }"
    )
    with pytest.raises(DatasetConflict):
        apply_using_dataset("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://g/1"], [])
    assert apply_using_dataset("PREFIX ex: <http://x/> INSERT { ex:with ex:p 1 } WHERE {}", [], []) == (
        "PREFIX ex: <http://x/> INSERT { ex:with ex:p 1 } WHERE {}"
    )


# --- other executors and the helper for pages ----------------------------------------------------


def test_select_helper_returns_terms(tmp_path: Path) -> None:
    path = tmp_path / "store"
    create_store(path, GRAPHS)

    async def run() -> list[dict[str, Term]]:
        pool = WorkerPool(str(path), size=2, timeout=20)
        await pool.start()
        try:
            return await select(pool, SELECT_LABELS)
        finally:
            await pool.close()

    rows = asyncio.run(run())
    assert rows == [
        {"agency": Term("uri", EX + "agency/1"), "label": Term("literal", "统计局", lang="zh")},
        {"agency": Term("uri", EX + "agency/2"), "label": Term("literal", "Bureau of Statistics", lang="en")},
    ]


def test_a_store_behind_the_store_protocol_can_be_served(tmp_path: Path) -> None:
    """What a remote SPARQL store gets: the same routes, with the Store protocol's ``query``."""
    path = tmp_path / "store"
    create_store(path, GRAPHS)
    store = EmbeddedStore(path)
    try:
        settings = ServerSettings(store="https://sparql.example/endpoint", access_log=False)
        executor = StoreQueryExecutor(store, timeout=20, label=settings.store)
        with live_server(create_app(settings, executor=executor)) as live:
            assert get(live, SELECT_LABELS, "text/csv").text.splitlines()[1] == f"{EX}agency/1,统计局"
            graph = Graph().parse(data=get(live, CONSTRUCT_REQUESTS).content, format="turtle")
            assert set(graph) == EXPECTED_REQUESTS
            refused = get(live, "ASK { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
            assert refused.status_code == 403
            health = httpx.get(live.url + "/healthz").json()
            assert health["store"] == {"type": "remote", "path": "https://sparql.example/endpoint"}
            assert health["quads"] == QUAD_COUNT
    finally:
        store.close()


def test_large_results_arrive_whole(server: LiveServer) -> None:
    """Replies far larger than a pipe buffer travel from the worker intact (uvloop event loop)."""
    digits = "VALUES ?d { 0 1 2 3 4 5 6 7 8 9 }"
    query = (
        f"SELECT ?n ?text WHERE {{ {digits.replace('?d', '?a')} {digits.replace('?d', '?b')} "
        f"{digits.replace('?d', '?c')} BIND(?a * 100 + ?b * 10 + ?c AS ?n) "
        'BIND(CONCAT(STR(?n), ":", REPLACE(STR(?n), "^.*$", "数据-padding-padding-padding-padding")) AS ?s) '
        "BIND(CONCAT(?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s, ?s) AS ?text) } ORDER BY ?n"
    )
    response = get(server, query)
    assert response.status_code == 200
    assert len(response.content) > 500_000
    rows = response.json()["results"]["bindings"]
    assert len(rows) == 1000
    assert rows[999]["n"]["value"] == "999"
    assert rows[999]["text"]["value"].startswith("999:数据-padding")
