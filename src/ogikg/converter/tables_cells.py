"""The printed material of a row → one reading per cell position.

Two cases:

* *Grid*: every value is a whole cell (pipe cells, one cell per line). Rows printed with more
  cells than the form (colspan padding, an empty label column) are aligned on the window whose
  outside cells are all empty; when several windows fit, the offset that the unambiguous rows of
  the same table use decides; otherwise the cells that differ are uncertain. Rows with fewer
  cells than the form (a copy that dropped empty cells) cannot be aligned: their cells are
  uncertain, with the values that could stand there as alternatives — never shifted silently.
* *Run*: values separated by spaces or not at all. When there are as many tokens as cells, each
  token is a cell; otherwise the run is split by ``digits`` under the form's identities, jointly
  with the other runs of the report. A cell whose value differs between the readings that fit is
  uncertain, with every reading listed. A *best* reading is named only when the report's prose
  states one of them right after the row's own words (制发行政规范性文件62件 for the row
  行政规范性文件): prose is evidence for a preference, never for certainty.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from ogikg.converter import digits
from ogikg.converter.model import Span
from ogikg.converter.normalise import label_key
from ogikg.converter.segment import Kind, Piece
from ogikg.converter.tables_objects import new_span
from ogikg.converter.tables_rows import RowMaterial
from ogikg.converter.tables_spec import CellSpec
from ogikg.converter.values import CellKind, split_unit


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """A cell position of a printed row."""

    key: Hashable  # the form's (indicator, applicant) key, or a private key for other cells
    kind: CellKind
    header: str  # printed column header
    form: CellSpec | None  # the form cell, None for a cell outside the form
    ignored: bool = False  # a column the form does not have and that is not reported (法人小计)


@dataclass(slots=True)
class CellReading:
    raw: str
    span: Span | None
    uncertain: bool = False
    alternatives: tuple[str, ...] = ()  # other printed readings of an uncertain cell
    best: str | None = None  # the preferred reading of an uncertain cell, if any
    unit: str | None = None


@dataclass(slots=True)
class RowPlan:
    row: RowMaterial
    slots: Sequence[SlotSpec]
    readings: list[CellReading] | None = None  # known once read (grid, tokens, or after solving)
    run: digits.Run | None = None
    chunks: list[Piece] = field(default_factory=list)  # the piece of each chunk of the run
    chunk_units: list[str | None] = field(default_factory=list)
    windows: list[int] = field(default_factory=list)  # grid rows: offsets that fit
    note: str | None = None
    # a grid row with one printed cell per position: its pieces stand for the readings (see
    # ``plan_readings``), which most rows never need as objects
    grid: list[Piece] | None = None


def plan_readings(plan: RowPlan) -> list[CellReading] | None:
    """The readings of a row, made from its grid pieces when they were not made yet."""
    if plan.readings is None and plan.grid is not None:
        plan.readings = [_reading(piece) for piece in plan.grid]
    return plan.readings


def plan_row(row: RowMaterial, slots: Sequence[SlotSpec], units: tuple[str, ...]) -> RowPlan:
    plan = RowPlan(row, slots)
    values = row.values
    if not row.loose:  # every value is a whole table cell (only VALUE pieces can be loose)
        _plan_grid(plan, values)
        return plan
    tokens = [piece for piece in values if piece.kind is Kind.VALUE]
    if len(tokens) == len(slots) and all(
        _single(piece, slot) for piece, slot in zip(tokens, slots, strict=True)
    ):
        plan.readings = [CellReading(p.text, p.span, unit=p.unit) for p in tokens]
        return plan
    _plan_run(plan, tokens, units)
    return plan


def _single(piece: Piece, slot: SlotSpec) -> bool:
    """Whether a token can be one cell as printed (a run like '00' or '230' with too few cells cannot)."""
    text = piece.text
    if not text[:1].isdigit() and text[:1] not in "+-增减":
        return True  # placeholders such as '/' or '—'
    body = text.lstrip("+-增减")
    whole = body.split(".", 1)[0].replace(",", "")
    return not (len(whole) > 1 and whole.startswith("0")) and ("." not in body or slot.kind.decimal)


def _plan_grid(plan: RowPlan, values: list[Piece]) -> None:
    size = len(plan.slots)
    if len(values) == size:  # the common row
        plan.grid = values
        return
    if len(values) > size:
        # windows whose outside cells are all empty: those holding every filled cell
        empty = Kind.EMPTY
        filled_at = [i for i, piece in enumerate(values) if piece.kind is not empty]
        if filled_at:
            low, high = max(0, filled_at[-1] - size + 1), min(filled_at[0], len(values) - size)
        else:
            low, high = 0, len(values) - size
        plan.windows = list(range(low, high + 1))
        if len(plan.windows) == 1:
            offset = plan.windows[0]
            plan.grid = values[offset : offset + size]
        elif not plan.windows:
            filled = [piece for piece in values if piece.kind is not Kind.EMPTY]
            plan.note = f"{len(filled)} values printed for {size} cells"
            plan.readings = _unaligned(filled, size) if len(filled) != size else [_reading(p) for p in filled]
            if len(filled) == size:
                for reading in plan.readings:
                    reading.uncertain, reading.best = True, reading.raw
        return
    filled = [piece for piece in values if piece.kind is not Kind.EMPTY]
    if not filled:
        plan.readings = [CellReading("", values[0].span if values else None) for _ in plan.slots]
        return
    plan.note = f"{len(values)} cells printed for {size}: positions unknown (empty cells dropped?)"
    plan.readings = _unaligned(filled, size)


def resolve_windows(plans: list[RowPlan]) -> None:
    """Rows whose padding fits several alignments follow the offset the table's other rows use."""
    preferred: Counter[tuple[int, int]] = Counter()
    for plan in plans:
        if len(plan.windows) == 1:
            preferred[(len(plan.row.values), plan.windows[0])] += 1
    by_offset: Counter[int] = Counter()
    for (_, offset), count in preferred.items():
        by_offset[offset] += count
    for plan in plans:
        if len(plan.windows) <= 1 or plan.readings is not None:
            continue
        size, values = len(plan.slots), plan.row.values
        same_width = [o for o in plan.windows if preferred.get((len(values), o))]
        choice = max(same_width, key=lambda o: preferred[(len(values), o)]) if same_width else None
        if choice is None:
            common = [o for o in plan.windows if by_offset.get(o)]
            choice = max(common, key=lambda o: by_offset[o]) if common else None
        if choice is not None:
            plan.readings = [_reading(piece) for piece in values[choice : choice + size]]
            continue
        # no evidence: cells that differ between the fitting alignments are uncertain
        options = [[values[o + i] for o in plan.windows] for i in range(size)]
        readings = []
        differing = False
        for candidates in options:
            texts = list(dict.fromkeys(p.text for p in candidates))
            first = candidates[0]
            if len(texts) == 1:
                readings.append(_reading(first))
            else:
                differing = True
                span = _cover([p.span for p in candidates])
                readings.append(CellReading(first.text, span, True, tuple(texts), None))
        plan.readings = readings
        if differing:
            plan.note = "padding fits several alignments"


def _reading(piece: Piece) -> CellReading:
    return CellReading(piece.text, new_span(piece.line, piece.start, piece.end), False, (), None, piece.unit)


def _unaligned(filled: list[Piece], size: int) -> list[CellReading]:
    """k printed values for n > k cells in order: cell j may hold value i for the i that fit."""
    count = len(filled)
    readings = []
    for j in range(size):
        low, high = max(0, j - (size - count)), min(j, count - 1)
        possible = [filled[i] for i in range(low, high + 1)] if count else []
        texts = tuple(dict.fromkeys(p.text for p in possible))
        span = _cover([p.span for p in possible]) if possible else None
        blank_possible = count < size
        if len(texts) == 1 and not blank_possible:
            readings.append(_reading(possible[0]))
        else:
            readings.append(CellReading(texts[0] if texts else "", span, True, texts, None))
    return readings


def _cover(spans: list[Span]) -> Span | None:
    if not spans:
        return None
    first = spans[0]
    same_line = [s for s in spans if s.line == first.line]
    return Span(first.line, min(s.start for s in same_line), max(s.end for s in same_line))


# --- runs ---------------------------------------------------------------------------------------


def _plan_run(plan: RowPlan, tokens: list[Piece], units: tuple[str, ...]) -> None:
    chunks: list[digits.Chunk] = []
    for piece in tokens:
        body, unit = split_unit(piece.text, units)
        text = body.replace("增", "+").replace("减", "-")
        fixed = (not text[:1].isdigit() and text[:1] not in "+-") or "," in text
        chunks.append(digits.Chunk(text, fixed))
        plan.chunks.append(piece)
        plan.chunk_units.append(unit)
    slots = tuple(
        digits.Slot(slot.key, signed=slot.kind.signed, decimal=slot.kind.decimal) for slot in plan.slots
    )
    plan.run = digits.Run(slots, tuple(chunks))


class ProseEvidence:
    """Numbers stated outside the tables, each with the words just before its mentions: evidence
    for choosing among readings of run-together digits ("制发行政规范性文件62件"). Computed on
    first use only — most reports never need it."""

    _NUMBER = re.compile(r"(?<![\d.])\d{2,}(?![\d.])")
    _WINDOW = 16

    def __init__(self, text: str, table_spans: tuple[Span, ...]) -> None:
        self._text = text
        self._spans = table_spans
        self._found: dict[str, tuple[str, ...]] | None = None

    def windows(self, number: str) -> tuple[str, ...]:
        if self._found is None:
            self._found = self._collect()
        return self._found.get(number, ())

    def _collect(self) -> dict[str, tuple[str, ...]]:
        lines = self._text.split("\n")
        for span in self._spans:
            line = lines[span.line - 1]
            lines[span.line - 1] = line[: span.start] + " " * (span.end - span.start) + line[span.end :]
        prose = "\n".join(lines)
        found: dict[str, list[str]] = {}
        for match in self._NUMBER.finditer(prose):
            before = prose[max(0, match.start() - self._WINDOW) : match.start()].replace(" ", "")
            found.setdefault(match.group(), []).append(before)
        return {number: tuple(windows) for number, windows in found.items()}


def readings_from_run(plan: RowPlan, result: digits.RunResult, prose: ProseEvidence) -> None:
    """Cell readings of a run from the readings that satisfy the identities."""
    run = plan.run
    assert run is not None
    options = list(result.readings)
    if len(options) == 1 and result.complete:
        plan.readings = [
            CellReading(_cell_raw(plan, cut), _cut_span(plan, cut), unit=_cut_unit(plan, cut))
            for cut in options[0]
        ]
        return
    if not options:
        whole = _cover([p.span for p in plan.chunks])
        text = " ".join(p.text for p in plan.chunks)
        plan.readings = [CellReading(text, whole, True, (), None) for _ in plan.slots]
        plan.note = "digits cannot be split into the row's cells"
        return
    if not result.complete:
        # more readings than were listed: a partial list would pass for every reading
        whole = _cover([p.span for p in plan.chunks])
        text = ("" if len(plan.chunks) == 1 else " ").join(p.text for p in plan.chunks)
        plan.readings = [CellReading(text, whole, True, (), None) for _ in plan.slots]
        plan.note = "too many readings of the digits to list"
        return
    top = _narrative_favourites(plan, options, prose)
    # without a best reading, an uncertain cell's raw text is every character it may come from
    separator = "" if len(plan.chunks) == 1 else " "
    whole = separator.join(p.text for p in plan.chunks)
    readings: list[CellReading] = []
    for index in range(len(plan.slots)):
        texts = list(dict.fromkeys(_cell_raw(plan, option[index]) for option in options))
        first_cut = options[0][index]
        if len(texts) == 1:
            readings.append(
                CellReading(texts[0], _cut_span(plan, first_cut), unit=_cut_unit(plan, first_cut))
            )
            continue
        favourite = {_cell_raw(plan, option[index]) for option in top}
        best = next(iter(favourite)) if len(favourite) == 1 else None
        spans = [_cut_span(plan, option[index]) for option in options]
        readings.append(CellReading(best or whole, _cover(spans), True, tuple(texts), best))
    plan.readings = readings


def _cell_raw(plan: RowPlan, cut: digits.Cut) -> str:
    chunk, start, end = cut
    piece = plan.chunks[chunk]
    text = piece.text[start:end]
    unit = plan.chunk_units[chunk]
    if unit and end == len(plan.run.chunks[chunk].text):  # type: ignore[union-attr]
        text += unit
    return text


def _cut_span(plan: RowPlan, cut: digits.Cut) -> Span:
    chunk, start, end = cut
    piece = plan.chunks[chunk]
    unit = plan.chunk_units[chunk]
    if unit and end == len(plan.run.chunks[chunk].text):  # type: ignore[union-attr]
        end += len(unit)
    return new_span(piece.line, piece.start + start, piece.start + end)


def _cut_unit(plan: RowPlan, cut: digits.Cut) -> str | None:
    return plan.chunk_units[cut[0]] or plan.chunks[cut[0]].unit


def _narrative_favourites(
    plan: RowPlan, options: list[digits.Reading], prose: ProseEvidence
) -> list[digits.Reading]:
    """Readings with the most cells that the prose states right after the row's own words
    ("主动公开政府信息425条" for the row 主动公开信息数). Evidence for a best reading only: the
    cells stay uncertain."""
    run = plan.run
    head = plan.row.head
    if run is None or head is None or len(options) < 2:
        return []
    words = label_key(head.text)[:_EVIDENCE_WORDS]
    if len(words) < _EVIDENCE_WORDS:
        return []
    scored = []
    for option in options:
        texts = [digits.cell_text(run, cut).lstrip("+-") for cut in option]
        scored.append(sum(1 for t in texts if any(words in window for window in prose.windows(t))))
    best = max(scored)
    return [option for option, score in zip(options, scored, strict=True) if score == best] if best else []


_EVIDENCE_WORDS = 4  # leading characters of a row label that must precede a number in the prose
