"""Loading a convert output into a store: every report graph, its quality graph, the vocabulary.

A report's file also holds its agency's and its area's graphs (``ogikg.iris``). A report loaded
again replaces its report graph (one transaction per graph) and adds to its agency and area
graphs, which other reports of the agency share: they are never replaced or dropped by a load.
Files whose report graph the store does not hold yet are bulk-loaded as one stream, which is much
faster for a first load of many reports (a bulk load adds, so shared graphs merge there too).
The vocabulary is kept in its own named graph so that queries can follow indicators to their
labels, sums, outcomes and legal provisions.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ogikg import iris
from ogikg.converter.batch import read_manifest
from ogikg.ontology import turtle_files
from ogikg.store.base import Store
from ogikg.store.embedded import EmbeddedStore
from ogikg.store.open import open_store

QUALITY_DIR = "quality"
# A bulk load of this many new graphs (~1 million quads) ends with a compaction of the store.
_OPTIMIZE_AFTER_GRAPHS = 1_000


def vocabulary_graph() -> str:
    return iris.data_base() + "graph/vocabulary"


def quality_graph_for(report_graph: str) -> str:
    return report_graph.replace("/graph/report/", "/graph/quality/", 1)


@dataclass
class LoadSummary:
    reports: int = 0
    quality: int = 0
    replaced: int = 0
    quads: int = 0
    seconds: float = 0.0
    dumps: list[str] = field(default_factory=list)

    def line(self) -> str:
        rate = f", {self.quads / self.seconds:,.0f} quads/s" if self.seconds else ""
        return (
            f"loaded {self.reports} report graphs and {self.quality} quality graphs "
            f"({self.replaced} replaced), {self.quads:,} quads in {self.seconds:.1f} s{rate}"
        )


def output_graphs(source: str | Path, *, with_quality: bool = True) -> Iterator[tuple[str, Path, str]]:
    """(report or quality graph IRI, N-Quads file, kind) for every file of a convert output; a
    report's file also holds its agency's and area's graphs."""
    root = Path(source)
    seen: set[str] = set()
    for record in read_manifest(root):
        output, graph = record.get("output"), record.get("graph")
        if not output or not graph or output in seen:
            continue
        seen.add(output)
        yield graph, root / output, "report"
        quality = root / QUALITY_DIR / output
        if with_quality and quality.exists():
            yield quality_graph_for(graph), quality, "quality"


def load_vocabulary(store: Store) -> int:
    """Replace the vocabulary graph with the ontology Turtle files; returns its triple count."""
    import pyoxigraph as ox

    graph = ox.Store()
    for path in turtle_files():
        graph.load(path=str(path), format=ox.RdfFormat.TURTLE)
    ntriples = graph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    assert ntriples is not None
    store.replace_graphs({vocabulary_graph(): ntriples})
    return len(graph)


def load_into(
    store: Store, source: str | Path, *, with_quality: bool = True, progress: bool | None = None
) -> LoadSummary:
    started = time.perf_counter()
    summary = LoadSummary()
    existing = set(store.graph_iris())
    fresh: list[str] = []
    again: list[str] = []
    for graph, path, kind in output_graphs(source, with_quality=with_quality):
        (again if graph in existing else fresh).append(str(path))
        if kind == "report":
            summary.reports += 1
        else:
            summary.quality += 1
    summary.replaced = len(again)
    show = progress if progress is not None else None
    with tqdm(total=len(fresh) + len(again), unit="graph", desc="load", disable=not show) as bar:
        if fresh and isinstance(store, EmbeddedStore):
            # Files of a convert output, written by ogikg: the loader may skip its IRI checks.
            summary.quads += store.bulk_load_new(fresh, progress=bar.update, trusted=True).quads
            if len(fresh) >= _OPTIMIZE_AFTER_GRAPHS:
                store.optimize()  # queries on a freshly bulk-loaded store are up to 3× slower
        else:
            for path in fresh:
                summary.quads += store.load_nquads(path, replace=True, merge=iris.is_shared_graph).quads
                bar.update()
        for path in again:
            summary.quads += store.load_nquads(path, replace=True, merge=iris.is_shared_graph).quads
            bar.update()
    # Quads written, counted from what was read: counting the store would scan all of it.
    summary.quads += load_vocabulary(store)
    summary.seconds = time.perf_counter() - started
    return summary


def load_output(
    source: str | Path,
    store_spec: str,
    *,
    with_quality: bool = True,
    dumps: bool = True,
    progress: bool | None = None,
) -> LoadSummary:
    """``ogikg load``: open the store, load the output, regenerate the dumps."""
    store = open_store(store_spec)
    try:
        summary = load_into(store, source, with_quality=with_quality, progress=progress)
        if dumps:
            from ogikg.server.dumps import dumps_directory, regenerate_dumps

            directory = dumps_directory(store_spec)
            if directory is not None:
                summary.dumps = [str(d.path) for d in regenerate_dumps(store, directory)]
    finally:
        store.close()
    return summary
