"""Structured access log: one JSON object per request on stderr.

Fields: ts, method, path, status, ms (duration), bytes (response body), query_hash (first 16 hex
digits of the SHA-256 of the SPARQL text, so a slow query can be found without logging its text),
outcome (timeout, busy, truncated, …) and client.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "ogikg.access"


def access_logger() -> logging.Logger:
    """The access logger, writing bare JSON lines to stderr (configured once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.logger = logger or access_logger()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})  # handlers add query_hash / outcome here
        status = 500
        size = 0

        async def counting_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            client = scope.get("client")
            record = {
                "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "bytes": size,
                "query_hash": state.get("query_hash"),
                "outcome": state.get("query_outcome"),
                "client": client[0] if client else None,
            }
            self.logger.info(json.dumps(record, ensure_ascii=False))
