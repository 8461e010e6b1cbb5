"""Stores behind ogikg: the embedded pyoxigraph store and remote SPARQL 1.1 services."""

from ogikg.store.base import (
    LoadStats,
    QueryError,
    QueryResponse,
    ReadOnlyStoreError,
    Store,
    StoreError,
    StoreLockedError,
    StoreNotFoundError,
    Term,
    UnsupportedMediaTypeError,
)
from ogikg.store.embedded import EmbeddedStore
from ogikg.store.open import open_store
from ogikg.store.remote import RemoteStore

__all__ = [
    "EmbeddedStore",
    "LoadStats",
    "QueryError",
    "QueryResponse",
    "ReadOnlyStoreError",
    "RemoteStore",
    "Store",
    "StoreError",
    "StoreLockedError",
    "StoreNotFoundError",
    "Term",
    "UnsupportedMediaTypeError",
    "open_store",
]
