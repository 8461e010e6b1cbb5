"""docs/benchmarks.md and docs/benchmarks-cost.png from the raw results of benchmarks/scale.py."""

from __future__ import annotations

import math
import os
import platform
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

SERVER_TITLES = {
    "ogikg": "ogikg serve (embedded pyoxigraph)",
    "oxigraph": "oxigraph serve-read-only",
    "rdflib": "rdflib-endpoint (rdflib Dataset)",
    "virtuoso": "OpenLink Virtuoso",
}
PACKAGES = ("ogikg", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "pyshacl", "fastapi", "uvicorn")
TARGETS = {
    "convert_per_core": 500.0,  # reports/s per core
    "load_quads_per_s": 300_000.0,
    "peak_mb": 1024.0,
    "vs_oxigraph": 1.5,  # ogikg p50 / oxigraph p50, at most
    "vs_rdflib": 10.0,  # rdflib p50 / ogikg p50, at least
}


def _first_line(argv: list[str]) -> str:
    if shutil.which(argv[0]) is None:
        return "not installed"
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (done.stdout + done.stderr).strip()
    for line in text.splitlines():
        if re.search(r"\d+\.\d+", line):
            return line.strip()
    return text.splitlines()[0] if text else "unknown"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        memory_kb = 0
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"') + f" (Linux {platform.release()})"
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    versions["virtuoso"] = _first_line(["virtuoso-t", "-?"])
    versions["wrk"] = _first_line(["wrk", "-v"])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1048576, 1),
        "os": os_name,
        "python": sys.version.split()[0],
        "versions": versions,
    }


# --------------------------------------------------------------------------- figures -------


def _sizes(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return sorted(((int(size), entry) for size, entry in data["sizes"].items()), key=lambda item: item[0])


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _p50(entry: dict[str, Any], server: str, query: str) -> float | None:
    figures = entry.get("servers", {}).get(server, {}).get("queries", {}).get(query, {})
    return figures.get("p50_ms")


def _geomean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _timed_out_ms(entry: dict[str, Any], server: str, query: str) -> float | None:
    """The time limit, in ms, of a query the server did not answer within it (a lower bound)."""
    error = entry.get("servers", {}).get(server, {}).get("queries", {}).get(query, {}).get("error", "")
    found = re.match(r"no answer within (\d+) s", error)
    return float(found.group(1)) * 1000 if found else None


def ratios(
    entry: dict[str, Any], numerator: str, denominator: str, *, bounds: bool = False
) -> dict[str, float]:
    """query → p50(numerator) / p50(denominator), where both answered; with ``bounds``, a
    numerator that timed out counts with its time limit (so the ratio is a lower bound)."""
    result = {}
    for query in entry.get("servers", {}).get(denominator, {}).get("queries", {}):
        top, bottom = _p50(entry, numerator, query), _p50(entry, denominator, query)
        if top is None and bounds:
            top = _timed_out_ms(entry, numerator, query)
        if top and bottom:
            result[query] = top / bottom
    return result


def headline(data: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, where, met) rows."""
    sizes = _sizes(data)
    rows: list[tuple[str, str, str, bool | None]] = []
    if not sizes:
        return rows
    largest, entry = sizes[-1]
    stages = entry.get("stages", {})
    reports = entry.get("reports", largest)
    done = [s for s in ("convert", "validate", "load") if s in stages]
    rows.append(
        (
            "100,000 reports converted, validated and loaded on this machine",
            f"largest corpus run: {reports:,} reports; stages run: {', '.join(done) or 'none'}",
            f"{largest:,}",
            largest >= 100_000 and len(done) == 3,
        )
    )
    convert = stages.get("convert")
    if convert:
        per_core = convert["reports_per_cpu_s"]
        rows.append(
            (
                "conversion ≥ 500 reports/s per core",
                f"{per_core:,.1f} reports per CPU-second ({convert['reports_per_s']:,.1f}/s wall, --jobs 2)",
                f"{largest:,}",
                per_core >= TARGETS["convert_per_core"],
            )
        )
    load = stages.get("load")
    if load:
        rows.append(
            (
                "load ≥ 300,000 triples/s",
                f"{load['quads_per_s']:,} quads/s wall ({load['quads_per_cpu_s']:,} per CPU-second)",
                f"{largest:,}",
                load["quads_per_s"] >= TARGETS["load_quads_per_s"],
            )
        )
    peaks = [stages[s]["peak_tree_mb"] for s in ("convert", "load") if s in stages]
    if peaks:
        rows.append(
            (
                "peak memory converting and loading < 1 GB",
                f"{max(peaks):,.0f} MB (whole process tree, PSS)",
                f"{largest:,}",
                max(peaks) < TARGETS["peak_mb"],
            )
        )
    versus = ratios(entry, "ogikg", "oxigraph")
    if versus:
        worst = max(versus.values())
        rows.append(
            (
                "query latency within 1.5× of oxigraph serve",
                f"p50 ratio ogikg/oxigraph: geometric mean {_geomean(list(versus.values())):.2f}×, "
                f"worst {worst:.2f}× ({max(versus, key=versus.get)})",  # type: ignore[arg-type]
                f"{largest:,}",
                worst <= TARGETS["vs_oxigraph"],
            )
        )
    rdflib_sizes = [(size, e) for size, e in sizes if e.get("servers", {}).get("rdflib", {}).get("queries")]
    if rdflib_sizes:
        size, rentry = rdflib_sizes[-1]
        speedup = ratios(rentry, "rdflib", "ogikg", bounds=True)
        if speedup:
            least = min(speedup.values())
            timed_out = [q for q in speedup if _timed_out_ms(rentry, "rdflib", q)]
            failed = [
                q
                for q, figures in rentry["servers"]["rdflib"]["queries"].items()
                if q not in speedup and figures.get("error")
            ]
            caveats = ""
            if timed_out:
                caveats += f"; ≥ for {len(timed_out)} queries rdflib did not answer in time"
            if failed:
                caveats += f"; rdflib failed on {', '.join(failed)}"
            rows.append(
                (
                    "≥ 10× faster than rdflib-endpoint (largest corpus it holds)",
                    f"rdflib/ogikg p50: geometric mean {_geomean(list(speedup.values())):.1f}×, "
                    f"least {least:.1f}× ({min(speedup, key=speedup.get)}){caveats}",  # type: ignore[arg-type]
                    f"{size:,}",
                    least >= TARGETS["vs_rdflib"],
                )
            )
    return rows


# --------------------------------------------------------------------------- markdown ------


def _pipeline_table(data: dict[str, Any]) -> list[str]:
    lines = [
        "| reports | quads | convert s | convert reports/s (per core) | validate s "
        "| validate reports/s (per core) | load s | load quads/s (per core) | dumps s "
        "| peak MB convert / validate / load / dumps |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _, entry in _sizes(data):
        stages = entry.get("stages", {})
        convert, validate = stages.get("convert", {}), stages.get("validate", {})
        load, dumps = stages.get("load", {}), stages.get("dumps", {})
        peaks = " / ".join(
            _fmt(stages.get(s, {}).get("peak_tree_mb")) for s in ("convert", "validate", "load", "dumps")
        )
        lines.append(
            f"| {entry.get('reports', 0):,} | {_fmt(load.get('quads'))} | {_fmt(convert.get('wall_s'), 1)} "
            f"| {_fmt(convert.get('reports_per_s'), 1)} ({_fmt(convert.get('reports_per_cpu_s'), 1)}) "
            f"| {_fmt(validate.get('wall_s'), 1)} | {_fmt(validate.get('reports_per_s'), 2)} "
            f"({_fmt(validate.get('reports_per_cpu_s'), 2)}) | {_fmt(load.get('wall_s'), 1)} "
            f"| {_fmt(load.get('quads_per_s'))} ({_fmt(load.get('quads_per_cpu_s'))}) "
            f"| {_fmt(dumps.get('wall_s'), 1)} | {peaks} |"
        )
    return lines


def _latency_tables(data: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for size, entry in _sizes(data):
        servers = [s for s in SERVER_TITLES if entry.get("servers", {}).get(s, {}).get("queries")]
        if not servers:
            continue
        lines += [f"### {entry.get('reports', size):,} reports — p50 / p95 ms (rows)", ""]
        lines.append("| query | " + " | ".join(servers) + " |")
        lines.append("|---|" + "---:|" * len(servers))
        queries = entry["servers"][servers[0]]["queries"]
        for query in queries:
            cells = []
            reference = entry["servers"][servers[0]]["queries"][query].get("fingerprint")
            for server in servers:
                figures = entry["servers"][server]["queries"].get(query, {})
                if "p50_ms" not in figures:
                    cells.append(f"error: {figures.get('error', '?')[:60]}")
                    continue
                same = "" if figures.get("fingerprint") == reference else " ≠"
                cells.append(
                    f"{figures['p50_ms']:,.0f} / {figures['p95_ms']:,.0f} ({figures.get('rows')}{same})"
                    + ("¹" if figures.get("runs") == 1 else "")
                )
            lines.append(f"| {query} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _differs(data: dict[str, Any], server: str, query: str) -> bool:
    """Whether ``server`` answered ``query`` otherwise than the first server, at any size."""
    for _, entry in _sizes(data):
        answered = [s for s in SERVER_TITLES if entry.get("servers", {}).get(s, {}).get("queries")]
        if server not in answered[1:]:
            continue
        reference = entry["servers"][answered[0]]["queries"].get(query, {}).get("fingerprint")
        figures = entry["servers"][server]["queries"].get(query, {})
        if "p50_ms" in figures and figures.get("fingerprint") != reference:
            return True
    return False


# Known causes of a ≠, explained where the figures show one.
_DIFFERENCES = (
    (
        "virtuoso",
        "refusals-by-ground-in-province",
        "Virtuoso's ≠ on refusals-by-ground-in-province is a wrong answer of Virtuoso 7.2.5 (a join of "
        "two `SELECT DISTINCT` sub-selects loses rows; see [deploy.md](deploy.md)).",
    ),
    (
        "virtuoso",
        "done-when",
        "Virtuoso's ≠ on done-when only marks `0`/`1` written for `false`/`true` (figures taken "
        "before the benchmark compared booleans by value).",
    ),
)


def _difference_notes(data: dict[str, Any]) -> list[str]:
    return [note for server, query, note in _DIFFERENCES if _differs(data, server, query)]


def _server_table(data: dict[str, Any]) -> list[str]:
    lines = [
        "| reports | server | ready s | load s | requests/s (32 conn.) | lookup p50 ms "
        "| socket errors / non-2xx | peak MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size, entry in _sizes(data):
        for server in SERVER_TITLES:
            record = entry.get("servers", {}).get(server)
            if record is None:
                continue
            if "skipped" in record or "error" in record:
                lines.append(
                    f"| {entry.get('reports', size):,} | {server} | — | — | "
                    f"{record.get('skipped') or 'error: ' + record['error'][:80]} | — | — | — |"
                )
                continue
            throughput = record.get("throughput", {})
            lines.append(
                f"| {entry.get('reports', size):,} | {server} | {_fmt(record.get('ready_s'), 1)} "
                f"| {_fmt(record.get('load_s'), 1)} | {_fmt(throughput.get('requests_per_s'), 0)} "
                f"| {_fmt(throughput.get('p50_ms'), 1)} "
                f"| {_fmt(throughput.get('errors'))} / {_fmt(throughput.get('non2xx'))} "
                f"| {_fmt(record.get('peak_tree_mb'))} |"
            )
    return lines


def _ratio_lines(data: dict[str, Any]) -> list[str]:
    lines = []
    for size, entry in _sizes(data):
        for numerator, denominator, label in (
            ("ogikg", "oxigraph", "ogikg ÷ oxigraph serve"),
            ("rdflib", "ogikg", "rdflib-endpoint ÷ ogikg"),
            ("virtuoso", "ogikg", "Virtuoso ÷ ogikg"),
        ):
            found = ratios(entry, numerator, denominator)
            if found:
                mean = _geomean(list(found.values()))
                lines.append(
                    f"- {entry.get('reports', size):,} reports, p50 {label}: geometric mean {mean:.2f}×, "
                    f"range {min(found.values()):.2f}–{max(found.values()):.2f}×"
                )
    return lines


def _automatic_notes(data: dict[str, Any]) -> list[str]:
    notes = []
    for size, entry in _sizes(data):
        stages = entry.get("stages", {})
        reports = entry.get("reports", size)
        if "validate_skipped" in stages:
            notes.append(
                f"- {reports:,} reports: validation {stages['validate_skipped']}; the store holds the report "
                "graphs and the vocabulary only (no quality graphs)."
            )
        for server, record in entry.get("servers", {}).items():
            if "skipped" in record:
                notes.append(f"- {reports:,} reports: {server} not run ({record['skipped']}).")
            elif "error" in record:
                notes.append(f"- {reports:,} reports: {server} failed: {record['error']}")
            for query, figures in record.get("queries", {}).items():
                if "error" in figures:
                    notes.append(f"- {reports:,} reports, {server}, {query}: {figures['error'][:200]}")
    return notes


def _projection(data: dict[str, Any], target: int = 100_000) -> list[str]:
    """What the largest run's rates imply for ``target`` reports, when it was not run itself."""
    sizes = _sizes(data)
    if not sizes or sizes[-1][0] >= target:
        return []
    size, entry = sizes[-1]
    stages = entry.get("stages", {})
    validate = next(
        (e["stages"]["validate"] for _, e in reversed(sizes) if "validate" in e.get("stages", {})), None
    )
    cores = data.get("machine", {}).get("cores") or 2
    rows = []
    if "convert" in stages:
        per_core = stages["convert"]["reports_per_cpu_s"]
        rows.append(("convert", target / per_core / cores, f"{per_core:,.1f} reports per CPU-second"))
    if validate:
        per_core = validate["reports_per_cpu_s"]
        rows.append(("validate", target / per_core / cores, f"{per_core:,.2f} reports per CPU-second"))
    if "load" in stages:
        quads = stages["load"]["quads"] / entry.get("reports", size) * target
        rows.append(
            (
                "load",
                quads / stages["load"]["quads_per_cpu_s"],
                f"{stages['load']['quads_per_cpu_s']:,} quads per CPU-second",
            )
        )
    if not rows:
        return []
    lines = [
        f"## Projection to {target:,} reports",
        "",
        f"The {target:,}-report corpus was not run on this shared machine (see the closing note). The",
        f"rates measured on {entry.get('reports', size):,} reports, both cores busy (load uses one), imply:",
        "",
        "| stage | rate measured | projected hours |",
        "|---|---|---:|",
    ]
    lines += [f"| {stage} | {rate} | {seconds / 3600:,.1f} |" for stage, seconds, rate in rows]
    return [*lines, ""]


def _retimed(data: dict[str, Any]) -> list[str]:
    """The queries timed again after the run (``--retime``), and the command that did it."""
    lines = []
    for item in data.get("retimed", []):
        lines += [
            f"At {int(item['size']):,} reports, {', '.join(item['queries'])} was timed again on ogikg and",
            "oxigraph serve, the two engines alternately, because its first timing ran beside other work",
            "on the machine (`retimed` in the JSON):",
            "",
            "```",
            item["command"],
            "```",
            "",
        ]
    return lines


def write(data: dict[str, Any], docs: Path) -> None:
    plot(data, docs / "benchmarks-cost.png")
    m = data.get("machine", {})
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
    rows = headline(data)
    lines = [
        "# Benchmarks: national scale, side by side",
        "",
        "Produced by one command, which writes this page, the plot and the raw figures",
        "(`docs/benchmarks.json`):",
        "",
        "```",
        data.get("command", "python benchmarks/scale.py --sizes 1000,10000,100000"),
        "```",
        "",
        "Corpus: the synthetic national population of `ogikg synth` (agencies at every level in real",
        "GB/T 2260 areas, every form generation in its years 2008–2024, every rendering incl. HTML in GBK",
        "and DOCX, numbers that evolve year to year, 5 % deliberate contradictions), rendered by",
        "`benchmarks/scale_synth.py`. Pipeline stages run as `ogikg` commands, each measured from outside",
        "(wall time, CPU time of the process and its workers, peak memory of the whole process tree as the",
        "sum of PSS). The servers run one at a time on 127.0.0.1 over the same data; every query is sent",
        "over HTTP (SPARQL protocol, POST, `Accept: application/sparql-results+json`), once to warm up and",
        "then timed.",
        "",
        *_retimed(data),
        "## Machine",
        "",
        f"- CPU: {m.get('cpu')}, {m.get('cores')} cores; RAM {m.get('memory_gb')} GB; {m.get('os')}",
        f"- Python {m.get('python')}; {versions}",
        "- The machine was shared with other work while these figures were taken: wall times include",
        "  waiting for a core; the per-core (CPU-second) rates are the steadier figures.",
        "",
        "## Targets",
        "",
        "| target | measured | corpus (reports) | |",
        "|---|---|---:|---|",
    ]
    for target, measured, where, met in rows:
        verdict = "met" if met else ("not met" if met is not None else "")
        lines.append(f"| {target} | {measured} | {where} | **{verdict}** |")
    lines += [
        "",
        "## Pipeline",
        "",
        "Per stage: wall seconds, rate on wall time and (in parentheses) per CPU-second, i.e. per core.",
        "`--jobs 2` for convert and validate. Load is `ogikg load --no-dumps` into a new embedded store",
        "(report graphs, quality graphs, vocabulary); dumps is the regeneration of `dataset.nq.gz`,",
        "`dataset.trig.gz`, `vocabulary.ttl` and their statistics.",
        "",
        *_pipeline_table(data),
        "",
        "![cost against corpus size](benchmarks-cost.png)",
        "",
        "## Query latency",
        "",
        "The ten researcher queries and the quality query of the",
        "[README](../README.md#researcher-queries). Cells: p50 / p95 milliseconds of the timed runs,",
        "and the number of rows answered; ≠ marks an answer",
        "that differs from the first server's; ¹ a query timed once because its warm-up run took longer",
        "than the `--slow-query` limit of the command above (default 60 s).",
        *_difference_notes(data),
        "",
        *_latency_tables(data),
        "Ratios of p50 latencies, per query, over the queries both servers answered:",
        "",
        *_ratio_lines(data),
        "",
        "## Servers",
        "",
        "Ready: from start until the first answer (rdflib-endpoint parses the N-Quads dump first;",
        "Virtuoso's figure excludes its bulk load, given separately). Requests/s: wrk, 2 threads, 32",
        "connections, `--wrk-seconds` (default 15 s), on a one-row lookup",
        "(`SELECT ?year WHERE { <report> ogi:reportYear ?year }`).",
        "Peak MB: the server's whole process tree (PSS) over the run.",
        "",
        *_server_table(data),
        "",
    ]
    lines += _projection(data)
    notes = [*_automatic_notes(data), *data.get("notes", [])]
    if notes:
        lines += ["## Notes", "", *notes, ""]
    lines += ["## Headline", ""]
    for target, measured, where, met in rows:
        verdict = "met" if met else "not met"
        lines.append(f"- {target}: {measured} ({where} reports) — **{verdict}**")
    text = "\n".join(lines) + "\n"
    # Paths in error messages are shown relative to the repository.
    text = text.replace(str(docs.resolve().parent) + "/", "")
    (docs / "benchmarks.md").write_text(text, encoding="utf-8")


# ------------------------------------------------------------------------------- plot ------


def plot(data: dict[str, Any], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = _sizes(data)
    if not sizes:
        return
    colours = dict(
        zip(("synth", "convert", "validate", "load", "dumps"), plt.get_cmap("tab10").colors, strict=False)
    )
    colours |= dict(zip(SERVER_TITLES, plt.get_cmap("Dark2").colors, strict=False))
    figure, (stages_axis, memory_axis, query_axis) = plt.subplots(1, 3, figsize=(15, 4.6))
    for stage in ("synth", "convert", "validate", "load", "dumps"):
        points = [
            (e.get("reports", s), e["stages"][stage]["wall_s"])
            for s, e in sizes
            if stage in e.get("stages", {})
        ]
        if points:
            stages_axis.plot(*zip(*points, strict=True), marker="o", label=stage, color=colours[stage])
    stages_axis.set(title="Pipeline: wall time per stage", xlabel="reports", ylabel="seconds")
    for stage in ("convert", "validate", "load", "dumps"):
        points = [
            (e.get("reports", s), e["stages"][stage]["peak_tree_mb"])
            for s, e in sizes
            if stage in e.get("stages", {})
        ]
        if points:
            memory_axis.plot(*zip(*points, strict=True), marker="o", label=stage, color=colours[stage])
    for server in SERVER_TITLES:
        points = [
            (e.get("reports", s), e["servers"][server]["peak_tree_mb"])
            for s, e in sizes
            if e.get("servers", {}).get(server, {}).get("peak_tree_mb")
        ]
        if points:
            memory_axis.plot(
                *zip(*points, strict=True), marker="s", linestyle="--", label=f"server: {server}"
            )
    memory_axis.axhline(1024, color="grey", linewidth=0.8, linestyle=":")
    memory_axis.set(title="Peak memory (process tree, PSS)", xlabel="reports", ylabel="MB")
    for server in SERVER_TITLES:
        points = []
        for s, e in sizes:
            queries = e.get("servers", {}).get(server, {}).get("queries", {})
            mean = _geomean([q["p50_ms"] for q in queries.values() if "p50_ms" in q])
            if mean:
                points.append((e.get("reports", s), mean))
        if points:
            query_axis.plot(*zip(*points, strict=True), marker="o", label=server, color=colours[server])
    query_axis.set(title="Query latency (geometric mean of p50)", xlabel="reports", ylabel="ms")
    for axis in (stages_axis, memory_axis, query_axis):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.grid(True, which="both", linewidth=0.3)
        axis.legend(fontsize=7)
    figure.suptitle("ogikg: cost against corpus size (log-log)")
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    plt.close(figure)
