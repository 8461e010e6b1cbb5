"""Throughput and latency of the SPARQL endpoint under 32 concurrent connections.

Builds an embedded store with synthetic data, starts ``ogikg.server.run`` in its own process and
hammers one simple SELECT for ~20 s with ``wrk`` (Debian package ``wrk``) or, when wrk is missing,
with an asyncio/httpx load generator. Prints requests/s and p50/p95/p99 latency.

    .venv/bin/python benchmarks/bench_server.py [--seconds 20] [--connections 32] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

EX = "http://example.org/bench/"
QUERIES = {
    # A point lookup (2 rows): measures the server and worker overhead per request.
    "lookup": (f"SELECT ?p ?o WHERE {{ <{EX}item/42/7> ?p ?o }}", 2),
    # Every labelled item of one named graph (500 rows): a typical page-sized answer.
    "graph": (f"SELECT ?item ?label WHERE {{ GRAPH <{EX}graph/42> {{ ?item <{EX}label> ?label }} }}", 500),
}

WRK_REPORT = """
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "non2xx": %d, "p50": %.3f, "p95": %.3f, "p99": %.3f}\\n',
    summary.requests, seconds,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def build_store(path: Path, graphs: int = 100, items_per_graph: int = 500) -> int:
    store = ox.Store(str(path))
    quads = []
    for g in range(graphs):
        graph = ox.NamedNode(f"{EX}graph/{g}")
        for i in range(items_per_graph):
            item = ox.NamedNode(f"{EX}item/{g}/{i}")
            quads.append(
                ox.Quad(item, ox.NamedNode(f"{EX}value"), ox.Literal(str(i), datatype=_INTEGER), graph)
            )
            quads.append(
                ox.Quad(item, ox.NamedNode(f"{EX}label"), ox.Literal(f"item {g}-{i}", language="en"), graph)
            )
    store.bulk_extend(quads)
    store.flush()
    del store
    return len(quads)


_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(store: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OGIKG_ACCESS_LOG": "1"}
    command = [
        sys.executable, "-m", "ogikg.server.run", "--store", str(store), "--port", str(port),
        "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    # The access log stays on (as in production) but goes nowhere.
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise SystemExit("the server exited during start-up")
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


def run_wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name, url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    report = json.loads(output.strip().splitlines()[-1])
    report["rps"] = report["requests"] / report["seconds"]
    report["tool"] = "wrk"
    return report


async def _httpx_load(url: str, seconds: int, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def user() -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                response = await client.get(url)
                if response.status_code != 200:
                    errors += 1
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(user() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "tool": "httpx",
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "errors": 0,
        "non2xx": errors,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--query", choices=sorted(QUERIES), default="lookup")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        quads = build_store(store)
        port = free_port()
        server = start_server(store, port, args.workers)
        try:
            query, rows = QUERIES[args.query]
            url = f"http://127.0.0.1:{port}/sparql?" + urlencode({"query": query})
            check = httpx.get(url, timeout=10)
            assert check.status_code == 200 and len(check.json()["results"]["bindings"]) == rows, check.text
            use_wrk = args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk"))
            if use_wrk:
                report = run_wrk(url, args.seconds, args.connections)
            else:
                report = asyncio.run(_httpx_load(url, args.seconds, args.connections))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"store: {quads} quads; '{args.query}' query, {rows} rows as JSON; {args.workers} query workers; "
        f"{args.connections} connections for {report['seconds']:.1f} s with {report['tool']}"
    )
    print(
        f"requests/s: {report['rps']:.0f}  (requests {report['requests']}, errors {report['errors']}, "
        f"non-2xx {report['non2xx']})"
    )
    print(f"latency ms: p50 {report['p50']:.1f}  p95 {report['p95']:.1f}  p99 {report['p99']:.1f}")


if __name__ == "__main__":
    main()
