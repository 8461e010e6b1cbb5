"""Synthetic round trip: ~300 random, consistent reports of every form generation, rendered in
every layout (pipe, markdown, cell per line, space-separated, run-together, HTML with spans in
UTF-8 or GBK, DOCX, some in Traditional characters), converted by the real pipeline and compared
with their truth. Every value the rendering determines must come back exactly, every other one
must be flagged, and no value may be claimed with certainty when it is wrong.

The scoring and the recoverability oracle live in benchmarks/roundtrip.py (which runs the same
over thousands of reports); the oracle is checked here on small cases first.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

ROUNDTRIP = Path(__file__).resolve().parents[1] / "benchmarks" / "roundtrip.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ogikg_roundtrip_benchmark", ROUNDTRIP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


rt = _load()


# --- the oracle on its own ----------------------------------------------------------------------


def test_printed_numbers_follow_the_cell_kind() -> None:
    assert rt.printed_number("012", "count") is False
    assert rt.printed_number("0", "count") == 0
    assert rt.printed_number("+3", "signed") == 3
    assert rt.printed_number("+3", "count") is False
    assert rt.printed_number("251000元", "decimal") == Decimal("25.1")
    assert rt.printed_number("2.5万元", "decimal") == Decimal("2.5")
    assert rt.printed_number("2.", "decimal") is False


def test_split_readings_are_every_cut_into_valid_numbers() -> None:
    keys = (("a", None), ("b", None), ("c", None))
    kinds = dict.fromkeys(keys, "count")
    readings = rt.split_readings("5012", keys, kinds, [], rt.Budget())
    assert sorted(readings) == [(5, 0, 12), (50, 1, 2)]  # "501|2" and "5|01|2" are not numbers


def test_split_readings_keep_those_satisfying_the_row_identity() -> None:
    keys = (("a", None), ("b", None), ("t", None))
    kinds = dict.fromkeys(keys, "count")
    total = rt.Identity((("t", None),), (("a", None), ("b", None)), "=")
    assert sorted(rt.split_readings("1910", keys, kinds, [], rt.Budget())) == [
        (1, 9, 10),
        (1, 91, 0),
        (19, 1, 0),
    ]
    assert rt.split_readings("1910", keys, kinds, [total], rt.Budget()) == [(1, 9, 10)]


def test_a_bare_sign_is_a_cell_whose_digits_were_lost() -> None:
    keys = (("previous", None), ("change", None), ("decisions", None))
    kinds = {**dict.fromkeys(keys, "count"), ("change", None): "signed"}
    assert rt.printed_number("+", "signed") == rt.LOST_DIGITS
    assert rt.printed_number("+", "count") is False
    assert sorted(rt.split_readings("0+25", keys, kinds, [], rt.Budget()), key=str) == [
        (0, rt.LOST_DIGITS, 25),
        (0, 2, 5),
    ]


def test_token_readings_place_dropped_blank_cells_anywhere() -> None:
    keys = (("a", None), ("b", None), ("c", None))
    kinds = dict.fromkeys(keys, "count")
    assert rt.token_readings(["4", "7"], keys, kinds) == [(4, 7, None), (4, None, 7), (None, 4, 7)]


def test_only_cells_with_one_value_in_every_consistent_reading_are_recoverable() -> None:
    # a run-together 2021 表二 row "规章5012…": the first cell reads 5 or 50 — not recoverable
    view = rt.form_view("2021")
    row = next(keys for keys in view.rows if keys[0][0] == "2021.T2.regulations.issued")
    cells = {f"{n}/{a}" if a else n: {"printed": "", "value": "0"} for keys in view.rows for (n, a) in keys}
    for key, printed in zip(row, ("5", "0", "12"), strict=True):
        cells[key[0]] = {"printed": printed, "value": printed}
    for keys in view.rows:
        if keys != row:
            for n, a in keys:
                cells[f"{n}/{a}" if a else n]["printed"] = "0"
    truth = {"template": "2021", "cells": cells}
    expected, complete = rt.expectations(truth, "run-together")
    assert complete
    assert [expected[key[0]].recoverable for key in row] == [False, False, False]
    assert expected["2021.T3.newReceived/NP"].recoverable  # "0000000": one reading only
    pipe, _ = rt.expectations(truth, "pipe")
    assert all(expectation.recoverable for expectation in pipe.values())


# --- the round trip -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return rt.round_trip(300, seed=20240601, contradictions=0.05)


def test_every_generation_and_layout_is_covered(result) -> None:  # type: ignore[no-untyped-def]
    layouts = {layout for layout, _ in result.by_group}
    generations = {generation for _, generation in result.by_group}
    assert layouts == set(rt.LAYOUTS)
    assert generations == {"old", "2019", "2021", "narrative"}
    assert result.traditional.reports > 0
    assert result.total.reports == 300
    assert result.total.recoverable > 20_000


def test_every_recoverable_value_comes_back_exactly(result) -> None:  # type: ignore[no-untyped-def]
    total = result.total
    problems = [f for f in result.failures if "metadata" not in f]
    assert (total.exact, total.missing, total.rejected) == (total.recoverable, 0, 0), problems[:20]


def test_no_value_is_claimed_with_certainty_when_wrong_or_undetermined(result) -> None:  # type: ignore[no-untyped-def]
    total = result.total
    assert total.wrong == 0, result.failures[:20]
    assert total.overconfident == 0, result.failures[:20]
    assert total.flagged == total.unrecoverable


def test_metadata_come_back(result) -> None:  # type: ignore[no-untyped-def]
    total = result.total
    read = total.reports - total.rejected
    for name in ("agency", "year", "template"):
        assert total.metadata[name] == read, name
    # an area name several prefectures share ("鼓楼区…") may stay unplaced, never misplaced
    assert total.metadata["adcode"] + total.metadata_unknown == read
