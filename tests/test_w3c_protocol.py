"""W3C SPARQL 1.1 Protocol (34) and Service Description (3) tests against live servers.

Query tests run against the public read-only endpoint. Update tests run against a second server
with writes enabled, sending the admin token to ``/sparql/update``; the public endpoint refusing
the same updates (403) is checked separately, since that is its intended behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph

from ogikg.server.app import create_app
from ogikg.server.settings import ServerSettings
from shared import SHARED, require_shared
from w3c_protocol import (
    LiveServer,
    ProtocolCase,
    create_store,
    live_server,
    protocol_cases,
    replay,
    service_description_cases,
    service_description_problems,
    target_path,
    w3c_graphs,
    writable_test_store,
)

TOKEN = "w3c-test-token"
PROTOCOL_MANIFEST = SHARED / "w3c/sparql11-protocol/manifest.ttl"
SD_MANIFEST = SHARED / "w3c/sparql11-service-description/manifest.ttl"


def _cases() -> list[ProtocolCase]:
    return protocol_cases(PROTOCOL_MANIFEST) if PROTOCOL_MANIFEST.exists() else []


def _sd_cases() -> list[tuple[str, str]]:
    return service_description_cases(SD_MANIFEST) if SD_MANIFEST.exists() else []


CASES = _cases()
SD_CASES = _sd_cases()


def test_manifests_are_present_and_complete() -> None:
    require_shared("w3c/sparql11-protocol/manifest.ttl")
    require_shared("w3c/sparql11-service-description/manifest.ttl")
    assert len(CASES) == 34
    assert [name for name, _ in SD_CASES] == ["has-endpoint-triple", "returns-rdf", "conforms-to-schema"]


@pytest.fixture(scope="module")
def public_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("w3c-public") / "store"
    create_store(path, w3c_graphs())
    settings = ServerSettings(store=str(path), workers=2, query_timeout=20, access_log=False)
    with live_server(create_app(settings)) as server:
        yield server


@pytest.fixture(scope="module")
def update_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("w3c-update") / "store"
    create_store(path, w3c_graphs())
    store = writable_test_store(path)
    settings = ServerSettings(
        store=str(path), workers=2, query_timeout=20, admin_token=TOKEN, access_log=False
    )
    try:
        with live_server(create_app(settings, writable_store=store)) as server:
            yield server
    finally:
        store.close()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_protocol(case: ProtocolCase, request: pytest.FixtureRequest) -> None:
    server: LiveServer = request.getfixturevalue("update_server" if case.is_update_case else "public_server")
    problems = replay(case, server.url, token=TOKEN if case.is_update_case else None)
    assert not problems, f"{case.title}: " + "; ".join(problems)


UPDATE_CASES = [case for case in CASES if case.name.startswith("update_")]


@pytest.mark.parametrize("case", UPDATE_CASES, ids=[case.name for case in UPDATE_CASES])
def test_public_endpoint_refuses_updates(case: ProtocolCase, public_server: LiveServer) -> None:
    update = case.exchanges[0]
    with httpx.Client(base_url=public_server.url) as client:
        response = client.request(
            update.method,
            "/sparql" + update.path[len("/sparql/") :],
            headers=update.headers,
            content=update.body,
        )
    assert response.status_code == 403, response.text
    assert "read-only" in response.text
    assert target_path(case, update).startswith("/sparql/update")


@pytest.mark.parametrize("name", [name for name, _ in SD_CASES])
def test_service_description(name: str, public_server: LiveServer) -> None:
    endpoint = public_server.url + "/sparql"
    if name == "returns-rdf":
        for accept, rdflib_format in (
            (None, "turtle"),
            ("text/turtle", "turtle"),
            ("application/rdf+xml", "xml"),
            ("application/ld+json", "json-ld"),
            ("application/n-triples", "nt"),
        ):
            headers = {"accept": accept} if accept else {}
            response = httpx.get(endpoint, headers=headers)
            assert response.status_code == 200
            graph = Graph().parse(data=response.content, format=rdflib_format)
            assert len(graph) > 10, accept
        return
    graph = Graph().parse(
        data=httpx.get(endpoint, headers={"accept": "text/turtle"}).content, format="turtle"
    )
    problems = service_description_problems(graph, endpoint)
    if name == "has-endpoint-triple":
        problems = [p for p in problems if "sd:endpoint" in p]
    assert not problems
