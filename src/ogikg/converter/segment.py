"""Decoded text → a stream of pieces: labels, values, empty cells and other text, with positions.

One pass over the lines reduces every rendering of a table to the same stream:

* pipe rows (``规章 | 0 | 0 | 0 |``, markdown ``| 规章 | 0 |``): one piece per cell;
* one cell per line, with or without a trailing `` |``; a line holding only ``|`` is an empty
  cell when the cells around it end with ``|`` (the pipe closes each cell), a separator
  otherwise; lines of several bare pipes are colspan padding;
* space-separated rows (``规章 0 0 0``) and fully flattened text (``规范性文件898989第二十条…``):
  labels are found inside the line and the text between them becomes value runs (split by the
  table reader, possibly by constraint search) or other text.

A label must stand where a table cell can start and end — at a cell or line boundary, next to a
number, a punctuation mark or another label — so that the same words inside prose are not taken
for labels. An item number glued to the digits before it ("3200000326.属于四类过程性信息") is
cut so that the row keeps its own number ("6.") and the value run keeps the rest.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, field

from ogikg.converter.labels import NUMBERING_BEFORE, LabelEntry, LabelIndex, Role, own_number
from ogikg.converter.model import Section, Span
from ogikg.converter.normalise import label_key
from ogikg.converter.tables_objects import new_span


class Kind(enum.Enum):
    LABEL = "label"
    VALUE = "value"
    EMPTY = "empty"
    TEXT = "text"


@dataclass(slots=True)
class Piece:
    kind: Kind
    text: str
    line: int  # 1-based line number
    start: int  # 0-based columns in the line, end exclusive
    end: int
    cell: int = 0  # index of the pipe cell within its line
    explicit: bool = True  # VALUE: a whole table cell, so exactly one value
    entries: tuple[LabelEntry, ...] = ()
    number: str | None = None  # LABEL/TEXT: the item number printed in front
    unit: str | None = None  # a unit printed next to a value run or after a text row ('条')
    in_cell: bool = True  # from a table cell (pipe cell or a short line), not from running text

    @property
    def span(self) -> Span:
        return new_span(self.line, self.start, self.end)


_PIPE_ONLY = re.compile(r"[|\s]+")
# A line that is one number, maybe closed by a pipe (the cell-per-line rendering).
_NUMBER_CELL_LINE = re.compile(r"\s*([0-9]+)\s*(\|?)\s*")
_SHORT_CELL = 40
_PROSE_GAP = 40  # text between labels longer than this is a sentence, not a table row
_ZH_NUMERALS = "一二三四五六七八九十"
# "、" is left out on purpose: in "信函、传真申请数" the words after it do not start a cell.
_LEFT_PUNCTUATION = set("。;；,，:：)）]】”\"'!！?？》")
_SKIP_AFTER_LABEL = set(' "”’」』')


@dataclass(frozen=True, slots=True)
class _Patterns:
    value_cell: re.Pattern[str]  # a whole cell that is one value
    leading: re.Pattern[str]  # a value run (maybe after a unit) at the start of a gap
    trailing: re.Pattern[str]  # a value run at the end of a gap
    token: re.Pattern[str]
    signal: re.Pattern[str]  # words that mark a line of running text as holding a table
    units: tuple[str, ...]
    counted: re.Pattern[str]  # a number with a counting word after it: a figure in a sentence
    unit_digits: re.Pattern[str]  # a unit column value inside text: '条00'
    # stripped cell text → its pieces (as tuples, positions relative to the cell): see _scan_cell
    pipe_cells: dict[str, tuple[tuple, ...]] = field(default_factory=dict)
    text_cells: dict[str, tuple[tuple, ...]] = field(default_factory=dict)


_PATTERN_CACHE: dict[int, _Patterns] = {}
# Measure words that follow a number in a sentence besides the form's own units ("69条", "5家").
_MEASURE_WORDS = ("项", "家", "份", "期", "场", "起", "余", "名", "个")


def _patterns(index: LabelIndex) -> _Patterns:
    cached = _PATTERN_CACHE.get(id(index))
    if cached is not None:
        return cached
    units = "|".join(re.escape(unit) for unit in index.units)
    # a number followed by 年/月/日 is a date or a year column, not a cell value
    number = rf"(?:[+\-−]|增|减)?\d+(?:[.,]\d+)*(?!\d|[.,]\d|\s*[年月日号%])(?:{units})?"
    token = rf"(?:\d+\s*/\s*\d+|{number}|[/—－]+|-(?!\d))"
    value_cell = re.compile(rf"(?:{token}|增|减|n/a|N/A|NA|无|空)", re.IGNORECASE)
    leading = re.compile(rf"\s*(?:(?P<unit>{units})\s*(?=[\d+\-/—]))?(?P<values>(?:{token}\s*)+)?")
    trailing = re.compile(rf"(?:{token}\s*)+$")
    # Table headers (column headings, 表二 blocks, applicant types): a one-line dump always
    # prints them, prose rarely does. Their first characters, where printed as in the key.
    signal_words = sorted(
        {
            key[:4]
            for key, entries in index.entries.items()
            if any(_is_header(e) for e in entries)
            and len(key) >= 3
            and all("\u4e00" <= char <= "\u9fff" for char in key[:4])
        }
    )
    signal = re.compile("|".join(re.escape(word) for word in signal_words) or "$^")
    counting = "|".join(re.escape(unit) for unit in (*index.count_units, *_MEASURE_WORDS))
    counted = re.compile(rf"\s*\d[\d.,]*\s*(?:{counting})")
    unit_digits = re.compile(rf"(?<![\d.])(?P<unit>{units})\s*(?=\d)")
    built = _Patterns(
        value_cell, leading, trailing, re.compile(token), signal, index.units, counted, unit_digits
    )
    _PATTERN_CACHE[id(index)] = built
    return built


def _is_header(entry: LabelEntry) -> bool:
    if entry.role in (Role.BLOCK, Role.APPLICANT):
        return True
    return entry.role is Role.COLUMN and (".col." in entry.notation or entry.notation.endswith(".header"))


def scan(text: str, index: LabelIndex) -> list[Piece]:
    """The pieces of every line, in reading order."""
    patterns = _patterns(index)
    pieces: list[Piece] = []
    cells_end_with_pipe = False
    number_cell = _NUMBER_CELL_LINE.fullmatch
    for number, line in enumerate(text.split("\n"), 1):
        if not line or line.isspace():
            continue
        found = number_cell(line)
        if found is not None:  # "0 |", "12": one cell per line, the most frequent line of all
            pieces.append(Piece(Kind.VALUE, found.group(1), number, found.start(1), found.end(1)))
            cells_end_with_pipe = bool(found.group(2))
            continue
        if "|" not in line:
            _scan_cell(line, number, 0, len(line), 0, False, index, patterns, pieces)
            cells_end_with_pipe = False
            continue
        if _PIPE_ONLY.fullmatch(line):
            # One bare pipe closes an empty cell; several are colspan padding.
            if cells_end_with_pipe and line.count("|") == 1:
                column = line.index("|")
                pieces.append(Piece(Kind.EMPTY, "", number, column, column + 1))
            continue
        _scan_pipe_row(line, number, index, patterns, pieces)
        cells_end_with_pipe = True
    return pieces


def _scan_pipe_row(
    line: str, number: int, index: LabelIndex, patterns: _Patterns, pieces: list[Piece]
) -> None:
    """The cells of a pipe row; empty cells and plain numbers (most cells) are handled inline."""
    parts = line.split("|")
    first, last = 0, len(parts)
    if line.rstrip().endswith("|"):
        last -= 1  # the pipe closes the last cell
    start = 0
    if last > 1 and line.lstrip().startswith("|"):
        first = 1  # markdown rows open with a pipe
        start = len(parts[0]) + 1
    append = pieces.append
    for cell_index in range(last - first):
        part = parts[first + cell_index]
        size = len(part)
        end = start + size
        text = part.strip()
        if not text:
            append(Piece(Kind.EMPTY, "", number, start, end, cell_index))
        elif text.isdigit() and text.isascii():
            left = start if size == len(text) else start + part.index(text[0])
            append(Piece(Kind.VALUE, text, number, left, left + len(text), cell_index))
        else:
            _scan_cell(line, number, start, end, cell_index, True, index, patterns, pieces)
        start = end + 1


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    text = line[start:end]
    stripped = text.lstrip()
    start += len(text) - len(stripped)
    return start, start + len(stripped.rstrip())


def _scan_cell(
    line: str,
    number: int,
    start: int,
    end: int,
    cell_index: int,
    in_pipe_row: bool,
    index: LabelIndex,
    patterns: _Patterns,
    pieces: list[Piece],
) -> None:
    raw = line[start:end]
    text = raw.strip()
    if not text:
        if in_pipe_row:  # the span of an empty cell is the cell itself
            pieces.append(Piece(Kind.EMPTY, "", number, start, end, cell_index))
        return
    if len(text) != len(raw):
        start += len(raw) - len(raw.lstrip())
        end = start + len(text)
    if text.isdigit() and text.isascii():
        pieces.append(Piece(Kind.VALUE, text, number, start, end, cell_index))
        return
    if len(text) > (_REMEMBERED_CELL if in_pipe_row else _SHORT_CELL):  # a sentence: seen once
        _scan_text(line, number, start, end, cell_index, in_pipe_row, index, patterns, pieces)
        return
    # What a cell holds depends on its text alone: labels, headers and headings recur in every
    # report, so their pieces are worked out once and placed at each occurrence.
    remembered = patterns.pipe_cells if in_pipe_row else patterns.text_cells
    shapes = remembered.get(text)
    if shapes is None:
        found: list[Piece] = []
        _scan_text(text, 0, 0, len(text), 0, in_pipe_row, index, patterns, found)
        shapes = tuple(
            (p.kind, p.text, p.start, p.end, p.explicit, p.entries, p.number, p.unit, p.in_cell)
            for p in found
        )
        if len(remembered) >= _REMEMBERED_CELLS:
            remembered.clear()
        remembered[text] = shapes
    append = pieces.append
    for kind, piece_text, low, high, explicit, entries, label_number, unit, in_cell in shapes:
        append(
            Piece(
                kind,
                piece_text,
                number,
                start + low,
                start + high,
                cell_index,
                explicit,
                entries,
                label_number,
                unit,
                in_cell,
            )
        )


_REMEMBERED_CELL = 160  # characters of the longest pipe cell whose pieces are remembered
_REMEMBERED_CELLS = 10_000  # distinct texts remembered per kind before starting afresh


def _scan_text(
    line: str,
    number: int,
    start: int,
    end: int,
    cell_index: int,
    in_pipe_row: bool,
    index: LabelIndex,
    patterns: _Patterns,
    pieces: list[Piece],
) -> None:
    """The pieces of a stripped, non-empty cell or line ``line[start:end]`` that is not a number;
    they depend on those characters only."""
    text = line[start:end]
    if len(text) <= _SHORT_CELL:
        if patterns.value_cell.fullmatch(text):
            pieces.append(Piece(Kind.VALUE, text, number, start, end, cell_index))
            return
        entries = index.entries.get(label_key(text))
        if entries:
            pieces.append(
                Piece(
                    Kind.LABEL, text, number, start, end, cell_index, entries=entries, number=own_number(text)
                )
            )
            return
    elif (
        not in_pipe_row
        and not text[-1:].isdigit()
        and not _ends_with_unit_column(text, patterns.units)
        and not patterns.signal.search(line, start, end)
    ):
        # a sentence: neither a row ending in a number (or in a unit column with an empty value
        # after it) nor a line holding table headers
        pieces.append(Piece(Kind.TEXT, text, number, start, end, cell_index, in_cell=False))
        return
    first = len(pieces)
    _scan_running(line, number, start, end, cell_index, index, patterns, pieces)
    if not in_pipe_row and len(text) > _SHORT_CELL:
        for piece in pieces[first:]:
            piece.in_cell = False


def _ends_with_unit_column(text: str, units: tuple[str, ...]) -> bool:
    """'…专项经费(…) 万元': a row whose unit is its last printed cell, set apart by a space."""
    return any(text.endswith(unit) and text[-len(unit) - 1 : -len(unit)] == " " for unit in units)


# --- labels inside a cell or a line of running text --------------------------------------------


@dataclass(slots=True)
class _Match:
    start: int  # where the printed item number starts (or the body, without one)
    body: int
    end: int
    entries: tuple[LabelEntry, ...]
    digits: str | None  # digits of a glued item number, before trimming
    digits_start: int


def _scan_running(
    line: str,
    number: int,
    start: int,
    end: int,
    cell_index: int,
    index: LabelIndex,
    patterns: _Patterns,
    pieces: list[Piece],
) -> None:
    bodies = [(found.start(), found.end()) for found in index.pattern.finditer(line, start, end)]
    body_starts = [body for body, _ in bodies]
    raw: list[_Match] = []
    for position, (body, found_end) in enumerate(bodies):
        body_end = found_end
        while body_end < end and line[body_end] in _SKIP_AFTER_LABEL and line[body_end] != " ":
            body_end += 1
        # the cheap test first: inside a sentence most matches are followed by more words
        following = body_starts[position + 1] if position + 1 < len(bodies) else None
        if not _right_side_fits(line, body_end, end, following, patterns):
            continue
        key = label_key(line[body:found_end])
        entries = index.entries.get(key) or index.entries.get("(" + key)
        if not entries:
            continue
        numbering = NUMBERING_BEFORE.search(line, max(start, body - 16), body)
        match_start = numbering.start() if numbering else body
        if body > start and line[body - 1] in "(（" and index.entries.get("(" + key):
            match_start = body - 1
        digits = numbering.group("digits") if numbering else None
        digits_start = numbering.start("digits") if digits else body
        raw.append(_Match(match_start, body, body_end, entries, digits, digits_start))
    accepted: list[_Match] = []
    for match in raw:
        previous_end = accepted[-1].end if accepted else None
        if _left_side_fits(line, start, end, match, previous_end, patterns):
            accepted.append(match)
    last_number = [0]
    cursor = start
    for match in accepted:
        label_start = match.start
        if match.digits is not None:
            keep = _numbering_digits(match.digits, match.entries, last_number[0])
            label_start = match.digits_start + len(match.digits) - keep
        _gap(line, number, cursor, label_start, cell_index, patterns, pieces, last_number)
        printed = line[label_start : match.body]
        label_number = _number_of(printed)
        if label_number and label_number.isdigit():
            last_number[0] = int(label_number)
        pieces.append(
            Piece(
                Kind.LABEL,
                line[label_start : match.end].strip(),
                number,
                label_start,
                match.end,
                cell_index,
                entries=match.entries,
                number=label_number,
            )
        )
        cursor = match.end
    _gap(line, number, cursor, end, cell_index, patterns, pieces, last_number)


_NUMBERING_AHEAD = re.compile(
    r"[\s(（]*(?:\d{1,3}|[一二三四五六七八九十]{1,3})?[\s)）]*[、.．]?\s*(?:其中\s*:?\s*)?"
)


def _right_side_fits(line: str, position: int, end: int, following: int | None, patterns: _Patterns) -> bool:
    """Whether what follows a label can start a new cell: the end, a number, a punctuation mark,
    a unit column, or the next label (maybe after its item number)."""
    while position < end and line[position] == " ":
        position += 1
    if position >= end:
        return True
    if following is not None and following - position <= 8:
        ahead = _NUMBERING_AHEAD.match(line, position, following)
        if ahead is not None and ahead.end() == following:
            return True
    char = line[position]
    if char.isdigit() or char in "(（+-/—。;；,，:：、)）" or char in _LEFT_PUNCTUATION:
        return True
    # a unit column: values follow, or the cell ends with it (a blank value: "1.当面申请数 件")
    return any(line.startswith(unit, position) for unit in patterns.units)


def _left_side_fits(
    line: str, start: int, end: int, match: _Match, previous_end: int | None, patterns: _Patterns
) -> bool:
    """Whether a label match (its right side already fits) starts where a table cell can start:
    a cell or line start, a space, a number, a punctuation mark, a unit or the label before —
    or anywhere if a table value follows it ("历年累计主动公开信息数条4251516"). A table title may
    stand anywhere ("XX市2017年政府信息公开情况统计表")."""
    if patterns.counted.match(line, match.end, end):
        return False  # "政务微博公开政府信息数2306条,": a figure in a sentence
    if all(entry.role is Role.TABLE for entry in match.entries):
        return True
    if match.start > start and line[match.start - 1] == " ":
        return True  # space-separated cells
    left = match.start - 1
    while left >= start and line[left] == " ":
        left -= 1
    if left < start or (previous_end is not None and left < previous_end):
        return True
    char = line[left]
    if char == "、":
        return False  # "信函、传真申请数": the words before belong to the same label
    if char.isdigit() or char in _LEFT_PUNCTUATION or char in "+-/—":
        return True
    if any(line.startswith(unit, left - len(unit) + 1) for unit in patterns.units):
        return True
    return _value_follows(line, match.end, end, patterns)


def _value_follows(line: str, position: int, end: int, patterns: _Patterns) -> bool:
    """A table value right after a label ('条4251516', '898989'), not a number in a sentence ('1100件')."""
    while position < end and line[position] == " ":
        position += 1
    for unit in patterns.units:
        if line.startswith(unit, position):
            position += len(unit)
            break
    if position >= end or not line[position].isdigit():
        return False
    return not patterns.counted.match(line, position, end)


def _numbering_digits(digits: str, entries: tuple[LabelEntry, ...], last: int) -> int:
    """How many trailing digits of a glued run are the label's own item number."""
    numbers = {entry.number for entry in entries if entry.number and entry.number.isdigit()}
    for size in range(1, min(3, len(digits)) + 1):
        if digits[-size:] in numbers:
            return size
    for size in range(1, min(2, len(digits)) + 1):
        candidate = digits[-size:]
        if candidate[0] != "0" and int(candidate) in (last + 1, 1):
            return size
    return 1


_ITEM_NUMBER = re.compile(r"\d+|[一二三四五六七八九十]+")
_TRAILING_DIGITS = re.compile(r"\d+$")


def _number_of(printed: str) -> str | None:
    found = _ITEM_NUMBER.search(printed)
    return found.group() if found else None


def _gap(
    line: str,
    number: int,
    start: int,
    end: int,
    cell_index: int,
    patterns: _Patterns,
    pieces: list[Piece],
    last_number: list[int],
) -> None:
    """Text between two labels: value runs and other text, in turn.

    A value run at the start belongs to the label before; text followed by a unit and digits
    ("4.其他类型答复数条00") is a row the form does not have, with its values.
    """
    while start < end and line[start] in ' "”’」』)）':
        start += 1
    position = start
    while position < end:
        position = _leading_values(line, number, position, end, cell_index, patterns, pieces, last_number)
        if position >= end:
            return
        if end - position > _PROSE_GAP or "。" in line[position:end]:
            # a sentence between two labels: prose, not a row of the table
            text_start, text_end = _strip(line, position, end)
            pieces.append(
                Piece(Kind.TEXT, line[text_start:text_end], number, text_start, text_end, cell_index)
            )
            return
        inner = patterns.unit_digits.search(line, position, end)
        stop = inner.start() if inner and inner.start() > position else end
        trailing = None
        if stop == end:
            trailing = patterns.trailing.search(line, position, end)
            if trailing and trailing.start() > position:
                stop = trailing.start()
            else:
                trailing = None
        text_start, text_end = _strip(line, position, stop)
        if text_start < text_end:
            body = line[text_start:text_end]
            printed_number = own_number(body)
            if printed_number and printed_number.isdigit():
                last_number[0] = int(printed_number)
            unit = inner.group("unit") if stop != end and inner else None
            pieces.append(
                Piece(
                    Kind.TEXT,
                    body,
                    number,
                    text_start,
                    text_end,
                    cell_index,
                    number=printed_number,
                    unit=unit,
                )
            )
        if trailing is not None:
            _values(line, number, trailing.start(), end, cell_index, patterns, pieces, None)
            return
        position = stop


def _leading_values(
    line: str,
    number: int,
    start: int,
    end: int,
    cell_index: int,
    patterns: _Patterns,
    pieces: list[Piece],
    last_number: list[int],
) -> int:
    """Read a value run (maybe after a unit) at ``start``; return where the rest begins."""
    leading = patterns.leading.match(line, start, end)
    if leading is None:
        return start
    unit = leading.group("unit")
    if not leading.group("values"):
        return leading.end() if unit else start
    values_start, values_end = leading.span("values")
    rest = values_end
    while rest < end and line[rest] == " ":
        rest += 1
    # "003.电子邮件申请数": the digits before the full stop number the next row
    if rest < end and line[rest] in ".、" and rest + 1 < end and not line[rest + 1].isdigit():
        run_digits = _TRAILING_DIGITS.search(line[values_start:values_end].rstrip())
        if run_digits:
            digits_end = values_start + len(line[values_start:values_end].rstrip())
            keep = _numbering_digits(run_digits.group(), (), last_number[0])
            values_end = digits_end - keep
    _values(line, number, values_start, values_end, cell_index, patterns, pieces, unit)
    return values_end


def _values(
    line: str,
    number: int,
    start: int,
    end: int,
    cell_index: int,
    patterns: _Patterns,
    pieces: list[Piece],
    unit: str | None,
) -> None:
    for token in patterns.token.finditer(line, start, end):
        pieces.append(
            Piece(
                Kind.VALUE,
                token.group(),
                number,
                token.start(),
                token.end(),
                cell_index,
                explicit=False,
                unit=unit,
            )
        )


# --- sections ------------------------------------------------------------------------------------

# No leading \s*: a numeral after spaces is already preceded by a space, and a leading \s* made
# every position of a long blanked-out table retry the whole run of spaces (quadratic).
_SECTION = re.compile(
    r"(?:^|(?<=[。;；\s]))(?P<numeral>[一二三四五六七八九十]{1,2})\s*、\s*(?=(?P<title>[^\n]{0,60}))"
)
# a title ends at punctuation, a space or a number that follows words ("…改进情况2024年"); a
# year at its start belongs to it ("2016年政府信息公开工作开展情况")
_TITLE_STOP = re.compile(r"[。;；,，:：\s(（]|(?<=[^\d年])\d")
_TITLE_WORD = re.compile(r".*(?:情况|事项|措施|概述)")


@functools.lru_cache(maxsize=8)
def _titles_by_first_char(known_titles: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The known titles by their first character, in the given order (longest first)."""
    grouped: dict[str, list[str]] = {}
    for key in known_titles:
        grouped.setdefault(key[:1], []).append(key)
    return {char: tuple(keys) for char, keys in grouped.items()}


def _title(words: str, known_titles: tuple[str, ...]) -> str:
    for key in _titles_by_first_char(known_titles).get(words[:1], ()):
        for size in range(len(key), min(len(words), len(key) + 6) + 1):
            if label_key(words[:size]) == key:
                return words[:size]
    stop = _TITLE_STOP.search(words)
    title = words[: stop.start()] if stop else words
    ending = _TITLE_WORD.match(title)
    return (ending.group() if ending else title).strip()


def _numeral_value(numeral: str) -> int:
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + _ZH_NUMERALS.index(numeral[1]) + 1
    if numeral.endswith("十"):
        return (_ZH_NUMERALS.index(numeral[0]) + 1) * 10
    if "十" in numeral:
        tens, ones = numeral.split("十")
        return (_ZH_NUMERALS.index(tens) + 1) * 10 + _ZH_NUMERALS.index(ones) + 1
    return _ZH_NUMERALS.index(numeral) + 1


def find_sections(
    text: str, table_spans: tuple[Span, ...], known_titles: tuple[str, ...] = ()
) -> tuple[Section, ...]:
    """The top-level numbered sections (一、… 二、…) in order, outside table regions.

    A title is the printed words after the number: a known section or table title when the words
    start with one (``known_titles`` are label keys), else up to the first punctuation mark,
    space or digit, trimmed after its last 情况/事项/措施/概述 (one-line dumps run the title into
    the first sentence).
    """
    lines = text.split("\n")
    marked = [index for index, line in enumerate(lines) if "、" in line]  # only these can hold one
    if marked and table_spans:
        marked_set = set(marked)
        for span in table_spans:  # blank tables out: a heading may follow a table on the same line
            index = span.line - 1
            if index in marked_set:
                line = lines[index]
                lines[index] = line[: span.start] + " " * (span.end - span.start) + line[span.end :]
    sections: list[Section] = []
    expected = 1
    for index in marked:
        line, number = lines[index], index + 1
        for found in _SECTION.finditer(line):
            start = found.start("numeral")
            value = _numeral_value(found.group("numeral"))
            if value != expected:
                continue
            title = _title(found.group("title"), known_titles)
            if not title:
                continue
            end = found.start("title") + len(title)
            sections.append(Section(value, title, Span(number, start, end)))
            expected += 1
    return tuple(sections)
