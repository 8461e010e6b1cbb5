"""``ogikg validate SOURCE``: check every report, write the quality graphs, summarise.

SOURCE is a ``convert`` output folder (``manifest.jsonl`` + one N-Quads file per report) or a
store (a store folder or a SPARQL endpoint URL). Reports are validated one by one, in parallel
worker processes, each against its own graph (with the description of its agency and area,
which sit in graphs of their own) plus the vocabulary it needs; the checks across
reports of one agency (I6, I7, I8, I11) run as SPARQL over the facts they compare, gathered from
all reports and grouped in buckets of agencies, and their findings join the quality graph of the
later report. The exit status is 1 when any report has a violation.

Validating a convert output is resumable: SOURCE/quality/ledger.jsonl keeps, per report, the
digest of its N-Quads file and the findings of its shapes. A re-run with the same shapes and
vocabulary reuses the findings of every report whose file is unchanged, runs the checks across
reports again (they depend on the other reports), and rewrites the quality graph of a report only
when its file or its findings across reports changed.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

import click
import pyoxigraph as ox
from tqdm import tqdm

from ogikg import __version__, iris
from ogikg.digests import files_digest
from ogikg.jsonl import MANIFEST, QUALITY_DIR, readable_lines, report_records
from ogikg.ontology import turtle_files
from ogikg.shapes import report_shape_files
from ogikg.store.base import Store
from ogikg.validation import crossyear
from ogikg.validation.findings import Finding, ReportFindings, finding_from_json, finding_to_json
from ogikg.validation.library import shapes_library
from ogikg.validation.quality import quality_nquads, quality_ntriples
from ogikg.validation.shacl import validate_report
from ogikg.validation.summary import Totals, report_dict, report_text
from ogikg.validation.vocabulary import vocabulary_subset

LEDGER = "ledger.jsonl"  # in QUALITY_DIR: what the last run found, per report file
_GENERATIONS = ("old", "2019", "2021", "narrative", None)


def preload() -> None:
    """Parse shapes and vocabulary once, before worker processes are forked (they share it)."""
    shapes_library()
    for generation in _GENERATIONS:
        vocabulary_subset(generation)
    crossyear.cross_report_constraints()


def _pool_map(
    function: Callable, tasks: Iterable, jobs: int, total: int, progress: bool, label: str
) -> Iterator:
    """``function`` over ``tasks`` in order, in ``jobs`` forked processes, with a progress bar."""
    with tqdm(total=total, disable=not progress, unit="report", desc=label, file=sys.stderr) as bar:
        if jobs <= 1:
            for result in map(function, tasks):
                bar.update()
                yield result
            return
        context = multiprocessing.get_context("fork")
        with context.Pool(processes=jobs) as pool:
            for result in pool.imap(function, tasks, chunksize=4):
                bar.update()
                yield result


# ------------------------------------------------------------------- convert output -------


def _cross_quads_task(path: str) -> tuple[str, bytes]:
    """(SHA-256 of a report file, the facts the checks across reports read from it)."""
    data = Path(path).read_bytes()
    quads = ox.parse(data, format=ox.RdfFormat.N_QUADS)
    facts = ox.serialize(crossyear.cross_report_quads(quads), format=ox.RdfFormat.N_QUADS)
    return hashlib.sha256(data).hexdigest(), facts


def shapes_fingerprint() -> str:
    """What the findings of a report's shapes depend on besides the report: the shapes, the
    vocabulary and the validator version."""
    return files_digest((*report_shape_files(), *turtle_files()), __version__)


def _cross_key(extra: list[Finding]) -> str:
    """A digest of the cross-report findings of a report, independent of their order."""
    lines = sorted(json.dumps(finding_to_json(f), ensure_ascii=False, sort_keys=True) for f in extra)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _read_ledger(path: Path, fingerprint: str) -> dict[str, dict]:
    """output → the last run's entry, for entries made with these shapes and vocabulary."""
    return {
        entry["output"]: entry for _, entry in readable_lines(path) if entry.get("fingerprint") == fingerprint
    }


# (report file, quality file or None, source, cross-report findings, ledger entry to reuse or None)
ValidateTask = tuple[str, str | None, dict, list[Finding], dict | None]


def _validate_file_task(task: ValidateTask) -> tuple[ReportFindings, str | None, dict | None]:
    """Validate one report file; write its quality graph (or return it when ``target`` is None).

    Returns the findings, the quality graph's N-Quads when not written, and the ledger entry."""
    path, target, source, extra, previous = task
    cross = _cross_key(extra)
    if previous is not None:
        own = tuple(finding_from_json(f) for f in previous["findings"])
        found = ReportFindings(
            previous["report"],
            previous["quality_graph"],
            own,
            previous["label"],
            previous["template"],
        )
        unchanged = previous["cross"] == cross and target is not None and Path(target).exists()
    else:
        try:
            found = validate_report(Path(path).read_bytes())
        except Exception as error:  # one unreadable report must not stop the run
            return _failed(source, f"cannot validate {path}: {type(error).__name__}: {error}"), None, None
        own, unchanged = found.findings, False
    entry = {
        **(previous or {}),
        "report": found.report,
        "quality_graph": found.quality_graph,
        "label": found.label,
        "template": found.template,
        "findings": [finding_to_json(f) for f in own],
        "cross": cross,
    }
    findings = ReportFindings(
        found.report,
        found.quality_graph,
        own + tuple(extra),
        found.label,
        found.template,
        source,
        reused=previous is not None,
    )
    if unchanged:
        return findings, None, entry
    text = quality_nquads(findings)
    if target is None:
        return findings, text, entry
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(out)
    return findings, None, entry


def _failed(source: dict, reason: str) -> ReportFindings:
    from ogikg.validation.findings import FindingKind, Severity

    report = source.get("report") or source.get("file", "")
    finding = Finding(
        Severity.VIOLATION, FindingKind.STRUCTURE, iris.VOCAB + "shape/AnnualReport", report, reason, reason
    )
    quality = report.replace("/id/report/", "/graph/quality/", 1)
    return ReportFindings(report, quality, (finding,), source.get("file"), None, source)


# Reports whose cross-report facts share one in-memory store: memory stays flat (≈ 250 MB) and
# the queries linear however large the corpus; one store on disk for 100,000 reports held 2.3 GB
# of RocksDB buffers and answered slower with every report loaded.
REPORTS_PER_BUCKET = 5000


def _cross_report_findings(
    records: list[dict], paths: list[str], *, jobs: int, progress: bool
) -> tuple[dict[str, list[Finding]], list[str]]:
    """The checks across the reports of one agency (I6–I8, I11), run over buckets of agencies,
    and the digest of every report file (read on the way).

    Every report of an agency lands in the same bucket (its report IRI names the agency), so a
    bucket holds all that its checks compare.
    """
    buckets = max(1, -(-len(records) // REPORTS_PER_BUCKET))
    findings: dict[str, list[Finding]] = {}
    digests: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ogikg-validate-") as scratch:
        files = [Path(scratch) / f"bucket-{index}.nq" for index in range(buckets)]
        handles = [file.open("wb") for file in files]
        try:
            texts = _pool_map(_cross_quads_task, paths, jobs, len(paths), progress, "collect")
            for record, (digest, text) in zip(records, texts, strict=True):
                digests.append(digest)
                handles[_bucket(record.get("report", ""), buckets)].write(text)
        finally:
            for handle in handles:
                handle.close()
        for file in files:
            store = ox.Store()
            store.extend(crossyear.vocabulary_quads())
            store.load(path=str(file), format=ox.RdfFormat.N_QUADS)
            findings.update(crossyear.cross_report_findings(crossyear.OxigraphSelect(store)))
    return findings, digests


def _bucket(report: str, buckets: int) -> int:
    """The bucket of a report, chosen by its agency."""
    return zlib.crc32(iris.report_agency_prefix(report).encode("utf-8")) % buckets


def validate_output(
    source: Path, *, jobs: int, output: Path | None, progress: bool, resume: bool = True
) -> Iterator[ReportFindings]:
    """Validate a convert output folder; yields the findings of each report in manifest order.

    Without ``output`` the quality graphs go to SOURCE/quality/ and the ledger beside them; with
    ``resume`` the findings of unchanged report files are taken from the ledger (see above)."""
    records = list(report_records(source))
    paths = [str(source / record["output"]) for record in records]
    cross, digests = _cross_report_findings(records, paths, jobs=jobs, progress=progress)
    ledger_path = source / QUALITY_DIR / LEDGER
    fingerprint = shapes_fingerprint()
    ledger = _read_ledger(ledger_path, fingerprint) if resume and output is None else {}
    tasks: list[ValidateTask] = []
    for path, record, digest in zip(paths, records, digests, strict=True):
        previous = ledger.get(record["output"])
        if previous is not None and previous.get("digest") != digest:
            previous = None
        tasks.append(
            (
                path,
                None if output else str(source / QUALITY_DIR / record["output"]),
                {"file": record.get("input", record["output"]), "output": record["output"]},
                cross.get(record.get("report", ""), []),
                previous,
            )
        )
    sink: TextIO | None = output.open("w", encoding="utf-8") if output else None
    written: TextIO | None = None
    if output is None:
        ledger_path.parent.mkdir(parents=True, exist_ok=True)
        written = ledger_path.with_suffix(".jsonl.tmp").open("w", encoding="utf-8")
    try:
        results = _pool_map(_validate_file_task, tasks, jobs, len(tasks), progress, "validate")
        for (findings, text, entry), digest, record in zip(results, digests, records, strict=True):
            if sink is not None and text:
                sink.write(text)
            if written is not None and entry is not None:
                entry.update(output=record["output"], digest=digest, fingerprint=fingerprint)
                written.write(json.dumps(entry, ensure_ascii=False) + "\n")
            yield findings
        if written is not None:
            written.close()
            Path(written.name).replace(ledger_path)
            written = None
    finally:
        if sink is not None:
            sink.close()
        if written is not None:  # interrupted: the previous ledger stays as it was
            written.close()
            Path(written.name).unlink(missing_ok=True)


# ------------------------------------------------------------------------------ store ------

_REPORTS_QUERY = (
    f"SELECT ?report ?graph WHERE {{ GRAPH ?graph {{ ?report a <{iris.VOCAB}AnnualReport> }} }} "
    "ORDER BY ?report"
)


def _validate_text_task(task: tuple[bytes, dict, list[Finding]]) -> ReportFindings:
    data, source, extra = task
    try:
        findings = validate_report(data)
    except Exception as error:
        return _failed(source, f"cannot validate {source.get('report')}: {type(error).__name__}: {error}")
    return findings.with_findings(tuple(extra))


def validate_store_source(
    store: Store, *, jobs: int, output: Path | None, progress: bool
) -> Iterator[ReportFindings]:
    """Validate every report of a store; write the quality graphs into it (or into ``output``)."""
    try:
        rows = store.select(_REPORTS_QUERY)
        cross = crossyear.cross_report_findings(store)

        def tasks() -> Iterator[tuple[bytes, dict, list[Finding]]]:
            for row in rows:
                graph, report = row["graph"].value, row["report"].value
                # the report graph with its agency's and area's description, which its shapes read
                body = store.query(
                    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {iris.report_data_pattern(graph)} }}",
                    "application/n-triples",
                ).body
                yield body, {"report": report, "graph": graph}, cross.get(report, [])

        sink = output.open("w", encoding="utf-8") if output else None
        pending: dict[str, bytes] = {}
        try:
            for findings in _pool_map(_validate_text_task, tasks(), jobs, len(rows), progress, "validate"):
                if sink is not None:
                    sink.write(quality_nquads(findings))
                else:
                    pending[findings.quality_graph] = quality_ntriples(findings).encode("utf-8")
                    if len(pending) >= 200:
                        store.replace_graphs(pending)
                        pending = {}
                yield findings
            if pending:
                store.replace_graphs(pending)
        finally:
            if sink is not None:
                sink.close()
    finally:
        store.close()


# ---------------------------------------------------------------------------- command ------


@click.command("validate")
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: one per CPU).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write every quality graph into this one N-Quads file instead of SOURCE/quality/… (or the store).",
)
@click.option("--top", default=3, show_default=True, help="Findings shown per report in the text summary.")
@click.option(
    "--resume/--no-resume",
    default=True,
    show_default=True,
    help="Reuse the findings of report files unchanged since the last run (convert output only).",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def validate_command(
    source: str, fmt: str, jobs: int, output: str | None, top: int, resume: bool, progress: bool | None
) -> None:
    """Check reports against the SHACL shapes of their form and publish the findings as data.

    SOURCE is a convert output folder or a store (folder or SPARQL endpoint URL). Each report's
    findings are written as its quality graph (SOURCE/quality/<graph file> for a folder, the
    report's ogi:qualityGraph in a store). Prints per report conforms / warnings / violations and
    the top findings; --format json prints one JSON document. Exit status 1 if any violation.
    """
    jobs = jobs or os.cpu_count() or 1
    show = sys.stderr.isatty() if progress is None else progress
    preload()
    started = time.perf_counter()
    out = Path(output) if output else None
    folder = Path(source)
    if (folder / MANIFEST).exists():
        results = validate_output(folder, jobs=jobs, output=out, progress=show, resume=resume)
    else:
        from ogikg.store.open import open_store

        results = validate_store_source(open_store(source), jobs=jobs, output=out, progress=show)
    totals = Totals()
    if fmt == "json":
        click.echo('{"reports": [', nl=False)
        for index, findings in enumerate(results):
            totals.add(findings)
            click.echo(
                ("," if index else "") + "\n" + json.dumps(report_dict(findings), ensure_ascii=False),
                nl=False,
            )
        totals.seconds = time.perf_counter() - started
        click.echo('\n], "totals": ' + json.dumps(totals.as_dict(), ensure_ascii=False) + "}")
    else:
        for findings in results:
            totals.add(findings)
            click.echo(report_text(findings, top=top))
        totals.seconds = time.perf_counter() - started
        click.echo(totals.line())
    sys.exit(1 if totals.any_violation else 0)
