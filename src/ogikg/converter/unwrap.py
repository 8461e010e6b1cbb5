"""Plain text copied from a PDF viewer or a fixed-width page: prose lines joined back.

Such copies break every line at the same display width, inside names and figures (现公布遵义市 /
统计局…), which no line-based reading survives. A document counts as hard-wrapped when many of its
prose lines end within two columns of one width without closing a sentence; each such full line
is joined to the next unless that one is a space-separated table row or starts a heading or an
item (一是, 3.) — after a digit an item number was cut (…件8 / 14.其他 → …件814.其他) and is
joined. Contents entries (dot leaders) are never joined.
"""

from __future__ import annotations

import re
from collections import Counter

from ogikg.converter.decode_cells import STARTS_ITEM, display_width

_MIN_PROSE_WIDTH = 20  # display columns: shorter lines are headings, cells or list items
_MIN_FULL_LINES = 4
_FULL_SHARE = 0.4  # of the prose lines, at least this many end at the wrap width
_OPEN_SHARE = 0.6  # of those, at least this many end mid-sentence
_LONGEST_WRAP = 200  # characters: copies wrap well before this
_SLACK = 2  # a wide character that does not fit moves to the next line: up to two columns short
_SENTENCE_END = frozenset("。！？；：!?;:")
_DOT_LEADER = re.compile(r"\.{3,}|…{2,}|·{3,}")
_TABLE_ROW = re.compile(r"\d[\d,.]*\s+[\d,.]*\d")  # figures side by side: a space-separated row


def join_wrapped_lines(text: str) -> tuple[str, int, int]:
    """``text`` with hard-wrapped prose joined; the number of joins and the wrap width (0, 0: none)."""
    lines = text.split("\n")
    widths = [_width(line) for line in lines]
    width = _wrap_width(lines, widths)
    if width == 0:
        return text, 0, 0
    joined: list[str] = []
    joins = 0
    open_line = False  # the last kept line ended at the wrap width, mid-sentence
    for line, line_width in zip(lines, widths, strict=True):
        if open_line and _continues(joined[-1], line):
            joined[-1] += line  # the wrap took no character away: nothing to put back
            joins += 1
        else:
            joined.append(line)
        open_line = _is_full(line, line_width, width)
    return "\n".join(joined), joins, width


def _width(line: str) -> int:
    """The display width of a line that may be prose; 0 for one too short or a pipe row. A line
    longer than any wrap gets an upper bound (counting every character is the costly part)."""
    if len(line) < _MIN_PROSE_WIDTH // 2 or "|" in line:
        return 0
    return display_width(line.rstrip()) if len(line) <= _LONGEST_WRAP else 2 * len(line)


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` goes on from the full line ``previous``."""
    if not line.strip() or not _is_text(line):
        return False
    # An item number after a digit was cut by the wrap (…件8 / 14.其他), else it starts an item.
    return not STARTS_ITEM.match(line) or previous.rstrip()[-1].isdigit()


def _wrap_width(lines: list[str], widths: list[int]) -> int:
    prose = [(line, width) for line, width in zip(lines, widths, strict=True) if _is_prose(line, width)]
    if len(prose) < _MIN_FULL_LINES:
        return 0
    counts = Counter(width for _, width in prose)
    needed = max(_MIN_FULL_LINES, _FULL_SHARE * len(prose))
    for candidate in sorted(counts, reverse=True):
        if sum(counts[candidate - short] for short in range(_SLACK + 1)) < needed:
            continue
        full = [line for line, width in prose if candidate - _SLACK <= width <= candidate]
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
    """Ends mid-sentence (or mid-number: the wrap cuts figures too), and is no contents entry,
    whose page number only looks like a cut figure."""
    return line.rstrip()[-1] not in _SENTENCE_END and not _DOT_LEADER.search(line)
