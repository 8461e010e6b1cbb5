"""Run-together digits split by constraint search (ogikg.converter.digits)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ogikg.converter.digits import Chunk, Rule, Run, Slot, cell_text, readings, solve

COLUMNS = ("NP", "C", "R", "S", "L", "O", "T")
REVIEW = ("upheld", "corrected", "other", "pending", "total")


def t3_run(row: str, printed: str) -> Run:
    """A 表三 row printed without separators (spaces in ``printed`` survive as boundaries)."""
    return Run(tuple(Slot((row, c)) for c in COLUMNS), tuple(Chunk(part) for part in printed.split()))


def i2(row: str) -> Rule:
    return Rule(((row, "T"),), tuple((row, c) for c in COLUMNS[:-1]), "=", "I2")


def i3(total: str, parts: list[str]) -> list[Rule]:
    return [Rule(((total, c),), tuple((p, c) for p in parts), "=", "I3") for c in COLUMNS]


def texts(run: Run, reading) -> list[str]:
    return [cell_text(run, cut) for cut in reading]


def t4_run(printed: str) -> tuple[Run, list[Rule]]:
    groups = ("review", "direct", "afterReview")
    slots = tuple(Slot((g, c)) for g in groups for c in REVIEW)
    rules = [Rule(((g, "total"),), tuple((g, c) for c in REVIEW[:-1]), "=", "I4") for g in groups]
    return Run(slots, (Chunk(printed),)), rules


# --- single runs --------------------------------------------------------------------------------


def test_total_column_decides_a_row() -> None:
    run = t3_run("new", "21710000218")
    found = readings(run, [i2("new")])
    assert [texts(run, r) for r in found] == [["217", "1", "0", "0", "0", "0", "218"]]


def test_surviving_spaces_are_boundaries() -> None:
    run = t3_run("new", "230 000023")
    assert [texts(run, r) for r in readings(run, [i2("new")])] == [["23", "0", "0", "0", "0", "0", "23"]]
    run = t3_run("total", "23 0 00 0 023")
    assert [texts(run, r) for r in readings(run, [i2("total")])] == [["23", "0", "0", "0", "0", "0", "23"]]


def test_no_leading_zeros() -> None:
    run = Run((Slot("a"), Slot("b"), Slot("c")), (Chunk("000"),))
    assert [texts(run, r) for r in readings(run)] == [["0", "0", "0"]]
    run = Run((Slot("a"), Slot("b")), (Chunk("05"),))
    assert [texts(run, r) for r in readings(run)] == [["0", "5"]]


def test_decimal_point_stays_in_a_decimal_cell() -> None:
    run = Run((Slot("projects"), Slot("amount", decimal=True)), (Chunk("1357.52"),))
    found = [texts(run, r) for r in readings(run)]
    assert found == [["1", "357.52"], ["13", "57.52"], ["135", "7.52"]]


def test_sign_starts_a_cell() -> None:
    run = Run((Slot("previous"), Slot("change", signed=True), Slot("decisions")), (Chunk("339+123462"),))
    found = [texts(run, r) for r in readings(run)]
    assert ["339", "+123", "462"] in found
    assert all(cells[1].startswith("+") for cells in found)


def test_a_sign_whose_digits_were_lost_may_stand_alone() -> None:
    """Real copies print 增 with its digits lost ("行政处罚 | 0 | 增 | 25"); run together, "0增25"
    is then either 0, +2, 5 or 0, 增 (illegible), 25 — two readings, never a certain +2."""
    run = Run((Slot("previous"), Slot("change", signed=True), Slot("decisions")), (Chunk("0+25"),))
    found = sorted(texts(run, r) for r in readings(run))
    assert found == [["0", "+", "25"], ["0", "+2", "5"]]
    unsigned = Run((Slot("a"), Slot("b"), Slot("c")), (Chunk("0+25"),))
    assert readings(unsigned) == []
    # an identity is not tested on a bare sign (0 + 2 ≠ 5 rules the other reading out)
    rule = Rule(("decisions",), ("previous", "change"), "=", "test")
    assert [texts(run, r) for r in solve([run], [rule])[0].readings] == [["0", "+", "25"]]


def test_review_table_groups() -> None:
    run, rules = t4_run("21317000001324019")
    found = [texts(run, r) for r in readings(run, rules)]
    assert found == [["2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]]


def test_review_table_with_two_readings_is_listed_whole() -> None:
    run, rules = t4_run("72641783735113481261211620")
    found = [texts(run, r) for r in readings(run, rules)]
    assert ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"] in found
    assert len(found) == 3


# --- several runs, solved jointly ---------------------------------------------------------------


def test_unique_solution_is_certain() -> None:
    runs = [t3_run("a", "710000071"), t3_run("b", "290000029"), t3_run("total", "10000000100")]
    rules = [i2("a"), i2("b"), i2("total"), *i3("total", ["a", "b"])]
    results = solve(runs, rules)
    assert [r.solutions for r in results] == [1, 1, 1]
    assert all(r.constrained for r in results)
    assert texts(runs[2], results[2].readings[0]) == ["100", "0", "0", "0", "0", "0", "100"]


def test_joint_rules_settle_what_one_row_cannot() -> None:
    # "1120" alone: 1|1|20 or 11|2|0 or 1|12|0 … ; the column sums pick one
    runs = [
        Run((Slot(("a", "x")), Slot(("a", "y")), Slot(("a", "z"))), (Chunk("1120"),)),
        Run((Slot(("b", "x")), Slot(("b", "y")), Slot(("b", "z"))), (Chunk("305"),)),
    ]
    known = {("t", "x"): 4, ("t", "y"): 1, ("t", "z"): 25}
    rules = [Rule((("t", c),), (("a", c), ("b", c))) for c in "xyz"]
    results = solve(runs, rules, known)
    assert [r.solutions for r in results] == [1, 1]
    assert texts(runs[0], results[0].readings[0]) == ["1", "1", "20"]
    assert texts(runs[1], results[1].readings[0]) == ["3", "0", "5"]


def test_two_fitting_assignments_are_both_reported() -> None:
    # "112" is 1|12 or 11|2, "110" is 1|10 or 11|0; a.x + b.x = 12 holds for (1, 11) and (11, 1)
    runs = [
        Run((Slot(("a", "x")), Slot(("a", "y"))), (Chunk("112"),)),
        Run((Slot(("b", "x")), Slot(("b", "y"))), (Chunk("110"),)),
    ]
    rules = [Rule((("t", "x"),), (("a", "x"), ("b", "x")))]
    results = solve(runs, rules, {("t", "x"): 12})
    assert [r.solutions for r in results] == [2, 2]
    assert sorted(texts(runs[0], r) for r in results[0].readings) == [["1", "12"], ["11", "2"]]
    assert sorted(texts(runs[1], r) for r in results[1].readings) == [["1", "10"], ["11", "0"]]


def test_rules_that_cannot_hold_are_dropped_and_said_so() -> None:
    run = t3_run("a", "1000000100")  # no split makes 总计 the sum of the other six cells
    result = solve([run], [i2("a")])[0]
    assert not result.constrained
    assert result.readings  # the unconstrained splits, for the alternatives


def test_too_few_digits_has_no_reading() -> None:
    run = Run((Slot("a"), Slot("b"), Slot("c")), (Chunk("12"),))
    assert solve([run])[0].readings == ()


def test_known_values_enter_rules() -> None:
    run = Run((Slot(("r", "x")), Slot(("r", "y"))), (Chunk("1210"),))
    rules = [Rule((("r", "x"), ("r", "y")), (("given", None),))]
    result = solve([run], rules, {("given", None): Decimal(22)})[0]
    assert [texts(run, r) for r in result.readings] == [["12", "10"]]


# --- property: a 表三 printed without separators is read back exactly when unique --------------


@st.composite
def t3_rows(draw):
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        parts = [draw(st.integers(0, 300)) for _ in range(6)]
        rows.append([*parts, sum(parts)])
    return rows


@settings(max_examples=60, deadline=None)
@given(t3_rows())
def test_run_together_table_three_rows_round_trip(rows: list[list[int]]) -> None:
    runs = [t3_run(f"r{i}", "".join(str(v) for v in row)) for i, row in enumerate(rows)]
    rules = [i2(f"r{i}") for i in range(len(rows))]
    results = solve(runs, rules)
    for row, run, result in zip(rows, runs, results, strict=True):
        printed = [str(v) for v in row]
        found = [texts(run, reading) for reading in result.readings]
        assert printed in found  # the truth is never lost
        if result.solutions == 1:
            assert found == [printed]  # and a unique reading is the truth
