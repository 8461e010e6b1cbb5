"""Validation speed: per-report parallel validation against pyshacl over one graph of all reports.

    .venv/bin/python benchmarks/bench_validate.py --reports 600 --jobs 2

Synthetic reports of the three form generations (built with tests/report_factory.py, a few with
errors; with --narrative, every other one also states figures in its prose) are validated

* per report in one process, timed in CPU time per form generation (ms/report): the number that
  decides how many reports a core validates, whatever else runs on the machine (the load average
  is printed too, since a busy machine slows even CPU time down);

* per report, as ``ogikg validate`` does: each report's graph plus the vocabulary it needs in an
  in-memory pyoxigraph store, pyshacl with the shapes parsed once, worker processes in parallel;
* by pyshacl over ONE graph holding all the reports and the whole vocabulary, as pyshacl is
  usually run: an rdflib graph (the baseline), and — to separate the two effects — a single
  pyoxigraph store.

The one-graph runs are slow, so by default they validate a subset (--baseline-reports) and the
rate is reported per report. Every run must find the same number of results per report.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pyoxigraph as ox

from ogikg.ontology import turtle_files
from ogikg.validation.command import preload
from ogikg.validation.shacl import shapes_library, validate_report
from report_factory import consistent_values, emit, make_report

GENERATIONS = ("old", "2019", "2021")


# Figures a report's prose may state (narrative indicators), with the cells they are compared with.
NARRATIVE = {
    "old": {
        "narrative.requestsReceived": "old.request.received",
        "narrative.requestsGranted": "old.reply.agreed",
    },
    "2019": {
        "narrative.requestsNew": "2019.T3.newReceived/T",
        "narrative.requestsGranted": "2019.T3.granted/T",
    },
    "2021": {
        "narrative.requestsNew": "2021.T3.newReceived/T",
        "narrative.requestsGranted": "2021.T3.granted/T",
    },
}


def synthetic_reports(count: int, *, narrative: bool = False) -> list[str]:
    """N-Quads of ``count`` reports of distinct agencies; every fifth has a broken total.

    With ``narrative``, every other report states two figures in its prose (one of them wrong in
    every seventh report), as most real reports do.
    """
    texts = []
    for index in range(count):
        generation = GENERATIONS[index % 3]
        overrides = {}
        if index % 5 == 0:
            key = {"old": "old.review.total", "2019": "2019.T4.review.total", "2021": "2021.T4.review.total"}[
                generation
            ]
            overrides[key] = consistent_values(generation, seed=index)[key] + 1
        figures = {}
        if narrative and index % 2:
            values = consistent_values(generation, seed=index)
            figures = {name: values[cell] for name, cell in NARRATIVE[generation].items()}
            if index % 7 == 0:
                figures = {name: value + 3 for name, value in figures.items()}
        report = make_report(
            generation,
            seed=index,
            overrides=overrides,
            narrative=figures,
            agency_name=f"第{index}号局",
            agency_body=f"第{index}号局",
        )
        texts.append(emit(report)[1])
    return texts


def _count(text: str) -> int:
    return len(validate_report(text).findings)


def cpu_per_generation(texts: list[str]) -> dict[str, float]:
    """CPU milliseconds per report of each form generation, validated one by one in this process."""
    preload()
    for text in texts[:3]:  # first runs build the per-generation stores and shapes profiles
        validate_report(text)
    spent: dict[str, list[float]] = {generation: [] for generation in GENERATIONS}
    for index, text in enumerate(texts):
        started = time.process_time()
        validate_report(text)
        spent[GENERATIONS[index % 3]].append(time.process_time() - started)
    return {g: 1000 * sum(times) / len(times) for g, times in spent.items() if times}


def per_report(texts: list[str], jobs: int, counts: dict[int, list[int]]) -> tuple[float, int]:
    """Seconds and number of findings for the per-report validator with ``jobs`` processes.

    The number of findings of each report must be the same in every run (kept in ``counts``).
    """
    preload()
    started = time.perf_counter()
    if jobs <= 1:
        found = [_count(text) for text in texts]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            found = pool.map(_count, texts, chunksize=8)
    seconds = time.perf_counter() - started
    for index, count in enumerate(found):
        expected = counts.setdefault(index, [count])[0]
        if count != expected:
            raise SystemExit(f"report {index}: {count} findings in one run, {expected} in another")
    return seconds, sum(found)


def one_graph(texts: list[str], engine: str) -> tuple[float, int]:
    """Seconds and number of results for pyshacl over one graph of all reports + the vocabulary."""
    import rdflib
    from pyshacl import validate

    shapes = shapes_library().graph
    if engine == "rdflib":
        data: object = rdflib.Dataset()
        for text in texts:
            data.parse(data=text, format="nquads")
        for path in turtle_files():
            data.parse(str(path), format="turtle")
        data.default_union = True
    else:
        data = ox.Store()
        for text in texts:
            data.load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        for path in turtle_files():
            data.load(path=str(path), format=ox.RdfFormat.TURTLE)
    started = time.perf_counter()
    _conforms, results, _text = validate(data, shacl_graph=shapes, allow_warnings=True, allow_infos=True)
    seconds = time.perf_counter() - started
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    return seconds, len(set(results.subjects(rdflib.RDF.type, sh.ValidationResult)))


def _line(name: str, count: int, seconds: float, results: int) -> str:
    return (
        f"{name:58} {count:5d} reports {seconds:8.2f} s {count / seconds:8.2f} reports/s  ({results} results)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--baseline-reports", type=int, default=60, help="reports for the one-graph runs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-rdflib", action="store_true", help="skip the (slowest) rdflib one-graph run")
    parser.add_argument("--narrative", action="store_true", help="every other report states figures in prose")
    args = parser.parse_args()

    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    texts = synthetic_reports(args.reports, narrative=args.narrative)
    cpu = cpu_per_generation(texts)
    for generation, milliseconds in cpu.items():
        print(
            f"per report, CPU time, {generation:4} form: {milliseconds:6.1f} ms/report "
            f"({1000 / milliseconds:5.1f} reports/s per core)",
            flush=True,
        )
    mean = sum(cpu.values()) / len(cpu)
    print(f"per report, CPU time, mean: {mean:6.1f} ms/report ({1000 / mean:5.1f} reports/s per core)")
    subset = texts[: args.baseline_reports]
    counts: dict[int, list[int]] = {}  # report index -> its number of findings
    runs: list[tuple[str, Callable[[], tuple[float, int]], int]] = [
        ("per report, 1 process", lambda: per_report(texts, 1, counts), len(texts)),
        (
            f"per report, {args.jobs} processes (ogikg validate)",
            lambda: per_report(texts, args.jobs, counts),
            len(texts),
        ),
    ]
    if subset:  # --baseline-reports 0 skips the one-graph runs
        runs += [
            ("per report, 1 process, baseline subset", lambda: per_report(subset, 1, counts), len(subset)),
            (
                "pyshacl, one pyoxigraph store of all reports",
                lambda: one_graph(subset, "oxigraph"),
                len(subset),
            ),
        ]
    if subset and not args.skip_rdflib:
        runs.append(
            (
                "pyshacl, one rdflib graph of all reports (baseline)",
                lambda: one_graph(subset, "rdflib"),
                len(subset),
            )
        )
    rates: dict[str, float] = {}
    for name, run, count in runs:
        seconds, results = run()
        rates[name] = count / seconds
        print(_line(name, count, seconds, results), flush=True)
    parallel = rates[f"per report, {args.jobs} processes (ogikg validate)"]
    for name in rates:
        if name.startswith("pyshacl"):
            print(f"speed-up of ogikg validate over {name}: {parallel / rates[name]:.1f}x")


if __name__ == "__main__":
    main()
