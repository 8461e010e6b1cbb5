"""Reading a SPARQL 1.1 Protocol request: GET parameters, URL-encoded POST, or a direct POST body.

Shared by the query endpoint and the update endpoint; both then decide what they accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")


class ProtocolError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class ProtocolRequest:
    params: list[tuple[str, str]]
    """URL parameters and, for a URL-encoded POST, the form fields, in order."""
    direct_body: str | None = None
    """The operation sent as the whole body (``application/sparql-query`` / ``-update``)."""
    direct_type: str | None = None

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.params if key == name]

    def single(self, name: str) -> str | None:
        values = self.values(name)
        if len(values) > 1:
            raise ProtocolError(
                400, f"the request gives the parameter '{name}' {len(values)} times; give it once"
            )
        return values[0] if values else None

    def iris(self, name: str) -> tuple[str, ...]:
        values = self.values(name)
        for value in values:
            if not _IRI.match(value):
                raise ProtocolError(400, f"{name} is not an absolute IRI: {value!r}")
        return tuple(values)


def media_type_of(header: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) of a Content-Type header, both lower-cased; ``None`` when absent."""
    if not header or not header.strip():
        return None, None
    parts = [part.strip() for part in header.split(";")]
    charset = None
    for parameter in parts[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


def _decode(body: bytes, charset: str | None, what: str) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"{what} must be UTF-8 encoded (the request declares charset={charset})")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"{what} is not valid UTF-8: {error}") from None


def parse_form(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError(400, f"the form body cannot be decoded: {error}") from None


async def read_protocol_request(request: Request, direct_types: tuple[str, ...]) -> ProtocolRequest:
    """The parameters (and direct body) of a GET or POST; ``direct_types`` are the body types accepted."""
    url_params = list(request.query_params.multi_items())
    if request.method in ("GET", "HEAD"):
        return ProtocolRequest(url_params)
    media_type, charset = media_type_of(request.headers.get("content-type"))
    if media_type is None:
        raise ProtocolError(
            415,
            "a POST needs a Content-Type: application/x-www-form-urlencoded, " + ", ".join(direct_types),
        )
    if media_type == FORM:
        body = await request.body()
        return ProtocolRequest(url_params + parse_form(_decode(body, charset, "the form body")))
    if media_type in direct_types:
        body = await request.body()
        return ProtocolRequest(url_params, _decode(body, charset, "the request body"), media_type)
    raise ProtocolError(
        415,
        f"Content-Type {media_type} is not supported here; use application/x-www-form-urlencoded or "
        + ", ".join(direct_types),
    )
