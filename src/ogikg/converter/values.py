"""Cell text → value status and value, in the unit of the indicator.

Decisions (each keeps the printed text in ``Cell.raw``):

* ``""`` (and left-over ``&nbsp;``) → blank: "not reported", never zero.
* ``/ — -- - － N/A NA 无 空`` → not applicable. "无" ("none") is a printed placeholder, not a
  count: reading it as 0 would invent a number the publisher did not write.
* ``增`` / ``减`` without a number → illegible (the sign survived, the number did not).
* ``增98`` → +98, ``减3`` → −3, ``+2`` / ``-1`` → signed integers.
* ``x/y``: two numbers in one cell ("增0/减0"?); with x = y = 0 uncertain with the reading 0
  (every interpretation gives 0, but the cell does not print one number), otherwise illegible.
* ``1,234`` → 1234 (thousands separators only in groups of three digits).
* Units inside the cell: a cell in 元 for an indicator in 万元 is divided by 10 000 exactly
  (``Decimal``); a count unit (件, 条 …) matching the indicator is dropped. A unit that does not
  fit the indicator keeps the number as printed and is reported in ``note``.
* Counts are ``int``; indicators whose datatype is decimal get a ``Decimal``; a decimal printed
  in a count cell stays a ``Decimal`` (the shapes report the datatype violation), as does a
  negative count.
* Anything else (garbled glyphs, words) → illegible.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from ogikg import iris
from ogikg.converter.model import ValueStatus
from ogikg.ontology.catalogue import catalogue

Number = int | Decimal

_PLACEHOLDERS = frozenset(
    {"/", "//", "\\", "-", "--", "—", "——", "－", "–", "n/a", "na", "无", "空", "——/——"}
)
_SIGN_WORDS = {"增": 1, "减": -1, "+": 1, "-": -1, "−": -1, "－": -1}
_NUMBER = re.compile(
    r"(?P<sign>[+\-−－]|增加?|减少?)?\s*(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
)
_SLASH_PAIR = re.compile(r"(\d+)\s*/\s*(\d+)")
_DASHES = re.compile(r"[-—－–/]+")
_MAX_DIGITS = 20  # more digits than any count or amount in a report: run-together cells


@dataclass(frozen=True, slots=True)
class CellKind:
    """What an indicator's cells hold: unit notation (件, 万元 …) and datatype."""

    unit: str | None = None
    decimal: bool = False  # xsd:decimal (amounts)
    signed: bool = False  # xsd:integer (本年增/减)


@dataclass(frozen=True, slots=True)
class ParsedValue:
    status: ValueStatus
    value: Number | None
    note: str | None = None  # why a unit or a datatype looked wrong


COUNT = CellKind()


def split_unit(text: str, units: tuple[str, ...]) -> tuple[str, str | None]:
    """'2367.4314万元' → ('2367.4314', '万元'); units are tried longest first."""
    for unit in units:
        if text.endswith(unit) and len(text) > len(unit):
            return text[: -len(unit)].rstrip(), unit
    return text, None


def parse_value(raw: str, kind: CellKind = COUNT, units: tuple[str, ...] = ()) -> ParsedValue:
    """The status and value of one printed cell (see the module docstring for the rules)."""
    if raw.isdigit() and raw.isascii():
        if kind.decimal:
            return ParsedValue(ValueStatus.REPORTED, _plain(Decimal(raw)))
        return ParsedValue(ValueStatus.REPORTED, int(raw))
    text = raw.strip()
    if not text or text.lower() in ("&nbsp;", "nbsp"):
        return ParsedValue(ValueStatus.BLANK, None)
    if text.lower() in _PLACEHOLDERS or _DASHES.fullmatch(text):
        return ParsedValue(ValueStatus.NOT_APPLICABLE, None)
    body, unit = split_unit(text, units)
    pair = _SLASH_PAIR.fullmatch(body)
    if pair:
        if int(pair.group(1)) == 0 and int(pair.group(2)) == 0:
            # "0/0" (增0/减0?): every reading gives 0, but the cell does not print one number
            return ParsedValue(
                ValueStatus.UNCERTAIN, Decimal(0) if kind.decimal else 0, f"two numbers: {text!r}"
            )
        return ParsedValue(ValueStatus.ILLEGIBLE, None, f"two numbers in one cell: {text!r}")
    match = _NUMBER.fullmatch(body)
    if match is None:
        return ParsedValue(ValueStatus.ILLEGIBLE, None)
    if len(match.group("digits")) + len(match.group("fraction") or "") > _MAX_DIGITS:
        return ParsedValue(ValueStatus.ILLEGIBLE, None, f"too many digits for one cell: {text!r}")
    sign_text = match.group("sign") or ""
    sign = _SIGN_WORDS.get(sign_text[:1], 1)
    magnitude = Decimal(match.group("digits").replace(",", "") + (match.group("fraction") or ""))
    value = magnitude * sign
    note = None
    if unit is not None and kind.unit is not None and (unit, kind.unit) in _money_units():
        value = value / Decimal(10000)
    elif unit is not None and kind.unit is not None and unit != kind.unit:
        note = f"unit {unit} printed in a cell counted in {kind.unit}"
    if kind.decimal:
        return ParsedValue(ValueStatus.REPORTED, _plain(value), note)
    if value != value.to_integral_value() or match.group("fraction"):
        return ParsedValue(ValueStatus.REPORTED, _plain(value), note or "decimal in a count cell")
    return ParsedValue(ValueStatus.REPORTED, int(value), note)


@functools.cache
def _money_units() -> frozenset[tuple[str, str]]:
    """(yuan, ten-thousand-yuan) unit notations from the catalogue: the one conversion cells need."""
    cat = catalogue()
    yuan, wan_yuan = cat.by_iri.get(iris.UNIT + "yuan"), cat.by_iri.get(iris.UNIT + "wanyuan")
    return frozenset({(yuan.notation, wan_yuan.notation)}) if yuan and wan_yuan else frozenset()


def _plain(value: Decimal) -> Decimal:
    """A Decimal without exponent notation or superfluous trailing zeros (2367.4314, 25.1, 0)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_value(value: Number) -> str:
    """The canonical text of a value ('2367.4314', '-3', '0')."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text or "0"
    return str(value)
