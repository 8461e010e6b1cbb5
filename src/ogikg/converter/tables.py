"""The table reader: decoded text → the official tables' cells, mapped to the indicator catalogue.

``read_tables(text)`` segments the text into pieces (``segment``; labels wrapped over lines
joined by ``segment_wrapped``), recognises the form generation from the labels it finds
(``template``), reads each table's rows (``tables_rows``), aligns or splits their values
(``tables_cells``, ``digits``) and maps every printed cell position to its indicator. Cells that
could not be read with certainty are ``uncertain`` with their alternatives; nothing is guessed
silently. Numbers from tables that are not part of the form go to ``extra_cells``.
"""

from __future__ import annotations

import functools

from ogikg.converter.labels import LabelEntry, Role, label_index
from ogikg.converter.model import Cell, ExtraTableCell, Span, TableReading, Template
from ogikg.converter.segment import Kind, Piece, find_sections, scan
from ogikg.converter.segment_wrapped import join_cut_labels
from ogikg.converter.tables_cells import ProseEvidence
from ogikg.converter.tables_extra import extra_tables
from ogikg.converter.tables_objects import new_span
from ogikg.converter.tables_read import read_cells
from ogikg.converter.tables_rows import TableRows, read_rows, split_regions
from ogikg.converter.tables_spec import form_spec
from ogikg.converter.template import generation_of_export, recognise, template_of


def read_tables(text: str, export_fields: tuple[str, ...] = ()) -> TableReading:
    """Read the official tables of a report (``text`` = ``DecodedDocument.text``; ``export_fields``
    = the field names of a JSON export, which may tell the form when no label does)."""
    index = label_index()
    pieces = join_cut_labels(scan(text, index), index)
    generation, template_warnings = recognise(text, pieces, index)
    warnings = list(template_warnings)
    cells: list[Cell] = []
    extra: list[ExtraTableCell] = []
    table_regions: list[list[Piece]] = []
    form_spans: tuple[Span, ...] = ()
    tables: list[TableRows] = []
    if generation is not None:
        spec = form_spec(generation)
        regions = split_regions(pieces, spec)
        tables = [
            rows
            for table in spec.titles
            if table in regions and (rows := read_rows(regions[table], table, spec, index.units)) is not None
        ]
        for rows in tables:
            table_regions.extend(rows.regions)
        form_spans = _table_spans(table_regions)
        prose = ProseEvidence(text, form_spans)
        text_end = (pieces[-1].line, pieces[-1].end) if pieces else (0, 0)
        cells, extra = read_cells(tables, spec, index.units, prose, text_end, warnings)
    spans = form_spans if cells or extra else ()
    other_tables, other_spans = extra_tables(text, {span.line for span in spans}, index.units)
    extra.extend(other_tables)
    all_spans = spans
    if other_spans:
        by_position = {(s.line, s.start, s.end): s for s in (*spans, *other_spans)}
        all_spans = tuple(by_position[position] for position in sorted(by_position))
    template = template_of(generation) if cells else Template.NARRATIVE
    if not cells:
        # no table: how the generation would have been chosen does not matter
        warnings = [w for w in warnings if w not in template_warnings]
        if any(rows.rows for rows in tables):
            warnings.append(f"rows of the {generation} form found but no table cell could be read")
        exported, export_warnings = generation_of_export(export_fields, index)
        if exported is not None:
            template = template_of(exported)
            warnings.extend(export_warnings)
    return TableReading(
        template=template,
        cells=tuple(cells),
        extra_cells=tuple(extra),
        table_spans=all_spans,
        sections=find_sections(text, all_spans, _known_titles()),
        warnings=tuple(dict.fromkeys(warnings)),
    )


@functools.cache
def _known_titles() -> tuple[str, ...]:
    """Label keys of the report section titles and table titles, longest first."""
    index = label_index()
    titles = set(index.sections)
    titles.update(key for key, entries in index.entries.items() if any(e.role is Role.TABLE for e in entries))
    return tuple(sorted(titles, key=len, reverse=True))


# --- provenance ---------------------------------------------------------------------------------


_TITLES: dict[int, bool] = {}


def _is_title(entries: tuple[LabelEntry, ...]) -> bool:
    # entries tuples are shared objects of the label index: memoise per tuple
    found = _TITLES.get(id(entries))
    if found is None:
        found = _TITLES[id(entries)] = all(entry.role is Role.TABLE for entry in entries)
    return found


def _table_spans(regions: list[list[Piece]]) -> tuple[Span, ...]:
    """Per region and line, the columns the table occupies (one-line dumps share lines with prose)."""
    spans: set[tuple[int, int, int]] = set()
    text_kind, label_kind = Kind.TEXT, Kind.LABEL
    for region in regions:
        line, low, high = -1, 0, 0
        lines: dict[int, tuple[int, int]] = {}
        for piece in region:
            kind = piece.kind
            if kind is text_kind and len(piece.text) >= 50:
                continue
            if kind is label_kind and _is_title(piece.entries):
                continue  # a table's title is also the heading of its report section
            if piece.line != line:
                if line >= 0:
                    lines[line] = _widen(lines.get(line), low, high)
                line, low, high = piece.line, piece.start, piece.end
            else:
                if piece.start < low:
                    low = piece.start
                if piece.end > high:
                    high = piece.end
        if line >= 0:
            lines[line] = _widen(lines.get(line), low, high)
        spans.update((number, low, high) for number, (low, high) in lines.items())
    return tuple(new_span(line, low, high) for line, low, high in sorted(spans))


def _widen(bounds: tuple[int, int] | None, low: int, high: int) -> tuple[int, int]:
    return (low, high) if bounds is None else (min(bounds[0], low), max(bounds[1], high))
