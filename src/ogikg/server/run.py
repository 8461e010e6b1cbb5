"""Start the server: ``serve(...)`` for the CLI, ``serve_command`` as the ``ogikg serve`` click command.

One HTTP process (uvicorn's event loop) in front of ``--workers`` query worker processes: queries
are CPU work in the workers, so more HTTP processes would only multiply the workers and fight over
the single read-write store handle the write routes need.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click
import uvicorn

from ogikg.server.app import create_app
from ogikg.server.executor import StoreUnavailable
from ogikg.server.settings import ServerSettings, SettingsError
from ogikg.server.writes import IngestHook
from ogikg.store.base import Store, StoreError, StoreLockedError


def check_store_directory(path: str) -> None:
    """Fail early, naming the path, when there is no store to serve."""
    directory = Path(path)
    if not directory.is_dir():
        raise StoreUnavailable(f"store directory {path} does not exist (create it with `ogikg load`)")
    if not (directory / "CURRENT").is_file():
        raise StoreUnavailable(f"{path} is not an ogikg store (no RocksDB CURRENT file in it)")


StoreOpener = Callable[[str], Store]


def _embedded_store(path: str) -> Store:
    from ogikg.store.embedded import EmbeddedStore

    return EmbeddedStore(path)


def open_writable_store(path: str, opener: StoreOpener | None = None) -> Store:
    """The read-write store the admin routes write to (only when an admin token is set)."""
    try:
        return (opener or _embedded_store)(path)
    except StoreLockedError as error:
        raise StoreUnavailable(
            f"{error}: is `ogikg load` or another server writing to it? Stop it, or serve read-only "
            "without an admin token"
        ) from None
    except (StoreError, OSError) as error:
        raise StoreUnavailable(f"cannot open the store at {path} for writing: {error}") from None


def serve(
    store_spec: str | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    timeout: float | None = None,
    result_limit: int | None = None,
    admin_token: str | None = None,
    service_allowlist: Sequence[str] | None = None,
    public_url: str | None = None,
    ingest: IngestHook | None = None,
    store_opener: StoreOpener | None = None,
    log_level: str = "info",
) -> None:
    """Run the server until interrupted. Arguments left ``None`` come from ``OGIKG_*`` or defaults.

    ``store_opener`` opens the store read-write for the admin routes (default: the embedded store).
    Raises ``StoreUnavailable`` (missing, not a store, locked) or ``SettingsError`` before listening.
    """
    settings = ServerSettings.from_env(
        store=store_spec,
        host=host,
        port=port,
        workers=workers,
        query_timeout=timeout,
        result_limit=result_limit,
        admin_token=admin_token,
        service_allowlist=tuple(service_allowlist) if service_allowlist is not None else None,
        public_url=public_url,
    )
    if not settings.store:
        raise SettingsError("no store given (--store DIR or OGIKG_STORE)")
    writable: Store | None = None
    if not settings.store_is_remote:
        check_store_directory(settings.store)
        if settings.writes_enabled:
            writable = open_writable_store(settings.store, store_opener)
    if ingest is None:
        from ogikg.ingest import ingest_reports

        ingest = ingest_reports
    from ogikg.server.pages import site_routers

    app = create_app(settings, writable_store=writable, ingest=ingest, routers=site_routers(settings))
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, log_level=log_level)
    finally:
        if writable is not None:
            writable.close()


@click.command("serve")
@click.option(
    "--store", "store_spec", help="Store directory (or http(s) URL of a SPARQL endpoint). [OGIKG_STORE]"
)
@click.option("--host", help="Interface to listen on (default 127.0.0.1). [OGIKG_HOST]")
@click.option("--port", type=int, help="Port (default 8000). [OGIKG_PORT]")
@click.option("--workers", type=int, help="Query worker processes, at least 2 (default 2). [OGIKG_WORKERS]")
@click.option(
    "--timeout", type=float, help="Per-query time limit in seconds (default 30). [OGIKG_QUERY_TIMEOUT]"
)
@click.option(
    "--result-limit", type=int, help="Most rows/triples per result (default 100000). [OGIKG_RESULT_LIMIT]"
)
@click.option("--admin-token", help="Enables the write routes behind this bearer token. [OGIKG_ADMIN_TOKEN]")
@click.option(
    "--allow-service", "allow_service", multiple=True, help="Endpoint IRI SERVICE may call (repeatable)."
)
@click.option("--public-url", help="External base URL when behind a proxy. [OGIKG_PUBLIC_URL]")
@click.option("--log-level", default="info", show_default=True)
def serve_command(
    store_spec: str | None,
    host: str | None,
    port: int | None,
    workers: int | None,
    timeout: float | None,
    result_limit: int | None,
    admin_token: str | None,
    allow_service: tuple[str, ...],
    public_url: str | None,
    log_level: str,
) -> None:
    """Serve the store over SPARQL 1.1 (read-only unless an admin token is set)."""
    try:
        serve(
            store_spec,
            host=host,
            port=port,
            workers=workers,
            timeout=timeout,
            result_limit=result_limit,
            admin_token=admin_token,
            service_allowlist=allow_service or None,
            public_url=public_url,
            log_level=log_level,
        )
    except (StoreUnavailable, SettingsError) as error:
        click.echo(f"ogikg serve: {error}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    serve_command()
