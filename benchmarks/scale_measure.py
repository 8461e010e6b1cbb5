"""Measuring one command of the scale benchmark: wall time, CPU time and peak memory of its whole
process tree (the command and every worker it forks), without psutil.

Peak memory is sampled from /proc every ``interval`` seconds (less often as a stage runs on, up
to every 2 s after ten minutes): the largest single process (RSS) and
the sum over the tree of each process's proportional set size (PSS, /proc/PID/smaps_rollup), which
counts a page shared by forked workers once instead of once per worker. CPU time is the
``RUSAGE_CHILDREN`` difference, which includes every descendant that was waited for.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float  # the largest single process
    peak_tree_mb: float  # the whole tree at its peak (sum of PSS)
    exit_code: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            key: (round(value, 2) if isinstance(value, float) else value)
            for key, value in asdict(self).items()
        }


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(_children(current))
    return tree


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in kB; (0, 0) once it has gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                rss = pss = int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except OSError:
            return 0, 0
    return rss, pss


class TreeSampler:
    """Samples the memory of a process tree in a background thread until stopped."""

    def __init__(self, pid: int, interval: float = 0.2, longest_interval: float = 2.0) -> None:
        self.pid = pid
        self.interval = interval
        # Reading smaps_rollup walks the page tables of a multi-GB process: every 0.2 s that took
        # half a core from the measured stage (100,000 reports). Long stages are sampled less often.
        self.longest_interval = longest_interval
        self.peak_rss_kb = 0
        self.peak_tree_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        total = 0
        for pid in process_tree(self.pid):
            rss, pss = _memory_kb(pid)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            total += pss
        self.peak_tree_kb = max(self.peak_tree_kb, total)

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            self.sample()
            elapsed = time.monotonic() - started
            self._stop.wait(min(self.longest_interval, self.interval + elapsed / 300))


def run_measured(
    argv: Sequence[str],
    *,
    log_dir: Path,
    name: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdout: Path | None = None,
) -> Measured:
    """Run ``argv`` to completion; stdout goes to ``stdout`` (default LOG_DIR/NAME.out), stderr to
    LOG_DIR/NAME.err."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path = stdout or log_dir / f"{name}.out"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with out_path.open("wb") as out, (log_dir / f"{name}.err").open("wb") as err:
        process = subprocess.Popen(list(argv), stdout=out, stderr=err, cwd=cwd, env=env)
        with TreeSampler(process.pid) as sampler:
            code = process.wait()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(
        wall_s=wall,
        cpu_s=cpu,
        peak_rss_mb=sampler.peak_rss_kb / 1024,
        peak_tree_mb=sampler.peak_tree_kb / 1024,
        exit_code=code,
    )


def directory_mb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for file in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(root, file))
    return total / 1048576
