"""Error responses people can read: status line, then the reason in plain text."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

from starlette.responses import PlainTextResponse


def error_response(
    status: int, message: str, *, headers: Mapping[str, str] | None = None
) -> PlainTextResponse:
    phrase = HTTPStatus(status).phrase
    return PlainTextResponse(
        f"{status} {phrase}: {message}\n", status_code=status, headers=dict(headers or {})
    )
