"""JSON Lines files the stages keep: convert's manifest (every input's record) and validate's
ledger, read without importing the stage that wrote them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


def readable_lines(path: Path) -> Iterator[tuple[str, dict]]:
    """(line, record) of each line of a JSON Lines file that decodes; nothing if there is no file.
    A line cut short by an interrupted run is passed over: what it described is done again."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                yield line, json.loads(line)
            except json.JSONDecodeError:
                continue


MANIFEST = "manifest.jsonl"  # in a convert output folder
QUALITY_DIR = "quality"  # in a convert output folder: validate's quality graphs and its ledger
REJECTED = "rejected"  # the status of an input that gave no report


def read_manifest(out_dir: str | Path) -> Iterator[dict]:
    """The records of a convert output's manifest, in order."""
    with (Path(out_dir) / MANIFEST).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def report_records(out_dir: str | Path) -> Iterator[dict]:
    """The manifest records of a convert output that name a report file, each file once: two
    identical inputs share one output."""
    seen: set[str] = set()
    for record in read_manifest(out_dir):
        output = record.get("output")
        if output and record.get("status") != REJECTED and output not in seen:
            seen.add(output)
            yield record
