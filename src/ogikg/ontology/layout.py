"""The printed layout of each official table, derived from the catalogue.

A table becomes a grid of header and data cells with row and column spans, as the official
forms print it: 表三's outcome groups span the rows of their items, its applicant columns sit
under 申请人情况 / 法人或其他组织, 表四 prints its three groups side by side over one data row.
Data cells carry the key of the value they hold: (indicator notation, applicant notation or None).
The same grid serves the HTML pages of the server and the synthetic renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ogikg.ontology.catalogue import Catalogue, Concept, catalogue

CellKey = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    key: CellKey | None = None  # set on data cells


@dataclass(slots=True)
class GridTable:
    notation: str
    title: str
    rows: list[list[GridCell]] = field(default_factory=list)
    width: int = 0
    caption: str | None = None  # a line printed above the grid (e.g. the 表二 block heading)

    def data_keys(self) -> list[CellKey]:
        return [cell.key for row in self.rows for cell in row if cell.key is not None]


def _top_rows(cat: Catalogue, table: Concept) -> list[Concept]:
    rows = [
        c
        for c in cat.by_iri.values()
        if c.table == table.iri and c.broader is None and c.kind in ("row", "indicator", "derived", "block")
    ]
    return sorted(rows, key=lambda c: (c.order, c.notation))


def _value_cell(key: CellKey, value_text: Callable[[CellKey], str]) -> GridCell:
    return GridCell(value_text(key), key=key)


def _empty(_: CellKey) -> str:
    return ""


def form_tables(generation: str, value_text: Callable[[CellKey], str] = _empty) -> list[GridTable]:
    """The official tables of a generation (old, 2019, 2021) as printed grids."""
    cat = catalogue()
    tables: list[GridTable] = []
    for table in cat.tables(generation):
        suffix = table.notation.rsplit(".", 1)[-1]
        if generation == "old":
            tables.append(_old_table(cat, table, value_text))
        elif suffix == "T2":
            tables.extend(_block_tables(cat, table, value_text))
        elif suffix == "T3":
            tables.append(_applicant_table(cat, table, value_text))
        elif suffix == "T4":
            tables.append(_review_table(cat, table, value_text))
    return tables


def _old_table(cat: Catalogue, table: Concept, value_text: Callable[[CellKey], str]) -> GridTable:
    value_column = cat.iri(table.columns[0]).label_zh
    unit_column = cat["old.col.unit"].label_zh
    grid = GridTable(table.notation, table.label_zh, width=3)
    label_column = cat["old.col.label"].label_zh
    grid.rows.append(
        [
            GridCell(label_column, header=True),
            GridCell(unit_column, header=True),
            GridCell(value_column, header=True),
        ]
    )

    def walk(concept: Concept) -> None:
        if concept.kind == "indicator":
            unit = cat.iri(concept.unit).label_zh if concept.unit else ""
            grid.rows.append(
                [
                    GridCell(concept.label_zh),
                    GridCell(unit),
                    _value_cell((concept.notation, None), value_text),
                ]
            )
        else:
            grid.rows.append([GridCell(concept.label_zh), GridCell("——"), GridCell("")])
        for child in cat.children(concept):
            walk(child)

    for top in _top_rows(cat, table):
        walk(top)
    return grid


def _block_tables(cat: Catalogue, table: Concept, value_text: Callable[[CellKey], str]) -> list[GridTable]:
    """表二: one small grid per 第二十条 block, all as wide as the widest block."""
    blocks = [c for c in _top_rows(cat, table) if c.kind == "block"]
    width = 1 + max(len(b.columns) for b in blocks)
    header_label = cat[f"{table.notation}.header"].label_zh
    grids = []
    for block in blocks:
        columns = sorted((cat.iri(c) for c in block.columns), key=lambda c: c.order)
        grid = GridTable(block.notation, table.label_zh, width=width)
        grid.rows.append([GridCell(block.label_zh, colspan=width, header=True)])
        header = [GridCell(header_label, header=True)]
        header += [GridCell(c.label_zh, header=True) for c in columns]
        _pad_last(header, width)
        grid.rows.append(header)
        for row in cat.children(block):
            cells = [GridCell(row.label_zh)]
            by_column = {c.form_column: c for c in cat.children(row)}
            cells += [_value_cell((by_column[col.iri].notation, None), value_text) for col in columns]
            _pad_last(cells, width)
            grid.rows.append(cells)
        grids.append(grid)
    return grids


def _pad_last(cells: list[GridCell], width: int) -> None:
    missing = width - sum(c.colspan for c in cells)
    if missing > 0:
        last = cells[-1]
        cells[-1] = GridCell(last.text, last.rowspan, last.colspan + missing, last.header, last.key)


def _data_rows(cat: Catalogue, concept: Concept) -> int:
    children = cat.children(concept)
    return 1 if not children or concept.kind == "indicator" else sum(_data_rows(cat, c) for c in children)


def _depth(cat: Catalogue, concept: Concept) -> int:
    children = [] if concept.kind == "indicator" else cat.children(concept)
    return 1 + (max(_depth(cat, c) for c in children) if children else 0)


def _applicant_table(cat: Catalogue, table: Concept, value_text: Callable[[CellKey], str]) -> GridTable:
    """表三: outcome rows (a tree up to three levels deep) × the seven applicant columns."""
    applicants = cat.applicant_types()
    legal = cat["LP"]
    organisations = [a for a in applicants if a.broader == legal.iri]
    tops = [c for c in _top_rows(cat, table) if c.kind in ("indicator", "derived")]
    label_width = max(_depth(cat, c) for c in tops)
    width = label_width + len(applicants)
    grid = GridTable(table.notation, table.label_zh, width=width)
    grid.rows.append(
        [
            GridCell(table.header_note or "", rowspan=3, colspan=label_width, header=True),
            GridCell(_applicant_scheme_label(cat), colspan=len(applicants), header=True),
        ]
    )
    second = [GridCell(applicants[0].label_zh, rowspan=2, header=True)]
    second.append(GridCell(legal.label_zh, colspan=len(organisations), header=True))
    second.append(GridCell(applicants[-1].label_zh, rowspan=2, header=True))
    grid.rows.append(second)
    grid.rows.append([GridCell(a.label_zh, header=True) for a in organisations])

    def walk(concept: Concept, level: int, pending: list[GridCell]) -> None:
        children = [] if concept.kind == "indicator" else cat.children(concept)
        if not children:
            cells = [*pending, GridCell(concept.label_zh, colspan=label_width - level)]
            cells += [_value_cell((concept.notation, a.notation), value_text) for a in applicants]
            grid.rows.append(cells)
            return
        label = GridCell(concept.label_zh, rowspan=_data_rows(cat, concept))
        for index, child in enumerate(children):
            walk(child, level + 1, [*pending, label] if index == 0 else [])

    for top in tops:
        walk(top, 0, [])
    return grid


def _applicant_scheme_label(cat: Catalogue) -> str:
    from ogikg import iris

    scheme = cat.by_iri.get(iris.SCHEME + "applicant")
    return scheme.label_zh if scheme else "申请人情况"


def _review_table(cat: Catalogue, table: Concept, value_text: Callable[[CellKey], str]) -> GridTable:
    """表四: groups side by side (行政复议 | 行政诉讼: 未经复议直接起诉, 复议后起诉), one data row."""
    tops = [c for c in _top_rows(cat, table) if c.kind == "row"]
    leaves: list[Concept] = []  # rows that own columns, in printed order
    for top in tops:
        subgroups = [c for c in cat.children(top) if c.kind == "row"]
        leaves.extend(subgroups or [top])
    width = sum(len(leaf.columns) for leaf in leaves)
    depth = max(2 if any(c.kind == "row" for c in cat.children(top)) else 1 for top in tops) + 1
    grid = GridTable(table.notation, table.label_zh, width=width)
    rows: list[list[GridCell]] = [[] for _ in range(depth)]
    for top in tops:
        subgroups = [c for c in cat.children(top) if c.kind == "row"]
        span = sum(len(g.columns) for g in (subgroups or [top]))
        rows[0].append(GridCell(top.label_zh, colspan=span, header=True))
        if subgroups:
            for group in subgroups:
                rows[1].append(GridCell(group.label_zh, colspan=len(group.columns), header=True))
                rows[2].extend(GridCell(c.label_zh, header=True) for c in _columns(cat, group))
        else:
            rows[1].extend(GridCell(c.label_zh, rowspan=depth - 1, header=True) for c in _columns(cat, top))
    grid.rows.extend(rows)
    data = []
    for leaf in leaves:
        by_column = {c.form_column: c for c in cat.children(leaf) if c.kind == "indicator"}
        data += [_value_cell((by_column[col.iri].notation, None), value_text) for col in _columns(cat, leaf)]
    grid.rows.append(data)
    return grid


def _columns(cat: Catalogue, row: Concept) -> list[Concept]:
    return sorted((cat.iri(c) for c in row.columns), key=lambda c: c.order)
