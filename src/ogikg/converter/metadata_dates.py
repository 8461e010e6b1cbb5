"""The year a report covers and the date it was published."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Generic, TypeVar

from ogikg.converter import metadata_patterns as P
from ogikg.converter.metadata_text import Lines
from ogikg.converter.model import Span

FIRST_REPORT_YEAR = 2007  # the 2007 regulation's first reports cover 2008; older years are context
LAST_PLAUSIBLE_YEAR = 2040
HEAD_LINES = 60
HEAD_CHARS = 2500  # statistics periods and page headers come first


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    value: T
    span: Span


def _plausible(year: int) -> bool:
    return FIRST_REPORT_YEAR <= year <= LAST_PLAUSIBLE_YEAR


def _first(lines: Lines, pattern: re.Pattern[str], last: int) -> Found[int] | None:
    group = "y" if "y" in pattern.groupindex else "year"
    for match in pattern.finditer(lines.head(last, HEAD_CHARS)):
        year = int(match.group(group))
        if not _plausible(year):
            continue
        span = lines.span(match.start(group), match.end(group))
        if lines.is_table_line(span.line - 1):
            continue
        return Found(year, span)
    return None


def covered_year(lines: Lines, title_year: Found[int] | None) -> tuple[Found[int] | None, tuple[str, ...]]:
    """Title year, else an announcement (现公布…2017年…报告), else the statistics period, else an
    opening "2017年," — never a publication date."""
    if title_year is None:
        title_year = _first(lines, P.ANNOUNCE_BEFORE_YEAR, 25) or _first(lines, P.ANNOUNCE_AFTER_YEAR, 25)
    period = _first(lines, P.PERIOD_START, HEAD_LINES) or _first(lines, P.PERIOD_END, HEAD_LINES)
    warnings: tuple[str, ...] = ()
    if title_year is not None:
        if period is not None and period.value != title_year.value:
            warnings = (
                f"title names {title_year.value} but the statistics period starts in {period.value}; "
                f"using {title_year.value}",
            )
        return title_year, warnings
    if period is not None:
        return period, warnings
    opening = _first(lines, P.OPENING_YEAR, HEAD_LINES)
    if opening is not None:
        return opening, warnings
    return _most_common_year(lines), warnings


def _most_common_year(lines: Lines) -> Found[int] | None:
    counts: Counter[int] = Counter()
    first_seen: dict[int, Span] = {}
    for index in range(min(40, len(lines.lines))):
        if lines.is_table_line(index):
            continue
        for match in P.ANY_YEAR.finditer(lines.lines[index]):
            year = int(match.group("y"))
            if _plausible(year):
                counts[year] += 1
                first_seen.setdefault(year, lines.line_span(index, match.start("y"), match.end("y")))
    if not counts:
        return None
    ranked = counts.most_common(2)
    year, count = ranked[0]
    if count < 2 or (len(ranked) > 1 and ranked[1][1] == count):
        return None  # no clear majority: better no year than a guess
    return Found(year, first_seen[year])


def _date(match: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None


def published_date(lines: Lines, year: int | None) -> Found[dt.date] | None:
    """Date from a labelled header field, else a date standing alone on a line at the end or top."""

    def acceptable(day: dt.date) -> bool:
        # A report is published after the year it covers, usually within months.
        return year is None or year < day.year <= year + 3 or (day.year == year and day.month == 12)

    head = lines.head(HEAD_LINES, HEAD_CHARS)
    for pattern in P.PUBLISHED_LABELLED:
        for match in pattern.finditer(head):
            day = _date(match)
            if day and acceptable(day):
                return Found(day, lines.span(match.start("y"), match.end("d")))
    for index in [*_nonblank_from_end(lines, 6), *lines.nonblank(0, 12)[:6]]:
        line = lines.lines[index]
        if P.DATE_FIELD_INCOMPLETE.search(line):
            continue
        match = P.DATE_LINE.match(line) or P.SIGNED_DATE_LINE.match(line)
        if match:
            day = _date(match)
            if day and acceptable(day):
                return Found(day, lines.line_span(index, match.start("y"), match.end("d")))
    return None


def _nonblank_from_end(lines: Lines, count: int) -> list[int]:
    found: list[int] = []
    index = len(lines.lines) - 1
    while index >= 0 and len(found) < count:
        if lines.lines[index].strip():
            found.append(index)
        index -= 1
    return found
