"""PDF with a text layer → lines: running text in reading order, ruled tables as pipe rows.

pdfplumber gives characters with positions and finds ruled tables. A table row becomes a pipe row
(cells joined by `` | ``, a merged cell once, in its first row) when it has at least two cells and
every character in its band lies in some cell, or in a label block left of its cells (see the page
breaks below); other rows — prose that a page frame turned into a
one-cell "table", headings spanning the table, rows whose ruling lines are incomplete — stay
running text. Lines are rebuilt from characters: a gap wider than a character between CJK
characters (or a word space between Latin ones) becomes a space, narrower gaps from justified
text do not. Lines wrapped at the right margin are joined back into their paragraph (also across
pages) unless the next line is indented, numbered or looks like a table row; page numbers such as
"- 3 -" are dropped. Multi-line cell text is joined ("三\\n、\\n本\\n年…" → "三、本年…").

A table that runs over a page break is put back together, as browsers and word processors print
long tables: a merged label cell that the break left without its top or bottom rule (so that no
ruled cell holds its text, or the table found on the page does not even include its column) is
read as a label block in the row where its text starts; a row that the break cut in two (its
column rules go on past the table's last rule at the page bottom and before its first rule at
the next page top) becomes one row, each column's text above the break followed by the text below.
Word processors close a cut row with a rule on both pages instead: the row that opens the next
page is taken as the rest of the one above when it holds label text only, below cells whose text
runs to their right edge. A number wrapped in a narrow cell ("11" / "3") is one number.

A table drawn without rules has no cells to find: its rows stay lines of text, a long label
wrapped over several of them with the row's numbers beside one. The table reader joins such
labels again (``segment_wrapped``).
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect

from ogikg.converter.decode_cells import STARTS_ITEM, is_wide, join_fragments, render_row
from ogikg.converter.model import RejectedInput
from ogikg.converter.pdfcopy import PAGE_FOOTER_FORMS

Char = dict[str, Any]
BBox = tuple[float, float, float, float]

# Gap (in font sizes) above which two characters are separated by a space.
_WIDE_GAP = 0.8  # next to a CJK character: anything narrower is justification
_LATIN_GAP = 0.15  # between Latin letters/digits: a word space
_COLUMN_GAP = 1.5  # a gap this wide means the line holds columns (a table row without rules)
_LINE_TOLERANCE = 0.4  # characters whose vertical centres differ less (in sizes) share a line
_UNMAPPED_LIMIT = 0.3  # share of "(cid:N)" glyphs above which the text layer is unreadable
_MIN_TEXT_CHARS = 10
_MARGIN_LINE_CHARS = 10  # lines at least this long show where the right margin is …
_MARGIN_MIN_LINES = 4  # … when a page has this many of them

_DIGIT = re.compile(r"\d")
_CLOSING_PUNCTUATION = re.compile(r"^.?[。，、；：？！）」』”’%]")
_PAGE_NUMBER = re.compile(rf"^(?:{PAGE_FOOTER_FORMS}|\d{{1,4}}|\d{{1,4}}\s*/\s*\d{{1,4}})$")


@dataclass(slots=True)
class _Item:
    """A line of running text or a pipe row, positioned on its page."""

    page: int
    top: float
    x0: float
    x1: float
    size: float
    text: str
    is_row: bool
    has_columns: bool = False
    # A table row the page cut: "top" or "bottom" (the end of the page it sits at), with the text
    # of each column (x range between two rules) so that the two halves can be put together.
    open_end: str = ""
    columns: tuple[tuple[float, float, str], ...] = ()
    # Left edges of the ruled cells whose last line of text runs to the cell's right edge: the
    # text may go on in the next row, where a page break cut the row.
    filled: frozenset[float] = frozenset()


def pdf_to_lines(data: bytes) -> tuple[list[str], list[str]]:
    """Lines of a PDF's text layer and warnings; raises RejectedInput for unusable PDFs."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect as error:
        raise RejectedInput("encrypted PDF (a password is needed to read it)") from error
    except Exception as error:
        raise RejectedInput(f"truncated or damaged PDF: {_short(error)}") from error
    warnings: list[str] = []
    items: list[_Item] = []
    glyphs = unmapped = 0
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as error:
            raise RejectedInput(f"truncated or damaged PDF: {_short(error)}") from error
        if not pages:
            raise RejectedInput("truncated or damaged PDF: no readable pages")
        for number, page in enumerate(pages, start=1):
            try:
                page_items, page_glyphs, page_unmapped = _read_page(page, number)
            except Exception as error:
                raise RejectedInput(f"truncated or damaged PDF: page {number}: {_short(error)}") from error
            items.extend(page_items)
            glyphs += page_glyphs
            unmapped += page_unmapped
    if glyphs - unmapped < _MIN_TEXT_CHARS:
        if unmapped:
            raise RejectedInput("PDF text layer is unreadable (fonts without Unicode mapping; OCR needed)")
        raise RejectedInput("scanned PDF without a text layer (OCR needed)")
    if unmapped > _UNMAPPED_LIMIT * glyphs:
        raise RejectedInput("PDF text layer is unreadable (fonts without Unicode mapping; OCR needed)")
    if unmapped:
        warnings.append(f"{unmapped} PDF glyph(s) without Unicode mapping")
    if b"%%EOF" not in data[-2048:]:
        warnings.append("PDF has no end-of-file marker (possibly truncated)")
    return [item.text for item in _join_paragraphs(_join_split_rows(items))], warnings


def _short(error: BaseException) -> str:
    message = str(error).strip() or type(error).__name__
    return message.splitlines()[0][:120]


# --- one page ------------------------------------------------------------------------------------


def _center(char: Char) -> tuple[float, float]:
    return (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2


def _inside(point: tuple[float, float], box: BBox) -> bool:
    x, y = point
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _read_page(page: Any, number: int) -> tuple[list[_Item], int, int]:
    page = page.dedupe_chars()  # fake bold draws every glyph twice
    chars: list[Char] = [c for c in page.chars if c["text"].strip()]
    unmapped = sum(1 for c in chars if c["text"].startswith("(cid:"))
    if not chars:
        return [], 0, 0
    consumed: set[int] = set()  # ids of chars rendered inside pipe rows
    items: list[_Item] = []
    edges = page.edges
    tables = page.find_tables()
    for table in tables:
        items.extend(_table_rows(table, chars, edges, consumed, number))
    for table in tables:
        items.extend(_open_rows(table, tables, chars, edges, consumed, number))
    running = [c for c in chars if id(c) not in consumed]
    for line in _cluster_lines(running):
        text, has_columns = _line_text(line)
        top = min(c["top"] for c in line)
        bottom = max(c["bottom"] for c in line)
        at_edge = bottom > page.height * 0.9 or top < page.height * 0.08
        if at_edge and _PAGE_NUMBER.match(text.replace(" ", "")):
            continue
        items.append(
            _Item(
                page=number,
                top=top,
                x0=min(c["x0"] for c in line),
                x1=max(c["x1"] for c in line),
                size=statistics.median(c["size"] for c in line),
                text=text,
                is_row=False,
                has_columns=has_columns,
            )
        )
    items.sort(key=lambda item: item.top)
    return items, len(chars), unmapped


@dataclass(slots=True)
class _Block:
    """Text in a table that no ruled cell holds: a merged label cell whose closing rule the page
    break took (a rowspan cut in two by the end of the page), as browsers and word processors
    print long tables."""

    x0: float  # the column it sits in, between two column rules
    x1: float
    first_line: float  # vertical centre of its first line
    text: str
    chars: list[Char]


def _frame(table: Any, edges: list[dict]) -> tuple[BBox, list[float]]:
    """The table's box, widened to the left over columns whose cells the page break left open
    (a merged label cell with neither its top nor its bottom rule on this page is not part of the
    table pdfplumber finds), and the x of every column rule."""
    x0, top, x1, bottom = table.bbox
    rules = {round(x, 1) for cell in table.cells for x in (cell[0], cell[2])}
    for edge in edges:
        if edge["orientation"] != "v" or edge["x0"] >= x0 - 1.0:
            continue
        overlap = min(edge["bottom"], bottom) - max(edge["top"], top)
        if overlap >= 0.5 * (bottom - top):
            rules.add(round(edge["x0"], 1))
    return (min(rules, default=x0), top, x1, bottom), sorted(rules)


def _cell_text(chars: list[Char]) -> str:
    """The text of one ruled cell, its lines joined; a number too wide for a narrow cell wraps
    ("11" / "3") and is put back together without a space."""
    text = ""
    for line in _cluster_lines(chars):
        piece = _line_text(line)[0].strip()
        if text and piece and text[-1].isdigit() and piece[0].isdigit():
            text += piece
        else:
            text = join_fragments([text, piece])
    return text


def _column_blocks(loose: list[Char], rules: list[float]) -> list[_Block]:
    """Characters outside every cell, grouped by the column (between two rules) they sit in and
    into blocks of consecutive lines."""
    columns: dict[tuple[float, float], list[Char]] = {}
    for char in loose:
        x = _center(char)[0]
        left = max((rule for rule in rules if rule <= x), default=None)
        right = min((rule for rule in rules if rule >= x), default=None)
        if left is not None and right is not None and left < right:
            columns.setdefault((left, right), []).append(char)
    blocks: list[_Block] = []
    for (left, right), members in columns.items():
        lines = _cluster_lines(members)
        group: list[list[Char]] = []
        for line in lines:
            size = max(c["size"] for c in line)
            if group and min(c["top"] for c in line) - max(c["bottom"] for c in group[-1]) > size:
                blocks.append(_block(left, right, group))
                group = []
            group.append(line)
        if group:
            blocks.append(_block(left, right, group))
    return blocks


def _block(left: float, right: float, lines: list[list[Char]]) -> _Block:
    chars = [c for line in lines for c in line]
    return _Block(left, right, _center(lines[0][0])[1], _cell_text(chars), chars)


def _table_rows(
    table: Any, chars: list[Char], edges: list[dict], consumed: set[int], page_number: int
) -> list[_Item]:
    cells: list[BBox] = [tuple(cell) for cell in table.cells]
    table_box, rules = _frame(table, edges)
    owner: dict[int, BBox] = {}
    loose: list[Char] = []
    for char in chars:
        point = _center(char)
        if not _inside(point, table_box):
            continue
        containing = [cell for cell in cells if _inside(point, cell)]
        if containing:
            owner[id(char)] = min(containing, key=lambda c: (c[2] - c[0]) * (c[3] - c[1]))
        else:
            loose.append(char)
    blocks = _column_blocks(loose, rules)
    block_of = {id(char): block for block in blocks for char in block.chars}
    items: list[_Item] = []
    for row in table.rows:
        row_cells: list[BBox] = [tuple(cell) for cell in row.cells if cell is not None]
        if len(row_cells) < 2:
            continue  # a heading or prose spanning the table: running text keeps it whole
        top, bottom = row.bbox[1], row.bbox[3]
        first_x = min(cell[0] for cell in row_cells)
        band = [c for c in chars if top <= _center(c)[1] <= bottom and _inside(_center(c), table_box)]
        # Text outside every cell is kept only as a label block left of the row's cells (its
        # text goes into the row where it starts); anywhere else the ruling is incomplete and
        # the row stays running text.
        if any(
            id(c) not in owner and (id(c) not in block_of or block_of[id(c)].x1 > first_x + 1.0) for c in band
        ):
            continue
        labels = sorted(
            (b for b in blocks if b.x1 <= first_x + 1.0 and top <= b.first_line <= bottom), key=lambda b: b.x0
        )
        columns = [(block.x0, block.x1, block.text) for block in labels]
        filled: set[float] = set()
        for block in labels:
            consumed.update(id(c) for c in block.chars)
        for cell in row_cells:
            cell_chars = [c for c in chars if owner.get(id(c)) == cell]
            consumed.update(id(c) for c in cell_chars)
            columns.append((cell[0], cell[2], _cell_text(cell_chars)))
            if cell_chars:
                last = _cluster_lines(cell_chars)[-1]
                if last[-1]["x1"] >= cell[2] - 1.5 * max(c["size"] for c in last):
                    filled.add(cell[0])
        texts = [text for _, _, text in columns]
        if not any(texts):
            continue
        items.append(
            _Item(
                page=page_number,
                top=top,
                x0=row.bbox[0],
                x1=row.bbox[2],
                size=0.0,
                text=render_row(texts),
                is_row=True,
                columns=tuple(columns),
                filled=frozenset(filled),
            )
        )
    return items


def _open_rows(
    table: Any, tables: list[Any], chars: list[Char], edges: list[dict], consumed: set[int], page_number: int
) -> list[_Item]:
    """The halves of a row that the page break cut, above the table's first rule or below its last:
    there the table's column rules go on, but no rule closes the row."""
    (x0, top, x1, bottom), rules = _frame(table, edges)
    # The table's own column rules, where they run on past its first or last rule.
    verticals = [
        e
        for e in edges
        if e["orientation"] == "v"
        and x0 - 1.0 <= e["x0"] <= x1 + 1.0
        and e["top"] <= bottom + 1.0
        and e["bottom"] >= top - 1.0
    ]
    others = [t.bbox for t in tables if t is not table]
    below = min(
        [max((e["bottom"] for e in verticals), default=bottom)] + [o[1] for o in others if o[1] >= bottom]
    )
    above = max([min((e["top"] for e in verticals), default=top)] + [o[3] for o in others if o[3] <= top])
    items: list[_Item] = []
    for end, low, high in (("top", above, top), ("bottom", bottom, below)):
        if high - low < 2.0:
            continue
        band = [
            c
            for c in chars
            if id(c) not in consumed and low < _center(c)[1] < high and x0 <= _center(c)[0] <= x1
        ]
        columns = tuple(
            (left, right, _cell_text(members))
            for left, right in itertools.pairwise(rules)
            if (members := [c for c in band if left <= _center(c)[0] <= right])
        )
        if not columns:
            continue
        consumed.update(id(c) for c in band)
        size = statistics.median(c["size"] for c in band)
        text = render_row([text for _, _, text in columns])
        # Half a row with one column of text is a row only once its other half is found.
        items.append(
            _Item(
                page=page_number,
                top=low,
                x0=x0,
                x1=x1,
                size=size,
                text=text,
                is_row=True,
                open_end=end,
                columns=columns,
            )
        )
    return items


def _overlaps(a: tuple[float, float, str], b: tuple[float, float, str]) -> bool:
    return min(a[1], b[1]) - max(a[0], b[0]) > 1.0


def _rest_of_row(previous: _Item, item: _Item) -> bool:
    """Whether ``item``, a ruled row that opens a page, is the rest of ``previous``, the ruled row
    that closed the page before: word processors draw a rule at the break, so both halves look
    like rows. The rest has label text only, none of it a new item ("1.", "(一)", "一、"), each
    piece below a cell whose text runs to its right edge, in a row that has figures. (A row of its
    own with blank figures, "制发规范性文件总数 | 件 |", is not taken: the label above it ends
    short of its cell's edge.)"""
    if item.page != previous.page + 1 or previous.open_end or item.open_end:
        return False
    texts = [column for column in item.columns if column[2]]
    return (
        bool(texts)
        and all(
            any(_overlaps(column, above) and above[0] in previous.filled for above in previous.columns)
            for column in texts
        )
        and not any(_DIGIT.search(text) or STARTS_ITEM.match(text) for _, _, text in texts)
        and any(_DIGIT.search(text) for _, _, text in previous.columns)
    )


def _upper_half(joined: list[_Item], item: _Item) -> _Item | None:
    """The row on the page before that ``item`` continues, if it continues one."""
    if item.open_end == "top":  # the page break left the row open: its upper half is open too
        previous = next((i for i in reversed(joined) if i.is_row), None)
        if previous is not None and previous.open_end == "bottom" and previous.page == item.page - 1:
            return previous
        return None
    # a word processor closed both halves with a rule (``_rest_of_row`` checks the pages)
    previous = joined[-1] if joined else None
    if previous is not None and previous.is_row and item.is_row and _rest_of_row(previous, item):
        return previous
    return None


def _join_split_rows(items: list[_Item]) -> list[_Item]:
    """A row cut at the bottom of one page and continued at the top of the next becomes one row:
    each column's text is the text above the break followed by the text below it."""
    joined: list[_Item] = []
    for item in items:
        upper = _upper_half(joined, item)
        if upper is None:
            joined.append(item)
            continue
        columns = [
            (
                left,
                right,
                join_fragments([text, *(c[2] for c in item.columns if _overlaps((left, right, text), c))]),
            )
            for left, right, text in upper.columns
        ]
        # columns only the lower half has text in
        columns += [c for c in item.columns if c[2] and not any(_overlaps(c, a) for a in upper.columns)]
        upper.columns = tuple(sorted(columns))
        upper.text = render_row([text for _, _, text in upper.columns])
        upper.open_end = ""
    for item in joined:
        if item.open_end and len(item.columns) < 2:  # no other half: running text after all
            item.is_row, item.text = False, join_fragments([text for _, _, text in item.columns])
    return joined


def _cluster_lines(chars: list[Char]) -> list[list[Char]]:
    """Group characters into lines by vertical centre, each line sorted left to right."""
    lines: list[list[Char]] = []
    centre = size = 0.0
    for char in sorted(chars, key=lambda c: _center(c)[1]):
        y = _center(char)[1]
        if lines and abs(y - centre) <= _LINE_TOLERANCE * max(size, char["size"]):
            lines[-1].append(char)
            continue
        lines.append([char])
        centre, size = y, char["size"]
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _line_text(line: list[Char]) -> tuple[str, bool]:
    """Text of one line with spaces only where the gap is a real one; and whether it has columns."""
    parts: list[str] = []
    has_columns = False
    previous: Char | None = None
    for char in line:
        if previous is not None:
            gap = char["x0"] - previous["x1"]
            size = max(previous["size"], char["size"], 1.0)
            wide = is_wide(previous["text"][-1]) or is_wide(char["text"][0])
            if gap > (_WIDE_GAP if wide else _LATIN_GAP) * size:
                parts.append(" ")
            has_columns = has_columns or gap > _COLUMN_GAP * size
        parts.append(char["text"])
        previous = char
    return "".join(parts), has_columns


# --- paragraphs ----------------------------------------------------------------------------------


def _margins(items: list[_Item]) -> dict[int, tuple[float, float]]:
    """Left margin (most common line start) and right margin (long lines' end) of each page."""
    margins: dict[int, tuple[float, float]] = {}
    for page in {item.page for item in items}:
        lines = [item for item in items if item.page == page and not item.is_row and not item.has_columns]
        if not lines:
            continue
        ends = sorted(item.x1 for item in lines if len(item.text) >= _MARGIN_LINE_CHARS)
        if len(ends) < _MARGIN_MIN_LINES:
            continue  # too little running text to tell a wrapped line from a short one
        left = statistics.mode(round(item.x0) for item in lines)
        margins[page] = (left, ends[int(0.9 * (len(ends) - 1))])
    return margins


def _continues(previous: _Item, item: _Item, margins: dict[int, tuple[float, float]]) -> bool:
    if previous.is_row or item.is_row or previous.has_columns or item.has_columns:
        return False
    if item.page not in margins or previous.page not in margins:
        return False
    if abs(previous.size - item.size) > 0.1 * previous.size:
        return False
    _, right = margins[previous.page]
    left, _ = margins[item.page]
    # A line may end short of the margin by what the line-breaking rules moved down with the next
    # line's first character: closing punctuation that may not start a line ("件。"), or the
    # rest of a run of digits or Latin letters that cannot be split ("27" + "件").
    pushed = _CLOSING_PUNCTUATION.match(item.text) or previous.text[-1:].isascii()
    reaches_right = previous.x1 >= right - (2.6 if pushed else 1.2) * previous.size
    starts_left = item.x0 <= left + 0.5 * item.size
    return reaches_right and starts_left and not STARTS_ITEM.match(item.text)


def _join_paragraphs(items: list[_Item]) -> list[_Item]:
    margins = _margins(items)
    joined: list[_Item] = []
    for item in items:
        if joined and _continues(joined[-1], item, margins):
            previous = joined[-1]
            previous.text = join_fragments([previous.text, item.text])
            previous.x1, previous.page, previous.top = item.x1, item.page, item.top
            continue
        joined.append(item)
    return joined
