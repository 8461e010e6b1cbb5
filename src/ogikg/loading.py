"""Loading a convert output into a store: every report graph, its quality graph, the vocabulary.

A report's file also holds its agency's and its area's graphs (``ogikg.iris``). A report loaded
again replaces its report graph (one transaction per graph) and adds to its agency and area
graphs, which other reports of the agency share: they are never replaced or dropped by a load.
Files whose report graph the store does not hold yet are bulk-loaded as one stream, which is much
faster for a first load of many reports (a bulk load adds, so shared graphs merge there too).
The vocabulary is kept in its own named graph so that queries can follow indicators to their
labels, sums, outcomes and legal provisions.

A load is resumable: each graph it writes states, inside itself, the SHA-256 digest of the file it
was loaded from (``ogi:loadDigest``), so a re-run skips every file whose graph the store already
holds with that digest, and regenerates the dumps only when something changed. The digest lives in
the graph it describes: a graph replaced in any other way (ingest, Graph Store Protocol) loses it
and is loaded again.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ogikg import iris
from ogikg.digests import file_digest, files_digest
from ogikg.jsonl import QUALITY_DIR, report_records
from ogikg.ontology import turtle_files
from ogikg.store.base import Store
from ogikg.store.embedded import EmbeddedStore
from ogikg.store.open import open_store

# A bulk load of this many new graphs (~1 million quads) ends with a compaction of the store.
_OPTIMIZE_AFTER_GRAPHS = 1_000
LOAD_DIGEST = iris.VOCAB + "loadDigest"
# Digest statements per SPARQL update: small enough for any endpoint's request limit.
_DIGESTS_PER_UPDATE = 2_000


def vocabulary_graph() -> str:
    return iris.data_base() + "graph/vocabulary"


def quality_graph_for(report_graph: str) -> str:
    return report_graph.replace("/graph/report/", "/graph/quality/", 1)


@dataclass
class LoadSummary:
    reports: int = 0  # report graphs written (new or replaced)
    quality: int = 0  # quality graphs written
    replaced: int = 0  # of those, graphs the store held before
    unchanged: int = 0  # graphs skipped: the store holds them loaded from the same file
    vocabulary: bool = False  # whether the vocabulary graph was written
    quads: int = 0
    seconds: float = 0.0
    dumps: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.reports or self.quality or self.vocabulary)

    def line(self) -> str:
        rate = f", {self.quads / self.seconds:,.0f} quads/s" if self.seconds and self.quads else ""
        return (
            f"loaded {self.reports} report graphs and {self.quality} quality graphs "
            f"({self.replaced} replaced, {self.unchanged} unchanged skipped), "
            f"{self.quads:,} quads in {self.seconds:.1f} s{rate}"
        )


def output_graphs(source: str | Path, *, with_quality: bool = True) -> Iterator[tuple[str, Path, str]]:
    """(report or quality graph IRI, N-Quads file, kind) for every file of a convert output; a
    report's file also holds its agency's and area's graphs."""
    root = Path(source)
    for record in report_records(root):
        output, graph = record["output"], record.get("graph")
        if not graph:
            continue
        yield graph, root / output, "report"
        quality = root / QUALITY_DIR / output
        if with_quality and quality.exists():
            yield quality_graph_for(graph), quality, "quality"


def loaded_digests(store: Store) -> dict[str, str]:
    """Named graph → digest of the file it was loaded from, for every graph that states one."""
    rows = store.select(f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?g <{LOAD_DIGEST}> ?d }} }}")
    return {row["g"].value: row["d"].value for row in rows}


def record_digests(store: Store, digests: dict[str, str]) -> None:
    """State in each graph the digest of the file it was just loaded from."""
    items = list(digests.items())
    for start in range(0, len(items), _DIGESTS_PER_UPDATE):
        batch = items[start : start + _DIGESTS_PER_UPDATE]
        data = " ".join(f'GRAPH <{g}> {{ <{g}> <{LOAD_DIGEST}> "{d}" }}' for g, d in batch)
        store.update(f"INSERT DATA {{ {data} }}")


def load_vocabulary(store: Store, *, known: dict[str, str] | None = None) -> int:
    """Replace the vocabulary graph with the ontology Turtle files; returns its triple count, 0
    when ``known`` (from ``loaded_digests``) shows the store holds these very files already."""
    import pyoxigraph as ox

    files = list(turtle_files())
    digest = files_digest(files)
    if known is not None and known.get(vocabulary_graph()) == digest:
        return 0
    graph = ox.Store()
    for path in files:
        graph.load(path=str(path), format=ox.RdfFormat.TURTLE)
    ntriples = graph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    assert ntriples is not None
    store.replace_graphs({vocabulary_graph(): ntriples})
    record_digests(store, {vocabulary_graph(): digest})
    return len(graph)


def load_into(
    store: Store, source: str | Path, *, with_quality: bool = True, progress: bool | None = None
) -> LoadSummary:
    started = time.perf_counter()
    summary = LoadSummary()
    existing = set(store.graph_iris())
    known = loaded_digests(store)
    fresh: list[str] = []
    again: list[str] = []
    written: dict[str, str] = {}  # graph → digest of the file it is loaded from now
    for graph, path, kind in output_graphs(source, with_quality=with_quality):
        digest = file_digest(path)
        if graph in existing and known.get(graph) == digest:
            summary.unchanged += 1
            continue
        written[graph] = digest
        (again if graph in existing else fresh).append(str(path))
        if kind == "report":
            summary.reports += 1
        else:
            summary.quality += 1
    summary.replaced = len(again)
    tracked = store.digest_tracked() if isinstance(store, EmbeddedStore) else contextlib.nullcontext()
    with tracked:
        _write_graphs(store, summary, fresh, again, written, progress)
        # Quads written, counted from what was read: counting the store would scan all of it.
        vocabulary_triples = load_vocabulary(store, known=known)
    summary.vocabulary = vocabulary_triples > 0
    summary.quads += vocabulary_triples
    summary.seconds = time.perf_counter() - started
    return summary


def _write_graphs(
    store: Store,
    summary: LoadSummary,
    fresh: list[str],
    again: list[str],
    written: dict[str, str],
    progress: bool | None,
) -> None:
    """Bulk-load the files of new graphs, replace the graphs of changed files, state the digests."""
    with tqdm(total=len(fresh) + len(again), unit="graph", desc="load", disable=not progress) as bar:
        if fresh and isinstance(store, EmbeddedStore):
            # Files of a convert output, written by ogikg: the loader may skip its IRI checks.
            summary.quads += store.bulk_load_new(fresh, progress=bar.update, trusted=True).quads
        else:
            for path in fresh:
                summary.quads += store.load_nquads(path, replace=True, merge=iris.is_shared_graph).quads
                bar.update()
        batched = store.deferred_flushes() if isinstance(store, EmbeddedStore) else contextlib.nullcontext()
        with batched:
            for path in again:
                summary.quads += store.load_nquads(path, replace=True, merge=iris.is_shared_graph).quads
                bar.update()
    record_digests(store, written)
    if len(fresh) >= _OPTIMIZE_AFTER_GRAPHS and isinstance(store, EmbeddedStore):
        store.optimize()  # queries on a freshly bulk-loaded store are up to 3× slower


def load_output(
    source: str | Path,
    store_spec: str,
    *,
    with_quality: bool = True,
    dumps: bool = True,
    progress: bool | None = None,
) -> LoadSummary:
    """``ogikg load``: open the store, load the output, regenerate the dumps when the load changed
    the store or they are not those of the store as it is (none yet, or written before another
    write)."""
    store = open_store(store_spec)
    try:
        summary = load_into(store, source, with_quality=with_quality, progress=progress)
        if dumps:
            from ogikg.server.dumps import dumps_current, dumps_directory, regenerate_dumps

            directory = dumps_directory(store_spec)
            if directory is not None and (summary.changed or not dumps_current(store, directory)):
                dumps_written = regenerate_dumps(store, directory, progress=bool(progress))
                summary.dumps = [str(d.path) for d in dumps_written]
    finally:
        store.close()
    return summary
