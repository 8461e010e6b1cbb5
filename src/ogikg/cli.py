"""The ``ogikg`` command line: convert, validate, load, serve, export, demo, synth, evaluate."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from ogikg import __version__

# Commands that live in their own parts of the package, imported only when used: the server and
# validator pull in FastAPI and pyshacl, seconds of start-up that `ogikg convert` does not need.
PART_COMMANDS = {
    "validate": "ogikg.validation.command:validate_command",
    "serve": "ogikg.server.run:serve_command",
    "synth": "ogikg.synth.command:synth_command",
}


class PartsGroup(click.Group):
    """A command group that imports the part commands on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *PART_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = PART_COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=PartsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="ogikg")
def main() -> None:
    """ogikg: turn government-information-disclosure annual reports (政府信息公开工作年度报告)
    into a linked-data knowledge graph and serve it over SPARQL.

    \b
    Typical run:
      ogikg convert REPORTS/ -o out        # reports -> N-Quads + manifest.jsonl
      ogikg validate out                   # SHACL checks -> quality graphs
      ogikg load out --store store/        # into the embedded on-disk store
      ogikg serve --store store/           # SPARQL endpoint on http://127.0.0.1:8000
      ogikg export out --format csv        # tidy table for researchers
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder."
)
@click.option("-j", "--jobs", default=1, show_default=True, help="Worker processes.")
@click.option(
    "--resume/--no-resume", default=True, show_default=True, help="Skip inputs converted before, unchanged."
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def convert(inputs: tuple[str, ...], out_dir: str, jobs: int, resume: bool, progress: bool | None) -> None:
    """Convert report files or folders (text, HTML, PDF, DOCX; any encoding) to RDF.

    Writes one N-Quads file per report (its own named graph) under OUT/graphs/ and OUT/manifest.jsonl,
    one JSON line per input: converted, converted_with_warnings (listed) or rejected (with the
    reason). A bad file never stops the batch; the exit status is 1 only if an input was rejected.
    """
    from ogikg.converter.batch import convert_batch

    summary = convert_batch(inputs, out_dir, jobs=jobs, resume=resume, progress=progress)
    click.echo(summary.line(), err=True)
    sys.exit(1 if summary.rejected else 0)


@main.command()
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option("--reports", is_flag=True, help="One row per report instead of one row per value.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
def export(source: str, fmt: str, reports: bool, output: str | None) -> None:
    """Export a tidy table from a convert output folder or a store.

    \b
    Per value (default), columns:
      report,agency,adcode,year,template,table,row,column,value,status,unit,source
    With --reports, one row per report:
      report,agency,adcode,level,year,template,published,source
    status is reported, blank, not_applicable ("/", "—"), illegible or uncertain; value is empty
    when nothing was printed; source is the file and the line:columns the value was read from.
    """
    from ogikg.export import graphs_from_output, graphs_from_store, write_csv

    if (Path(source) / "manifest.jsonl").exists():
        graphs = graphs_from_output(source)
    else:
        from ogikg.store.open import open_store

        graphs = graphs_from_store(open_store(source))
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            write_csv(graphs, handle, per_report=reports)
    else:
        write_csv(graphs, sys.stdout, per_report=reports)


@main.command()
@click.argument("source", type=click.Path(exists=True, file_okay=False))
@click.option("--store", "store_spec", required=True, help="Store folder (embedded) or SPARQL endpoint URL.")
@click.option("--quality/--no-quality", default=True, show_default=True, help="Also load the quality graphs.")
@click.option("--dumps/--no-dumps", default=True, show_default=True, help="Regenerate the dumps afterwards.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def load(source: str, store_spec: str, quality: bool, dumps: bool, progress: bool | None) -> None:
    """Load a convert output into a store; a report loaded again replaces its graph."""
    from ogikg.loading import load_output

    stats = load_output(source, store_spec, with_quality=quality, dumps=dumps, progress=progress)
    click.echo(stats.line(), err=True)


@main.command()
@click.option(
    "--input",
    "input_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Folder of real reports to use instead of the bundled synthetic samples.",
)
@click.option("--workdir", default="demo-data", show_default=True, type=click.Path(file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--serve/--no-serve", default=True, show_default=True, help="Start the server at the end.")
def demo(input_dir: str | None, workdir: str, host: str, port: int, serve: bool) -> None:
    """Convert the sample reports, validate them, load the embedded store and serve SPARQL."""
    from ogikg.demo import run_demo

    run_demo(input_dir=input_dir, workdir=workdir, host=host, port=port, serve=serve)
