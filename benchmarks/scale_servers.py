"""The four SPARQL servers of the scale benchmark, each started on loopback over the same data.

- ``ogikg``: ``ogikg serve`` on the embedded store the pipeline loaded (read-only, 2 query workers);
- ``oxigraph``: ``oxigraph serve-read-only`` (the server of the ``oxigraph`` PyPI package) on the
  same store directory, with ``--union-default-graph`` as ogikg's default dataset;
- ``rdflib``: rdflib-endpoint over an in-memory rdflib ``Dataset`` (default graph = union of the
  named graphs) parsed from the N-Quads dump;
- ``virtuoso``: OpenLink Virtuoso (Debian ``virtuoso-opensource``) with the N-Quads dump bulk-loaded
  by its own loader (``ld_dir`` + ``rdf_loader_run``).

Each server runs as a child process group of its own and is stopped by its process group id.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from scale_measure import TreeSampler

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
VIRTUOSO_TEMPLATE = REPO / "scripts" / "virtuoso" / "virtuoso.ini.in"
SERVERS = ("ogikg", "oxigraph", "rdflib", "virtuoso")

RDFLIB_SERVER = """
import gzip, shutil, sys, tempfile, uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
data = Dataset(default_union=True)
# rdflib re-opens a file object by its name, so the gzip stream is unpacked to a plain file first
with gzip.open(sys.argv[1], "rb") as dump, tempfile.NamedTemporaryFile(suffix=".nq") as plain:
    shutil.copyfileobj(dump, plain)
    plain.flush()
    data.parse(plain.name, format="nquads")
print(f"loaded {len(data)} quads", flush=True)
app = SparqlEndpoint(graph=data, cors_enabled=False)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    name: str
    url: str  # the SPARQL query endpoint
    process: subprocess.Popen[bytes]
    sampler: TreeSampler  # memory of the server's process tree, sampled from its start
    ready_s: float = 0.0  # start until the first answer (includes loading for rdflib)
    load: dict[str, float] = field(default_factory=dict)  # loading figures where the server loads

    @property
    def pid(self) -> int:
        return self.process.pid


def _wait_ready(url: str, process: subprocess.Popen[bytes], limit_s: float, log: Path) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}; see {log}")
        try:
            answer = httpx.get(
                url,
                params={"query": "ASK { ?s ?p ?o }"},
                headers={"Accept": "application/sparql-results+json"},
            )
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url}: not ready after {limit_s:.0f} s; see {log}")


def _spawn(
    argv: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[subprocess.Popen[bytes], TreeSampler]:
    with log.open("wb") as handle:
        process = subprocess.Popen(
            argv, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
    sampler = TreeSampler(process.pid, interval=0.5)
    sampler.__enter__()
    return process, sampler


def _finish(process: subprocess.Popen[bytes], sampler: TreeSampler) -> None:
    stop(process)
    sampler.__exit__(None, None, None)


@contextmanager
def _served(
    name: str, argv: list[str], url: str, logs: Path, limit_s: float, env: dict[str, str] | None = None
) -> Iterator[RunningServer]:
    """A server process started from ``argv``, ready at ``url`` within ``limit_s``, stopped on exit."""
    log = logs / f"server-{name}.log"
    started = time.perf_counter()
    process, sampler = _spawn(argv, log, env)
    try:
        _wait_ready(url, process, limit_s, log)
        yield RunningServer(name, url, process, sampler, time.perf_counter() - started)
    finally:
        _finish(process, sampler)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started here: its own process group, TERM first, then KILL."""
    if process.poll() is not None:
        return
    group = os.getpgid(process.pid)
    os.killpg(group, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(group, signal.SIGKILL)
        process.wait()


@contextmanager
def ogikg_server(store: Path, logs: Path, *, workers: int = 2) -> Iterator[RunningServer]:
    port = free_port()
    env = {
        **os.environ,
        # Benchmark queries aggregate the whole corpus: no per-query deadline or row cap in the way.
        "OGIKG_QUERY_TIMEOUT": "3600",
        "OGIKG_RESULT_LIMIT": "100000000",
    }
    argv = [str(VENV_BIN / "ogikg"), "serve", "--store", str(store), "--port", str(port)]
    argv += ["--workers", str(workers), "--log-level", "warning"]
    with _served("ogikg", argv, f"http://127.0.0.1:{port}/sparql", logs, 300, env) as server:
        yield server


@contextmanager
def oxigraph_server(store: Path, logs: Path) -> Iterator[RunningServer]:
    port = free_port()
    argv = [str(VENV_BIN / "oxigraph"), "serve-read-only", "--location", str(store)]
    argv += ["--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "3600"]
    with _served("oxigraph", argv, f"http://127.0.0.1:{port}/query", logs, 300) as server:
        yield server


@contextmanager
def rdflib_server(dump: Path, logs: Path) -> Iterator[RunningServer]:
    port = free_port()
    argv = [sys.executable, "-c", RDFLIB_SERVER, str(dump), str(port)]
    # rdflib-endpoint parses the whole dump before it answers: its start-up is its load time
    with _served("rdflib", argv, f"http://127.0.0.1:{port}/", logs, 4 * 3600) as server:
        server.load["load_s"] = round(server.ready_s, 1)
        yield server


# ------------------------------------------------------------------------------- Virtuoso -----


def _virtuoso_ini(data_dir: Path, dumps: Path, sql_port: int, http_port: int, buffers: int) -> str:
    """The project's minimal virtuoso.ini, with the page cache sized for a large load (Virtuoso's
    own guidance: about two thirds of the memory given to it, 8 kB per buffer) and no query time
    or cost limits (Virtuoso answers partially when its time limit runs out)."""
    text = VIRTUOSO_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("@DATA_DIR@", str(data_dir))
    text = text.replace("@SQL_PORT@", str(sql_port)).replace("@HTTP_PORT@", str(http_port))
    settings = {
        "NumberOfBuffers": str(buffers),
        "MaxDirtyBuffers": str(buffers * 3 // 4),
        "DirsAllowed": f"., {data_dir}, {dumps}",
        "MaxQueryMem": "2G",
        "MaxQueryExecutionTime": "0",
        "MaxQueryCostEstimationTime": "0",
        "ResultSetMaxRows": "10000000",
        "MaxClientConnections": "40",
        "ServerThreads": "40",
        "MaxKeepAlives": "40",
    }
    for key, value in settings.items():
        text = re.sub(rf"^{key}\s*=.*$", f"{key} = {value}", text, flags=re.MULTILINE)
    return text


def _isql(sql_port: int, script: str, log: Path) -> str:
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if isql is None:
        raise RuntimeError("isql-vt not found (Debian package virtuoso-opensource)")
    done = subprocess.run(
        [isql, f"127.0.0.1:{sql_port}", "dba", "dba"],
        input=script,
        capture_output=True,
        text=True,
        check=False,
    )
    with log.open("a", encoding="utf-8") as handle:
        handle.write(script + "\n" + done.stdout + done.stderr)
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise RuntimeError(f"isql failed: {done.stdout[-1500:]} {done.stderr[-500:]}")
    return done.stdout


@contextmanager
def virtuoso_server(
    dumps: Path, data_dir: Path, logs: Path, *, buffers: int = 340_000
) -> Iterator[RunningServer]:
    if shutil.which("virtuoso-t") is None:
        raise RuntimeError("virtuoso-t not found: apt-get install virtuoso-opensource")
    shutil.rmtree(data_dir, ignore_errors=True)
    (data_dir / "www").mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    ini = data_dir / "virtuoso.ini"
    ini.write_text(_virtuoso_ini(data_dir, dumps.resolve(), sql_port, http_port, buffers), encoding="utf-8")
    log = logs / "server-virtuoso.log"
    sql_log = logs / "virtuoso-isql.log"
    started = time.perf_counter()
    # +foreground keeps the server a child of ours (stopped by process group like the others).
    process, sampler = _spawn(["virtuoso-t", "+configfile", str(ini), "+foreground"], log, cwd=data_dir)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait_ready(url, process, 300, log)
        ready = time.perf_counter() - started
        loading = time.perf_counter()
        _isql(
            sql_port,
            f"ld_dir('{dumps.resolve()}', 'dataset.nq.gz', 'urn:ogikg:unused');\n"
            "rdf_loader_run();\ncheckpoint;\n",
            sql_log,
        )
        load_s = time.perf_counter() - loading
        state = _isql(
            sql_port, "SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;\n", sql_log
        )
        errors = re.findall(r"^\s*(\d+)\s*$", state, flags=re.MULTILINE)
        if errors and errors[-1] != "0":
            raise RuntimeError(f"Virtuoso bulk loader reported errors; see {sql_log}")
        yield RunningServer("virtuoso", url, process, sampler, ready, {"load_s": round(load_s, 1)})
    finally:
        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql and process.poll() is None:
            subprocess.run(
                [isql, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=shutdown;"],
                capture_output=True,
                check=False,
                timeout=300,
            )
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=120)
        _finish(process, sampler)
