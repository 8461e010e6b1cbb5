"""The server over a store where each agency and area is described once, in a graph of its own:
queries over the union default graph count the agency once, and the pages still show the agency's
name and area next to each report. A live server over the synthetic site store (three reports of
衢州市统计局, one of 杭州市财政局)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from lxml import html as lxml_html
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ogikg import iris
from ogikg.server.app import create_app
from ogikg.server.pages import site_routers
from ogikg.server.settings import ServerSettings
from report_factory import emit
from site_fixture import SiteData, build_site_store
from w3c_protocol import LiveServer, live_server

OGI = iris.VOCAB
RDFS_LABEL = str(RDFS.label)
NEW_REQUESTS = iris.INDICATOR + "2021.T3.newReceived"


@dataclass
class Site:
    server: LiveServer
    data: SiteData

    def get(self, path: str, accept: str = "text/html") -> httpx.Response:
        return httpx.get(self.server.url + path, headers={"Accept": accept}, timeout=60)

    def select(self, query: str) -> list[dict[str, str]]:
        response = httpx.post(
            self.server.url + "/sparql",
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert response.status_code == 200, response.text[:500]
        return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("agency-graphs")
    data = build_site_store(root / "store")
    settings = ServerSettings(store=str(root / "store"), workers=1, query_timeout=30, access_log=False)
    with live_server(create_app(settings, routers=site_routers(settings))) as server:
        yield Site(server, data)


def local(iri: str) -> str:
    return "/" + iri[len(iris.data_base()) :]


def text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_the_endpoint_counts_an_agency_with_three_reports_once(site: Site) -> None:
    agency = site.data.agency
    assert len([r for r in site.data.reports if r.agency == agency]) == 3
    rows = site.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{agency}> <{RDFS_LABEL}> ?label }}")
    assert rows == [{"n": "1"}]
    # a sum joined with the agency's name is the true sum (not three times it)
    rows = site.select(
        f"""SELECT ?name (SUM(?v) AS ?sum) WHERE {{
            ?r a <{OGI}AnnualReport> ; <{OGI}agency> ?a . ?a <{RDFS_LABEL}> ?name .
            ?c <{OGI}report> ?r ; <{OGI}indicator> <{NEW_REQUESTS}> ;
               <{OGI}applicantType> <{iris.APPLICANT}total> ; <{OGI}value> ?v }} GROUP BY ?name"""
    )
    expected = {}
    for report in site.data.reports:
        if "2021.T3.newReceived/T" in report.values:
            name = report.report.metadata.agency.name
            expected[name] = expected.get(name, 0) + report.values["2021.T3.newReceived/T"]
    assert {row["name"]: int(row["sum"]) for row in rows} == expected


def test_the_agency_graph_has_its_page_and_its_triples(site: Site) -> None:
    main = site.data.main
    ids, nquads = emit(main.report)
    own_lines = [line for line in nquads.splitlines() if line.endswith(f"<{ids.agency_graph}> .")]
    page = lxml_html.fromstring(site.get(local(ids.agency_graph)).text)
    assert text(page.xpath("//th[contains(., 'triples')]/../td")[0]) == f"{len(own_lines):,}"
    owner = page.xpath("//th[normalize-space()='agency description']/../td//a")
    assert [a.get("href") for a in owner] == [local(main.agency)]
    graph = Graph().parse(data=site.get(local(ids.agency_graph), "application/n-triples").text, format="nt")
    assert (URIRef(main.agency), RDFS.label, Literal("衢州市统计局", lang="zh-Hans")) in graph
    assert len(graph) == len(own_lines)
    area_graph = iris.area_graph("330800")
    page = lxml_html.fromstring(site.get(local(area_graph)).text)
    owner = page.xpath("//th[normalize-space()='area description']/../td//a")
    assert [a.get("href") for a in owner] == [local(iris.area_iri("330800"))]


def test_report_and_agency_pages_show_the_agency_from_its_graph(site: Site) -> None:
    main = site.data.main
    page = lxml_html.fromstring(site.get(local(main.iri)).text)
    row = next(tr for tr in page.get_element_by_id("metadata").xpath(".//tr") if "发布机关" in text(tr))
    links = {a.get("href"): text(a) for a in row.xpath(".//a")}
    assert links[local(main.agency)] == "衢州市统计局"
    assert local(iris.area_iri("330800")) in links
    page = lxml_html.fromstring(site.get(local(main.agency)).text)
    assert "衢州市统计局" in text(page.xpath("//h1")[0])
    assert page.xpath(f"//a[@href='{local(iris.area_iri('330800'))}']")
