"""CORS for the public read routes only: any origin, never credentials; write routes get none.

Routers that serve public data (the SPARQL endpoint, and later pages and dumps) use
``PublicReadRoute`` as their ``route_class``; every response of theirs, errors included, carries
``Access-Control-Allow-Origin: *``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from ogikg.server.errors import error_response

CORS_HEADERS: dict[str, str] = {
    "Access-Control-Allow-Origin": "*",
    # Let browser scripts read the truncation markers and the result type.
    "Access-Control-Expose-Headers": (
        "OGIKG-Result-Truncated, OGIKG-Result-Limit, Content-Type, Content-Length"
    ),
}
PREFLIGHT_HEADERS: dict[str, str] = {
    **CORS_HEADERS,
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def preflight_response() -> Response:
    return Response(status_code=204, headers=PREFLIGHT_HEADERS)


class PublicReadRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_cors(request: Request) -> Response:
            try:
                response = await handler(request)
            except HTTPException as error:
                response = error_response(error.status_code, str(error.detail), headers=error.headers)
            for name, value in CORS_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return with_cors
