"""The single writer behind the token-protected routes (SPARQL Update, Graph Store, ingest).

Writes go to one read-write store opened by the server process; the read-only query workers see
each write on their next query once it is committed and flushed (see ``query_worker``). Writes run
one at a time in a thread so the event loop keeps answering reads; they have no deadline (only
admins can send them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

IngestHook = Callable[[list[tuple[str, bytes]], Any], list[dict[str, Any]]]
"""``ingest(files, store) -> manifest``: converts uploaded report files and loads them into ``store``."""


@runtime_checkable
class SupportsUpdate(Protocol):
    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update atomically; ``SyntaxError`` for a malformed one."""


class _OxigraphUpdater:
    """SPARQL Update through the pyoxigraph handle an ``EmbeddedStore`` exposes (``.oxigraph``),
    flushed at once so that the query workers (which reopen after a flush) see it on the next query."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        handle: ox.Store = self._store.oxigraph
        handle.update(sparql, base_iri=base_iri)
        handle.flush()


def updater_for(store: object | None) -> SupportsUpdate | None:
    """What runs SPARQL Update on ``store``: its own ``update`` if it has one, else its pyoxigraph handle."""
    if isinstance(store, SupportsUpdate):
        return store
    if hasattr(type(store), "oxigraph"):  # checked on the class: the property raises once closed
        return _OxigraphUpdater(store)
    return None


class WritesDisabled(RuntimeError):
    """No writable store or no admin token: the server is read-only."""


class WriteGateway:
    def __init__(self, store: Any | None, ingest: IngestHook | None = None) -> None:
        self.store = store
        """The writable store (the ``Store`` protocol); the ingest hook receives it."""
        self.updater = updater_for(store)
        self.ingest_hook = ingest
        self._lock = asyncio.Lock()

    async def update(
        self, sparql: str, *, base_iri: str | None = None, probe: str | None = None
    ) -> bool | None:
        """Run ``sparql``; with ``probe`` (an ASK) first answer it on the same state, under the same lock.

        The probe lets the Graph Store tell "created" (201) from "replaced" (204) without a race.
        """
        updater = self.updater
        if updater is None:
            raise WritesDisabled("this server has no writable store")
        async with self._lock:
            existed = None
            if probe is not None:
                existed = bool(await asyncio.to_thread(self.store.ask, probe))
            await asyncio.to_thread(updater.update, sparql, base_iri=base_iri)
            return existed

    async def ingest(self, files: Sequence[tuple[str, bytes]]) -> list[dict[str, Any]]:
        if self.store is None:
            raise WritesDisabled("this server has no writable store")
        if self.ingest_hook is None:
            raise WritesDisabled("no ingest pipeline is configured on this server")
        hook = self.ingest_hook
        async with self._lock:
            return await asyncio.to_thread(hook, list(files), self.store)
