"""The query worker process: a read-only view of the on-disk store that answers one query at a time.

Each worker opens the store with ``pyoxigraph.Store.read_only`` (no lock, so the writer — the
server's admin routes or ``ogikg load`` in another process — keeps working). A read-only RocksDB
instance sees the store as it was when opened, so before every query the worker compares a
fingerprint of the store's manifest (and ``EmbeddedStore``'s generation file) with the one it
opened and reopens when they differ: a committed and flushed write is visible to the next query.
Results are serialised completely here, so the server can still answer with an error status if the
worker is killed at the deadline.

This module is imported by freshly started worker processes: keep its imports light.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from ogikg.iris import PREFIXES
from ogikg.server.jobs import (
    JobError,
    QueryJob,
    QueryOutcome,
    StatsJob,
    StoreStats,
    WorkerReply,
)
from ogikg.server.service_guard import ServiceRefused, ServiceUnverifiable, check_service_clauses
from ogikg.store.embedded import GENERATION_FILE
from ogikg.store.sparql_text import declares_dataset

_RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
_PREFIXED_FORMATS = {"ttl", "trig", "rdfxml"}
_REOPEN_DELAYS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0)
_SIGNAL_FILES = frozenset({"CURRENT", GENERATION_FILE})


def store_fingerprint(path: str) -> tuple[tuple[str, int, int], ...]:
    """What changes when a write has been committed and flushed: ``CURRENT``, ``MANIFEST-*`` (a flush,
    compaction or bulk load records its new table files there) and the generation file that
    ``EmbeddedStore`` rewrites after every write.

    The write-ahead log is left out on purpose: a read-only open replays it, which is slow while a
    writer has a large unflushed log, so workers reopen only after the writer's flush (every
    ``EmbeddedStore`` write and every admin update here ends with one).
    """
    entries: list[tuple[str, int, int]] = []
    with os.scandir(path) as listing:
        for entry in listing:
            name = entry.name
            if name in _SIGNAL_FILES or name.startswith("MANIFEST-"):
                try:
                    info = entry.stat()
                except FileNotFoundError:  # replaced between listing and stat
                    continue
                entries.append((name, info.st_size, info.st_mtime_ns))
    entries.sort()
    return tuple(entries)


class ReadOnlyStoreView:
    """A read-only store that is reopened whenever the store on disk has changed."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._store: ox.Store | None = None
        self._fingerprint: tuple[tuple[str, int, int], ...] | None = None
        self._stats: StoreStats | None = None

    def current(self) -> ox.Store:
        fingerprint = store_fingerprint(self.path)
        if self._store is None or fingerprint != self._fingerprint:
            self.reopen(fingerprint)
        assert self._store is not None
        return self._store

    def reopen(self, fingerprint: tuple[tuple[str, int, int], ...] | None = None) -> None:
        """Open the store as it is now; retried briefly, since a concurrent compaction can remove a
        file between reading the manifest and opening it (RocksDB then reports corruption)."""
        self._store = None  # release the old instance before opening the new one
        self._stats = None
        error: Exception | None = None
        for delay in _REOPEN_DELAYS:
            time.sleep(delay)
            current = fingerprint if fingerprint is not None and delay == 0 else store_fingerprint(self.path)
            try:
                self._store = ox.Store.read_only(self.path)
            except (OSError, RuntimeError) as failure:
                error = failure
                continue
            self._fingerprint = current
            return
        raise OSError(f"cannot open the store at {self.path} read-only: {error}")

    def stats(self) -> StoreStats:
        store = self.current()
        if self._stats is None:
            self._stats = StoreStats(quads=len(store), named_graphs=sum(1 for _ in store.named_graphs()))
        return self._stats


class _Enough(Exception):
    """Raised from the capture writer to stop the serialiser once the cap is exceeded."""


class _LineCapture:
    """A binary writer that keeps the first ``max_lines`` lines and notes whether more followed."""

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self.lines = 0
        self.parts: list[bytes] = []
        self.truncated = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if not chunk:
            return 0
        wanted = self.max_lines - self.lines
        count = chunk.count(b"\n")
        if count < wanted:
            self.parts.append(chunk)
            self.lines += count
            return len(chunk)
        cut = -1
        for _ in range(wanted):
            cut = chunk.find(b"\n", cut + 1)
        self.parts.append(chunk[: cut + 1])
        self.lines = self.max_lines
        if cut + 1 < len(chunk):
            self.truncated = True
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        """Serialisers may flush their writer."""

    @property
    def data(self) -> bytes:
        return b"".join(self.parts)


def _capture(serialize: Callable[[_LineCapture], None], max_lines: int) -> _LineCapture:
    capture = _LineCapture(max_lines)
    # Every line of TSV and N-Triples is one solution or one triple: newlines inside values are escaped.
    with contextlib.suppress(_Enough):
        serialize(capture)
    return capture


def _solutions(result: ox.QuerySolutions, job: QueryJob) -> QueryOutcome:
    if job.results_format is None:
        raise JobError("not_acceptable", "results")
    capture = _capture(
        lambda out: result.serialize(out, format=ox.QueryResultsFormat.TSV), job.result_limit + 1
    )
    tsv = capture.data
    rows = max(capture.lines - 1, 0)
    if job.results_format == "tsv":
        body = tsv
    else:
        parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        body = parsed.serialize(format=_RESULTS_FORMATS[job.results_format])
        if capture.truncated and job.results_format == "json":
            # SPARQL JSON readers ignore unknown top-level members; this one says the list is cut.
            marker = b',"ogikg":{"truncated":true,"limit":%d}}' % job.result_limit
            body = body[: body.rstrip().rfind(b"}")] + marker
    return QueryOutcome(
        body=body, kind="bindings", format=job.results_format, truncated=capture.truncated, rows=rows
    )


def _triples(result: ox.QueryTriples, job: QueryJob) -> QueryOutcome:
    if job.graph_format is None:
        raise JobError("not_acceptable", "graph")
    capture = _capture(lambda out: result.serialize(out, format=ox.RdfFormat.N_TRIPLES), job.result_limit)
    ntriples = capture.data
    if job.graph_format == "nt":
        body = ntriples
    else:
        prefixes = None
        if job.graph_format in _PREFIXED_FORMATS:
            prefixes = {name: iri for name, iri in PREFIXES.items() if iri.encode() in ntriples}
        body = ox.serialize(
            ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES),
            format=_GRAPH_FORMATS[job.graph_format],
            prefixes=prefixes,
        )
    return QueryOutcome(
        body=body, kind="graph", format=job.graph_format, truncated=capture.truncated, rows=capture.lines
    )


def _boolean(result: ox.QueryBoolean, job: QueryJob) -> QueryOutcome:
    if job.results_format is None:
        raise JobError("not_acceptable", "results")
    body = result.serialize(format=_RESULTS_FORMATS[job.results_format])
    return QueryOutcome(body=body, kind="boolean", format=job.results_format, truncated=False, rows=1)


def execute(store: ox.Store, job: QueryJob) -> QueryOutcome:
    """Run one query and serialise its whole result (capped) in the format the job asks for."""
    try:
        check_service_clauses(job.sparql, job.service_allowlist)
    except ServiceRefused as refused:
        raise JobError("service_refused", str(refused)) from None
    except ServiceUnverifiable as unverifiable:
        raise JobError("service_unverifiable", str(unverifiable)) from None
    options: dict[str, Any] = {}
    if job.base_iri:
        options["base_iri"] = job.base_iri
    if job.default_graph_uris or job.named_graph_uris:
        # A protocol dataset replaces the query's own (FROM / FROM NAMED) and the union default.
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graph_uris]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graph_uris]
    elif job.union_default_graph and not declares_dataset(job.sparql):
        # Only without FROM / FROM NAMED: pyoxigraph's union default would override them.
        options["use_default_graph_as_union"] = True
    try:
        result = store.query(job.sparql, **options)
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, job)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, job)
        return _triples(result, job)
    except SyntaxError as error:
        raise JobError("syntax", str(error)) from None


@dataclass(slots=True)
class _Worker:
    view: ReadOnlyStoreView

    def handle(self, job: QueryJob | StatsJob) -> WorkerReply:
        for attempt in (1, 2):
            try:
                if isinstance(job, StatsJob):
                    return ("ok", self.view.stats())
                return ("ok", execute(self.view.current(), job))
            except JobError as error:
                return ("error", error.kind, error.message)
            except (OSError, RuntimeError) as error:
                # A file the old instance needed may have been compacted away: reopen, try once more.
                if attempt == 2:
                    return ("error", "store", f"store read failed: {error}")
                try:
                    self.view.reopen()
                except OSError as reopen_error:
                    return ("error", "store", f"store cannot be opened: {reopen_error}")
            except ValueError as error:  # bad IRIs in the dataset, unsupported serialisation
                return ("error", "bad_request", str(error))
        raise AssertionError("unreachable")


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent goes away, even in the middle of a query."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the worker still exits when its pipe closes


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(conn: Connection, store_path: str, memory_mb: int) -> None:
    """Entry point of a worker process: open the store, say "ready", then answer jobs until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server shuts workers down itself
    _die_with_parent()
    _limit_memory(memory_mb)
    try:
        view = ReadOnlyStoreView(store_path)
        view.current()
    except OSError as error:
        with contextlib.suppress(BrokenPipeError, OSError):
            conn.send(("fatal", f"cannot open the store at {store_path} read-only: {error}"))
        return
    worker = _Worker(view)
    try:
        conn.send(("ready", os.getpid()))
    except (BrokenPipeError, OSError):
        return  # the server stopped while this worker was starting
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        reply = worker.handle(job)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
