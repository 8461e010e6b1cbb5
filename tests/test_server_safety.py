"""Safe by default: deadline, SERVICE refusal, read-only public endpoint, token-protected writes,
request size limits, CORS only on reads, clear start-up errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import httpx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from ogikg.server.app import create_app
from ogikg.server.executor import StoreUnavailable
from ogikg.server.run import check_store_directory, open_writable_store, serve_command
from ogikg.server.settings import ServerSettings, SettingsError
from ogikg.store.embedded import EmbeddedStore
from w3c_protocol import LiveServer, create_store, live_server, writable_test_store

TOKEN = "s3cret-token"
EX = "http://example.org/"
DATA_GRAPH = EX + "graph/data"
# 3,000 triples: a three-way cartesian product over them (2.7e10 rows) never finishes.


def items(count: int) -> str:
    return "".join(f'<{EX}item/{i}> <{EX}value> "{i}" .\n' for i in range(count))


BULK = items(3000)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SIMPLE = f'ASK {{ <{EX}item/7> <{EX}value> "7" }}'


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("safety-public") / "store"
    create_store(path, {DATA_GRAPH: BULK})
    settings = ServerSettings(
        store=str(path), workers=2, query_timeout=2.0, max_query_bytes=4096, access_log=False
    )
    with live_server(create_app(settings)) as server:
        yield server


class FakeIngest:
    """Records what the server hands to the converter pipeline and answers with a manifest."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[tuple[str, bytes]], Any]] = []

    def __call__(self, files: list[tuple[str, bytes]], store: Any) -> list[dict[str, Any]]:
        self.calls.append((files, store))
        return [{"file": name, "status": "converted", "bytes": len(data)} for name, data in files]


@pytest.fixture(scope="module")
def ingest_hook() -> FakeIngest:
    return FakeIngest()


@pytest.fixture(scope="module")
def writable(
    tmp_path_factory: pytest.TempPathFactory, ingest_hook: FakeIngest
) -> Iterator[tuple[LiveServer, Any]]:
    path = tmp_path_factory.mktemp("safety-writable") / "store"
    create_store(path, {DATA_GRAPH: items(500)})
    store = writable_test_store(path)
    settings = ServerSettings(
        store=str(path),
        workers=2,
        query_timeout=10,
        admin_token=TOKEN,
        max_upload_bytes=64 * 1024,
        access_log=False,
    )
    try:
        with live_server(create_app(settings, writable_store=store, ingest=ingest_hook)) as server:
            yield server, store
    finally:
        store.close()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def ask(server: LiveServer, query: str) -> bool:
    response = httpx.get(server.url + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


# --- the deadline --------------------------------------------------------------------------------


def test_runaway_query_is_stopped_while_other_queries_are_answered(public: LiveServer) -> None:
    finished: dict[str, float] = {}
    responses: dict[str, httpx.Response] = {}

    def send(name: str, query: str) -> None:
        responses[name] = httpx.get(public.url + "/sparql", params={"query": query}, timeout=60)
        finished[name] = time.monotonic()

    slow = threading.Thread(target=send, args=("slow", RUNAWAY))
    slow.start()
    time.sleep(0.3)  # let the runaway query occupy a worker first
    send("simple", SIMPLE)
    slow.join()
    assert responses["simple"].status_code == 200
    assert responses["simple"].json()["boolean"] is True
    assert finished["simple"] < finished["slow"]  # answered while the runaway query was still running
    assert responses["slow"].status_code == 503
    assert "did not finish within the 2 s time limit and was stopped" in responses["slow"].text
    assert responses["slow"].headers["access-control-allow-origin"] == "*"


def test_a_killed_worker_is_replaced(public: LiveServer) -> None:
    response = httpx.get(public.url + "/sparql", params={"query": RUNAWAY}, timeout=60)
    assert response.status_code == 503
    health: dict[str, Any] = {}
    for _ in range(200):  # replacement happens in the background
        health = httpx.get(public.url + "/healthz").json()
        if health["store"]["workers_alive"] == 2:
            break
        time.sleep(0.05)
    assert health["store"]["workers_alive"] == 2
    assert health["store"]["workers_replaced"] >= 1
    assert ask(public, SIMPLE) is True


# --- SERVICE -------------------------------------------------------------------------------------


def test_service_to_our_own_endpoint_is_refused(public: LiveServer) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{public.url}/sparql> {{ ?s ?p ?o }} }}"
    response = httpx.get(public.url + "/sparql", params={"query": query})
    assert response.status_code == 403
    assert f"SERVICE <{public.url}/sparql> is not allowed" in response.text
    assert "federated queries are disabled" in response.text
    client = SPARQLWrapper(public.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    with pytest.raises(HTTPError) as refusal:  # SPARQLWrapper passes 403 through as urllib's error
        client.queryAndConvert()
    assert refusal.value.code == 403


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX r: <http://127.0.0.1:9/> SELECT * { ?s ?p ?o OPTIONAL { service r:sparql { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://169.254.169.254/latest> { ?s ?p ?o } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT <http://10.0.0.1/sparql> { ?s ?p ?o } } } }",
        "ASK { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://10.0.0.2/sparql> } }",
    ],
)
def test_hidden_service_clauses_are_refused(public: LiveServer, query: str) -> None:
    response = httpx.get(public.url + "/sparql", params={"query": query})
    assert response.status_code == 403
    assert "not allowed" in response.text


def test_the_word_service_elsewhere_is_fine(public: LiveServer) -> None:
    assert ask(public, f'ASK {{ ?s ?p ?o FILTER(?o != "SERVICE <{EX}x> {{}}") }} # service') is True


def test_allow_listed_service_is_called(tmp_path: Path) -> None:
    path = tmp_path / "store"
    create_store(path, {DATA_GRAPH: items(200)})
    with live_server(create_app(ServerSettings(store=str(path), access_log=False))) as upstream:
        downstream_settings = ServerSettings(
            store=str(path), service_allowlist=(upstream.url + "/sparql",), query_timeout=20, access_log=False
        )
        with live_server(create_app(downstream_settings)) as downstream:
            query = f'ASK {{ SERVICE <{upstream.url}/sparql> {{ <{EX}item/1> <{EX}value> "1" }} }}'
            assert ask(downstream, query) is True
            other = f"ASK {{ SERVICE <{upstream.url}/other> {{ ?s ?p ?o }} }}"
            refused = httpx.get(downstream.url + "/sparql", params={"query": other})
            assert refused.status_code == 403 and f"allowed: {upstream.url}/sparql" in refused.text


# --- read-only public endpoint -------------------------------------------------------------------


def test_updates_on_the_public_endpoint_are_refused(public: LiveServer) -> None:
    url = public.url + "/sparql"
    insert = f"INSERT DATA {{ <{EX}s> <{EX}p> <{EX}o> }}"
    for response in (
        httpx.post(url, data={"update": insert}),
        httpx.post(url, content=insert.encode(), headers={"content-type": "application/sparql-update"}),
        httpx.get(url, params={"update": insert}),
        httpx.get(url, params={"query": insert}),
    ):
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
    assert ask(public, f"ASK {{ <{EX}s> <{EX}p> <{EX}o> }}") is False


def test_public_server_has_no_write_routes(public: LiveServer) -> None:
    update = httpx.post(public.url + "/sparql/update", data={"update": "CLEAR ALL"}, headers=auth())
    assert update.status_code == 403 and "writes are disabled" in update.text
    put = httpx.put(
        public.url + "/store",
        params={"graph": EX + "g"},
        content=b"",
        headers={**auth(), "content-type": "text/turtle"},
    )
    assert put.status_code == 403
    assert ask(public, SIMPLE) is True


# --- writes behind the token ---------------------------------------------------------------------


def test_sparql_update_needs_the_token(writable: tuple[LiveServer, Any]) -> None:
    server, _ = writable
    insert = f'INSERT DATA {{ GRAPH <{EX}graph/u> {{ <{EX}u> <{EX}p> "updated" }} }}'
    for path in ("/sparql/update", "/update"):
        missing = httpx.post(server.url + path, data={"update": insert})
        assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
        wrong = httpx.post(server.url + path, data={"update": insert}, headers=auth("guess"))
        assert wrong.status_code == 401
        assert "access-control-allow-origin" not in wrong.headers
    assert ask(server, f'ASK {{ <{EX}u> <{EX}p> "updated" }}') is False
    accepted = httpx.post(
        server.url + "/sparql/update",
        content=insert.encode(),
        headers={**auth(), "content-type": "application/sparql-update"},
    )
    assert accepted.status_code == 204, accepted.text
    assert ask(server, f'ASK {{ <{EX}u> <{EX}p> "updated" }}') is True
    bad = httpx.post(server.url + "/update", data={"update": "INSERT DATA {"}, headers=auth())
    assert bad.status_code == 400 and "SPARQL Update syntax error" in bad.text


def test_graph_store_writes_need_the_token(writable: tuple[LiveServer, Any]) -> None:
    server, _ = writable
    graph = EX + "graph/gsp"
    turtle = f'<{EX}a> <{EX}p> "one" , "two" .'.encode()
    headers = {"content-type": "text/turtle"}
    store_url = server.url + "/store"
    assert httpx.put(store_url, params={"graph": graph}, content=turtle, headers=headers).status_code == 401
    assert httpx.delete(store_url, params={"graph": graph}, headers=auth("nope")).status_code == 401
    created = httpx.put(store_url, params={"graph": graph}, content=turtle, headers={**headers, **auth()})
    assert created.status_code == 201
    assert "access-control-allow-origin" not in created.headers
    fetched = httpx.get(store_url, params={"graph": graph}, headers={"accept": "application/n-triples"})
    assert set(Graph().parse(data=fetched.content, format="nt")) == {
        (URIRef(EX + "a"), URIRef(EX + "p"), Literal("one")),
        (URIRef(EX + "a"), URIRef(EX + "p"), Literal("two")),
    }
    replaced = httpx.put(
        store_url,
        params={"graph": graph},
        content=f'<{EX}a> <{EX}p> "three" .'.encode(),
        headers={"content-type": "application/n-triples", **auth()},
    )
    assert replaced.status_code == 204
    merged = httpx.post(
        store_url,
        params={"graph": graph},
        content=f'[{{"@id": "{EX}b", "{EX}p": "four"}}]'.encode(),
        headers={"content-type": "application/ld+json", **auth()},
    )
    assert merged.status_code == 204
    fetched = httpx.get(store_url, params={"graph": graph}, headers={"accept": "application/n-triples"})
    assert {str(o) for o in Graph().parse(data=fetched.content, format="nt").objects()} == {"three", "four"}
    unsupported = httpx.put(
        store_url, params={"graph": graph}, content=b"x", headers={"content-type": "text/csv", **auth()}
    )
    assert unsupported.status_code == 415
    broken = httpx.put(store_url, params={"graph": graph}, content=b"<a> <b", headers={**headers, **auth()})
    assert broken.status_code == 400 and "does not parse" in broken.text
    assert httpx.delete(store_url, params={"graph": graph}, headers=auth()).status_code == 204
    assert httpx.delete(store_url, params={"graph": graph}, headers=auth()).status_code == 404
    assert httpx.get(store_url, params={"graph": graph}).status_code == 404


def test_ingest_calls_the_hook_and_returns_its_manifest(
    writable: tuple[LiveServer, Any], ingest_hook: FakeIngest
) -> None:
    server, store = writable
    files = [
        ("files", ("a.txt", b"report one", "text/plain")),
        ("files", ("b.html", b"<p>two</p>", "text/html")),
    ]
    refused = httpx.post(server.url + "/admin/ingest", files=files)
    assert refused.status_code == 401
    assert ingest_hook.calls == []
    response = httpx.post(server.url + "/admin/ingest", files=files, headers=auth())
    assert response.status_code == 200
    assert response.json() == [
        {"file": "a.txt", "status": "converted", "bytes": 10},
        {"file": "b.html", "status": "converted", "bytes": 10},
    ]
    ((received, given_store),) = ingest_hook.calls
    assert received == [("a.txt", b"report one"), ("b.html", b"<p>two</p>")]
    assert given_store is store
    assert "access-control-allow-origin" not in response.headers
    not_multipart = httpx.post(
        server.url + "/admin/ingest", content=b"x", headers={**auth(), "content-type": "text/plain"}
    )
    assert not_multipart.status_code == 415


def test_ingest_without_a_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "store"
    create_store(path, {DATA_GRAPH: items(100)})
    store = EmbeddedStore(path)
    try:
        settings = ServerSettings(store=str(path), admin_token=TOKEN, access_log=False)
        with live_server(create_app(settings, writable_store=store)) as server:
            response = httpx.post(
                server.url + "/admin/ingest", files=[("files", ("a.txt", b"x"))], headers=auth()
            )
            assert response.status_code == 501 and "no ingest pipeline" in response.text
    finally:
        store.close()


# --- size limits ---------------------------------------------------------------------------------


def test_request_size_limits(public: LiveServer, writable: tuple[LiveServer, Any]) -> None:
    long_query = "ASK { " + " ".join(f"<{EX}{i}> ?p ?o ." for i in range(200)) + " }"
    assert len(long_query) > 4096
    too_long = httpx.post(
        public.url + "/sparql",
        content=long_query.encode(),
        headers={"content-type": "application/sparql-query"},
    )
    assert too_long.status_code == 413 and "4096-byte limit" in too_long.text
    huge_body = httpx.post(public.url + "/sparql", data={"query": "ASK {}", "pad": "x" * 100_000})
    assert huge_body.status_code == 413
    server, _ = writable
    upload = httpx.put(
        server.url + "/store",
        params={"graph": EX + "big"},
        content=b"# " + b"x" * 70_000,
        headers={"content-type": "text/turtle", **auth()},
    )
    assert upload.status_code == 413


# --- start-up errors -----------------------------------------------------------------------------


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-store"
    with pytest.raises(StoreUnavailable, match=str(missing)):
        check_store_directory(str(missing))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(StoreUnavailable, match="not an ogikg store"):
        check_store_directory(str(empty))
    result = CliRunner().invoke(serve_command, ["--store", str(missing)])
    assert result.exit_code == 2
    assert f"store directory {missing} does not exist" in result.output


def test_locked_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "store"
    holder = EmbeddedStore(path)  # as `ogikg load` would, in another process
    try:
        with pytest.raises(
            StoreUnavailable, match=f"store at {path} is .*serve read-only without an admin token"
        ):
            open_writable_store(str(path))
    finally:
        holder.close()


def test_settings_from_environment() -> None:
    settings = ServerSettings.from_env(
        {
            "OGIKG_STORE": "data/store",
            "OGIKG_WORKERS": "4",
            "OGIKG_QUERY_TIMEOUT": "2.5",
            "OGIKG_RESULT_LIMIT": "10",
            "OGIKG_ADMIN_TOKEN": "t",
            "OGIKG_SERVICE_ALLOWLIST": "https://a.example/sparql, https://b.example/sparql",
            "OGIKG_UNION_DEFAULT_GRAPH": "false",
        },
        workers=3,
    )
    assert (settings.store, settings.workers, settings.query_timeout, settings.result_limit) == (
        "data/store",
        3,
        2.5,
        10,
    )
    assert settings.writes_enabled and settings.union_default_graph is False
    assert settings.service_allowlist == ("https://a.example/sparql", "https://b.example/sparql")
    with pytest.raises(SettingsError, match="OGIKG_WORKERS"):
        ServerSettings.from_env({"OGIKG_WORKERS": "many"})
    with pytest.raises(SettingsError, match="at least 2"):
        ServerSettings.from_env({}, workers=1)
    assert ServerSettings.from_env({"OGIKG_ADMIN_TOKEN": ""}).writes_enabled is False
