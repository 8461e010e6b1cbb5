"""The pages of the server: landing page, dereferenced IRIs with content negotiation, the report laid
out as the official form, the agency's figures over the years, observations, vocabulary terms,
named graphs, the query page's examples. A live server over an on-disk store of synthetic reports
converted and validated by the real pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from lxml import html as lxml_html
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from ogikg import iris
from ogikg.queries import researcher_queries
from ogikg.server.app import create_app
from ogikg.server.describe import agency_view, described_from, key_figure_series
from ogikg.server.describe_report import report_graph_query, report_view
from ogikg.server.negotiation import RESULT_FORMATS
from ogikg.server.pages import site_routers
from ogikg.server.settings import ServerSettings
from ogikg.server.site import SiteState
from ogikg.store.base import Term
from ogikg.store.results import bindings_from_solutions
from report_factory import emit
from site_fixture import BLANK_CELL, BROKEN_CELL, NA_CELL, UNCERTAIN_CELL, SiteData, build_site_store
from w3c_protocol import LiveServer, live_server

OGI = Namespace(iris.VOCAB)
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
T3_COLUMNS = ["NP", "C", "R", "S", "L", "O", "T"]


@dataclass
class Site:
    server: LiveServer
    data: SiteData

    def get(self, path: str, accept: str = "text/html", **params: str) -> httpx.Response:
        return httpx.get(self.server.url + path, headers={"Accept": accept}, params=params, timeout=60)

    def page(self, path: str, **params: str) -> lxml_html.HtmlElement:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text[:500]
        assert response.headers["content-type"].startswith("text/html")
        return lxml_html.fromstring(response.text)


def local(iri: str) -> str:
    """The path that serves a data IRI."""
    return "/" + iri[len(iris.data_base()) :]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("pages")
    data = build_site_store(root / "store")
    settings = ServerSettings(
        store=str(root / "store"),
        workers=2,
        query_timeout=30,
        access_log=False,
        extra={"dumps_dir": str(root / "dumps")},
    )
    with live_server(create_app(settings, routers=site_routers(settings))) as server:
        yield Site(server, data)


def text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


# -- landing page ---------------------------------------------------------------------------------


def test_landing_page_says_what_is_loaded(site: Site) -> None:
    page = site.page("/")
    assert text(page.get_element_by_id("report-count")) == "4"
    assert text(page.get_element_by_id("agency-count")) == "2"
    assert text(page.get_element_by_id("triple-count")) == f"{site.data.quads:,}"
    assert text(page.get_element_by_id("last-load")) != "unknown"
    table = page.get_element_by_id("reports-by-year")
    headers = table.xpath(".//thead//th")
    column = next(i for i, th in enumerate(headers) if th.xpath(".//a[@href='/def/template/2021']"))
    by_year = {
        text(tr.xpath("./th")[0]): [text(td) for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")
    }
    assert set(by_year) == {"2017", "2020", "2022"}
    assert by_year["2022"][column - 1] == "2"  # both 2022 reports use the 2021 form
    assert by_year["2022"][-1] == "2"


def test_landing_page_says_how_to_query(site: Site) -> None:
    page = site.page("/")
    endpoint = site.server.url + "/sparql"
    assert text(page.get_element_by_id("endpoint")) == endpoint
    commands = [text(pre) for pre in page.xpath("//pre[@class='curl']")]
    assert len(commands) == 4
    for fmt, command in zip(RESULT_FORMATS, commands, strict=True):
        assert f"Accept: {fmt.media_type}" in command and command.endswith(endpoint)
    links = set(page.xpath("//main//a/@href"))
    assert {"/query", "/def/", "/dumps/", "/.well-known/void"} <= links


def test_curl_example_of_the_landing_page_runs(site: Site) -> None:
    command = text(site.page("/").xpath("//pre[@class='curl']")[2])  # text/csv
    query = command.split("query=", 1)[1].rsplit("' ", 1)[0]
    response = httpx.post(site.server.url + "/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.text.splitlines() == ["year,reports", "2017,1", "2020,1", "2022,2"]


# -- the report page ------------------------------------------------------------------------------


def test_report_page_lays_out_table_three_as_the_official_form(site: Site) -> None:
    report = site.data.main
    page = site.page(local(report.iri))
    table = page.get_element_by_id("table-2021-T3")
    header_rows = table.xpath("./tr")[:3]
    top = header_rows[0].xpath("./th")
    assert top[0].get("rowspan") == "3" and top[0].get("colspan") == "3"
    assert text(top[1]) == "申请人情况" and top[1].get("colspan") == "7"
    second = [(text(th), th.get("rowspan"), th.get("colspan")) for th in header_rows[1].xpath("./th")]
    assert second == [("自然人", "2", None), ("法人或其他组织", None, "5"), ("总计", "2", None)]
    assert [text(th) for th in header_rows[2].xpath("./th")] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    granted_row = next(
        tr for tr in table.xpath("./tr") if "（一）予以公开" in [text(td) for td in tr.xpath("./td")]
    )
    values = [text(td) for td in granted_row.xpath("./td[contains(@class, 'value')]")]
    assert values == [str(report.values[f"2021.T3.granted/{column}"]) for column in T3_COLUMNS]
    group = table.xpath(".//td[normalize-space(.)='三、本年度办理结果']")[0]
    assert group.get("rowspan") == "22"  # the outcome rows (一)…(七) are 22 printed rows


def test_report_values_link_to_their_observations(site: Site) -> None:
    report = site.data.main
    page = site.page(local(report.iri))
    cell = page.get_element_by_id("cell-2021-T3-granted-NP")
    link = cell.xpath("./a")[0]
    assert text(link) == str(report.values["2021.T3.granted/NP"])
    assert link.get("href") == local(report.iri) + "/cell/2021.T3.granted.NP"
    assert site.get(link.get("href")).status_code == 200


def test_report_page_styles_blank_not_applicable_and_uncertain_cells(site: Site) -> None:
    page = site.page(local(site.data.main.iri))

    def cell(key: str) -> lxml_html.HtmlElement:
        indicator, applicant = key.split("/")
        return page.get_element_by_id("cell-" + indicator.replace(".", "-") + "-" + applicant)

    blank = cell(BLANK_CELL)
    assert "status-blank" in blank.get("class") and text(blank) == ""
    not_applicable = cell(NA_CELL)
    assert "status-notApplicable" in not_applicable.get("class") and text(not_applicable) == "/"
    unsure = cell(UNCERTAIN_CELL)
    assert "status-uncertain" in unsure.get("class")
    assert text(unsure.xpath("./a")[0]) == "3"
    assert text(unsure.xpath("./span[@class='alt']")[0]) == "或 8"


def test_report_page_shows_findings_and_marks_their_cells(site: Site) -> None:
    report = site.data.main
    page = site.page(local(report.iri))
    violations = page.xpath("//li[contains(@class, 'finding') and contains(@class, 'severity-violation')]")
    assert len(violations) == report.violations > 0
    total = page.get_element_by_id("cell-" + BROKEN_CELL.replace(".", "-").replace("/", "-"))
    assert "finding-violation" in total.get("class")
    marked = total.get("data-findings").split()
    sum_finding = next(
        li for li in violations if li.get("id") in marked and "/def/rule/I3" in li.xpath(".//a/@href")
    )
    assert "999" in text(sum_finding)
    assert "#cell-2021-T3-totalProcessed-NP" in sum_finding.xpath(".//p[@class='cells']//a/@href")
    messages = sum_finding.xpath("./p[@lang]")
    assert {m.get("lang") for m in messages} == {"zh-Hans", "en"}


def test_report_page_metadata_narrative_and_provenance(site: Site) -> None:
    report = site.data.main
    page = site.page(local(report.iri))
    metadata = text(page.get_element_by_id("metadata"))
    assert report.report.document.sha256 in metadata
    assert "衢州市统计局" in metadata and "2022" in metadata
    assert page.xpath("//a[@href='/def/template/2021']")
    narrative = page.get_element_by_id("narrative")
    row = next(tr for tr in narrative.xpath(".//tbody/tr") if "46" in [text(td) for td in tr.xpath("./td")])
    cells = [text(td) for td in row.xpath("./td")]
    assert cells[-1] == f"{report.values['2021.T3.newReceived/T']} ≠"  # the prose disagrees with the table


def test_a_report_page_of_the_old_table(site: Site) -> None:
    report = site.data.reports[0]
    page = site.page(local(report.iri))
    cell = page.get_element_by_id("cell-old-request-received")
    assert text(cell) == str(report.values["old.request.received"])
    assert page.xpath("//table[@data-table='old.T']")


# -- content negotiation --------------------------------------------------------------------------


def test_report_iri_negotiates_rdf(site: Site) -> None:
    report = site.data.main
    subject = URIRef(report.iri)
    expected = (subject, OGI.reportYear, Literal("2022", datatype=GYEAR))
    for accept, rdflib_format in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        response = site.get(local(report.iri), accept)
        assert response.status_code == 200, accept
        assert response.headers["content-type"].split(";")[0] == accept
        assert "Accept" in response.headers["vary"]
        graph = Graph().parse(data=response.content, format=rdflib_format)
        assert expected in graph, accept
        assert (subject, OGI.agency, URIRef(report.agency)) in graph
        assert (subject, RDF.type, OGI.AnnualReport) in graph


def test_q_values_extensions_and_format_parameter(site: Site) -> None:
    path = local(site.data.main.iri)
    preferred = site.get(path, "text/turtle;q=0.4, application/ld+json;q=0.8, text/html;q=0.1")
    assert preferred.headers["content-type"].startswith("application/ld+json")
    by_extension = site.get(path + ".ttl", "text/html")
    assert by_extension.headers["content-type"].startswith("text/turtle")
    assert (URIRef(site.data.main.iri), RDF.type, OGI.AnnualReport) in Graph().parse(data=by_extension.text)
    by_parameter = site.get(path, "text/html", format="nt")
    assert by_parameter.headers["content-type"].startswith("application/n-triples")
    assert site.get(path, "*/*").headers["content-type"].startswith("text/html")
    refused = site.get(path, "image/png")
    assert refused.status_code == 406 and "text/turtle" in refused.text
    head = httpx.head(site.server.url + path, headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/turtle")


def test_agency_description_as_turtle(site: Site) -> None:
    response = site.get(local(site.data.agency), "text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    agency = URIRef(site.data.agency)
    assert (agency, SKOS.prefLabel, Literal("衢州市统计局", lang="zh-Hans")) in graph
    assert (agency, OGI.area, URIRef(iris.area_iri("330800"))) in graph


def test_unknown_iri_gets_a_helpful_404(site: Site) -> None:
    response = site.get("/id/report/nowhere/1999")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert iris.data_base() + "id/report/nowhere/1999" in response.text
    assert 'href="/query"' in response.text
    machine = site.get("/id/report/nowhere/1999", "text/turtle")
    assert machine.status_code == 404 and "not described" in machine.text
    assert site.get("/id/report/a%3Eb%20c").status_code == 404  # not even an IRI
    assert site.get("/graph/report/nowhere/1999").status_code == 404


# -- agency and observation pages ---------------------------------------------------------------


def test_agency_page_lists_reports_and_charts_figures_over_the_years(site: Site) -> None:
    old, fmt2019, fmt2021 = site.data.reports[:3]
    page = site.page(local(site.data.agency))
    years = [
        text(tr.xpath("./td")[0]) for tr in page.get_element_by_id("agency-reports").xpath(".//tbody/tr")
    ]
    assert years == ["2017", "2020", "2022"]
    requests = page.xpath("//figure[@data-series='narrative.requestsNew']//circle[@class='point']")
    assert [(p.get("data-year"), p.get("data-value")) for p in requests] == [
        ("2017", str(old.values["old.request.received"])),
        ("2020", str(fmt2019.values["2019.T3.newReceived/T"])),
        ("2022", str(fmt2021.values["2021.T3.newReceived/T"])),
    ]
    active = page.xpath("//figure[@data-series='narrative.activeDisclosed']//circle[@class='point']")
    assert [(p.get("data-year"), p.get("data-value"), p.get("data-source")) for p in active] == [
        ("2017", str(old.values["old.active.total"]), "table"),
        ("2022", "1234", "narrative"),  # the 2021 form has no such cell: the figure of the prose
    ]
    assert len(page.xpath("//svg[@class='chart']//circle[@class='point']")) == 3 + 3 + 3 + 2


def test_observation_page_of_an_uncertain_cell(site: Site) -> None:
    report = site.data.main
    indicator, applicant = UNCERTAIN_CELL.split("/")
    page = site.page(local(report.iri) + f"/cell/{indicator}.{applicant}")
    assert text(page.get_element_by_id("observation-value")).startswith("3")
    body = text(page)
    assert text(page.xpath("//th[contains(., 'other readings')]/../td")[0]) == "8"
    assert page.xpath(f"//a[@href='/def/indicator/{indicator}']")
    assert page.xpath("//a[@href='/def/status/uncertain']")
    assert page.xpath(f"//a[@href='{local(report.iri)}']")
    assert "属于国家秘密" in body  # the row of the form it sits in


# -- vocabulary, provisions, graphs -------------------------------------------------------------------


def test_vocabulary_pages(site: Site) -> None:
    assert 'id="AnnualReport"' in site.get("/def/").text
    moved = site.get("/def")
    assert moved.status_code == 308 and moved.headers["location"] == "/def/"
    term = site.get("/def/AnnualReport", "text/turtle")
    graph = Graph().parse(data=term.text, format="turtle")
    assert (OGI.AnnualReport, RDF.type, OWL.Class) in graph
    assert site.get("/def/NoSuchTerm").status_code == 404
    whole = Graph().parse(data=site.get("/def/", "text/turtle").text, format="turtle")
    assert (OGI.AnnualReport, RDF.type, OWL.Class) in whole and len(whole) > 1000


def test_indicator_page_shows_latest_values(site: Site) -> None:
    page = site.page("/def/indicator/2021.T3.granted")
    rows = page.get_element_by_id("latest-values").xpath(".//tbody/tr")
    shown = sorted(text(tr.xpath("./td")[-1]) for tr in rows)
    expected = sorted(
        str(r.values["2021.T3.granted/T"]) for r in site.data.reports if r.report.template.value == "2021"
    )
    assert shown == expected


def test_legal_provision_page(site: Site) -> None:
    path = "/eli/cn/sc-decree/2019/711/art_2"
    assert site.get(path).status_code == 200
    graph = Graph().parse(data=site.get(path, "text/turtle").text, format="turtle")
    assert (URIRef(iris.ELI + "cn/sc-decree/2019/711/art_2"), RDF.type, OGI.LegalProvision) in graph


def test_named_graph_page_and_contents(site: Site) -> None:
    report = site.data.main
    page = site.page(local(report.graph))
    assert text(page.xpath("//th[contains(., 'triples')]/../td")[0]) == f"{report.graph_quads:,}"
    assert page.xpath(f"//a[@href='{local(report.iri)}']")
    graph = Graph().parse(data=site.get(local(report.graph), "application/n-triples").text, format="nt")
    assert len(graph) == report.graph_quads


# -- query page and static files ------------------------------------------------------------------


def test_query_page_offers_the_researcher_queries_of_the_readme(site: Site) -> None:
    response = site.get("/query", editor="plain")
    page = lxml_html.fromstring(response.text)
    config = json.loads(page.get_element_by_id("ogikg-config").text)
    documented = researcher_queries()
    assert len(documented) == 11
    assert [(e["name"], e["sparql"]) for e in config["examples"]] == [(e.name, e.sparql) for e in documented]
    assert config["editor"] == "plain" and config["endpoint"] == "/sparql"
    assert config["initial"] == documented[0].sparql
    options = page.xpath("//select[@id='examples']/option")[1:]
    assert [o.get("value") for o in options] == [e.name for e in documented]
    assert [o.text_content() for o in options] == [f"{e.title} ({e.name})" for e in documented]
    assert "5. Correction rate of administrative reviews (复议纠错率) by year (review-correction-rate)" in [
        o.text_content() for o in options
    ]


def test_static_files_stay_inside_their_folder(site: Site) -> None:
    script = site.get("/static/query.js")
    assert script.status_code == 200 and "text/javascript" in script.headers["content-type"]
    assert site.get("/static/../pages.py").status_code == 404
    assert site.get("/static/%2e%2e/pages.py").status_code == 404


# -- a configured base ----------------------------------------------------------------------------


def test_site_state_maps_iris_to_local_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OGIKG_BASE", "http://data.example.org/kg")
    state = SiteState.from_settings(ServerSettings(store="unused"))
    assert state.base == "http://data.example.org/kg/"
    assert state.local_path("http://data.example.org/kg/id/agency/x-1") == "/id/agency/x-1"
    assert state.local_path("http://data.example.org/kg/graph/report/a/2020") == "/graph/report/a/2020"
    assert state.local_path(iris.INDICATOR + "2021.T3.granted") == "/def/indicator/2021.T3.granted"
    assert state.local_path(iris.ELI + "cn/sc-decree/2019/711/art_2") == "/eli/cn/sc-decree/2019/711/art_2"
    assert state.local_path("https://w3id.org/ogikg/id/agency/x-1") is None  # not this server's base
    assert state.local_path("http://example.org/elsewhere") is None


def test_a_server_with_its_own_base_serves_its_iris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = "http://kg.example.net/ogikg/"
    monkeypatch.setenv("OGIKG_BASE", base)
    data = build_site_store(tmp_path / "store")
    assert data.main.iri.startswith(base + "id/report/")
    settings = ServerSettings(store=str(tmp_path / "store"), workers=2, access_log=False)
    with live_server(create_app(settings, routers=site_routers(settings))) as server:
        path = "/" + data.main.iri[len(base) :]
        page = httpx.get(server.url + path, headers={"Accept": "text/html"}, timeout=60)
        assert page.status_code == 200
        tree = lxml_html.fromstring(page.text)
        assert text(tree.xpath("//p[@class='iri']")[0]) == data.main.iri
        assert tree.xpath(f"//a[@href='/{data.agency[len(base) :]}']")
        turtle = httpx.get(server.url + path, headers={"Accept": "text/turtle"}, timeout=60)
        assert (URIRef(data.main.iri), RDF.type, OGI.AnnualReport) in Graph().parse(data=turtle.text)


def test_report_view_of_a_report_not_yet_validated(site: Site) -> None:
    """The view is a pure function of the graph's bindings: without a quality graph it has no findings."""
    report = site.data.reports[1]  # the 2019 form
    store = ox.Store()
    store.load(emit(report.report)[1].encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    rows = bindings_from_solutions(store.query(report_graph_query(report.iri)))
    state = SiteState.from_settings(ServerSettings(store="unused"))
    view = report_view(report.iri, rows, state)
    assert view is not None and view.quality is None
    assert [t.notation for t in view.tables] == [
        "2019.T2.B1",
        "2019.T2.B5",
        "2019.T2.B6",
        "2019.T2.B8",
        "2019.T2.B9",
        "2019.T3",
        "2019.T4",
    ]
    assert view.cell_count == view.value_count == len(report.values)
    assert view.unplaced == []  # every cell of the form has its place in the printed grid
    assert report_view(iris.data_base() + "id/report/none/1", rows, state) is None


def test_agency_figures_prefer_the_table_and_ordinary_reports() -> None:
    """Per year: a table cell wins over the prose, and any ordinary report over a summary report."""
    state = SiteState.from_settings(ServerSettings(store="unused"))
    series = [s for s in key_figure_series() if s.key == "narrative.requestsNew"]
    table, narrative = series[0].table[-1], series[0].narrative[0]

    def row(year: str, indicator: str, value: str, summary: bool) -> dict[str, Term]:
        return {
            "report": Term("uri", f"{state.base}id/report/a/{year}{'-summary' if summary else ''}"),
            "year": Term("literal", year, datatype="http://www.w3.org/2001/XMLSchema#gYear"),
            "indicator": Term("uri", indicator),
            "value": Term("literal", value, datatype="http://www.w3.org/2001/XMLSchema#integer"),
            "obs": Term("uri", f"{state.base}id/report/a/{year}/cell/{value}"),
            "summary": Term("literal", "true" if summary else "false"),
        }

    figures = [
        row("2021", narrative, "7", False),
        row("2021", table, "9", False),
        row("2022", table, "900", True),
        row("2022", narrative, "46", False),
        row("2023", table, "5", True),
    ]
    view = agency_view(described_from(state.base + "id/agency/a", []), [], figures, series, state)
    assert [(p.year, p.text, p.source) for p in view.series[0].points] == [
        (2021, "9", "table"),
        (2022, "46", "narrative"),
        (2023, "5", "table"),
    ]
