"""Token-protected write routes: SPARQL Update (``/sparql/update``, ``/update``) and ``/admin/ingest``.

Every write needs ``Authorization: Bearer <OGIKG_ADMIN_TOKEN>``; without the setting, writes are
disabled entirely (403). These routes never send CORS headers: browsers on other sites cannot
call them with a user's credentials.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ogikg.server.errors import error_response
from ogikg.server.protocol_request import SPARQL_UPDATE, ProtocolError, media_type_of, read_protocol_request
from ogikg.server.settings import ServerSettings
from ogikg.server.sparql import QUERY_PATH, UPDATE_PATH, public_base, query_hash
from ogikg.server.sparql_text import DatasetConflict, apply_using_dataset
from ogikg.server.writes import WriteGateway, WritesDisabled

INGEST_PATH = "/admin/ingest"


def admin_refusal(request: Request) -> Response | None:
    """``None`` when the request carries the admin token; otherwise the 401/403 to send."""
    settings: ServerSettings = request.app.state.settings
    gateway: WriteGateway = request.app.state.writes
    if not settings.admin_token or gateway.store is None:
        return error_response(403, "writes are disabled on this server (no admin token is configured)")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings.admin_token.encode("utf-8")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode("utf-8"), expected):
        return error_response(
            401,
            "this route needs 'Authorization: Bearer <admin token>'",
            headers={"WWW-Authenticate": 'Bearer realm="ogikg"'},
        )
    return None


async def handle_update(request: Request) -> Response:
    refusal = admin_refusal(request)
    if refusal is not None:
        return refusal
    settings: ServerSettings = request.app.state.settings
    gateway: WriteGateway = request.app.state.writes
    try:
        protocol = await read_protocol_request(request, (SPARQL_UPDATE,))
        if protocol.values("query"):
            raise ProtocolError(400, f"this endpoint runs updates only; send queries to {QUERY_PATH}")
        updates = protocol.values("update")
        if protocol.direct_type == SPARQL_UPDATE:
            updates.append(protocol.direct_body or "")
        if len(updates) != 1:
            raise ProtocolError(400, f"the request must hold exactly one update (it holds {len(updates)})")
        request.state.query_hash = query_hash(updates[0])
        update = apply_using_dataset(
            updates[0], protocol.iris("using-graph-uri"), protocol.iris("using-named-graph-uri")
        )
    except ProtocolError as error:
        return error_response(error.status, error.message)
    except DatasetConflict as conflict:
        return error_response(400, str(conflict))
    try:
        # Relative IRIs resolve against the endpoint (the Protocol: the base "MAY be the service endpoint").
        await gateway.update(update, base_iri=public_base(request, settings) + UPDATE_PATH)
    except SyntaxError as error:
        return error_response(400, f"SPARQL Update syntax error: {error}")
    except WritesDisabled as disabled:
        return error_response(403, str(disabled))
    except ValueError as error:
        return error_response(400, str(error))
    return Response(status_code=204)


async def handle_ingest(request: Request) -> Response:
    refusal = admin_refusal(request)
    if refusal is not None:
        return refusal
    settings: ServerSettings = request.app.state.settings
    gateway: WriteGateway = request.app.state.writes
    media_type, _ = media_type_of(request.headers.get("content-type"))
    if media_type != "multipart/form-data":
        return error_response(415, "upload report files as multipart/form-data (one or more 'files' parts)")
    form = await request.form(max_files=10_000, max_fields=100, max_part_size=settings.max_upload_bytes)
    files: list[tuple[str, bytes]] = []
    try:
        for _, value in form.multi_items():
            if isinstance(value, UploadFile):
                files.append((value.filename or "upload", await value.read()))
    finally:
        await form.close()
    if not files:
        return error_response(400, "the upload holds no files")
    try:
        manifest = await gateway.ingest(files)
    except WritesDisabled as disabled:
        return error_response(501 if gateway.store is not None else 403, str(disabled))
    return JSONResponse(manifest)


def build_router(settings: ServerSettings) -> APIRouter:
    router = APIRouter(tags=["admin"], max_body_size=settings.max_upload_bytes)
    for path in (UPDATE_PATH, "/update"):
        router.add_api_route(path, handle_update, methods=["POST"])
    router.add_api_route(INGEST_PATH, handle_ingest, methods=["POST"])
    return router
