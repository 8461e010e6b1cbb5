"""Server settings: one frozen value built from command-line flags over ``OGIKG_*`` environment variables.

Every limit has a safe default: read-only, no federation, a per-query deadline and a result cap.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

# Environment variable for each setting (flags given to ``serve`` win over these).
ENV_NAMES: dict[str, str] = {
    "store": "OGIKG_STORE",
    "host": "OGIKG_HOST",
    "port": "OGIKG_PORT",
    "workers": "OGIKG_WORKERS",
    "query_timeout": "OGIKG_QUERY_TIMEOUT",
    "result_limit": "OGIKG_RESULT_LIMIT",
    "admin_token": "OGIKG_ADMIN_TOKEN",
    "service_allowlist": "OGIKG_SERVICE_ALLOWLIST",
    "max_query_bytes": "OGIKG_MAX_QUERY_BYTES",
    "max_upload_bytes": "OGIKG_MAX_UPLOAD_BYTES",
    "public_url": "OGIKG_PUBLIC_URL",
    "union_default_graph": "OGIKG_UNION_DEFAULT_GRAPH",
    "worker_memory_mb": "OGIKG_WORKER_MEMORY_MB",
    "access_log": "OGIKG_ACCESS_LOG",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting has a value the server cannot run with; the message names the variable."""


@dataclass(frozen=True, slots=True)
class ServerSettings:
    store: str = ""
    """Directory of the embedded pyoxigraph store, or a remote SPARQL endpoint (``ogikg.store.open``)."""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    """Query worker processes; at least 2 so that one slow query never blocks every other one."""
    query_timeout: float = 30.0
    """Seconds a query may run (waiting for a free worker included) before it is stopped."""
    result_limit: int = 100_000
    """Most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) returned; more are cut and marked."""
    admin_token: str | None = None
    """Bearer token for the write routes; ``None`` disables every write route."""
    service_allowlist: tuple[str, ...] = ()
    """Endpoint IRIs that queries may call with SERVICE; empty refuses federation entirely."""
    max_query_bytes: int = 256 * 1024
    max_upload_bytes: int = 200 * 1024 * 1024
    public_url: str | None = None
    """External base URL (behind a proxy) used for sd:endpoint and relative-IRI resolution."""
    union_default_graph: bool = True
    """Without a protocol dataset the default graph is the union of all graphs (sd:UnionDefaultGraph)."""
    worker_memory_mb: int = 4096
    """Address-space cap (MiB) of each query worker (0: none): a query that would exhaust the machine's
    memory kills only its own worker, which is replaced (the client gets 500)."""
    access_log: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Settings for routers added later (pages, dumps); ignored by the SPARQL side."""

    @property
    def writes_enabled(self) -> bool:
        return bool(self.admin_token)

    @property
    def store_is_remote(self) -> bool:
        return "://" in self.store  # http(s):// or sparql+http(s):// (see ogikg.store.open)

    def validated(self) -> ServerSettings:
        if self.workers < 2:
            raise SettingsError(f"workers must be at least 2 (got {self.workers}; {ENV_NAMES['workers']})")
        if self.query_timeout <= 0:
            raise SettingsError(f"query timeout must be positive (got {self.query_timeout})")
        if self.result_limit < 1:
            raise SettingsError(f"result limit must be at least 1 (got {self.result_limit})")
        if self.max_query_bytes < 64 or self.max_upload_bytes < 1024:
            raise SettingsError("request size limits are too small to serve any request")
        for iri in self.service_allowlist:
            if not re.match(r"^https?://\S+$", iri):
                raise SettingsError(f"SERVICE allow-list entry is not an http(s) IRI: {iri!r}")
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ServerSettings:
        """Settings from ``OGIKG_*`` variables, then ``overrides`` (flags; ``None`` means "not given")."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = ENV_NAMES.get(f.name)
            if name and name in env:
                values[f.name] = _parse(f.name, env[name], name)
        values.update({key: value for key, value in overrides.items() if value is not None})
        if "service_allowlist" in values and isinstance(values["service_allowlist"], str):
            values["service_allowlist"] = split_allowlist(values["service_allowlist"])
        if values.get("admin_token") == "":
            values["admin_token"] = None
        return replace(cls(), **values).validated()


def split_allowlist(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,]+", text.strip()) if part)


def _parse(setting: str, raw: str, env_name: str) -> Any:
    kind = {
        "port": int,
        "workers": int,
        "result_limit": int,
        "max_query_bytes": int,
        "max_upload_bytes": int,
        "worker_memory_mb": int,
        "query_timeout": float,
        "union_default_graph": bool,
        "access_log": bool,
    }.get(setting, str)
    try:
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered not in _TRUE | _FALSE:
                raise ValueError(raw)
            return lowered in _TRUE
        if setting == "service_allowlist":
            return split_allowlist(raw)
        return kind(raw)
    except ValueError:
        raise SettingsError(f"{env_name}={raw!r} is not a valid {kind.__name__}") from None
