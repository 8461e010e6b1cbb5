"""``ogikg demo``: the whole path once — reports → RDF → SHACL checks → embedded store → SPARQL.

Without ``--input`` it renders the bundled synthetic samples (one per form generation, a
narrative-only one, HTML in GBK, a DOCX, Traditional characters): real report texts may not be
redistributed, so the project renders its own from the official form labels.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from ogikg.converter.batch import convert_batch
from ogikg.loading import load_output


def _step(title: str) -> float:
    click.secho(f"\n== {title}", bold=True, err=True)
    return time.perf_counter()


def _done(started: float, line: str) -> None:
    click.echo(f"   {line} ({time.perf_counter() - started:.1f} s)", err=True)


def run_demo(
    *, input_dir: str | None, workdir: str, host: str, port: int, serve: bool, jobs: int = 2
) -> None:
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    if input_dir is None:
        from ogikg.synth.samples import write_samples

        started = _step("render the bundled synthetic sample reports")
        reports = work / "samples" / "reports"
        written = write_samples(work / "samples")
        _done(started, f"{len(written)} reports in {reports}")
    else:
        reports = Path(input_dir)

    started = _step(f"convert {reports}")
    out = work / "out"
    summary = convert_batch([str(reports)], out, jobs=jobs)
    _done(started, f"{summary.line()}; manifest: {out / 'manifest.jsonl'}")

    started = _step("validate (SHACL shapes of each form)")
    from ogikg.validation.command import preload, validate_output
    from ogikg.validation.summary import Totals, report_text

    preload()
    totals = Totals()
    for findings in validate_output(out, jobs=jobs, output=None, progress=False):
        totals.add(findings)
        click.echo(report_text(findings, top=2), err=True)
    _done(started, totals.line())

    started = _step("load into the embedded store")
    store = work / "store"
    loaded = load_output(out, str(store))
    _done(started, f"{loaded.line()}; store: {store}")

    if not serve:
        return
    _step(f"serve on http://{host}:{port}/  (SPARQL: /sparql, query page: /query; Ctrl-C stops)")
    from ogikg.server.run import serve as run_server

    run_server(str(store), host=host, port=port)
