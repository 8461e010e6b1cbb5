"""The FastAPI application: one router per concern, assembled by ``create_app``.

Routers: ``sparql`` (public query endpoint + service description), ``gsp`` (Graph Store on
``/store``), ``admin`` (token-protected update and ingest) and ``/healthz``; routers for pages
(HTML views of IRIs, the query page, dumps, VoID) are passed in ``routers`` and can reach the
executor as ``request.app.state.executor`` (see ``ogikg.server.executor.select``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse

from ogikg import __version__
from ogikg.server import admin, gsp, sparql
from ogikg.server.cors import PublicReadRoute
from ogikg.server.executor import QueryExecutor, QueryFailed, StoreQueryExecutor, WorkerPool
from ogikg.server.logging import AccessLogMiddleware
from ogikg.server.settings import ServerSettings
from ogikg.server.site import store_counts
from ogikg.server.writes import IngestHook, WriteGateway
from ogikg.store.base import Store

HEALTH_PATH = "/healthz"


def default_executor(settings: ServerSettings) -> QueryExecutor:
    """Worker processes over the on-disk store, or threads in front of a remote SPARQL store."""
    if settings.store_is_remote:
        from ogikg.store.open import open_store

        return StoreQueryExecutor(
            open_store(settings.store), timeout=settings.query_timeout, label=settings.store
        )
    return WorkerPool(
        settings.store,
        size=settings.workers,
        timeout=settings.query_timeout,
        memory_mb=settings.worker_memory_mb,
    )


async def healthz(request: Request) -> JSONResponse:
    settings: ServerSettings = request.app.state.settings
    executor: QueryExecutor = request.app.state.executor
    body: dict[str, object] = {
        "status": "ok",
        "version": __version__,
        "store": executor.describe(),
        "writes_enabled": settings.writes_enabled,
        "query_timeout_s": settings.query_timeout,
        "result_limit": settings.result_limit,
    }
    try:
        stats = await store_counts(request)
    except QueryFailed as failure:
        stats = None
        body["status"] = "degraded"
        body["problem"] = failure.message
    body["quads"] = stats.quads if stats else None
    body["named_graphs"] = stats.named_graphs if stats else None
    return JSONResponse(body, status_code=200 if stats is not None else 503)


def build_health_router() -> APIRouter:
    router = APIRouter(route_class=PublicReadRoute, tags=["operations"])
    router.add_api_route(HEALTH_PATH, healthz, methods=["GET"])
    return router


def create_app(
    settings: ServerSettings,
    *,
    executor: QueryExecutor | None = None,
    writable_store: Store | None = None,
    ingest: IngestHook | None = None,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The server application.

    ``executor`` defaults to worker processes over ``settings.store``; ``writable_store`` (opened
    read-write by the caller) receives the token-protected writes and is ignored unless
    ``settings.admin_token`` is set; ``ingest`` is the converter pipeline behind ``/admin/ingest``;
    ``routers`` are added after the built-in ones.
    """
    query_executor = executor if executor is not None else default_executor(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await query_executor.start()
        try:
            yield
        finally:
            await query_executor.close()

    app = FastAPI(
        title="ogikg linked-data server",
        version=__version__,
        lifespan=lifespan,
        docs_url="/api",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.executor = query_executor
    app.state.writes = WriteGateway(writable_store if settings.writes_enabled else None, ingest)
    if settings.access_log:
        app.add_middleware(AccessLogMiddleware)
    app.include_router(sparql.build_router(settings))
    app.include_router(admin.build_router(settings))
    app.include_router(gsp.build_router(settings))
    app.include_router(build_health_router())
    for router in routers:
        app.include_router(router)
    return app
