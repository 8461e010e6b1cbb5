"""Deadline-enforcing query execution.

pyoxigraph cannot cancel a running query from another thread, so queries run in a pool of worker
*processes* (``query_worker``), each with its own read-only view of the on-disk store. A worker
that passes the deadline is killed (SIGKILL) and a fresh one is started in the background; the
client gets an error status, never a partial body, because workers serialise the whole result
before sending it. The deadline covers the wait for a free worker too: every request is answered
(or refused) within the configured time.

``StoreQueryExecutor`` serves a remote SPARQL store (or any ``Store``) the same way, with the
deadline enforced on the wait; the store's own HTTP timeout ends the request on its side.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from ogikg.server.jobs import QueryJob, QueryOutcome, StatsJob, StoreStats
from ogikg.server.query_worker import store_fingerprint, worker_main
from ogikg.store.base import Store, Term

log = logging.getLogger("ogikg.server")

# HTTP status for each refusal a worker can report.
_STATUS_FOR_KIND = {
    "syntax": 400,
    "bad_request": 400,
    "service_unverifiable": 400,
    "service_refused": 403,
    "not_acceptable": 406,
    "store": 500,
}


class QueryFailed(Exception):
    """A query that gets an error status instead of a result; ``message`` is shown to the client."""

    def __init__(self, status: int, kind: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.retry_after = retry_after


class StoreUnavailable(RuntimeError):
    """The store cannot be opened (missing, locked, not a store); the message names the path."""


class QueryExecutor(Protocol):
    async def start(self) -> None: ...

    async def run(self, job: QueryJob) -> QueryOutcome: ...

    async def stats(self) -> StoreStats | None: ...

    async def close(self) -> None: ...

    def describe(self) -> dict[str, Any]:
        """What /healthz shows about the executor and the store behind it."""
        ...


def _reply_to_result(reply: tuple[Any, ...]) -> Any:
    if reply[0] == "ok":
        return reply[1]
    _, kind, message = reply
    raise QueryFailed(_STATUS_FOR_KIND.get(kind, 500), kind, message)


@functools.cache
def _context() -> BaseContext:
    # forkserver: replacements start in milliseconds from a small process that has already imported
    # pyoxigraph, and no worker inherits the server's threads or sockets (as fork would).
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Imported once by the fork server instead of by every new worker: rdflib for the SERVICE
        # check, and what multiprocessing re-runs as the worker's __main__ (the server launcher or
        # the CLI), so that a replacement is ready in milliseconds rather than seconds.
        context.set_forkserver_preload(
            ["ogikg.server.query_worker", "rdflib.plugins.sparql.algebra", "ogikg.server.run", "ogikg.cli"]
        )
        return context
    return multiprocessing.get_context("spawn")


class _WorkerHandle:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.pending: Future[Any] | None = None
        """The thread waiting for this worker's reply, if any: the pipe is closed only after it."""

    def exchange(self, message: object | None, timeout: float) -> Any:
        """Send ``message`` (if any) and wait for the reply: ``TimeoutError`` past ``timeout``,
        ``EOFError``/``OSError`` if the worker died.

        Runs in a thread with blocking pipe I/O rather than on the event loop: uvloop switches a
        watched pipe to non-blocking mode, which breaks replies that arrive in several chunks, and a
        thread keeps large replies from holding up the event loop while they are copied.
        """
        if message is not None:
            self.conn.send(message)
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()

    def kill(self) -> None:
        """Stop the process; a thread still waiting on the pipe then sees end-of-file and returns."""
        with contextlib.suppress(Exception):
            self.process.kill()

    async def close(self) -> None:
        if self.pending is not None:
            await asyncio.to_thread(wait_futures, [self.pending], 10)
        with contextlib.suppress(Exception):
            self.conn.close()


class WorkerPool:
    """A fixed number of query worker processes over one on-disk store."""

    def __init__(
        self,
        store_path: str,
        *,
        size: int = 2,
        timeout: float = 30.0,
        memory_mb: int = 0,
        start_timeout: float = 120.0,
    ) -> None:
        self.store_path = store_path
        self.size = size
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.start_timeout = start_timeout
        self._idle: asyncio.Queue[_WorkerHandle] = asyncio.Queue()
        # One thread per worker waits for its reply (see ``_WorkerHandle.exchange``).
        self._waiters = ThreadPoolExecutor(max_workers=size + 1, thread_name_prefix="ogikg-query-wait")
        self._workers: set[_WorkerHandle] = set()
        self._background: set[asyncio.Task[None]] = set()
        self._closed = False
        self._stats: tuple[Any, StoreStats] | None = None
        self.replaced = 0
        """Workers killed at the deadline or lost, and started again (for /healthz and tests)."""

    async def start(self) -> None:
        handles = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        failures = [h for h in handles if isinstance(h, BaseException)]
        for handle in handles:
            if isinstance(handle, _WorkerHandle):
                self._idle.put_nowait(handle)
        if failures:
            await self.close()
            raise failures[0]

    async def _spawn(self) -> _WorkerHandle:
        context = _context()
        parent_end, child_end = context.Pipe(duplex=True)
        process = context.Process(  # type: ignore[attr-defined]
            target=worker_main,
            args=(child_end, self.store_path, self.memory_mb),
            daemon=True,
            name="ogikg-query-worker",
        )
        await asyncio.to_thread(process.start)
        child_end.close()
        handle = _WorkerHandle(process, parent_end)
        try:
            reply = await self._exchange(handle, None, self.start_timeout)
        except (TimeoutError, EOFError, OSError) as error:
            handle.kill()
            await handle.close()
            raise StoreUnavailable(
                f"a query worker for the store at {self.store_path} did not start: {error!r}"
            ) from None
        if reply[0] != "ready":
            handle.kill()
            await handle.close()
            raise StoreUnavailable(str(reply[1]))
        self._workers.add(handle)
        return handle

    async def _exchange(self, handle: _WorkerHandle, message: object | None, timeout: float) -> Any:
        handle.pending = self._waiters.submit(handle.exchange, message, timeout)
        return await asyncio.wrap_future(handle.pending)

    def _retire(self, handle: _WorkerHandle) -> None:
        """Kill a worker (stuck past its deadline, dead, or holding a reply nobody will read)."""
        handle.kill()
        self._workers.discard(handle)
        self.replaced += 1
        if not self._closed:
            task = asyncio.get_running_loop().create_task(self._replace(handle))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _replace(self, dead: _WorkerHandle) -> None:
        await asyncio.to_thread(dead.process.join, 5)  # reap it
        await dead.close()
        delay = 0.5
        while not self._closed:
            try:
                handle = await self._spawn()
            except StoreUnavailable as error:
                log.error("cannot replace a query worker: %s (retrying in %.0f s)", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            if self._closed:  # the server stopped while this replacement was starting
                self._workers.discard(handle)
                handle.kill()
                await handle.close()
            else:
                self._idle.put_nowait(handle)
            return

    async def _acquire(self, deadline: float) -> _WorkerHandle:
        loop = asyncio.get_running_loop()
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    handle = await self._idle.get()
            except TimeoutError:
                raise QueryFailed(
                    503,
                    "busy",
                    f"all {self.size} query workers stayed busy for the {self.timeout:g} s limit; "
                    "try again shortly",
                    retry_after=max(1, round(self.timeout / 4)),
                ) from None
            if handle.process.is_alive():
                return handle
            self._retire(handle)
            if loop.time() >= deadline:
                raise QueryFailed(
                    503, "busy", "no query worker is available; try again shortly", retry_after=1
                )

    async def _call(self, message: QueryJob | StatsJob) -> Any:
        if self._closed:
            raise QueryFailed(503, "closed", "the server is shutting down")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        handle = await self._acquire(deadline)
        try:
            reply = await self._exchange(handle, message, max(deadline - loop.time(), 0.0))
        except TimeoutError:
            self._retire(handle)
            raise QueryFailed(
                503,
                "timeout",
                f"the query did not finish within the {self.timeout:g} s time limit and was stopped",
            ) from None
        except (EOFError, OSError):
            self._retire(handle)
            raise QueryFailed(
                500, "crashed", "the query worker stopped unexpectedly (out of memory?); it is being replaced"
            ) from None
        except BaseException:
            # Cancelled while the worker computes: its reply would confuse the next job.
            self._retire(handle)
            raise
        self._idle.put_nowait(handle)
        return _reply_to_result(reply)

    async def run(self, job: QueryJob) -> QueryOutcome:
        outcome = await self._call(job)
        assert isinstance(outcome, QueryOutcome)
        return outcome

    async def stats(self) -> StoreStats | None:
        """Quad and named-graph counts, recomputed only when the store on disk has changed."""
        fingerprint = store_fingerprint(self.store_path)
        if self._stats is not None and self._stats[0] == fingerprint:
            return self._stats[1]
        stats = await self._call(StatsJob())
        assert isinstance(stats, StoreStats)
        self._stats = (fingerprint, stats)
        return stats

    @property
    def alive(self) -> int:
        return sum(1 for handle in self._workers if handle.process.is_alive())

    def describe(self) -> dict[str, Any]:
        return {
            "type": "embedded",
            "path": self.store_path,
            "workers": self.size,
            "workers_alive": self.alive,
            "workers_replaced": self.replaced,
        }

    async def close(self) -> None:
        self._closed = True
        for task in list(self._background):
            task.cancel()
        handles = list(self._workers)
        self._workers.clear()
        for handle in handles:
            if handle.pending is not None and not handle.pending.done():
                handle.kill()  # busy: nobody will read its answer
        for handle in handles:
            await handle.close()  # an idle worker exits when its pipe closes
        for handle in handles:
            await asyncio.to_thread(handle.process.join, 1.0)
            if handle.process.is_alive():
                handle.kill()
                await asyncio.to_thread(handle.process.join, 1.0)
        self._waiters.shutdown(wait=False, cancel_futures=True)


class StoreQueryExecutor:
    """Queries through any ``Store`` (a remote SPARQL service) in threads, with the same deadline.

    A thread cannot be stopped, so past the deadline the client gets 503 while the store's own
    HTTP timeout ends the request upstream. The result cap is the remote store's business.
    """

    def __init__(self, store: Store, *, timeout: float = 30.0, concurrency: int = 4, label: str = "") -> None:
        self.store = store
        self.timeout = timeout
        self.label = label
        self._slots = asyncio.Semaphore(concurrency)

    async def start(self) -> None:
        return None

    async def run(self, job: QueryJob) -> QueryOutcome:
        from ogikg.server.negotiation import FORMATS_BY_NAME
        from ogikg.server.service_guard import ServiceRefused, ServiceUnverifiable, check_service_clauses
        from ogikg.store.sparql_text import query_form

        form = query_form(job.sparql)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        fmt_name = job.graph_format if graph else job.results_format
        if fmt_name is None:
            raise QueryFailed(406, "not_acceptable", "graph" if graph else "results")
        try:
            async with asyncio.timeout(self.timeout), self._slots:
                await asyncio.to_thread(check_service_clauses, job.sparql, job.service_allowlist)
                response = await asyncio.to_thread(
                    self.store.query,
                    job.sparql,
                    FORMATS_BY_NAME[fmt_name].media_type,
                    default_graph_uris=job.default_graph_uris,
                    named_graph_uris=job.named_graph_uris,
                )
        except TimeoutError:
            raise QueryFailed(
                503, "timeout", f"the query did not finish within the {self.timeout:g} s limit"
            ) from None
        except ServiceRefused as refused:
            raise QueryFailed(403, "service_refused", str(refused)) from None
        except ServiceUnverifiable as unverifiable:
            raise QueryFailed(400, "service_unverifiable", str(unverifiable)) from None
        except (SyntaxError, ValueError) as error:
            raise QueryFailed(400, "syntax", str(error)) from None
        except OSError as error:
            raise QueryFailed(502, "store", f"the store failed: {error}") from None
        kind = "graph" if graph else ("boolean" if form == "ASK" else "bindings")
        return QueryOutcome(body=response.body, kind=kind, format=fmt_name, truncated=False, rows=-1)

    async def stats(self) -> StoreStats | None:
        try:
            async with asyncio.timeout(self.timeout):
                quads = await asyncio.to_thread(self.store.quad_count)
                graphs = await asyncio.to_thread(lambda: sum(1 for _ in self.store.graph_iris()))
        except (TimeoutError, OSError):
            return None
        return StoreStats(quads=quads, named_graphs=graphs)

    def describe(self) -> dict[str, Any]:
        return {"type": "remote", "path": self.label}

    async def close(self) -> None:
        return None


def bindings_from_json(body: bytes) -> list[dict[str, Term]]:
    """SPARQL JSON results as ``Term`` bindings (for pages and checks that need Python values)."""
    document = json.loads(body)
    rows: list[dict[str, Term]] = []
    for binding in document.get("results", {}).get("bindings", []):
        row: dict[str, Term] = {}
        for name, value in binding.items():
            row[name] = Term(
                type=value["type"],
                value=str(value.get("value", "")),
                datatype=value.get("datatype"),
                lang=value.get("xml:lang"),
            )
        rows.append(row)
    return rows


async def select(
    executor: QueryExecutor,
    sparql: str,
    *,
    result_limit: int = 100_000,
    named_graph_uris: Iterable[str] = (),
    default_graph_uris: Iterable[str] = (),
) -> list[dict[str, Term]]:
    """Run a SELECT through the executor (deadline and all) and return its bindings."""
    outcome = await executor.run(
        QueryJob(
            sparql=sparql,
            results_format="json",
            graph_format=None,
            result_limit=result_limit,
            default_graph_uris=tuple(default_graph_uris),
            named_graph_uris=tuple(named_graph_uris),
        )
    )
    return bindings_from_json(outcome.body)
