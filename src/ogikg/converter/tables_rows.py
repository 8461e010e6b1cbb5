"""Pieces of a report → the rows of each official table, with the printed material of each row.

First the piece stream is cut into table regions: a label that belongs to one table only (a title,
a 表二 block heading, a header, a row) opens that table's region; running prose or a numbered
section heading that is not a label closes it. Then each region is read in form order:

* 表二: a row label collects the values up to the next label;
* 表三: headers (applicant types, 申请人情况) come first; then row and group labels; "其他" and
  "总计" are both a header and a row label, decided by their item number and the rows already seen;
* 表四: its values in printed order form one row of fifteen cells (one data row under the
  headers, or three rows each after its group label);
* old form: headers (统计指标 | 单位 | 统计数, or a local form's year columns), then rows of
  label, unit, value(s).

Text followed by values inside a region is a row the form does not have (a provincial extra row,
a nested sub-row, a garbled label); it is kept with its values for the caller to map or report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ogikg.converter.labels import LabelEntry, Role
from ogikg.converter.normalise import has_unclosed_bracket
from ogikg.converter.segment import Kind, Piece
from ogikg.converter.tables_spec import CellSpec, FormSpec, RowSpec

_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]{1,2}\s*、")
_PROSE_LENGTH = 50
_YEAR_SPLIT = re.compile(r"(\d{4}\s*年度?)")


@dataclass(slots=True)
class RowMaterial:
    """One printed row: what heads it and the value/empty pieces that follow."""

    table: str
    spec: RowSpec | None  # None: a row the form does not have
    head: Piece | None  # the label or text piece heading the row (None for 表四's data row)
    values: list[Piece] = field(default_factory=list)
    unit: str | None = None  # unit printed in the row's unit column
    columns: tuple[CellSpec, ...] = ()  # the cells of the row, in printed order
    loose: bool = False  # some value is a token of running text, not a whole table cell
    continued: str = ""  # text after the label that is the rest of it (see _continues_label)
    cut: bool = False  # a value may be a digit of the label: it abuts the label's open bracket


@dataclass(slots=True)
class TableRows:
    table: str
    rows: list[RowMaterial]
    pieces: list[Piece]  # every piece of the table's regions
    regions: list[list[Piece]] = field(default_factory=list)  # the regions read, in text order
    value_columns: tuple[str, ...] = ()  # old forms with several value columns (local variants)
    subtotal_at: int | None = None  # 表三: position of a 法人小计 column among the value cells


def is_prose(piece: Piece) -> bool:
    return piece.kind is Kind.TEXT and (
        "。" in piece.text or len(piece.text) >= _PROSE_LENGTH or bool(_SECTION_HEADING.match(piece.text))
    )


_TABLES_OF: dict[tuple[int, str], list[str]] = {}


def _tables_of(piece: Piece, spec: FormSpec) -> list[str]:
    # entries tuples are shared objects of the label index: memoise per tuple and generation
    memo_key = (id(piece.entries), spec.generation)
    cached = _TABLES_OF.get(memo_key)
    if cached is not None:
        return cached
    found: list[str] = []
    for entry in piece.entries:
        if entry.generation == spec.generation and entry.table:
            table = entry.table
        elif entry.generation is None and entry.role is Role.APPLICANT and "T3" in spec.tables:
            table = spec.tables["T3"]
        else:
            continue
        if table not in found:
            found.append(table)
    order = list(spec.titles)
    result = sorted(found, key=lambda t: order.index(t) if t in order else 99)
    _TABLES_OF[memo_key] = result
    return result


def split_regions(pieces: list[Piece], spec: FormSpec) -> dict[str, list[list[Piece]]]:
    """Consecutive pieces belonging to each table of the generation, region by region."""
    regions: dict[str, list[list[Piece]]] = {}
    current: str | None = None
    collected: list[Piece] = []

    def close() -> None:
        if current is not None and collected:
            regions.setdefault(current, []).append(list(collected))
        collected.clear()

    label, text = Kind.LABEL, Kind.TEXT
    for piece in pieces:
        kind = piece.kind
        if kind is label:
            tables = _tables_of(piece, spec)
            if tables and current not in tables:
                close()
                current = tables[0]
        elif kind is text and is_prose(piece):
            close()
            current = None
            continue
        if current is not None:
            collected.append(piece)
    close()
    return regions


def _entry(piece: Piece, table: str, roles: tuple[Role, ...]) -> LabelEntry | None:
    for entry in piece.entries:
        if entry.table == table and entry.role in roles:
            return entry
    return None


def _anchored(region: list[Piece], table: str, spec: FormSpec) -> bool:
    """A real table region has a header of its own (a title alone is not enough: report
    introductions list the section titles), or at least two distinct rows."""
    rows: set[str] = set()
    for piece in region:
        if piece.kind is not Kind.LABEL:
            continue
        if any(
            (e.table == table and e.role in (Role.BLOCK, Role.COLUMN)) or e.role is Role.APPLICANT
            for e in piece.entries
        ):
            return True
        entry = _entry(piece, table, (Role.ROW, Role.GROUP))
        if entry:
            rows.add(entry.notation)
    return len(rows) >= 2


_DASHES = re.compile(r"[—\-]{1,4}")


def _is_unit(text: str, units: tuple[str, ...]) -> bool:
    return text in units or bool(_DASHES.fullmatch(text))


def _continues_label(head: Piece | None, text: Piece) -> bool:
    """Whether a text piece is the rest of a label: in the same table cell, or the tail of a label cut
    in two (an unclosed bracket, a closing bracket)."""
    if head is None:
        return False
    if head.in_cell and text.in_cell and (head.line, head.cell) == (text.line, text.cell):
        return True
    return (
        has_unclosed_bracket(head.text)
        or text.text.endswith((")", "）"))
        or text.text.startswith((")", "）", ",", "，"))
    )


def read_rows(
    regions: list[list[Piece]], table: str, spec: FormSpec, units: tuple[str, ...]
) -> TableRows | None:
    """The printed rows of one table from its regions."""
    usable = [region for region in regions if _anchored(region, table, spec)]
    if not usable:
        return None
    pieces = [piece for region in usable for piece in region]
    suffix = table.rsplit(".", 1)[-1]
    if suffix == "T4":
        review = _review_rows(pieces, table, spec)
        review.regions = usable
        return review
    result = TableRows(table, [], pieces, usable)
    header_phase = suffix in ("T3", "T")
    header_texts: list[Piece] = []
    applicant_order: list[str] = []
    open_row: RowMaterial | None = None
    continued_end = (0, 0)  # where the text continuing the open row's label ends
    last_position = -1
    label_kind, text_kind, value_kind = Kind.LABEL, Kind.TEXT, Kind.VALUE
    for piece in pieces:
        kind = piece.kind
        if kind is label_kind:
            row_entry = _row_entry(piece, table, spec, header_phase, last_position)
            if row_entry is None:
                if header_phase:
                    applicant_order.extend(e.notation for e in piece.entries if e.role is Role.APPLICANT)
                    header_texts.append(piece)
                    open_row = None
                elif _foreign_row(piece, spec):
                    # a row of another generation's form (a 2021-style （六） sub-row in a 2019
                    # report): not a cell of this form, but its numbers are kept
                    open_row = RowMaterial(table, None, piece)
                    result.rows.append(open_row)
                else:
                    open_row = None  # a header printed again (after a page break): nothing to read
                continue
            header_phase = False
            row_spec = spec.rows[row_entry.notation]
            open_row = RowMaterial(table, row_spec, piece, columns=row_spec.cells)
            result.rows.append(open_row)
            last_position = max(last_position, row_spec.position)
        elif kind is text_kind:
            if _is_unit(piece.text, units):
                if open_row is not None and not open_row.values:
                    open_row.unit = piece.text
                continue
            if header_phase:
                header_texts.append(piece)
                continue
            if open_row is not None and not open_row.values and _continues_label(open_row.head, piece):
                open_row.continued += piece.text
                continued_end = (piece.line, piece.end)
                continue
            open_row = RowMaterial(table, None, piece, unit=piece.unit)
            result.rows.append(open_row)
        elif open_row is not None:
            if kind is value_kind:
                if piece.unit and not open_row.unit:
                    open_row.unit = piece.unit
                if not piece.explicit:
                    open_row.loose = True
                    # "(不同渠道和方式公开相同信息计1" + "条)" on the next line: the label's digit
                    if not open_row.values and (piece.line, piece.start) == continued_end:
                        open_row.cut = has_unclosed_bracket(open_row.continued)
            open_row.values.append(piece)
    result.rows = [
        row for row in result.rows if row.spec is not None or any(v.kind is Kind.VALUE for v in row.values)
    ]
    if suffix == "T":
        result.value_columns = _value_columns(header_texts)
    if suffix == "T3":
        result.subtotal_at = _subtotal_position(applicant_order, spec)
        if result.subtotal_at is None:
            result.subtotal_at = _subtotal_by_arithmetic(result.rows, spec)
    return result


def _foreign_row(piece: Piece, spec: FormSpec) -> bool:
    """A row label of another generation only; with "3.其他" (also an applicant header) the printed
    item number decides."""
    entries = piece.entries
    if any(e.generation == spec.generation and e.role in (Role.ROW, Role.GROUP) for e in entries):
        return False
    foreign = [e for e in entries if e.generation not in (spec.generation, None) and e.role is Role.ROW]
    if not foreign:
        return False
    if any(e.generation is None for e in entries):
        return piece.number is not None and any(e.number == piece.number for e in foreign)
    return True


def _row_entry(
    piece: Piece, table: str, spec: FormSpec, header_phase: bool, last_position: int
) -> LabelEntry | None:
    """The row a label heads, or None when it is a header.

    A label shared by several rows ("(二)被依法纠错数" under 行政复议 and under 行政诉讼) heads the
    first of them that comes after the rows already read.
    """
    candidates, is_header_too = _row_candidates(piece.entries, table, spec)
    if not candidates:
        return None
    if len(candidates) == 1:
        entry = candidates[0][0]
    else:
        ahead = [pair for pair in candidates if pair[1] > last_position]
        entry = min(ahead, key=lambda pair: pair[1])[0] if ahead else candidates[0][0]
    if not is_header_too:
        return entry
    # "其他"/"总计": a row only with its item number, or where that row comes next in the form
    numbers = {e.number for e, _ in candidates if e.notation == entry.notation and e.number}
    if piece.number and piece.number in numbers:
        return entry
    if header_phase:
        return None
    row = spec.rows[entry.notation]
    return entry if row.position > last_position and row.position - last_position <= 4 else None


_CANDIDATES: dict[tuple[int, str, str], tuple[tuple[tuple[LabelEntry, int], ...], bool]] = {}


def _row_candidates(
    entries: tuple[LabelEntry, ...], table: str, spec: FormSpec
) -> tuple[tuple[tuple[LabelEntry, int], ...], bool]:
    """The rows of ``table`` a label can head, with their printed positions, and whether the label
    is also a header; memoised per entries tuple (shared objects of the label index)."""
    key = (id(entries), table, spec.generation)
    found = _CANDIDATES.get(key)
    if found is None:
        candidates = tuple(
            (e, spec.rows[e.notation].position)
            for e in entries
            if e.table == table and e.role in (Role.ROW, Role.GROUP) and e.notation in spec.rows
        )
        header = any(e.role is Role.APPLICANT for e in entries) or any(
            e.table == table and e.role in (Role.COLUMN, Role.TABLE) for e in entries
        )
        found = _CANDIDATES[key] = (candidates, header)
    return found


def _value_columns(headers: list[Piece]) -> tuple[str, ...]:
    """Value columns of an old-form header: 统计数, or a local form's '2011年度' / '历年累计'."""
    names: list[str] = []
    seen_unit = False
    for piece in headers:
        notations = {e.notation for e in piece.entries}
        if piece.kind is Kind.LABEL and any(n.endswith(".col.unit") for n in notations):
            seen_unit = True
            continue
        if piece.kind is Kind.LABEL and any(n.endswith(".col.value") for n in notations):
            names.append(piece.text)
            continue
        if piece.kind is Kind.TEXT and seen_unit:
            text = piece.text
            parts = [p for p in _YEAR_SPLIT.split(text) if p and p.strip()]
            names.extend(part.strip() for part in parts)
    return tuple(names)


def _subtotal_position(order: list[str], spec: FormSpec) -> int | None:
    """Position among the value cells where a 法人小计 column is printed, from the header: the
    group heading 法人或其他组织 comes before its columns; a second one among them is a subtotal."""
    group = spec.legal_person
    columns = [n for n in order if n in spec.organisations or n == group]
    if columns.count(group) < 2:
        return None
    rest = columns[columns.index(group) + 1 :]
    return 1 + rest.index(group)


def _subtotal_by_arithmetic(rows: list[RowMaterial], spec: FormSpec) -> int | None:
    """A header without 小计 but rows of eight numbers: the position whose number is the sum of
    the organisation columns (and leaves 总计 = the sum of the others) in every such row."""
    width = 2 + len(spec.organisations)  # 自然人, organisations, 总计
    printed = []
    for row in rows:
        numbers = [v.text for v in row.values if v.kind is Kind.VALUE]
        if row.spec is not None and len(numbers) == width + 1 and all(t.isdigit() for t in numbers):
            printed.append([int(t) for t in numbers])
    if len(printed) < 2:
        return None
    fitting = [
        position
        for position in range(1, width)
        if all(
            (rest := values[:position] + values[position + 1 :])[-1] == sum(rest[:-1])
            and values[position] == sum(rest[1:-1])
            for values in printed
        )
    ]
    return fitting[0] if len(fitting) == 1 else None


def _review_rows(pieces: list[Piece], table: str, spec: FormSpec) -> TableRows:
    """表四: its fifteen values in printed order — one data row under the headers, or (printed
    row by row) the values after each group label. Empty cells on a line of headers without any
    value are colspan padding."""
    value_lines = {piece.line for piece in pieces if piece.kind is Kind.VALUE}
    label_lines = {piece.line for piece in pieces if piece.kind is Kind.LABEL}
    data = RowMaterial(table, None, None, columns=spec.review_cells)
    for piece in pieces:
        if piece.kind is Kind.VALUE or (
            piece.kind is Kind.EMPTY and (piece.line in value_lines or piece.line not in label_lines)
        ):
            data.values.append(piece)
        elif is_prose(piece) or (piece.kind is Kind.TEXT and data.values):
            break
    data.loose = any(not piece.explicit for piece in data.values)
    rows = [data] if data.values else []
    return TableRows(table, rows, pieces)
