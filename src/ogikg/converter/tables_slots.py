"""The cell positions of a printed row: which form cell (or which extra cell) each one is.

A form row has the cells of its catalogue row; an old local form prints several value columns
(the year's column maps to the form, the others — 历年累计 — are extra cells); a 表三 printed with
a 法人小计 column has an eighth position that is read but not reported; a row the form does not
have takes the columns of the row above it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ogikg.converter.tables_cells import SlotSpec
from ogikg.converter.tables_rows import RowMaterial, TableRows
from ogikg.converter.tables_spec import form_spec
from ogikg.converter.values import COUNT


def row_slots(rows: TableRows, row: RowMaterial, previous: RowMaterial | None) -> Sequence[SlotSpec]:
    """The cell positions of a printed row, in printed order (shared, not to be modified)."""
    if row.spec is not None:
        generation = row.spec.table.split(".", 1)[0]
        return _form_slots(rows.table, row.spec.notation, rows.value_columns, rows.subtotal_at, generation)
    return _build_slots(rows.table, row, previous, rows.value_columns, rows.subtotal_at)


def form_row_slots(row: RowMaterial) -> list[SlotSpec]:
    """The plain form cells of a row (no extra columns)."""
    assert row.spec is not None
    return [SlotSpec(c.key, c.kind, c.header, c) for c in row.spec.cells]


@functools.lru_cache(maxsize=1024)
def _form_slots(
    table: str, notation: str, value_columns: tuple[str, ...], subtotal_at: int | None, generation: str
) -> tuple[SlotSpec, ...]:
    row = RowMaterial(table, form_spec(generation).rows[notation], None)
    return tuple(_build_slots(table, row, None, value_columns, subtotal_at))


def _build_slots(
    table: str,
    row: RowMaterial,
    previous: RowMaterial | None,
    value_columns: tuple[str, ...],
    subtotal_at: int | None,
) -> list[SlotSpec]:
    """Cell positions of a form row, an extra row (``previous``: the form row above it) or 表四."""
    suffix = table.rsplit(".", 1)[-1]
    identity = id(row)
    if row.spec is None and row.head is None:  # 表四's data row
        return [SlotSpec(c.key, c.kind, c.header, c) for c in row.columns]
    if row.spec is not None:
        form_cells = list(row.spec.cells)
    elif previous is not None and previous.spec is not None:
        form_cells = list(previous.spec.cells)  # an extra row takes the columns of the row above
    else:
        form_cells = []
    if suffix == "T":
        names = value_columns or ("",)
        slots = []
        for position, name in enumerate(names):
            if position == 0 and row.spec is not None and form_cells:
                cell = form_cells[0]
                slots.append(SlotSpec(cell.key, cell.kind, name or cell.header, cell))
            else:
                kind = form_cells[0].kind if form_cells else COUNT
                slots.append(SlotSpec(("~", identity, position), kind, name, None))
        return slots
    slots = []
    for position, cell in enumerate(form_cells):
        if row.spec is not None:
            slots.append(SlotSpec(cell.key, cell.kind, cell.header, cell))
        else:
            slots.append(SlotSpec(("~", identity, position), cell.kind, cell.header, None))
    if suffix == "T3" and subtotal_at is not None and slots:
        slots.insert(subtotal_at, SlotSpec(("~", identity, "subtotal"), COUNT, "", None, ignored=True))
    return slots
