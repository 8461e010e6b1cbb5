"""Re-running the pipeline costs what changed: convert, validate and load, timed three times.

    .venv/bin/python benchmarks/bench_rerun.py [--agencies 120] [--changed 0.01] [--jobs 2] [--work DIR]

1. first run  — ``ogikg convert``, ``ogikg validate`` and ``ogikg load`` (with its dumps) over a
   fresh synthetic national corpus (``--agencies`` × 17 years, rendered by scale_synth.py);
2. no change  — the same three commands again, nothing changed;
3. changed    — ``--changed`` of the text and HTML inputs get one more line (a new checksum,
   the same report), then the three commands again.

Each command runs as its own process and is measured from outside (wall and CPU time of its
process tree, scale_measure.py); its summary line is printed beside the figures. The work folder
(default: a temporary one) is deleted afterwards unless ``--work`` is given.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

from scale_measure import run_measured

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


def run_round(name: str, root: Path, jobs: int) -> None:
    logs = root / "logs" / name.replace(" ", "-")
    for stage, argv in commands(root, jobs):
        measured = run_measured(argv, log_dir=logs, name=stage)
        if measured.exit_code not in (0, 1):  # validate exits 1 when a report has a violation
            raise SystemExit(f"{stage} failed ({measured.exit_code}); see {logs / (stage + '.err')}")
        said = summary_line(logs / (f"{stage}.out" if stage == "validate" else f"{stage}.err"))
        print(f"{name:<10} {stage:<9} wall {measured.wall_s:7.1f} s  cpu {measured.cpu_s:7.1f} s   {said}")


def change_inputs(root: Path, share: float, seed: int) -> int:
    """Append a line to ``share`` of the text and HTML inputs; returns how many were changed."""
    candidates = sorted(
        p for p in (root / "synth" / "reports").rglob("*") if p.suffix in (".txt", ".html", ".htm")
    )
    chosen = random.Random(seed).sample(candidates, max(1, round(len(candidates) * share)))
    for path in chosen:
        with path.open("ab") as stream:
            stream.write(b"\n")
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agencies", type=int, default=120, help="× 17 years of reports")
    parser.add_argument("--changed", type=float, default=0.01, help="share of text/HTML inputs changed")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="work folder, kept (default: temporary, deleted)")
    args = parser.parse_args()
    root = args.work or Path(tempfile.mkdtemp(prefix="ogikg-rerun-"))
    try:
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
