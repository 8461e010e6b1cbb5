"""SHA-256 digests of files, as the resumable stages (validate, load) compare them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, in lower-case hexadecimal."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def files_digest(paths: Iterable[Path], *extra: str) -> str:
    """One SHA-256 over the names and bytes of several files (and ``extra`` strings, e.g. a
    version), in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    for text in extra:
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()
