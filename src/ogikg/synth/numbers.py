"""Random but internally consistent values for every cell of an official form.

Leaves are drawn at random; every total is then computed from the catalogue's "total = sum of
parts" links (ogi:sumOf, the applicant 总计 column, the I1 balance, the old form's bounds), so a
generated form satisfies every identity unless a contradiction is planted on purpose. Values of
one agency evolve from year to year: last year's 结转下年度 is this year's 上年结转, 现行有效件数
carries forward, 上一年项目数量 follows last year's 本年增/减.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from ogikg.ontology.catalogue import Catalogue, Concept, catalogue
from ogikg.ontology.layout import CellKey

Value = int | Decimal | None | str  # None: printed blank; "/": not applicable

XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@dataclass
class FormValues:
    generation: str
    values: dict[CellKey, Value] = field(default_factory=dict)
    contradictions: list[dict] = field(default_factory=list)  # identities broken on purpose

    def number(self, key: CellKey) -> int | Decimal | None:
        value = self.values.get(key)
        return value if isinstance(value, int | Decimal) else None


def _suffix(notation: str) -> str:
    """The row id without its generation, e.g. 'T3.carriedForward'."""
    return notation.split(".", 1)[1]


def cell_keys(cat: Catalogue, generation: str) -> list[CellKey]:
    """Every printed cell of a generation's form, in printed order."""
    keys: list[CellKey] = []
    applicants = [a.notation for a in cat.applicant_types()]
    for concept in cat.indicators(generation):
        table = cat.iri(concept.table) if concept.table else None
        if table is not None and table.column_scheme:
            keys.extend((concept.notation, a) for a in applicants)
        else:
            keys.append((concept.notation, None))
    return keys


def _draw(rng: random.Random, concept: Concept, scale: float, applicant: str | None) -> int | Decimal:
    """A plausible leaf value: mostly small counts, many zeros, organisations rarer than people."""
    if concept.datatype == XSD_DECIMAL:
        if rng.random() < 0.5:
            return Decimal(0)
        return Decimal(rng.randint(1, int(200 * scale) + 1)) / Decimal(100) * Decimal(rng.randint(1, 50))
    if concept.datatype == XSD_INTEGER:  # 本年增/减
        return rng.choice([0, 0, 0, 1, 2, -1, rng.randint(-5, 9)])
    zero_share = 0.55 if applicant in (None, "NP") else 0.85
    if rng.random() < zero_share:
        return 0
    return max(1, int(rng.expovariate(1 / max(1.0, 4 * scale))))


class _Builder:
    def __init__(self, generation: str, rng: random.Random, scale: float) -> None:
        self.cat = catalogue()
        self.generation = generation
        self.rng = rng
        self.scale = scale
        self.values: dict[CellKey, Value] = {}
        self.applicants = [a for a in self.cat.applicant_types() if a.notation != "T"]

    def has_applicants(self, concept: Concept) -> bool:
        table = self.cat.iri(concept.table) if concept.table else None
        return bool(table and table.column_scheme)

    def columns(self, concept: Concept) -> list[str | None]:
        return [a.notation for a in self.applicants] if self.has_applicants(concept) else [None]


def generate(
    generation: str,
    rng: random.Random,
    *,
    scale: float = 1.0,
    previous: FormValues | None = None,
    blank_share: float = 0.0,
) -> FormValues:
    """Values for every cell of a form; ``previous`` is the same agency's form of last year."""
    builder = _Builder(generation, rng, scale)
    cat = builder.cat
    indicators = cat.indicators(generation)
    by_notation = {c.notation: c for c in indicators}
    previous_by_suffix = (
        {(_suffix(n), a): v for (n, a), v in previous.values.items()} if previous is not None else {}
    )

    def carried(notation: str, applicant: str | None, source_suffix: str) -> int | Decimal | None:
        value = previous_by_suffix.get((source_suffix, applicant))
        return value if isinstance(value, int | Decimal) else None

    computed: set[str] = set()
    for concept in indicators:
        if concept.sum_of or concept.at_most_sum_of or concept.at_least_sum_of:
            computed.add(concept.notation)
    balance = next((c for c in cat.of_kind("balance") if f"{generation}." in c.notation), None)
    balance_target = None
    if balance is not None:
        # The balance is solved for 本年新收 (its first left term): the other terms are drawn.
        balance_target = cat.iri(balance.left_terms[0]).notation
        computed.add(balance_target)

    # leaves
    for concept in indicators:
        if concept.notation in computed:
            continue
        for applicant in builder.columns(concept):
            key = (concept.notation, applicant)
            value = _draw(rng, concept, scale, applicant)
            suffix = _suffix(concept.notation)
            if suffix == "T3.carriedOver":
                value = carried(concept.notation, applicant, "T3.carriedForward") or 0
            elif suffix.endswith(".previousYearItems") and previous is not None:
                before = carried(concept.notation, None, suffix)
                change = carried(concept.notation, None, suffix.replace("previousYearItems", "change"))
                if before is not None:
                    value = max(0, int(before) + int(change or 0))
            elif suffix.endswith(".change"):
                value = max(
                    value,
                    -int(
                        builder.values.get((concept.notation.replace("change", "previousYearItems"), None), 0)
                        or 0
                    ),
                )  # type: ignore[arg-type]
            builder.values[key] = value

    # 2021 现行有效件数 = last year's + issued − repealed (I7); kept non-negative
    for concept in indicators:
        if concept.notation.endswith(".inForce"):
            stem = concept.notation.rsplit(".", 1)[0]
            issued = builder.values.get((stem + ".issued", None), 0)
            repealed = builder.values.get((stem + ".repealed", None), 0)
            before = carried(concept.notation, None, _suffix(concept.notation))
            base = int(before) if before is not None else rng.randint(0, int(30 * scale) + 1)
            builder.values[(stem + ".repealed", None)] = min(int(repealed or 0), base)
            builder.values[(concept.notation, None)] = base + int(issued or 0) - min(int(repealed or 0), base)

    def total(notation: str, applicant: str | None) -> int | Decimal:
        key = (notation, applicant)
        if key in builder.values:
            return builder.values[key]  # type: ignore[return-value]
        concept = by_notation.get(notation) or cat[notation]
        if concept.sum_of:
            value = sum((total(cat.iri(part).notation, applicant) for part in concept.sum_of), start=0)
        elif concept.at_least_sum_of:
            value = sum(
                (total(cat.iri(part).notation, applicant) for part in concept.at_least_sum_of), start=0
            )
        elif concept.at_most_sum_of:
            parts = [total(cat.iri(part).notation, applicant) for part in concept.at_most_sum_of]
            overlap = rng.randint(0, int(sum(parts) - max(parts))) if parts and sum(parts) > max(parts) else 0
            value = sum(parts, start=0) - overlap
        else:
            value = 0
        builder.values[key] = value
        return value

    if balance is not None and balance_target is not None:
        for applicant in builder.columns(by_notation[balance_target]):
            processed = total(cat.iri(balance.right_terms[0]).notation, applicant)
            forward = builder.values[(cat.iri(balance.right_terms[1]).notation, applicant)]
            over = builder.values[(cat.iri(balance.left_terms[1]).notation, applicant)]
            new = int(processed) + int(forward) - int(over)
            if new < 0:  # more carried over than handled: the rest is carried forward again
                builder.values[(cat.iri(balance.right_terms[1]).notation, applicant)] = int(forward) - new
                new = 0
            builder.values[(balance_target, applicant)] = new

    for concept in indicators:
        for applicant in builder.columns(concept):
            total(concept.notation, applicant)

    # the applicant 总计 column
    for concept in indicators:
        if builder.has_applicants(concept):
            builder.values[(concept.notation, "T")] = sum(
                (builder.values[(concept.notation, a.notation)] for a in builder.applicants), start=0
            )  # type: ignore[arg-type]

    ordered = {key: builder.values[key] for key in cell_keys(cat, generation)}
    form = FormValues(generation, ordered)
    if blank_share > 0:
        _blank_out(form, rng, blank_share)
    return form


def _blank_out(form: FormValues, rng: random.Random, share: float) -> None:
    """Leave cells unfilled, as many real reports do (blank is "not reported", never 0)."""
    for key in form.values:
        if rng.random() < share:
            form.values[key] = None


def plant_contradiction(form: FormValues, rng: random.Random) -> dict | None:
    """Break one printed total (a violation the shapes must find); returns what was done."""
    cat = catalogue()
    totals = [
        key
        for key, value in form.values.items()
        if isinstance(value, int) and value > 0 and (cat[key[0]].sum_of or key[1] == "T")
    ]
    if not totals:
        return None
    key = rng.choice(totals)
    delta = rng.choice([1, 2, 10, -1])
    before = form.values[key]
    assert isinstance(before, int)
    form.values[key] = max(0, before + delta)
    rule = cat[key[0]].sum_rule or ("I2" if key[1] == "T" else None)
    record = {
        "cell": f"{key[0]}/{key[1]}" if key[1] else key[0],
        "printed": form.values[key],
        "true": before,
        "rule": (rule or "").rsplit("/", 1)[-1],
    }
    form.contradictions.append(record)
    return record
