"""SPARQL 1.1 Graph Store HTTP Protocol on ``/store`` (indirect identification).

``?graph=<iri>`` names a graph, ``?default`` the default graph. GET and HEAD are public reads (they
run through the query workers, with the deadline and the result cap); PUT, POST and DELETE need
the admin token and become one atomic SPARQL Update each.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from ogikg.server.admin import admin_refusal
from ogikg.server.errors import error_response
from ogikg.server.executor import QueryExecutor, QueryFailed
from ogikg.server.jobs import QueryJob
from ogikg.server.negotiation import GRAPH_FORMATS, describe, negotiate
from ogikg.server.protocol_request import ProtocolError, ProtocolRequest, media_type_of
from ogikg.server.settings import ServerSettings
from ogikg.server.sparql import outcome_response, public_base
from ogikg.server.writes import WriteGateway, WritesDisabled

STORE_PATH = "/store"

# Graph payloads the store accepts (content type -> parser format).
PAYLOAD_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def _target(request: Request) -> str | None:
    """The graph IRI the request names, or ``None`` for the default graph."""
    protocol = ProtocolRequest(list(request.query_params.multi_items()))
    graphs = protocol.iris("graph")
    wants_default = "default" in request.query_params
    if len(graphs) > 1:
        raise ProtocolError(400, "give one ?graph=<iri>")
    if graphs and wants_default:
        raise ProtocolError(400, "give either ?graph=<iri> or ?default, not both")
    if not graphs and not wants_default:
        raise ProtocolError(400, "name the graph with ?graph=<iri>, or use ?default for the default graph")
    return graphs[0] if graphs else None


def _exists_probe(graph: str) -> str:
    return f"ASK {{ GRAPH <{graph}> {{ }} }}"


async def handle_read(request: Request) -> Response:
    settings: ServerSettings = request.app.state.settings
    executor: QueryExecutor = request.app.state.executor
    try:
        graph = _target(request)
    except ProtocolError as error:
        return error_response(error.status, error.message)
    choice = negotiate(request.headers.get("accept"), GRAPH_FORMATS)
    if choice is None:
        return error_response(406, f"graphs are available as {describe(GRAPH_FORMATS)}")
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    job = QueryJob(
        sparql=f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}",
        results_format=None,
        graph_format=choice.format.name,
        result_limit=settings.result_limit,
        union_default_graph=False,  # ?default is the store's own default graph
    )
    try:
        outcome = await executor.run(job)
        if graph and outcome.rows == 0:
            probe = await executor.run(
                QueryJob(_exists_probe(graph), results_format="tsv", graph_format=None, result_limit=1)
            )
            if probe.body.strip() != b"true":
                return error_response(404, f"the store has no graph <{graph}>")
    except QueryFailed as failure:
        return error_response(failure.status, failure.message)
    return outcome_response(outcome, choice, settings)


def _payload_as_ntriples(body: bytes, content_type: str | None, base_iri: str) -> str:
    media_type, _ = media_type_of(content_type)
    if media_type not in PAYLOAD_FORMATS:
        raise ProtocolError(415, f"send the graph as one of: {', '.join(PAYLOAD_FORMATS)}")
    try:
        quads = list(ox.parse(body, format=PAYLOAD_FORMATS[media_type], base_iri=base_iri))
    except SyntaxError as error:
        raise ProtocolError(400, f"the {media_type} payload does not parse: {error}") from None
    if any(not isinstance(quad.graph_name, ox.DefaultGraph) for quad in quads):
        raise ProtocolError(400, "the payload names graphs; send the triples of one graph")
    return ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


async def handle_write(request: Request) -> Response:
    refusal = admin_refusal(request)
    if refusal is not None:
        return refusal
    settings: ServerSettings = request.app.state.settings
    gateway: WriteGateway = request.app.state.writes
    try:
        graph = _target(request)
        update: str | None
        if request.method == "DELETE":
            update = f"DROP SILENT GRAPH <{graph}>" if graph else "CLEAR DEFAULT"
        else:
            base_iri = graph or public_base(request, settings) + STORE_PATH
            triples = _payload_as_ntriples(
                await request.body(), request.headers.get("content-type"), base_iri
            )
            target = f"GRAPH <{graph}> {{ {triples} }}" if graph else triples
            insert = f"INSERT DATA {{ {target} }}" if triples.strip() else None
            if request.method == "PUT":
                reset = (
                    f"DROP SILENT GRAPH <{graph}> ; CREATE SILENT GRAPH <{graph}>"
                    if graph
                    else "CLEAR DEFAULT"
                )
                update = f"{reset} ;\n{insert}" if insert else reset
            else:  # POST merges into the graph (creating it if needed)
                update = insert or (f"CREATE SILENT GRAPH <{graph}>" if graph else None)
    except ProtocolError as error:
        return error_response(error.status, error.message)
    if update is None:
        return Response(status_code=204)  # nothing to merge into the default graph
    try:
        existed = await gateway.update(update, probe=_exists_probe(graph) if graph else None)
    except WritesDisabled as disabled:
        return error_response(403, str(disabled))
    except (SyntaxError, ValueError) as error:
        return error_response(400, str(error))
    if request.method == "DELETE" and graph and not existed:
        return error_response(404, f"the store has no graph <{graph}>")
    created = request.method != "DELETE" and graph is not None and existed is False
    return Response(status_code=201 if created else 204)


def build_router(settings: ServerSettings) -> APIRouter:
    router = APIRouter(tags=["graph store"], max_body_size=settings.max_upload_bytes)
    router.add_api_route(STORE_PATH, handle_read, methods=["GET", "HEAD"])
    router.add_api_route(STORE_PATH, handle_write, methods=["PUT", "POST", "DELETE"])
    return router
