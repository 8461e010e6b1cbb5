"""A real browser on the real server: Debian's Chromium, headless, driven by Playwright.

A uvicorn server on a free port serves an on-disk store of synthetic reports (every form
generation, three years of one agency) converted and validated by the real pipeline. The browser
opens a report and checks 表三 as the official form prints it, opens the agency and counts the
points of its charts, then opens /query, loads a documented example, runs it and reads the result
table; with the fallback editor it types a query, runs it from the keyboard and downloads the CSV.

Skipped when Chromium is missing, except in CI (CI=true), where it fails.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from ogikg import iris
from ogikg.queries import researcher_query
from ogikg.server.app import create_app
from ogikg.server.pages import site_routers
from ogikg.server.settings import ServerSettings
from shared import require_program
from site_fixture import SiteData, build_site_store
from w3c_protocol import LiveServer, live_server

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REVIEW_ROWS = {"old": "old.review", "2019": "2019.T4.review", "2021": "2021.T4.review"}


@dataclass
class Browsing:
    server: LiveServer
    data: SiteData
    page: object  # playwright.sync_api.Page


@pytest.fixture(scope="module")
def browsing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browsing]:
    executable = require_program("chromium")
    from playwright.sync_api import sync_playwright

    root = tmp_path_factory.mktemp("browser")
    data = build_site_store(root / "store")
    settings = ServerSettings(store=str(root / "store"), workers=2, query_timeout=30, access_log=False)
    with (
        live_server(create_app(settings, routers=site_routers(settings))) as server,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            str(root / "profile"),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield Browsing(server, data, page)
        finally:
            context.close()
        assert errors == [], errors


def local(iri: str) -> str:
    return "/" + iri[len(iris.data_base()) :]


def test_report_page_shows_table_three_as_printed(browsing: Browsing) -> None:
    page = browsing.page
    report = browsing.data.main
    page.goto(browsing.server.url + local(report.iri))
    table = page.locator("#table-2021-T3")
    header = table.locator("tr").nth(1).locator("th")
    assert header.all_inner_texts() == ["自然人", "法人或其他组织", "总计"]
    assert table.locator("tr").nth(2).locator("th").all_inner_texts() == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    granted = page.locator("#cell-2021-T3-granted-C")
    assert granted.inner_text().strip() == str(report.values["2021.T3.granted/C"])
    # the cell sits in the 商业企业 column: second value column of its row
    assert (
        page.locator("tr:has(#cell-2021-T3-granted-C) td.value").nth(1).get_attribute("id")
        == "cell-2021-T3-granted-C"
    )
    assert "finding-violation" in (
        page.locator("#cell-2021-T3-totalProcessed-NP").get_attribute("class") or ""
    )
    granted.locator("a").click()
    page.wait_for_url("**/cell/2021.T3.granted.C")
    assert page.locator("#observation-value").inner_text().startswith(str(report.values["2021.T3.granted/C"]))


def test_agency_page_charts_the_years(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.server.url + local(browsing.data.agency))
    points = page.locator("figure[data-series='narrative.requestsNew'] circle.point")
    assert points.count() == 3
    assert [points.nth(i).get_attribute("data-year") for i in range(3)] == ["2017", "2020", "2022"]
    assert page.locator("svg.chart circle.point").count() == 11
    assert page.locator("svg.chart").first.is_visible()


def expected_review_rows(data: SiteData) -> list[tuple[str, str, str]]:
    """(year, corrected, concluded) of the documented query 复议纠错率, from the synthetic values."""
    totals: dict[int, list[int]] = {}
    for site_report in data.reports:
        row = REVIEW_ROWS[site_report.report.template.value]
        values = site_report.values
        year = site_report.report.metadata.year
        assert year is not None
        corrected = int(values[f"{row}.corrected"])
        concluded = sum(int(values[f"{row}.{part}"]) for part in ("upheld", "corrected", "other"))
        sums = totals.setdefault(year, [0, 0])
        sums[0] += corrected
        sums[1] += concluded
    return [(str(year), str(c), str(n)) for year, (c, n) in sorted(totals.items()) if n > 0]


def test_query_page_runs_a_documented_example(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.server.url + "/query")
    page.wait_for_function("window.ogikgQuery !== undefined")
    page.select_option("#examples", "review-correction-rate")
    documented = researcher_query("review-correction-rate")
    assert page.evaluate("window.ogikgQuery.editor.get()") == documented.sparql
    page.click("#run")
    page.wait_for_selector("#results-table tbody tr")
    assert page.locator("#results-table thead th").all_inner_texts() == [
        "year",
        "corrected",
        "concluded",
        "correctionRate",
    ]
    rows = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("#results-table tbody tr").all()
    ]
    expected = expected_review_rows(browsing.data)
    assert [tuple(r[:3]) for r in rows] == expected
    for row, (_, corrected, concluded) in zip(rows, expected, strict=True):
        assert Decimal(row[3]).quantize(Decimal("0.000001")) == (
            Decimal(corrected) / Decimal(concluded)
        ).quantize(Decimal("0.000001"))
    assert page.locator("#chart").get_attribute("data-points") == str(len(expected))


def test_plain_editor_highlights_runs_and_downloads_csv(browsing: Browsing, tmp_path: Path) -> None:
    page = browsing.page
    page.goto(browsing.server.url + "/query?editor=plain")
    page.wait_for_function("window.ogikgQuery !== undefined")
    assert page.locator("#editor").get_attribute("data-active") == "plain"
    query = (
        "PREFIX ogi: <https://w3id.org/ogikg/def/>\n"
        "SELECT ?year (COUNT(?report) AS ?reports)\n"
        "WHERE { ?report a ogi:AnnualReport ; ogi:reportYear ?year }\n"
        "GROUP BY ?year ORDER BY ?year"
    )
    editor = page.locator("#query-text")
    editor.fill("")
    editor.type(query)
    assert page.locator("#query-highlight .hl-keyword").first.inner_text() == "PREFIX"
    assert "?year" in page.locator("#query-highlight .hl-variable").all_inner_texts()
    editor.press("Control+Enter")
    page.wait_for_selector("#results-table tbody tr")
    rows = [row.locator("td").all_inner_texts() for row in page.locator("#results-table tbody tr").all()]
    assert rows == [["2017", "1"], ["2020", "1"], ["2022", "2"]]
    with page.expect_download() as download_info:
        page.click("#download-csv")
    target = tmp_path / "results.csv"
    download_info.value.save_as(target)
    assert list(csv.reader(io.StringIO(target.read_text(encoding="utf-8")))) == [
        ["year", "reports"],
        ["2017", "1"],
        ["2020", "1"],
        ["2022", "2"],
    ]
