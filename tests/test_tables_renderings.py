"""The table reader on synthetic reports: every rendering of the same consistent form.

The forms are printed from the catalogue's layout (ogikg.ontology.layout) with values that satisfy
every identity (report_factory.consistent_values), in the renderings found in the wild: pipe rows,
markdown rows, one cell per line closed by " |", one cell per line with empty cells dropped,
space-separated rows, and one line with no separator at all. Whatever the rendering, a cell read
with certainty must have the printed value; an uncertain cell must list it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogikg.converter.model import Cell, TableReading, Template, ValueStatus, cell_key
from ogikg.converter.normalise import normalise_text
from ogikg.converter.tables import read_tables
from ogikg.converter.values import format_value
from ogikg.ontology.layout import GridTable, form_tables
from report_factory import consistent_values

PROSE_BEFORE = "一、总体情况\n本机关认真落实条例要求,全年主动公开政府信息若干条。"
PROSE_AFTER = "五、存在的主要问题及改进情况\n仍需加强。\n六、其他需要报告的事项\n无。"

Rows = list[list[str]]


def _printed(value: int | Decimal) -> str:
    return format_value(value)


def _grids(generation: str, values: dict[str, int | Decimal]) -> list[GridTable]:
    return form_tables(generation, lambda key: _printed(values[cell_key(*key)]))


def _tables(generation: str, values: dict[str, int | Decimal]) -> list[tuple[str, Rows]]:
    """(title, rows of cell texts) per printed table; 表二's blocks under one title."""
    grouped: list[tuple[str, Rows]] = []
    for grid in _grids(generation, values):
        rows = [[cell.text for cell in row] for row in grid.rows]
        if grouped and grouped[-1][0] == grid.title:
            grouped[-1][1].extend(rows)
        else:
            grouped.append((grid.title, rows))
    return grouped


def pipe_rows(tables: list[tuple[str, Rows]]) -> str:
    lines = [PROSE_BEFORE]
    for title, rows in tables:
        lines.append(title)
        lines.extend(" | ".join(row) for row in rows)
    lines.append(PROSE_AFTER)
    return "\n".join(lines)


def markdown_rows(tables: list[tuple[str, Rows]]) -> str:
    lines = [PROSE_BEFORE]
    for title, rows in tables:
        lines.append(title)
        lines.extend(
            "| " + " | ".join(f"{cell:>6}" if cell[:1].isdigit() else cell for cell in row) + " | "
            for row in rows
        )
    lines.append(PROSE_AFTER)
    return "\n".join(lines)


def cell_per_line(tables: list[tuple[str, Rows]]) -> str:
    lines = [PROSE_BEFORE]
    for title, rows in tables:
        lines.append(title)
        for row in rows:
            lines.extend(f"{cell} |" if cell else "|" for cell in row)
    lines.append(PROSE_AFTER)
    return "\n".join(lines)


def cell_per_line_blank_lines(tables: list[tuple[str, Rows]]) -> str:
    """seed 002's rendering: every cell alone, blank lines between, empty cells gone."""
    lines = [PROSE_BEFORE, ""]
    for title, rows in tables:
        lines += [title, ""]
        for row in rows:
            for cell in row:
                if cell:
                    lines += [cell, ""]
    lines.append(PROSE_AFTER)
    return "\n".join(lines)


def space_separated(tables: list[tuple[str, Rows]]) -> str:
    lines = [PROSE_BEFORE]
    for title, rows in tables:
        lines.append(title)
        lines.extend(" ".join(cell for cell in row if cell) for row in rows)
    lines.append(PROSE_AFTER)
    return "\n".join(lines)


def one_line(tables: list[tuple[str, Rows]]) -> str:
    """A crawler dump: body on one line, table cells run together without separators."""
    body = PROSE_BEFORE.replace("\n", " ")
    for title, rows in tables:
        body += title + "".join("".join(row) for row in rows)
    return body + PROSE_AFTER.replace("\n", "")


RENDERINGS: dict[str, Callable[[list[tuple[str, Rows]]], str]] = {
    "pipe": pipe_rows,
    "markdown": markdown_rows,
    "cell-per-line": cell_per_line,
    "cell-per-line-blank-lines": cell_per_line_blank_lines,
    "space-separated": space_separated,
    "one-line": one_line,
}


def _check(reading: TableReading, values: dict[str, int | Decimal]) -> tuple[int, int]:
    """Every form cell is read: certain ones right, uncertain ones listing the value."""
    cells = {c.key: c for c in reading.cells}
    assert set(cells) == set(values)
    uncertain = 0
    for key, value in values.items():
        cell: Cell = cells[key]
        if cell.status is ValueStatus.UNCERTAIN:
            uncertain += 1
            readings = ([cell.value] if cell.value is not None else []) + list(cell.alternatives)
            assert value in readings, (key, value, cell)
        else:
            assert cell.status is ValueStatus.REPORTED, (key, cell)
            assert cell.value == value, (key, value, cell)
    return len(values), uncertain


@pytest.mark.parametrize("rendering", list(RENDERINGS))
@pytest.mark.parametrize("generation", ["old", "2019", "2021"])
@pytest.mark.parametrize("seed", [1, 2])
def test_every_rendering_reads_the_form(generation: str, rendering: str, seed: int) -> None:
    values = consistent_values(generation, seed=seed)
    text = normalise_text(RENDERINGS[rendering](_tables(generation, values)))
    reading = read_tables(text)
    assert reading.template is Template(generation)
    _, uncertain = _check(reading, values)
    if rendering != "one-line":
        assert uncertain == 0
    else:  # only 表二 (no identities) and rows whose digits allow several splits may stay open
        review_and_requests = [c for c in reading.cells if ".T3." in c.indicator or ".T4." in c.indicator]
        assert (
            sum(c.status is ValueStatus.UNCERTAIN for c in review_and_requests)
            <= len(review_and_requests) // 10
        )


def test_sections_and_spans_of_a_pipe_rendering() -> None:
    values = consistent_values("2021", seed=3)
    text = normalise_text(pipe_rows(_tables("2021", values)))
    reading = read_tables(text)
    assert [(s.number, s.title) for s in reading.sections] == [
        (1, "总体情况"),
        (2, "主动公开政府信息情况"),
        (3, "收到和处理政府信息公开申请情况"),
        (4, "政府信息公开行政复议、行政诉讼情况"),
        (5, "存在的主要问题及改进情况"),
        (6, "其他需要报告的事项"),
    ]
    lines = text.split("\n")
    covered = {span.line for span in reading.table_spans}
    for number, line in enumerate(lines, 1):
        if " | " in line:
            assert number in covered, line
    assert not covered & {1, 2, len(lines)}
    for cell in reading.cells:
        assert lines[cell.span.line - 1][cell.span.start : cell.span.end] == cell.raw


# --- variants of the form -----------------------------------------------------------------------


def _t3_rows_with_subtotal(values: dict[str, int | Decimal]) -> str:
    tables = _tables("2021", values)
    out: list[tuple[str, Rows]] = []
    for title, rows in tables:
        if "收到和处理" not in title:
            out.append((title, rows))
            continue
        changed: Rows = []
        for row in rows:
            if row and row[0] == "商业企业":
                changed.append([*row, "小计"])
            elif len(row) >= 8 and row[-1].isdigit():
                numbers = [int(x) for x in row[-7:]]
                subtotal = sum(numbers[1:6])
                changed.append([*row[:-1], str(subtotal), row[-1]])
            else:
                changed.append(row)
        out.append((title, changed))
    return pipe_rows(out)


def test_legal_person_subtotal_column_is_ignored_with_a_warning() -> None:
    values = consistent_values("2021", seed=4)
    reading = read_tables(normalise_text(_t3_rows_with_subtotal(values)))
    _check(reading, values)
    assert any("小计" in warning for warning in reading.warnings)


def test_legal_person_subtotal_column_found_by_arithmetic_without_a_header() -> None:
    values = consistent_values("2021", seed=4)
    text = _t3_rows_with_subtotal(values).replace(" | 小计", "")
    reading = read_tables(normalise_text(text))
    _check(reading, values)
    assert any("小计" in warning for warning in reading.warnings)


def test_provincial_extra_row_goes_to_extra_cells() -> None:
    values = consistent_values("2019", seed=5)
    tables = _tables("2019", values)
    _, rows = tables[0]
    at = next(i for i, row in enumerate(rows) if row[0] == "规范性文件") + 1
    rows.insert(at, ["其他主动公开文件", "12", "10", "301"])
    reading = read_tables(normalise_text(pipe_rows(tables)))
    _check(reading, values)
    extra = [(e.row, e.column, e.value) for e in reading.extra_cells]
    assert extra == [
        ("其他主动公开文件", "本年新制作数量", 12),
        ("其他主动公开文件", "本年新公开数量", 10),
        ("其他主动公开文件", "对外公开总数量", 301),
    ]
    assert any("其他主动公开文件" in warning for warning in reading.warnings)


def test_dropped_empty_cells_leave_positions_uncertain() -> None:
    text = "\n".join(
        [
            "二、主动公开政府信息情况",
            "第二十条第(一)项",
            "信息内容",
            "本年制发件数",
            "本年废止件数",
            "现行有效件数",
            "规章",
            "3",
            "行政规范性文件",
            "1",
            "0",
            "5",
            "第二十条第(五)项",
            "信息内容",
            "本年处理决定数量",
            "行政许可",
            "7",
        ]
    )
    reading = read_tables(text)
    cells = {c.indicator: c for c in reading.cells}
    for column in ("issued", "repealed", "inForce"):
        cell = cells[f"2021.T2.regulations.{column}"]
        assert (cell.status, cell.value, cell.alternatives) == (ValueStatus.UNCERTAIN, None, (3,))
    assert [cells[f"2021.T2.normativeDocuments.{c}"].value for c in ("issued", "repealed", "inForce")] == [
        1,
        0,
        5,
    ]
    assert cells["2021.T2.licensing.decisions"].value == 7
    assert any("positions unknown" in warning for warning in reading.warnings)


def test_excerpt_cut_inside_a_row_does_not_read_that_row() -> None:
    values = consistent_values("2021", seed=6)
    text = normalise_text(pipe_rows(_tables("2021", values)))
    cut = text.index("7.属于行政执法案卷")
    line_end = text.index("\n", cut)
    text = text[:line_end].rsplit(" | ", 2)[0]  # the last two cells are missing
    reading = read_tables(text)
    keys = {c.indicator for c in reading.cells}
    assert "2021.T3.denied.enforcementCase" not in keys
    assert "2021.T3.denied.processInfo" in keys


def test_template_of_an_excerpt_with_only_shared_rows() -> None:
    rows = [
        "三、收到和处理政府信息公开申请情况",
        "自然人 | 法人或其他组织 | 总计",
        "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他",
        "一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3",
        "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
    ]
    with_notice = "按照国办公开办函〔2021〕30号要求编制。\n" + "\n".join(rows)
    reading = read_tables(with_notice)
    assert reading.template is Template.FMT2021
    assert any("notice" in w for w in reading.warnings)
    by_year = "某局2020年政府信息公开工作年度报告\n" + "\n".join(rows)
    reading = read_tables(by_year)
    assert reading.template is Template.FMT2019
    assert any("guessed from the year 2020" in w for w in reading.warnings)
    assert {c.indicator for c in reading.cells} == {"2019.T3.newReceived", "2019.T3.carriedOver"}


def test_generation_is_read_from_the_labels_not_the_year() -> None:
    values = consistent_values("2019", seed=7)
    text = "某镇2021年政府信息公开工作年度报告\n" + pipe_rows(_tables("2019", values))
    assert read_tables(normalise_text(text)).template is Template.FMT2019


def test_report_without_a_table_is_narrative() -> None:
    text = "一、总体情况\n2013年,我局主动公开政府信息120条,受理依申请公开3件。\n二、存在的问题\n无。"
    reading = read_tables(text)
    assert reading.template is Template.NARRATIVE
    assert reading.cells == ()
    assert [s.title for s in reading.sections] == ["总体情况", "存在的问题"]


def test_series_table_outside_the_form_is_kept_with_its_unit() -> None:
    text = "\n".join(
        [
            "二、主动公开政府信息的情况",
            "2013年-2017年公开信息数具体情况见下表:",
            "年 度 指 标 | 2013年 | 2014年 | 2015年 |",
            "政府信息公开网公开信息数(条) | 90 | 768 | 410 |",
            "三、其他",
        ]
    )
    reading = read_tables(text)
    assert reading.template is Template.NARRATIVE
    assert [(e.table, e.row, e.column, e.value, e.unit) for e in reading.extra_cells] == [
        ("2013年-2017年公开信息数具体情况见下表:", "政府信息公开网公开信息数(条)", "2013年", 90, "条"),
        ("2013年-2017年公开信息数具体情况见下表:", "政府信息公开网公开信息数(条)", "2014年", 768, "条"),
        ("2013年-2017年公开信息数具体情况见下表:", "政府信息公开网公开信息数(条)", "2015年", 410, "条"),
    ]
    assert {span.line for span in reading.table_spans} == {3, 4}


def test_old_form_blank_on_the_next_line_and_truncated_label() -> None:
    text = "\n".join(
        [
            "政府信息公开情况统计表",
            "统 计 指 标 | 单位 | 统计数 |",
            "八、机构建设和保障经费情况 | —— |",
            "|",
            "(三)从事政府信息公开工作人员数 | 人 | 2 |",
            "1.专职人员数(不包括政府公报及政府网站工作人员数) | 人 |",
            "|",
            "2.兼职人员数 | 人 | 2 |",
            "(四)政府信息公开专项经费(不包括用于政府公报编 | 万元 |",
            "|",
        ]
    )
    reading = read_tables(text)
    cells = {c.indicator: c for c in reading.cells}
    assert cells["old.org.staff"].value == 2
    assert cells["old.org.staffFullTime"].status is ValueStatus.BLANK
    assert cells["old.org.staffPartTime"].value == 2
    assert cells["old.org.budget"].status is ValueStatus.BLANK


def test_misprinted_label_between_two_known_rows_is_read_with_a_warning() -> None:
    values = consistent_values("2021", seed=8)
    text = normalise_text(pipe_rows(_tables("2021", values))).replace(
        "2.其他法律行政法规禁止公开", "2.其他法律行政止公开"
    )
    reading = read_tables(text)
    _check(reading, values)
    assert any("misprinted" in warning for warning in reading.warnings)


def test_signed_changes_and_amounts_in_yuan() -> None:
    text = "\n".join(
        [
            "第二十条第(五)项 |",
            "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |",
            "行政许可 | 92 | 增98 | 0 |",
            "其他对外管理服务事项 | 65 | -1 | 3 |",
            "第二十条第(九)项 |",
            "信息内容 | 采购项目数量 | 采购总金额 |",
            "政府集中采购 | 9 | 251000元 |",
        ]
    )
    cells = {c.indicator: c for c in read_tables(text).cells}
    assert cells["2019.T2.licensing.change"].value == 98
    assert cells["2019.T2.otherServices.change"].value == -1
    assert cells["2019.T2.procurement.amount"].value == Decimal("25.1")
    assert cells["2019.T2.procurement.amount"].raw == "251000元"


def test_review_table_printed_row_by_row() -> None:
    text = "\n".join(
        [
            "二、主动公开政府信息情况",
            "第二十条第(一)项 |",
            "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
            "规章 | 0 | 0 | 0 |",
            "四、政府信息公开行政复议、行政诉讼情况",
            "行政复议 | 1 | 0 | 0 | 0 | 1",
            "未经复议直接起诉 | 2 | 1 | 0 | 0 | 3",
            "复议后起诉 | 0 | 0 | 1 | 1 | 2",
        ]
    )
    reading = read_tables(text)
    review = [c for c in reading.cells if c.indicator.startswith("2021.T4.")]
    assert [c.value for c in review] == [1, 0, 0, 0, 1, 2, 1, 0, 0, 3, 0, 0, 1, 1, 2]
    assert all(c.status is ValueStatus.REPORTED for c in review)


def test_rows_of_another_generation_are_kept_as_extra_cells() -> None:
    values = consistent_values("2019", seed=9)
    tables = _tables("2019", values)
    for _, rows in tables:
        at = next((i for i, row in enumerate(rows) if row[0] == "（七）总计"), None)
        if at is not None:
            rows.insert(at, ["3.其他", "0", "0", "0", "0", "0", "0", "0"])
            rows.insert(at, ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"] + ["0"] * 7)
    reading = read_tables(normalise_text(pipe_rows(tables)))
    assert reading.template is Template.FMT2019
    _check(reading, values)
    rows = {e.row for e in reading.extra_cells}
    assert rows == {"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "3.其他"}


# --- robustness ---------------------------------------------------------------------------------

_VOCABULARY = [
    "规章", "行政许可", "第二十条第(一)项", "信息内容", "本年制发件数", "自然人", "总计", "其他",
    "一、本年新收政府信息公开申请数量", "(七)总计", "3.其他", "结果维持", "统计指标", "单位",
    "(一)主动公开政府信息数", "0", "12", "898989", "21710000218", "+2", "增", "/", "—", "2367.4314万元",
    "|", " | ", "\n", " ", "。", "2020年", "条", "三、", "6.",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_VOCABULARY), max_size=80))
def test_any_mixture_of_labels_digits_and_pipes_is_read_without_error(tokens: list[str]) -> None:
    text = "".join(tokens)
    reading = read_tables(text)
    lines = text.split("\n")
    for cell in reading.cells:
        if cell.span is not None:
            assert 1 <= cell.span.line <= len(lines)
            assert 0 <= cell.span.start <= cell.span.end <= len(lines[cell.span.line - 1])
        if cell.status is ValueStatus.REPORTED:
            assert cell.value is not None
        if cell.status is ValueStatus.BLANK:
            assert cell.value is None


def test_edge_inputs() -> None:
    for text in ("", "\n\n", "|", "||||\n|", "0", "规章", "规章" + "1" * 500):
        reading = read_tables(text)
        assert reading.template is Template.NARRATIVE or reading.cells
