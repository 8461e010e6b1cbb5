"""Streaming reads of dataset files (N-Quads or TriG, optionally gzip-compressed).

Files are parsed incrementally by pyoxigraph, so a multi-gigabyte file never sits in memory; the
quads are handed on in runs of consecutive quads of one graph (files written by ogikg keep each
graph together, so a run is normally a whole graph).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ogikg.store.base import StoreError

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(slots=True)
class GraphRun:
    """Consecutive quads of one graph; ``first`` is False when the graph already had a run."""

    graph: GraphName
    triples: list[ox.Triple] = field(default_factory=list)
    first: bool = True


def dataset_file_format(path: str | Path) -> ox.RdfFormat:
    name = str(path).lower().removesuffix(".gz")
    if name.endswith((".nq", ".nquads")):
        return ox.RdfFormat.N_QUADS
    if name.endswith(".trig"):
        return ox.RdfFormat.TRIG
    raise StoreError(f"{path}: expected an N-Quads (.nq) or TriG (.trig) file, optionally .gz")


@contextmanager
def open_binary(path: str | Path) -> Iterator[IO[bytes]]:
    """The file's bytes, decompressed on the fly when the name ends in .gz."""
    source = Path(path)
    if not source.is_file():
        raise StoreError(f"{path}: no such file")
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rb") as stream:
        yield stream  # type: ignore[misc]


def iter_graph_runs(path: str | Path, *, max_triples: int = 200_000) -> Iterator[GraphRun]:
    """Runs of consecutive same-graph quads, each at most ``max_triples`` long.

    A graph longer than ``max_triples`` (or split across the file) yields several runs; only the
    first has ``first=True`` so that a caller replacing graphs drops each graph once.
    """
    rdf_format = dataset_file_format(path)
    seen: set[GraphName] = set()
    run: GraphRun | None = None
    with open_binary(path) as stream:
        try:
            for quad in ox.parse(stream, format=rdf_format):
                graph = quad.graph_name
                if run is None or graph != run.graph or len(run.triples) >= max_triples:
                    if run is not None:
                        yield run
                    run = GraphRun(graph, first=graph not in seen)
                    seen.add(graph)
                run.triples.append(quad.triple)
        except SyntaxError as error:
            raise StoreError(f"{path}: {error}") from error
    if run is not None:
        yield run


def parse_ntriples(label: str, data: bytes) -> list[ox.Triple]:
    """Parse one graph's N-Triples, giving its blank nodes fresh labels.

    pyoxigraph keeps the labels of the input, and SPARQL Update forbids (and stores would merge)
    one label used by two graphs written in the same request.
    """
    try:
        triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as error:
        raise StoreError(f"{label}: invalid N-Triples: {error}") from error
    fresh: dict[str, ox.BlankNode] = {}

    def renamed(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        if isinstance(term, ox.BlankNode):
            return fresh.setdefault(term.value, ox.BlankNode())
        return term

    if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        return triples
    return [ox.Triple(renamed(t.subject), t.predicate, renamed(t.object)) for t in triples]  # type: ignore[arg-type]
