"""A store behind any SPARQL 1.1 service (Virtuoso, Fuseki, Oxigraph server, …), over HTTP.

Reads use the SPARQL protocol (POST, form-encoded). Results are fetched as SPARQL JSON or
N-Triples and re-serialised with pyoxigraph, so clients get the same bytes as from the embedded
store and server quirks are ironed out in one place (Virtuoso writes ``typed-literal`` and
booleans as ``1``/``0``).

Writes use SPARQL Update: a graph is replaced by ``DROP SILENT GRAPH <g> ; INSERT DATA …`` in one
request, atomic where the server runs a request as one transaction (Virtuoso does), and added to
(an agency's or an area's graph) by ``INSERT DATA`` alone. With a Graph Store Protocol URL a graph
is replaced by one PUT, and added to by one POST, instead.

Virtuoso quirks handled here:
- its SPARQL compiler gives up on big operations ("generated SQL text has exceeded 10000 lines",
  "memory exhausted") somewhere between 1,000 and 2,000 triples, so INSERT DATA is cut into
  operations of ``max_triples_per_operation`` triples, several per request;
- INSERT DATA refuses blank nodes, so triples with blank nodes go into ``INSERT {…} WHERE {}``
  operations, each holding whole blank-node-connected groups (so a blank node stays one node);
- INSERT DATA needs a named graph: default-graph triples cannot be loaded;
- its default dataset also contains its own system graphs, which ``graph_iris``, ``quad_count``
  and ``dump`` leave out (``hidden_graphs``).
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from ogikg.store.base import (
    LoadStats,
    QueryError,
    QueryResponse,
    ReadOnlyStoreError,
    StoreError,
    Term,
)
from ogikg.store.nquads import iter_graph_runs, parse_ntriples
from ogikg.store.results import (
    bindings_from_json,
    dataset_format,
    graph_format,
    normalise_json_results,
    serialize_triples,
    solutions_format,
)
from ogikg.store.sparql_text import query_form

VIRTUOSO_SYSTEM_GRAPHS: tuple[str, ...] = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
_JSON_RESULTS = "application/sparql-results+json"
_GSP_RUN = 200_000
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


@dataclass(slots=True)
class _Request:
    """One SPARQL Update request under construction."""

    operations: list[str] = field(default_factory=list)
    triples: int = 0


class RemoteStore:
    """A SPARQL 1.1 service: ``query_url`` for queries, ``update_url`` for SPARQL Update.

    ``gsp_url`` (Graph Store Protocol, ``?graph=`` parameter) makes graph replacement use PUT.
    ``user``/``password`` authenticate with HTTP digest (Virtuoso's /sparql-auth) or basic auth.
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        auth: Literal["digest", "basic"] = "digest",
        timeout: float = 120.0,
        hidden_graphs: Iterable[str] = VIRTUOSO_SYSTEM_GRAPHS,
        max_triples_per_operation: int = 1_000,
        max_triples_per_request: int = 10_000,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.hidden_graphs = tuple(hidden_graphs)
        self.max_triples_per_operation = max_triples_per_operation
        self.max_triples_per_request = max(max_triples_per_request, max_triples_per_operation)
        credentials: httpx.Auth | None = None
        if user is not None:
            password = password or ""
            credentials = (
                httpx.DigestAuth(user, password) if auth == "digest" else httpx.BasicAuth(user, password)
            )
        self._client = httpx.Client(auth=credentials, timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, update_url={self.update_url!r}, gsp_url={self.gsp_url!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- HTTP ----------------------------------------------------------------------------------

    def _send(
        self, method: str, url: str, *, tolerate: tuple[int, ...] = (), **kwargs: Any
    ) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise StoreError(f"{url}: {type(error).__name__}: {error}") from error
        if response.status_code >= 400 and response.status_code not in tolerate:
            detail = response.text.strip()[:800]
            if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 404):
                raise QueryError(f"{url} rejected the request ({response.status_code}): {detail}")
            raise StoreError(f"{url} answered {response.status_code}: {detail}")
        return response

    def _post_query(
        self,
        sparql: str,
        accept: str,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
    ) -> httpx.Response:
        form: list[tuple[str, str]] = [("query", sparql)]
        form += [("default-graph-uri", iri) for iri in default_graph_uris]
        form += [("named-graph-uri", iri) for iri in named_graph_uris]
        return self._send(
            "POST",
            self.query_url,
            content=urlencode(form).encode("ascii"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Send a SPARQL Update to the update endpoint (``base_iri`` becomes a BASE declaration)."""
        self._update(f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql)

    def _update(self, sparql: str) -> None:
        if self.update_url is None:
            raise ReadOnlyStoreError(f"{self.query_url}: no update endpoint configured")
        self._send(
            "POST",
            self.update_url,
            content=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    # -- queries -------------------------------------------------------------------------------

    def _json_results(
        self, sparql: str, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = ()
    ) -> dict[str, Any]:
        response = self._post_query(sparql, _JSON_RESULTS, default_graph_uris, named_graph_uris)
        try:
            return normalise_json_results(response.json())
        except (ValueError, AttributeError) as error:
            raise StoreError(f"{self.query_url}: answer is not SPARQL JSON: {response.text[:200]}") from error

    def _triples(
        self, sparql: str, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = ()
    ) -> list[ox.Triple]:
        response = self._post_query(sparql, _GRAPH_ACCEPT, default_graph_uris, named_graph_uris)
        essence = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        rdf_format = (
            ox.RdfFormat.N_TRIPLES
            if essence in ("", "text/plain")
            else ox.RdfFormat.from_media_type(essence) or ox.RdfFormat.N_TRIPLES
        )
        try:
            return [quad.triple for quad in ox.parse(response.content, format=rdf_format)]
        except SyntaxError as error:
            raise StoreError(f"{self.query_url}: unreadable {essence or 'graph'} answer: {error}") from error

    def query(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
    ) -> QueryResponse:
        form = query_form(sparql)
        if form is None:
            raise QueryError("not a SPARQL query (expected SELECT, ASK, CONSTRUCT or DESCRIBE)")
        if form in ("CONSTRUCT", "DESCRIBE"):
            graph_format(media_type)  # refuse an unusable media type before asking the server
            triples = self._triples(sparql, default_graph_uris, named_graph_uris)
            return serialize_triples(triples, media_type)
        results_format = solutions_format(media_type)
        document = self._json_results(sparql, default_graph_uris, named_graph_uris)
        results = ox.parse_query_results(json.dumps(document).encode(), format=ox.QueryResultsFormat.JSON)
        return QueryResponse(results.serialize(format=results_format) or b"", results_format.media_type)

    def select(self, sparql: str) -> list[dict[str, Term]]:
        document = self._json_results(sparql)
        if "boolean" in document:
            raise QueryError("select() needs a SELECT query")
        return bindings_from_json(document)

    def ask(self, sparql: str) -> bool:
        document = self._json_results(sparql)
        if "boolean" not in document:
            raise QueryError("ask() needs an ASK query")
        return bool(document["boolean"])

    def construct(self, sparql: str) -> list[ox.Triple]:
        return self._triples(sparql)

    def _visible_graph_filter(self, variable: str) -> str:
        if not self.hidden_graphs:
            return ""
        hidden = ", ".join(f"<{iri}>" for iri in self.hidden_graphs)
        return f"FILTER({variable} NOT IN ({hidden}))"

    def graph_iris(self) -> Iterator[str]:
        rows = self.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._visible_graph_filter('?g')} }}"
        )
        for row in rows:
            if row["g"].type == "uri":
                yield row["g"].value

    def quad_count(self) -> int:
        """Quads in the named graphs (system graphs excluded)."""
        rows = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._visible_graph_filter('?g')} }}"
        )
        return int(rows[0]["n"].value) if rows else 0

    # -- writes --------------------------------------------------------------------------------

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, additions: Mapping[str, bytes] | None = None
    ) -> LoadStats:
        """Replace each named graph of ``graphs`` by the N-Triples given for it, and add the
        N-Triples of ``additions`` to their graphs.

        Graphs are packed into as few requests as ``max_triples_per_request`` allows; a request is
        atomic on servers that run it as one transaction. A graph bigger than one request is
        spread over several and is then not replaced atomically.
        """
        started = time.perf_counter()
        quads = 0
        parsed = [
            (_named_node(iri), parse_ntriples(f"graph <{iri}>", data), True) for iri, data in graphs.items()
        ]
        parsed += [
            (_named_node(iri), parse_ntriples(f"graph <{iri}>", data), False)
            for iri, data in (additions or {}).items()
        ]
        if self.gsp_url is not None:
            for graph, triples, replace in parsed:
                if triples or replace:
                    self._gsp_write("PUT" if replace else "POST", graph, triples)
                quads += len(triples)
        else:
            requests = _UpdatePlanner(self.max_triples_per_operation, self.max_triples_per_request)
            for graph, triples, replace in parsed:
                requests.add(graph, triples, drop=replace)
                quads += len(triples)
            for sparql in requests.finish():
                self._update(sparql)
        return LoadStats(len(parsed), quads, time.perf_counter() - started)

    def _gsp_write(self, method: str, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        if self.gsp_url is None:  # pragma: no cover - callers check
            raise ReadOnlyStoreError("no Graph Store Protocol URL configured")
        if method == "PUT" and not triples:
            # Replacing by nothing is deleting; a graph that is not there is already gone.
            self._send("DELETE", self.gsp_url, params={"graph": graph.value}, tolerate=(404,))
            return
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        self._send(
            method,
            self.gsp_url,
            params={"graph": graph.value},
            content=body,
            headers={"Content-Type": "application/n-triples"},
        )

    def load_nquads(
        self, source: str, *, replace: bool = True, merge: Callable[[str], bool] | None = None
    ) -> LoadStats:
        """Stream an N-Quads/TriG file (optionally .gz) into the service graph by graph; with
        ``replace`` each graph is replaced, except those for which ``merge(iri)`` holds (added to)."""
        started = time.perf_counter()
        if self.update_url is None and self.gsp_url is None:
            raise ReadOnlyStoreError(f"{self.query_url}: no update endpoint configured")
        graphs: set[str] = set()
        quads = 0
        requests = _UpdatePlanner(self.max_triples_per_operation, self.max_triples_per_request)
        # One PUT carries a whole graph atomically, so Graph Store runs can be much longer.
        run_size = _GSP_RUN if self.gsp_url is not None else self.max_triples_per_request
        for run in iter_graph_runs(source, max_triples=run_size):
            if not isinstance(run.graph, ox.NamedNode):
                raise StoreError(f"{source}: only named graphs can be loaded into a remote store")
            graphs.add(run.graph.value)
            quads += len(run.triples)
            replaced = replace and run.first and not (merge is not None and merge(run.graph.value))
            if self.gsp_url is not None:
                self._gsp_write("PUT" if replaced else "POST", run.graph, run.triples)
                continue
            requests.add(run.graph, run.triples, drop=replaced)
            for sparql in requests.ready():
                self._update(sparql)
        for sparql in requests.finish():
            self._update(sparql)
        return LoadStats(len(graphs), quads, time.perf_counter() - started)

    def drop_graphs(self, graph_iris: Iterable[str]) -> None:
        operations = [f"DROP SILENT GRAPH {_named_node(iri)}" for iri in graph_iris]
        for start in range(0, len(operations), 500):
            self._update(" ;\n".join(operations[start : start + 500]))

    def dump(self, path: str, media_type: str) -> None:
        """Write every visible named graph as N-Quads or TriG (gzip when ``path`` ends in .gz)."""
        rdf_format = dataset_format(media_type)
        target = Path(path)
        opener = gzip.open if target.name.endswith(".gz") else open
        with opener(target, "wb") as stream:
            for iri in sorted(self.graph_iris()):
                self._dump_graph(stream, iri, rdf_format)  # type: ignore[arg-type]

    def _dump_graph(self, stream: IO[bytes], iri: str, rdf_format: ox.RdfFormat) -> None:
        graph = ox.NamedNode(iri)
        triples = self._triples(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        expected = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        if expected and int(expected[0]["n"].value) != len(triples):
            # Virtuoso cuts answers at ResultSetMaxRows without saying so.
            raise StoreError(
                f"{self.query_url}: graph <{iri}> has {expected[0]['n'].value} triples but the "
                f"server returned {len(triples)} (result-size limit?)"
            )
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        stream.write(ox.serialize(quads, format=rdf_format) or b"")


class _UpdatePlanner:
    """Packs graph writes into SPARQL Update requests within the server's size limits."""

    def __init__(self, per_operation: int, per_request: int) -> None:
        self._per_operation = per_operation
        self._per_request = per_request
        self._current = _Request()
        self._done: list[str] = []

    def add(self, graph: ox.NamedNode, triples: list[ox.Triple], *, drop: bool) -> None:
        operations: list[tuple[str, int]] = []
        if drop:
            operations.append((f"DROP SILENT GRAPH {graph}", 0))
        plain = [t for t in triples if not _has_blank_node(t)]
        for start in range(0, len(plain), self._per_operation):
            chunk = plain[start : start + self._per_operation]
            operations.append((f"INSERT DATA {{ GRAPH {graph} {{\n{_ntriples(chunk)}}} }}", len(chunk)))
        for group in _blank_node_groups([t for t in triples if _has_blank_node(t)], self._per_operation):
            # INSERT DATA may not hold blank nodes on Virtuoso; a template with an empty WHERE may.
            operations.append((f"INSERT {{ GRAPH {graph} {{\n{_ntriples(group)}}} }} WHERE {{}}", len(group)))
        # Keep a graph in one request when it fits, so its replacement stays atomic.
        size = sum(count for _, count in operations)
        if self._current.triples and self._current.triples + size > self._per_request:
            self._close_current()
        for operation, count in operations:
            if self._current.triples and self._current.triples + count > self._per_request:
                self._close_current()
            self._current.operations.append(operation)
            self._current.triples += count

    def _close_current(self) -> None:
        if self._current.operations:
            self._done.append(" ;\n".join(self._current.operations))
        self._current = _Request()

    def ready(self) -> list[str]:
        """Requests that are complete; the one being filled stays."""
        done, self._done = self._done, []
        return done

    def finish(self) -> list[str]:
        self._close_current()
        return self.ready()


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise StoreError(f"invalid graph IRI {iri!r}: {error}") from error


def _ntriples(triples: list[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _blank_node_groups(triples: list[ox.Triple], limit: int) -> list[list[ox.Triple]]:
    """Triples grouped so that triples sharing a blank node stay together, packed up to ``limit``."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def labels(triple: ox.Triple) -> list[str]:
        return [term.value for term in (triple.subject, triple.object) if isinstance(term, ox.BlankNode)]

    for triple in triples:
        first, *others = labels(triple)
        for other in others:
            parent[root(other)] = root(first)
    components: dict[str, list[ox.Triple]] = {}
    for triple in triples:
        components.setdefault(root(labels(triple)[0]), []).append(triple)
    packed: list[list[ox.Triple]] = []
    for component in components.values():
        if packed and len(packed[-1]) + len(component) <= limit:
            packed[-1].extend(component)
        else:
            packed.append(list(component))
    return packed
