"""Throughput of the table reader over the development corpus.

Every corpus file (../shared/corpus: seeds and reports) is decoded once, untimed; then
``read_tables`` runs over all decoded texts for a number of rounds. Prints reports per second
(wall clock and CPU time of this process, which is steadier on a shared machine), the time per
report and per 10 KB of text, and the slowest files.

    .venv/bin/python benchmarks/bench_tables.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from ogikg.converter.decode import decode
from ogikg.converter.model import RejectedInput
from ogikg.converter.tables import read_tables

SHARED = Path(os.environ.get("OGIKG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def corpus_texts() -> list[tuple[str, str]]:
    root = SHARED / "corpus"
    files = sorted((root / "seeds").glob("*.*")) + sorted(
        p for p in (root / "reports").glob("r*.*") if p.suffix != ".jsonl"
    )
    texts = []
    for path in files:
        try:
            texts.append((path.name, decode(str(path), path.read_bytes()).text))
        except RejectedInput:
            continue
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = corpus_texts()
    started = time.perf_counter()
    read_tables(texts[0][1])  # builds the label index and the form specs once
    print(f"first call (catalogue, label index, regexes): {time.perf_counter() - started:.2f} s")
    for _, text in texts:  # warm the caches that depend on the text (label keys, values)
        read_tables(text)
    per_file: dict[str, list[float]] = {name: [] for name, _ in texts}
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        for name, text in texts:
            t0 = time.perf_counter()
            read_tables(text)
            per_file[name].append(time.perf_counter() - t0)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    reads = args.rounds * len(texts)
    size = sum(len(text.encode("utf-8")) for _, text in texts) * args.rounds
    print(
        f"{len(texts)} reports x {args.rounds} rounds, {size / args.rounds / 1024:.0f} KB of text per round"
    )
    for name, seconds in (("wall", wall), ("cpu", cpu)):
        print(
            f"{name}: {reads / seconds:.0f} reports/s, {seconds / reads * 1000:.2f} ms/report, "
            f"{seconds / size * 10240 * 1000:.2f} ms/10 KB"
        )
    medians = sorted(((statistics.median(times), name) for name, times in per_file.items()), reverse=True)
    print("slowest (median ms):", ", ".join(f"{name} {seconds * 1000:.1f}" for seconds, name in medians[:8]))


if __name__ == "__main__":
    main()
