"""Line-addressed access to a decoded report text, shared by the metadata and narrative readers."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, compress, count, repeat
from operator import add, contains

from ogikg.converter.model import Span


@dataclass(frozen=True)
class Lines:
    """The text with its line starts, so any offset maps to a 1-based line and 0-based column."""

    text: str

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def starts(self) -> list[int]:
        # Sum of the lengths of the lines before each line, plus one newline per line before it;
        # map/accumulate keep the loop in C (reports rendered one table cell per line are long).
        totals = accumulate(map(len, self.lines[:-1]), initial=0)
        return list(map(add, totals, count()))

    @cached_property
    def table_lines(self) -> frozenset[int]:
        """Indices of lines that are cells of a table rendering (pipe-separated or a lone pipe)."""
        return frozenset(compress(count(), map(contains, self.lines, repeat("|"))))

    def span(self, start: int, end: int) -> Span:
        """Span of text[start:end]; a phrase running over a line break is clipped to its first line."""
        index = bisect.bisect_right(self.starts, start) - 1
        line_start = self.starts[index]
        line_end = line_start + len(self.lines[index])
        return Span(index + 1, start - line_start, min(end, line_end) - line_start)

    def line_span(self, index: int, start: int, end: int) -> Span:
        """Span inside line ``index`` (0-based index, 0-based columns)."""
        return Span(index + 1, start, end)

    def head(self, line_count: int, chars: int = 4000) -> str:
        """The first ``line_count`` lines, at most ``chars`` characters (offsets are offsets of ``text``).

        Page dumps with the whole body on one line would otherwise make "the top" the whole text.
        """
        end = len(self.text) if line_count >= len(self.lines) else self.starts[line_count]
        return self.text[: min(end, chars)]

    def line_of(self, offset: int) -> int:
        """0-based index of the line holding ``offset``."""
        return bisect.bisect_right(self.starts, offset) - 1

    def is_table_line(self, index: int) -> bool:
        return index in self.table_lines

    def nonblank(self, first: int = 0, last: int | None = None) -> list[int]:
        stop = len(self.lines) if last is None else min(last, len(self.lines))
        return [i for i in range(first, stop) if self.lines[i].strip()]
