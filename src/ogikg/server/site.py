"""What the human-facing routers share: where data IRIs map to on this server, the store's
modification stamp (for caches), the Jinja environment of the HTML pages, and queries run
through the server's executor (so pages obey the same deadline as the SPARQL endpoint).

IRIs and paths: data IRIs are ``<base>id/…`` (``ogikg.iris.data_base()``, env ``OGIKG_BASE``),
named graphs ``<base>graph/…``, the vocabulary ``https://w3id.org/ogikg/def/…`` and legal
provisions ``https://w3id.org/ogikg/eli/…``. This server answers each of them on the path after
its namespace (``/id/…``, ``/graph/…``, ``/def/…``, ``/eli/…``) whatever host it runs on, and
its pages link to those local paths so that browsing never leaves the server.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.requests import Request

from ogikg import __version__, iris
from ogikg.server.dumps import Manifest, dumps_directory, read_manifest
from ogikg.server.executor import QueryExecutor, select
from ogikg.server.jobs import QueryJob, StoreStats
from ogikg.server.settings import ServerSettings
from ogikg.store.base import Term

SITE = "https://w3id.org/ogikg/"
"""Namespace of the vocabulary and the legal provisions (fixed, whatever the data base)."""

# A remote store has no modification stamp we can read: its caches expire after this many seconds.
REMOTE_CACHE_SECONDS = 300.0
CACHE_ENTRIES = 1024
# Characters left as they are when an IRI's path becomes a link (IRIs are already percent-encoded).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def dumps_dir_for(settings: ServerSettings) -> Path | None:
    """The dumps directory served: ``settings.extra["dumps_dir"]``, else ``dumps_directory(store)``."""
    configured = settings.extra.get("dumps_dir")
    return Path(str(configured)) if configured else dumps_directory(settings.store)


@dataclass(slots=True)
class SiteState:
    """Configuration and caches of the page, dump and catalogue routers of one application."""

    settings: ServerSettings
    base: str
    """Data base (ends in '/'); data IRIs are ``base + "id/…"``."""
    dumps_dir: Path | None
    caches: dict[str, tuple[Hashable, Any]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> SiteState:
        return cls(settings=settings, base=iris.data_base(), dumps_dir=dumps_dir_for(settings))

    # -- IRIs and local paths ---------------------------------------------------------------

    def local_path(self, iri: str) -> str | None:
        """The path on this server that describes ``iri``, or ``None`` for an outside IRI."""
        for namespace, areas in ((self.base, ("id/", "graph/")), (SITE, ("def/", "eli/"))):
            for area in areas:
                if iri.startswith(namespace + area):
                    return "/" + area + quote(iri[len(namespace) + len(area) :], safe=_PATH_SAFE)
        if iri == iris.VOCAB.rstrip("/"):
            return "/def/"
        return None

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: its local page when this server describes it, the IRI
        itself when it is a web address, and nowhere otherwise (``javascript:`` is an IRI too)."""
        return self.local_path(iri) or (iri if iri.startswith(("http://", "https://")) else None)

    def data_iri(self, area: str, path: str) -> str:
        """The IRI a local path names: ``data_iri("id", "agency/x")`` → ``<base>id/agency/x``."""
        namespace = SITE if area in ("def", "eli") else self.base
        return f"{namespace}{area}/{path}"

    # -- store state -------------------------------------------------------------------------

    def stamp(self) -> Hashable:
        """Changes whenever the store changes (embedded) or every few minutes (remote)."""
        return store_stamp(self.settings)

    def cache_get(self, key: str) -> Any | None:
        """A value computed for the store as it is now, or ``None``."""
        hit = self.caches.get(key)
        return hit[1] if hit is not None and hit[0] == self.stamp() else None

    def cache_put(self, key: str, value: Any) -> None:
        # bounded: keys include the Host a client sent, which it chooses freely
        while len(self.caches) >= CACHE_ENTRIES:
            self.caches.pop(next(iter(self.caches)))
        self.caches.pop(key, None)
        self.caches[key] = (self.stamp(), value)


def store_stamp(settings: ServerSettings) -> Hashable:
    if settings.store_is_remote or not settings.store:
        return ("remote", int(time.time() // REMOTE_CACHE_SECONDS))
    from ogikg.server.query_worker import store_fingerprint

    try:
        return store_fingerprint(settings.store)
    except OSError:
        return ("missing", int(time.time()))


def last_modified(settings: ServerSettings) -> datetime | None:
    """When the store was last written: the writer's generation file, else the newest RocksDB file."""
    if settings.store_is_remote or not settings.store:
        return None
    from ogikg.store.embedded import GENERATION_FILE

    directory = Path(settings.store)
    try:
        stamp = (directory / GENERATION_FILE).read_text(encoding="ascii")
        return datetime.fromtimestamp(int(stamp.split("-", 1)[0]) / 1e9, tz=UTC)
    except (OSError, ValueError):
        pass
    try:
        newest = max(
            entry.stat().st_mtime
            for entry in directory.iterdir()
            if entry.name == "CURRENT" or entry.name.startswith("MANIFEST-") or entry.suffix == ".sst"
        )
    except (OSError, ValueError):
        return None
    return datetime.fromtimestamp(newest, tz=UTC)


def current_manifest(manifest: Manifest | None, modified: datetime | None) -> Manifest | None:
    """The dumps manifest if it was written after the store's last write (so its figures hold)."""
    if manifest is None or modified is None:
        return None
    generated = datetime.fromisoformat(manifest.generated)
    return manifest if generated >= modified.replace(microsecond=0) else None


# -- queries through the executor -----------------------------------------------------------


async def store_counts(request: Request) -> StoreStats | None:
    """Quads and named graphs of the store served.

    The dumps written after the store's last write hold them; otherwise a query worker counts,
    which takes seconds per ten million quads — beyond the query time limit on a national store,
    where the answer is then None rather than a worker stopped on every health check.
    """
    settings: ServerSettings = request.app.state.settings
    current = current_manifest(read_manifest(dumps_dir_for(settings)), last_modified(settings))
    if current is not None:
        return StoreStats(current.statistics.quads, current.statistics.graphs)
    return await executor_of(request).stats()


def executor_of(request: Request) -> QueryExecutor:
    return request.app.state.executor  # type: ignore[no-any-return]


async def run_select(request: Request, sparql: str) -> list[dict[str, Term]]:
    """A SELECT run like any endpoint query (worker pool, deadline, result cap)."""
    settings: ServerSettings = request.app.state.settings
    return await select(executor_of(request), sparql, result_limit=settings.result_limit)


async def run_graph(request: Request, sparql: str, graph_format: str) -> bytes:
    """A CONSTRUCT serialised by the worker in ``graph_format`` (ttl, nt, jsonld, rdfxml)."""
    settings: ServerSettings = request.app.state.settings
    outcome = await executor_of(request).run(
        QueryJob(
            sparql=sparql, results_format=None, graph_format=graph_format, result_limit=settings.result_limit
        )
    )
    return outcome.body


# -- templates --------------------------------------------------------------------------------


def static_dir() -> Path:
    return Path(str(resources.files("ogikg.server"))) / "static"


def vendor_asset(relative: str) -> bool:
    """Whether a downloaded third-party asset (``static/vendor/…``) is present."""
    return (static_dir() / "vendor" / relative).is_file()


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ogikg.server", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.filters["thousands"] = _thousands
    return env


def _thousands(value: object) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
