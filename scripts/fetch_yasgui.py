#!/usr/bin/env python3
"""Install the pinned YASGUI release (the SPARQL editor of the query page) from the npm registry.

    python3 scripts/fetch_yasgui.py            # into src/ogikg/server/static/vendor/yasgui/
    python3 scripts/fetch_yasgui.py --force    # fetch again even if that version is installed

Reads the release's metadata from the registry, checks that its sha512 integrity is the one pinned
here, downloads the tarball, verifies it against that hash, and extracts the browser build
(``yasgui.min.js``, ``yasgui.min.css``, ``package.json`` for the licence) into a folder that git
ignores. Needs nothing but Python 3. Without these files the query page uses its own editor.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
INTEGRITY = "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")
WANTED = {
    "package/build/yasgui.min.js": "yasgui.min.js",
    "package/build/yasgui.min.css": "yasgui.min.css",
    "package/package.json": "package.json",
}
DEFAULT_DEST = (
    Path(__file__).resolve().parents[1] / "src" / "ogikg" / "server" / "static" / "vendor" / "yasgui"
)
STAMP = "VERSION"
TIMEOUT = 120


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json, application/octet-stream"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.read()


def check_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"unexpected integrity algorithm {algorithm!r} for {PACKAGE}@{VERSION}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != expected:
        raise SystemExit(f"{PACKAGE}@{VERSION}: the tarball's sha512 does not match ({actual} != {expected})")


def install(dest: Path, force: bool) -> None:
    if not force and (dest / STAMP).is_file() and (dest / STAMP).read_text().strip() == VERSION:
        print(f"{PACKAGE}@{VERSION} already in {dest}")
        return
    metadata = json.loads(fetch(f"{REGISTRY}/{PACKAGE}/{VERSION}"))
    dist = metadata.get("dist", {})
    if dist.get("integrity") != INTEGRITY:
        raise SystemExit(
            f"the registry reports integrity {dist.get('integrity')!r} for {PACKAGE}@{VERSION}, "
            f"not the pinned {INTEGRITY!r}; refusing to install"
        )
    tarball = fetch(dist["tarball"])
    check_integrity(tarball, INTEGRITY)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".yasgui-", dir=dest.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for member in archive.getmembers():
                target = WANTED.get(member.name)
                if target is None or not member.isfile():
                    continue
                extracted = archive.extractfile(member)
                assert extracted is not None
                (staging / target).write_bytes(extracted.read())
        missing = sorted(set(WANTED.values()) - {p.name for p in staging.iterdir()})
        if missing:
            raise SystemExit(f"{PACKAGE}@{VERSION}: the tarball lacks {', '.join(missing)}")
        (staging / STAMP).write_text(VERSION + "\n")
        staging.chmod(0o755)  # mkdtemp makes it private; the server may run as another user
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    print(f"installed {PACKAGE}@{VERSION} into {dest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dest", type=Path, default=DEFAULT_DEST, help="target folder (default: %(default)s)"
    )
    parser.add_argument("--force", action="store_true", help="download even if this version is installed")
    arguments = parser.parse_args()
    try:
        install(arguments.dest, arguments.force)
    except OSError as error:  # network or disk
        print(f"fetch_yasgui: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
