"""The official forms as the table reader needs them, derived once from the catalogue.

For each generation: every printed row with the keys of its cells in printed order — (indicator
notation, applicant notation) for 表三, (indicator notation, None) elsewhere — and what each cell
holds (unit, datatype); 表四's fifteen cells in printed order; and the arithmetic identities as
``digits.Rule`` templates (ogi:sumOf, ogi:atMostSumOf / ogi:atLeastSumOf, the 表三 balance and the
applicant 总计), instantiated on the cells a report actually prints.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from ogikg.converter.digits import Rule
from ogikg.converter.values import CellKind
from ogikg.ontology.catalogue import Catalogue, Concept, catalogue

CellKey = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class CellSpec:
    indicator: str
    applicant: str | None
    kind: CellKind
    header: str  # printed column header (for extra cells and messages)

    @property
    def key(self) -> CellKey:
        return (self.indicator, self.applicant)


@dataclass(frozen=True, slots=True)
class RowSpec:
    notation: str  # the concept whose label heads the row
    table: str  # table notation
    position: int  # printed order within the table
    cells: tuple[CellSpec, ...]  # empty for headings without cells
    parent: str | None  # notation of the row group it belongs to (表三 outcome groups)
    children: tuple[str, ...] = ()  # 表三 groups: the rows printed under them


@dataclass(frozen=True, slots=True)
class FormSpec:
    generation: str
    rows: dict[str, RowSpec]  # by notation
    review_cells: tuple[CellSpec, ...]  # 表四, printed order
    tables: dict[str, str]  # role ('T2', 'T3', 'T4', 'T') → table notation
    titles: dict[str, str]  # table notation → printed title
    legal_person: str = ""  # 表三's group heading over the organisation columns (法人或其他组织)
    organisations: tuple[str, ...] = ()  # the applicant columns under it, in printed order


def _kind(cat: Catalogue, indicator: Concept) -> CellKind:
    unit = cat.iri(indicator.unit).notation if indicator.unit and indicator.unit in cat.by_iri else None
    datatype = indicator.datatype or ""
    return CellKind(unit=unit, decimal=datatype.endswith("#decimal"), signed=datatype.endswith("#integer"))


def _suffix(notation: str) -> str:
    return notation.rsplit(".", 1)[-1]


@functools.cache
def form_spec(generation: str) -> FormSpec:
    cat = catalogue()
    tables = {_suffix(t.notation): t.notation for t in cat.tables(generation)}
    titles = {t.notation: t.label_zh for t in cat.tables(generation)}
    rows: dict[str, RowSpec] = {}
    applicants = cat.applicant_types()
    review: list[CellSpec] = []
    positions = _positions(cat, generation)
    for concept in cat.by_iri.values():
        if not concept.table or concept.table not in cat.by_iri:
            continue
        table = cat.iri(concept.table)
        if table.notation not in titles:
            continue
        suffix = _suffix(table.notation)
        parent = cat.iri(concept.broader).notation if concept.broader in cat.by_iri else None
        position = positions.get(concept.notation, 0)
        if suffix == "T2" and concept.kind == "row":
            block = cat.iri(concept.broader)
            columns = sorted((cat.iri(c) for c in block.columns), key=lambda c: c.order)
            by_column = {c.form_column: c for c in cat.children(concept) if c.kind == "indicator"}
            cells = tuple(
                CellSpec(by_column[col.iri].notation, None, _kind(cat, by_column[col.iri]), col.label_zh)
                for col in columns
                if col.iri in by_column
            )
            rows[concept.notation] = RowSpec(
                concept.notation, table.notation, position, cells, block.notation
            )
        elif suffix == "T3" and concept.kind in ("indicator", "derived"):
            cells = tuple(
                CellSpec(concept.notation, a.notation, _kind(cat, concept), a.label_zh) for a in applicants
            )
            children = tuple(c.notation for c in cat.children(concept)) if concept.kind == "derived" else ()
            rows[concept.notation] = RowSpec(
                concept.notation, table.notation, position, cells, parent, children
            )
        elif suffix == "T" and concept.kind in ("indicator", "row"):
            cells = (
                (CellSpec(concept.notation, None, _kind(cat, concept), concept.label_zh),)
                if concept.kind == "indicator"
                else ()
            )
            children = tuple(c.notation for c in cat.children(concept))
            rows[concept.notation] = RowSpec(
                concept.notation, table.notation, position, cells, parent, children
            )
    if "T4" in tables:
        review = list(_review_cells(cat, tables["T4"]))
    group = next((a for a in cat.of_kind("applicant") if cat.children(a) and a.sum_of), None)
    organisations = tuple(c.notation for c in cat.children(group)) if group else ()
    return FormSpec(
        generation, rows, tuple(review), tables, titles, group.notation if group else "", organisations
    )


def _positions(cat: Catalogue, generation: str) -> dict[str, int]:
    concepts = [c for c in cat.by_iri.values() if c.kind in ("row", "indicator", "derived")]
    ordered = sorted(
        (c for c in concepts if any(s.endswith("/" + generation) for s in c.schemes)), key=cat.sort_key
    )
    return {c.notation: index for index, c in enumerate(ordered)}


def _review_cells(cat: Catalogue, table: str) -> list[CellSpec]:
    """表四's cells in printed order: groups with columns, left to right."""
    table_iri = cat[table].iri
    groups = sorted(
        (c for c in cat.by_iri.values() if c.kind == "row" and c.table == table_iri and c.columns),
        key=cat.sort_key,
    )
    cells: list[CellSpec] = []
    for group in groups:
        by_column = {c.form_column: c for c in cat.children(group) if c.kind == "indicator"}
        for column in sorted((cat.iri(c) for c in group.columns), key=lambda c: c.order):
            indicator = by_column.get(column.iri)
            if indicator is not None:
                cells.append(CellSpec(indicator.notation, None, _kind(cat, indicator), column.label_zh))
    return cells


# --- identities ---------------------------------------------------------------------------------


@functools.cache
def _rule_templates(generation: str) -> tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], bool], ...]:
    """(name, relation, left notations, right notations, per applicant column) for a generation."""
    cat = catalogue()
    found: list[tuple[str, str, tuple[str, ...], tuple[str, ...], bool]] = []
    scheme = "/" + generation
    for concept in cat.by_iri.values():
        if not concept.table or concept.table not in cat.by_iri:
            continue
        schemes = concept.schemes or cat.iri(concept.table).schemes  # balances carry only their table
        if not any(s.endswith(scheme) for s in schemes):
            continue
        per_applicant = bool(cat.iri(concept.table).column_scheme) if concept.table in cat.by_iri else False
        name = (concept.sum_rule or concept.bound_rule or concept.rule or "").rsplit("/", 1)[-1]
        if concept.kind in ("indicator", "derived") and concept.sum_of:
            terms = tuple(cat.iri(t).notation for t in concept.sum_of)
            found.append((name or "sum", "=", (concept.notation,), terms, per_applicant))
        if concept.at_most_sum_of:
            terms = tuple(cat.iri(t).notation for t in concept.at_most_sum_of)
            found.append((name or "bound", "<=", (concept.notation,), terms, per_applicant))
        if concept.at_least_sum_of:
            terms = tuple(cat.iri(t).notation for t in concept.at_least_sum_of)
            found.append((name or "bound", ">=", (concept.notation,), terms, per_applicant))
        if concept.kind == "balance" and concept.left_terms:
            left = tuple(cat.iri(t).notation for t in concept.left_terms)
            right = tuple(cat.iri(t).notation for t in concept.right_terms)
            found.append((name or "balance", "=", left, right, per_applicant))
    return tuple(found)


@functools.cache
def _applicant_total() -> tuple[str, tuple[str, ...], str]:
    cat = catalogue()
    for applicant in cat.of_kind("applicant"):
        if applicant.sum_of and (applicant.sum_rule or "").endswith("I2"):
            return applicant.notation, tuple(cat.iri(t).notation for t in applicant.sum_of), "I2"
    return "", (), ""


def rules_for(generation: str, present: Collection[CellKey]) -> list[Rule]:
    """The identities of a generation over the cells a report prints (see ``_rules_for``)."""
    return list(_rules_for(generation, frozenset(present)))


@functools.lru_cache(maxsize=256)
def _rules_for(generation: str, present: frozenset[CellKey]) -> tuple[Rule, ...]:
    """The identities of a generation over the cells a report prints.

    A term whose row is missing is replaced by its printed group (a 2021 report printing the
    2019-style single （六）其他处理 row); a rule with a term that is neither is left out.
    """
    spec = form_spec(generation)
    present_set = present
    rules: list[Rule] = []
    applicant_columns = {a for (_, a) in present_set if a is not None}
    for name, relation, left, right, per_applicant in _rule_templates(generation):
        columns: list[str | None] = sorted(applicant_columns) if per_applicant else [None]
        for column in columns:
            left_keys = _resolve(left, column, present_set, spec)
            right_keys = _resolve(right, column, present_set, spec)
            if left_keys is None or right_keys is None or not left_keys or not right_keys:
                continue
            rules.append(
                Rule(tuple(left_keys), tuple(right_keys), relation, f"{name} {column or ''}".strip())
            )
    total, parts, name = _applicant_total()
    if total:
        rows = {indicator for (indicator, applicant) in present_set if applicant == total}
        for row in sorted(rows):
            keys = [(row, part) for part in parts]
            if all(key in present_set for key in keys):
                rules.append(Rule(((row, total),), tuple(keys), "=", f"{name} {row}"))
    return tuple(rules)


def _resolve(
    notations: tuple[str, ...], column: str | None, present: set[CellKey], spec: FormSpec
) -> list[CellKey] | None:
    keys: list[CellKey] = []
    for notation in notations:
        key = (notation, column)
        if key in present:
            keys.append(key)
            continue
        row = spec.rows.get(notation)
        group = spec.rows.get(row.parent) if row and row.parent else None
        if group is not None and (group.notation, column) in present:
            if (group.notation, column) not in keys:
                keys.append((group.notation, column))
            continue
        return None
    return keys
