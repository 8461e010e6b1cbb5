"""Harness for the W3C SPARQL 1.1 Protocol and Service Description tests, and a live server for tests.

The protocol manifest describes HTTP exchanges in RDF (``ht:Request`` with method, path, headers,
body; expected status class, result format and boolean). ``protocol_cases`` reads them with rdflib;
``replay`` sends each request to a live server — the manifest's ``/sparql/`` prefix becomes our
query endpoint ``/sparql`` or, for update operations, the token-protected ``/sparql/update`` — and
returns what did not match the expectations.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from ogikg.store.embedded import EmbeddedStore
from shared import require_shared

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

W3C_DATA_GRAPH = "http://kasei.us/2009/09/sparql/data/data{n}.rdf"


# --- shared test material ------------------------------------------------------------------------


# --- stores for tests ----------------------------------------------------------------------------


def writable_test_store(path: Path) -> EmbeddedStore:
    """The project's embedded store opened read-write, as ``ogikg serve --admin-token`` opens it."""
    return EmbeddedStore(path)


def create_store(path: Path, graphs: Mapping[str, str]) -> None:
    """Create an on-disk store holding ``graphs`` (graph IRI -> N-Triples) and close it."""
    store = ox.Store(str(path))
    for iri, ntriples in graphs.items():
        graph = ox.NamedNode(iri)
        store.extend(
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
        )
    store.flush()
    del store


def w3c_graphs() -> dict[str, str]:
    folder = require_shared("w3c/sparql11-protocol")
    return {W3C_DATA_GRAPH.format(n=n): (folder / f"data{n}.nt").read_text("utf-8") for n in (1, 2, 3)}


# --- a live uvicorn server -----------------------------------------------------------------------


@dataclass
class LiveServer:
    app: FastAPI
    url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def start(self) -> LiveServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)


@contextmanager
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    server = LiveServer(app).start()
    try:
        yield server
    finally:
        server.stop()


# --- the protocol manifest -----------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected_status: frozenset[str]
    """Status classes: '2xx', '3xx', '4xx', '5xx'."""
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolCase:
    name: str
    title: str
    exchanges: tuple[Exchange, ...]
    graph_data: tuple[str, ...] = field(default=())

    @property
    def is_update_case(self) -> bool:
        return self.name.startswith(("update_", "bad_update_"))


def _literal(graph: Graph, node: Any, predicate: URIRef) -> str | None:
    value = graph.value(node, predicate)
    return None if value is None else str(value)


def _exchange(graph: Graph, request: Any) -> Exchange:
    headers: dict[str, str] = {}
    header_list = graph.value(request, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
    body: bytes | None = None
    body_node = graph.value(request, HT.body)
    if body_node is not None:
        encoding = _literal(graph, body_node, CNT.characterEncoding) or "UTF-8"
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(request, HT.resp)
    statuses = frozenset(
        str(status).rsplit("StatusCode", 1)[-1].lower()
        for status in graph.objects(response, MF.expectedStatus)
    )
    boolean = graph.value(response, MF.expectedBoolean)
    return Exchange(
        method=str(graph.value(request, HT.methodName)),
        path=str(graph.value(request, HT.absolutePath)),
        headers=headers,
        body=body,
        expected_status=statuses,
        expected_format=_literal(graph, response, MF.expectedFormat),
        expected_boolean=None if boolean is None else bool(boolean.toPython()),
    )


def protocol_cases(manifest: Path) -> list[ProtocolCase]:
    graph = Graph().parse(manifest, format="turtle")
    manifest_node = next(graph.subjects(RDF.type, MF.Manifest))
    cases: list[ProtocolCase] = []
    for test in Collection(graph, graph.value(manifest_node, MF.entries)):
        action = graph.value(test, MF.action)
        requests = Collection(graph, graph.value(action, HT.requests))
        data = tuple(str(graph.value(entry, UT.graph)) for entry in graph.objects(test, UT.graphData))
        cases.append(
            ProtocolCase(
                name=str(test).rsplit("#", 1)[-1],
                title=str(graph.value(test, MF.name)),
                exchanges=tuple(_exchange(graph, request) for request in requests),
                graph_data=data,
            )
        )
    return cases


def service_description_cases(manifest: Path) -> list[tuple[str, str]]:
    graph = Graph().parse(manifest, format="turtle")
    manifest_node = next(graph.subjects(RDF.type, MF.Manifest))
    return [
        (str(test).rsplit("#", 1)[-1], str(graph.value(test, MF.name)))
        for test in Collection(graph, graph.value(manifest_node, MF.entries))
    ]


# --- replaying exchanges -------------------------------------------------------------------------

_RESULT_TYPES = {
    "application/sparql-results+json",
    "application/json",
    "application/sparql-results+xml",
    "application/xml",
    "text/xml",
    "text/csv",
    "text/tab-separated-values",
}
_RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


def _is_query_request(exchange: Exchange) -> bool:
    content_type = exchange.headers.get("content-type", "")
    if content_type.startswith("application/sparql-query"):
        return True
    text = exchange.path + "&" + (exchange.body or b"").decode("utf-8", "replace")
    return "query=" in text and "update=" not in text


def target_path(case: ProtocolCase, exchange: Exchange) -> str:
    """The manifest's ``/sparql/…`` path on our server: updates go to the update endpoint."""
    assert exchange.path.startswith("/sparql/"), exchange.path
    rest = exchange.path[len("/sparql/") :]
    endpoint = "/sparql/update" if case.is_update_case and not _is_query_request(exchange) else "/sparql"
    return endpoint + rest


def _boolean_of(content_type: str, body: bytes) -> bool | None:
    if content_type in ("application/sparql-results+json", "application/json"):
        value = json.loads(body).get("boolean")
        return value if isinstance(value, bool) else None
    if content_type in ("application/sparql-results+xml", "application/xml", "text/xml"):
        element = ElementTree.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
        return None if element is None else element.text == "true"
    if content_type in ("text/csv", "text/tab-separated-values"):
        return body.strip() == b"true"
    return None


def check_response(exchange: Exchange, response: httpx.Response) -> list[str]:
    problems: list[str] = []
    status_class = f"{response.status_code // 100}xx"
    if exchange.expected_status and status_class not in exchange.expected_status:
        problems.append(
            f"status {response.status_code}, expected {sorted(exchange.expected_status)}: "
            + response.text[:300]
        )
        return problems
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if exchange.expected_format in ("boolean", "tabular"):
        if content_type not in _RESULT_TYPES:
            problems.append(f"{exchange.expected_format} result served as {content_type!r}")
        elif (
            exchange.expected_format == "tabular"
            and content_type.endswith("json")
            and "vars" not in json.loads(response.content).get("head", {})
        ):
            problems.append("JSON results without head.vars")
    if exchange.expected_format == "RDF":
        if content_type not in _RDF_TYPES:
            problems.append(f"RDF result served as {content_type!r}")
        else:
            Graph().parse(data=response.content, format=_RDF_TYPES[content_type])
    if exchange.expected_boolean is not None and not problems:
        actual = _boolean_of(content_type, response.content)
        if actual is not exchange.expected_boolean:
            problems.append(f"boolean {actual}, expected {exchange.expected_boolean}")
    return problems


def replay(case: ProtocolCase, base_url: str, *, token: str | None = None) -> list[str]:
    """Send the case's requests in order; the problems found (empty: the test passes)."""
    problems: list[str] = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for index, exchange in enumerate(case.exchanges, start=1):
            headers = dict(exchange.headers)
            path = target_path(case, exchange)
            if token and path.startswith("/sparql/update"):
                headers["authorization"] = f"Bearer {token}"
            response = client.request(exchange.method, path, headers=headers, content=exchange.body)
            problems.extend(
                f"request {index} ({exchange.method} {path}): {p}" for p in check_response(exchange, response)
            )
    return problems


# --- the service description ---------------------------------------------------------------------

SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}


def service_description_problems(graph: Graph, endpoint: str) -> list[str]:
    """Check a description against the SD vocabulary's domains and ranges (the test's "schema")."""
    problems: list[str] = []
    services = set(graph.subjects(RDF.type, SD.Service))
    if not services:
        problems.append("no sd:Service")
    for service in services:
        endpoints = list(graph.objects(service, SD.endpoint))
        if len(endpoints) != 1 or not isinstance(endpoints[0], URIRef):
            problems.append(f"sd:Service {service} needs exactly one IRI sd:endpoint")
        languages = set(graph.objects(service, SD.supportedLanguage))
        if not languages or not languages <= SD_LANGUAGES:
            problems.append(f"sd:supportedLanguage {languages} outside {SD_LANGUAGES}")
        for predicate in (SD.resultFormat, SD.feature, SD.defaultEntailmentRegime, SD.inputFormat):
            for value in graph.objects(service, predicate):
                if not isinstance(value, URIRef):
                    problems.append(f"{predicate} value {value!r} is not an IRI")
        for dataset in graph.objects(service, SD.defaultDataset):
            if (dataset, RDF.type, SD.Dataset) not in graph:
                problems.append("sd:defaultDataset is not typed sd:Dataset")
            for default_graph in graph.objects(dataset, SD.defaultGraph):
                if (default_graph, RDF.type, SD.Graph) not in graph:
                    problems.append("sd:defaultGraph is not typed sd:Graph")
    if not any(str(o) == endpoint for o in graph.objects(None, SD.endpoint)):
        problems.append(f"no sd:endpoint <{endpoint}>")
    return problems
