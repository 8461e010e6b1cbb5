"""Load throughput of the embedded store on N-Quads shaped like ogikg output.

    .venv/bin/python benchmarks/bench_load.py                 # 2,000 graphs, 1.0M quads
    .venv/bin/python benchmarks/bench_load.py --graphs 200    # a quick run

Phases, each in its own process so that its peak RSS is its own:
1. bulk: ``EmbeddedStore.load_nquads`` into a fresh store (pyoxigraph bulk loader);
2. replace-file: ``load_nquads`` of a file re-stating 10% of the graphs into the loaded store
   (transactional replacement graph by graph);
3. replace-api: ``replace_graphs`` one graph per call for the same graphs (what a server
   does when one report is re-converted).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ogikg.store.base import LoadStats
from ogikg.store.embedded import EmbeddedStore
from ogikg.store.nquads import iter_graph_runs

BASE = "https://w3id.org/ogikg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ROWS = ("newReceived", "carriedOver", "granted", "partialGrant", "denied.stateSecret", "totalProcessed")
APPLICANTS = ("NP", "C", "R", "S", "L", "O", "T")


def _graph_lines(index: int, observations: int, rng: random.Random) -> list[str]:
    """One report graph: observations with 6-8 triples each, shared predicates, typed literals."""
    key = f"{330100 + index % 900:06d}-{hashlib.sha1(str(index).encode()).hexdigest()[:10]}"
    year = 2015 + index % 9
    graph = f"<{BASE}graph/report/{key}/{year}>"
    report = f"<{BASE}id/report/{key}/{year}>"
    lines = [
        f'{report} <http://purl.org/dc/terms/title> "{year}年政府信息公开工作年度报告"@zh-Hans {graph} .'
    ]
    for n in range(observations):
        row, applicant = ROWS[n % len(ROWS)], APPLICANTS[n // len(ROWS) % len(APPLICANTS)]
        notation = f"2021.T3.{row}.{applicant}.{n}"
        s = f"<{BASE}id/report/{key}/{year}/cell/{notation}>"
        lines += [
            f"{s} <{RDF_TYPE}> <http://purl.org/linked-data/cube#Observation> {graph} .",
            f"{s} <http://purl.org/linked-data/cube#dataSet> {report} {graph} .",
            f"{s} <{BASE}def/indicator> <{BASE}def/indicator/2021.T3.{row}> {graph} .",
            f"{s} <{BASE}def/applicant> <{BASE}def/applicant/{applicant}> {graph} .",
            f'{s} <{BASE}def/value> "{rng.randint(0, 5000)}"^^<{XSD}integer> {graph} .',
            f'{s} <{BASE}def/refPeriod> "{year}"^^<{XSD}gYear> {graph} .',
        ]
        if n % 2 == 0:
            lines.append(f"{s} <{BASE}def/status> <{BASE}def/status/reported> {graph} .")
        if n % 5 == 0:
            lines.append(f'{s} <{BASE}def/fee> "{rng.randint(0, 9999) / 100:.2f}"^^<{XSD}decimal> {graph} .')
    return lines


def generate(path: Path, indices: range, observations: int, seed: int) -> int:
    """Write the graphs numbered ``indices``; graph IRIs depend on the index only, values on seed."""
    rng = random.Random(seed)
    quads = 0
    with path.open("w", encoding="utf-8") as out:
        for index in indices:
            lines = _graph_lines(index, observations, rng)
            quads += len(lines)
            out.write("\n".join(lines) + "\n")
    return quads


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _replace_one_by_one(store: EmbeddedStore, source: str) -> LoadStats:
    payloads = [
        (run.graph.value, ox.serialize(run.triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        for run in iter_graph_runs(source)
        if isinstance(run.graph, ox.NamedNode)
    ]
    began = time.perf_counter()
    quads = sum(store.replace_graphs({iri: data}).quads for iri, data in payloads)
    return LoadStats(len(payloads), quads, time.perf_counter() - began)


def _phase(name: str, store_dir: str, source: str, results: Any) -> None:
    started_cpu = time.process_time()
    with EmbeddedStore(store_dir) as store:
        if name == "bulk":
            stats = store.load_nquads(source)
        elif name == "replace-file":
            stats = store.load_nquads(source, replace=True)
        else:
            stats = _replace_one_by_one(store, source)
    results.put(
        {
            "phase": name,
            "graphs": stats.graphs,
            "quads": stats.quads,
            "seconds": round(stats.seconds, 2),
            "quads_per_second": round(stats.quads / stats.seconds),
            "cpu_seconds": round(time.process_time() - started_cpu, 2),
            "peak_rss_mb": round(_peak_rss_mb()),
        }
    )


def run_phase(name: str, store_dir: Path, source: Path) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_phase, args=(name, str(store_dir), str(source), results))
    process.start()
    outcome = results.get()
    process.join()
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--graphs", type=int, default=2_000)
    parser.add_argument("--observations", type=int, default=75, help="observations per graph")
    parser.add_argument("--workdir", type=Path, help="where to write data and store (default: a temp dir)")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ogikg-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    data, subset, store_dir = workdir / "data.nq", workdir / "replace.nq", workdir / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    began = time.perf_counter()
    quads = generate(data, range(args.graphs), args.observations, seed=7)
    # The replacement file re-states every tenth graph with new values (same graph IRIs).
    replaced = generate(subset, range(0, args.graphs, 10), args.observations, seed=8)
    print(
        f"generated {quads:,} quads in {args.graphs:,} graphs ({time.perf_counter() - began:.1f} s)",
        file=sys.stderr,
    )

    report = {"quads": quads, "graphs": args.graphs, "replacement_quads": replaced, "phases": []}
    for phase in ("bulk", "replace-file", "replace-api"):
        outcome = run_phase(phase, store_dir, data if phase == "bulk" else subset)
        report["phases"].append(outcome)
        print(json.dumps(outcome), file=sys.stderr)
    print(json.dumps(report, indent=2))
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
