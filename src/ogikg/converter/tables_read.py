"""Printed rows → the report's cells: align or split every row, solve the run-together digits of
the whole report jointly under the form's identities, and map each cell position to its indicator
(or to an extra cell). Rows printed twice, misprinted labels and excerpts cut inside a row are
handled here; every such decision leaves a warning.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from decimal import Decimal

from ogikg.converter import digits
from ogikg.converter.labels import own_number
from ogikg.converter.model import Cell, ExtraTableCell, Span, ValueStatus
from ogikg.converter.segment import Kind
from ogikg.converter.tables_cells import (
    CellReading,
    ProseEvidence,
    RowPlan,
    SlotSpec,
    plan_readings,
    plan_row,
    readings_from_run,
    resolve_windows,
)
from ogikg.converter.tables_objects import new_cell, new_span
from ogikg.converter.tables_rows import RowMaterial, TableRows
from ogikg.converter.tables_slots import form_row_slots, row_slots
from ogikg.converter.tables_spec import FormSpec, RowSpec, form_spec, rules_for
from ogikg.converter.values import CellKind, parse_value
from ogikg.ontology.catalogue import catalogue


def read_cells(
    tables: list[TableRows],
    spec: FormSpec,
    units: tuple[str, ...],
    prose: ProseEvidence,
    text_end: tuple[int, int],
    warnings: list[str],
) -> tuple[list[Cell], list[ExtraTableCell]]:
    """The cells of the form (in form order) and the extra cells, from the printed rows;
    ``text_end`` is where the text stops (an excerpt may stop inside a row)."""
    plans: list[tuple[TableRows, RowPlan]] = []
    for rows in tables:
        table_plans: list[RowPlan] = []
        previous: RowMaterial | None = None
        seen: set[str] = set()
        printed = _dedupe(rows.rows, warnings)
        for number, row in enumerate(printed):
            if row.spec is not None and not row.spec.cells:
                previous = row
                continue  # a heading (old-form section) prints no cells of its own
            if row.spec is not None and not row.values:
                if row.spec.cells and _prints_cells(row.spec.notation) and row.head is not None:
                    if (row.head.line, row.head.end) >= text_end:
                        warnings.append(f"{row.spec.notation}: the text ends after the row label")
                        continue
                    if _numbers_beside(printed, number):
                        warnings.append(
                            f"{row.spec.notation}: a row the form does not have holds figures on the "
                            "line next to its label; its cells are not read"
                        )
                        continue
                    if any(char.isdigit() for char in row.continued):
                        # "…舆情计1次 0次)": a figure may stand in the text run on from the label
                        warnings.append(
                            f"{row.spec.notation}: figures in the text after the row label; "
                            "its cells are not read"
                        )
                        continue
                    # label (and unit) but not one value up to the next row: every cell is blank
                    # ("规章 | " with the closing pipe of an empty last cell, a dump or PDF text
                    # that drops empty cells)
                    plan = RowPlan(row, form_row_slots(row))
                    end = Span(row.head.line, row.head.end, row.head.end)
                    plan.readings = [CellReading("", end) for _ in plan.slots]
                    table_plans.append(plan)
                    seen.add(row.spec.notation)
                    previous = row
                continue  # a heading, or a row whose cells are not printed (nested sub-rows follow)
            if (
                row.spec is not None
                and row.spec.children
                and rows.table.endswith(".T3")
                and not any(v.kind is Kind.VALUE for v in row.values)
            ):
                continue  # a 表三 group heading followed by padding
            if row.cut:
                warnings.append(
                    f"{_row_name(row)}: a figure right after an open bracket of the row label may be "
                    "part of it; the row's cells are not read"
                )
                continue
            slots = row_slots(rows, row, previous)
            if not slots:
                continue
            plan = plan_row(row, slots, units)
            if _cut_off(row, plan, text_end):
                warnings.append(
                    f"{_row_name(plan.row)}: the text ends inside the row; its cells are not read"
                )
                continue
            table_plans.append(plan)
            if row.spec is not None:
                seen.add(row.spec.notation)
                previous = row
        _fill_garbled_rows(table_plans, spec, seen, warnings)
        resolve_windows(table_plans)
        plans.extend((rows, plan) for plan in table_plans)
        if rows.subtotal_at is not None:
            warnings.append(
                f"{rows.table}: a 法人小计 column is printed; it is not part of the form and is ignored"
            )
    _solve_runs([plan for _, plan in plans], spec, prose, warnings)
    cells: list[Cell] = []
    extra: list[ExtraTableCell] = []
    for rows, plan in plans:
        _emit(rows, plan, spec, units, cells, extra, warnings)
    order = _form_order(spec.generation)
    cells.sort(key=lambda c: order.get((c.indicator, c.applicant), len(order)))
    return cells, extra


def _numbers_beside(rows: list[RowMaterial], number: int) -> bool:
    """Whether the row before or after a row without figures is one the form does not have, with
    figures on the line next to the row's label: in a table without rules these may be its own
    ("(七)" and its figures, "总计" on the next line)."""
    head = rows[number].head
    if head is None:
        return False
    for neighbour in rows[max(0, number - 1) : number + 2]:
        if neighbour.spec is not None or neighbour.head is None:
            continue
        lines = {piece.line for piece in neighbour.values if piece.kind is Kind.VALUE}
        if lines & {head.line - 1, head.line, head.line + 1}:
            return True
    return False


@functools.lru_cache(maxsize=512)
def _prints_cells(notation: str) -> bool:
    """Whether the form prints cells on this row (表三's outcome groups are headings only)."""
    concept = catalogue().get(notation)
    return concept is not None and concept.kind == "indicator"


def _cut_off(row: RowMaterial, plan: RowPlan, text_end: tuple[int, int]) -> bool:
    """An excerpt that stops inside a row: fewer cells than the form and nothing printed after."""
    if plan.run is not None or not row.values:
        return False
    last = row.values[-1]
    if (last.line, last.end) < text_end:
        return False
    return len(row.values) < len(plan.slots)


def _dedupe(rows: list[RowMaterial], warnings: list[str]) -> list[RowMaterial]:
    """A form row printed twice keeps the printing that has values (a header repeated on a new page)."""
    kept: list[RowMaterial] = []
    index: dict[str, int] = {}
    for row in rows:
        if row.spec is None:
            kept.append(row)
            continue
        notation = row.spec.notation
        has_values = any(v.kind is Kind.VALUE for v in row.values)
        if notation in index:
            earlier = kept[index[notation]]
            if has_values and not any(v.kind is Kind.VALUE for v in earlier.values):
                kept[index[notation]] = row
            elif has_values and row.spec.cells:
                warnings.append(f"row {notation} printed twice; the first printing is used")
            continue
        index[notation] = len(kept)
        kept.append(row)
    return kept


def _fill_garbled_rows(plans: list[RowPlan], spec: FormSpec, seen: set[str], warnings: list[str]) -> None:
    """A text row standing exactly where one form row is missing is that row with a misprinted label."""
    form_rows = [r for r in spec.rows.values() if r.cells and not r.children]
    for position, plan in enumerate(plans):
        row = plan.row
        if row.spec is not None or row.head is None or position == 0:
            continue
        before = plans[position - 1].row.spec
        after = next((p.row.spec for p in plans[position + 1 :] if p.row.spec is not None), None)
        if before is None or after is None or before.table != after.table:
            continue
        missing = [
            r
            for r in form_rows
            if r.table == before.table
            and before.position < r.position < after.position
            and r.notation not in seen
        ]
        if len(missing) != 1 or not _similar(row.head.text, missing[0], plan):
            continue
        target = missing[0]
        row.spec = target
        plan.slots = form_row_slots(row)
        seen.add(target.notation)
        warnings.append(f"row label {row.head.text!r} read as {target.notation} (misprinted label)")


def _similar(text: str, row: RowSpec, plan: RowPlan) -> bool:
    """Same item number (if both print one) and at least half the characters of the form's label."""
    concept = catalogue().get(row.notation)
    if concept is None or len(plan.slots) != len(row.cells):
        return False
    label = concept.label_zh
    if own_number(text) and own_number(label) and own_number(text) != own_number(label):
        return False
    common = sum(1 for char in set(text) if char in label)
    return common >= max(2, len(set(label)) // 2)


def _solve_runs(plans: list[RowPlan], spec: FormSpec, prose: ProseEvidence, warnings: list[str]) -> None:
    runs = [plan for plan in plans if plan.run is not None and plan.readings is None]
    if not runs:
        return
    present = {slot.key for plan in plans for slot in plan.slots if slot.form is not None}
    known: dict[Hashable, int | Decimal] = {}
    for plan in plans:
        readings = plan_readings(plan)
        if readings is None:
            continue
        for slot, reading in zip(plan.slots, readings, strict=False):
            if slot.form is None or reading.uncertain:
                continue
            parsed = parse_value(reading.raw, slot.kind)
            if parsed.status is ValueStatus.REPORTED and parsed.value is not None:
                known[slot.key] = parsed.value
    rules = rules_for(spec.generation, present)
    results = digits.solve([plan.run for plan in runs], rules, known)  # type: ignore[misc]
    for plan, result in zip(runs, results, strict=True):
        readings_from_run(plan, result, prose)
        if not result.constrained and any(r.left or r.right for r in rules if _touches(r, plan)):
            warnings.append(
                f"{_row_name(plan.row)}: the form's identities do not hold for the printed digits; "
                "the split uses no identity"
            )


def _touches(rule: digits.Rule, plan: RowPlan) -> bool:
    keys = {slot.key for slot in plan.slots}
    return any(key in keys for key in (*rule.left, *rule.right))


def _row_name(row: RowMaterial) -> str:
    if row.spec is not None:
        return row.spec.notation
    return row.head.text if row.head is not None else row.table


def _emit(
    rows: TableRows,
    plan: RowPlan,
    spec: FormSpec,
    units: tuple[str, ...],
    cells: list[Cell],
    extra: list[ExtraTableCell],
    warnings: list[str],
) -> None:
    if plan.note:
        warnings.append(f"{_row_name(plan.row)}: {plan.note}")
    uncertain_names: list[str] = []
    reported = ValueStatus.REPORTED
    if plan.readings is None and plan.grid is not None:
        plain = _plain_cells(plan)
        if plain is not None:  # the common row, made into cells straight from its pieces
            cells.extend(plain)
            return
    readings = plan_readings(plan) or []
    for slot, reading in zip(plan.slots, readings, strict=False):
        if slot.ignored:
            continue
        form = slot.form
        if form is None:
            extra.append(_extra_cell(rows, plan, slot, reading, slot.kind, spec, units))
            continue
        raw = reading.raw
        if raw.isdigit() and raw.isascii() and not reading.uncertain and not slot.kind.decimal:
            # the common cell: a plain count (what parse_value would say, without its detours)
            cells.append(new_cell(form.indicator, form.applicant, reported, int(raw), raw, reading.span))
            continue
        cell = _cell(slot, reading, slot.kind, units)
        if cell.status is ValueStatus.UNCERTAIN:
            uncertain_names.append(cell.key)
        cells.append(cell)
    if plan.row.spec is None and plan.row.head is not None and readings:
        warnings.append(
            f"{rows.table}: row {plan.row.head.text!r} is not part of the form; "
            "its numbers are kept as extra cells"
        )
    if uncertain_names:
        warnings.append("uncertain cells (several readings fit): " + ", ".join(uncertain_names))


def _plain_cells(plan: RowPlan) -> list[Cell] | None:
    """The cells of a grid row whose every position is a form cell printing a plain count (what
    parse_value would make of them), or None for any other row."""
    assert plan.grid is not None
    found: list[Cell] = []
    reported = ValueStatus.REPORTED
    for slot, piece in zip(plan.slots, plan.grid, strict=True):
        form, raw = slot.form, piece.text
        if form is None or slot.ignored or slot.kind.decimal or not (raw.isdigit() and raw.isascii()):
            return None
        span = new_span(piece.line, piece.start, piece.end)
        found.append(new_cell(form.indicator, form.applicant, reported, int(raw), raw, span))
    return found


def _cell(slot: SlotSpec, reading: CellReading, kind: CellKind, units: tuple[str, ...]) -> Cell:
    form = slot.form
    assert form is not None
    if reading.uncertain:
        value, alternatives = _uncertain_values(reading, kind, units)
        return Cell(
            form.indicator,
            form.applicant,
            ValueStatus.UNCERTAIN,
            value,
            reading.best or reading.raw,
            reading.span,
            alternatives,
        )
    parsed = parse_value(reading.raw, kind, units)
    return new_cell(form.indicator, form.applicant, parsed.status, parsed.value, reading.raw, reading.span)


def _uncertain_values(
    reading: CellReading, kind: CellKind, units: tuple[str, ...]
) -> tuple[int | Decimal | None, tuple[int | Decimal, ...]]:
    """The best reading's value (if any) and the other readings' values of an uncertain cell."""
    value = None
    if reading.best is not None:
        parsed = parse_value(reading.best, kind, units)
        value = parsed.value if parsed.status in (ValueStatus.REPORTED, ValueStatus.UNCERTAIN) else None
    alternatives: list[int | Decimal] = []
    for text in reading.alternatives:
        parsed = parse_value(text, kind, units)
        if parsed.value is not None and parsed.value != value and parsed.value not in alternatives:
            alternatives.append(parsed.value)
    return value, tuple(alternatives)


def _extra_cell(
    rows: TableRows,
    plan: RowPlan,
    slot: SlotSpec,
    reading: CellReading,
    kind: CellKind,
    spec: FormSpec,
    units: tuple[str, ...],
) -> ExtraTableCell:
    head = plan.row.head
    row_name = head.text if head is not None else ""
    table = spec.titles.get(rows.table, rows.table)
    unit = plan.row.unit or reading.unit
    if reading.uncertain:
        value, _ = _uncertain_values(reading, kind, units)
        raw = reading.best or reading.raw
        return ExtraTableCell(
            table, row_name, slot.header, ValueStatus.UNCERTAIN, value, raw, unit, reading.span
        )
    parsed = parse_value(reading.raw, kind, units)
    return ExtraTableCell(
        table, row_name, slot.header, parsed.status, parsed.value, reading.raw, unit, reading.span
    )


@functools.cache
def _form_order(generation: str) -> dict[tuple[str, str | None], int]:
    """Printed position of every cell of a generation's form."""
    spec = form_spec(generation)
    keys: list[tuple[str, str | None]] = []
    for row in sorted(spec.rows.values(), key=lambda r: (list(spec.titles).index(r.table), r.position)):
        keys.extend(cell.key for cell in row.cells)
    keys.extend(cell.key for cell in spec.review_cells)
    return {key: position for position, key in enumerate(keys)}
