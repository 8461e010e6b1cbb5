"""Shared rendering rules for text fragments and table rows (HTML, DOCX and PDF decoders), and
the character and line classes the decoders share (wide characters and display width, lines that
start an item).

A table row becomes one line, its cells joined by `` | `` (space, pipe, space) — the shape of the
pipe renderings found in plain-text copies. A merged cell appears once, in the row where it starts;
empty cells stay as empty strings. Inside a cell, line breaks join without a space between CJK
characters ("本年新<br>制作数量" → "本年新制作数量") and with one space between Latin words.
"""

from __future__ import annotations

import re

CELL_SEPARATOR = " | "

_WHITESPACE_RUN = re.compile(r"\s+")


# CJK ideographs, kana, CJK and full-width punctuation: written without spaces, two columns wide.
_WIDE_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE10, 0xFE6F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))
_WIDE_SINGLES = frozenset((0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026))
# The same set as one character class, to count a whole line in C.
_WIDE_CHARACTER = re.compile(
    "["
    + "".join(f"{chr(low)}-{chr(high)}" for low, high in _WIDE_RANGES)
    + "".join(map(chr, sorted(_WIDE_SINGLES)))
    + "]"
)
# A line that starts an item or a heading (一、 一是 (一) 1、 1. 1) ① 第一章): never the continuation
# of the line before it, wherever that line ended (PDF paragraphs, hard-wrapped copies).
STARTS_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．是]|[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]"
    r"|\d{1,2}\s*(?:[、．)）]|\.(?!\d))|[\u2460-\u249b\u3220-\u3229]|第[一二三四五六七八九十]+[章节条])"
)


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, CJK and full-width punctuation: scripts written without spaces."""
    code = ord(char)
    return code in _WIDE_SINGLES or any(low <= code <= high for low, high in _WIDE_RANGES)


def display_width(line: str) -> int:
    """Columns on a fixed-width display: two for each wide character, one otherwise."""
    return len(line) + len(_WIDE_CHARACTER.findall(line))


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
