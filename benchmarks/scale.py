"""National scale, side by side: one command from a synthetic corpus to docs/benchmarks.md.

    .venv/bin/python benchmarks/scale.py --sizes 1000,10000,100000

For each corpus size (reports; agencies × 17 years 2008–2024, rounded up to whole agencies):

1. synth    — the national population of ``ogikg synth`` rendered in parallel (scale_synth.py);
2. convert  — ``ogikg convert REPORTS -o OUT --jobs J``;
3. validate — ``ogikg validate OUT --jobs J`` (quality graphs beside the report graphs);
4. load     — ``ogikg load OUT --store STORE --no-dumps`` (embedded pyoxigraph store, bulk loader);
5. dumps    — the whole-dataset dumps (``regenerate_dumps``), N-Quads + TriG, gzip; made after
               the servers on the store, before those fed from the dumps.

Each stage runs as its own process, measured from outside: wall and CPU time and the peak memory
of its whole process tree (scale_measure.py). Then the same data is served by ogikg, ``oxigraph
serve``, rdflib-endpoint (up to ``--rdflib-max`` reports: it holds everything in Python objects)
and Virtuoso (bulk-loaded from the N-Quads dump), one server at a time on loopback; the ten
researcher queries of the README run against each (latency p50/p95), and wrk measures
requests/s at 32 connections on a one-row lookup (scale_queries.py).

Results: docs/benchmarks.json (raw, written after every stage), docs/benchmarks.md and
docs/benchmarks-cost.png (scale_report.py). ``--reuse`` keeps stages already measured for a size
whose data is still on disk (e.g. to add a server, or after an interruption); without it every
stage of every size is run afresh. Data goes to ``--workdir`` (default bench-data/, git-ignored).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import scale_queries
import scale_report
import scale_servers
from scale_measure import directory_mb, run_measured

from ogikg.jsonl import read_manifest

REPO = Path(__file__).resolve().parents[1]
YEARS = 17
RESULTS = REPO / "docs" / "benchmarks.json"
DUMPS_SCRIPT = (
    "import sys\n"
    "from ogikg.server.dumps import regenerate_dumps\n"
    "from ogikg.store.embedded import EmbeddedStore\n"
    "with EmbeddedStore.open_read_only(sys.argv[1]) as store:\n"
    "    for info in regenerate_dumps(store, sys.argv[2]):\n"
    "        print(info.name, info.byte_size, info.triples)\n"
)


# Servers that read the embedded store, and those that load the dumps.
STORE_SERVERS = {"ogikg": scale_servers.ogikg_server, "oxigraph": scale_servers.oxigraph_server}
DUMP_SERVERS = ("rdflib", "virtuoso")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Results:
    """docs/benchmarks.json, saved after every change so an interrupted run keeps what it measured."""

    def __init__(self, path: Path, command: str, fresh: bool) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        if path.exists() and not fresh:
            self.data = json.loads(path.read_text(encoding="utf-8"))
        self.data.setdefault("sizes", {})
        if command:  # a report-only run keeps the command and machine that produced the figures
            self.data["command"] = command
            self.data["machine"] = scale_report.machine()

    def size(self, size: int) -> dict[str, Any]:
        return self.data["sizes"].setdefault(str(size), {"stages": {}, "servers": {}})

    def save(self) -> None:
        text = json.dumps(self.data, indent=1, ensure_ascii=False) + "\n"
        # Paths in error messages are kept relative to the repository.
        self.path.write_text(text.replace(str(REPO) + "/", ""), encoding="utf-8")


def _manifest_counts(out: Path) -> dict[str, int]:
    counts = {"converted": 0, "converted_with_warnings": 0, "rejected": 0, "quads": 0}
    first_report = ""
    for record in read_manifest(out):
        counts[record["status"]] = counts.get(record["status"], 0) + 1
        counts["quads"] += record.get("quads", 0)
        first_report = first_report or record.get("report", "")
    return {**counts, "first_report": first_report}  # type: ignore[dict-item]


def _loaded_quads(stderr: Path) -> int:
    # "loaded N report graphs and M quality graphs (R replaced), Q quads in S s, …"
    text = stderr.read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines():
        if line.startswith("loaded "):
            return int(line.split(" quads in ")[0].rsplit(" ", 1)[1].replace(",", ""))
    raise RuntimeError(f"no load summary in {stderr}: {text[-500:]}")


def run_pipeline(
    size: int, root: Path, entry: dict[str, Any], args: argparse.Namespace, results: Results
) -> None:
    stages = entry["stages"]
    logs = root / "logs"
    ogikg = str(Path(sys.executable).parent / "ogikg")
    agencies = math.ceil(size / YEARS)
    synth, out, store = root / "synth", root / "out", root / "store"
    entry["agencies"] = agencies

    def keep(stage: str, *paths: Path) -> bool:
        return bool(args.reuse and stage in stages and all(p.exists() for p in paths))

    if not keep("synth", synth / "truth.jsonl"):
        shutil.rmtree(synth, ignore_errors=True)
        log(f"{size}: synth {agencies} agencies × {YEARS} years")
        argv = [sys.executable, str(REPO / "benchmarks" / "scale_synth.py"), str(synth)]
        measured = run_measured(
            [*argv, "--agencies", str(agencies), "--jobs", str(args.jobs)], log_dir=logs, name="synth"
        )
        reports = sum(1 for _ in (synth / "truth.jsonl").open(encoding="utf-8"))
        stages["synth"] = {
            **measured.as_dict(),
            "reports": reports,
            "input_mb": round(directory_mb(synth / "reports"), 1),
        }
        for later in ("convert", "validate", "load", "dumps"):
            stages.pop(later, None)
        results.save()
    entry["reports"] = stages["synth"]["reports"]

    if not keep("convert", out / "manifest.jsonl"):
        shutil.rmtree(out, ignore_errors=True)
        log(f"{size}: convert --jobs {args.jobs}")
        argv = [
            ogikg,
            "convert",
            str(synth / "reports"),
            "-o",
            str(out),
            "--jobs",
            str(args.jobs),
            "--no-progress",
        ]
        measured = run_measured(argv, log_dir=logs, name="convert")
        counts = _manifest_counts(out)
        converted = counts["converted"] + counts["converted_with_warnings"]
        stages["convert"] = {
            **measured.as_dict(),
            **counts,
            "reports_per_s": round(converted / measured.wall_s, 1),
            "reports_per_cpu_s": round(converted / measured.cpu_s, 1),
            "output_mb": round(directory_mb(out / "graphs"), 1),
        }
        for later in ("validate", "load", "dumps"):
            stages.pop(later, None)
        results.save()
    converted = stages["convert"]["converted"] + stages["convert"]["converted_with_warnings"]

    if args.skip_validate_above and size > args.skip_validate_above:
        stages.pop("validate", None)
        stages["validate_skipped"] = (
            f"not run above {args.skip_validate_above} reports (--skip-validate-above)"
        )
    elif not keep("validate", out / "quality"):
        shutil.rmtree(out / "quality", ignore_errors=True)
        log(f"{size}: validate --jobs {args.jobs}")
        argv = [ogikg, "validate", str(out), "--jobs", str(args.jobs), "--no-progress"]
        measured = run_measured(argv, log_dir=logs, name="validate")
        stages["validate"] = {
            **measured.as_dict(),
            "reports": converted,
            "reports_per_s": round(converted / measured.wall_s, 2),
            "reports_per_cpu_s": round(converted / measured.cpu_s, 2),
            "summary": (logs / "validate.out").read_text(encoding="utf-8").strip().splitlines()[-1:],
        }
        stages.pop("load", None)
        results.save()

    if not keep("load", store / "CURRENT"):
        shutil.rmtree(store, ignore_errors=True)
        log(f"{size}: load")
        argv = [ogikg, "load", str(out), "--store", str(store), "--no-dumps", "--no-progress"]
        measured = run_measured(argv, log_dir=logs, name="load")
        if measured.exit_code:
            raise RuntimeError(f"ogikg load failed; see {logs / 'load.err'}")
        quads = _loaded_quads(logs / "load.err")
        stages["load"] = {
            **measured.as_dict(),
            "quads": quads,
            "quads_per_s": round(quads / measured.wall_s),
            "quads_per_cpu_s": round(quads / measured.cpu_s),
            "store_mb": round(directory_mb(store), 1),
        }
        stages.pop("dumps", None)
        results.save()


def run_dumps(
    size: int, root: Path, entry: dict[str, Any], args: argparse.Namespace, results: Results
) -> None:
    """The whole-dataset dumps, made just before the first server that reads them (rdflib-endpoint,
    Virtuoso), so the servers on the store are measured even when the dumps take long."""
    stages, logs, dumps = entry["stages"], root / "logs", root / "dumps"
    if not (args.reuse and "dumps" in stages and (dumps / "dataset.nq.gz").exists()):
        shutil.rmtree(dumps, ignore_errors=True)
        log(f"{size}: dumps")
        argv = [sys.executable, "-c", DUMPS_SCRIPT, str(root / "store"), str(dumps)]
        measured = run_measured(argv, log_dir=logs, name="dumps")
        if measured.exit_code:
            raise RuntimeError(f"dumps failed; see {logs / 'dumps.err'}")
        stages["dumps"] = {**measured.as_dict(), "dumps_mb": round(directory_mb(dumps), 1)}
        results.save()


def run_servers(
    size: int, root: Path, entry: dict[str, Any], args: argparse.Namespace, results: Results
) -> None:
    logs = root / "logs"
    queries = scale_queries.researcher_queries()
    lookup = scale_queries.lookup_query(entry["stages"]["convert"]["first_report"])
    # The servers on the store first; those fed from the dumps after them.
    for name in sorted(args.servers, key=lambda server: server in DUMP_SERVERS):
        if args.reuse and name in entry["servers"] and "queries" in entry["servers"][name]:
            continue
        if name == "rdflib" and entry["reports"] > args.rdflib_max:
            entry["servers"][name] = {"skipped": f"above --rdflib-max {args.rdflib_max} reports"}
            results.save()
            continue
        if name in DUMP_SERVERS:
            run_dumps(size, root, entry, args, results)
        log(f"{size}: {name}: start")
        if name in STORE_SERVERS:
            context = STORE_SERVERS[name](root / "store", logs)
        elif name == "rdflib":
            context = scale_servers.rdflib_server(root / "dumps" / "dataset.nq.gz", logs)
        else:
            context = scale_servers.virtuoso_server(
                root / "dumps", root / "virtuoso", logs, buffers=args.virtuoso_buffers
            )
        record: dict[str, Any] = {}
        if name == "rdflib":
            entry["servers"][name] = _rdflib_record(root, queries, lookup, args)
            results.save()
            continue
        try:
            with context as server:
                record.update({"ready_s": round(server.ready_s, 1), **server.load})
                log(f"{size}: {name}: ready in {server.ready_s:.1f} s; queries ×{args.repeat}")
                repeat = args.repeat if name != "rdflib" else min(args.repeat, args.rdflib_repeat)
                timeout = args.query_timeout if name != "rdflib" else args.rdflib_timeout
                timings = scale_queries.time_queries(
                    server.url, queries, repeat=repeat, timeout_s=timeout, slow_s=args.slow_query
                )
                record["queries"] = {query: timing.summary() for query, timing in timings.items()}
                log(f"{size}: {name}: wrk {args.connections} connections {args.wrk_seconds} s")
                record["throughput"] = scale_queries.throughput(
                    server.url, lookup, connections=args.connections, seconds=args.wrk_seconds
                )
                server.sampler.sample()
                record["peak_tree_mb"] = round(server.sampler.peak_tree_kb / 1024, 1)
                record["peak_rss_mb"] = round(server.sampler.peak_rss_kb / 1024, 1)
        except RuntimeError as error:
            record["error"] = str(error)
            log(f"{size}: {name}: {error}")
        entry["servers"][name] = record
        results.save()


def retime(size: int, root: Path, entry: dict[str, Any], args: argparse.Namespace, results: Results) -> None:
    """Time the ``--retime`` queries again on the two servers over the store, one engine after the
    other in ``--repeat`` alternating rounds (a warm-up run, then a timed one, per round), when a
    first timing was disturbed by other work on the machine; their records are replaced."""
    queries = {n: q for n, q in scale_queries.researcher_queries().items() if n in args.retime}
    runs: dict[str, dict[str, list[float]]] = {name: {q: [] for q in queries} for name in STORE_SERVERS}
    for round_ in range(args.repeat):
        for name, server in STORE_SERVERS.items():
            log(f"{size}: retime {', '.join(queries)} on {name} (round {round_ + 1} of {args.repeat})")
            with server(root / "store", root / "logs") as running:
                timings = scale_queries.time_queries(
                    running.url, queries, repeat=1, timeout_s=args.query_timeout, slow_s=float("inf")
                )
            for query, timing in timings.items():
                if timing.error:
                    raise RuntimeError(f"{name}: {query}: {timing.error}")
                runs[name][query].extend(timing.runs_ms)
    for name, by_query in runs.items():
        for query, timed in by_query.items():
            record = entry["servers"][name]["queries"][query]
            record.update(
                runs=len(timed),
                p50_ms=round(scale_queries.percentile(timed, 50), 1),
                p95_ms=round(scale_queries.percentile(timed, 95), 1),
                retimed=f"{len(timed)} rounds alternating ogikg and oxigraph",
            )
    results.data.setdefault("retimed", []).append(
        {
            "size": size,
            "queries": list(queries),
            "command": "python benchmarks/scale.py " + " ".join(sys.argv[1:]),
        }
    )
    results.save()


def _rdflib_record(
    root: Path, queries: dict[str, str], lookup: str, args: argparse.Namespace
) -> dict[str, Any]:
    """rdflib-endpoint answers one request at a time and keeps computing a query its client gave up
    on, so after a query passes ``--rdflib-timeout`` the server is started again (it parses the dump
    anew) and the next query is timed on a free server."""
    record: dict[str, Any] = {"queries": {}, "restarts": 0}
    pending = list(queries.items())
    peak_tree = peak_rss = 0.0
    try:
        while pending:
            with scale_servers.rdflib_server(root / "dumps" / "dataset.nq.gz", root / "logs") as server:
                record.setdefault("ready_s", round(server.ready_s, 1))
                record.setdefault("load_s", server.load.get("load_s"))
                log(f"rdflib: ready in {server.ready_s:.1f} s; {len(pending)} queries to time")
                while pending:
                    query, sparql = pending.pop(0)
                    timing = scale_queries.time_queries(
                        server.url,
                        {query: sparql},
                        repeat=min(args.repeat, args.rdflib_repeat),
                        timeout_s=args.rdflib_timeout,
                        slow_s=args.slow_query,
                    )[query]
                    record["queries"][query] = timing.summary()
                    if timing.error and "Timeout" in timing.error:
                        record["queries"][query]["error"] = f"no answer within {args.rdflib_timeout:.0f} s"
                        record["restarts"] += 1
                        break
                if not pending:
                    record["throughput"] = scale_queries.throughput(
                        server.url, lookup, connections=args.connections, seconds=args.wrk_seconds
                    )
                server.sampler.sample()
                peak_tree = max(peak_tree, server.sampler.peak_tree_kb / 1024)
                peak_rss = max(peak_rss, server.sampler.peak_rss_kb / 1024)
    except RuntimeError as error:
        record["error"] = str(error)
    record["peak_tree_mb"], record["peak_rss_mb"] = round(peak_tree, 1), round(peak_rss, 1)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes in reports")
    parser.add_argument("--workdir", type=Path, default=REPO / "bench-data")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for synth/convert/validate")
    parser.add_argument("--servers", default=",".join(scale_servers.SERVERS))
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (after one warm-up)")
    parser.add_argument("--rdflib-repeat", type=int, default=3)
    parser.add_argument("--rdflib-timeout", type=float, default=300.0, help="seconds per rdflib query")
    parser.add_argument(
        "--rdflib-max", type=int, default=1100, help="largest corpus given to rdflib-endpoint"
    )
    parser.add_argument("--slow-query", type=float, default=60.0, help="seconds: time such a query once")
    parser.add_argument("--query-timeout", type=float, default=1800.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--virtuoso-buffers", type=int, default=340_000, help="8 kB pages (340,000 ≈ 2.7 GB)")
    parser.add_argument("--skip-validate-above", type=int, default=0, help="skip validation above N reports")
    parser.add_argument("--reuse", action="store_true", help="keep stages already measured (see above)")
    parser.add_argument("--report-only", action="store_true", help="rewrite docs/benchmarks.md from the JSON")
    parser.add_argument(
        "--retime",
        default="",
        help="queries to time again on ogikg and oxigraph over the stores already loaded (see retime)",
    )
    args = parser.parse_args()
    args.servers = [s for s in args.servers.split(",") if s]
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    command = "python benchmarks/scale.py " + " ".join(sys.argv[1:])
    args.retime = [q for q in args.retime.split(",") if q]
    keep_command = args.report_only or bool(args.retime)
    results = Results(RESULTS, "" if keep_command else command, fresh=not (args.reuse or keep_command))
    if args.retime:
        for size in sizes:
            root = args.workdir / f"scale-{size}"
            if (root / "store").is_dir() and str(size) in results.data["sizes"]:
                retime(size, root, results.size(size), args, results)
    elif not args.report_only:
        for size in sizes:
            root = args.workdir / f"scale-{size}"
            root.mkdir(parents=True, exist_ok=True)
            entry = results.size(size)
            run_pipeline(size, root, entry, args, results)
            run_servers(size, root, entry, args, results)
            scale_report.write(results.data, REPO / "docs")
    scale_report.write(results.data, REPO / "docs")
    log(f"wrote {REPO / 'docs' / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
