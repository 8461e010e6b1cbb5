"""Tables that are not part of the official form (a 2013–2017 series, a breakdown by channel).

A block of consecutive pipe rows outside the form's tables, whose first row is a header and whose
other rows are a label followed by numbers, becomes ``ExtraTableCell``s: the table is named by the
line printed just above it (its caption or the sentence introducing it), each number by its row
label and column header; a unit printed in the row label ("(条)") or the header is kept.
"""

from __future__ import annotations

import re

from ogikg.converter.model import ExtraTableCell, Span, ValueStatus
from ogikg.converter.values import COUNT, parse_value

_UNIT_IN_LABEL = re.compile(r"[(（]\s*(?:单位\s*[:：]\s*)?([^()（）]{1,3})\s*[)）]\s*$")


def _cells(line: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for position, char in enumerate(line):
        if char == "|":
            bounds.append((start, position))
            start = position + 1
    bounds.append((start, len(line)))
    if line.rstrip().endswith("|"):
        bounds.pop()
    if line.lstrip().startswith("|") and len(bounds) > 1:
        bounds.pop(0)
    stripped = []
    for low, high in bounds:
        while low < high and line[low].isspace():
            low += 1
        while high > low and line[high - 1].isspace():
            high -= 1
        stripped.append((low, high))
    return stripped


def extra_tables(
    text: str, form_lines: set[int], units: tuple[str, ...]
) -> tuple[list[ExtraTableCell], list[Span]]:
    """Numbers of pipe tables outside the official form, and the spans they occupy."""
    found: list[ExtraTableCell] = []
    spans: list[Span] = []
    if text.count("|") < 4:
        return found, spans  # not two rows of three cells
    lines = text.split("\n")
    rows = [
        number
        for number, line in enumerate(lines, 1)
        if line.count("|") >= 2 and number not in form_lines and len(_cells(line)) >= 3
    ]
    block: list[int] = []
    for number in rows:  # blocks of consecutive rows
        if block and number != block[-1] + 1:
            if len(block) >= 2:
                _read_block(lines, block, units, found, spans)
            block = []
        block.append(number)
    if len(block) >= 2:
        _read_block(lines, block, units, found, spans)
    return found, spans


def _read_block(
    lines: list[str], block: list[int], units: tuple[str, ...], found: list[ExtraTableCell], spans: list[Span]
) -> None:
    header_line = block[0]
    header = [lines[header_line - 1][a:b] for a, b in _cells(lines[header_line - 1])]
    caption = ""
    for number in range(header_line - 1, 0, -1):
        candidate = lines[number - 1].strip()
        if candidate:
            caption = candidate
            break
    produced = False
    for number in block[1:]:
        line = lines[number - 1]
        bounds = _cells(line)
        if len(bounds) < 2:
            continue
        label = line[bounds[0][0] : bounds[0][1]]
        unit_match = _UNIT_IN_LABEL.search(label)
        unit = unit_match.group(1) if unit_match and unit_match.group(1) in units else None
        parsed_cells = []
        for position, (low, high) in enumerate(bounds[1:], 1):
            raw = line[low:high]
            parsed = parse_value(raw, COUNT, units)
            column = header[position] if position < len(header) else ""
            parsed_cells.append((column, raw, parsed, Span(number, low, high)))
        if not parsed_cells or not any(p.status is ValueStatus.REPORTED for _, _, p, _ in parsed_cells):
            continue
        if any(p.status is ValueStatus.ILLEGIBLE for _, _, p, _ in parsed_cells):
            continue  # words, not numbers: not a table of figures
        for column, raw, parsed, span in parsed_cells:
            found.append(ExtraTableCell(caption, label, column, parsed.status, parsed.value, raw, unit, span))
        produced = True
        spans.append(Span(number, 0, len(line)))
    if produced:
        spans.append(Span(header_line, 0, len(lines[header_line - 1])))
