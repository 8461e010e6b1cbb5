"""``ogikg synth``: render synthetic reports with their truth alongside."""

from __future__ import annotations

import json
import random
from pathlib import Path

import click
from tqdm import tqdm

from ogikg.synth.render import LAYOUTS, Rendering, render

# How often each layout occurs in a generated population (crawler dumps and PDFs included).
LAYOUT_WEIGHTS = {
    "pipe": 30,
    "cells": 15,
    "markdown": 5,
    "spaces": 10,
    "run-together": 10,
    "html": 22,
    "docx": 8,
}


def pick_rendering(rng: random.Random, layouts: tuple[str, ...] = LAYOUTS) -> Rendering:
    weights = [LAYOUT_WEIGHTS[layout] for layout in layouts]
    layout = rng.choices(layouts, weights)[0]
    encoding = "gbk" if layout == "html" and rng.random() < 0.5 else "utf-8"
    traditional = layout != "docx" and rng.random() < 0.07
    return Rendering(layout, traditional=traditional, encoding=encoding)


def _years(text: str) -> range:
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


@click.command()
@click.option(
    "-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder."
)
@click.option("--samples", is_flag=True, help="Write the bundled demo samples (one per form generation).")
@click.option("--agencies", default=100, show_default=True, help="Number of agencies in the population.")
@click.option("--years", default="2008-2024", show_default=True, help="Years covered, e.g. 2014-2024.")
@click.option(
    "--layouts", default=",".join(LAYOUTS), show_default=True, help="Comma-separated layouts to use."
)
@click.option(
    "--contradictions", default=0.05, show_default=True, help="Share of reports with a planted error."
)
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same corpus).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def synth_command(
    out_dir: str,
    samples: bool,
    agencies: int,
    years: str,
    layouts: str,
    contradictions: float,
    seed: int,
    progress: bool | None,
) -> None:
    """Render synthetic, internally consistent reports of every form generation.

    \b
    Writes OUT/reports/<file> (text, HTML, DOCX; pipe rows, cell-per-line, space-separated,
    run-together crawler dumps, HTML with row/column spans in GBK or UTF-8, Traditional
    characters) and OUT/truth.jsonl, one JSON line per report with every printed cell, the
    narrative figures and the contradictions planted on purpose. Agencies sit in real
    administrative areas at every level; their numbers evolve from year to year.
    """
    if samples:
        from ogikg.synth.samples import write_samples

        for path in write_samples(out_dir):
            click.echo(path)
        return
    from ogikg.synth.population import population

    chosen = tuple(layout for layout in layouts.split(",") if layout)
    unknown = set(chosen) - set(LAYOUTS)
    if unknown:
        raise click.BadParameter(f"unknown layouts: {', '.join(sorted(unknown))}", param_hint="--layouts")
    span = _years(years)
    rng = random.Random(seed)
    root = Path(out_dir)
    (root / "reports").mkdir(parents=True, exist_ok=True)
    total = agencies * len(span)
    with (
        (root / "truth.jsonl").open("w", encoding="utf-8") as truth_file,
        tqdm(
            total=total,
            disable=not (progress if progress is not None else click.get_text_stream("stderr").isatty()),
            unit="report",
            desc="synth",
        ) as bar,
    ):
        for index, report in enumerate(population(agencies, span, rng, contradiction_share=contradictions)):
            rendering = pick_rendering(rng, chosen)
            data, truth = render(report, rendering, rng)
            name = f"{index:07d}-{report.agency.adcode}-{report.year}{rendering.extension}"
            sub = root / "reports" / name[:4]
            sub.mkdir(exist_ok=True)
            (sub / name).write_bytes(data)
            truth_file.write(
                json.dumps({"file": f"reports/{name[:4]}/{name}", **truth}, ensure_ascii=False) + "\n"
            )
            bar.update()
    click.echo(f"{total} reports in {root / 'reports'}; truth in {root / 'truth.jsonl'}", err=True)
