"""OpenLink Virtuoso on loopback for tests marked ``virtuoso``: one for the session, and one of a
module's own where a test would leave the session's holding data the others do not expect.

scripts/virtuoso/start.sh installs (as root, via apt) and starts it in a temporary directory with
free ports; the fixture stops it at the end. When Virtuoso cannot be had, the tests fail under
CI=true (a missing store must not pass silently) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
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
    sql_port: int
    dba_password: str


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


@contextmanager
def started_virtuoso(data_dir: Path) -> Iterator[VirtuosoEndpoint]:
    """A Virtuoso on ``data_dir`` for as long as the block runs."""
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
            sql_port=int(env["VIRTUOSO_SQL_PORT"]),
            dba_password=env["VIRTUOSO_DBA_PASSWORD"],
        )
    finally:
        subprocess.run(["bash", str(SCRIPTS / "stop.sh"), str(data_dir)], check=False, timeout=120)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoEndpoint]:
    with started_virtuoso(tmp_path_factory.mktemp("virtuoso")) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def own_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoEndpoint]:
    """A Virtuoso of a module's own, for tests that load data the session's would then hold."""
    with started_virtuoso(tmp_path_factory.mktemp("own-virtuoso")) as endpoint:
        yield endpoint


def isql(endpoint: VirtuosoEndpoint, script: str) -> str:
    """Run SQL as Virtuoso's administrator (``isql-vt``, Debian's name, or ``isql``); its output."""
    program = shutil.which("isql-vt") or shutil.which("isql")
    if program is None:
        _unavailable("isql-vt not found")
    done = subprocess.run(
        [program, f"127.0.0.1:{endpoint.sql_port}", "dba", endpoint.dba_password],
        input=script,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0 and "*** Error" not in done.stdout, done.stdout[-2000:] + done.stderr
    return done.stdout
