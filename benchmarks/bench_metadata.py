"""Reports per second of metadata + narrative extraction over the real texts in ../shared/corpus.

Usage: python benchmarks/bench_metadata.py [--rounds N]

Texts are normalised the way the decoder does it for plain-text inputs (Traditional → Simplified,
full-width → half-width) once, outside the timed loop; PDF and JSON inputs are skipped.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import opencc

from ogikg.converter.metadata import extract_metadata
from ogikg.converter.metadata_agency import clean_name
from ogikg.converter.narrative import extract_narrative

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def shared_dir() -> Path:
    configured = os.environ.get("OGIKG_SHARED")
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / ".." / "shared"


def corpus_texts() -> list[tuple[str, str]]:
    converter = opencc.OpenCC("t2s")
    corpus = shared_dir() / "corpus"
    paths = sorted((corpus / "seeds").glob("*.txt")) + sorted((corpus / "reports").glob("*.txt"))
    texts = []
    for path in paths:
        raw = path.read_text(encoding="utf-8").lstrip("\ufeff")
        texts.append((path.name, converter.convert(raw).translate(_FULL_WIDTH)))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = corpus_texts()
    if not texts:
        raise SystemExit(f"no corpus texts under {shared_dir()}")
    # Warm-up: the division index and the Turtle vocabularies load once per process.
    for name, text in texts:
        extract_narrative(text, extract_metadata(text, name).year)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(args.rounds):
        clean_name.cache_clear()  # per-text memo: repeated rounds must not profit from it
        started, started_cpu = time.perf_counter(), time.process_time()
        for name, text in texts:
            extract_narrative(text, extract_metadata(text, name).year)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    size = sum(len(text.encode("utf-8")) for _, text in texts) / len(texts)
    print(f"{len(texts)} texts, mean {size / 1024:.1f} KB (UTF-8), best of {args.rounds} rounds")
    for label, seconds in (("wall", min(wall)), ("cpu", min(cpu))):
        per_report = seconds / len(texts) * 1e3
        rate = len(texts) / seconds
        print(f"metadata + narrative ({label}): {rate:.0f} reports/s, {per_report:.3f} ms/report")
    slowest = []
    for name, text in texts:
        best = float("inf")
        for _ in range(20):
            clean_name.cache_clear()
            started = time.perf_counter()
            extract_narrative(text, extract_metadata(text, name).year)
            best = min(best, time.perf_counter() - started)
        slowest.append((best, name, len(text.encode("utf-8"))))
    large = [elapsed for elapsed, _, size in slowest if size >= 10 * 1024]
    if large:
        mean = sum(large) / len(large) * 1e3
        print(f"texts of 10 KB or more ({len(large)}): {mean:.3f} ms/report (best of 20 each, wall)")
    for elapsed, name, size in sorted(slowest, reverse=True)[:5]:
        print(f"  slowest: {name} {size / 1024:.1f} KB {elapsed * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
