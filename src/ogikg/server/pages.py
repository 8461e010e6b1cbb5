"""The pages people open: the landing page, and every IRI of the dataset dereferenced.

Routes (``pages_router``):

- ``/`` — what is loaded (reports per form generation and year, agencies, triples, last load) and
  how to query it (endpoint, curl for the four result formats, links to /query, /def/, /dumps/,
  /.well-known/void);
- ``/id/…`` — data IRIs (``<base>id/…``): reports (laid out as the official form, with findings),
  agencies (reports by year, key figures charted), observations, anything else (its properties and
  what links to it);
- ``/graph/…`` — named graphs: a summary page, or the graph's triples as RDF;
- ``/def/`` and ``/def/…`` — the vocabulary (``ogikg.ontology.docs``), indicators with their latest
  values in the store; ``/eli/…`` — legal provisions;
- ``/static/…`` — the pages' own CSS and JavaScript (and the optional YASGUI build).

Every IRI route negotiates (``conneg_rdf``): HTML, Turtle, JSON-LD, N-Triples, RDF/XML; the RDF
is the IRI's Concise Bounded Description (for the vocabulary: the term's triples).

``site_routers(settings)`` returns these routers together with the query page, the dumps and the
catalogue, ready for ``create_app(settings, routers=...)``.
"""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response

from ogikg import iris
from ogikg.ontology.catalogue import catalogue
from ogikg.ontology.docs import label_of, render_docs, render_term, term_turtle
from ogikg.server.catalog import VOID_PATH, catalog_router
from ogikg.server.conneg_rdf import (
    Wanted,
    alternates,
    candidates,
    convert_turtle,
    link_header,
    negotiated_headers,
    not_acceptable,
    rdf_response,
    serialize_triples,
)
from ogikg.server.cors import PublicReadRoute
from ogikg.server.describe import (
    Described,
    agency_count_query,
    agency_figures_query,
    agency_reports_query,
    agency_view,
    cbd_query,
    cell_values_query,
    described_from,
    graph_construct,
    graph_owner_query,
    graph_size_query,
    graph_summary_query,
    graph_view,
    incoming_query,
    indicator_template,
    indicator_values,
    indicator_values_query,
    key_figure_series,
    landing_counts,
    latest_reports_query,
    observation_context_query,
    observation_findings_query,
    observation_kind,
    observation_view,
    outgoing_query,
    recent_reports_query,
    report_counts_query,
    resource_view,
    total_cell_iri,
)
from ogikg.server.describe_report import GENERATIONS, printed_grids, report_graph_query, report_view
from ogikg.server.dumps import DUMPS_PATH, dumps_router, read_manifest, vocabulary_triples
from ogikg.server.errors import error_response
from ogikg.server.executor import QueryFailed
from ogikg.server.negotiation import RESULT_FORMATS
from ogikg.server.query_page import QUERY_PAGE_PATH, query_router
from ogikg.server.settings import ServerSettings
from ogikg.server.site import (
    SiteState,
    last_modified,
    render,
    run_graph,
    run_select,
    static_dir,
    store_counts,
)
from ogikg.server.sparql import QUERY_PATH, public_base
from ogikg.server.svg_chart import chart_grid
from ogikg.store.base import Term

OGI = iris.VOCAB
_INDICATOR_KINDS = ("indicator", "derived", "narrative")
LATEST_VALUES = 20
_STATIC_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}
EXAMPLE_QUERY = (
    f"PREFIX ogi: <{iris.VOCAB}> "
    "SELECT ?year (COUNT(?report) AS ?reports) WHERE { ?report a ogi:AnnualReport ; ogi:reportYear ?year } "
    "GROUP BY ?year ORDER BY ?year"
)


def site_routers(settings: ServerSettings) -> list[APIRouter]:
    """Every human-facing router (pages, query page, dumps, catalogue), sharing one state."""
    state = SiteState.from_settings(settings)
    warm_up()
    return [pages_router(state), query_router(state), dumps_router(state), catalog_router(state)]


def warm_up() -> None:
    """Read the vocabulary and lay out the forms now, so the first visitor does not wait for it."""
    catalogue()
    label_of(iris.VOCAB + "AnnualReport")
    for generation in GENERATIONS:
        printed_grids(generation)


def _html(body: str, *, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=headers)


def _failure(failure: QueryFailed) -> Response:
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
    return error_response(failure.status, failure.message, headers=headers)


def _not_found(iri: str, wanted: Wanted | None, state: SiteState) -> Response:
    if wanted is not None and wanted.choice is not None and not wanted.html:
        return error_response(404, f"<{iri}> is not described in this dataset", headers={"Vary": "Accept"})
    body = render("not_found.html", iri=iri, base=state.base, state=state)
    return _html(body, status=404, headers={"Vary": "Accept"})


@cache
def _vocabulary_rdf(name: str) -> bytes:
    return serialize_triples(vocabulary_triples(), name)


def pages_router(state: SiteState) -> APIRouter:
    router = APIRouter(route_class=PublicReadRoute, tags=["pages"])

    # -- landing --------------------------------------------------------------------------------

    async def landing(request: Request) -> Response:
        settings = state.settings
        base_url = public_base(request, settings)
        manifest = read_manifest(state.dumps_dir)
        modified = last_modified(settings)
        try:
            stats = await store_counts(request)
        except QueryFailed:
            stats = None  # counting a large store can outlast the query limit: the page goes on
        try:
            counts = state.cache_get("landing")
            if counts is None:
                rows = await asyncio.gather(
                    run_select(request, report_counts_query()),
                    run_select(request, agency_count_query()),
                    run_select(request, recent_reports_query()),
                )
                counts = landing_counts(rows[0], rows[1], rows[2], state)
                state.cache_put("landing", counts)
        except QueryFailed as failure:
            return _failure(failure)
        curls = [
            (
                fmt.media_type,
                f"curl -H 'Accept: {fmt.media_type}' "
                f"--data-urlencode 'query={EXAMPLE_QUERY}' {base_url}{QUERY_PATH}",
            )
            for fmt in RESULT_FORMATS
        ]
        body = render(
            "landing.html",
            counts=counts,
            stats=stats,
            modified=modified.strftime("%Y-%m-%d %H:%M:%S UTC") if modified else None,
            endpoint=base_url + QUERY_PATH,
            curls=curls,
            manifest=manifest,
            query_page=QUERY_PAGE_PATH,
            dumps_page=DUMPS_PATH,
            void_page=VOID_PATH,
            base=state.base,
        )
        return _html(body)

    # -- data IRIs ------------------------------------------------------------------------------

    async def data_resource(request: Request, path: str) -> Response:
        readings = candidates(path, request.query_params, request.headers.get("accept"))
        try:
            for wanted in readings:
                iri = state.data_iri("id", wanted.path)
                try:
                    described = described_from(iri, await run_select(request, outgoing_query(iri)))
                except ValueError:
                    continue
                if described.exists:
                    break
            else:
                return _not_found(state.data_iri("id", readings[-1].path), readings[-1], state)
            if wanted.choice is None:
                return not_acceptable(wanted.asked)
            page_path = "/id/" + wanted.path
            if not wanted.html:
                body = await run_graph(request, cbd_query(iri), wanted.choice.format.name)
                return rdf_response(body, wanted, page_path)
            html = await _resource_page(request, described, page_path)
        except QueryFailed as failure:
            return _failure(failure)
        headers = negotiated_headers(wanted, page_path)
        headers["Link"] = link_header(page_path)
        return _html(html, headers=headers)

    async def _resource_page(request: Request, described: Described, page_path: str) -> str:
        types = set(described.types)
        common: dict[str, Any] = {"alternates": alternates(page_path), "page_path": page_path, "state": state}
        if OGI + "AnnualReport" in types:
            rows = await run_select(request, report_graph_query(described.iri))
            report = report_view(described.iri, rows, state)
            if report is not None:
                return render("report.html", report=report, **common)
        if OGI + "Agency" in types:
            series = key_figure_series()
            reports, figures = await asyncio.gather(
                run_select(request, agency_reports_query(described.iri)),
                run_select(request, agency_figures_query(described.iri, series)),
            )
            agency = agency_view(described, reports, figures, series, state)
            return render("agency.html", agency=agency, chart=chart_grid(agency.series), **common)
        if observation_kind(types):
            context, findings = await asyncio.gather(
                run_select(request, observation_context_query(described.iri)),
                run_select(request, observation_findings_query(described.iri)),
            )
            return render(
                "observation.html", obs=observation_view(described, context, findings, state), **common
            )
        incoming = await run_select(request, incoming_query(described.iri))
        return render("resource.html", resource=resource_view(described, incoming, state), **common)

    # -- named graphs ---------------------------------------------------------------------------

    async def named_graph(request: Request, path: str) -> Response:
        readings = candidates(path, request.query_params, request.headers.get("accept"))
        try:
            for wanted in readings:
                iri = state.data_iri("graph", wanted.path)
                try:
                    size, owners = await asyncio.gather(
                        run_select(request, graph_size_query(iri)),
                        run_select(request, graph_owner_query(iri)),
                    )
                except ValueError:
                    continue
                if (size and int(size[0]["triples"].value) > 0) or owners:
                    break
            else:
                return _not_found(state.data_iri("graph", readings[-1].path), readings[-1], state)
            if wanted.choice is None:
                return not_acceptable(wanted.asked)
            page_path = "/graph/" + wanted.path
            if not wanted.html:
                body = await run_graph(request, graph_construct(iri), wanted.choice.format.name)
                return rdf_response(body, wanted, page_path)
            types = await run_select(request, graph_summary_query(iri))
        except QueryFailed as failure:
            return _failure(failure)
        view = graph_view(iri, size, types, owners, state)
        headers = negotiated_headers(wanted, page_path)
        headers["Link"] = link_header(page_path)
        page = render("graph.html", graph=view, alternates=alternates(page_path), state=state)
        return _html(page, headers=headers)

    # -- vocabulary and legal provisions ----------------------------------------------------------

    async def vocabulary_index(request: Request) -> Response:
        wanted = candidates("", request.query_params, request.headers.get("accept"))[-1]
        if wanted.choice is None:
            return not_acceptable(wanted.asked)
        if wanted.html:
            return _html(render_docs("/"), headers={"Vary": "Accept"})
        return Response(
            _vocabulary_rdf(wanted.choice.format.name),
            media_type=wanted.choice.content_type,
            headers={"Vary": "Accept"},
        )

    async def vocabulary_term(request: Request, path: str, namespace: str, area: str) -> Response:
        readings = candidates(path, request.query_params, request.headers.get("accept"))
        for wanted in readings:
            iri = namespace + wanted.path
            turtle = term_turtle(iri)
            if turtle is not None:
                break
        else:
            return _not_found(namespace + path, readings[-1], state)
        if wanted.choice is None:
            return not_acceptable(wanted.asked)
        page_path = f"/{area}/{wanted.path}"
        if not wanted.html:
            return rdf_response(convert_turtle(turtle, wanted.choice.format.name), wanted, page_path)
        html = render_term(iri, "/") or ""
        concept = catalogue().by_iri.get(iri)
        if concept is not None and concept.kind in _INDICATOR_KINDS:
            key = "values:" + iri
            values = state.cache_get(key)
            if values is None:
                try:
                    values = indicator_values(await _latest_values(request, concept.notation, iri), state)
                    state.cache_put(key, values)
                except QueryFailed:
                    values = []
            section = render("indicator_values.html", values=values, iri=iri)
            html = html.replace("</body>", section + "\n</body>", 1)
        headers = negotiated_headers(wanted, page_path)
        headers["Link"] = link_header(page_path)
        return _html(html, headers=headers)

    async def _latest_values(request: Request, notation: str, iri: str) -> list[dict[str, Term]]:
        """Cells of the latest reports of the indicator's form, looked up by their IRIs; or, for
        an indicator without a form (or a store minted otherwise), every cell of the indicator."""
        template = indicator_template(notation)
        if template is not None:
            reports = await run_select(request, latest_reports_query(template, 2 * LATEST_VALUES))
            cells = [total_cell_iri(row["report"].value, notation) for row in reports]
            rows = await run_select(request, cell_values_query(cells, LATEST_VALUES)) if cells else []
            if rows or not reports:
                return rows
        return await run_select(request, indicator_values_query(iri, LATEST_VALUES))

    async def definition(request: Request, path: str) -> Response:
        if not path:
            return await vocabulary_index(request)
        return await vocabulary_term(request, path, iris.VOCAB, "def")

    async def provision(request: Request, path: str) -> Response:
        return await vocabulary_term(request, path, iris.ELI, "eli")

    async def to_vocabulary(request: Request) -> Response:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse("/def/" + query, status_code=308)

    # -- static files ---------------------------------------------------------------------------------

    async def static(path: str) -> Response:
        root = static_dir().resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return PlainTextResponse("404 Not Found\n", status_code=404)
        media_type = _STATIC_TYPES.get(Path(path).suffix)
        return FileResponse(target, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})

    methods = ["GET", "HEAD"]
    router.add_api_route("/", landing, methods=methods, include_in_schema=False)
    router.add_api_route("/id/{path:path}", data_resource, methods=methods)
    router.add_api_route("/graph/{path:path}", named_graph, methods=methods)
    router.add_api_route("/def", to_vocabulary, methods=methods, include_in_schema=False)
    router.add_api_route("/def/{path:path}", definition, methods=methods)
    router.add_api_route("/eli/{path:path}", provision, methods=methods)
    router.add_api_route("/static/{path:path}", static, methods=methods, include_in_schema=False)
    return router
