"""Quick constructors for the immutable values the table reader makes by the hundred per report.

``Span`` and ``Cell`` are frozen, slotted dataclasses: their generated ``__init__`` sets every
field through ``object.__setattr__``, which makes a cell cost several times a plain object.
These constructors fill the same slots directly and return the same objects (equal, hashable,
immutable). They are checked against the dataclass fields when this module is imported, so a
field added to the model cannot be silently left unset.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from ogikg.converter.model import Cell, Span, ValueStatus


def _setters(cls: type, names: tuple[str, ...]) -> tuple:  # type: ignore[type-arg]
    declared = tuple(field.name for field in dataclasses.fields(cls))
    if declared != names:
        raise RuntimeError(f"{cls.__name__} fields changed: {declared} (constructor knows {names})")
    return tuple(cls.__dict__[name].__set__ for name in names)


_new = object.__new__
_SET_LINE, _SET_START, _SET_END = _setters(Span, ("line", "start", "end"))
(
    _SET_INDICATOR,
    _SET_APPLICANT,
    _SET_STATUS,
    _SET_VALUE,
    _SET_RAW,
    _SET_SPAN,
    _SET_ALTERNATIVES,
) = _setters(Cell, ("indicator", "applicant", "status", "value", "raw", "span", "alternatives"))


# Spans are immutable and the same positions recur report after report (the same layouts print
# the same columns): one object per position serves them all, looked up faster than made.
_SPANS: dict[tuple[int, int, int], Span] = {}
_SPANS_KEPT = 50_000  # positions remembered before starting afresh


def new_span(line: int, start: int, end: int) -> Span:
    """``Span(line, start, end)`` (an equal span made earlier, when there is one)."""
    key = (line, start, end)
    span = _SPANS.get(key)
    if span is None:
        span = _new(Span)
        _SET_LINE(span, line)
        _SET_START(span, start)
        _SET_END(span, end)
        if len(_SPANS) >= _SPANS_KEPT:
            _SPANS.clear()
        _SPANS[key] = span
    return span


def new_cell(
    indicator: str,
    applicant: str | None,
    status: ValueStatus,
    value: int | Decimal | None,
    raw: str,
    span: Span | None,
    alternatives: tuple[int | Decimal, ...] = (),
) -> Cell:
    """``Cell(indicator, applicant, status, value, raw, span, alternatives)``."""
    cell = _new(Cell)
    _SET_INDICATOR(cell, indicator)
    _SET_APPLICANT(cell, applicant)
    _SET_STATUS(cell, status)
    _SET_VALUE(cell, value)
    _SET_RAW(cell, raw)
    _SET_SPAN(cell, span)
    _SET_ALTERNATIVES(cell, alternatives)
    return cell
