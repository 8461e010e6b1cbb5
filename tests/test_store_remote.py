"""RemoteStore: spec parsing and result normalisation (offline), parity with the embedded store
against a real OpenLink Virtuoso (marked ``virtuoso``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pyoxigraph as ox
import pytest

from conftest_virtuoso import VirtuosoEndpoint
from ogikg.store.base import QueryError, ReadOnlyStoreError, Store, StoreError, Term
from ogikg.store.embedded import EmbeddedStore
from ogikg.store.open import open_store
from ogikg.store.remote import RemoteStore

XSD = "http://www.w3.org/2001/XMLSchema#"

# -- spec syntax ------------------------------------------------------------------------------


def test_path_spec_opens_the_embedded_store(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "db"))
    assert isinstance(store, EmbeddedStore)
    assert isinstance(store, Store)
    store.close()


def test_plain_http_spec_is_a_read_only_endpoint() -> None:
    store = open_store("http://127.0.0.1:3030/ds/sparql?x=1")
    assert isinstance(store, RemoteStore)
    assert store.query_url == "http://127.0.0.1:3030/ds/sparql?x=1"
    assert store.update_url is None
    with pytest.raises(ReadOnlyStoreError):
        store.drop_graphs(["http://example.org/g"])


def test_sparql_spec_resolves_relative_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OGIKG_STORE_PASSWORD", "from-env")
    store = open_store("sparql+https://kg.example.org:8890/sparql?update=/sparql-auth&gsp=crud&user=u")
    assert isinstance(store, RemoteStore)
    assert store.query_url == "https://kg.example.org:8890/sparql"
    assert store.update_url == "https://kg.example.org:8890/sparql-auth"
    assert store.gsp_url == "https://kg.example.org:8890/crud"


def test_sparql_spec_rejects_unknown_options() -> None:
    with pytest.raises(StoreError, match="unknown option"):
        open_store("sparql+http://h/sparql?updat=/u")
    with pytest.raises(StoreError, match="unsupported store spec"):
        open_store("ftp://h/sparql")


# -- Virtuoso answers are normalised (offline, recorded shapes) --------------------------------

VIRTUOSO_JSON = {
    "head": {"link": [], "vars": ["s", "n", "b", "l", "x"]},
    "results": {
        "distinct": False,
        "ordered": True,
        "bindings": [
            {
                "s": {"type": "bnode", "value": "nodeID://b10009"},
                "n": {"type": "typed-literal", "datatype": XSD + "integer", "value": "7"},
                "b": {"type": "typed-literal", "datatype": XSD + "boolean", "value": "1"},
                "l": {"type": "literal", "xml:lang": "zh-hans", "value": "自然人"},
                "x": {"type": "uri", "value": "http://example.org/政府"},
            }
        ],
    },
}


def _recorded_store(body: bytes, content_type: str, seen: list[httpx.Request]) -> RemoteStore:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers={"Content-Type": content_type})

    return RemoteStore("http://virtuoso.test/sparql", transport=httpx.MockTransport(answer))


def test_virtuoso_json_quirks_are_normalised() -> None:
    seen: list[httpx.Request] = []
    store = _recorded_store(json.dumps(VIRTUOSO_JSON).encode(), "application/sparql-results+json", seen)
    [row] = store.select("SELECT * WHERE { ?s ?p ?o }")
    assert row == {
        "s": Term("bnode", "b10009"),
        "n": Term("literal", "7", datatype=XSD + "integer"),
        "b": Term("literal", "true", datatype=XSD + "boolean"),
        "l": Term("literal", "自然人", lang="zh-hans"),
        "x": Term("uri", "http://example.org/政府"),
    }
    form = parse_qs(seen[0].content.decode())
    assert form["query"] == ["SELECT * WHERE { ?s ?p ?o }"]
    assert seen[0].headers["accept"] == "application/sparql-results+json"


def test_remote_results_are_reserialised_like_the_embedded_store() -> None:
    seen: list[httpx.Request] = []
    store = _recorded_store(json.dumps(VIRTUOSO_JSON).encode(), "application/sparql-results+json", seen)
    tsv = store.query("SELECT * WHERE { ?s ?p ?o }", "text/tab-separated-values").body.decode()
    assert tsv.splitlines()[1] == '_:b10009\t7\ttrue\t"自然人"@zh-hans\t<http://example.org/政府>'
    store.query(
        "SELECT * WHERE { ?s ?p ?o }",
        "text/csv",
        default_graph_uris=["http://example.org/g1"],
        named_graph_uris=["http://example.org/g2"],
    )
    form = parse_qs(seen[1].content.decode())
    assert form["default-graph-uri"] == ["http://example.org/g1"]
    assert form["named-graph-uri"] == ["http://example.org/g2"]


def test_remote_construct_is_reserialised() -> None:
    ntriples = b'<http://example.org/s>\t<http://example.org/p>\t"\\u7B2C"@zh-hans .\n'
    store = _recorded_store(ntriples, "text/plain", [])
    body = store.query("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples").body
    assert body == '<http://example.org/s> <http://example.org/p> "第"@zh-hans .\n'.encode()


def test_remote_errors_carry_the_server_message() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text="Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error")

    store = RemoteStore("http://virtuoso.test/sparql", transport=httpx.MockTransport(answer))
    with pytest.raises(QueryError, match="SP030"):
        store.select("SELEC * WHERE { ?s ?p ?o }")


def test_update_requests_respect_size_limits_and_keep_blank_nodes_together() -> None:
    bodies: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content.decode())
        return httpx.Response(200, text="ok")

    store = RemoteStore(
        "http://h/sparql",
        "http://h/update",
        transport=httpx.MockTransport(answer),
        max_triples_per_operation=2,
        max_triples_per_request=4,
    )
    data = (
        b'<http://e/a> <http://e/p> "1" .\n<http://e/b> <http://e/p> "2" .\n<http://e/c> <http://e/p> "3" .\n'
        b'<http://e/a> <http://e/q> _:x .\n_:x <http://e/r> _:y .\n_:y <http://e/r> "4" .\n'
    )
    stats = store.replace_graphs({"http://e/g": data})
    assert (stats.graphs, stats.quads) == (1, 6)
    assert len(bodies) == 2
    assert bodies[0].startswith("DROP SILENT GRAPH <http://e/g> ;\nINSERT DATA { GRAPH <http://e/g>")
    assert bodies[0].count("INSERT DATA") == 2
    # The three blank-node triples form one group and go into one template operation.
    assert bodies[1].startswith("INSERT { GRAPH <http://e/g>")
    assert bodies[1].endswith("WHERE {}")
    assert bodies[1].count(" .\n") == 3


# -- parity with a real Virtuoso ----------------------------------------------------------------


def _fixture_nquads(base: str) -> str:
    """Two report graphs of synthetic observations, exercising the datatypes ogikg uses."""
    ex, g1, g2 = base + "def/", base + "graph/r1", base + "graph/r2"
    agency_a, agency_b = base + "id/agency/杭州市", base + "id/agency/B"
    lines = [
        f'<{agency_a}> <http://www.w3.org/2000/01/rdf-schema#label> "杭州市人民政府"@zh-Hans <{g1}> .',
        f'<{agency_b}> <http://www.w3.org/2000/01/rdf-schema#label> "宁波市人民政府"@zh-Hans <{g2}> .',
        f'<{agency_b}> <http://www.w3.org/2000/01/rdf-schema#label> "Ningbo"@en <{g2}> .',
        f"<{ex}granted> <{ex}broader> <{ex}outcome> <{g1}> .",
        f"<{ex}outcome> <{ex}broader> <{ex}all> <{g1}> .",
    ]
    observations = [
        (g1, agency_a, "o1", 12, "1.50", "2020", "2021-01-15", "完全公开"),
        (g1, agency_a, "o2", 7, "0.25", "2020", "2021-01-15", None),
        (g1, agency_a, "o3", 0, "2.00", "2020", "2021-01-15", None),
        (g2, agency_b, "o4", 30, "10.5", "2021", "2022-01-20", "部分公开"),
        (g2, agency_b, "o5", 3, "0", "2021", "2022-01-20", None),
    ]
    for graph, agency, name, value, fee, year, date, note in observations:
        s = f"<{base}id/obs/{name}>"
        lines += [
            f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ex}Observation> <{graph}> .",
            f"{s} <{ex}agency> <{agency}> <{graph}> .",
            f'{s} <{ex}value> "{value}"^^<{XSD}integer> <{graph}> .',
            f'{s} <{ex}fee> "{fee}"^^<{XSD}decimal> <{graph}> .',
            f'{s} <{ex}year> "{year}"^^<{XSD}gYear> <{graph}> .',
            f'{s} <{ex}published> "{date}"^^<{XSD}date> <{graph}> .',
            f"{s} <{ex}concept> <{ex}granted> <{graph}> .",
        ]
        if note:
            lines.append(f'{s} <{ex}note> "{note}"@zh-Hans <{graph}> .')
    return "\n".join(lines) + "\n"


def _queries(base: str) -> list[tuple[str, bool]]:
    """(query, ordered): the answers must match in order when the query orders them."""
    prologue = (
        f"PREFIX ex: <{base}def/>\nPREFIX xsd: <{XSD}>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )
    graphs = f'FILTER(STRSTARTS(STR(?g), "{base}graph/"))'
    bodies = [
        (
            "SELECT ?agency (SUM(?v) AS ?total) WHERE { ?o ex:agency ?agency ; ex:value ?v } "
            "GROUP BY ?agency",
            False,
        ),
        ("SELECT ?o ?v WHERE { ?o ex:value ?v FILTER(?v > 5) } ORDER BY DESC(?v)", True),
        ("SELECT ?o ?note WHERE { ?o a ex:Observation OPTIONAL { ?o ex:note ?note } }", False),
        (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {graphs} }} GROUP BY ?g", False),
        # Virtuoso evaluates a transitive path only from a bound end ("transitive start not given").
        ("SELECT ?top WHERE { ex:granted ex:broader+ ?top }", False),
        ("SELECT ?c WHERE { ?c ex:broader* ex:all }", False),
        ("SELECT DISTINCT ?o ?top WHERE { ?o ex:value 30 ; ex:concept/ex:broader+ ?top }", False),
        ("SELECT (COUNT(DISTINCT ?agency) AS ?n) (COUNT(?o) AS ?m) WHERE { ?o ex:agency ?agency }", False),
        # Labels are scoped to this fixture's agencies: the Virtuoso instance is shared by the test session.
        (
            "SELECT ?a ?l WHERE { ?o ex:agency ?a. ?a rdfs:label ?l "
            'FILTER(langMatches(lang(?l), "zh-Hans")) }',
            False,
        ),
        ("SELECT ?y (SUM(?f) AS ?fees) WHERE { ?o ex:year ?y ; ex:fee ?f } GROUP BY ?y ORDER BY ?y", True),
        ('SELECT ?o WHERE { ?o ex:published ?d FILTER(?d >= "2022-01-01"^^xsd:date) }', False),
        ("SELECT ?o ?v WHERE { ?o ex:value ?v } ORDER BY ?v LIMIT 3", True),
        ('SELECT ?o WHERE { ?o ex:note "部分公开"@zh-Hans }', False),
        ("ASK { ?o ex:fee ?f FILTER(?f = 1.5) }", False),
        ("ASK { ?o ex:fee ?f FILTER(?f > 100) }", False),
        (
            "CONSTRUCT { ?a ex:name ?l } WHERE { ?o ex:agency ?a. ?a rdfs:label ?l FILTER(lang(?l)!='en') }",
            False,
        ),
        (f'SELECT ?g ?o WHERE {{ GRAPH ?g {{ ?o ex:year "2021"^^xsd:gYear }} {graphs} }}', False),
    ]
    return [(prologue + body, ordered) for body, ordered in bodies]


_NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long")}


def _normal_term(term: Term) -> tuple[str, ...]:
    """Terms compared by meaning: numbers by value, blank nodes as such, languages lowercased."""
    if term.type == "literal" and term.datatype in _NUMERIC:
        return ("number", str(Decimal(term.value).normalize()))
    if term.type == "bnode":
        return ("bnode",)
    return (term.type, term.value, term.datatype or "", (term.lang or "").lower())


def _ox_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term:
    from ogikg.store.results import term_from_oxigraph

    return term_from_oxigraph(term)


def _answer(store: Store, query: str, ordered: bool) -> object:
    stripped = query.split("\n", 3)[-1]
    if stripped.startswith("ASK"):
        return store.ask(query)
    if stripped.startswith("CONSTRUCT"):
        triples = store.construct(query)  # type: ignore[attr-defined]
        return sorted(tuple(_normal_term(_ox_term(term)) for term in triple) for triple in triples)
    rows = [tuple(sorted((k, _normal_term(v)) for k, v in row.items())) for row in store.select(query)]
    return rows if ordered else sorted(rows)


@pytest.fixture
def parity_stores(
    virtuoso: VirtuosoEndpoint,
    tmp_path: Path,
) -> Iterator[tuple[str, EmbeddedStore, Store]]:
    base = f"https://example.org/parity-{uuid.uuid4().hex[:12]}/"
    data = tmp_path / "parity.nq"
    data.write_text(_fixture_nquads(base), encoding="utf-8")
    embedded = EmbeddedStore(tmp_path / "embedded")
    remote = open_store(virtuoso.store_spec)
    assert (embedded.load_nquads(str(data)).quads, remote.load_nquads(str(data)).quads) == (42, 42)
    yield base, embedded, remote
    remote.drop_graphs([base + "graph/r1", base + "graph/r2"])
    remote.close()
    embedded.close()


@pytest.mark.virtuoso
def test_virtuoso_answers_like_the_embedded_store(parity_stores: tuple[str, EmbeddedStore, Store]) -> None:
    base, embedded, remote = parity_stores
    for query, ordered in _queries(base):
        expected = _answer(embedded, query, ordered)
        assert expected not in ([], False, None) or "100" in query, f"vacuous query: {query}"
        assert _answer(remote, query, ordered) == expected, query


@pytest.mark.virtuoso
def test_virtuoso_keeps_chinese_text_and_iris(parity_stores: tuple[str, EmbeddedStore, Store]) -> None:
    base, _, remote = parity_stores
    rows = remote.select(f"SELECT ?l WHERE {{ <{base}id/agency/杭州市> ?p ?l }}")
    assert rows == [{"l": Term("literal", "杭州市人民政府", lang="zh-hans")}]


@pytest.mark.virtuoso
def test_replacing_a_graph_removes_its_old_triples_in_both_stores(
    parity_stores: tuple[str, EmbeddedStore, Store],
) -> None:
    base, embedded, remote = parity_stores
    graph = base + "graph/r1"
    new = f'<{base}id/obs/o9> <{base}def/value> "99"^^<{XSD}integer> .\n'.encode()
    query = f"SELECT ?o ?v WHERE {{ GRAPH ?g {{ ?o <{base}def/value> ?v }} }}"
    for store in (embedded, remote):
        store.replace_graphs({graph: new})
        values = sorted((row["o"].value, row["v"].value) for row in store.select(query))
        assert values == [
            (base + "id/obs/o4", "30"),
            (base + "id/obs/o5", "3"),
            (base + "id/obs/o9", "99"),
        ], store
        assert store.ask(f"ASK {{ GRAPH <{graph}> {{ ?s <{base}def/fee> ?f }} }}") is False
        store.replace_graphs({graph: b""})
        assert graph not in set(store.graph_iris())
        assert base + "graph/r2" in set(store.graph_iris())


@pytest.mark.virtuoso
def test_virtuoso_sparql_update_path_handles_big_graphs_and_blank_nodes(
    virtuoso: VirtuosoEndpoint,
) -> None:
    # No Graph Store Protocol: replacement goes through chunked SPARQL Update requests.
    store = RemoteStore(
        virtuoso.query_url,
        virtuoso.update_url,
        user=virtuoso.user,
        password=virtuoso.password,
        max_triples_per_operation=500,
        max_triples_per_request=1_000,
    )
    graph = f"https://example.org/update-{uuid.uuid4().hex[:12]}/graph"
    lines = [f'<{graph}/s{i}> <{graph}/value> "{i}"^^<{XSD}integer> .' for i in range(1_500)]
    lines += [f"<{graph}/s0> <{graph}/part> _:a .", f'_:a <{graph}/label> "甲"@zh-Hans .']
    try:
        stats = store.replace_graphs({graph: ("\n".join(lines) + "\n").encode()})
        assert stats.quads == 1_502
        count = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert count[0]["n"].value == "1502"
        linked = store.select(
            f"SELECT ?l WHERE {{ GRAPH <{graph}> {{ ?s <{graph}/part>/<{graph}/label> ?l }} }}"
        )
        assert linked == [{"l": Term("literal", "甲", lang="zh-hans")}]
        store.replace_graphs({graph: lines[0].encode() + b"\n"})
        assert store.quad_count() >= 1
        count = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert count[0]["n"].value == "1"
    finally:
        store.drop_graphs([graph])
        store.close()


@pytest.mark.virtuoso
def test_virtuoso_dump_lists_only_user_graphs(
    parity_stores: tuple[str, EmbeddedStore, Store], tmp_path: Path
) -> None:
    base, _, remote = parity_stores
    target = tmp_path / "dump.nq"
    remote.dump(str(target), "application/n-quads")
    graphs = {quad.graph_name.value for quad in ox.parse(path=str(target), format=ox.RdfFormat.N_QUADS)}
    assert {base + "graph/r1", base + "graph/r2"} <= graphs
    assert not any("openlinksw" in graph or "virtrdf" in graph for graph in graphs)
