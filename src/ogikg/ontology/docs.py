"""Human-readable documentation of the vocabulary, generated from the Turtle at run time.

``render_docs()`` gives one HTML page with every class, property, Data Cube structure, concept
scheme and concept, legal provision and reused term; each term's anchor is its IRI relative to the
vocabulary namespace (``Agency``, ``indicator/2021.T3.granted``, ``outcome/denied.stateSecret``).
``render_term(iri)`` gives the page of one term, including what refers to it; ``term_turtle(iri)``
the triples that describe it. The server mounts these at the ontology namespace (/def/).

Nothing here knows a label: everything shown is read from the Turtle files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import jinja2
import pyoxigraph as ox

from ogikg import iris
from ogikg.ontology import turtle_files
from ogikg.ontology.catalogue import catalogue

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_QB = "http://purl.org/linked-data/cube#"
_ELI = "http://data.europa.eu/eli/ontology#"
_DCT = "http://purl.org/dc/terms/"
_SITE = "https://w3id.org/ogikg/"

# Prefixes shown in the pages (the vocabulary's own namespaces first, then the W3C ones).
_CURIES: dict[str, str] = {
    "ind": iris.INDICATOR,
    "form": iris.VOCAB + "form/",
    "app": iris.APPLICANT,
    "unit": iris.UNIT,
    "tpl": iris.TEMPLATE,
    "status": iris.STATUS,
    "level": iris.LEVEL,
    "kind": iris.AGENCY_KIND,
    "outcome": iris.OUTCOME,
    "review": iris.VOCAB + "review-outcome/",
    "rule": iris.RULE,
    "scheme": iris.SCHEME,
    "dsd": iris.DSD,
    "component": iris.VOCAB + "component/",
    "section": iris.VOCAB + "section/",
    "law2019": iris.ELI + "cn/sc-decree/2019/711/",
    "law2007": iris.ELI + "cn/sc-decree/2007/492/",
    **{name: ns for name, ns in iris.PREFIXES.items() if name not in ("ind", "app", "unit", "status")},
    "vann": "http://purl.org/vocab/vann/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

# Predicates shown in the head of a term block rather than in its table of properties.
_HEAD = {
    _RDF + "type",
    _RDFS + "label",
    _SKOS + "prefLabel",
    _SKOS + "definition",
    _SKOS + "notation",
    _SKOS + "altLabel",
    _SKOS + "inScheme",
    _RDFS + "isDefinedBy",
}
# Links worth showing in the compact concept tables of the full page.
_CONCEPT_LINKS = [
    _SKOS + "broader",
    iris.VOCAB + "unit",
    iris.VOCAB + "sumOf",
    iris.VOCAB + "requestOutcome",
    iris.VOCAB + "reviewOutcome",
    iris.VOCAB + "legalBasis",
    _SKOS + "exactMatch",
    _SKOS + "closeMatch",
    _SKOS + "broadMatch",
    _SKOS + "narrowMatch",
    iris.VOCAB + "correspondsToSumOf",
    iris.VOCAB + "comparableWith",
]


@dataclass(slots=True)
class _Value:
    """An object of a triple, ready for the template."""

    text: str
    href: str | None = None
    title: str | None = None
    lang: str | None = None


@dataclass(slots=True)
class _Term:
    iri: str
    anchor: str
    curie: str
    types: list[_Value]
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str
    notation: str
    alt_labels: list[str]
    properties: list[tuple[_Value, list[_Value]]] = field(default_factory=list)
    incoming: list[tuple[_Value, list[_Value]]] = field(default_factory=list)
    incoming_total: int = 0


@dataclass(slots=True)
class _Index:
    """Every triple of the vocabulary, by subject and by object."""

    outgoing: dict[str, list[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode]]]
    incoming: dict[str, list[tuple[str, str]]]
    blank: dict[str, list[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode]]]
    store: ox.Store

    def values(self, subject: str, predicate: str) -> list[ox.NamedNode | ox.Literal | ox.BlankNode]:
        return [obj for pred, obj in self.outgoing.get(subject, []) if pred == predicate]

    def iris_of(self, subject: str, predicate: str) -> list[str]:
        return [obj.value for obj in self.values(subject, predicate) if isinstance(obj, ox.NamedNode)]

    def literal(self, subject: str, predicates: tuple[str, ...], lang: str | None) -> str:
        for predicate in predicates:
            for obj in self.values(subject, predicate):
                if isinstance(obj, ox.Literal) and (obj.language or "").lower() == (lang or ""):
                    return obj.value
        return ""

    def subjects_of_type(self, cls: str) -> list[str]:
        return sorted({s for s, predicate in self.incoming.get(cls, []) if predicate == _RDF + "type"})


@cache
def _index() -> _Index:
    outgoing: dict[str, list] = defaultdict(list)
    incoming: dict[str, list] = defaultdict(list)
    blank: dict[str, list] = defaultdict(list)
    store = ox.Store()
    for path in turtle_files():
        with open(path, "rb") as handle:
            triples = list(ox.parse(handle, format=ox.RdfFormat.TURTLE))
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
        for triple in triples:
            subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
            if isinstance(subject, ox.BlankNode):
                blank[subject.value].append((predicate, obj))
                continue
            if not isinstance(subject, ox.NamedNode):
                continue
            if (predicate, obj) not in outgoing[subject.value]:
                outgoing[subject.value].append((predicate, obj))
            if isinstance(obj, ox.NamedNode) and (subject.value, predicate) not in incoming[obj.value]:
                incoming[obj.value].append((subject.value, predicate))
    return _Index(dict(outgoing), dict(incoming), dict(blank), store)


def anchor(iri: str) -> str:
    """The anchor of a term on the documentation page: its IRI relative to the namespace."""
    for base in (iris.VOCAB, _SITE):
        if iri.startswith(base) and iri != base:
            return iri[len(base) :]
    return curie(iri)


def curie(iri: str) -> str:
    best = ""
    for name, namespace in _CURIES.items():
        if iri.startswith(namespace) and len(namespace) > len(_CURIES.get(best, "")):
            best = name
    if best:
        local = iri[len(_CURIES[best]) :]
        return f"{best}:{local}"
    return iri


class _Linker:
    """Where a link to a term goes: an anchor of the full page, or the term's own page."""

    def __init__(self, index: _Index, base_url: str | None, on_full_page: bool) -> None:
        self._index = index
        self._base_url = base_url
        self._full_page = on_full_page

    def page(self, iri: str) -> str:
        if self._base_url and iri.startswith(_SITE):
            return self._base_url.rstrip("/") + "/" + iri[len(_SITE) :]
        return iri

    def href(self, iri: str) -> str:
        if iri in self._index.outgoing and (iri.startswith(_SITE) or self._full_page):
            return "#" + anchor(iri) if self._full_page else self.page(iri)
        return iri

    def value(self, obj: ox.NamedNode | ox.Literal | ox.BlankNode) -> _Value:
        if isinstance(obj, ox.NamedNode):
            label = label_of(obj.value)
            return _Value(text=curie(obj.value), href=self.href(obj.value), title=label or None)
        if isinstance(obj, ox.Literal):
            return _Value(text=obj.value, lang=obj.language)
        parts = [
            f"{curie(pred)} {o.value if isinstance(o, ox.Literal) else curie(o.value)}"
            for pred, o in self._index.blank.get(obj.value, [])
        ]
        return _Value(text="[ " + " ; ".join(parts) + " ]")


def label_of(iri: str) -> str:
    index = _index()
    predicates = (_SKOS + "prefLabel", _RDFS + "label")
    return index.literal(iri, predicates, "zh-hans") or index.literal(iri, predicates, "en")


def _term(iri: str, linker: _Linker, *, with_incoming: bool) -> _Term:
    index = _index()
    labels = (_SKOS + "prefLabel", _RDFS + "label")
    definitions = (_SKOS + "definition",)
    notation = index.values(iri, _SKOS + "notation")
    term = _Term(
        iri=iri,
        anchor=anchor(iri),
        curie=curie(iri),
        types=[linker.value(t) for t in index.values(iri, _RDF + "type")],
        label_zh=index.literal(iri, labels, "zh-hans"),
        label_en=index.literal(iri, labels, "en"),
        definition_zh=index.literal(iri, definitions, "zh-hans"),
        definition_en=index.literal(iri, definitions, "en"),
        notation=notation[0].value if notation else "",
        alt_labels=[o.value for o in index.values(iri, _SKOS + "altLabel") if isinstance(o, ox.Literal)],
    )
    grouped: dict[str, list[_Value]] = defaultdict(list)
    for predicate, obj in index.outgoing.get(iri, []):
        if predicate not in _HEAD or predicate == _SKOS + "inScheme":
            grouped[predicate].append(linker.value(obj))
    term.properties = [(linker.value(ox.NamedNode(p)), values) for p, values in grouped.items()]
    if with_incoming:
        refs: dict[str, list[_Value]] = defaultdict(list)
        for subject, predicate in index.incoming.get(iri, []):
            refs[predicate].append(linker.value(ox.NamedNode(subject)))
        term.incoming = [(linker.value(ox.NamedNode(p)), values) for p, values in refs.items()]
        term.incoming_total = sum(len(v) for v in refs.values())
    return term


def _compact(iri: str, linker: _Linker) -> _Term:
    """A concept for the tables of the full page: head fields and the links that matter most."""
    term = _term(iri, linker, with_incoming=False)
    term.properties = [(name, vals) for name, vals in term.properties if _expand(name.text) in _CONCEPT_LINKS]
    return term


def _expand(text: str) -> str:
    prefix, _, local = text.partition(":")
    return _CURIES.get(prefix, "") + local if prefix in _CURIES else text


def _natural_key(text: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _concept_order(iri: str) -> tuple:
    cat = catalogue()
    concept = cat.by_iri.get(iri)
    if concept is not None:
        return (0, cat.sort_key(concept), ())
    orders = [int(o.value) for o in _index().values(iri, iris.VOCAB + "order") if isinstance(o, ox.Literal)]
    broader = _index().iris_of(iri, _SKOS + "broader")
    parent = _concept_order(broader[0])[1:] if broader and broader[0] != iri else ()
    return (1, parent, (orders[0] if orders else 0, _natural_key(anchor(iri))))


@dataclass(slots=True)
class _Scheme:
    term: _Term
    concepts: list[_Term]
    shared: int  # concepts listed under another scheme


def _schemes(linker: _Linker) -> list[_Scheme]:
    """Every concept scheme with the concepts first listed under it (a concept is shown once)."""
    index = _index()
    members: dict[str, list[str]] = defaultdict(list)
    for subject, pairs in index.outgoing.items():
        for predicate, obj in pairs:
            if predicate == _SKOS + "inScheme" and isinstance(obj, ox.NamedNode):
                members[obj.value].append(subject)
    scheme_iris = sorted(set(index.subjects_of_type(_SKOS + "ConceptScheme")) | set(members))
    union = iris.SCHEME + "indicators"
    # the union code list comes last so each indicator is listed under its own generation
    scheme_iris.sort(key=lambda s: (s == union, _natural_key(anchor(s))))
    shown: set[str] = set()
    result = []
    for scheme in scheme_iris:
        own = sorted((c for c in set(members.get(scheme, [])) if c not in shown), key=_concept_order)
        shown.update(own)
        result.append(
            _Scheme(
                term=_term(scheme, linker, with_incoming=False),
                concepts=[_compact(c, linker) for c in own],
                shared=len(set(members.get(scheme, []))) - len(own),
            )
        )
    return result


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ogikg.ontology", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _terms(iris_: list[str], linker: _Linker) -> list[_Term]:
    return [_term(i, linker, with_incoming=False) for i in iris_]


@cache
def _render_docs(base_url: str | None) -> str:
    index = _index()
    linker = _Linker(index, base_url, on_full_page=True)
    own = [s for s in index.outgoing if s.startswith(_SITE)]

    def of_type(cls: str) -> list[str]:
        return sorted((s for s in index.subjects_of_type(cls) if s.startswith(_SITE)), key=_natural_key)

    properties = set(of_type(_OWL + "ObjectProperty")) | set(of_type(_OWL + "DatatypeProperty"))
    other_properties = sorted(
        (set(of_type(_RDF + "Property")) | set(of_type(_OWL + "AnnotationProperty"))) - properties,
        key=_natural_key,
    )
    provisions = [s for s in own if s.startswith(iris.ELI) and index.values(s, _RDFS + "label")]
    provisions.sort(key=lambda s: _natural_key(s))
    reused = sorted(
        (s for s in index.outgoing if not s.startswith(_SITE) and index.values(s, iris.VOCAB + "usageNote")),
        key=curie,
    )
    ontology = index.subjects_of_type(_OWL + "Ontology")
    sections = {
        "classes": of_type(_OWL + "Class"),
        "object_properties": of_type(_OWL + "ObjectProperty"),
        "datatype_properties": of_type(_OWL + "DatatypeProperty"),
        "other_properties": other_properties,
        "structures": of_type(_QB + "DataStructureDefinition"),
        "components": of_type(_QB + "ComponentSpecification"),
        "provisions": provisions,
    }
    schemes = _schemes(linker)
    shown = {i for members in sections.values() for i in members} | set(ontology)
    shown |= {s.term.iri for s in schemes} | {c.iri for s in schemes for c in s.concepts}
    # anything else the vocabulary describes (e.g. the dataset description) still gets an anchor
    others = sorted((s for s in own if s not in shown), key=_natural_key)
    return (
        _environment()
        .get_template("vocabulary.html")
        .render(
            ontology=_term(ontology[0], linker, with_incoming=False) if ontology else None,
            sections={name: _terms(members, linker) for name, members in sections.items()},
            schemes=schemes,
            others=_terms(others, linker),
            reused=[
                (
                    _term(s, linker, with_incoming=False),
                    index.literal(s, (iris.VOCAB + "usageNote",), "en"),
                    index.literal(s, (iris.VOCAB + "usageNote",), "zh-hans"),
                )
                for s in reused
            ],
            page_of=linker.page,
        )
    )


def render_docs(base_url: str | None = None) -> str:
    """The documentation page of the whole vocabulary.

    ``base_url`` replaces https://w3id.org/ogikg/ in links to term pages, so a local server can keep
    readers on itself (e.g. ``"/"`` or ``"http://localhost:8000/"``).
    """
    return _render_docs(base_url)


def render_term(iri: str, base_url: str | None = None) -> str | None:
    """The page of one term of the vocabulary, or None if the vocabulary does not describe it."""
    index = _index()
    if iri not in index.outgoing:
        return None
    linker = _Linker(index, base_url, on_full_page=False)
    term = _term(iri, linker, with_incoming=True)
    docs_page = linker.page(iris.VOCAB)
    return (
        _environment()
        .get_template("term.html")
        .render(term=term, docs_page=docs_page, docs_anchor=docs_page + "#" + anchor(iri))
    )


def term_turtle(iri: str) -> str | None:
    """The triples of the vocabulary about one term (its concise description) as Turtle."""
    index = _index()
    if iri not in index.outgoing:
        return None
    subject = ox.NamedNode(iri)
    quads = index.store.quads_for_pattern(subject, None, None)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    seen: set[str] = set()
    pending = [t.object for t in triples if isinstance(t.object, ox.BlankNode)]
    while pending:  # include the blank nodes it uses, so the description stands alone
        node = pending.pop()
        if node.value in seen:
            continue
        seen.add(node.value)
        for quad in index.store.quads_for_pattern(node, None, None):
            triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
    used = {term.value for t in triples for term in (t.predicate, t.object) if isinstance(term, ox.NamedNode)}
    used.add(iri)
    prefixes = {name: ns for name, ns in _CURIES.items() if any(u.startswith(ns) for u in used)}
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    return data.decode("utf-8")
