"""The converter pipeline as one pure function per report.

decode → normalise → segment → recognise template → read tables → map to indicators (tables)
→ metadata → narrative figures → ParsedReport. ``emit`` turns the result into N-Quads.
"""

from __future__ import annotations

import re
from pathlib import Path

from ogikg.converter.decode import decode
from ogikg.converter.metadata import extract_metadata
from ogikg.converter.model import (
    DecodedDocument,
    ParsedReport,
    RejectedInput,
    Span,
    Template,
    ValueStatus,
)
from ogikg.converter.narrative import extract_narrative
from ogikg.converter.tables import read_tables

# Words without which a text cannot be a government-information-disclosure report.
_REPORT_SIGNS = re.compile(r"信息公开|政务公开|公开工作")


def mask_spans(text: str, spans: tuple[Span, ...]) -> str:
    """The text with the given spans blanked out (same length and line structure)."""
    if not spans:
        return text
    lines = text.split("\n")
    for span in spans:
        index = span.line - 1
        if 0 <= index < len(lines):
            line = lines[index]
            start, end = max(0, span.start), min(len(line), span.end)
            if start < end:
                lines[index] = line[:start] + " " * (end - start) + line[end:]
    return "\n".join(lines)


def convert_document(document: DecodedDocument) -> ParsedReport:
    """Read one decoded document; raises RejectedInput when it is not an annual report."""
    reading = read_tables(document.text, document.export_fields)
    metadata = extract_metadata(document.text, document.path)
    if reading.template is Template.NARRATIVE and not _REPORT_SIGNS.search(document.text):
        raise RejectedInput(
            "not a government-information-disclosure report: no official table and no mention of "
            "信息公开/政务公开"
        )
    prose = mask_spans(document.text, reading.table_spans)
    narrative = extract_narrative(prose, metadata.year)
    warnings = list(reading.warnings)
    if metadata.agency is None:
        warnings.append("agency not identified")
    if metadata.year is None:
        warnings.append("year covered not identified")
    uncertain = [c for c in reading.cells if c.status is ValueStatus.UNCERTAIN]
    if uncertain:
        warnings.append(f"{len(uncertain)} cell(s) uncertain")
    return ParsedReport(
        document=document,
        metadata=metadata,
        template=reading.template,
        cells=reading.cells,
        narrative=narrative,
        extra_cells=reading.extra_cells,
        sections=reading.sections,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def convert_bytes(path: str, data: bytes) -> ParsedReport:
    return convert_document(decode(path, data))


def convert_path(path: str | Path) -> ParsedReport:
    """Convenience for tests and scripts: read a file and convert it."""
    return convert_bytes(str(path), Path(path).read_bytes())


def all_warnings(report: ParsedReport) -> tuple[str, ...]:
    """Every warning raised on the way, in pipeline order, without repeats."""
    return tuple(dict.fromkeys((*report.document.warnings, *report.metadata.warnings, *report.warnings)))
