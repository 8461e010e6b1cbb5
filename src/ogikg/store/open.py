"""Open a store from one string, so that every command's ``--store`` takes a path or an endpoint.

Spec syntax:

- ``PATH`` (anything without a URL scheme): the embedded store in that directory.
- ``http://HOST/PATH`` or ``https://…``: a read-only SPARQL endpoint, the URL used verbatim.
- ``sparql+http://HOST/PATH?OPTIONS`` (or ``sparql+https``): a SPARQL endpoint whose query string
  holds our options instead of being part of the URL:
  ``update=URL`` SPARQL Update endpoint, ``gsp=URL`` Graph Store Protocol endpoint (both may be
  relative to the query URL, e.g. ``update=/sparql-auth``), ``user=``, ``password=``,
  ``auth=digest|basic`` (default digest), ``timeout=SECONDS``.
  Example (Virtuoso): ``sparql+http://127.0.0.1:8890/sparql?update=/sparql-auth&user=ogikg&password=…``.
  Without ``password=`` the password is read from the environment variable ``OGIKG_STORE_PASSWORD``,
  which keeps it out of process listings.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

from ogikg.store.base import Store, StoreError
from ogikg.store.embedded import EmbeddedStore
from ogikg.store.remote import RemoteStore

PASSWORD_ENV = "OGIKG_STORE_PASSWORD"
_OPTIONS = frozenset({"update", "gsp", "user", "password", "auth", "timeout"})


def open_store(spec: str, *, read_only: bool = False) -> Store:
    """The store a ``--store`` value names (see the module docstring for the syntax)."""
    scheme = urlsplit(spec).scheme.lower()
    if scheme in ("http", "https"):
        return RemoteStore(spec)
    if scheme in ("sparql+http", "sparql+https"):
        return _remote_from_spec(spec)
    if "://" in spec:
        raise StoreError(f"unsupported store spec {spec!r}: use a directory, http(s):// or sparql+http(s)://")
    return EmbeddedStore(spec, read_only=read_only)


def _remote_from_spec(spec: str) -> RemoteStore:
    parts = urlsplit(spec)
    query_url = urlunsplit((parts.scheme.removeprefix("sparql+"), parts.netloc, parts.path, "", ""))
    options = {name: values[-1] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise StoreError(f"store spec {query_url}: unknown option(s) {', '.join(unknown)}")
    auth = options.get("auth", "digest")
    if auth not in ("digest", "basic"):
        raise StoreError(f"store spec {query_url}: auth must be digest or basic, not {auth!r}")
    user = options.get("user")
    password = options.get("password", os.environ.get(PASSWORD_ENV) if user else None)
    try:
        timeout = float(options.get("timeout", "120"))
    except ValueError:
        raise StoreError(f"store spec {query_url}: timeout must be a number of seconds") from None
    return RemoteStore(
        query_url,
        urljoin(query_url, options["update"]) if options.get("update") else None,
        urljoin(query_url, options["gsp"]) if options.get("gsp") else None,
        user=user,
        password=password,
        auth="basic" if auth == "basic" else "digest",
        timeout=timeout,
    )
