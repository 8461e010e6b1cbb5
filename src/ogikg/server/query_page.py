"""``/query``: a page to write SPARQL in the browser, run it on ``/sparql`` and read the answer.

The example queries are those of ``docs/queries.md`` (each marked ``<!-- query: name -->`` before
its ```` ```sparql ```` block), read when the page is served, so the documentation and the page never
disagree. The editor is YASGUI's Yasqe when its build has been fetched (``scripts/fetch_yasgui.py``
puts it in ``static/vendor/yasgui/``); otherwise, or with ``?editor=plain``, a textarea with its
own SPARQL highlighting. Results (table, chart of numeric columns, CSV download) are drawn by the
page's own script (``static/query.js``) in both cases.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

import ogikg
from ogikg import iris
from ogikg.server.cors import PublicReadRoute
from ogikg.server.site import SITE, SiteState, render, vendor_asset
from ogikg.server.sparql import QUERY_PAGE_PATH, QUERY_PATH

QUERIES_FILE_ENV = "OGIKG_QUERIES_FILE"
YASGUI_SCRIPT = "yasgui/yasgui.min.js"
YASGUI_STYLE = "yasgui/yasgui.min.css"

_MARKED = re.compile(r"<!--\s*query:\s*([\w.-]+)\s*-->\s*```sparql\s*\n(.*?)```", re.DOTALL)
_HEADING = re.compile(r"^#{2,3}\s+(.+?)\s*$", re.MULTILINE)

__all__ = ["QUERY_PAGE_PATH", "ExampleQuery", "example_queries", "query_router"]


@dataclass(frozen=True, slots=True)
class ExampleQuery:
    name: str
    title: str
    sparql: str


def queries_file() -> Path:
    """``docs/queries.md`` of the source tree (``OGIKG_QUERIES_FILE`` overrides)."""
    configured = os.environ.get(QUERIES_FILE_ENV)
    if configured:
        return Path(configured)
    return Path(ogikg.__file__).resolve().parents[2] / "docs" / "queries.md"


def parse_examples(markdown: str) -> list[ExampleQuery]:
    """The marked queries of a Markdown text, each titled by the heading above it."""
    examples = []
    for match in _MARKED.finditer(markdown):
        headings = _HEADING.findall(markdown, 0, match.start())
        title = headings[-1] if headings else match.group(1)
        examples.append(ExampleQuery(match.group(1), title, match.group(2).strip() + "\n"))
    return examples


@cache
def _examples_at(path: str, mtime_ns: int) -> tuple[ExampleQuery, ...]:
    return tuple(parse_examples(Path(path).read_text(encoding="utf-8")))


def example_queries(path: Path | None = None) -> list[ExampleQuery]:
    """The example queries, re-read whenever the file changes; none if it is missing."""
    source = path or queries_file()
    try:
        mtime = source.stat().st_mtime_ns
    except OSError:
        return []
    return list(_examples_at(str(source), mtime))


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
