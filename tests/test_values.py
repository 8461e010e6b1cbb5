"""Cell text → status and value (ogikg.converter.values)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ogikg.converter.labels import label_index
from ogikg.converter.model import ValueStatus
from ogikg.converter.values import CellKind, format_value, parse_value, split_unit

UNITS = label_index().units
COUNT = CellKind(unit="件")
SIGNED = CellKind(unit="件", signed=True)
WAN_YUAN = CellKind(unit="万元", decimal=True)


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("0", COUNT, 0),
        ("412", COUNT, 412),
        (" 376 ", COUNT, 376),
        ("1,234", COUNT, 1234),
        ("12,345,678", COUNT, 12345678),
        ("12件", COUNT, 12),
        ("+2", SIGNED, 2),
        ("-1", SIGNED, -1),
        ("+1036", SIGNED, 1036),
        ("增98", SIGNED, 98),
        ("减3", SIGNED, -3),
        ("2367.4314万元", WAN_YUAN, Decimal("2367.4314")),
        ("712.187895万元", WAN_YUAN, Decimal("712.187895")),
        ("251000元", WAN_YUAN, Decimal("25.1")),
        ("75394432.52元", WAN_YUAN, Decimal("7539.443252")),
        ("7730.28", WAN_YUAN, Decimal("7730.28")),
        ("0", WAN_YUAN, Decimal("0")),
    ],
)
def test_numbers(raw: str, kind: CellKind, value: int | Decimal) -> None:
    parsed = parse_value(raw, kind, UNITS)
    assert parsed.status is ValueStatus.REPORTED
    assert parsed.value == value
    assert type(parsed.value) is type(value)


def test_yuan_to_wan_yuan_is_exact() -> None:
    parsed = parse_value("1元", WAN_YUAN, UNITS)
    assert parsed.value == Decimal("0.0001")
    assert format_value(parsed.value) == "0.0001"


@pytest.mark.parametrize("raw", ["", "   ", "&nbsp;"])
def test_blank_is_not_zero(raw: str) -> None:
    parsed = parse_value(raw, COUNT, UNITS)
    assert parsed.status is ValueStatus.BLANK
    assert parsed.value is None


@pytest.mark.parametrize("raw", ["/", "—", "——", "-", "－", "N/A", "n/a", "无"])
def test_placeholders_are_not_applicable(raw: str) -> None:
    parsed = parse_value(raw, COUNT, UNITS)
    assert parsed.status is ValueStatus.NOT_APPLICABLE
    assert parsed.value is None


@pytest.mark.parametrize("raw", ["增", "减", "经?", "三十", "1/2"])
def test_unreadable_cells_are_illegible(raw: str) -> None:
    parsed = parse_value(raw, SIGNED, UNITS)
    assert parsed.status is ValueStatus.ILLEGIBLE
    assert parsed.value is None


def test_zero_over_zero_is_uncertain_zero() -> None:
    parsed = parse_value("0/0", SIGNED, UNITS)
    assert parsed.status is ValueStatus.UNCERTAIN
    assert parsed.value == 0


def test_datatype_violations_are_kept_as_printed() -> None:
    negative = parse_value("-4", COUNT, UNITS)
    assert (negative.status, negative.value) == (ValueStatus.REPORTED, -4)
    fraction = parse_value("3.5", COUNT, UNITS)
    assert (fraction.status, fraction.value) == (ValueStatus.REPORTED, Decimal("3.5"))
    assert fraction.note


def test_a_unit_that_does_not_fit_is_noted() -> None:
    parsed = parse_value("12条", COUNT, UNITS)
    assert parsed.value == 12
    assert parsed.note and "条" in parsed.note


def test_split_unit() -> None:
    assert split_unit("2367.4314万元", UNITS) == ("2367.4314", "万元")
    assert split_unit("251000元", UNITS) == ("251000", "元")
    assert split_unit("12", UNITS) == ("12", None)


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (-3, "-3"), (Decimal("2367.4314"), "2367.4314"), (Decimal("25.10"), "25.1")]
)
def test_format_value(value: int | Decimal, text: str) -> None:
    assert format_value(value) == text
