"""``/query``: a page to write SPARQL in the browser, run it on ``/sparql`` and read the answer.

The example queries are the researcher queries of the README (``ogikg.queries``), read when the
page is served, so the documentation and the page never disagree. The editor is YASGUI's Yasqe
when its build has been fetched (``scripts/fetch_yasgui.py`` puts it in ``static/vendor/yasgui/``);
otherwise, or with ``?editor=plain``, a textarea with its own SPARQL highlighting. Results (table,
chart of numeric columns, CSV download) are drawn by the page's own script (``static/query.js``)
in both cases.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ogikg import iris
from ogikg.queries import ResearcherQueriesError, ResearcherQuery, researcher_queries
from ogikg.server.cors import PublicReadRoute
from ogikg.server.site import SITE, SiteState, render, vendor_asset
from ogikg.server.sparql import QUERY_PAGE_PATH, QUERY_PATH

YASGUI_SCRIPT = "yasgui/yasgui.min.js"
YASGUI_STYLE = "yasgui/yasgui.min.css"

__all__ = ["QUERY_PAGE_PATH", "example_queries", "query_router"]

_log = logging.getLogger(__name__)


def example_queries() -> list[ResearcherQuery]:
    """The researcher queries, or none when the README cannot be found: the page still works."""
    try:
        return researcher_queries()
    except ResearcherQueriesError as error:
        _log.warning("query page without examples: %s", error)
        return []


def query_router(state: SiteState) -> APIRouter:
    router = APIRouter(route_class=PublicReadRoute, tags=["pages"])

    async def query_page(request: Request) -> Response:
        examples = example_queries()
        yasqe = vendor_asset(YASGUI_SCRIPT) and request.query_params.get("editor") != "plain"
        initial = request.query_params.get("query") or (examples[0].sparql if examples else "")
        config = {
            "endpoint": QUERY_PATH,
            "examples": [asdict(e) for e in examples],
            "initial": initial,
            "fromUrl": "query" in request.query_params,
            "editor": "yasqe" if yasqe else "plain",
            "dataBase": state.base,
            "site": SITE,
            "vocab": iris.VOCAB,
        }
        body = render(
            "query.html",
            config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
            examples=examples,
            yasqe=yasqe,
            yasgui_script="/static/vendor/" + YASGUI_SCRIPT,
            yasgui_style="/static/vendor/" + YASGUI_STYLE,
            endpoint=QUERY_PATH,
            initial=initial,
        )
        return HTMLResponse(body)

    router.add_api_route(QUERY_PAGE_PATH, query_page, methods=["GET", "HEAD"])
    return router
