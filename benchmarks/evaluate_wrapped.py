"""Hard-wrapped plain text: how much the converter still reads when every line is cut at one width.

    .venv/bin/python benchmarks/evaluate_wrapped.py [--widths 60,76] [--synthetic 450] [--no-join]

Copies made from a PDF viewer or a fixed-width page break every line at the same display width,
inside names, numbers and table rows. Two measurements, each with the converter as it is and,
with ``--no-join``, without ``converter.unwrap`` (the lines left as cut):

* the real text reports of ../shared/corpus, each hard-wrapped at ``--widths`` (pipe rows are left
  whole: they come from web pages, not from the PDF copies that wrap): how many readings
  (metadata, narrative figures, cells) differ from the reading of the original file, and how many
  cell values the converter claims with certainty that differ from the original's;
* synthetic reports with space-separated and run-together tables (``ogikg.synth``, truth known),
  hard-wrapped at ``--synthetic-widths``: cells claimed with certainty, right and wrong.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import Counter
from pathlib import Path

from ogikg.converter import decode as decode_module
from ogikg.converter.model import ParsedReport, RejectedInput, ValueStatus
from ogikg.converter.pipeline import convert_bytes
from ogikg.synth.population import population
from ogikg.synth.render import Rendering, hard_wrap, render

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OGIKG_SHARED", ROOT / ".." / "shared"))


def readings_of(report: ParsedReport) -> dict[str, object]:
    agency = report.metadata.agency
    found: dict[str, object] = {
        "agency": agency.name if agency else None,
        "adcode": agency.adcode if agency else None,
        "level": agency.level if agency else None,
        "kind": agency.kind if agency else None,
        "year": report.metadata.year,
        "template": report.template,
    }
    found.update({f.indicator: f.value for f in report.narrative})
    found.update({c.key: (c.value, c.status) for c in report.cells})
    return found


KINDS = ("metadata", "narrative", "cell")
_METADATA = ("agency", "adcode", "level", "kind", "year", "template")


def reading_kind(key: str) -> str:
    return "metadata" if key in _METADATA else "narrative" if key.startswith("narrative.") else "cell"


def corpus_text_paths() -> list[Path]:
    """Every real text report of ../shared/corpus: the seeds, then the reports."""
    corpus = SHARED / "corpus"
    return sorted((corpus / "seeds").glob("*.txt")) + sorted((corpus / "reports").glob("*.txt"))


def compare(before: dict[str, object], parsed: ParsedReport, tally: Counter[str]) -> list[str]:
    """Count in ``tally`` the readings of ``parsed`` that differ from ``before`` (per kind) and the
    cell values it claims with certainty that differ from a certain one before; the misses, wrong
    values first."""
    after = readings_of(parsed)
    misses: list[str] = []
    for key, value in before.items():
        kind = reading_kind(key)
        tally[f"{kind} readings"] += 1
        if after.get(key) != value:
            tally[f"{kind} differ"] += 1
            misses.append(f"{key}: {value!r} → {after.get(key)!r}")
    for cell in parsed.cells:
        was = before.get(cell.key)
        if (
            cell.status is ValueStatus.REPORTED
            and isinstance(was, tuple)
            and was[1] is ValueStatus.REPORTED
            and was[0] != cell.value
        ):
            tally["wrong cells"] += 1
            misses.insert(0, f"{cell.key}: WRONG {cell.value} (was {was[0]})")
    return misses


def corpus(widths: list[int]) -> Counter[str]:
    tally: Counter[str] = Counter()
    for path in corpus_text_paths():
        text = path.read_text(encoding="utf-8")
        try:
            original = convert_bytes(path.name, text.encode())
        except RejectedInput:
            continue
        before = readings_of(original)
        tally["files"] += 1
        tally["originals joined"] += any("wrapped at" in warning for warning in original.document.warnings)
        for width in widths:
            try:
                cut = "\n".join(line if "|" in line else hard_wrap(line, width) for line in text.split("\n"))
                wrapped = convert_bytes(path.name, cut.encode())
            except RejectedInput:
                tally["rejected"] += 1
                continue
            compare(before, wrapped, tally)
    return tally


def synthetic(count: int, widths: list[int], seed: int) -> Counter[str]:
    rng = random.Random(seed)
    reports = list(population(-(-count // 13) + 1, range(2012, 2025), rng, contradiction_share=0.0))[:count]
    tally: Counter[str] = Counter()
    for index, report in enumerate(reports):
        layout = ("spaces", "run-together", "cells")[index % 3]
        data, truth = render(report, Rendering(layout, traditional=False), rng)
        for width in widths:
            try:
                parsed = convert_bytes("wrapped.txt", hard_wrap(data.decode("utf-8"), width).encode())
            except RejectedInput:
                tally["rejected"] += 1
                continue
            for cell in parsed.cells:
                expected = truth["cells"].get(cell.key)
                if expected is None:
                    continue
                tally["cells"] += 1
                if cell.status is ValueStatus.REPORTED:
                    right = str(cell.value) == str(expected["value"])
                    tally["certain, right" if right else "certain, WRONG"] += 1
                else:
                    tally["flagged"] += 1
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--widths", default="60,76", help="display columns for the corpus files")
    parser.add_argument("--synthetic", type=int, default=450, help="synthetic reports")
    parser.add_argument("--synthetic-widths", default="50,90,120")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-join", action="store_true", help="leave the cut lines as they are")
    args = parser.parse_args()
    if args.no_join:
        decode_module.join_wrapped_lines = lambda text: (text, 0, 0)  # type: ignore[assignment]
    mode = "without joining" if args.no_join else "with joining"
    if (SHARED / "corpus").is_dir():
        tally = corpus([int(w) for w in args.widths.split(",")])
        print(
            f"corpus, {mode}: {tally['files']} text reports × widths {args.widths}: "
            "readings that differ from the original's: "
            + ", ".join(f"{kind} {tally[kind + ' differ']} of {tally[kind + ' readings']}" for kind in KINDS)
            + f"; cell values claimed with certainty that differ: {tally['wrong cells']}; "
            f"rejected: {tally['rejected']}; "
            f"original files whose lines were joined: {tally['originals joined']}"
        )
    else:
        print(f"corpus: {SHARED / 'corpus'} not found, skipped", file=sys.stderr)
    tally = synthetic(args.synthetic, [int(w) for w in args.synthetic_widths.split(",")], args.seed)
    print(
        f"synthetic, {mode}: {args.synthetic} reports × widths {args.synthetic_widths}: "
        f"{tally['cells']} cells, {tally['certain, right']} certain and right, "
        f"{tally['certain, WRONG']} certain and WRONG, "
        f"{tally['flagged']} flagged, {tally['rejected']} rejected"
    )


if __name__ == "__main__":
    main()
