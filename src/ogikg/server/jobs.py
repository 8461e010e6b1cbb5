"""Values exchanged between the HTTP side and the query workers (plain, picklable, import-light)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OutcomeKind = Literal["bindings", "boolean", "graph"]


@dataclass(frozen=True, slots=True)
class QueryJob:
    sparql: str
    results_format: str | None
    """Canonical results format (json, xml, csv, tsv) for SELECT/ASK; ``None``: the client accepts none."""
    graph_format: str | None
    """Canonical graph format (ttl, nt, jsonld, rdfxml, nq, trig) for CONSTRUCT/DESCRIBE."""
    result_limit: int
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    base_iri: str | None = None
    union_default_graph: bool = True
    service_allowlist: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatsJob:
    """Ask a worker for the store's size (cached per store state inside the worker)."""


@dataclass(frozen=True, slots=True)
class QueryOutcome:
    body: bytes
    kind: OutcomeKind
    format: str
    truncated: bool
    rows: int
    """Solutions (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK) in ``body``."""


@dataclass(frozen=True, slots=True)
class StoreStats:
    quads: int
    named_graphs: int


class JobError(Exception):
    """A query the worker refused or could not run; ``kind`` decides the HTTP status."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(kind, message)
        self.kind = kind
        self.message = message


# ("ok", outcome-or-stats) | ("error", kind, message)
WorkerReply = tuple[str, QueryOutcome | StoreStats] | tuple[str, str, str]
