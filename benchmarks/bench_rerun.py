"""Re-running the pipeline costs what changed: convert, validate and load, timed three times.

    .venv/bin/python benchmarks/bench_rerun.py [--agencies 120] [--changed 0.01] [--jobs 2] [--work DIR]
    .venv/bin/python benchmarks/bench_rerun.py --output DIR [--changed 0.01] [--work DIR]

1. first run  — ``ogikg convert``, ``ogikg validate`` and ``ogikg load`` (with its dumps) over a
   fresh synthetic national corpus (``--agencies`` × 17 years, rendered by scale_synth.py);
2. no change  — the same three commands again, nothing changed;
3. changed    — ``--changed`` of the text and HTML inputs get one more line (a new checksum,
   the same report), then the three commands again.

``--output DIR`` times ``ogikg load`` alone, on a copy of an existing convert output (such as
the one ``scale.py`` leaves in bench-data/scale-10000/out), in four rounds: a first run without
the reports of the latest year, nothing changed, the latest year's reports added (a new year
published), and ``--changed`` of the report files with a comment line appended (a new digest,
the same graph).

Each command runs as its own process and is measured from outside (wall and CPU time and peak
memory of its process tree, scale_measure.py); its summary line is printed beside the figures.
The work folder (default: a temporary one) is deleted afterwards unless ``--work`` is given.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

from scale_measure import run_measured

from ogikg.jsonl import MANIFEST, read_manifest

REPO = Path(__file__).resolve().parents[1]
OGIKG = str(Path(sys.executable).parent / "ogikg")


def commands(root: Path, jobs: int) -> list[tuple[str, list[str]]]:
    reports, out, store = root / "synth" / "reports", root / "out", root / "data" / "store"
    return [
        ("convert", [OGIKG, "convert", str(reports), "-o", str(out), "--jobs", str(jobs), "--no-progress"]),
        ("validate", [OGIKG, "validate", str(out), "--jobs", str(jobs), "--no-progress"]),
        ("load", [OGIKG, "load", str(out), "--store", str(store), "--no-progress"]),
    ]


def summary_line(path: Path) -> str:
    """The command's own summary line: "N inputs: …", "loaded …" or "N reports validated …"."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    marks = (" inputs: ", "loaded ", " validated")
    return next((line for line in reversed(lines) if any(mark in line for mark in marks)), "")


def run_round(name: str, root: Path, jobs: int, *, load_only: bool = False) -> None:
    logs = root / "logs" / name.replace(" ", "-")
    for stage, argv in commands(root, jobs):
        if load_only and stage != "load":
            continue
        measured = run_measured(argv, log_dir=logs, name=stage)
        if measured.exit_code not in (0, 1):  # validate exits 1 when a report has a violation
            raise SystemExit(f"{stage} failed ({measured.exit_code}); see {logs / (stage + '.err')}")
        said = summary_line(logs / (f"{stage}.out" if stage == "validate" else f"{stage}.err"))
        print(
            f"{name:<10} {stage:<9} wall {measured.wall_s:7.1f} s  cpu {measured.cpu_s:7.1f} s  "
            f"peak {measured.peak_rss_mb:6.0f} MB   {said}"
        )


def append_to_share(paths: list[Path], share: float, seed: int, line: bytes) -> int:
    """Append ``line`` to ``share`` of ``paths`` (at least one), chosen at random; returns how many."""
    chosen = random.Random(seed).sample(sorted(paths), max(1, round(len(paths) * share)))
    for path in chosen:
        with path.open("ab") as stream:
            stream.write(line)
    return len(chosen)


def change_inputs(root: Path, share: float, seed: int) -> int:
    """Append a line to ``share`` of the text and HTML inputs (a new checksum, the same report)."""
    reports = (root / "synth" / "reports").rglob("*")
    return append_to_share([p for p in reports if p.suffix in (".txt", ".html", ".htm")], share, seed, b"\n")


def hold_back_latest_year(out: Path) -> int:
    """Drop the reports of the latest year from the output's manifest; returns how many."""
    records = list(read_manifest(out))
    years = {record["graph"].rsplit("/", 1)[1] for record in records if record.get("graph")}
    latest = max(year for year in years if year.isdigit())
    kept = [r for r in records if not (r.get("graph") or "").endswith("/" + latest)]
    (out / MANIFEST).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8"
    )
    return len(records) - len(kept)


def change_outputs(root: Path, share: float, seed: int) -> int:
    """Append a comment line to ``share`` of the report files of the convert output (a new digest,
    the same graph)."""
    outputs = [
        root / "out" / record["output"] for record in read_manifest(root / "out") if record.get("output")
    ]
    return append_to_share(outputs, share, seed, b"# converted again\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agencies", type=int, default=120, help="× 17 years of reports")
    parser.add_argument("--changed", type=float, default=0.01, help="share of text/HTML inputs changed")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="work folder, kept (default: temporary, deleted)")
    parser.add_argument("--output", type=Path, help="time the load alone, on a copy of this convert output")
    args = parser.parse_args()
    root = args.work or Path(tempfile.mkdtemp(prefix="ogikg-rerun-"))
    try:
        if args.output is not None:
            for folder in ("out", "data"):
                shutil.rmtree(root / folder, ignore_errors=True)
            shutil.copytree(args.output, root / "out")
            print(f"held back the {hold_back_latest_year(root / 'out')} reports of the latest year")
            run_round("first run", root, args.jobs, load_only=True)
            run_round("no change", root, args.jobs, load_only=True)
            shutil.copyfile(args.output / MANIFEST, root / "out" / MANIFEST)
            run_round("new year", root, args.jobs, load_only=True)
            print(f"changed {change_outputs(root, args.changed, args.seed)} report files")
            run_round("changed", root, args.jobs, load_only=True)
            return
        synth = [sys.executable, str(REPO / "benchmarks" / "scale_synth.py"), str(root / "synth")]
        synth += ["--agencies", str(args.agencies), "--jobs", str(args.jobs), "--seed", str(args.seed)]
        if not (root / "synth" / "truth.jsonl").exists():
            measured = run_measured(
                synth,
                log_dir=root / "logs",
                name="synth",
            )
            if measured.exit_code:
                raise SystemExit(f"synth failed; see {root / 'logs' / 'synth.err'}")
        for folder in ("out", "data"):
            shutil.rmtree(root / folder, ignore_errors=True)
        run_round("first run", root, args.jobs)
        run_round("no change", root, args.jobs)
        changed = change_inputs(root, args.changed, args.seed)
        print(f"changed {changed} inputs")
        run_round("changed", root, args.jobs)
    finally:
        if args.work is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
