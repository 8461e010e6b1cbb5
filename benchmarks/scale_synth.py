"""The synthetic national corpus of the scale benchmark, rendered in parallel.

The same population as ``ogikg synth --agencies N --years 2008-2024`` (same generator, same
renderings and weights, same file layout and truth file), but the agencies are shared out between
``jobs`` processes: rendering DOCX with python-docx costs about a quarter of a second per report,
and one process would take hours for 100,000 reports. Each shard draws from its own seeded random
generator, so the corpus is the same for the same seed and number of jobs.

    .venv/bin/python benchmarks/scale_synth.py OUT --agencies 5883 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
from pathlib import Path

from ogikg.synth.command import pick_rendering
from ogikg.synth.population import PopulationAgency, agencies, make_report
from ogikg.synth.render import render

YEARS = range(2008, 2025)
TRUTH = "truth.jsonl"


def _shard(task: tuple[str, list[tuple[int, PopulationAgency]], range, int, int, float]) -> int:
    root_name, members, years, seed, shard, contradictions = task
    root = Path(root_name)
    rng = random.Random(f"{seed}/{shard}")
    written = 0
    with (root / f"truth-{shard}.jsonl").open("w", encoding="utf-8") as truth_file:
        for position, member in members:
            previous = None
            for offset, year in enumerate(years):
                report = make_report(member, year, rng, previous=previous, contradiction_share=contradictions)
                previous = report.form
                rendering = pick_rendering(rng)
                data, truth = render(report, rendering, rng)
                index = position * len(years) + offset
                name = f"{index:07d}-{report.agency.adcode}-{report.year}{rendering.extension}"
                folder = root / "reports" / name[:4]
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
                record = {"file": f"reports/{name[:4]}/{name}", **truth}
                truth_file.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    return written


def synthesise(
    out_dir: Path,
    agency_count: int,
    *,
    years: range = YEARS,
    seed: int = 1,
    jobs: int = 2,
    contradictions: float = 0.05,
) -> int:
    """Render every report of ``agency_count`` agencies over ``years`` into OUT/reports; returns
    the number of reports. Truth goes to OUT/truth.jsonl as with ``ogikg synth``."""
    (out_dir / "reports").mkdir(parents=True, exist_ok=True)
    members = list(enumerate(agencies(agency_count, random.Random(seed), year=years.start)))
    tasks = [
        (str(out_dir), members[shard::jobs], years, seed, shard, contradictions) for shard in range(jobs)
    ]
    if jobs <= 1:
        counts = [_shard(task) for task in tasks]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            counts = pool.map(_shard, tasks)
    with (out_dir / TRUTH).open("w", encoding="utf-8") as truth:
        for shard in range(jobs):
            part = out_dir / f"truth-{shard}.jsonl"
            truth.write(part.read_text(encoding="utf-8"))
            part.unlink()
    return sum(counts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--agencies", type=int, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    count = synthesise(args.out, args.agencies, seed=args.seed, jobs=args.jobs)
    print(f"{count} reports in {args.out / 'reports'}")


if __name__ == "__main__":
    main()
