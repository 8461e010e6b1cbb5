"""The embedded store: a pyoxigraph (RocksDB) dataset in a directory on disk.

Default dataset: a query without FROM/FROM NAMED and without protocol graph parameters sees the
union of all named graphs as its default graph (pyoxigraph ``use_default_graph_as_union``).
pyoxigraph would let the union override a query's own FROM clauses, so the union is only asked
for when the query names no dataset itself.

Writes: ``replace_graphs`` runs as one SPARQL Update (one RocksDB transaction), so a reader sees
each graph either before or after, never half-loaded; the graphs it adds to (``additions``) change
in the same transaction. Writes end with a flush of the memtables
(``flush_every_quads=0``, the default) because a read-only handle replays the unflushed
write-ahead log when it opens: with a flush per write a reader reopens in about 0.1 s, with
20,000 unflushed quads in about 1 s, with a 1 GB log in minutes. A single-process writer doing
many small writes may raise ``flush_every_quads`` (a flush per 500-triple graph halves its speed).

Readers in other processes: ``EmbeddedStore.open_read_only`` sees the store as it was when it was
opened. A writer bumps a generation file in the store directory after each committed write (in
``deferred_flushes``, at each flush); ``is_stale()`` compares it and ``refresh()`` reopens the
handle. A second mark (``untracked_writes``) changes only with writes outside a load
(``digest_tracked``), which no load digest describes; the dumps' shards trust it.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from ogikg.atomic import write_atomically
from ogikg.store.base import (
    LoadStats,
    QueryError,
    QueryResponse,
    ReadOnlyStoreError,
    StoreError,
    StoreLockedError,
    StoreNotFoundError,
    Term,
)
from ogikg.store.nquads import GraphRun, dataset_file_format, iter_graph_runs, open_binary, parse_ntriples
from ogikg.store.results import (
    bindings_from_solutions,
    dataset_format,
    serialize_result,
)
from ogikg.store.sparql_text import declares_dataset

GENERATION_FILE = "ogikg-generation"
# Changes with every write made outside a load (see ``EmbeddedStore.digest_tracked``).
UNTRACKED_FILE = "ogikg-untracked-writes"
# Quads gathered before a bulk insert of new graphs; bounds memory, amortises SST file creation.
_BULK_BATCH = 200_000
# N-Quads bytes given to one call of pyoxigraph's bulk loader when loading many files. The loader
# holds a whole call's quads in memory before it writes them (measured on ogikg output: 135 MB
# peak for 20 MB, 316 MB for 64 MB, 755 MB for 200 MB in one call), so a first load of 100,000
# reports goes in calls of this size: memory stays flat at a few hundred MB whatever the corpus
# size, for about 5 % more CPU than one call (more, smaller SST files).
_BULK_CALL_BYTES = 64 * 1024 * 1024
_READ_ONLY_ATTEMPTS = 10


class EmbeddedStore:
    """A pyoxigraph store on disk; ``read_only=True`` opens an existing store without the lock."""

    def __init__(
        self, path: str | os.PathLike[str], *, read_only: bool = False, flush_every_quads: int = 0
    ) -> None:
        self._path = Path(path)
        self._flush_every_quads = flush_every_quads
        self._read_only = read_only
        self._write_lock = threading.Lock()
        self._store: ox.Store | None = self._open()
        self._generation = self._read_generation()
        self._unflushed_quads = 0
        self._deferring = False
        self._tracked = 0

    @classmethod
    def open_read_only(cls, path: str | os.PathLike[str]) -> EmbeddedStore:
        """A handle for a reader process that may run while another process writes."""
        return cls(path, read_only=True)

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> ox.Store:
        path = self._path
        if self._read_only and not (path / "CURRENT").is_file():
            reason = "not a store directory" if path.is_dir() else "no such directory"
            raise StoreNotFoundError(f"no store at {path} ({reason})")
        if not self._read_only and path.exists() and not path.is_dir():
            raise StoreError(f"store at {path}: not a directory")
        if self._read_only:
            return self._open_read_only()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # RocksDB makes only the last folder
            return ox.Store(str(path))
        except OSError as error:
            message = str(error)
            if "lock hold by current process" in message:
                raise StoreLockedError(
                    f"store at {path} is already open for writing in this process"
                ) from error
            if "LOCK" in message or "lock" in message.lower():
                raise StoreLockedError(
                    f"store at {path} is in use by another process (RocksDB lock)"
                ) from error
            raise StoreError(f"cannot open store at {path}: {message}") from error

    def _open_read_only(self) -> ox.Store:
        # While a writer compacts, the file list a reader starts from can name a file that was
        # just deleted; RocksDB then reports "Corruption … No such file". Trying again a little
        # later reads the new file list.
        for attempt in range(_READ_ONLY_ATTEMPTS):
            try:
                return ox.Store.read_only(str(self._path))
            except (OSError, RuntimeError) as error:
                if "No such file" not in str(error) or attempt == _READ_ONLY_ATTEMPTS - 1:
                    raise StoreError(f"cannot open store at {self._path} read-only: {error}") from error
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    @property
    def path(self) -> Path:
        return self._path

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for callers that need its full API."""
        if self._store is None:
            raise StoreError(f"store at {self._path} is closed")
        return self._store

    def close(self) -> None:
        """Flush and release the store (and its RocksDB lock); the handle is unusable afterwards."""
        if self._store is not None and not self._read_only:
            self._store.flush()
        self._store = None

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- freshness for read-only handles -------------------------------------------------------

    def _read_generation(self) -> str:
        try:
            return (self._path / GENERATION_FILE).read_text(encoding="ascii")
        except OSError:
            return ""

    def _bump_generation(self) -> None:
        # Written atomically (rename) so a reader never sees a torn value.
        value = f"{time.time_ns()}-{os.getpid()}"
        write_atomically(self._path / GENERATION_FILE, value.encode("ascii"))
        self._generation = value
        if not self._tracked:
            write_atomically(self._path / UNTRACKED_FILE, value.encode("ascii"))

    @contextlib.contextmanager
    def digest_tracked(self) -> Iterator[None]:
        """Writes of a load, which states in every graph it writes the digest of the file the graph
        came from: they leave ``untracked_writes`` as it is."""
        self._tracked += 1
        try:
            yield
        finally:
            self._tracked -= 1

    def untracked_writes(self) -> str:
        """A mark that changes with every write outside ``digest_tracked`` (a SPARQL Update, the
        Graph Store Protocol, ingest): changes that no load digest shows ("" before any)."""
        try:
            return (self._path / UNTRACKED_FILE).read_text(encoding="ascii")
        except OSError:
            return ""

    def generation(self) -> str:
        """The mark of the store's last committed write, by any writer ("" before any)."""
        return self._read_generation()

    def is_stale(self) -> bool:
        """Whether a writer has committed something since this handle was (re)opened."""
        return self._read_generation() != self._generation

    def refresh(self) -> bool:
        """Reopen a read-only handle if a writer committed since; True when it reopened."""
        if not self._read_only or not self.is_stale():
            return False
        generation = self._read_generation()
        self._store = self._open()
        self._generation = generation
        return True

    # -- queries -------------------------------------------------------------------------------

    def _run(
        self, sparql: str, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = ()
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        defaults = [ox.NamedNode(iri) for iri in default_graph_uris]
        named = [ox.NamedNode(iri) for iri in named_graph_uris]
        options: dict[str, object] = {}
        if defaults or named:
            # SPARQL protocol: graph parameters define the whole dataset (and override FROM).
            options["default_graph"] = defaults
            if named:
                options["named_graphs"] = named
        elif not declares_dataset(sparql):
            options["use_default_graph_as_union"] = True
        try:
            return self.oxigraph.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise QueryError(f"invalid query: {error}") from error
        except OSError as error:
            raise StoreError(f"store at {self._path}: {error}") from error

    def query(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
    ) -> QueryResponse:
        result = self._run(sparql, default_graph_uris, named_graph_uris)
        return serialize_result(result, media_type)

    def select(self, sparql: str) -> list[dict[str, Term]]:
        result = self._run(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("select() needs a SELECT query")
        return bindings_from_solutions(result)

    def ask(self, sparql: str) -> bool:
        result = self._run(sparql)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("ask() needs an ASK query")
        return bool(result)

    def construct(self, sparql: str) -> list[ox.Triple]:
        """The triples of a CONSTRUCT/DESCRIBE query as pyoxigraph terms."""
        result = self._run(sparql)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def graph_iris(self) -> Iterator[str]:
        for graph in self.oxigraph.named_graphs():
            if isinstance(graph, ox.NamedNode):
                yield graph.value

    def quad_count(self) -> int:
        return len(self.oxigraph)

    # -- writes --------------------------------------------------------------------------------

    def _writable(self) -> ox.Store:
        if self._read_only:
            raise ReadOnlyStoreError(f"store at {self._path} is open read-only")
        return self.oxigraph

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in one transaction (a malformed one raises SyntaxError, as
        pyoxigraph does); readers see it after the flush."""
        store = self._writable()
        store.update(sparql, base_iri=base_iri)
        self._flush(store)

    @contextlib.contextmanager
    def deferred_flushes(self, every_quads: int = 50_000) -> Iterator[None]:
        """Many writes in a row by one writer (a load replacing graphs): flush every
        ``every_quads`` quads and once at the end rather than after each write, which costs
        more than the write of a report's graph itself."""
        previous = self._flush_every_quads
        self._flush_every_quads = max(previous, every_quads)
        self._deferring = True
        try:
            yield
        finally:
            self._flush_every_quads = previous
            self._deferring = False
            if self._unflushed_quads:
                with self._write_lock:
                    self._flush(self._writable())

    def _flush(self, store: ox.Store) -> None:
        """Flush the memtables and tell readers to reopen."""
        store.flush()
        self._unflushed_quads = 0
        self._bump_generation()

    def _committed(self, store: ox.Store, quads: int) -> None:
        self._unflushed_quads += quads
        if self._unflushed_quads >= self._flush_every_quads:
            store.flush()
            self._unflushed_quads = 0
        elif self._deferring:
            return  # readers reopen after the flush, not to replay the log of every write
        self._bump_generation()

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, additions: Mapping[str, bytes] | None = None
    ) -> LoadStats:
        """Replace each named graph of ``graphs`` by the N-Triples given for it, and add the
        N-Triples of ``additions`` to their graphs, all in one transaction."""
        started = time.perf_counter()
        store = self._writable()
        parsed = [(_named_node(iri), parse_ntriples(f"graph <{iri}>", data)) for iri, data in graphs.items()]
        added = [
            (_named_node(iri), parse_ntriples(f"graph <{iri}>", data))
            for iri, data in (additions or {}).items()
        ]
        quads = sum(len(triples) for _, triples in (*parsed, *added))
        with self._write_lock:
            # Computed under the lock: the diff against the stored graph must not go stale.
            operations = [
                op for graph, triples in parsed if (op := _replace_operation(store, graph, triples))
            ]
            operations += [op for graph, triples in added if (op := _add_operation(store, graph, triples))]
            if operations:
                _update(store, " ;\n".join(operations), self._path)
                self._committed(store, quads)
        return LoadStats(len(parsed) + len(added), quads, time.perf_counter() - started)

    def drop_graphs(self, graph_iris: Iterable[str]) -> None:
        store = self._writable()
        operations = [f"DROP SILENT GRAPH {_named_node(iri)}" for iri in graph_iris]
        if operations:
            with self._write_lock:
                _update(store, " ;\n".join(operations), self._path)
                self._committed(store, len(operations))

    def load_nquads(
        self, source: str, *, replace: bool = True, merge: Callable[[str], bool] | None = None
    ) -> LoadStats:
        """Load an N-Quads or TriG file (optionally .gz), streaming.

        Into an empty store the file goes through pyoxigraph's bulk loader in one pass. Otherwise
        the file is read graph by graph: graphs the store already has are replaced (with
        ``replace``, unless ``merge(iri)`` holds) or extended, each in its own transaction; new
        graphs are bulk-inserted.
        Triples in the default graph are always added. A bulk insert is not transactional: an
        error part-way leaves the graphs loaded so far in the store.
        """
        started = time.perf_counter()
        store = self._writable()
        with self._write_lock:
            if _is_empty(store):
                self._bulk_load_file(store, source)
                graphs = sum(1 for _ in store.named_graphs())
                quads = len(store)
            else:
                graphs, quads = self._load_graph_by_graph(store, source, replace, merge)
            self._committed(store, quads)
        return LoadStats(graphs, quads, time.perf_counter() - started)

    def bulk_load_new(
        self,
        sources: Sequence[str],
        *,
        progress: Callable[[int], None] | None = None,
        trusted: bool = False,
    ) -> LoadStats:
        """Bulk-load N-Quads files whose graphs the store does not hold yet.

        The fastest path for a first load of many reports: the files are joined in memory into
        blocks of at most ``_BULK_CALL_BYTES`` and each block goes to pyoxigraph's bulk loader in
        one call, so that the loader's own buffers stay bounded and no Python code runs per read.
        ``trusted`` marks files ogikg wrote itself (a convert output): the loader then skips its
        IRI checks (pyoxigraph ``lenient``; about 20 % less CPU). Never set it for RDF from users.
        Not transactional (see ``load_nquads``); graphs the store already has must go through
        ``load_nquads``.
        The quad count is the number of statements read (one line each, as N-Quads is written):
        counting the store instead would scan all of it, twice, which costs about a minute per
        100 million quads.
        """
        started = time.perf_counter()
        store = self._writable()
        quads = 0
        with self._write_lock:
            for chunk in _chunks_by_size(sources, _BULK_CALL_BYTES):
                block = JoinedFiles.read(chunk)
                try:
                    store.bulk_load(block.data, format=ox.RdfFormat.N_QUADS, lenient=trusted)
                except SyntaxError as error:
                    raise StoreError(f"{block.locate(error.lineno)}: {error}") from error
                except OSError as error:
                    raise StoreError(f"loading {', '.join(chunk)} into {self._path}: {error}") from error
                quads += block.statements
                if progress:
                    progress(len(chunk))
            self._committed(store, quads)
        return LoadStats(len(sources), quads, time.perf_counter() - started)

    def optimize(self) -> None:
        """Compact the store (RocksDB full compaction, pyoxigraph ``optimize``).

        A bulk load leaves many SST files; every lookup then probes each of them. Measured on
        0.9 million quads of ogikg output loaded in 64 MB calls: the join of 90,000 observations
        with their indicators took 5.7 s before and 1.9 s after a 7 s compaction, so a large
        first load ends with one (``load_into``), before readers open the store.
        """
        store = self._writable()
        with self._write_lock:
            try:
                store.optimize()
            except OSError as error:
                raise StoreError(f"optimizing {self._path}: {error}") from error
            self._bump_generation()

    def _bulk_load_file(self, store: ox.Store, source: str) -> None:
        rdf_format = dataset_file_format(source)
        try:
            if source.endswith(".gz"):
                with open_binary(source) as stream:
                    store.bulk_load(stream, format=rdf_format)
            else:
                if not Path(source).is_file():
                    raise StoreError(f"{source}: no such file")
                store.bulk_load(path=source, format=rdf_format)
        except SyntaxError as error:
            raise StoreError(f"{source}: {error}") from error
        except OSError as error:
            raise StoreError(f"loading {source} into {self._path}: {error}") from error

    def _load_graph_by_graph(
        self, store: ox.Store, source: str, replace: bool, merge: Callable[[str], bool] | None
    ) -> tuple[int, int]:
        pending: list[ox.Quad] = []
        graphs: set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = set()
        quads = 0
        for run in iter_graph_runs(source):
            graphs.add(run.graph)
            quads += len(run.triples)
            # Asked per graph: listing every named graph of a large store takes seconds per file.
            if isinstance(run.graph, ox.DefaultGraph) or store.contains_named_graph(run.graph):
                merged = merge is not None and isinstance(run.graph, ox.NamedNode) and merge(run.graph.value)
                self._write_run(store, run, replace=replace and not merged)
            else:
                pending.extend(ox.Quad(t.subject, t.predicate, t.object, run.graph) for t in run.triples)
                if len(pending) >= _BULK_BATCH:
                    store.bulk_extend(pending)
                    pending = []
        if pending:
            store.bulk_extend(pending)
        return sum(1 for graph in graphs if not isinstance(graph, ox.DefaultGraph)), quads

    def _write_run(self, store: ox.Store, run: GraphRun, *, replace: bool) -> None:
        if replace and run.first and isinstance(run.graph, ox.NamedNode):
            operation = _replace_operation(store, run.graph, run.triples)
            if operation:
                _update(store, operation, self._path)
        else:
            store.extend(ox.Quad(t.subject, t.predicate, t.object, run.graph) for t in run.triples)

    def dump(self, path: str, media_type: str) -> None:
        """Write the whole dataset as N-Quads or TriG, gzip-compressed when ``path`` ends in .gz."""
        rdf_format = dataset_format(media_type)
        target = Path(path)
        try:
            if target.name.endswith(".gz"):
                # Level 6 and a large buffer: gzip's default level 9 and pyoxigraph's many small
                # writes made compressed dumps half again as slow.
                with (
                    gzip.open(target, "wb", compresslevel=6) as packed,
                    io.BufferedWriter(packed, buffer_size=1 << 20) as stream,
                ):
                    self.oxigraph.dump(stream, format=rdf_format)
            else:
                self.oxigraph.dump(str(target), format=rdf_format)
        except OSError as error:
            raise StoreError(f"dumping {self._path} to {path}: {error}") from error


def _chunks_by_size(paths: Sequence[str], limit: int) -> Iterator[list[str]]:
    """Consecutive groups of ``paths`` of at most ``limit`` bytes each (a bigger file alone)."""
    chunk: list[str] = []
    size = 0
    for path in paths:
        try:
            length = os.path.getsize(path)
        except OSError:
            length = 0  # reported, with its name, when the stream opens it
        if chunk and size + length > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(path)
        size += length
    if chunk:
        yield chunk


@dataclass(frozen=True, slots=True)
class JoinedFiles:
    """Several N-Quads files joined into one block of bytes for one bulk-load call.

    Handing pyoxigraph one ``bytes`` object instead of a Python stream spares a call back into
    Python for every read. ``statements`` counts the lines: one N-Quads statement each, as ogikg
    writes them (no blank or comment lines). A file whose last line has no newline gets one, so
    that its last statement does not run into the first of the next file.
    """

    data: bytes
    statements: int
    starts: tuple[tuple[int, str], ...]  # (first line number, 1-based; path) of each file

    @classmethod
    def read(cls, paths: Sequence[str]) -> JoinedFiles:
        parts: list[bytes] = []
        starts: list[tuple[int, str]] = []
        lines = 0
        for path in paths:
            try:
                with open(path, "rb") as handle:
                    content = handle.read()
            except OSError as error:
                raise StoreError(f"{path}: {error.strerror or error}") from error
            starts.append((lines + 1, path))
            parts.append(content)
            lines += content.count(b"\n")
            if content and not content.endswith(b"\n"):
                parts.append(b"\n")
                lines += 1
        return cls(b"".join(parts), lines, tuple(starts))

    def locate(self, line: int | None) -> str:
        """The file (and its own line number) holding ``line`` of the joined block."""
        if line is None or not self.starts:
            return ", ".join(path for _, path in self.starts)
        first, path = max((start for start in self.starts if start[0] <= line), default=self.starts[0])
        return f"{path} line {line - first + 1}"


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise StoreError(f"invalid graph IRI {iri!r}: {error}") from error


def _replace_operation(store: ox.Store, graph: ox.NamedNode, triples: list[ox.Triple]) -> str:
    """SPARQL Update text that turns the stored ``graph`` into exactly ``triples`` ('' if it is).

    Only the difference is written when neither side has blank nodes: re-loading a report that
    barely changed then costs a read instead of a delete and re-insert of every triple.
    """
    if not triples:
        return f"DROP SILENT GRAPH {graph}"
    stored = {quad.triple for quad in store.quads_for_pattern(None, None, None, graph)}
    if not stored:
        return f"INSERT DATA {{ GRAPH {graph} {{\n{_ntriples(triples)}}} }}"
    new = set(triples)
    if any(map(_has_blank_node, stored)) or any(map(_has_blank_node, new)):
        # Blank nodes cannot be matched across the two versions: replace wholesale.
        return f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n{_ntriples(triples)}}} }}"
    removed, added = stored - new, new - stored
    operations = []
    if removed:
        operations.append(f"DELETE DATA {{ GRAPH {graph} {{\n{_ntriples(removed)}}} }}")
    if added:
        operations.append(f"INSERT DATA {{ GRAPH {graph} {{\n{_ntriples(added)}}} }}")
    return " ;\n".join(operations)


def _add_operation(store: ox.Store, graph: ox.NamedNode, triples: list[ox.Triple]) -> str:
    """SPARQL Update text that adds to ``graph`` those of ``triples`` it lacks ('' if none)."""
    missing = [t for t in triples if ox.Quad(t.subject, t.predicate, t.object, graph) not in store]
    return f"INSERT DATA {{ GRAPH {graph} {{\n{_ntriples(missing)}}} }}" if missing else ""


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    # Serialised by pyoxigraph, so the text is valid SPARQL whatever the input's escapes were.
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _update(store: ox.Store, sparql: str, path: Path) -> None:
    try:
        store.update(sparql)
    except (SyntaxError, OSError) as error:
        raise StoreError(f"store at {path}: update failed: {error}") from error


def _is_empty(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None)), None) is None
