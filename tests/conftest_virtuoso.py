"""A session-wide OpenLink Virtuoso on loopback for tests marked ``virtuoso``.

scripts/virtuoso/start.sh installs (as root, via apt) and starts it in a temporary directory with
free ports; the fixture stops it at the end. When Virtuoso cannot be had, the tests fail under
CI=true (a missing store must not pass silently) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts" / "virtuoso"


@dataclass(frozen=True)
class VirtuosoEndpoint:
    query_url: str
    update_url: str
    gsp_url: str
    user: str
    password: str
    store_spec: str
    data_dir: Path


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Virtuoso unavailable under CI: {reason}")
    pytest.skip(f"Virtuoso unavailable: {reason}")


def _read_env(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, raw = line.partition("=")
        if sep and name.isupper():
            values[name] = shlex.split(raw)[0] if raw else ""
    return values


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoEndpoint]:
    data_dir = tmp_path_factory.mktemp("virtuoso")
    try:
        started = subprocess.run(
            ["bash", str(SCRIPTS / "start.sh"), str(data_dir)],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _unavailable(f"start.sh did not run: {error}")
    if started.returncode != 0:
        _unavailable(f"start.sh exited {started.returncode}: {started.stderr[-2000:]}")
    env = _read_env(started.stdout)
    try:
        yield VirtuosoEndpoint(
            query_url=env["VIRTUOSO_QUERY_URL"],
            update_url=env["VIRTUOSO_UPDATE_URL"],
            gsp_url=env["VIRTUOSO_GSP_URL"],
            user=env["VIRTUOSO_USER"],
            password=env["VIRTUOSO_PASSWORD"],
            store_spec=env["OGIKG_STORE"],
            data_dir=data_dir,
        )
    finally:
        subprocess.run(["bash", str(SCRIPTS / "stop.sh"), str(data_dir)], check=False, timeout=120)
