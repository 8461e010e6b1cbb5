"""JSON Lines files the stages keep (convert's manifest, validate's ledger), read leniently."""

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
