"""End-to-end conversion throughput per core, and the memory of a long batch.

    .venv/bin/python benchmarks/bench_convert.py [--rounds 3] [--synthetic 1500] [--seed 1]
    .venv/bin/python benchmarks/bench_convert.py --batch 100000 [--jobs 2] [--work DIR]

Throughput (one process, one core): for every input, read the file's bytes, decode, read the
tables, metadata and narrative figures (``convert_bytes``), emit the N-Quads and write them to
disk — what ``ogikg convert`` does per file, without the worker pool. Two corpora:

* the real text files of ../shared/corpus (seeds and reports; whole reports and ~1,000-character
  excerpts are reported separately, as their sizes differ tenfold);
* a synthetic mix rendered by ``ogikg.synth`` (2021, 2019, old and narrative-only reports, as
  the population has them) in the text layouts (pipe, markdown, one cell per line,
  space-separated, run-together).

The real files are converted ``--rounds`` times after a warm-up on themselves, so caches keyed by
content are warm; the synthetic reports are timed in one pass over ``--rounds × --synthetic``
reports never seen before, after a warm-up on other synthetic reports — the figure for new input.

Both CPU time of the process (``time.process_time``: steadier on a shared machine) and wall time
are printed, with the load average, and where the time goes per stage (decode, tables,
metadata, narrative, emit, write). The size of the output per report, and the rate that building
and writing it alone would allow, are printed too: the bound the output puts on the rate.

``--batch N`` renders N synthetic text reports into a work folder (kept for re-runs) and converts
them with ``ogikg.converter.batch.convert_batch`` in a child process, with ``--jobs`` workers;
it prints the peak RSS of the batch process (sampled over the run, to show it stays flat) and
of the largest worker. Finished N-Quads files are deleted while the batch runs (``--keep`` keeps
them): 100,000 reports produce ~30 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from ogikg.converter.decode import decode
from ogikg.converter.emit import emit_report
from ogikg.converter.metadata import extract_metadata
from ogikg.converter.model import RejectedInput
from ogikg.converter.narrative import extract_narrative
from ogikg.converter.pipeline import convert_bytes, mask_spans
from ogikg.converter.tables import read_tables

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OGIKG_SHARED", ROOT / ".." / "shared"))
TEXT_LAYOUTS = ("pipe", "markdown", "cells", "spaces", "run-together")
CONVERTED_AT = datetime(2025, 1, 1, tzinfo=UTC)

Inputs = list[tuple[str, bytes]]


def corpus_inputs() -> dict[str, Inputs]:
    """The real text files: whole reports (seeds and whole reports) and excerpts."""
    root = SHARED / "corpus"
    index = {}
    index_path = root / "reports" / "index.jsonl"
    if index_path.exists():
        for line in index_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                index[Path(record["file"]).name] = record.get("whole", False)
    groups: dict[str, Inputs] = {"corpus whole": [], "corpus excerpts": []}
    for path in sorted((root / "seeds").glob("*.txt")) + sorted((root / "reports").glob("*.txt")):
        whole = path.parent.name == "seeds" or index.get(path.name, False)
        groups["corpus whole" if whole else "corpus excerpts"].append((str(path), path.read_bytes()))
    return groups


def synthetic_inputs(count: int, seed: int, folder: Path) -> Inputs:
    """Synthetic text reports of every generation in the text layouts, written to ``folder``."""
    from ogikg.synth.population import population
    from ogikg.synth.render import Rendering, render

    rng = random.Random(seed)
    years = range(2012, 2025)
    reports = population(-(-count // len(years)), years, rng, contradiction_share=0.05)
    inputs: Inputs = []
    for index, report in enumerate(reports):
        if index == count:
            break
        layout = TEXT_LAYOUTS[index % len(TEXT_LAYOUTS)]
        data, _ = render(report, Rendering(layout, traditional=rng.random() < 0.07), rng)
        path = folder / f"synthetic-{index:06d}-{report.generation}.txt"
        path.write_bytes(data)
        inputs.append((str(path), data))
    return inputs


def convert_one(path: str, data: bytes, out_dir: Path) -> None:
    """What the batch does for one input, minus the worker pool and the manifest."""
    try:
        report = convert_bytes(path, data)
    except RejectedInput:
        return
    _, nquads = emit_report(report, CONVERTED_AT, display_path=path)
    target = out_dir / (report.document.sha256 + ".nq")
    target.write_text(nquads, encoding="utf-8")


def throughput(name: str, inputs: Inputs, rounds: int, out_dir: Path, warm_up: Inputs | None = None) -> None:
    """``warm_up`` (default: the inputs themselves) loads the catalogue, label index, areas and
    regexes; warming up on other reports keeps caches keyed by content from flattering the rate."""
    warm = out_dir / f"{name.replace(' ', '-')}-warm-up"
    warm.mkdir()
    for path, data in warm_up if warm_up is not None else inputs:
        convert_one(path, data, warm)
    folders = [out_dir / f"{name.replace(' ', '-')}-{round_}" for round_ in range(rounds)]
    for folder in folders:
        folder.mkdir()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for folder in folders:  # a fresh folder per round: a batch writes each graph once
        for path, _ in inputs:
            convert_one(path, Path(path).read_bytes(), folder)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    count = rounds * len(inputs)
    size = sum(len(data) for _, data in inputs) / len(inputs) / 1024
    print(
        f"{name:<18} {len(inputs):>5} files, {size:5.1f} KB avg: "
        f"{count / cpu:6.0f} reports/s per core (cpu {cpu / count * 1000:5.2f} ms/report), "
        f"wall {count / wall:6.0f}/s"
    )


def stages(name: str, inputs: Inputs, rounds: int, out_dir: Path) -> None:
    """CPU time per stage, per report (the stages of ``convert_document``, called one by one)."""
    spent: dict[str, float] = defaultdict(float)
    count = 0
    characters = quads = 0
    clock = time.process_time
    for _ in range(rounds):
        for path, data in inputs:
            t0 = clock()
            document = decode(path, data)
            t1 = clock()
            reading = read_tables(document.text)
            t2 = clock()
            metadata = extract_metadata(document.text, document.path)
            t3 = clock()
            extract_narrative(mask_spans(document.text, reading.table_spans), metadata.year)
            t4 = clock()
            try:
                report = convert_bytes(path, data)
            except RejectedInput:
                continue
            t5 = clock()
            _, nquads = emit_report(report, CONVERTED_AT, display_path=path)
            t6 = clock()
            (out_dir / f"stage-{count}.nq").write_text(nquads, encoding="utf-8")
            t7 = clock()
            for stage, seconds in (
                ("decode", t1 - t0),
                ("tables", t2 - t1),
                ("metadata", t3 - t2),
                ("narrative", t4 - t3),
                ("emit", t6 - t5),
                ("write", t7 - t6),
            ):
                spent[stage] += seconds
            count += 1
            characters += len(nquads)
            quads += nquads.count("\n")
    parts = ", ".join(f"{stage} {seconds / count * 1000:.2f}" for stage, seconds in spent.items())
    print(f"{'':<18} ms/report by stage: {parts}")
    # What writing the N-Quads costs by itself bounds the rate, whatever reading and parsing cost.
    output = (spent["emit"] + spent["write"]) / count
    print(
        f"{'':<18} output: {quads / count:,.0f} quads, {characters / count / 1024:,.0f} K characters "
        f"per report; emit + write alone {output * 1000:.2f} ms = at most {1 / output:,.0f} reports/s "
        "per core"
    )


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


# --- the long batch ---------------------------------------------------------------------------------


def write_batch_inputs(work: Path, count: int, seed: int) -> Path:
    """N synthetic text reports in work/inputs (reused when already there)."""
    inputs = work / f"inputs-{count}-{seed}"
    done = inputs / ".complete"
    if done.exists():
        return inputs
    from ogikg.synth.population import population
    from ogikg.synth.render import Rendering, render

    rng = random.Random(seed)
    years = range(2012, 2025)
    started = time.perf_counter()
    for index, report in enumerate(population(-(-count // len(years)), years, rng, contradiction_share=0.05)):
        if index == count:
            break
        layout = TEXT_LAYOUTS[index % len(TEXT_LAYOUTS)]
        data, _ = render(report, Rendering(layout, traditional=rng.random() < 0.07), rng)
        folder = inputs / f"{index // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:06d}.txt").write_bytes(data)
        if index and index % 10000 == 0:
            print(f"  rendered {index} inputs ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    done.write_text(str(count))
    return inputs


_CHILD = r"""
import json, os, resource, sys, threading, time
from pathlib import Path
from ogikg.converter.batch import convert_batch

inputs, out, jobs, keep = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
samples, stop = [], threading.Event()

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

def watch():
    started = time.perf_counter()
    while not stop.wait(2.0):
        samples.append((round(time.perf_counter() - started), round(rss_mb(), 1)))
        if not keep:  # finished graphs are not needed by the measurement: keep the disk free
            graphs = out / "graphs"
            if graphs.is_dir():
                for folder in graphs.iterdir():
                    for file in folder.glob("*.nq"):
                        try:
                            file.unlink()
                        except OSError:
                            pass

thread = threading.Thread(target=watch, daemon=True)
thread.start()
started = time.perf_counter()
summary = convert_batch([inputs], out, jobs=jobs, resume=False, progress=False)
wall = time.perf_counter() - started
stop.set()
thread.join()
self_usage = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "summary": summary.line(), "wall": wall, "samples": samples,
    "parent_peak_mb": self_usage.ru_maxrss / 1024, "worker_peak_mb": children.ru_maxrss / 1024,
    "cpu_parent": self_usage.ru_utime + self_usage.ru_stime,
    "cpu_workers": children.ru_utime + children.ru_stime,
}))
"""


def batch(count: int, jobs: int, seed: int, work: Path, keep: bool) -> None:
    work.mkdir(parents=True, exist_ok=True)
    inputs = write_batch_inputs(work, count, seed)
    out = Path(tempfile.mkdtemp(prefix="batch-out-", dir=work))
    print(f"batch of {count} synthetic text reports, {jobs} workers, load average {load_average()}")
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(inputs), str(out), str(jobs), "1" if keep else "0"],
        check=True,
        capture_output=True,
        text=True,
    )
    record = json.loads(result.stdout.strip().splitlines()[-1])
    samples = record["samples"]
    shown = [samples[int(i * (len(samples) - 1) / 8)] for i in range(9)] if samples else []
    print(f"  {record['summary']}")
    print(
        f"  wall {record['wall']:.0f} s: {count / record['wall']:.0f} reports/s with {jobs} workers; "
        f"worker CPU {record['cpu_workers']:.0f} s ({count / max(record['cpu_workers'], 1e-9):.0f} "
        f"reports/s per core), batch process CPU {record['cpu_parent']:.0f} s"
    )
    print(
        f"  peak RSS: batch process {record['parent_peak_mb']:.0f} MB, largest worker "
        f"{record['worker_peak_mb']:.0f} MB"
    )
    print("  batch process RSS over the run (s, MB): " + ", ".join(f"{t}:{m:.0f}" for t, m in shown))
    print(f"  manifest: {out / 'manifest.jsonl'}; load average after {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over each corpus")
    parser.add_argument("--synthetic", type=int, default=1500, help="synthetic reports in the mix")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage breakdown")
    parser.add_argument("--batch", type=int, default=0, help="run a batch of N reports and measure RSS")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ogikg-bench-convert")
    parser.add_argument("--keep", action="store_true", help="keep the N-Quads the batch writes")
    args = parser.parse_args()
    if args.batch:
        batch(args.batch, args.jobs, args.seed, args.work, args.keep)
        return
    print(f"load average before: {load_average()} ({os.cpu_count()} cores)")
    groups = corpus_inputs()
    with tempfile.TemporaryDirectory(prefix="bench-convert-") as temporary:
        out, synthetic = Path(temporary) / "out", Path(temporary) / "in"
        out.mkdir()
        synthetic.mkdir()
        for name, inputs in groups.items():
            if not inputs:
                print(f"{name}: no inputs")
                continue
            throughput(name, inputs, args.rounds, out)  # real files, repeated: content caches are warm
            if not args.no_stages:
                stages(name, inputs, 1, out)
        # synthetic reports never seen before: warm-up on other ones, one pass over a fresh set
        (synthetic / "warm-up").mkdir()
        (synthetic / "timed").mkdir()
        warm_up = synthetic_inputs(min(args.synthetic, 200), args.seed + 1000, synthetic / "warm-up")
        inputs = synthetic_inputs(args.synthetic * args.rounds, args.seed, synthetic / "timed")
        throughput("synthetic mix", inputs, 1, out, warm_up)
        if not args.no_stages:
            stages("synthetic mix", inputs[: args.synthetic], 1, out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load average after: {load_average()}; peak RSS of this process {peak:.0f} MB")


if __name__ == "__main__":
    main()
