"""Synthetic round trip: render random consistent reports, convert them, compare with the truth.

    .venv/bin/python benchmarks/roundtrip.py --reports 5000 [--seed 1] [--jobs 2]

Reports come from ``ogikg.synth.population`` (agencies at every level, 2012–2024: narrative-only,
old 统计表, 2019 and 2021 forms) and are rendered by ``ogikg.synth.render`` in every layout —
pipe, markdown, one cell per line, space-separated, run-together, HTML (row/column spans, <br>,
UTF-8 or GBK), DOCX — some in Traditional characters. Each is converted by the real pipeline
(bytes → decode → normalise → tables → metadata → ParsedReport) and every cell of the truth is
scored.

Whether the rendering determines a value is decided here, from the printed text and the form
alone, without the converter's code:

* pipe, markdown, cells, HTML, DOCX print every cell (an empty one as an empty cell): every
  value is *recoverable*, a blank one as blank.
* space-separated rows drop empty cells: the k printed tokens of a row may stand in any k of its
  n cells, in order. Run-together rows lose every separator: the row's characters may be cut
  into its n cells anywhere a printed number can start and end (no leading zero, a sign only in
  a signed cell and only first — or alone, its digits lost —, a decimal point only in a decimal
  cell, a unit only last). Each choice per row is an *assignment*; the consistent ones satisfy
  every identity of the form
  (ogi:sumOf, bounds, the 表三 balance, the applicant 总计) over printed, non-blank cells.
  If none is consistent (a report that breaks an identity), no identity is used. A value is
  recoverable iff it is the same in every consistent assignment (brute force over the rows'
  readings, with a step budget; a report beyond it is counted as "inconclusive").
  A blank cell in these layouts is never recoverable (a run-together row with blank cells is
  not read as a row of n numbers at all).

Score per cell: a recoverable value must come back exactly, with certainty (``exact``); an
unrecoverable one must be *flagged*: status uncertain (or illegible), or blank where the truth is
blank. ``wrong`` counts values claimed with certainty that differ from the truth (target 0);
``overconfident`` counts unrecoverable values claimed with certainty that happen to be right.
Metadata (agency name, adcode, year covered, form generation) are compared too.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import multiprocessing
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from ogikg.converter.model import Cell, ParsedReport, RejectedInput, ValueStatus
from ogikg.converter.pipeline import convert_bytes
from ogikg.converter.values import format_value
from ogikg.ontology.catalogue import catalogue
from ogikg.ontology.layout import form_tables
from ogikg.synth.population import population
from ogikg.synth.render import LAYOUTS, Rendering, render

CellKey = tuple[str, str | None]
Value = int | Decimal | str | None
# A sign whose digits were lost (real copies print a bare 增): a cell of a signed column with no
# value, on which no identity is tested. Synthetic reports never print one, but a run-together
# "0+25" may be read as 0, +, 25 — so such a reading keeps the other readings' cells uncertain.
LOST_DIGITS = "+?"

GRID_LAYOUTS = frozenset({"pipe", "markdown", "cells", "html", "docx"})
YEARS = range(2012, 2025)
STEP_BUDGET = 400_000  # search steps per report for the recoverability oracle


# --- the form: printed rows, cell kinds, identities ----------------------------------------------


@dataclass(frozen=True)
class Identity:
    left: tuple[CellKey, ...]
    right: tuple[CellKey, ...]
    relation: str  # "=", "<=", ">="


@dataclass(frozen=True)
class FormView:
    rows: tuple[tuple[CellKey, ...], ...]  # the data cells of each printed grid row, in order
    kinds: dict[CellKey, str]  # "count" | "signed" | "decimal"
    identities: tuple[Identity, ...]  # over printed cells only


@functools.cache
def form_view(generation: str) -> FormView:
    cat = catalogue()
    rows = tuple(
        tuple(cell.key for cell in row if cell.key is not None)
        for grid in form_tables(generation)
        for row in grid.rows
    )
    rows = tuple(row for row in rows if row)
    printed = {key for row in rows for key in row}
    kinds: dict[CellKey, str] = {}
    for key in printed:
        datatype = cat[key[0]].datatype or ""
        kinds[key] = (
            "decimal"
            if datatype.endswith("#decimal")
            else "signed"
            if datatype.endswith("#integer")
            else "count"
        )
    applicants = [a.notation for a in cat.applicant_types()]
    columns: list[str | None] = [None, *applicants]
    identities: list[Identity] = []

    def keys(notations: list[str], column: str | None) -> tuple[CellKey, ...] | None:
        found = tuple((notation, column) for notation in notations)
        return found if all(key in printed for key in found) else None

    for concept in cat.by_iri.values():
        if f"{generation}." not in concept.notation and concept.kind != "balance":
            continue
        forms: list[tuple[list[str], list[str], str]] = []
        if concept.sum_of and concept.kind in ("indicator", "derived"):
            forms.append(([concept.notation], [cat.iri(t).notation for t in concept.sum_of], "="))
        if concept.at_most_sum_of:
            forms.append(([concept.notation], [cat.iri(t).notation for t in concept.at_most_sum_of], "<="))
        if concept.at_least_sum_of:
            forms.append(([concept.notation], [cat.iri(t).notation for t in concept.at_least_sum_of], ">="))
        if concept.kind == "balance" and concept.left_terms:
            left = [cat.iri(t).notation for t in concept.left_terms]
            right = [cat.iri(t).notation for t in concept.right_terms]
            if all(n.startswith(f"{generation}.") for n in left + right):
                forms.append((left, right, "="))
        for left, right, relation in forms:
            for column in columns:
                left_keys, right_keys = keys(left, column), keys(right, column)
                if left_keys and right_keys:
                    identities.append(Identity(left_keys, right_keys, relation))
    total = cat["T"]
    parts = [cat.iri(p).notation for p in total.sum_of]
    for row in rows:
        for notation in dict.fromkeys(key[0] for key in row if key[1] == "T"):
            found = tuple((notation, part) for part in parts)
            if all(key in printed for key in found):
                identities.append(Identity(((notation, "T"),), found, "="))
    return FormView(rows, kinds, tuple(dict.fromkeys(identities)))


# --- one printed number ----------------------------------------------------------------------------

_COUNT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"[+\-]?(?:0|[1-9]\d*)")
_DECIMAL = re.compile(r"(?P<number>(?:0|[1-9]\d*)(?:\.\d+)?)(?P<unit>万元|元)?")


def printed_number(text: str, kind: str) -> Value | bool:
    """The value of a printed cell, or False when these characters cannot be one cell."""
    if kind == "count":
        return int(text) if _COUNT.fullmatch(text) else False
    if kind == "signed":
        if text in ("+", "-"):
            return LOST_DIGITS
        return int(text) if _SIGNED.fullmatch(text) else False
    found = _DECIMAL.fullmatch(text)
    if found is None:
        return False
    value = Decimal(found.group("number"))
    return value / 10000 if found.group("unit") == "元" else value


def canonical(value: Value) -> str:
    return "" if value is None else value if isinstance(value, str) else format_value(value)


# --- readings of one row --------------------------------------------------------------------------


class OutOfSteps(Exception):
    pass


@dataclass
class Budget:
    steps: int = STEP_BUDGET

    def spend(self, amount: int = 1) -> None:
        self.steps -= amount
        if self.steps < 0:
            raise OutOfSteps


def _holds(identity: Identity, values: dict[CellKey, Value]) -> bool | None:
    """True/False once every cell is known and a number; None while some are unknown or blank."""
    left, right = [], []
    for side, target in ((identity.left, left), (identity.right, right)):
        for key in side:
            value = values.get(key)
            if value is None or isinstance(value, str):
                return None
            target.append(value)
    a, b = sum(left), sum(right)
    return a == b if identity.relation == "=" else a <= b if identity.relation == "<=" else a >= b


def _possible(identity: Identity, values: dict[CellKey, Value]) -> bool:
    """False when a "total = Σ non-negative terms" identity already fails on the terms placed."""
    if identity.relation != "=" or len(identity.left) != 1:
        return True
    total = values.get(identity.left[0])
    if total is None or isinstance(total, str):
        return True
    placed = [v for key in identity.right if isinstance(v := values.get(key), int | Decimal)]
    return not all(v >= 0 for v in placed) or sum(placed) <= total


def _target(
    identities: list[Identity], key: CellKey, kind: str, values: dict[CellKey, Value]
) -> list[str] | None:
    """The spellings a count cell must have when an equality fixes it from cells already placed."""
    if kind == "decimal":
        return None
    for identity in identities:
        if identity.relation != "=":
            continue
        own, other = (
            (identity.left, identity.right) if key in identity.left else (identity.right, identity.left)
        )
        if own.count(key) != 1 or key in other:
            continue
        known = [values.get(k) for k in (*own, *other) if k != key]
        if any(v is None or isinstance(v, str) for v in known):
            continue
        value = sum(values[k] for k in other) - sum(values[k] for k in own if k != key)  # type: ignore[misc]
        if value < 0 and kind == "count":
            return []
        return [str(value), f"+{value}"] if kind == "signed" and value >= 0 else [str(value)]
    return None


def split_readings(
    text: str, keys: tuple[CellKey, ...], kinds: dict[CellKey, str], local: list[Identity], budget: Budget
) -> list[tuple[Value, ...]]:
    """Every cut of a run-together row into its cells that satisfies the identities inside the row.

    Cells are placed from the right: totals are printed after their terms, so a total is known
    before its terms, which then cannot add up to more (counts are not negative) and the last of
    them is computed rather than searched for.
    """
    n = len(keys)
    position_of = {key: i for i, key in enumerate(keys)}
    closing: dict[int, list[Identity]] = defaultdict(list)  # by the leftmost position they involve
    touching: dict[int, list[Identity]] = defaultdict(list)
    spans = []
    for identity in local:
        spots = [position_of[k] for k in (*identity.left, *identity.right)]
        closing[min(spots)].append(identity)
        for spot in set(spots):
            touching[spot].append(identity)
        spans.append((min(spots), max(spots)))
    # cells 0..i-1 can be read apart from the rest when no identity has cells on both sides
    apart = [all(not (low < i <= high) for low, high in spans) for i in range(n + 1)]
    values: dict[CellKey, Value] = {}
    memo: dict[tuple[int, int], list[tuple[Value, ...]]] = {}

    def prefixes(i: int, end: int) -> list[tuple[Value, ...]]:
        """Readings of cells 0..i-1 from text[:end], given the cells placed to their right."""
        budget.spend()
        if i == 0:
            return [()] if end == 0 else []
        if end < i:
            return []
        if apart[i] and (i, end) in memo:
            return memo[(i, end)]
        found: list[tuple[Value, ...]] = []
        key, kind = keys[i - 1], kinds[keys[i - 1]]
        starts: list[int] | range = range(end - 1, i - 2, -1)
        target = _target(closing[i - 1], key, kind, values) if closing.get(i - 1) else None
        if target is not None:  # fixed by cells already placed: only its own spelling can stand here
            starts = [end - len(t) for t in target if end - len(t) >= i - 1 and text.endswith(t, 0, end)]
        for start in starts:
            value = printed_number(text[start:end], kind)
            if value is False:
                continue
            values[key] = value  # type: ignore[assignment]
            if any(_holds(identity, values) is False for identity in closing.get(i - 1, ())):
                continue
            if not all(_possible(identity, values) for identity in touching.get(i - 1, ())):
                continue
            found.extend((*rest, value) for rest in prefixes(i - 1, start))  # type: ignore[misc]
        values.pop(key, None)
        if apart[i]:
            memo[(i, end)] = found
        return found

    return prefixes(n, len(text))


def token_readings(
    tokens: list[str], keys: tuple[CellKey, ...], kinds: dict[CellKey, str]
) -> list[tuple[Value, ...]]:
    """Every placement of a space-separated row's tokens (in order) in its cells; the rest blank."""
    found = []
    for chosen in itertools.combinations(range(len(keys)), len(tokens)):
        row: list[Value] = [None] * len(keys)
        ok = True
        for token, position in zip(tokens, chosen, strict=True):
            value = printed_number(token, kinds[keys[position]])
            if value is False:
                ok = False
                break
            row[position] = value  # type: ignore[assignment]
        if ok:
            found.append(tuple(row))
    return found


# --- the oracle -----------------------------------------------------------------------------------


@dataclass
class Expected:
    recoverable: bool
    value: str  # canonical text of the true value ("" = blank)
    # the value the rendering determines when that is not the truth: a report that breaks an
    # identity in a way another reading of its digits satisfies (reading it is being misled)
    misleading: str | None = None


def expectations(truth: dict, layout: str) -> tuple[dict[str, Expected], bool]:
    """Per truth cell: whether the rendering determines it; and whether the search completed."""
    generation = truth["template"]
    cells = truth["cells"]
    if not cells:
        return {}, True
    view = form_view(generation)

    def name(key: CellKey) -> str:
        return f"{key[0]}/{key[1]}" if key[1] else key[0]

    if layout in GRID_LAYOUTS:
        return {n: Expected(True, c["value"]) for n, c in cells.items()}, True
    budget = Budget()
    options: list[list[tuple[Value, ...]]] = []
    unreadable: set[int] = set()  # rows read as nothing (blank cells in a run-together row)
    row_of: dict[CellKey, int] = {}
    for index, keys in enumerate(view.rows):
        for key in keys:
            row_of[key] = index
        printed = [cells[name(key)]["printed"] for key in keys]
        local = [
            identity
            for identity in view.identities
            if all(k in keys for k in (*identity.left, *identity.right))
        ]
        if layout == "spaces":
            tokens = [text for text in printed if text]
            found = token_readings(tokens, keys, view.kinds)
            found = [
                r
                for r in found
                if all(_holds(i, dict(zip(keys, r, strict=True))) is not False for i in local)
            ]
            if not found:
                found = token_readings(tokens, keys, view.kinds)
        else:
            if all(printed):
                try:
                    found = split_readings("".join(printed), keys, view.kinds, local, budget)
                    if not found:
                        found = split_readings("".join(printed), keys, view.kinds, [], budget)
                except OutOfSteps:
                    return {n: Expected(False, c["value"]) for n, c in cells.items()}, False
            elif not any(printed):
                found = [tuple([None] * len(keys))]
            else:
                found = [tuple([None] * len(keys))]
                unreadable.add(index)
        options.append(found)
    try:
        supported = _supported(view, options, budget)
    except OutOfSteps:
        return {n: Expected(False, c["value"]) for n, c in cells.items()}, False
    result: dict[str, Expected] = {}
    for key, row in row_of.items():
        truth_value = cells[name(key)]["value"]
        position = view.rows[row].index(key)
        seen = {canonical(reading[position]) for reading in supported[row]}
        recoverable = len(seen) == 1 and row not in unreadable and truth_value != ""
        if layout == "run-together" and not all(cells[name(k)]["printed"] for k in view.rows[row]):
            recoverable = False
        misleading = None
        if recoverable and seen != {truth_value}:
            recoverable, misleading = False, next(iter(seen))
        result[name(key)] = Expected(recoverable, truth_value, misleading)
    return result, True


def _supported(
    view: FormView, options: list[list[tuple[Value, ...]]], budget: Budget
) -> list[list[tuple[Value, ...]]]:
    """Per row, the readings that take part in at least one assignment satisfying the identities
    that link rows (those inside one row already chose the row's readings).

    Rows linked by identities form groups; a group whose identities cannot all hold (a report
    that breaks one) keeps every reading of its rows: its identities are not used.
    """
    row_of = {key: index for index, keys in enumerate(view.rows) for key in keys}
    linking = []
    for identity in view.identities:
        rows = {row_of[k] for k in (*identity.left, *identity.right)}
        if len(rows) > 1:
            linking.append((identity, rows))
    group = list(range(len(options)))

    def root(row: int) -> int:
        while group[row] != row:
            row = group[row]
        return row

    for _, rows in linking:
        first, *others = sorted(rows)
        for other in others:
            group[root(other)] = root(first)
    result = [list(found) for found in options]
    for top in sorted({root(i) for i in range(len(options))}):
        members = [i for i in range(len(options)) if root(i) == top]
        identities = [identity for identity, rows in linking if root(min(rows)) == top]
        if identities:
            for row, found in _supported_in(view, options, members, identities, budget).items():
                result[row] = found
    return result


def _supported_in(
    view: FormView,
    options: list[list[tuple[Value, ...]]],
    members: list[int],
    identities: list[Identity],
    budget: Budget,
) -> dict[int, list[tuple[Value, ...]]]:
    """The supported readings of one group of linked rows (all of them if none fits)."""
    fixed: dict[CellKey, Value] = {}
    open_rows = []
    for row in members:
        if len(options[row]) == 1:
            fixed.update(zip(view.rows[row], options[row][0], strict=True))
        else:
            open_rows.append(row)
    if any(_holds(identity, fixed) is False for identity in identities) or not open_rows:
        return {}
    order = sorted(open_rows, key=lambda i: len(options[i]))
    supported: dict[int, set[int]] = {i: set() for i in open_rows}
    values = dict(fixed)

    def search(step: int, chosen: dict[int, int], pinned: tuple[int, int]) -> bool:
        budget.spend()
        if step == len(order):
            for row, reading in chosen.items():
                supported[row].add(reading)
            return True
        row = order[step]
        candidates = [pinned[1]] if pinned[0] == row else range(len(options[row]))
        for reading in candidates:
            values.update(zip(view.rows[row], options[row][reading], strict=True))
            if all(_holds(i, values) is not False and _possible(i, values) for i in identities):
                chosen[row] = reading
                if search(step + 1, chosen, pinned):
                    return True
                del chosen[row]
        for key in view.rows[row]:
            values.pop(key, None)
        return False

    for row in order:
        for reading in range(len(options[row])):
            if reading not in supported[row]:
                values.clear()
                values.update(fixed)
                search(0, {}, (row, reading))
    if not any(supported.values()):
        return {}  # the identities cannot all hold: they are not used
    return {row: [options[row][r] for r in sorted(found)] for row, found in supported.items()}


# --- scoring --------------------------------------------------------------------------------------

CERTAIN = frozenset({ValueStatus.REPORTED, ValueStatus.BLANK, ValueStatus.NOT_APPLICABLE})


@dataclass
class Tally:
    reports: int = 0
    rejected: int = 0
    inconclusive: int = 0
    recoverable: int = 0
    exact: int = 0
    unrecoverable: int = 0
    flagged: int = 0
    wrong: int = 0
    overconfident: int = 0
    missing: int = 0
    unlisted: int = 0  # flagged cells whose readings do not include the truth
    misled: int = 0  # asserted the value the rendering determines, which a planted error made wrong
    metadata: Counter = field(default_factory=Counter)  # field → correct
    metadata_unknown: int = 0  # fields not identified (None)
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        for name in ("reports", "rejected", "inconclusive", "recoverable", "exact", "unrecoverable"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in (
            "flagged",
            "wrong",
            "overconfident",
            "missing",
            "unlisted",
            "misled",
            "metadata_unknown",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.metadata.update(other.metadata)
        self.seconds += other.seconds


def _readings(cell: Cell) -> list[str]:
    found = [canonical(cell.value)] if cell.value is not None else []
    return found + [canonical(v) for v in cell.alternatives]


def score(parsed: ParsedReport | None, truth: dict, layout: str) -> tuple[Tally, list[str]]:
    tally = Tally(reports=1)
    failures: list[str] = []
    expected, complete = expectations(truth, layout)
    if not complete:  # the oracle gave up: the cells of this report are not scored
        tally.inconclusive += 1
        expected = {}
    if parsed is None:
        tally.rejected += 1
        failures.append("rejected")
        return tally, failures
    meta = parsed.metadata
    agency = meta.agency
    checks = {
        "agency": agency is not None and agency.name == truth["agency"],
        "adcode": agency is not None and agency.adcode == truth["adcode"],
        "year": meta.year == truth["year"],
        "template": parsed.template.value == truth["template"],
    }
    found = {
        "agency": agency.name if agency else None,
        "adcode": agency.adcode if agency else None,
        "year": meta.year,
        "template": parsed.template.value,
    }
    for name, ok in checks.items():
        tally.metadata[name] += int(ok)
        if not ok:
            # not identified (e.g. a county name that several prefectures share) is not wrong
            tally.metadata_unknown += int(found[name] is None)
            failures.append(f"metadata {name}: {found[name]!r} != {truth[name]!r}")
    cells = {cell.key: cell for cell in parsed.cells}
    for name, want in expected.items():
        cell = cells.get(name)
        if want.recoverable:
            tally.recoverable += 1
        else:
            tally.unrecoverable += 1
        if cell is None:
            tally.missing += 1
            failures.append(f"{name}: missing (truth {want.value!r})")
            continue
        got = canonical(cell.value) if cell.status in CERTAIN else None
        if cell.status in CERTAIN and got != want.value and got == want.misleading:
            tally.misled += 1
            failures.append(
                f"{name}: misled to {got!r} like every reader of this rendering (truth {want.value!r})"
            )
        elif cell.status in CERTAIN and got != want.value:
            tally.wrong += 1
            failures.append(f"{name}: WRONG {got!r} ({cell.status}, raw {cell.raw!r}) != {want.value!r}")
        elif want.recoverable:
            if cell.status in CERTAIN:
                tally.exact += 1
            else:
                failures.append(f"{name}: {cell.status} {_readings(cell)} but recoverable {want.value!r}")
        elif cell.status in CERTAIN and cell.status is not ValueStatus.BLANK:
            tally.overconfident += 1
            failures.append(f"{name}: asserted {got!r}, not determined by the rendering")
        else:
            tally.flagged += 1
            listed = _readings(cell)
            if cell.status is ValueStatus.UNCERTAIN and want.value and listed and want.value not in listed:
                tally.unlisted += 1
                failures.append(f"{name}: uncertain {_readings(cell)} lacks the truth {want.value!r}")
    return tally, failures


# --- the population -------------------------------------------------------------------------------


def renderings(rng: random.Random, count: int) -> Iterator[Rendering]:
    """Every layout in turn; Traditional characters now and then; HTML in GBK half the time."""
    for index in range(count):
        layout = LAYOUTS[index % len(LAYOUTS)]
        traditional = rng.random() < 0.12
        encoding = "gbk" if layout == "html" and rng.random() < 0.5 else "utf-8"
        yield Rendering(layout, traditional=traditional, encoding=encoding)


def synthetic_reports(
    count: int, seed: int, contradictions: float
) -> Iterator[tuple[int, bytes, dict, Rendering]]:
    rng = random.Random(seed)
    agencies = -(-count // len(YEARS))
    reports = population(agencies, YEARS, rng, contradiction_share=contradictions)
    for index, (report, rendering) in enumerate(zip(reports, renderings(rng, count), strict=False)):
        data, truth = render(report, rendering, rng)
        yield index, data, truth, rendering


def _convert_and_score(item: tuple[int, bytes, dict, Rendering]) -> tuple[str, str, Tally, list[str]]:
    index, data, truth, rendering = item
    started = time.process_time()
    try:
        parsed: ParsedReport | None = convert_bytes(f"synthetic-{index:05d}{rendering.extension}", data)
    except RejectedInput:
        parsed = None
    seconds = time.process_time() - started
    tally, failures = score(parsed, truth, rendering.layout)
    tally.seconds = seconds
    label = f"#{index} {rendering.name} {truth['template']} {truth['agency']} {truth['year']}"
    return (
        rendering.layout + ("+t" if rendering.traditional else ""),
        truth["template"],
        tally,
        [f"{label}: {failure}" for failure in failures],
    )


@dataclass
class RoundTrip:
    by_group: dict[tuple[str, str], Tally]
    failures: list[str]
    traditional: Tally  # the reports in Traditional characters (also counted in their layout)

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.by_group.values():
            total.add(tally)
        return total


def round_trip(count: int, seed: int = 1, contradictions: float = 0.0, jobs: int = 1) -> RoundTrip:
    by_group: dict[tuple[str, str], Tally] = defaultdict(Tally)
    failures: list[str] = []
    items = synthetic_reports(count, seed, contradictions)
    if jobs > 1:
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs) as pool:
            results = list(pool.imap(_convert_and_score, items, chunksize=4))
    else:
        results = [_convert_and_score(item) for item in items]
    traditional = Tally()
    for layout, generation, tally, found in results:
        by_group[(layout.removesuffix("+t"), generation)].add(tally)
        if layout.endswith("+t"):
            traditional.add(tally)
        failures.extend(found)
    return RoundTrip(dict(by_group), failures, traditional)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f}" if whole else "     -"


def format_table(result: RoundTrip) -> str:
    header = (
        f"{'layout':<13}{'form':<10}{'reports':>8}{'recov':>8}{'exact%':>8}{'unrecov':>8}{'flag%':>8}"
        f"{'wrong':>6}{'overc':>6}{'miss':>6}{'meta%':>8}{'ms/rep':>8}"
    )
    lines = [header, "-" * len(header)]
    groups = sorted(result.by_group.items())
    rows = [*groups, (("all", ""), result.total), (("traditional", "(all)"), result.traditional)]
    for (layout, generation), tally in rows:
        meta = sum(tally.metadata.values())
        lines.append(
            f"{layout:<13}{generation:<10}{tally.reports:>8}{tally.recoverable:>8}"
            f"{_percent(tally.exact, tally.recoverable):>8}{tally.unrecoverable:>8}"
            f"{_percent(tally.flagged, tally.unrecoverable):>8}{tally.wrong:>6}{tally.overconfident:>6}"
            f"{tally.missing:>6}{_percent(meta, 4 * (tally.reports - tally.rejected)):>8}"
            f"{1000 * tally.seconds / max(1, tally.reports):>8.1f}"
        )
    total = result.total
    lines.append("")
    lines.append(
        "metadata correct: "
        + ", ".join(
            f"{name} {_percent(total.metadata[name], total.reports - total.rejected).strip()}%"
            for name in ("agency", "adcode", "year", "template")
        )
        + f" ({total.metadata_unknown} not identified, the rest wrong)"
        + f"; rejected {total.rejected}; oracle inconclusive {total.inconclusive}; "
        + f"flagged cells without the truth among their readings {total.unlisted}; "
        + f"misled by a planted contradiction {total.misled}"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--contradictions", type=float, default=0.0, help="share of reports with a planted error"
    )
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--show", type=int, default=60, help="failures to print")
    args = parser.parse_args()
    started = time.perf_counter()
    result = round_trip(args.reports, args.seed, args.contradictions, args.jobs)
    print(format_table(result))
    print(f"\n{len(result.failures)} failures ({time.perf_counter() - started:.0f} s wall)")
    for failure in result.failures[: args.show]:
        print("  " + failure)
    total = result.total
    return 0 if total.exact == total.recoverable and total.wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
