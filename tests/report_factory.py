"""Synthetic annual reports for tests: consistent by construction, broken on request.

``make_report(generation)`` builds a :class:`ParsedReport` of the old national 统计表, the 2019
format or the 2021 format in which every cell of the form is reported and every arithmetic
identity of the ontology holds (I1–I5 and I10 for the new forms, O1–O8 for the old one). The
totals are not written by hand: they are computed from the catalogue's ``ogi:sumOf`` /
``ogi:atMostSumOf`` / ``ogi:atLeastSumOf`` links and the 表三 balance (``ogi:leftTerm`` /
``ogi:rightTerm``), so the factory follows the ontology when it changes.

Cells are keyed like the seed expectations: ``"2021.T3.granted/NP"`` for a 表三 cell (indicator
notation, slash, applicant notation) and ``"2021.T4.review.total"`` for a cell without applicant.

Two ways to change cells:

* ``values={"2021.T3.granted/NP": 5}`` sets a part *before* totals are computed — the report
  stays consistent (totals and the balance follow).
* ``overrides={"2021.T3.totalProcessed/NP": 99}`` replaces a cell *after* totals are computed —
  use it to break an identity on purpose. An override value may be an ``int``/``Decimal``
  (reported), :data:`BLANK` / :data:`NOT_APPLICABLE` / :data:`ILLEGIBLE` (no value), an
  :func:`uncertain` reading, a ready :class:`Cell`, or :data:`OMIT` (the cell is not in the
  report at all).

Then ``emit(report)`` gives ``(ReportIris, nquads_text)`` exactly as the converter would write it.

Example::

    report = make_report("2021", overrides={"2021.T3.totalProcessed/NP": 21})
    ids, nquads = emit(report)
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from ogikg import iris
from ogikg.converter.batch import output_name
from ogikg.converter.emit import emit_report
from ogikg.converter.model import (
    Agency,
    Cell,
    DecodedDocument,
    InputFormat,
    Level,
    NarrativeFigure,
    ParsedReport,
    ReportMetadata,
    Span,
    Template,
    ValueStatus,
    cell_key,
)
from ogikg.jsonl import MANIFEST
from ogikg.ontology.catalogue import Catalogue, Concept, catalogue

Number = int | Decimal
CONVERTED_AT = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _NoValue:
    status: ValueStatus
    raw: str


BLANK = _NoValue(ValueStatus.BLANK, "")
NOT_APPLICABLE = _NoValue(ValueStatus.NOT_APPLICABLE, "/")
ILLEGIBLE = _NoValue(ValueStatus.ILLEGIBLE, "?")
OMIT = object()  # the cell is left out of the report


@dataclass(frozen=True, slots=True)
class _Uncertain:
    best: Number | None
    alternatives: tuple[Number, ...]


def uncertain(best: Number | None, *alternatives: Number) -> _Uncertain:
    """An uncertain cell: ``best`` is the reading kept as the value, ``alternatives`` the others."""
    return _Uncertain(best, tuple(alternatives))


CellSpec = Number | _NoValue | _Uncertain | Cell | object


def _generation(generation: str | Template) -> Template:
    return generation if isinstance(generation, Template) else Template(str(generation))


def _has_applicant_columns(cat: Catalogue, concept: Concept) -> bool:
    table = cat.by_iri.get(concept.table or "")
    return bool(table and table.column_scheme)


def form_cells(generation: str | Template) -> list[tuple[str, str | None]]:
    """(indicator notation, applicant notation or None) of every cell of a form, in form order."""
    cat = catalogue()
    template = _generation(generation)
    columns = [c.notation for c in cat.applicant_types()]
    cells: list[tuple[str, str | None]] = []
    for concept in cat.indicators(template.value):
        if _has_applicant_columns(cat, concept):
            cells.extend((concept.notation, column) for column in columns)
        else:
            cells.append((concept.notation, None))
    return cells


def _leaf_value(rng: random.Random, concept: Concept) -> Number:
    if concept.datatype == iris.PREFIXES["xsd"] + "decimal":
        return Decimal(rng.randint(0, 99999)) / 100
    if concept.datatype == iris.PREFIXES["xsd"] + "integer":
        return rng.randint(0, 5)  # 本年增/减: signed in general; tests that need a negative set one
    return rng.randint(0, 9)


def consistent_values(
    generation: str | Template, *, seed: int = 0, values: Mapping[str, Number] | None = None
) -> dict[str, Number]:
    """A value for every cell of the form such that every identity holds."""
    cat = catalogue()
    template = _generation(generation)
    rng = random.Random(f"{template.value}:{seed}")
    given = dict(values or {})
    cells = form_cells(template)
    notations = {indicator for indicator, _ in cells}
    concepts = {n: cat[n] for n in notations}
    notation_of = {c.iri: c.notation for c in concepts.values()}
    part_columns = [c.notation for c in cat.applicant_types() if c.notation != "T"]

    computed_rows = set()
    for concept in concepts.values():
        if (concept.sum_of and concept.sum_rule) or concept.at_most_sum_of or concept.at_least_sum_of:
            computed_rows.add(concept.notation)
    balances = [b for b in cat.of_kind("balance") if template.value + "." in b.notation]
    balance_left = {notation_of[t] for b in balances for t in b.left_terms[:1] if t in notation_of}
    computed_rows |= balance_left

    result: dict[str, Number] = {}
    for indicator, applicant in cells:
        key = cell_key(indicator, applicant)
        # draw for every leaf, given or not, so one change does not reshuffle the other values
        drawn = (
            _leaf_value(rng, concepts[indicator])
            if indicator not in computed_rows and applicant != "T"
            else None
        )
        if key in given:
            result[key] = given[key]
        elif drawn is not None:
            result[key] = drawn

    def total_of(parts: list[str], column: str | None) -> Number:
        return sum((value_of(notation_of[p], column) for p in parts if p in notation_of), start=0)

    def value_of(indicator: str, column: str | None) -> Number:
        key = cell_key(indicator, column)
        if key in result:
            return result[key]
        concept = concepts[indicator]
        if concept.sum_of and concept.sum_rule:
            value = total_of(concept.sum_of, column)
        elif concept.at_most_sum_of:
            value = total_of(concept.at_most_sum_of, column)
        elif concept.at_least_sum_of:
            value = total_of(concept.at_least_sum_of, column)
        else:
            value = _balance_left(indicator, column)
        result[key] = value
        return value

    def _balance_left(indicator: str, column: str | None) -> Number:
        for balance in balances:
            left = [notation_of[t] for t in balance.left_terms]
            right = [notation_of[t] for t in balance.right_terms]
            if left and left[0] == indicator:
                rest = sum((value_of(t, column) for t in left[1:]), start=0)
                needed = sum((value_of(t, column) for t in right), start=0) - rest
                if needed < 0:  # raise the carried-forward count so the balance stays non-negative
                    result[cell_key(right[-1], column)] = value_of(right[-1], column) - needed
                    needed = 0
                return needed
        raise KeyError(indicator)

    for indicator, applicant in cells:
        if applicant != "T":
            value_of(indicator, applicant)
    for indicator, applicant in cells:
        if applicant == "T" and cell_key(indicator, "T") not in result:
            result[cell_key(indicator, "T")] = sum(
                (result[cell_key(indicator, c)] for c in part_columns), start=0
            )
    return result


def _cell(indicator: str, applicant: str | None, spec: CellSpec, line: int) -> Cell | None:
    span = Span(line, 0, 4)
    if spec is OMIT:
        return None
    if isinstance(spec, Cell):
        return spec
    if isinstance(spec, _NoValue):
        return Cell(indicator, applicant, spec.status, None, spec.raw, span)
    if isinstance(spec, _Uncertain):
        raw = str(spec.best) if spec.best is not None else "?"
        return Cell(indicator, applicant, ValueStatus.UNCERTAIN, spec.best, raw, span, spec.alternatives)
    if isinstance(spec, int | Decimal):
        return Cell(indicator, applicant, ValueStatus.REPORTED, spec, str(spec), span)
    raise TypeError(f"unsupported cell spec for {cell_key(indicator, applicant)}: {spec!r}")


def make_report(
    generation: str | Template = "2021",
    *,
    values: Mapping[str, Number] | None = None,
    overrides: Mapping[str, CellSpec] | None = None,
    omit_prefixes: Iterable[str] = (),
    narrative: Mapping[str, Number] | None = None,
    additional: Iterable[Cell] = (),
    agency_name: str = "衢州市统计局",
    agency_body: str = "统计局",
    adcode: str | None = "330800",
    year: int | None = None,
    is_summary: bool = False,
    seed: int = 0,
) -> ParsedReport:
    """A consistent report of ``generation`` ("old", "2019", "2021"), changed as requested.

    ``omit_prefixes`` leaves out every cell whose indicator notation starts with one of them (a
    form without a block, e.g. the 2016 old form without ``old.requestType``). ``narrative`` maps
    narrative-indicator notations to the figures the prose states. ``additional`` cells are
    appended as given (e.g. a printed total the form has no cell for). ``year`` defaults to a year
    of the generation (2017, 2020, 2022).
    """
    template = _generation(generation)
    year = year if year is not None else {"old": 2017, "2019": 2020, "2021": 2022}.get(template.value, 2022)
    specs: dict[str, CellSpec] = dict(consistent_values(template, seed=seed, values=values))
    specs.update(overrides or {})
    omitted = tuple(omit_prefixes)
    cells: list[Cell] = []
    for line, (indicator, applicant) in enumerate(form_cells(template), start=10):
        if omitted and indicator.startswith(omitted):
            continue
        key = cell_key(indicator, applicant)
        cell = _cell(indicator, applicant, specs[key], line)
        if cell is not None:
            cells.append(cell)
    cells.extend(additional)
    unknown = set(overrides or {}) - {cell_key(i, a) for i, a in form_cells(template)}
    if unknown:
        raise KeyError(f"not cells of the {template.value} form: {sorted(unknown)}")
    figures = tuple(
        NarrativeFigure(notation, value, f"{notation} {value}", Span(3 + n, 0, 8))
        for n, (notation, value) in enumerate((narrative or {}).items())
    )
    identity = f"{template.value}|{agency_name}|{year}|{seed}|{sorted((overrides or {}).items(), key=str)}"
    sha = hashlib.sha256(identity.encode("utf-8")).hexdigest()
    text = f"{agency_name}{year}年政府信息公开工作年度报告\n"
    document = DecodedDocument(
        path=f"synthetic/{sha[:12]}.txt",
        sha256=sha,
        size=len(text.encode("utf-8")),
        format=InputFormat.TEXT,
        encoding="utf-8",
        text=text,
    )
    agency = Agency(
        name=agency_name,
        printed_name=agency_name,
        body=agency_body,
        kind="statistics",
        adcode=adcode,
        area_name=None,
        level=Level.PREFECTURE,
    )
    metadata = ReportMetadata(
        title=f"{agency_name}{year}年政府信息公开工作年度报告",
        agency=agency,
        year=year,
        published=None,
        index_number=None,
        source_url=None,
        is_summary=is_summary,
    )
    return ParsedReport(
        document=document,
        metadata=metadata,
        template=template,
        cells=tuple(cells),
        narrative=figures,
    )


def emit(report: ParsedReport) -> tuple[iris.ReportIris, str]:
    """The report as the converter writes it: its IRIs and its named graph as N-Quads."""
    return emit_report(report, CONVERTED_AT)


def write_output(root: Path, reports: list[ParsedReport]) -> dict[int, iris.ReportIris]:
    """A convert output folder (manifest + one N-Quads file per report), as ``ogikg convert`` writes;
    returns the reports' IRIs by year."""
    root.mkdir(parents=True, exist_ok=True)
    records, ids_by_year = [], {}
    for report in reports:
        ids, nquads = emit(report)
        output = output_name(report.document.sha256)
        (root / output).parent.mkdir(parents=True, exist_ok=True)
        (root / output).write_text(nquads, encoding="utf-8")
        records.append(
            {"input": report.document.path, "status": "converted", "graph": ids.graph, "output": output}
        )
        ids_by_year[report.metadata.year] = ids
    (root / MANIFEST).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return ids_by_year


def cell_iri(ids: iris.ReportIris, key: str) -> str:
    """IRI of the cell ``"indicator/applicant"`` (or ``"indicator"``) of a report."""
    indicator, _, applicant = key.partition("/")
    return ids.cell(indicator, applicant or None)


def cell_values(report: ParsedReport) -> dict[str, Number]:
    """``"indicator/applicant"`` → value of every cell of a report that has one."""
    return {cell_key(c.indicator, c.applicant): c.value for c in report.cells if c.value is not None}


def following_values(previous: ParsedReport, *, seed: int = 1) -> dict[str, Number]:
    """Values for next year's report of the same agency that agree with ``previous`` across years.

    Carried over (表三 二) = last year's carried forward, column by column (I6); 2021 表二 现行有效件数
    = last year's + issued − repealed (I7); 2019 表二 上一年项目数量 = last year's + 本年增/减 (I8).
    """
    before = cell_values(previous)
    generation = previous.template.value
    fresh = consistent_values(generation, seed=seed)
    values: dict[str, Number] = {}
    for key, value in before.items():
        indicator, _, applicant = key.partition("/")
        if indicator.endswith(".T3.carriedForward") and applicant != "T":
            values[key.replace(".carriedForward", ".carriedOver")] = value
        elif indicator.endswith(".inForce"):
            row = indicator.removesuffix(".inForce")
            issued = fresh[row + ".issued"]
            repealed = min(fresh[row + ".repealed"], value + issued)
            values[row + ".repealed"] = repealed
            values[key] = value + issued - repealed
        elif indicator.endswith(".previousYearItems"):
            row = indicator.removesuffix(".previousYearItems")
            values[key] = value + before[row + ".change"]
    return values


def make_following_report(previous: ParsedReport, *, seed: int = 1, **changes) -> ParsedReport:
    """Next year's report of the agency of ``previous``, consistent with it across years.

    ``changes`` are passed to :func:`make_report` (``values`` are merged over the carried ones).
    """
    meta = previous.metadata
    agency = meta.agency
    values = {**following_values(previous, seed=seed), **changes.pop("values", {})}
    return make_report(
        changes.pop("generation", previous.template.value),
        values=values,
        seed=seed,
        agency_name=agency.name if agency else "衢州市统计局",
        agency_body=agency.body if agency else "统计局",
        adcode=agency.adcode if agency else None,
        year=(meta.year or 2021) + 1,
        is_summary=meta.is_summary,
        **changes,
    )
