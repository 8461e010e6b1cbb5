"""Scores converter output against the hand-written expected values under ``tests/expected``.

The expected files are read from the reports by hand (format: ``tests/expected/README.md``); this
module only compares. ``load_expected`` reads them, the converter side fills one
``PredictedReport`` per corpus file, ``score`` compares (pure), ``format_report`` prints the result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ogikg.converter.model import Cell, ParsedReport, ValueStatus

# Metadata fields in the order they are reported.
METADATA_FIELDS = (
    "agency",
    "adcode",
    "level",
    "kind",
    "year",
    "template",
    "published",
    "is_summary",
    "index_number",
    "uscc",
)

BLANK = ""  # printed blank: never the same as 0
NOT_APPLICABLE = "/"  # printed "/", "—", "-"
UNDETERMINABLE = "?"  # illegible, or no reading can be justified by hand

# Statuses with which the converter claims to know the cell.
_CERTAIN = frozenset({ValueStatus.REPORTED, ValueStatus.BLANK, ValueStatus.NOT_APPLICABLE})
# Statuses with which the converter says it does not know.
_FLAGGING = frozenset({ValueStatus.UNCERTAIN, ValueStatus.ILLEGIBLE})


@dataclass(frozen=True, slots=True)
class Expected:
    """One hand-written gold file."""

    file: str  # path relative to the corpus folder, e.g. "seeds/000_82f019a8d9904d2c.txt"
    whole: bool
    metadata: Mapping[str, Any]
    undeterminable: frozenset[str]
    cells: Mapping[str, str]  # "2021.T3.granted/NP" -> "71" | "" | "/" | "?"
    narrative: Mapping[str, Decimal]
    also_acceptable: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: str = ""


@dataclass(frozen=True, slots=True)
class PredictedCell:
    value: str  # normalised number, or "" (blank), "/" (not applicable), "?" (no reading)
    status: ValueStatus


@dataclass(frozen=True, slots=True)
class PredictedReport:
    """What the converter said about one file, reduced to comparable plain values."""

    agency: str | None = None
    adcode: str | None = None
    level: str | None = None
    kind: str | None = None  # notation in the agency-kind scheme
    kind_labels: tuple[str, ...] = ()  # every zh label of that kind
    year: int | None = None
    template: str | None = None
    published: str | None = None  # ISO date
    is_summary: bool | None = None
    index_number: str | None = None
    uscc: str | None = None
    cells: Mapping[str, PredictedCell] = field(default_factory=dict)
    narrative: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Miss:
    file: str
    field: str  # metadata field, cell key or narrative indicator
    expected: str
    got: str


@dataclass(slots=True)
class FieldScore:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass(slots=True)
class CellScore:
    """Cells with a known expected value, plus those that cannot be read by hand ("?")."""

    correct: int = 0
    flagged: int = 0  # converter said uncertain / illegible
    wrong: int = 0
    missing: int = 0
    unexpected: int = 0  # predicted cells that are not part of the expected form (whole reports)
    undeterminable_flagged: int = 0  # expected "?" and the converter flagged it
    undeterminable_asserted: int = 0  # expected "?" and the converter claimed a value
    undeterminable_missing: int = 0

    @property
    def total(self) -> int:
        return self.correct + self.flagged + self.wrong + self.missing

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass(slots=True)
class NarrativeScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


@dataclass(slots=True)
class Score:
    files: int = 0
    files_without_prediction: list[str] = field(default_factory=list)
    metadata: dict[str, FieldScore] = field(default_factory=dict)
    cells: dict[str, CellScore] = field(default_factory=dict)  # "whole" and "excerpt"
    narrative: NarrativeScore = field(default_factory=NarrativeScore)
    certain_wrong: list[Miss] = field(default_factory=list)  # wrong cells the converter was sure of
    metadata_misses: list[Miss] = field(default_factory=list)
    cell_misses: list[Miss] = field(default_factory=list)
    narrative_misses: list[Miss] = field(default_factory=list)


# ----------------------------------------------------------------------------------------- loading


def load_expected(root: Path) -> list[Expected]:
    """Every ``*.json`` gold file below ``root`` (the ``tests/expected`` folder), sorted by file."""
    found = [_parse_expected(json.loads(path.read_text(encoding="utf-8"))) for path in root.rglob("*.json")]
    return sorted(found, key=lambda e: e.file)


def _parse_expected(data: Mapping[str, Any]) -> Expected:
    return Expected(
        file=data["file"],
        whole=bool(data["whole"]),
        metadata=dict(data["metadata"]),
        undeterminable=frozenset(data.get("undeterminable", ())),
        cells={str(k): str(v) for k, v in data.get("cells", {}).items()},
        narrative={str(k): Decimal(str(v)) for k, v in data.get("narrative", {}).items()},
        also_acceptable={k: tuple(v) for k, v in data.get("also_acceptable", {}).items()},
        ambiguous={k: tuple(v) for k, v in data.get("ambiguous", {}).items()},
        notes=data.get("notes", ""),
    )


# ---------------------------------------------------------------------------------- from converter


def number_text(value: int | Decimal) -> str:
    """A number as the expected files write it: no exponent, no trailing zeros after the point."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def predicted_cell(cell: Cell) -> PredictedCell:
    if cell.status == ValueStatus.BLANK:
        return PredictedCell(BLANK, cell.status)
    if cell.status == ValueStatus.NOT_APPLICABLE:
        return PredictedCell(NOT_APPLICABLE, cell.status)
    if cell.value is None:
        return PredictedCell(UNDETERMINABLE, cell.status)
    return PredictedCell(number_text(cell.value), cell.status)


def from_parsed(
    parsed: ParsedReport, kind_labels: Callable[[str], Sequence[str]] = lambda notation: ()
) -> PredictedReport:
    """Reduce a converter result to what is scored; ``kind_labels`` gives the zh labels of a kind."""
    meta = parsed.metadata
    agency = meta.agency
    return PredictedReport(
        agency=agency.name if agency else None,
        adcode=agency.adcode if agency else None,
        level=str(agency.level) if agency and agency.level else None,
        kind=agency.kind if agency else None,
        kind_labels=tuple(kind_labels(agency.kind)) if agency and agency.kind else (),
        year=meta.year,
        template=str(parsed.template),
        published=meta.published.isoformat() if meta.published else None,
        is_summary=meta.is_summary,
        index_number=meta.index_number,
        uscc=agency.uscc if agency else None,
        cells={c.key: predicted_cell(c) for c in parsed.cells},
        narrative={f.indicator: Decimal(f.value) for f in parsed.narrative},
    )


# ---------------------------------------------------------------------------------------- scoring


def score(expected: Iterable[Expected], predicted: Mapping[str, PredictedReport]) -> Score:
    """Compare every expected file with its prediction (a missing prediction scores as all wrong)."""
    result = Score(
        metadata={name: FieldScore() for name in METADATA_FIELDS},
        cells={"whole": CellScore(), "excerpt": CellScore()},
    )
    for gold in expected:
        result.files += 1
        guess = predicted.get(gold.file)
        if guess is None:
            result.files_without_prediction.append(gold.file)
        _score_metadata(gold, guess, result)
        guess = guess or PredictedReport()
        _score_cells(gold, guess, result)
        _score_narrative(gold, guess, result)
    return result


def _normalise_name(name: str) -> str:
    return "".join(name.split()).replace("\u3000", "")


def _metadata_correct(name: str, gold: Expected, guess: PredictedReport) -> bool:
    want = gold.metadata.get(name)
    got = getattr(guess, name)
    if name == "agency":
        names = {_normalise_name(n) for n in (*want, *gold.also_acceptable.get(name, ()))}
        return got is not None and _normalise_name(got) in names
    if name == "kind":
        if want is None:
            return got is None
        words = [want] if isinstance(want, str) else list(want)
        return any(word in label for word in words for label in guess.kind_labels)
    return got == want or (got is not None and got in gold.also_acceptable.get(name, ()))


def _score_metadata(gold: Expected, prediction: PredictedReport | None, result: Score) -> None:
    # without a prediction every field is a miss, even those whose expected value is "none"
    guess = prediction or PredictedReport()
    for name in METADATA_FIELDS:
        if name in gold.undeterminable:
            continue
        tally = result.metadata[name]
        tally.total += 1
        if prediction is not None and _metadata_correct(name, gold, guess):
            tally.correct += 1
        else:
            got = getattr(guess, name) if prediction is not None else "(no prediction)"
            if name == "kind" and prediction is not None and got is not None:
                got = f"{got} {list(guess.kind_labels)}"
            result.metadata_misses.append(Miss(gold.file, name, _show(gold.metadata.get(name)), _show(got)))


def _as_number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _same_value(want: str, got: str) -> bool:
    if want == got:
        return True
    a, b = _as_number(want), _as_number(got)
    return a is not None and b is not None and a == b


def _score_cells(gold: Expected, guess: PredictedReport, result: Score) -> None:
    tally = result.cells["whole" if gold.whole else "excerpt"]
    for key, want in gold.cells.items():
        got = guess.cells.get(key)
        if want == UNDETERMINABLE:
            if got is None:
                tally.undeterminable_missing += 1
            elif got.status in _FLAGGING:
                tally.undeterminable_flagged += 1
            else:
                tally.undeterminable_asserted += 1
                result.cell_misses.append(Miss(gold.file, key, "? (cannot be read by hand)", _show_cell(got)))
            continue
        if got is None:
            tally.missing += 1
            result.cell_misses.append(Miss(gold.file, key, _show_value(want), "(missing)"))
        elif got.status in _FLAGGING:
            tally.flagged += 1
        elif _same_value(want, got.value):
            tally.correct += 1
        else:
            tally.wrong += 1
            miss = Miss(gold.file, key, _show_value(want), _show_cell(got))
            result.cell_misses.append(miss)
            if got.status in _CERTAIN:
                result.certain_wrong.append(miss)
    if gold.whole:
        tally.unexpected += sum(1 for key in guess.cells if key not in gold.cells)


def _score_narrative(gold: Expected, guess: PredictedReport, result: Score) -> None:
    tally = result.narrative
    for key, want in gold.narrative.items():
        got = guess.narrative.get(key)
        if got is not None and got == want:
            tally.true_positives += 1
        else:
            tally.false_negatives += 1
            result.narrative_misses.append(Miss(gold.file, key, str(want), _show(got)))
    for key, got in guess.narrative.items():
        if gold.narrative.get(key) != got:
            tally.false_positives += 1
            if key not in gold.narrative:
                result.narrative_misses.append(Miss(gold.file, key, "(none)", str(got)))


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list | tuple):
        return " | ".join(str(v) for v in value)
    return str(value)


def _show_value(value: str) -> str:
    return {BLANK: "(blank)", NOT_APPLICABLE: "/"}.get(value, value)


def _show_cell(cell: PredictedCell) -> str:
    return f"{_show_value(cell.value)} [{cell.status}]"


# ---------------------------------------------------------------------------------------- report


def format_report(result: Score) -> str:
    """Accuracy tables and the list of misses, as plain text."""
    lines = [
        f"files scored: {result.files}  (without prediction: {len(result.files_without_prediction)})",
        "",
    ]
    lines.append("metadata            correct / scored   accuracy")
    for name, tally in result.metadata.items():
        lines.append(f"  {name:<16} {tally.correct:>7} / {tally.total:<7} {tally.accuracy:8.1%}")
    lines.append("")
    lines.append(
        "cells      correct  flagged  wrong  missing  accuracy  unexpected  ?flagged  ?asserted  ?missing"
    )
    for group, c in result.cells.items():
        lines.append(
            f"  {group:<8} {c.correct:>7} {c.flagged:>8} {c.wrong:>6} {c.missing:>8} {c.accuracy:9.1%}"
            f" {c.unexpected:>11} {c.undeterminable_flagged:>9} {c.undeterminable_asserted:>10}"
            f" {c.undeterminable_missing:>9}"
        )
    lines.append(f"  wrong values the converter was certain of: {len(result.certain_wrong)}")
    n = result.narrative
    lines.append("")
    lines.append(
        f"narrative  precision {n.precision:.1%}  recall {n.recall:.1%}"
        f"  (tp {n.true_positives}, fp {n.false_positives}, fn {n.false_negatives})"
    )
    for title, misses in (
        ("files without prediction", [Miss(f, "-", "-", "-") for f in result.files_without_prediction]),
        ("certain wrong cells", result.certain_wrong),
        ("metadata misses", result.metadata_misses),
        ("cell misses", result.cell_misses),
        ("narrative misses", result.narrative_misses),
    ):
        if not misses:
            continue
        lines.append("")
        lines.append(f"{title} ({len(misses)}):")
        lines.extend(f"  {m.file}  {m.field}  expected {m.expected}  got {m.got}" for m in misses)
    return "\n".join(lines) + "\n"
