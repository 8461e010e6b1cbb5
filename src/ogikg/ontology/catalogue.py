"""The indicator catalogue read from the ontology's Turtle: tables, blocks, rows, columns,
indicators, applicant types, units and the arithmetic links between them.

Everything the converter, the shapes, the exporter and the server need to know about the
official forms comes from here; no label is written in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from ogikg import iris
from ogikg.ontology import turtle_files

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OGI = iris.VOCAB

# ogi: classes that make up a form, by the kind name used in Python
KINDS = {
    _OGI + "FormTable": "table",
    _OGI + "FormBlock": "block",
    _OGI + "FormRow": "row",
    _OGI + "FormColumn": "column",
    _OGI + "Indicator": "indicator",
    _OGI + "DerivedIndicator": "derived",
    _OGI + "NarrativeIndicator": "narrative",
    _OGI + "ApplicantType": "applicant",
    _OGI + "Unit": "unit",
    _OGI + "Balance": "balance",
}


@dataclass(slots=True)
class Concept:
    """One catalogue resource with the properties the code uses."""

    iri: str
    kind: str
    notation: str = ""
    label_zh: str = ""
    label_en: str = ""
    alt_labels: list[str] = field(default_factory=list)  # simplified and traditional variants
    schemes: list[str] = field(default_factory=list)
    broader: str | None = None  # IRI
    order: int = 0
    table: str | None = None  # IRI of the ogi:FormTable
    unit: str | None = None  # IRI
    datatype: str | None = None  # XSD IRI
    form_row: str | None = None
    form_column: str | None = None
    columns: list[str] = field(default_factory=list)  # ogi:hasColumn, IRIs
    column_scheme: str | None = None
    sum_of: list[str] = field(default_factory=list)
    sum_rule: str | None = None
    at_most_sum_of: list[str] = field(default_factory=list)
    at_least_sum_of: list[str] = field(default_factory=list)
    bound_rule: str | None = None
    left_terms: list[str] = field(default_factory=list)
    right_terms: list[str] = field(default_factory=list)
    rule: str | None = None
    header_note: str | None = None
    comparable_with: list[str] = field(default_factory=list)
    text_patterns: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    export_fields: list[str] = field(default_factory=list)

    @property
    def labels_zh(self) -> list[str]:
        """Preferred label first, then every variant (simplified and traditional)."""
        return [self.label_zh, *self.alt_labels]


_SINGLE = {
    _SKOS + "notation": "notation",
    _SKOS + "broader": "broader",
    _OGI + "order": "order",
    _OGI + "formTable": "table",
    _OGI + "unit": "unit",
    _OGI + "datatype": "datatype",
    _OGI + "formRow": "form_row",
    _OGI + "formColumn": "form_column",
    _OGI + "columnScheme": "column_scheme",
    _OGI + "sumRule": "sum_rule",
    _OGI + "boundRule": "bound_rule",
    _OGI + "rule": "rule",
}
_MULTI = {
    _SKOS + "inScheme": "schemes",
    _OGI + "hasColumn": "columns",
    _OGI + "sumOf": "sum_of",
    _OGI + "atMostSumOf": "at_most_sum_of",
    _OGI + "atLeastSumOf": "at_least_sum_of",
    _OGI + "leftTerm": "left_terms",
    _OGI + "rightTerm": "right_terms",
    _OGI + "comparableWith": "comparable_with",
    _OGI + "textPattern": "text_patterns",
    _OGI + "legalBasis": "legal_basis",
    _OGI + "exportField": "export_fields",
}


class Catalogue:
    """Indexed view of the catalogue concepts."""

    def __init__(self, concepts: dict[str, Concept]) -> None:
        self.by_iri = concepts
        self.by_notation = {c.notation: c for c in concepts.values() if c.notation}
        children: dict[str, list[Concept]] = defaultdict(list)
        for concept in concepts.values():
            if concept.broader:
                children[concept.broader].append(concept)
        for siblings in children.values():
            siblings.sort(key=lambda c: (c.order, c.notation))
        self._children = children

    def __getitem__(self, notation: str) -> Concept:
        return self.by_notation[notation]

    def get(self, notation: str) -> Concept | None:
        return self.by_notation.get(notation)

    def iri(self, iri: str) -> Concept:
        return self.by_iri[iri]

    def children(self, concept: Concept) -> list[Concept]:
        return self._children.get(concept.iri, [])

    def of_kind(self, kind: str, scheme: str | None = None) -> list[Concept]:
        """Concepts of a kind, optionally within a scheme (IRI or generation name), in form order."""
        scheme_iri = scheme if scheme is None or scheme.startswith("http") else iris.SCHEME + scheme
        found = [
            c
            for c in self.by_iri.values()
            if c.kind == kind and (scheme_iri is None or scheme_iri in c.schemes)
        ]
        return sorted(found, key=self.sort_key)

    def tables(self, generation: str) -> list[Concept]:
        return self.of_kind("table", generation)

    def indicators(self, generation: str) -> list[Concept]:
        """Indicators that have a printed cell in the form of a generation, in form order."""
        return self.of_kind("indicator", generation)

    def applicant_types(self) -> list[Concept]:
        """The 表三 columns in printed order (自然人, 商业企业 … 其他, 总计); groups excluded."""
        columns = [c for c in self.of_kind("applicant") if c.notation not in ("LP", "Z")]
        return sorted(columns, key=lambda c: (c.notation == "T", self.sort_key(c)))

    def ancestors(self, concept: Concept) -> list[Concept]:
        """Broader concepts from the top of the form down to the direct parent."""
        chain: list[Concept] = []
        current = concept
        while current.broader and current.broader in self.by_iri:
            current = self.by_iri[current.broader]
            chain.append(current)
        return list(reversed(chain))

    def sort_key(self, concept: Concept) -> tuple:
        """Position in the printed form: the orders of the ancestors, then its own."""
        table = self.by_iri.get(concept.table) if concept.table else None
        table_order = table.order if table else 0
        path = (*(a.order for a in self.ancestors(concept)), concept.order)
        return (table_order, path, concept.notation)


@cache
def catalogue() -> Catalogue:
    """The catalogue, parsed once per process from the ontology Turtle files."""
    concepts: dict[str, Concept] = {}
    props: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for path in turtle_files():
        with open(path, "rb") as handle:
            for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
                if not isinstance(triple.subject, ox.NamedNode):
                    continue
                subject = triple.subject.value
                predicate = triple.predicate.value
                obj = triple.object
                if predicate == iris.RDF_TYPE and isinstance(obj, ox.NamedNode) and obj.value in KINDS:
                    concepts.setdefault(subject, Concept(iri=subject, kind=KINDS[obj.value]))
                    continue
                props[subject].append((predicate, obj))
    for subject, concept in concepts.items():
        for predicate, obj in props.get(subject, []):
            value = obj.value  # type: ignore[attr-defined]
            # oxigraph lower-cases language tags
            language = (obj.language or "").lower() if isinstance(obj, ox.Literal) else None
            if predicate == _SKOS + "prefLabel" and language is not None:
                if language == "zh-hans":
                    concept.label_zh = value
                elif language == "en":
                    concept.label_en = value
            elif predicate == _SKOS + "altLabel" and language is not None:
                if language in ("zh-hans", "zh-hant"):
                    concept.alt_labels.append(value)
            elif predicate == _OGI + "headerNote" and language is not None:
                if language == "zh-hans":
                    concept.header_note = value
            elif predicate in _SINGLE:
                attribute = _SINGLE[predicate]
                setattr(concept, attribute, int(value) if attribute == "order" else value)
            elif predicate in _MULTI:
                getattr(concept, _MULTI[predicate]).append(value)
    return Catalogue(concepts)
