"""The ogikg vocabulary as Turtle files shipped inside the package.

The Turtle files here are the single source of truth for classes, properties, the indicator
catalogue of every form generation, legal provisions and code lists; Python code reads them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


def ontology_dir() -> Path:
    return Path(str(resources.files(__package__)))


@cache
def turtle_files() -> tuple[Path, ...]:
    """Every Turtle file of the vocabulary, in a stable order."""
    return tuple(sorted(ontology_dir().glob("*.ttl")))


def load_graph():  # -> rdflib.Graph (imported lazily: rdflib is slow to import)
    """The whole vocabulary as one rdflib graph."""
    import rdflib

    graph = rdflib.Graph()
    for path in turtle_files():
        graph.parse(path, format="turtle")
    return graph
