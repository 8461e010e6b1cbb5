"""The public SPARQL 1.1 Protocol endpoint for queries: ``/sparql`` (GET, POST, OPTIONS).

Read-only: updates sent here get 403 with directions. Without a query, GET returns the service
description. Results are negotiated from ``format=`` or ``Accept`` before the query runs; the
worker then serialises the result completely, so an error status is possible until the end.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ogikg.server.cors import PublicReadRoute, preflight_response
from ogikg.server.errors import error_response
from ogikg.server.executor import QueryExecutor, QueryFailed
from ogikg.server.jobs import QueryJob, QueryOutcome
from ogikg.server.negotiation import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Choice,
    FormatKind,
    describe,
    format_from_param,
    negotiate,
)
from ogikg.server.protocol_request import (
    SPARQL_QUERY,
    SPARQL_UPDATE,
    ProtocolError,
    ProtocolRequest,
    read_protocol_request,
)
from ogikg.server.service_description import (
    DESCRIPTION_FORMATS,
    describe_service,
    html_pointer,
    render_description,
)
from ogikg.server.settings import ServerSettings
from ogikg.server.sparql_text import looks_like_update

QUERY_PATH = "/sparql"
UPDATE_PATH = "/sparql/update"
QUERY_PAGE_PATH = "/query"

TRUNCATED_HEADER = "OGIKG-Result-Truncated"
LIMIT_HEADER = "OGIKG-Result-Limit"


def public_base(request: Request, settings: ServerSettings) -> str:
    """The server's external base URL, without a trailing slash."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def query_hash(sparql: str) -> str:
    return hashlib.sha256(sparql.encode("utf-8")).hexdigest()[:16]


def read_only_refusal(settings: ServerSettings) -> Response:
    where = (
        f"send updates to {UPDATE_PATH} with 'Authorization: Bearer <admin token>'"
        if settings.writes_enabled
        else "this server accepts no updates at all"
    )
    return error_response(403, f"this endpoint is read-only: SPARQL Update is not accepted here ({where})")


def not_acceptable(kind: str, asked: str) -> Response:
    formats = RESULT_FORMATS if kind == "results" else GRAPH_FORMATS
    what = "SELECT and ASK results" if kind == "results" else "CONSTRUCT and DESCRIBE results"
    return error_response(
        406, f"{what} cannot be served as {asked}; available: {describe(formats)} (or format=…)"
    )


def outcome_response(outcome: QueryOutcome, choice: Choice, settings: ServerSettings) -> Response:
    headers = {"Vary": "Accept"}
    if outcome.kind in ("bindings", "graph"):
        headers[LIMIT_HEADER] = str(settings.result_limit)
        if outcome.truncated:
            headers[TRUNCATED_HEADER] = "true"
    return Response(outcome.body, media_type=choice.content_type, headers=headers)


def _from_format_params(values: list[str], kind: FormatKind) -> Choice | None:
    """The first ``format=`` value that names a format of this kind (clients such as SPARQLWrapper
    repeat the parameter with synonyms, e.g. ``format=tsv&format=text/tab-separated-values``)."""
    for value in values:
        choice = format_from_param(value, kind)
        if choice is not None:
            return choice
    return None


def _choices(protocol: ProtocolRequest, accept: str | None) -> tuple[Choice | None, Choice | None, str]:
    """Results and graph formats for this request (``format=`` wins over Accept), and what was asked."""
    requested = [value for value in protocol.values("format") if value.strip()]
    if requested:
        asked = f"format={requested[0]}"
        return _from_format_params(requested, "results"), _from_format_params(requested, "graph"), asked
    return negotiate(accept, RESULT_FORMATS), negotiate(accept, GRAPH_FORMATS), f"Accept: {accept}"


async def _service_description(request: Request, protocol: ProtocolRequest) -> Response:
    settings: ServerSettings = request.app.state.settings
    requested = [value for value in protocol.values("format") if value.strip()]
    if requested:
        choice = _from_format_params(requested, "graph")
        if choice is not None and choice.format not in DESCRIPTION_FORMATS:
            choice = None
    else:
        choice = negotiate(request.headers.get("accept"), DESCRIPTION_FORMATS)
    base = public_base(request, settings)
    if choice is None:
        return error_response(406, f"the service description is available as {describe(DESCRIPTION_FORMATS)}")
    if choice.format.name == "html":
        return HTMLResponse(
            html_pointer(base + QUERY_PATH, base + QUERY_PAGE_PATH), headers={"Vary": "Accept"}
        )
    from ogikg.server.site import store_counts  # site → dumps → this module

    try:
        stats = await store_counts(request)
    except QueryFailed:
        stats = None  # the description is still useful without the counts
    update_endpoint = base + UPDATE_PATH if settings.writes_enabled else None
    graph = describe_service(base + QUERY_PATH, settings, stats, update_endpoint)
    return Response(
        render_description(graph, choice.format), media_type=choice.content_type, headers={"Vary": "Accept"}
    )


async def handle_sparql(request: Request) -> Response:
    settings: ServerSettings = request.app.state.settings
    executor: QueryExecutor = request.app.state.executor
    try:
        protocol = await read_protocol_request(request, (SPARQL_QUERY, SPARQL_UPDATE))
        queries = protocol.values("query")
        updates = protocol.values("update")
        if protocol.direct_type == SPARQL_QUERY:
            queries.append(protocol.direct_body or "")
        elif protocol.direct_type == SPARQL_UPDATE:
            updates.append(protocol.direct_body or "")
        if queries and updates:
            raise ProtocolError(400, "the request holds both a query and an update; send one operation")
        if updates:
            return read_only_refusal(settings)
        if len(queries) > 1:
            raise ProtocolError(400, f"the request holds {len(queries)} queries; send exactly one")
        if not queries:
            if request.method == "GET":
                return await _service_description(request, protocol)
            raise ProtocolError(400, "no query: send it as 'query=' or as an application/sparql-query body")
        sparql = queries[0]
        request.state.query_hash = query_hash(sparql)
        if not sparql.strip():
            raise ProtocolError(400, "the query is empty")
        if len(sparql.encode("utf-8")) > settings.max_query_bytes:
            raise ProtocolError(413, f"the query is longer than the {settings.max_query_bytes}-byte limit")
        results_choice, graph_choice, asked = _choices(protocol, request.headers.get("accept"))
        if results_choice is None and graph_choice is None:
            return error_response(
                406,
                f"nothing this endpoint produces matches {asked}; results: {describe(RESULT_FORMATS)}; "
                f"graphs: {describe(GRAPH_FORMATS)}",
            )
        job = QueryJob(
            sparql=sparql,
            results_format=results_choice.format.name if results_choice else None,
            graph_format=graph_choice.format.name if graph_choice else None,
            result_limit=settings.result_limit,
            default_graph_uris=protocol.iris("default-graph-uri"),
            named_graph_uris=protocol.iris("named-graph-uri"),
            base_iri=public_base(request, settings) + QUERY_PATH,
            union_default_graph=settings.union_default_graph,
            service_allowlist=settings.service_allowlist,
        )
    except ProtocolError as error:
        return error_response(error.status, error.message)
    try:
        outcome = await executor.run(job)
    except QueryFailed as failure:
        request.state.query_outcome = failure.kind
        if failure.kind == "not_acceptable":
            return not_acceptable(failure.message, asked)
        if failure.kind == "syntax" and looks_like_update(sparql):
            return read_only_refusal(settings)
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
        prefix = "SPARQL syntax error: " if failure.kind == "syntax" else ""
        return error_response(failure.status, prefix + failure.message, headers=headers)
    if outcome.truncated:
        request.state.query_outcome = "truncated"
    choice = graph_choice if outcome.kind == "graph" else results_choice
    assert choice is not None  # the worker refuses (406) a form the client accepts no format for
    return outcome_response(outcome, choice, settings)


def build_router(settings: ServerSettings) -> APIRouter:
    # A URL-encoded query can be three times its text; dataset parameters need a little more.
    body_limit = 3 * settings.max_query_bytes + 64 * 1024
    router = APIRouter(route_class=PublicReadRoute, tags=["SPARQL"], max_body_size=body_limit)
    for path in (QUERY_PATH, QUERY_PATH + "/"):
        router.add_api_route(
            path, handle_sparql, methods=["GET", "POST"], include_in_schema=path == QUERY_PATH
        )
        router.add_api_route(path, preflight_response, methods=["OPTIONS"], include_in_schema=False)
    return router
