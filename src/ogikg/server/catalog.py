"""``/.well-known/void``: the DCAT 3 catalogue and the VoID description of the knowledge graph.

The static part (titles, descriptions, licence, publisher, themes, vocabularies) is the skeleton in
``ontology/dataset.ttl``, moved to this server's data base; the rest is computed: the SPARQL
endpoint as a ``dcat:DataService`` and a distribution, one ``ogi:Dump`` distribution per dump file
(size, SHA-256, media and compression types), and the VoID figures — triples, named graphs,
entities, distinct subjects, classes and properties with their partitions, last modification.

Figures come from the manifest the last ``regenerate_dumps`` wrote when it describes the store as
it is now (written after the store's last write); otherwise they are counted with SPARQL through
the query workers, in the background: until the counts are ready the description goes out without
them. Either way the complete description is cached until the store changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from fastapi import APIRouter
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ogikg import iris
from ogikg.ontology import ontology_dir
from ogikg.server.cors import PublicReadRoute
from ogikg.server.dumps import (
    DUMPS_PATH,
    NQUADS,
    TRIG,
    VOCABULARY,
    DatasetStatistics,
    Manifest,
    read_manifest,
)
from ogikg.server.errors import error_response
from ogikg.server.executor import QueryExecutor, QueryFailed, select
from ogikg.server.negotiation import FORMATS_BY_NAME, Format, negotiate
from ogikg.server.service_description import HTML
from ogikg.server.site import SiteState, current_manifest, last_modified, render
from ogikg.server.sparql import QUERY_PATH, public_base

VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
OGI = Namespace(iris.VOCAB)
IANA = "http://www.iana.org/assignments/media-types/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
VOID_PATH = "/.well-known/void"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

CATALOG_FORMATS: tuple[Format, ...] = (*(FORMATS_BY_NAME[n] for n in ("ttl", "jsonld", "nt", "rdfxml")), HTML)
_RDFLIB = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdfxml": "xml"}
_FEATURES = {NQUADS: "N-Quads", TRIG: "TriG", VOCABULARY: "Turtle"}


@cache
def _skeleton() -> Graph:
    graph = Graph()
    graph.parse(ontology_dir() / "dataset.ttl", format="turtle")
    return graph


def _moved(term: object, base: str) -> object:
    """Data-side IRIs of the skeleton (catalogue, dataset, publisher) moved to this server's base."""
    if isinstance(term, URIRef):
        text = str(term)
        if text.startswith(iris.DEFAULT_BASE) and not text.startswith((iris.VOCAB, iris.ELI)):
            return URIRef(base + text[len(iris.DEFAULT_BASE) :])
    if isinstance(term, Literal) and str(term) == iris.DEFAULT_BASE + "id/":
        return Literal(base + "id/")
    return term


@dataclass(frozen=True, slots=True)
class LiveFigures:
    """What the catalogue needs from the store right now."""

    quads: int | None
    graphs: int | None
    statistics: DatasetStatistics | None
    modified: datetime | None


def build_catalogue(base: str, public: str, manifest: Manifest | None, figures: LiveFigures) -> Graph:
    """The DCAT 3 + VoID description (a pure function of its inputs)."""
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("void", VOID),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("ogi", OGI),
        ("xsd", XSD),
    ):
        graph.bind(prefix, namespace)
    template = OGI.DatasetDescriptionTemplate
    for s, p, o in _skeleton():
        if isinstance(s, URIRef) and str(s).startswith(iris.VOCAB):
            continue  # the vocabulary terms defined next to the skeleton
        if p == RDF.type and o == template:
            continue
        graph.add((_moved(s, base), p, _moved(o, base)))  # type: ignore[arg-type]

    catalogue = URIRef(base + "catalog")
    dataset = URIRef(base + "dataset")
    service = URIRef(base + "service/sparql")
    endpoint = URIRef(public + QUERY_PATH)
    licence = graph.value(dataset, DCTERMS.license)
    description = URIRef(public + VOID_PATH)

    graph.add((description, RDF.type, VOID.DatasetDescription))
    graph.add((description, FOAF.primaryTopic, dataset))
    graph.add((catalogue, FOAF.homepage, URIRef(public + "/")))
    graph.add((dataset, DCAT.landingPage, URIRef(public + "/")))

    graph.add((catalogue, DCAT.service, service))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal("ogikg SPARQL 1.1 endpoint", lang="en")))
    graph.add((service, DCTERMS.title, Literal("ogikg SPARQL 查询端点", lang="zh-Hans")))
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.endpointDescription, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    if licence is not None:
        graph.add((service, DCTERMS.license, licence))

    sparql_distribution = URIRef(base + "distribution/sparql")
    graph.add((dataset, DCAT.distribution, sparql_distribution))
    graph.add((sparql_distribution, RDF.type, DCAT.Distribution))
    graph.add((sparql_distribution, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    graph.add((sparql_distribution, DCAT.accessURL, endpoint))
    graph.add((sparql_distribution, DCAT.accessService, service))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))

    for dump in manifest.dumps if manifest else []:
        url = URIRef(public + DUMPS_PATH + dump.name)
        node = URIRef(base + "distribution/" + dump.name)
        whole = dump.name != VOCABULARY
        owner = dataset if whole else URIRef(iris.VOCAB)
        if not whole:
            graph.add((catalogue, DCAT.dataset, owner))
            graph.add((owner, RDF.type, DCAT.Dataset))
            graph.add((owner, DCTERMS.title, Literal("ogikg vocabulary", lang="en")))
            graph.add((owner, DCTERMS.title, Literal("ogikg 词表", lang="zh-Hans")))
        graph.add((owner, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        if whole:
            graph.add((node, RDF.type, OGI.Dump))
            graph.add((dataset, VOID.dataDump, url))
            graph.add((node, OGI.graphCount, Literal(dump.graphs, datatype=XSD.nonNegativeInteger)))
            graph.add((dataset, VOID.feature, URIRef(W3C_FORMATS + _FEATURES[dump.name])))
        graph.add((node, DCTERMS.title, Literal(dump.description, lang="en")))
        graph.add((node, DCAT.downloadURL, url))
        graph.add((node, DCAT.accessURL, URIRef(public + DUMPS_PATH)))
        graph.add((node, DCAT.mediaType, URIRef(IANA + dump.media_type)))
        if dump.compress_format:
            graph.add((node, DCAT.compressFormat, URIRef(IANA + dump.compress_format)))
        graph.add((node, DCAT.byteSize, Literal(dump.byte_size, datatype=XSD.nonNegativeInteger)))
        graph.add((node, OGI.sha256, Literal(dump.sha256)))
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
        graph.add((node, DCTERMS.modified, Literal(dump.modified, datatype=XSD.dateTime)))
        graph.add((node, VOID.triples, Literal(dump.triples, datatype=XSD.integer)))
        if licence is not None:
            graph.add((node, DCTERMS.license, licence))

    if figures.modified is not None:
        stamp = Literal(figures.modified.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
        graph.add((dataset, DCTERMS.modified, stamp))
        graph.add((catalogue, DCTERMS.modified, stamp))
    if figures.quads is not None:
        graph.add((dataset, VOID.triples, Literal(figures.quads, datatype=XSD.integer)))
    if figures.graphs is not None:
        graph.add((dataset, OGI.graphCount, Literal(figures.graphs, datatype=XSD.nonNegativeInteger)))
    stats = figures.statistics
    if stats is not None:
        graph.add((dataset, VOID.entities, Literal(stats.entities, datatype=XSD.integer)))
        graph.add((dataset, VOID.distinctSubjects, Literal(stats.distinct_subjects, datatype=XSD.integer)))
        graph.add((dataset, VOID.classes, Literal(len(stats.classes), datatype=XSD.integer)))
        graph.add((dataset, VOID.properties, Literal(len(stats.properties), datatype=XSD.integer)))
        for cls, count in stats.classes.items():
            partition = URIRef(base + "dataset/class/" + _slug(cls))
            graph.add((dataset, VOID.classPartition, partition))
            graph.add((partition, VOID["class"], URIRef(cls)))
            graph.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
        for prop, count in stats.properties.items():
            partition = URIRef(base + "dataset/property/" + _slug(prop))
            graph.add((dataset, VOID.propertyPartition, partition))
            graph.add((partition, VOID.property, URIRef(prop)))
            graph.add((partition, VOID.triples, Literal(count, datatype=XSD.integer)))
    return graph


def _slug(iri: str) -> str:
    """A stable IRI-safe name for a partition: the CURIE of the term (``ogi:FormCell`` → ``ogi-FormCell``)."""
    for name, namespace in iris.PREFIXES.items():
        if iri.startswith(namespace):
            return iris.local_name(f"{name}-{iri[len(namespace) :]}")
    return iris.local_name(iri.split("://", 1)[-1])


# -- live figures ------------------------------------------------------------------------------------


_CLASS_QUERY = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"
_PROPERTY_QUERY = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
_SUBJECTS_QUERY = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"


def _entities_query(uri_space: str) -> str:
    return (
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{uri_space}")) }}'
    )


async def counted_statistics(
    executor: QueryExecutor, result_limit: int, uri_space: str
) -> DatasetStatistics | None:
    """The VoID figures counted with SPARQL, for a store without a current dumps manifest; ``None``
    when the store cannot answer within the query deadline. Each query reads every quad once."""
    try:
        classes = await select(executor, _CLASS_QUERY, result_limit=result_limit)
        properties = await select(executor, _PROPERTY_QUERY, result_limit=result_limit)
        subjects = await select(executor, _SUBJECTS_QUERY, result_limit=result_limit)
        entities = await select(executor, _entities_query(uri_space), result_limit=result_limit)
    except QueryFailed:
        return None
    return DatasetStatistics(
        distinct_subjects=int(subjects[0]["n"].value) if subjects else 0,
        entities=int(entities[0]["n"].value) if entities else 0,
        uri_space=uri_space,
        classes={r["class"].value: int(r["n"].value) for r in classes if r["class"].type == "uri"},
        properties={r["p"].value: int(r["n"].value) for r in properties},
    )


_COUNTING = "void-counting"
_COUNTED = "void-counted"
# How long a request waits for the counts before answering without them (they keep being counted).
COUNT_WAIT_SECONDS = 2.0


async def _counted(request: Request, state: SiteState) -> DatasetStatistics | None:
    """Counts for the store as it is now: from the cache, or from a counting task started in the
    background (one at a time), waited for only briefly so that no request hangs on a big store."""
    done = state.cache_get(_COUNTED)
    if done is not None:
        return done  # type: ignore[no-any-return]
    task: asyncio.Task[DatasetStatistics | None] | None = state.cache_get(_COUNTING)
    if task is None or (task.done() and task.result() is None):
        executor: QueryExecutor = request.app.state.executor

        async def count() -> DatasetStatistics | None:
            result = await counted_statistics(executor, state.settings.result_limit, state.base + "id/")
            if result is not None:
                state.cache_put(_COUNTED, result)
            return result

        task = asyncio.get_running_loop().create_task(count())
        state.cache_put(_COUNTING, task)
    try:
        return await asyncio.wait_for(asyncio.shield(task), COUNT_WAIT_SECONDS)
    except TimeoutError:
        return None


async def live_figures(request: Request, state: SiteState) -> tuple[LiveFigures, Manifest | None]:
    """The store's figures, from the dumps manifest when it describes the store as it is now."""
    manifest = read_manifest(state.dumps_dir)
    modified = last_modified(state.settings)
    current = current_manifest(manifest, modified)
    if current is not None:
        stats = current.statistics
        return LiveFigures(stats.quads, stats.graphs, stats, modified), manifest
    executor: QueryExecutor = request.app.state.executor
    try:
        counts = await executor.stats()
    except QueryFailed:
        counts = None
    quads = counts.quads if counts else None
    statistics: DatasetStatistics | None
    if manifest is not None and quads is not None and manifest.statistics.quads == quads:
        statistics = manifest.statistics  # a remote store: no write time, but the same size
    else:
        statistics = await _counted(request, state)
    if modified is None and manifest is not None:
        modified = datetime.fromisoformat(manifest.generated)
    return LiveFigures(quads, counts.named_graphs if counts else None, statistics, modified), manifest


async def catalogue_graph(request: Request, state: SiteState) -> tuple[Graph, bool]:
    """The description, and whether it is complete (counts included) and may be cached."""
    public = public_base(request, state.settings)
    key = "catalogue-graph:" + public
    cached = state.cache_get(key)
    if cached is not None:
        return cached, True
    figures, manifest = await live_figures(request, state)
    graph = build_catalogue(state.base, public, manifest, figures)
    complete = figures.statistics is not None
    if complete:
        state.cache_put(key, graph)
    return graph, complete


# -- the route --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogueSummary:
    """The figures the HTML page shows above the Turtle."""

    rows: Sequence[tuple[str, str]]
    dumps: Sequence[tuple[str, str, str, str]]
    classes: Sequence[tuple[str, int]]


def _summary(graph: Graph, base: str) -> CatalogueSummary:
    dataset = URIRef(base + "dataset")
    rows = []
    for label, predicate in (
        ("title", DCTERMS.title),
        ("licence", DCTERMS.license),
        ("last modified", DCTERMS.modified),
        ("SPARQL endpoint", VOID.sparqlEndpoint),
        ("triples (quads)", VOID.triples),
        ("named graphs", OGI.graphCount),
        ("entities", VOID.entities),
        ("distinct subjects", VOID.distinctSubjects),
        ("classes", VOID.classes),
        ("properties", VOID.properties),
    ):
        values = sorted(str(v) for v in graph.objects(dataset, predicate))
        if values:
            rows.append((label, " · ".join(values)))
    dumps = []
    for node in graph.objects(dataset, DCAT.distribution):
        url = graph.value(node, DCAT.downloadURL)
        if url is not None:
            dumps.append(
                (
                    str(url),
                    str(graph.value(node, DCAT.byteSize)),
                    str(graph.value(node, OGI.sha256)),
                    str(graph.value(node, DCTERMS.modified)),
                )
            )
    classes = []
    for partition in graph.objects(dataset, VOID.classPartition):
        cls = graph.value(partition, VOID["class"])
        count = graph.value(partition, VOID.entities)
        if cls is not None and isinstance(count, Literal):
            classes.append((str(cls), int(count.toPython())))
    return CatalogueSummary(rows, sorted(dumps), sorted(classes, key=lambda c: -c[1]))


def catalog_router(state: SiteState) -> APIRouter:
    router = APIRouter(route_class=PublicReadRoute, tags=["catalogue"])

    async def void(request: Request) -> Response:
        requested = request.query_params.get("format")
        accept = {
            "ttl": "text/turtle",
            "jsonld": "application/ld+json",
            "nt": "application/n-triples",
            "rdf": "application/rdf+xml",
            "html": "text/html",
        }.get(requested or "", request.headers.get("accept"))
        choice = negotiate(accept, CATALOG_FORMATS)
        if choice is None:
            offered = ", ".join(f.media_type for f in CATALOG_FORMATS)
            return error_response(
                406, f"the dataset description is available as {offered}", headers={"Vary": "Accept"}
            )
        headers = {"Vary": "Accept"}
        key = f"catalogue:{public_base(request, state.settings)}:{choice.format.name}"
        body = state.cache_get(key)
        if body is None:
            try:
                graph, complete = await catalogue_graph(request, state)
            except QueryFailed as failure:
                return error_response(failure.status, failure.message)
            if choice.format.name == "html":
                turtle = graph.serialize(format="turtle")
                page = render("catalog.html", summary=_summary(graph, state.base), turtle=turtle, state=state)
                body = page.encode("utf-8")
            else:
                body = graph.serialize(format=_RDFLIB[choice.format.name], encoding="utf-8")
            if complete:
                state.cache_put(key, body)
        if choice.format.name == "html":
            return HTMLResponse(body, headers=headers)
        return Response(body, media_type=choice.content_type, headers=headers)

    router.add_api_route(VOID_PATH, void, methods=["GET", "HEAD"])
    return router
