"""The part of the vocabulary that the report shapes read, per form generation.

A report is validated against its own graph plus a subset of the vocabulary: the indicators of
its form generation with their sum links, applicant types, units, rules, narrative indicators.
Concepts of the other generations are left out, which keeps the data graph small.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import pyoxigraph as ox

from ogikg import iris
from ogikg.ontology import turtle_files
from ogikg.validation.findings import Severity

SH = "http://www.w3.org/ns/shacl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OGI = iris.VOCAB

# Severity of a rule whose ogi:severity the ontology does not state (domain reference §3).
FALLBACK_SEVERITY = {
    **{f"I{n}": Severity.VIOLATION for n in (1, 2, 3, 4, 5, 10)},
    **{f"I{n}": Severity.WARNING for n in (6, 7, 8, 9, 11)},
    "I12": Severity.INFO,
    **{f"O{n}": Severity.VIOLATION for n in (1, 2, 3, 4, 5, 8)},
    **{f"O{n}": Severity.WARNING for n in (6, 7)},
}

# What the shapes read from the vocabulary: these properties of these kinds of resources.
_VOCABULARY_CLASSES = frozenset(
    OGI + name
    for name in (
        "Indicator",
        "DerivedIndicator",
        "NarrativeIndicator",
        "ApplicantType",
        "Unit",
        "Balance",
        "ArithmeticRule",
        "FormTable",
        "FormTemplate",
        "ValueStatus",
    )
) | {SKOS + "ConceptScheme"}
_VOCABULARY_PROPERTIES = frozenset(
    [iris.RDF_TYPE, SKOS + "prefLabel", SKOS + "notation", SKOS + "inScheme"]
    + [
        OGI + name
        for name in (
            "template",
            "sumOf",
            "sumRule",
            "atMostSumOf",
            "atLeastSumOf",
            "boundRule",
            "leftTerm",
            "rightTerm",
            "rule",
            "ruleId",
            "severity",
            "datatype",
            "unit",
            "formTable",
            "columnScheme",
            "comparableWith",
            "comparableApplicant",
            "comparisonFactor",
            "order",
        )
    ]
)
_GENERATIONS = ("old", "2019", "2021")
_LABEL_LANGUAGES = frozenset({"zh-hans", "en"})


# ------------------------------------------------------------------------- vocabulary -------


@cache
def vocabulary_triples() -> tuple[ox.Triple, ...]:
    triples: list[ox.Triple] = []
    for path in turtle_files():
        with open(path, "rb") as handle:
            triples.extend(ox.parse(handle, format=ox.RdfFormat.TURTLE))
    return tuple(triples)


@cache
def vocabulary_subset(template: str | None) -> tuple[ox.Quad, ...]:
    """The vocabulary triples the shapes read, for reports of one form generation.

    Concepts that belong to another generation's scheme are left out, which keeps the data graph
    small; rules keep their severity (the fallback of the domain reference where none is stated).
    """
    triples = vocabulary_triples()
    kinds: dict[ox.NamedNode, set[str]] = defaultdict(set)
    schemes: dict[ox.NamedNode, set[str]] = defaultdict(set)
    tables: dict[ox.NamedNode, str] = {}
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate == iris.RDF_TYPE:
            kinds[subject].add(obj.value)
        elif predicate == SKOS + "inScheme":
            schemes[subject].add(obj.value)
        elif predicate == OGI + "formTable":
            tables[subject] = obj.value

    def generation(subject: ox.NamedNode) -> str | None:
        found = {s.removeprefix(iris.SCHEME) for s in schemes.get(subject, ())} & set(_GENERATIONS)
        if not found and subject in tables:
            found = {s.removeprefix(iris.SCHEME) for s in schemes.get(ox.NamedNode(tables[subject]), ())}
            found &= set(_GENERATIONS)
        return next(iter(found)) if found else None

    keep: set[ox.NamedNode] = set()
    for subject, subject_kinds in kinds.items():
        if subject_kinds & _VOCABULARY_CLASSES:
            owner = generation(subject)
            if owner is None or owner == template:
                keep.add(subject)
    quads: list[ox.Quad] = []
    severities: set[ox.NamedNode] = set()
    for triple in triples:
        subject = triple.subject
        if subject not in keep or triple.predicate.value not in _VOCABULARY_PROPERTIES:
            continue
        obj = triple.object
        if isinstance(obj, ox.Literal) and obj.language and obj.language.lower() not in _LABEL_LANGUAGES:
            continue
        if triple.predicate.value == OGI + "severity":
            severities.add(subject)  # type: ignore[arg-type]
        quads.append(ox.Quad(subject, triple.predicate, obj))
    for subject in keep:
        if OGI + "ArithmeticRule" in kinds[subject] and subject not in severities:
            fallback = FALLBACK_SEVERITY.get(subject.value.removeprefix(iris.RULE))
            if fallback:
                quads.append(ox.Quad(subject, ox.NamedNode(OGI + "severity"), ox.NamedNode(fallback.iri)))
    return tuple(quads)


@cache
def rule_severities() -> dict[str, Severity]:
    """Rule IRI → severity of a breach (ontology, else the fallback of the domain reference)."""
    found = {
        t.subject.value: Severity.from_iri(t.object.value)
        for t in vocabulary_triples()
        if t.predicate.value == OGI + "severity" and t.object.value.startswith(SH)
    }
    for rule_id, severity in FALLBACK_SEVERITY.items():
        found.setdefault(iris.RULE + rule_id, severity)
    return found
