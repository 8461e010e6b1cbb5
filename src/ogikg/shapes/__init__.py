"""SHACL shapes (Turtle) that check converted reports: structure, arithmetic identities and the
checks across reports of one agency. The terms of the quality graph that validation writes are
part of the vocabulary (``ogikg/ontology/quality.ttl``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

SHAPES_NAMESPACE = "https://w3id.org/ogikg/def/shape/"
# Shapes run per report by the SHACL engine; cross-report shapes run as SPARQL over a store.
REPORT_SHAPE_FILES = ("prefixes.ttl", "structure.ttl", "identities.ttl")
CROSS_REPORT_SHAPE_FILES = ("prefixes.ttl", "crossyear.ttl")


def shapes_dir() -> Path:
    return Path(str(resources.files(__package__)))


@cache
def report_shape_files() -> tuple[Path, ...]:
    return tuple(shapes_dir() / name for name in REPORT_SHAPE_FILES)


@cache
def cross_report_shape_files() -> tuple[Path, ...]:
    return tuple(shapes_dir() / name for name in CROSS_REPORT_SHAPE_FILES)


def quality_terms_file() -> Path:
    """The Turtle file of the quality-graph terms (in the vocabulary, loaded with it)."""
    from ogikg.ontology import ontology_dir

    return ontology_dir() / "quality.ttl"
