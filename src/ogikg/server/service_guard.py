"""Refuse federated queries (SERVICE) whose endpoint is not on the allow-list.

pyoxigraph would otherwise fetch any URL a query names, which makes a public endpoint an open HTTP
proxy into the server's network. pyoxigraph has no AST API, so the query is parsed with rdflib's
SPARQL parser and the algebra is searched for ServiceGraphPattern nodes; prefixed names are
resolved by the algebra translation. Parsing is slow (tens of ms), so it only runs when the text
contains the letters "service" at all (a SERVICE clause cannot exist otherwise: keywords have no
escapes) and the verdict is cached per query text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any


class ServiceRefused(Exception):
    """The query calls a SERVICE that is not allowed."""


class ServiceUnverifiable(Exception):
    """The query mentions "service" but could not be parsed to check it."""


def may_contain_service(sparql: str) -> bool:
    return "service" in sparql.lower()


def check_service_clauses(sparql: str, allowlist: Iterable[str]) -> None:
    """Raise unless every SERVICE endpoint in ``sparql`` is a fixed IRI on ``allowlist``."""
    if not may_contain_service(sparql):
        return
    endpoints = service_endpoints(sparql)
    allowed = set(allowlist)
    for endpoint in endpoints:
        if endpoint is None:
            raise ServiceRefused("SERVICE with a variable endpoint is not allowed on this server")
        if endpoint not in allowed:
            hint = (
                "federated queries are disabled" if not allowed else "allowed: " + ", ".join(sorted(allowed))
            )
            raise ServiceRefused(f"SERVICE <{endpoint}> is not allowed on this server ({hint})")


@lru_cache(maxsize=2048)
def service_endpoints(sparql: str) -> tuple[str | None, ...]:
    """Endpoint IRIs of every SERVICE clause (``None`` for ``SERVICE ?var``)."""
    from rdflib.plugins.sparql import algebra
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import URIRef

    try:
        tree = algebra.translateQuery(parseQuery(sparql))
    except Exception as error:  # rdflib raises pyparsing and assorted errors
        raise ServiceUnverifiable(
            f"the query mentions SERVICE but could not be checked: {str(error).splitlines()[0]}"
        ) from None
    found: list[str | None] = []
    for node in _walk(tree.algebra):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            term = node.get("term")
            found.append(str(term) if isinstance(term, URIRef) else None)
    return tuple(found)


def _walk(node: Any) -> Iterator[Any]:
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, dict):  # rdflib CompValue is an OrderedDict
            yield current
            stack.extend(current.values())
        elif isinstance(current, (list, tuple, set)):
            stack.extend(current)
