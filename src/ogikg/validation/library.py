"""The report shapes as pyshacl runs them: parsed once per process, queries made ready to run.

The Turtle files under ``ogikg.shapes`` are written for people: multi-line queries, prefixes
declared once (``sh:prefixes shape:``). pyshacl works on them per report, so the shapes graph it
is given is prepared once:

* every query is flattened to one line — pyshacl screens each query with regular expressions
  anchored at line starts before every run, and on a long multi-line query they backtrack for
  milliseconds per line;
* the prefixes a query uses are written into its text and its ``sh:prefixes`` link is dropped —
  pyshacl would otherwise walk the ``sh:declare`` nodes of the shapes graph again for every
  constraint of every report;
* the graph sits in rdflib's plain triple store, whose lookups pyshacl makes thousands of times
  per report, rather than the context-aware default store, without the labels and comments of
  the shapes (pyshacl compares every predicate of a shape with each constraint parameter it
  knows) and without namespace bindings (pyshacl copies them into every report it builds).

Two things pyshacl redoes for every report are kept once per process (``_remember_per_process``):
its screening of each query with ten regular expressions (whether it holds MINUS, VALUES, SERVICE…,
which depends on the text alone; about a tenth of a report's validation), and the list of
constraint parameters it looks each predicate of a shape up in, made a set.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ogikg.shapes import SHAPES_NAMESPACE, report_shape_files

SH = "http://www.w3.org/ns/shacl#"
RELEVANT_WHEN = SHAPES_NAMESPACE + "relevantWhen"
# Labels and comments of shapes are for people; pyshacl does not read them.
_ANNOTATIONS = ("http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#")

LOG = logging.getLogger("ogikg.validation.pyshacl")
LOG.setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class SparqlConstraint:
    """A SPARQL constraint of the shapes graph: its query (with prefixes) and message templates."""

    iri: str
    select: str
    messages: dict[str, str]  # language tag (lower case) -> template


def one_line(query: str) -> str:
    """The query on one line (it must hold no # comments)."""
    return " ".join(line.strip() for line in query.splitlines() if line.strip())


def prefix_map(graph) -> dict[str, str]:  # graph: rdflib.Graph
    """Prefix → namespace of every sh:declare of a shapes graph."""
    import rdflib

    sh = rdflib.Namespace(SH)
    return {
        str(graph.value(d, sh.prefix)): str(graph.value(d, sh.namespace))
        for d in graph.objects(None, sh.declare)
    }


def prefix_declarations(graph) -> str:  # graph: rdflib.Graph
    """PREFIX lines for every sh:declare of the shapes graph."""
    return "".join(sorted(f"PREFIX {p}: <{ns}>\n" for p, ns in prefix_map(graph).items()))


def _used_prefixes(query: str, prefixes: dict[str, str]) -> str:
    """PREFIX declarations, on one line, for the prefixes that ``query`` uses."""
    used = {name for name in re.findall(r"(?<![\w<\"?$])([A-Za-z][\w-]*):", query) if name in prefixes}
    return "".join(f"PREFIX {name}: <{prefixes[name]}> " for name in sorted(used))


class _RememberedPattern:
    """A compiled pattern whose ``search`` results are kept per text (pyshacl screens the same
    few query texts for every report); everything else is the pattern's own."""

    _LIMIT = 1024  # distinct texts kept; beyond that, search as usual

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._found: dict[str, re.Match[str] | None] = {}

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        if args:
            return self.pattern.search(text, *args)
        try:
            return self._found[text]
        except KeyError:
            found = self.pattern.search(text)
            if len(self._found) < self._LIMIT:
                self._found[text] = found
            return found

    def __getattr__(self, name: str):
        return getattr(self.pattern, name)


class _ParameterList(list):
    """pyshacl's list of constraint parameters, looked up as a set (it stays a list otherwise)."""

    def __init__(self, items: Iterable[object]) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


@cache
def _remember_per_process() -> None:
    """Make pyshacl keep, once per process, what it would otherwise recompute for every report."""
    import pyshacl.shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    for name, value in list(vars(SPARQLQueryHelper).items()):
        if name.endswith("_regex") and isinstance(value, re.Pattern):
            setattr(SPARQLQueryHelper, name, _RememberedPattern(value))
    # pyshacl reads this module attribute (and sets it from these two on first use)
    pyshacl.shape.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
        _ParameterList(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )


class ShapesLibrary:
    """The shapes graph (rdflib, for pyshacl) and its SPARQL constraints, loaded once per process.

    The pyshacl ``ShapesGraph`` built from it is kept too, so shapes are harvested once, not per
    report.
    """

    def __init__(self, paths: Iterable[str] | None = None) -> None:
        import rdflib
        from pyshacl.shapes_graph import ShapesGraph

        _remember_per_process()
        parsed = rdflib.Graph()
        for path in paths or report_shape_files():
            parsed.parse(str(path), format="turtle")
        sh = rdflib.Namespace(SH)
        prefixes = prefix_map(parsed)
        # No prefixes bound: pyshacl copies them into every validation report graph it builds.
        self.graph = rdflib.Graph(store="SimpleMemory", bind_namespaces="none")
        self.constraints: dict[str, SparqlConstraint] = {}
        # constraint IRI -> ASK that holds whenever the constraint can report anything
        self.preconditions: dict[str, str] = {}
        for triple in parsed:
            node, predicate, obj = triple
            if predicate == sh.prefixes and (node, sh.select, None) in parsed:
                continue  # written into the query instead
            if str(predicate).startswith(_ANNOTATIONS):
                continue  # pyshacl compares every predicate of a shape with its parameters
            if str(predicate) == RELEVANT_WHEN:
                flat = one_line(str(obj))
                self.preconditions[str(node)] = _used_prefixes(flat, prefixes) + flat
                continue
            if predicate == sh.select:
                flat = one_line(str(obj))
                obj = rdflib.Literal(_used_prefixes(flat, prefixes) + flat)
                messages = {
                    (m.language or "").lower(): str(m)
                    for m in parsed.objects(node, sh.message)
                    if isinstance(m, rdflib.Literal)
                }
                self.constraints[str(node)] = SparqlConstraint(str(node), str(obj), messages)
            self.graph.add((node, predicate, obj))
        self.shapes_graph = ShapesGraph(self.graph, logger=LOG)
        _ = self.shapes_graph.shapes  # harvest now, once
        self._profiles: dict[frozenset[str], ShapesGraph] = {frozenset(): self.shapes_graph}
        self._lock = threading.Lock()

    def shapes_graph_for(self, skipped: frozenset[str]):  # -> pyshacl ShapesGraph
        """The shapes graph with the SPARQL constraints ``skipped`` deactivated (built once each)."""
        import rdflib
        from pyshacl.shapes_graph import ShapesGraph

        with self._lock:
            found = self._profiles.get(skipped)
            if found is None:
                graph = rdflib.Graph(store="SimpleMemory", bind_namespaces="none")
                for triple in self.graph:
                    graph.add(triple)
                for constraint in skipped:
                    graph.add(
                        (rdflib.URIRef(constraint), rdflib.URIRef(SH + "deactivated"), rdflib.Literal(True))
                    )
                found = ShapesGraph(graph, logger=LOG)
                _ = found.shapes
                if len(self._profiles) < 256:
                    self._profiles[skipped] = found
            return found

    def constraint_of_query(self, query: str) -> SparqlConstraint | None:
        """The constraint whose query pyshacl ran (pyshacl puts prefixes of its own in front)."""
        for constraint in self.constraints.values():
            if query.endswith(constraint.select):
                return constraint
        return None


@cache
def shapes_library() -> ShapesLibrary:
    return ShapesLibrary()
