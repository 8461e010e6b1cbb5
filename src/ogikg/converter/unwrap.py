"""Plain text copied from a PDF viewer or a fixed-width page: prose lines joined back.

Such copies break every line at the same display width, inside names (现公布遵义市 / 统计局…),
which no line-based reading survives. A document counts as hard-wrapped when many of its prose
lines end within two columns of one width without closing a sentence; each such full line is
joined to the next unless that one starts a heading, an item (一是) or a table row, or a digit
stands at the break. Text with natural paragraphs (lengths vary, lines end with 。) is kept.
"""

from __future__ import annotations

import re

from ogikg.converter.decode_cells import is_wide, join_fragments

_MIN_PROSE_WIDTH = 20  # display columns: shorter lines are headings, cells or list items
_MIN_FULL_LINES = 4
_FULL_SHARE = 0.4  # of the prose lines, at least this many end at the wrap width
_OPEN_SHARE = 0.6  # of those, at least this many end mid-sentence
_SLACK = 2  # a wide character that does not fit moves to the next line: up to two columns short
_SENTENCE_END = frozenset("。！？；：!?;:")
_TABLE_ROW = re.compile(r"\d[\d,.]*\s+[\d,.]*\d")  # figures side by side: a space-separated row
_STARTS_BLOCK = re.compile(
    r"\s*(?:[一二三四五六七八九十]+\s*[、.．是]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d{1,2}\s*[、．]|第[一二三四五六七八九十]+[章节条])"
)


def display_width(line: str) -> int:
    return sum(2 if is_wide(char) else 1 for char in line)


def join_wrapped_lines(text: str) -> tuple[str, int, int]:
    """``text`` with hard-wrapped prose joined; the number of joins and the wrap width (0, 0: none)."""
    lines = text.split("\n")
    widths = [display_width(line.rstrip()) for line in lines]
    width = _wrap_width(lines, widths)
    if width == 0:
        return text, 0, 0
    joined: list[str] = []
    joins = 0
    open_line = False  # the last kept line ended at the wrap width, mid-sentence
    for line, line_width in zip(lines, widths, strict=True):
        if (
            open_line
            and line.strip()
            and _is_text(line)
            and not _STARTS_BLOCK.match(line)
            and not line.lstrip()[0].isdigit()
        ):
            joined[-1] = join_fragments([joined[-1], line])
            joins += 1
        else:
            joined.append(line)
        open_line = _is_full(line, line_width, width)
    return "\n".join(joined), joins, width


def _wrap_width(lines: list[str], widths: list[int]) -> int:
    prose = [(line, width) for line, width in zip(lines, widths, strict=True) if _is_prose(line, width)]
    if len(prose) < _MIN_FULL_LINES:
        return 0
    for candidate in sorted({width for _, width in prose}, reverse=True):
        full = [line for line, width in prose if candidate - _SLACK <= width <= candidate]
        if len(full) < max(_MIN_FULL_LINES, _FULL_SHARE * len(prose)):
            continue
        still_open = sum(1 for line in full if _ends_open(line))
        return candidate if still_open >= _OPEN_SHARE * len(full) else 0
    return 0


def _is_text(line: str) -> bool:
    return "|" not in line and not _TABLE_ROW.search(line)


def _is_prose(line: str, width: int) -> bool:
    return width >= _MIN_PROSE_WIDTH and _is_text(line)


def _is_full(line: str, line_width: int, width: int) -> bool:
    return _is_prose(line, line_width) and width - _SLACK <= line_width <= width and _ends_open(line)


def _ends_open(line: str) -> bool:
    """Ends mid-sentence, not on a digit: there the break may cut a number or end a table row or
    a contents entry's page, and a join could make two figures one."""
    last = line.rstrip()[-1]
    return last not in _SENTENCE_END and not last.isdigit()
