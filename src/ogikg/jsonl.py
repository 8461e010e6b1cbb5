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


def read_manifest(out_dir: str | Path) -> Iterator[dict]:
    """The records of a convert output's manifest, in order."""
    with (Path(out_dir) / MANIFEST).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)
