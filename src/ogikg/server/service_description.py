"""SPARQL 1.1 Service Description of the endpoint, served on ``GET /sparql`` without a query.

Besides the standard terms it states this server's limits with two extension properties in the
ogikg vocabulary, ``ogi:resultLimit`` (rows or triples) and ``ogi:queryTimeout`` (seconds), and
explains in ``rdfs:comment`` how a cut result is marked.
"""

from __future__ import annotations

from html import escape

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ogikg.iris import VOCAB
from ogikg.server.jobs import StoreStats
from ogikg.server.negotiation import GRAPH_FORMATS, RESULT_FORMATS, Format
from ogikg.server.settings import ServerSettings

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
OGI = Namespace(VOCAB)

# text/html is offered to browsers: a short page pointing to the human query page.
HTML = Format("html", "graph", "text/html", ("application/xhtml+xml",), text=True)
DESCRIPTION_FORMATS: tuple[Format, ...] = (
    *[f for f in GRAPH_FORMATS if f.name in {"ttl", "rdfxml", "jsonld", "nt"}],
    HTML,
)

_RDFLIB_FORMAT = {"ttl": "turtle", "rdfxml": "xml", "jsonld": "json-ld", "nt": "nt"}

TRUNCATION_NOTE = (
    "Results larger than ogi:resultLimit are cut to that many solutions or triples, never silently: "
    "the response carries the HTTP headers 'OGIKG-Result-Truncated: true' and 'OGIKG-Result-Limit: N', "
    'and SPARQL JSON results add a top-level member "ogikg": {"truncated": true, "limit": N} that '
    "SPARQL clients ignore. Queries running longer than ogi:queryTimeout seconds are stopped and "
    "answered with status 503. The endpoint is read-only and SERVICE is refused unless allow-listed."
)


def describe_service(
    endpoint: str,
    settings: ServerSettings,
    stats: StoreStats | None,
    update_endpoint: str | None = None,
) -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("ogi", OGI)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        graph.add((service, SD.resultFormat, URIRef(fmt.w3c_format)))
    if settings.union_default_graph:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    graph.add((service, OGI.resultLimit, Literal(settings.result_limit, datatype=XSD.integer)))
    graph.add((service, OGI.queryTimeout, Literal(f"{settings.query_timeout:g}", datatype=XSD.decimal)))
    graph.add((service, RDFS.comment, Literal(TRUNCATION_NOTE, lang="en")))

    dataset = BNode("dataset")
    default_graph = BNode("defaultGraph")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    if stats is not None:
        graph.add((dataset, VOID.triples, Literal(stats.quads, datatype=XSD.integer)))
        graph.add((dataset, OGI.namedGraphCount, Literal(stats.named_graphs, datatype=XSD.integer)))
        if settings.union_default_graph:
            graph.add((default_graph, VOID.triples, Literal(stats.quads, datatype=XSD.integer)))

    if update_endpoint:
        updates = BNode("updateService")
        graph.add((updates, RDF.type, SD.Service))
        graph.add((updates, SD.endpoint, URIRef(update_endpoint)))
        graph.add((updates, SD.supportedLanguage, SD.SPARQL11Update))
        graph.add(
            (updates, RDFS.comment, Literal("Requires 'Authorization: Bearer <admin token>'.", lang="en"))
        )
    return graph


def render_description(graph: Graph, fmt: Format) -> bytes:
    data = graph.serialize(format=_RDFLIB_FORMAT[fmt.name], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


def html_pointer(endpoint: str, query_page: str) -> str:
    """What a browser gets on GET /sparql: where to type queries, and how machines use this URL."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>SPARQL endpoint</title></head>"
        "<body><h1>SPARQL endpoint</h1>"
        f"<p>This is a SPARQL 1.1 endpoint: <code>{escape(endpoint)}</code>.</p>"
        f"<p>To write queries in your browser, use the <a href='{escape(query_page)}'>query page</a>.</p>"
        "<p>Programs send <code>?query=…</code> (GET or POST). Ask for <code>text/turtle</code> to get "
        "the service description.</p></body></html>"
    )
