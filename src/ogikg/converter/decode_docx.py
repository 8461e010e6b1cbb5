"""DOCX → lines: paragraphs and tables in body order, tables as pipe rows.

The body XML is walked directly (python-docx opens and validates the package and supplies
paragraph text), so paragraphs and tables keep their order. A merged cell appears once: a
horizontally merged cell is one ``w:tc`` already; the continuation cells of a vertical merge
(``w:vMerge`` without ``restart``) are skipped. Paragraphs inside a cell join like wrapped lines
(no space between CJK characters); a table nested in a cell follows its row, row by row.
"""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ogikg.converter.decode_cells import join_fragments, render_row
from ogikg.converter.model import RejectedInput

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (
    qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent")
)
_TC_PR, _V_MERGE, _VAL = qn("w:tcPr"), qn("w:vMerge"), qn("w:val")


def docx_to_lines(data: bytes) -> list[str]:
    """Lines of a Word document's body; raises RejectedInput for damaged packages."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # BadZipFile, missing parts, XML syntax errors in a part, …
        raise RejectedInput(f"truncated or damaged DOCX: {_short(error)}") from error
    lines: list[str] = []
    _render_blocks(document.element.body, document, lines)
    return lines


def _short(error: BaseException) -> str:
    message = str(error).strip() or type(error).__name__
    return message.splitlines()[0][:120]


def _render_blocks(container: Any, parent: Any, lines: list[str]) -> None:
    for child in container.iterchildren():
        if child.tag == _P:
            text = Paragraph(child, parent).text
            lines.extend(part.strip() for part in text.split("\n") if part.strip())
        elif child.tag == _TBL:
            _render_table(child, parent, lines)
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                _render_blocks(content, parent, lines)


def _is_merge_continuation(cell: Any) -> bool:
    properties = cell.find(_TC_PR)
    if properties is None:
        return False
    merge = properties.find(_V_MERGE)
    return merge is not None and merge.get(_VAL, "continue") != "restart"


def _cell_text(cell: Any, parent: Any) -> str:
    fragments: list[str] = []
    for paragraph in cell.iter(_P):
        if paragraph.getparent() is not None and _nearest(paragraph, _TC) is cell:
            fragments.extend(Paragraph(paragraph, parent).text.split("\n"))
    return join_fragments(fragments)


def _nearest(element: Any, tag: str) -> Any:
    node = element.getparent()
    while node is not None and node.tag != tag:
        node = node.getparent()
    return node


def _rows(table: Any) -> list[Any]:
    rows = list(table.iterchildren(_TR))
    for sdt in table.iterchildren(_SDT):  # rows wrapped in content controls
        for content in sdt.iterchildren(_SDT_CONTENT):
            rows.extend(content.iterchildren(_TR))
    return rows


def _cells(row: Any) -> list[Any]:
    cells: list[Any] = []
    for child in row.iterchildren():
        if child.tag == _TC:
            cells.append(child)
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                cells.extend(content.iterchildren(_TC))
    return cells


def _render_table(table: Any, parent: Any, lines: list[str]) -> None:
    for row in _rows(table):
        cells = [cell for cell in _cells(row) if not _is_merge_continuation(cell)]
        texts = [_cell_text(cell, parent) for cell in cells]
        if any(texts):
            lines.append(render_row(texts))
        for cell in cells:
            for nested in cell.iter(_TBL):
                if _nearest(nested, _TC) is cell:
                    _render_table(nested, parent, lines)
