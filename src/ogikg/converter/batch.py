"""Batch conversion: the I/O edge of the converter.

Reads input files (or folders), converts each in a worker process, writes one N-Quads file per
report (its report graph, then its agency's and area's graphs) and a JSON-lines manifest that
accounts for every input: ``converted``, ``converted_with_warnings`` (listed) or ``rejected``
(with the reason). One bad file never stops the batch. Memory stays flat: workers return small
records and the parent streams them to disk. A re-run skips inputs whose checksum and converter
version are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from ogikg import __version__
from ogikg.converter.decode import MAX_INPUT_BYTES
from ogikg.converter.emit import emit_report
from ogikg.converter.model import RejectedInput, ValueStatus
from ogikg.converter.pipeline import all_warnings, convert_bytes
from ogikg.jsonl import MANIFEST, REJECTED, readable_lines

GRAPHS_DIR = "graphs"
PER_FILE_SECONDS = 60

CONVERTED = "converted"
WITH_WARNINGS = "converted_with_warnings"


def expand_inputs(inputs: Iterable[str]) -> Iterator[Path]:
    """Files named directly, and every non-hidden file below named folders, in a stable order."""
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in sorted(files):
                    if not file.startswith("."):
                        yield Path(root) / file
        else:
            yield path


def output_name(sha256: str) -> str:
    return f"{GRAPHS_DIR}/{sha256[:2]}/{sha256}.nq"


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _Timeout


def area_description(adcode: str) -> tuple[str, str | None]:
    """(full name, parent adcode) of an area, for ``emit_report``'s ``area_lookup``."""
    from ogikg.converter.areas import area

    found = area(adcode)
    return (found.full_name, found.parent) if found else (adcode, None)


def convert_file(path: str, out_dir: str, converted_at: str) -> dict:
    """Convert one input and write its graph; always returns a manifest record, never raises."""
    record: dict = {"input": path, "converter": __version__}
    try:
        size = os.path.getsize(path)
    except OSError as error:
        return {**record, "status": REJECTED, "reason": f"cannot read file: {error.strerror or error}"}
    if size > MAX_INPUT_BYTES:
        limit = MAX_INPUT_BYTES // (1024 * 1024)
        return {
            **record,
            "status": REJECTED,
            "reason": f"file is {size / 1048576:.1f} MB, above the {limit} MB limit",
        }
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return {**record, "status": REJECTED, "reason": f"cannot read file: {error.strerror or error}"}
    sha256 = hashlib.sha256(data).hexdigest()
    record["sha256"] = sha256
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(PER_FILE_SECONDS)
    try:
        report = convert_bytes(path, data)
        ids, nquads = emit_report(
            report, datetime.fromisoformat(converted_at), display_path=path, area_lookup=area_description
        )
    except RejectedInput as rejection:
        return {**record, "status": REJECTED, "reason": rejection.reason}
    except _Timeout:
        return {**record, "status": REJECTED, "reason": f"conversion took longer than {PER_FILE_SECONDS} s"}
    except Exception as error:  # a converter bug must not stop the batch; it is reported instead
        return {**record, "status": REJECTED, "reason": f"internal error: {type(error).__name__}: {error}"}
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    target = Path(out_dir) / output_name(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(nquads, encoding="utf-8")
    temporary.replace(target)
    warnings = list(all_warnings(report))
    meta = report.metadata
    return {
        **record,
        "status": WITH_WARNINGS if warnings else CONVERTED,
        "warnings": warnings,
        "report": ids.report,
        "graph": ids.graph,
        "agency": meta.agency.name if meta.agency else None,
        "adcode": meta.agency.adcode if meta.agency else None,
        "year": meta.year,
        "template": report.template.value,
        "cells": len(report.cells),
        "uncertain": sum(1 for c in report.cells if c.status is ValueStatus.UNCERTAIN),
        "narrative": len(report.narrative),
        "output": output_name(sha256),
        "quads": nquads.count("\n"),
    }


def _convert_task(args: tuple[str, str, str]) -> dict:
    return convert_file(*args)


@dataclass
class BatchSummary:
    counts: Counter = field(default_factory=Counter)
    skipped: int = 0

    @property
    def rejected(self) -> int:
        return self.counts[REJECTED]

    def line(self) -> str:
        total = sum(self.counts.values())
        parts = [f"{self.counts[status]} {status}" for status in (CONVERTED, WITH_WARNINGS, REJECTED)]
        skipped = f" ({self.skipped} unchanged, skipped)" if self.skipped else ""
        return f"{total} inputs: " + ", ".join(parts) + skipped


def _previous_records(manifest: Path) -> dict[str, str]:
    """input path → its manifest line, for inputs that converted with this converter version."""
    return {
        record["input"]: line if line.endswith("\n") else line + "\n"
        for line, record in readable_lines(manifest)
        if record.get("status") != REJECTED and record.get("converter") == __version__
    }


def _unchanged(path: str, line: str, out_dir: Path) -> bool:
    record = json.loads(line)
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    return hashlib.sha256(data).hexdigest() == record.get("sha256") and (out_dir / record["output"]).exists()


def convert_batch(
    inputs: Iterable[str],
    out_dir: str | Path,
    *,
    jobs: int = 1,
    resume: bool = True,
    progress: bool | None = None,
) -> BatchSummary:
    """Convert every input into ``out_dir``; returns the counts per status."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    previous = _previous_records(manifest_path) if resume else {}
    paths = [str(p) for p in expand_inputs(inputs)]
    summary = BatchSummary()
    converted_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    show = sys.stderr.isatty() if progress is None else progress
    seen_graphs: dict[str, str] = {}
    temporary = manifest_path.with_suffix(".jsonl.tmp")
    with (
        temporary.open("w", encoding="utf-8") as manifest,
        tqdm(total=len(paths), disable=not show, unit="file", desc="convert") as bar,
    ):
        todo: list[str] = []
        for path in paths:
            line = previous.get(path)
            if line is not None and _unchanged(path, line, out):
                record = json.loads(line)
                summary.counts[record["status"]] += 1
                summary.skipped += 1
                seen_graphs.setdefault(record.get("graph") or "", path)
                manifest.write(line)
                bar.update()
            else:
                todo.append(path)
        for record in _run(todo, str(out), converted_at, jobs):
            graph = record.get("graph")
            if graph:
                first = seen_graphs.setdefault(graph, record["input"])
                if first != record["input"]:
                    record["warnings"] = [
                        *record.get("warnings", []),
                        f"same report as {first}; loading replaces it",
                    ]
                    record["status"] = WITH_WARNINGS
            summary.counts[record["status"]] += 1
            manifest.write(json.dumps(record, ensure_ascii=False) + "\n")
            bar.update()
    temporary.replace(manifest_path)
    return summary


def _run(paths: list[str], out_dir: str, converted_at: str, jobs: int) -> Iterator[dict]:
    tasks = [(path, out_dir, converted_at) for path in paths]
    if jobs <= 1 or len(tasks) < 2:
        yield from map(_convert_task, tasks)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=jobs, maxtasksperchild=5000) as pool:
        yield from pool.imap_unordered(_convert_task, tasks, chunksize=8)
