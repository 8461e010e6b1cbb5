"""The VoID figures of the dumps, counted per shard and added up (``dump_shards``).

Quads, properties and graphs add up over shards. Distinct subjects and class instances add up only
for subjects that no other shard holds, so each shard counts apart the subjects it *owns*: those
of the reports whose graphs it holds (``iris.report_tail``: a report, its cells, its graphs).
Every other subject (an agency typed in each of its reports, a source file, the vocabulary's
concepts, blank nodes) is kept by name with its classes, and the names of all shards are merged.
If a subject owned by one shard turns up anywhere else, two shards own one report, or a shard has
too many others to keep (data made under another base), the figures cannot be added up and
``merge`` says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from ogikg import iris
from ogikg.iris import report_tail

# Subjects of other reports' shards are a few per report; tens of thousands mean the data is not
# laid out by report, and naming them all would hold the whole dataset in memory.
FOREIGN_LIMIT = 50_000


@dataclass(slots=True)
class DatasetStatistics:
    """What one pass over every quad tells about the dataset (VoID figures)."""

    quads: int = 0
    graphs: int = 0
    distinct_subjects: int = 0
    entities: int = 0
    uri_space: str = ""
    classes: dict[str, int] = field(default_factory=dict)  # class IRI → distinct instances
    properties: dict[str, int] = field(default_factory=dict)  # property IRI → quads


@dataclass(slots=True)
class ShardCounts:
    """The figures of one shard's quads."""

    quads: int = 0
    graphs: int = 0
    properties: dict[str, int] = field(default_factory=dict)
    tails: list[str] = field(default_factory=list)  # the reports whose subjects it owns
    owned_subjects: int = 0
    owned_entities: int = 0
    owned_classes: dict[str, int] = field(default_factory=dict)
    foreign: dict[str, list[str]] = field(default_factory=dict)  # subject → its classes here
    overflow: bool = False  # more than FOREIGN_LIMIT foreign subjects: not kept

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> ShardCounts:
        return cls(**document)


def _subject_key(subject: object) -> str:
    if isinstance(subject, ox.NamedNode):
        return subject.value
    if isinstance(subject, ox.BlankNode):
        return "_:" + subject.value
    return str(subject)  # an RDF 1.2 triple term


def count_quads(quads: Iterable[ox.Quad], tails: Iterable[str], uri_space: str) -> ShardCounts:
    """Count a shard's quads; ``tails`` are the reports whose graphs it holds, whose subjects it
    owns (agency, area and vocabulary graphs are no report's: their subjects are kept by name)."""
    owner_tails = set(tails)
    properties: Counter[str] = Counter()
    graphs: set[str] = set()
    owned: dict[str, bool] = {}  # subject → owned by this shard
    owned_typings: set[tuple[str, str]] = set()
    foreign: dict[str, set[str]] = {}
    count = 0
    for quad in quads:
        count += 1
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode):
            graphs.add(graph.value)
        predicate = quad.predicate.value
        properties[predicate] += 1
        subject = quad.subject
        key = _subject_key(subject)
        mine = owned.get(key)
        if mine is None:
            mine = owned[key] = isinstance(subject, ox.NamedNode) and report_tail(key) in owner_tails
            if not mine and len(foreign) <= FOREIGN_LIMIT:
                foreign[key] = set()
        if predicate == iris.RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            if mine:
                owned_typings.add((key, quad.object.value))
            elif key in foreign:
                foreign[key].add(quad.object.value)
    mine_keys = [key for key, mine in owned.items() if mine]
    overflow = len(foreign) > FOREIGN_LIMIT
    return ShardCounts(
        quads=count,
        graphs=len(graphs),
        properties=dict(sorted(properties.items())),
        tails=sorted(owner_tails),
        owned_subjects=len(mine_keys),
        owned_entities=sum(1 for key in mine_keys if key.startswith(uri_space)),
        owned_classes=dict(sorted(Counter(cls for _, cls in owned_typings).items())),
        foreign={} if overflow else {key: sorted(classes) for key, classes in sorted(foreign.items())},
        overflow=overflow,
    )


def merge(shards: Iterable[ShardCounts], uri_space: str) -> DatasetStatistics | None:
    """The figures of the whole dataset, or ``None`` when the shards' figures cannot be added up."""
    properties: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    foreign: dict[str, set[str]] = {}
    tails: set[str] = set()
    quads = graphs = subjects = entities = 0
    for shard in shards:
        if shard.overflow:
            return None
        quads += shard.quads
        graphs += shard.graphs
        properties.update(shard.properties)
        subjects += shard.owned_subjects
        entities += shard.owned_entities
        classes.update(shard.owned_classes)
        if not tails.isdisjoint(shard.tails):
            return None  # one report's graphs in two shards (one vouched for, one not)
        tails.update(shard.tails)
        for key, found in shard.foreign.items():
            foreign.setdefault(key, set()).update(found)
    if any(report_tail(key) in tails for key in foreign):
        return None  # a subject owned by one shard is also stated in another
    for found in foreign.values():
        classes.update(found)
    return DatasetStatistics(
        quads=quads,
        graphs=graphs,
        distinct_subjects=subjects + len(foreign),
        entities=entities + sum(1 for key in foreign if key.startswith(uri_space)),
        uri_space=uri_space,
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
    )
