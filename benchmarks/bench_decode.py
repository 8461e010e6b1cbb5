"""Throughput of ``decode`` (decode + normalise) over the shared corpus.

    .venv/bin/python benchmarks/bench_decode.py [--repeat 50] [--pdf-repeat 2]

Text-like inputs (plain text, JSON) are timed over many repetitions; PDFs, which cost three
orders of magnitude more (pdfminer layout analysis), are timed separately with fewer repetitions.
Prints reports per second per format group and the mean time per report.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ogikg.converter.decode import decode


def _corpus() -> Path:
    default = Path(__file__).resolve().parents[1] / ".." / "shared"
    root = Path(os.environ.get("OGIKG_SHARED", default)) / "corpus"
    if not root.is_dir():
        sys.exit(f"corpus not found at {root} (set OGIKG_SHARED)")
    return root


def _time(inputs: list[tuple[str, bytes]], repeat: int) -> tuple[float, int]:
    started = time.perf_counter()
    for _ in range(repeat):
        for name, data in inputs:
            decode(name, data)
    return time.perf_counter() - started, repeat * len(inputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50, help="passes over the text-like files")
    parser.add_argument("--pdf-repeat", type=int, default=2, help="passes over the PDF files")
    args = parser.parse_args()
    corpus = _corpus()
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in {".txt", ".json", ".pdf"})
    text_like = [(p.name, p.read_bytes()) for p in files if p.suffix != ".pdf"]
    pdfs = [(p.name, p.read_bytes()) for p in files if p.suffix == ".pdf"]
    _time(text_like, 1)  # warm-up: OpenCC tables, regex compilation
    for label, inputs, repeat in (("text/json", text_like, args.repeat), ("pdf", pdfs, args.pdf_repeat)):
        if not inputs or repeat <= 0:
            continue
        seconds, count = _time(inputs, repeat)
        size = sum(len(data) for _, data in inputs) / len(inputs)
        print(
            f"{label:9s} {len(inputs):4d} files × {repeat:3d}: {count / seconds:10.1f} reports/s "
            f"({1000 * seconds / count:8.3f} ms/report, mean size {size / 1024:.1f} KB)"
        )


if __name__ == "__main__":
    main()
