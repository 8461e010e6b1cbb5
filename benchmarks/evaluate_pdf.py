"""Synthetic reports printed to PDF by a browser: does the converter read every cell back?

    .venv/bin/python benchmarks/evaluate_pdf.py [--reports 120] [--seed 1] [--show 30]
                                                [--via office | --unruled]

Reports of the synthetic population (the 2021, 2019 and old forms; narrative-only reports have no
table to read) are rendered as web pages (``ogikg.synth`` HTML: ruled tables with merged cells,
wrapped labels, UTF-8 or GBK, now and then Traditional characters) and printed to PDF by headless
Chromium (pdf_print.py) on A4, Letter or A5 paper at a scale between 0.7 and 1.3, so that page
breaks fall in different rows, merged cells included. Each PDF is converted (decode → tables →
metadata) and scored against the report's truth as the synthetic round trip scores it
(roundtrip.py): every value must come back exactly, none may be wrong.

``--unruled``: the web pages draw their tables without any rule, so the PDF holds no line to find
cells by and is read as text: a label wraps inside its cell, the row's numbers beside one of its
lines (often the middle one), and an empty cell leaves nothing at all.

``--via office``: the reports are rendered as Word files (ruled tables, merged cells) and
exported to PDF by LibreOffice on its default A4 page instead, as word processors make them:
there a page break draws a rule across a cut row, so both halves look like rows of their own.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pdf_print import PAPERS, PdfPrinter, office_pdf
from roundtrip import YEARS, Tally, score

from ogikg.converter.decode import decode
from ogikg.converter.model import ParsedReport, RejectedInput
from ogikg.converter.pipeline import convert_document
from ogikg.synth.population import population
from ogikg.synth.render import Rendering, render


@dataclass
class Printed:
    name: str  # printed-NNNN.pdf
    label: str  # name, form, paper, scale, encoding, script
    generation: str
    pdf: bytes
    truth: dict


def printed_reports(
    count: int, seed: int, only: set[int] | None = None, via: str = "browser", ruled: bool = True
) -> Iterator[Printed]:
    """``count`` synthetic reports with tables, printed (or those numbered ``only`` among them: the
    others are drawn, so that the same numbers are the same reports, but not printed)."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # fonts without a FontBBox: harmless
    rng = random.Random(seed)
    agencies = -(-count * 2 // len(YEARS))
    number = 0
    with contextlib.ExitStack() as stack:
        printer = stack.enter_context(PdfPrinter()) if via == "browser" else None
        for report in population(agencies, YEARS, rng):
            if number == count:
                break
            if report.generation == "narrative":
                continue
            encoding = "gbk" if rng.random() < 0.3 else "utf-8"
            layout = "docx" if via == "office" else "html"
            rendering = Rendering(layout, traditional=rng.random() < 0.1, encoding=encoding, ruled=ruled)
            page, truth = render(report, rendering, rng)
            paper, scale = rng.choice(PAPERS), round(rng.uniform(0.7, 1.3), 2)
            name = f"printed-{number:04d}.pdf"
            number += 1
            if only is not None and number - 1 not in only:
                continue
            script = (" Traditional" if rendering.traditional else "") + ("" if ruled else " unruled")
            if printer is None:
                label = f"{name} {report.generation} Word A4{script}"
                pdf = office_pdf(page)
            else:
                label = f"{name} {report.generation} {paper} ×{scale} {encoding}{script}"
                pdf = printer.print(page, paper=paper, scale=scale)
            yield Printed(name, label, report.generation, pdf, truth)


def evaluate(
    count: int,
    seed: int,
    keep: Path | None = None,
    only: set[int] | None = None,
    via: str = "browser",
    ruled: bool = True,
) -> tuple[dict[str, Tally], list[str]]:
    """Tallies per form generation and the failures, over the printed reports."""
    tallies: dict[str, Tally] = {}
    failures: list[str] = []
    for printed in printed_reports(count, seed, only, via, ruled):
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / printed.name).write_bytes(printed.pdf)
        started = time.process_time()
        try:
            parsed: ParsedReport | None = convert_document(decode(printed.name, printed.pdf))
        except RejectedInput:
            parsed = None
        tally, found = score(parsed, printed.truth, "html")
        tally.seconds = time.process_time() - started
        tallies.setdefault(printed.generation, Tally()).add(tally)
        failures += [f"{printed.label}: {failure}" for failure in found]
    return tallies, failures


def _row(name: str, tally: Tally) -> str:
    # In a web page every value is printed in a cell of its own, so every value is recoverable:
    # one that comes back uncertain is a miss too, counted as flagged.
    flagged = tally.recoverable - tally.exact - tally.wrong - tally.missing - tally.misled
    return (
        f"{name:<8}{tally.reports:>8}{tally.recoverable:>8}{tally.exact:>8}{flagged:>8}"
        f"{tally.wrong:>7}{tally.missing:>8}{sum(tally.metadata.values()):>6}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=30, help="failures to print")
    parser.add_argument("--keep", type=Path, help="folder to keep the PDFs in")
    parser.add_argument("--via", choices=("browser", "office"), default="browser")
    parser.add_argument("--unruled", action="store_true", help="web pages whose tables have no rules")
    args = parser.parse_args()
    if args.unruled and args.via != "browser":
        parser.error("--unruled prints web pages: it needs --via browser")
    started = time.perf_counter()
    tallies, failures = evaluate(args.reports, args.seed, args.keep, via=args.via, ruled=not args.unruled)
    total = Tally()
    print(
        f"{'form':<8}{'reports':>8}{'values':>8}{'exact':>8}{'flagged':>8}{'wrong':>7}{'missing':>8}{'meta':>6}"
    )
    for generation, tally in sorted(tallies.items()):
        total.add(tally)
        print(_row(generation, tally))
    print(_row("all", total))
    print(
        f"rejected {total.rejected}; meta = agency, area code, year and form right (4 per report); "
        f"{time.perf_counter() - started:.0f} s"
    )
    for failure in failures[: args.show]:
        print("  " + failure)


if __name__ == "__main__":
    main()
