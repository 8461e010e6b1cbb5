"""Query latency and throughput against a SPARQL endpoint, over HTTP, the same way for every server.

Latency: each researcher query of the README is sent once to warm up, then ``repeat`` times,
one after the other (SPARQL protocol: POST, form-encoded, ``Accept:
application/sparql-results+json``); p50 and p95 of the timed runs, the number of rows, and a
fingerprint of the answer (rows as sorted, normalised tuples) so that servers can be compared.

Throughput: ``wrk`` (Debian package) with 32 connections on one simple lookup, GET with the query in
the URL; without wrk, an asyncio/httpx generator with as many concurrent requests.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlencode

import httpx

from ogikg.iris import PREFIXES
from ogikg.queries import researcher_queries as documented_queries

ACCEPT = "application/sparql-results+json"

WRK_SCRIPT = """
wrk.headers["Accept"] = "application/sparql-results+json"
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "non2xx": %d, "p50_ms": %.3f, "p95_ms": %.3f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def researcher_queries() -> dict[str, str]:
    """name → SPARQL of every researcher query of the README, in document order."""
    return {query.name: query.sparql for query in documented_queries()}


@dataclass
class QueryTiming:
    name: str
    runs_ms: list[float] = field(default_factory=list)
    rows: int | None = None
    fingerprint: str | None = None
    error: str | None = None

    def summary(self) -> dict[str, object]:
        result: dict[str, object] = {
            "rows": self.rows,
            "fingerprint": self.fingerprint,
            "runs": len(self.runs_ms),
        }
        if self.runs_ms:
            result["p50_ms"] = round(percentile(self.runs_ms, 50), 1)
            result["p95_ms"] = round(percentile(self.runs_ms, 95), 1)
        if self.error:
            result["error"] = self.error
        return result


def percentile(values: list[float], rank: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * rank / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _normal(term: dict[str, str] | None) -> str:
    """A term as text that is the same whichever server wrote it (numbers compared as numbers)."""
    if term is None:
        return ""
    value = term.get("value", "")
    datatype = term.get("datatype", "")
    xsd = PREFIXES["xsd"]
    if datatype == xsd + "boolean":
        return {"1": "true", "0": "false"}.get(value, value)  # Virtuoso writes 0 and 1
    if datatype.startswith(xsd) and datatype.removeprefix(xsd) in (
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
    ):
        try:
            number = Decimal(value)
            return f"{round(number, 6).normalize():f}"
        except InvalidOperation:
            return value
    return value


def fingerprint(document: dict) -> tuple[int, str]:
    if "boolean" in document:
        return 1, str(document["boolean"])
    names = document["head"]["vars"]
    rows = sorted(tuple(_normal(row.get(name)) for name in names) for row in document["results"]["bindings"])
    return len(rows), hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]


def time_queries(
    url: str, queries: dict[str, str], *, repeat: int, timeout_s: float, slow_s: float
) -> dict[str, QueryTiming]:
    """Latency of every query; a query whose warm-up run takes longer than ``slow_s`` is timed
    from that single run (repeating it would take the whole benchmark's time)."""
    timings: dict[str, QueryTiming] = {}
    headers = {"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}
    with httpx.Client(timeout=timeout_s) as client:
        for name, sparql in queries.items():
            timing = QueryTiming(name)
            timings[name] = timing
            body = urlencode({"query": sparql}).encode()
            for attempt in range(repeat + 1):
                started = time.perf_counter()
                try:
                    response = client.post(url, content=body, headers=headers)
                except httpx.HTTPError as error:
                    timing.error = f"{type(error).__name__} after {time.perf_counter() - started:.0f} s"
                    break
                elapsed_ms = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    timing.error = f"HTTP {response.status_code}: {response.text[:300]}"
                    break
                if attempt == 0:
                    try:
                        timing.rows, timing.fingerprint = fingerprint(response.json())
                    except (ValueError, KeyError) as error:
                        timing.error = f"unreadable answer: {error}"
                        break
                    if elapsed_ms > slow_s * 1000:
                        timing.runs_ms.append(elapsed_ms)
                        break
                else:
                    timing.runs_ms.append(elapsed_ms)
    return timings


def lookup_query(report_iri: str) -> str:
    return f"SELECT ?year WHERE {{ <{report_iri}> <https://w3id.org/ogikg/def/reportYear> ?year }}"


def throughput(url: str, sparql: str, *, connections: int = 32, seconds: int = 15) -> dict[str, object]:
    """Requests per second for one query at ``connections`` concurrent connections."""
    target = f"{url}?{urlencode({'query': sparql})}"
    wrk = shutil.which("wrk")
    if wrk:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        done = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, target],
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 120,
        )
        Path(script.name).unlink()
        line = next((x for x in done.stdout.splitlines() if x.startswith("{")), None)
        if line is None:
            return {"tool": "wrk", "error": done.stdout[-500:] + done.stderr[-500:]}
        figures = json.loads(line)
        figures["requests_per_s"] = round(figures["requests"] / figures["seconds"], 1)
        return {"tool": "wrk", "connections": connections, **figures}
    return asyncio.run(_httpx_load(target, connections, seconds))


async def _httpx_load(target: str, connections: int, seconds: int) -> dict[str, object]:
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=60, headers={"Accept": ACCEPT}) as client:

        async def worker() -> None:
            nonlocal failures
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = await client.get(target)
                    if response.status_code != 200:
                        failures += 1
                except httpx.HTTPError:
                    failures += 1
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return {
        "tool": "httpx",
        "connections": connections,
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "errors": failures,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 3) if latencies else None,
    }
