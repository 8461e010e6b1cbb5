"""What every store behind ogikg offers: the embedded on-disk pyoxigraph store and any SPARQL 1.1
service (Virtuoso, Fuseki, …) reached over HTTP.

Graph replacement is per named graph and atomic as seen by readers: a report's graph is dropped
and reloaded in one transaction (embedded) or one SPARQL Update request (remote). Graphs that many
reports write into (an agency's or an area's description, ``ogikg.iris.is_shared_graph``) are
added to instead, in the same transaction: ``additions`` / ``merge`` say which.

Default dataset: a query without FROM / FROM NAMED and without protocol graph parameters sees the
union of all named graphs as its default graph (embedded store; Virtuoso behaves the same way, and
other remote services decide for themselves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import pyoxigraph as ox


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as the SPARQL 1.1 JSON results format describes it."""

    type: Literal["uri", "literal", "bnode", "triple"]
    value: str
    datatype: str | None = None
    lang: str | None = None


Binding = Mapping[str, Term]


@dataclass(frozen=True, slots=True)
class QueryResponse:
    body: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class LoadStats:
    graphs: int
    quads: int
    seconds: float


class StoreError(Exception):
    """A store could not be opened, read or written; the message names the store and the reason."""


class StoreNotFoundError(StoreError):
    """There is no store at the given path (read-only opening never creates one)."""


class StoreLockedError(StoreError):
    """Another process (or another handle in this process) holds the store's write lock."""


class ReadOnlyStoreError(StoreError):
    """A write was attempted through a read-only handle."""


class QueryError(StoreError):
    """The query was rejected (syntax error, wrong query form for the call, remote 4xx)."""


class UnsupportedMediaTypeError(StoreError):
    """The requested media type cannot represent this kind of query result."""


@runtime_checkable
class Store(Protocol):
    def query(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
    ) -> QueryResponse:
        """Run a read-only query and serialise its result in ``media_type``."""

    def select(self, sparql: str) -> list[dict[str, Term]]:
        """Run a SELECT and return its bindings (for internal use: pages, export, checks)."""

    def ask(self, sparql: str) -> bool: ...

    def construct(self, sparql: str) -> list[ox.Triple]:
        """Run a CONSTRUCT/DESCRIBE and return its triples (pyoxigraph terms)."""

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, additions: Mapping[str, bytes] | None = None
    ) -> LoadStats:
        """Replace each named graph of ``graphs`` by the N-Triples given for it and add the
        N-Triples of ``additions`` to theirs, atomically per call."""

    def load_nquads(
        self, source: str, *, replace: bool = True, merge: Callable[[str], bool] | None = None
    ) -> LoadStats:
        """Load an N-Quads file (path); with ``replace`` every graph named in it is replaced,
        except the graphs for which ``merge(iri)`` holds: those are added to."""

    def drop_graphs(self, graph_iris: Iterable[str]) -> None: ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update (admin routes only; the public endpoint is read-only)."""

    def graph_iris(self) -> Iterator[str]: ...

    def quad_count(self) -> int: ...

    def dump(self, path: str, media_type: str) -> None:
        """Write the whole dataset (N-Quads or TriG) to ``path``."""

    def close(self) -> None: ...
