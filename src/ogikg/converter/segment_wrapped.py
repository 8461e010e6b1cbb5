"""Labels cut by the width of their cell, joined again.

A table printed without rules and copied as text (a PDF whose tables have no lines, a page
flattened by a crawler) wraps a long label inside its cell, and the row's numbers stand on one of
its lines, often the middle one::

    (二)部分公开(区分处
    理的,只计这一情形,不 25 0 0 0 0 0 25
    计其他情形)

Scanned line by line, no line holds the label, so the row was lost, or worse, read as blank. Here
the text at the start of consecutive lines is joined while it stays the beginning of a label of the
catalogue, and kept only when it ends as a whole label: one label piece where the first fragment
stands, the numbers after it where they were printed. Lines of numbers alone may stand between
the fragments.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from ogikg.converter.labels import NUMBERING_BEFORE, LabelIndex, own_number
from ogikg.converter.normalise import has_unclosed_bracket, label_key, to_halfwidth
from ogikg.converter.segment import Kind, Piece

_MAX_NUMBER_LINES = 2  # lines of numbers alone between two fragments of one label
_LONGEST_NUMBER = 8  # characters of an item number printed alone: "( 十二 ) "


def join_cut_labels(pieces: list[Piece], index: LabelIndex) -> list[Piece]:
    """``pieces`` with every label cut over lines joined into one label piece."""
    beginnings = index.beginnings  # one character too: a label cut in a cell one character wide
    lines = _Lines(pieces, beginnings)
    dropped: set[int] = set()
    replaced: dict[int, Piece] = {}
    for number in lines.candidates:
        fragments = lines.fragments(number)
        for rank, fragment in enumerate(fragments):
            # A cut label starts a line or follows another cell's text (its block label's), not the
            # line's figures: what stands there goes on a label from the line above.
            if (
                not fragment.positions
                or fragment.positions[0] in dropped
                or fragment.place is _Place.AFTER_NUMBERS
            ):
                continue
            for offset in _starts(pieces, fragment):
                start = fragment.positions[offset:]
                text = "".join(pieces[i].text for i in start)
                joined = _join(text, fragment.line, lines.following(number, rank), beginnings, index)
                if joined is None:
                    continue
                whole, used = joined
                head, last = pieces[start[0]], pieces[start[-1]]
                replaced[start[0]] = Piece(
                    Kind.LABEL,
                    whole,
                    head.line,
                    head.start,
                    last.end,
                    head.cell,
                    entries=index.entries[label_key(whole)],
                    number=own_number(whole),
                )
                dropped.update(start[1:])
                # The other cell's text before a gap ("果" of "果 分处理的,…", the end of a block
                # label) goes too: kept, it would stand as a row between the label and its figures.
                dropped.update(position for part in used for position in part.positions)
                break
    if not replaced:
        return pieces
    return [replaced.get(i, piece) for i, piece in enumerate(pieces) if i not in dropped]


class _Place(enum.Enum):
    START = "start"  # the run of text a line starts with
    AFTER_NUMBERS = "after numbers"  # the run after a line's numbers
    MIDDLE = "middle"  # any other run: another cell's text, which may start a label but not go on one
    NUMBERS = "numbers"  # a line of numbers alone (no text)


@dataclass(frozen=True, slots=True)
class _Fragment:
    """A run of text and label pieces printed without a gap (positions in the list of pieces)."""

    text: str
    positions: tuple[int, ...]
    line: int
    place: _Place


_TEXTUAL = (Kind.TEXT, Kind.LABEL)


class _Lines:
    """The pieces line by line; a line's fragments are worked out when first asked for, as most
    lines (a row whose label is whole) never are."""

    def __init__(self, pieces: list[Piece], beginnings: frozenset[str]) -> None:
        self.pieces = pieces
        self.bounds: list[tuple[int, int]] = []
        self.candidates: list[int] = []  # the lines that may hold the start of a cut label
        self._fragments: dict[int, list[_Fragment]] = {}
        # One pass: a line is a candidate when its first piece or a text piece on it begins a
        # label, or a label on it does and the line does not end in figures, or it does and the
        # next line starts with text (its continuation); a row of a table with cells, its label
        # whole and the next row's label after it, is none. Lines of figures alone never are.
        first, begins, label_begins, pending = 0, False, False, False
        for position, piece in enumerate(pieces):
            if position and piece.line != pieces[position - 1].line:
                ends_in_figures = pieces[position - 1].kind is Kind.VALUE
                self._close(first, position, begins or (label_begins and not ends_in_figures))
                pending = label_begins and ends_in_figures and not begins
                first, begins, label_begins = position, False, False
            kind = piece.kind
            if pending:
                if kind is Kind.TEXT and piece.in_cell:
                    self.candidates.append(len(self.bounds) - 1)
                pending = False
            if kind is Kind.VALUE or begins or not piece.in_cell:
                continue
            if kind is Kind.TEXT or position == first:
                begins = _begins(piece.text, beginnings)
            elif kind is Kind.LABEL and not label_begins:
                label_begins = _begins(piece.text, beginnings)
        if pieces:
            ends_in_figures = pieces[-1].kind is Kind.VALUE
            self._close(first, len(pieces), begins or (label_begins and not ends_in_figures))

    def _close(self, first: int, end: int, candidate: bool) -> None:
        if candidate:
            self.candidates.append(len(self.bounds))
        self.bounds.append((first, end))

    def fragments(self, number: int) -> list[_Fragment]:
        """The runs of text of a line, or a fragment without text for a line of numbers alone."""
        found = self._fragments.get(number)
        if found is None:
            found = self._fragments[number] = _line_fragments(self.pieces, *self.bounds[number])
        return found

    def following(self, number: int, rank: int) -> Iterator[_Fragment]:
        """The fragments after the one at ``rank`` of line ``number``, in text order."""
        yield from self.fragments(number)[rank + 1 :]
        for later in range(number + 1, len(self.bounds)):
            yield from self.fragments(later)


def _line_fragments(pieces: list[Piece], first: int, end: int) -> list[_Fragment]:
    line = pieces[first].line
    if all(pieces[i].kind is Kind.VALUE for i in range(first, end)):
        return [_Fragment("", (), line, _Place.NUMBERS)]
    found: list[_Fragment] = []
    run: list[int] = []
    after_numbers = False

    blocked = False  # an empty cell or a sentence: what follows does not start the line

    def close() -> None:
        if run:
            place = _Place.MIDDLE if found or blocked else _Place.START
            if after_numbers:
                place = _Place.AFTER_NUMBERS
            found.append(_Fragment("".join(pieces[i].text for i in run), tuple(run), line, place))
            run.clear()

    for position in range(first, end):
        piece = pieces[position]
        if piece.kind is Kind.VALUE:
            close()
            after_numbers = True
        elif piece.kind in _TEXTUAL and piece.in_cell:
            if run and pieces[run[-1]].end != piece.start:
                close()
                after_numbers = False  # text after a gap is another cell's
            run.append(position)
        else:
            close()
            blocked = True
    close()
    return found


def _begins(text: str, beginnings: frozenset[str]) -> bool:
    """Whether a cut label may start with ``text``: two characters or more of a label, or fewer
    after an item number ("2.申", "5." in a cell too narrow for more)."""
    if len(text) <= _LONGEST_NUMBER and NUMBERING_BEFORE.fullmatch(to_halfwidth(text).strip()):
        return True  # an item number alone
    key = label_key(text)
    if len(key) >= 2:
        return key in beginnings
    return key in beginnings and own_number(text) is not None


def _starts(pieces: list[Piece], fragment: _Fragment) -> list[int]:
    """Where in a run a cut label may start: at the run's start, or at a piece with an item number
    of its own ("(六)其他1.申请人无正当理由…": a block label, then the row's)."""
    positions = fragment.positions
    return [0, *(k for k in range(1, len(positions)) if own_number(pieces[positions[k]].text) is not None)]


def _join(
    text: str, line: int, following: Iterator[_Fragment], beginnings: frozenset[str], index: LabelIndex
) -> tuple[str, list[_Fragment]] | None:
    """The longest whole label ``text`` (on ``line``) grows into with the ``following`` fragments
    (at the start of the next lines or after their numbers), and those fragments; ``None`` when
    it grows into none."""
    if not _begins(text, beginnings):
        return None
    used: list[_Fragment] = []
    found: tuple[str, list[_Fragment]] | None = None
    number_lines = 0
    for fragment in following:
        if fragment.line > line + 1 + number_lines:
            break
        if fragment.place is _Place.NUMBERS:
            number_lines += 1
            if number_lines > _MAX_NUMBER_LINES:
                break
            continue
        if fragment.place is _Place.MIDDLE or own_number(fragment.text) is not None:
            break  # another cell's text, or the next row's label ("3." then "(七)总计")
        text = _grown(text, fragment.text, beginnings, index)
        used.append(fragment)
        line, number_lines = fragment.line, 0
        key = label_key(text)
        if key in index.entries:
            found = (text, list(used))
        elif key + ")" in index.entries and has_unclosed_bracket(text):
            # the closing bracket was not found: alone on its line, the scanner keeps no piece
            found = (text + ")", list(used))
        if key not in beginnings:
            break
    return found


def _grown(text: str, fragment: str, beginnings: frozenset[str], index: LabelIndex) -> str:
    """``text`` and the fragment after it; when a line holds the text of two cells ("果 (区分处理的,":
    the end of a block label, then the next line of the row's label), only the part after the gap
    goes on from ``text``."""
    whole = text + fragment
    _, gap, after = fragment.partition(" ")
    if not gap or label_key(whole) in beginnings or label_key(whole) in index.entries:
        return whole
    return text + after.lstrip()
