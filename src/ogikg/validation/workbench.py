"""Where a report is validated: in-memory stores that live as long as the process.

Building a store and pyshacl's view of it costs more than most checks, so each thread keeps one
pyoxigraph store per form generation, with that generation's vocabulary subset loaded once in a
graph of its own. A report is loaded next to it (straight from N-Quads, parsed in Rust), validated,
and removed again: every graph but the vocabulary's is cleared. pyoxigraph's in-memory store
does not reclaim what a removal leaves behind, so lookups slow down with every report loaded and
removed (twice as slow after a few hundred); a bench therefore starts over with a new store after
``RECYCLE_AFTER`` reports, which costs less than a report's validation.

pyshacl's view of the store records the rows of every SPARQL constraint it runs, so the variables
that pyshacl does not keep (the rule, the cells, the numbers) are read from those rows rather
than by running the query again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
from pyshacl.graph_abstraction import OxigraphDataGraph, to_ox, to_rdf
from rdflib.query import Result
from rdflib.term import Variable

from ogikg import iris
from ogikg.validation.vocabulary import vocabulary_subset

OGI = iris.VOCAB
ANNUAL_REPORT = OGI + "AnnualReport"
# The vocabulary subset sits in a graph of its own, so the report's graphs can be dropped alone.
VOCABULARY_GRAPH = ox.NamedNode("urn:x-ogikg:validation:vocabulary")
_GENERATIONS = ("old", "2019", "2021")
# Reports a bench's store takes before it is replaced by a new one (see the module docstring).
RECYCLE_AFTER = 16

Data = str | bytes | ox.Store | Iterable[ox.Quad]


@dataclass
class Solutions:
    """The rows of one query: its variables and its solutions, as pyoxigraph returned them."""

    variables: list[str]
    rows: list[ox.QuerySolution]


class RecordingDataGraph(OxigraphDataGraph):
    """pyshacl's view of a pyoxigraph store that keeps the rows of every SELECT it runs."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__(store)
        self.recorded: list[tuple[str, dict[str, object], Solutions]] = []

    def __bool__(self) -> bool:
        # pyshacl tests the data graph for truth while describing each result; the inherited
        # test counts every triple of the store (a SPARQL COUNT) each time. It always holds a report.
        return True

    def query(  # the signature of rdflib's Graph.query, which pyshacl calls
        self,
        query_object: str,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: dict[str, Any] | None = None,
        initBindings: dict[str, Any] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        solutions = self.query_oxigraph(
            query_object,
            initNs=initNs,
            initBindings=None if initBindings is None else {k: to_ox(v) for k, v in initBindings.items()},
            **kwargs,
        )
        if not isinstance(solutions, ox.QuerySolutions):  # not a constraint query: as pyshacl does
            return super().query(query_object, processor, result, initNs, initBindings, **kwargs)
        names = [variable.value for variable in solutions.variables]
        rows = list(solutions)
        self.recorded.append((query_object, dict(initBindings or {}), Solutions(names, rows)))
        out = Result("SELECT")
        out.vars = [Variable(name) for name in names]
        out.bindings = [
            {name: to_rdf(value) for name, value in zip(out.vars, row, strict=True) if value is not None}
            for row in rows
        ]
        return out


@dataclass
class Bench:
    """A store holding one generation's vocabulary subset, and pyshacl's view of it."""

    template: str | None
    store: ox.Store = field(init=False)
    data_graph: RecordingDataGraph = field(init=False)
    reports: int = field(init=False, default=0)  # reports loaded and removed since the store was new

    def __post_init__(self) -> None:
        self._renew()

    def _renew(self) -> None:
        self.store = ox.Store()
        self.store.extend(_vocabulary_quads(self.template))
        self.data_graph = RecordingDataGraph(self.store)
        self.reports = 0

    def clear(self) -> None:
        """Drop everything but the vocabulary subset (on a new store now and then)."""
        self.reports += 1
        if self.reports >= RECYCLE_AFTER:
            self._renew()
            return
        for graph in list(self.store.named_graphs()):
            if graph != VOCABULARY_GRAPH:
                self.store.remove_graph(graph)
        self.store.clear_graph(ox.DefaultGraph())
        self.data_graph.recorded.clear()


@cache
def _vocabulary_quads(template: str | None) -> tuple[ox.Quad, ...]:
    """The vocabulary subset of a generation, in the bench's vocabulary graph."""
    return tuple(
        ox.Quad(q.subject, q.predicate, q.object, VOCABULARY_GRAPH) for q in vocabulary_subset(template)
    )


class _Benches(threading.local):
    """One bench per form generation, per thread (and per process: forked workers build their own)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.by_template: dict[str | None, Bench] = {}

    def get(self, template: str | None) -> Bench:
        if self.pid != os.getpid():
            self.__init__()
        if template not in _GENERATIONS:
            template = None  # the subset of any other value is the one without generation
        bench = self.by_template.get(template)
        if bench is None:
            bench = self.by_template[template] = Bench(template)
        return bench


_BENCHES = _Benches()


# ------------------------------------------------------------------------------ loading -------


def _subjects_of_lines(data: bytes, predicate_object: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(subject, rest of the object IRI) of every N-Quads line ``<s> <p> <o…>`` in ``data``.

    A plain substring search: a regular expression over the whole text costs more than the load.
    """
    start = data.find(predicate_object)
    while start >= 0:
        line = data.rfind(b"\n", 0, start) + 1
        end = data.find(b">", start + len(predicate_object))
        if data.startswith(b"<", line) and data[start - 1 : start] == b">" and end >= 0:
            yield data[line + 1 : start - 1], data[start + len(predicate_object) : end]
        start = data.find(predicate_object, start + 1)


_TYPE_LINE = f" <{iris.RDF_TYPE}> <{ANNUAL_REPORT}".encode()
_TEMPLATE_LINE = f" <{OGI}template> <{iris.TEMPLATE}".encode()


def _sniff_template(data: bytes) -> str | None:
    """The form generation of the one report in N-Quads text, by a look at its lines (a guess)."""
    reports = {subject for subject, rest in _subjects_of_lines(data, _TYPE_LINE) if not rest}
    if len(reports) != 1:
        return None
    (report,) = reports
    return next((t.decode() for s, t in _subjects_of_lines(data, _TEMPLATE_LINE) if s == report), None)


def _objects(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list[ox.Term]:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None)]


def _loaded_report(store: ox.Store) -> tuple[ox.NamedNode, list[ox.Term]]:
    """The one report in a bench's store and the templates it states (in store order)."""
    reports = {
        q.subject
        for q in store.quads_for_pattern(None, ox.NamedNode(iris.RDF_TYPE), ox.NamedNode(ANNUAL_REPORT), None)
    }
    if len(reports) != 1:
        raise ValueError(f"expected one ogi:AnnualReport in the data, found {len(reports)}")
    (report,) = reports
    return report, list(dict.fromkeys(_objects(store, report, OGI + "template")))


def _template_name(term: ox.Term | None) -> str | None:
    return None if term is None else term.value.removeprefix(iris.TEMPLATE)


def as_quads(data: Data) -> list[ox.Quad]:
    """Report data of any kind accepted as quads."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, bytes):
        return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    if isinstance(data, ox.Store):
        return list(data)
    if hasattr(data, "quads") and hasattr(data, "serialize"):  # an rdflib Graph or Dataset
        text = data.serialize(format="nquads" if hasattr(data, "contexts") else "nt")
        return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    return list(data)


def report_and_template(quads: list[ox.Quad]) -> tuple[str, str | None]:
    """The one report among quads and its template (the first stated, in the order given)."""
    reports = {
        q.subject.value
        for q in quads
        if q.predicate.value == iris.RDF_TYPE and q.object.value == ANNUAL_REPORT
    }
    if len(reports) != 1:
        raise ValueError(f"expected one ogi:AnnualReport in the data, found {len(reports)}")
    report = next(iter(reports))
    stated = (
        q.object.value for q in quads if q.subject.value == report and q.predicate.value == OGI + "template"
    )
    template = next(stated, None)
    return report, template.removeprefix(iris.TEMPLATE) if template else None


@contextmanager
def loaded(data: Data) -> Iterator[tuple[Bench, str]]:
    """The bench of the report's generation with the report loaded; cleared again on leaving.

    N-Quads text goes straight into the store. Only when the report states more than one form
    generation (malformed data) are its quads read in Python, to pick the first one stated, as
    for any other kind of data.
    """
    bench: Bench | None = None
    try:
        if isinstance(data, str | bytes):
            raw = data.encode("utf-8") if isinstance(data, str) else data
            guess = _sniff_template(raw)
            bench = _BENCHES.get(guess)
            bench.store.load(raw, format=ox.RdfFormat.N_QUADS)
            report, templates = _loaded_report(bench.store)
            if len(templates) <= 1:
                right = _BENCHES.get(_template_name(templates[0] if templates else None))
                if right is not bench:  # the guess was wrong: load into the right one
                    bench.clear()
                    bench = right
                    bench.store.load(raw, format=ox.RdfFormat.N_QUADS)
                yield bench, report.value
                return
            bench.clear()
            bench = None
        quads = as_quads(data)
        report_iri, template = report_and_template(quads)
        bench = _BENCHES.get(template)
        bench.store.extend(quads)
        yield bench, report_iri
    finally:
        if bench is not None:
            bench.clear()
