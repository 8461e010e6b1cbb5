"""Shared rendering rules for text fragments and table rows (HTML, DOCX and PDF decoders).

A table row becomes one line, its cells joined by `` | `` (space, pipe, space) — the shape of the
pipe renderings found in plain-text copies. A merged cell appears once, in the row where it starts;
empty cells stay as empty strings. Inside a cell, line breaks join without a space between CJK
characters ("本年新<br>制作数量" → "本年新制作数量") and with one space between Latin words.
"""

from __future__ import annotations

import re

CELL_SEPARATOR = " | "

_WHITESPACE_RUN = re.compile(r"\s+")


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, CJK and full-width punctuation: scripts written without spaces."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE10 <= code <= 0xFE6F
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
        or code in (0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026)
    )


def join_fragments(fragments: list[str]) -> str:
    """Join pieces of one logical text (wrapped lines of a cell): no space next to CJK."""
    result = ""
    for fragment in fragments:
        piece = fragment.strip()
        if not piece:
            continue
        if result and not (is_wide(result[-1]) or is_wide(piece[0])):
            result += " "
        result += piece
    return result


def collapse_whitespace(text: str) -> str:
    """HTML-style whitespace collapse; a source line break between CJK characters disappears
    (as in CSS Text segment-break transformation), any other whitespace run becomes one space."""
    if "\n" not in text and "\r" not in text:
        return _WHITESPACE_RUN.sub(" ", text)

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        if "\n" in run or "\r" in run:
            start, end = match.start(), match.end()
            before = text[start - 1] if start > 0 else ""
            after = text[end] if end < len(text) else ""
            if before and after and is_wide(before) and is_wide(after):
                return ""
        return " "

    return _WHITESPACE_RUN.sub(replace, text)


def render_row(cells: list[str]) -> str:
    return CELL_SEPARATOR.join(cells)
