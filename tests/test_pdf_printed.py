"""PDFs whose tables a page break cuts. Synthetic reports printed by headless Chromium
(benchmarks/evaluate_pdf.py) come back exactly: a merged label cell left without its closing rule,
a row split in two across the break. The rules for what word processors do instead (a rule
drawn across the cut row, a number wrapped in a narrow cell) and for lines the line-breaking
rules end early are checked on positioned lines and characters."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from shared import require_program

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import evaluate_pdf
from roundtrip import Tally


@pytest.fixture(scope="module")
def printed() -> tuple[Tally, list[str]]:
    require_program("chromium")
    # Seed 5: twelve reports on A4, Letter and A5 at scales 0.7–1.3; the reader before these
    # page-break rules missed 98 of their 1,658 values and claimed 14 blank that are not.
    tallies, failures = evaluate_pdf.evaluate(12, seed=5)
    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    return total, failures


def test_every_value_of_the_printed_reports_comes_back(printed: tuple[Tally, list[str]]) -> None:
    total, failures = printed
    assert (total.reports, total.rejected, total.recoverable) == (12, 0, 1658)
    assert failures == []
    assert (total.exact, total.wrong, total.missing) == (1658, 0, 0)


def test_metadata_of_the_printed_reports(printed: tuple[Tally, list[str]]) -> None:
    total, _ = printed
    assert dict(total.metadata) == {"agency": 12, "adcode": 12, "year": 12, "template": 12}


def test_printed_tables_without_rules_give_no_wrong_value() -> None:
    """Web pages whose tables have no rules: the PDF is read as text, each long label wrapped in
    its cell with the row's numbers beside one of its lines. Wrapped labels are joined again;
    what cannot be made whole is missing, never wrong. Before the joining of cut labels and the
    two rules on text after a row label, 1,065 of these values came back, 575 missing and 15
    wrong."""
    require_program("chromium")
    tallies, failures = evaluate_pdf.evaluate(12, seed=5, ruled=False)
    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    assert (total.reports, total.rejected, total.recoverable) == (12, 0, 1658)
    assert total.wrong == 0 and not [failure for failure in failures if "WRONG" in failure]
    assert (total.exact, total.missing) == (1480, 178)


@pytest.mark.parametrize(
    ("number", "paper", "indicator", "truth"),
    [
        # "1.申请人…" and "2.申请人…" in a cell two characters wide: the second label runs over
        # 21 lines, "2.申" beside the row's figures, then "请人", "逾期", … "开申请"
        (46, "printed-0046.pdf 2021 A5 ×1.2 gbk", "2021.T3.other.overdueFee", [11, 0, 6, 0, 23, 0, 40]),
        # "5." beside the figures, then the label one character a line
        (
            105,
            "printed-0105.pdf 2019 A5 ×1.29 utf-8",
            "2019.T3.notProcessed.confirmInfo",
            [0, 0, 0, 0, 0, 18, 18],
        ),
    ],
)
def test_a_label_cell_taller_than_a_page_is_read(
    number: int, paper: str, indicator: str, truth: list[int]
) -> None:
    """A label wrapped in a narrow cell runs on below the row's figures, past the page; the reader
    before joining cut labels left these rows missing."""
    from ogikg.converter.decode import decode
    from ogikg.converter.pipeline import convert_document

    require_program("chromium")
    (report,) = evaluate_pdf.printed_reports(120, seed=1, only={number})
    assert report.label == paper
    parsed = convert_document(decode(report.name, report.pdf))
    assert [cell.value for cell in parsed.cells if cell.indicator == indicator] == truth


def _line(text: str, x1: float, top: float) -> object:
    from ogikg.converter.decode_pdf import _Item

    return _Item(page=1, top=top, x0=56.0, x1=x1, size=10.8, text=text, is_row=False)


def _paragraph_lines(last: tuple[str, float], next_text: str) -> list[str]:
    """Four full lines set the margins (56 … 358.8); then ``last`` ends at its x, ``next_text``
    follows on the next line."""
    from ogikg.converter.decode_pdf import _join_paragraphs

    full = [
        _line("本年度政府信息公开工作稳步推进，各项制度逐步完善。", 358.8, 100.0 + 15 * i) for i in range(4)
    ]
    items = [
        *full,
        _line(last[0], last[1], 160.0),
        _line(next_text, 90.0, 175.0),
        _line("二、主动公开", 90.0, 200.0),
    ]
    return [item.text for item in _join_paragraphs(items)]


def test_a_line_the_line_breaking_rules_cut_short_is_joined_to_the_next() -> None:
    # "27件。" cannot be broken before "。", and not inside "27": the browser moved "件。" down and
    # left the line 1.45 character widths short of the margin.
    lines = _paragraph_lines(("因政府信息公开被申请行政复议27", 343.1), "件。")
    assert lines[-2].endswith("完善。因政府信息公开被申请行政复议27件。") and lines[-1] == "二、主动公开"
    # either reason alone allows the gap: closing punctuation pushed down, or a run of digits
    lines = _paragraph_lines(("因政府信息公开被申请行政复议", 343.1), "件。")
    assert lines[-2].endswith("完善。因政府信息公开被申请行政复议件。")
    lines = _paragraph_lines(("因政府信息公开被申请行政复议27", 343.1), "件次较上年增加。")
    assert lines[-2].endswith("完善。因政府信息公开被申请行政复议27件次较上年增加。")
    # the same gap before an ordinary line start is the end of a paragraph
    lines = _paragraph_lines(("因政府信息公开被申请行政复议。", 343.1), "本年度未发生行政诉讼。")
    assert lines[-3].endswith("完善。因政府信息公开被申请行政复议。")
    assert lines[-2:] == ["本年度未发生行政诉讼。", "二、主动公开"]


def test_a_table_broken_across_pages_comes_back_whole_row_by_row() -> None:
    """A 2019 report on A5 at 124 %: table 3 runs over five page breaks. "三、本年度办理结果" sits in
    a column whose merged cell has no rule on that page, so the table found there leaves the
    column out; "6.属于四类过程性信息" and "5.要求行政机关确认或重新出具已获取信息" are cut in two
    by a break, their values above it, the rest of their label below."""
    from ogikg.converter.decode import decode

    require_program("chromium")
    (report,) = evaluate_pdf.printed_reports(6, seed=1, only={4})
    assert report.label == "printed-0004.pdf 2019 A5 ×1.24 gbk"
    lines = decode(report.name, report.pdf).text.split("\n")
    for row in (
        "三、本年度办理结果 | (一)予以公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
        "(三)不予公开 | 1.属于国家秘密 | 22 | 0 | 0 | 0 | 0 | 0 | 22",
        "6.属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
        "5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
    ):
        assert row in lines
    for fragment in ("本年", "于四", "程性", "已获"):  # no piece of a label left behind as a line
        assert fragment not in lines
    # the heading between tables 3 and 4 is running text, not half a row of either table
    assert "四、政府信息公开行政复议、行政诉讼情况" in lines


def _row(page: int, columns: list[tuple[float, float, str]]) -> object:
    from ogikg.converter.decode_cells import render_row
    from ogikg.converter.decode_pdf import _Item

    item = _Item(
        page, 700.0 if page == 1 else 60.0, 90.0, 560.0, 0.0, render_row([c[2] for c in columns]), True
    )
    item.columns = tuple(columns)
    return item


VALUES = [(230.0 + 40 * i, 270.0 + 40 * i, v) for i, v in enumerate(("5", "0", "0", "0", "4", "0", "9"))]
EMPTY = [(x0, x1, "") for x0, x1, _ in VALUES]


def test_a_row_a_word_processor_closed_at_the_break_is_joined_to_its_rest() -> None:
    """Word and LibreOffice draw a rule where a page break cuts a row: both halves look like rows.
    The half that opens the next page has the rest of the labels and no figures."""
    from ogikg.converter.decode_pdf import _join_split_rows

    above = _row(1, [(90.0, 140.0, "(四)无"), (140.0, 230.0, "1.本机关"), *VALUES])
    above.filled = frozenset({90.0, 140.0})  # both labels run on to their cells' right edge
    rest = _row(2, [(50.0, 90.0, ""), (90.0, 140.0, "法提供"), (140.0, 230.0, "不掌握相关政府信息"), *EMPTY])
    (joined,) = _join_split_rows([above, rest])
    assert joined.text == "(四)无法提供 | 1.本机关不掌握相关政府信息 | 5 | 0 | 0 | 0 | 4 | 0 | 9"


def test_a_row_of_its_own_with_blank_figures_atop_a_page_stays_a_row() -> None:
    from ogikg.converter.decode_pdf import _join_split_rows

    # its label is a new item
    above = _row(1, [(90.0, 140.0, "(四)无法提供"), (140.0, 230.0, "1.本机关"), *VALUES])
    above.filled = frozenset({90.0, 140.0})
    blank = _row(2, [(90.0, 140.0, ""), (140.0, 230.0, "2.没有现成信息需要另行制作"), *EMPTY])
    assert len(_join_split_rows([above, blank])) == 2
    # the old form: "其中：主动公开规范性文件数 | 条 | 15" closes a page, "制发规范性文件总数 | 件 |"
    # opens the next; the label above ends short of its cell's right edge
    old_form = [(90.0, 330.0), (330.0, 380.0), (380.0, 450.0)]
    above = _row(1, [(*old_form[0], "其中:主动公开规范性文件数"), (*old_form[1], "条"), (*old_form[2], "15")])
    blank = _row(2, [(*old_form[0], "制发规范性文件总数"), (*old_form[1], "件"), (*old_form[2], "")])
    assert len(_join_split_rows([above, blank])) == 2


def test_a_number_wrapped_in_a_narrow_cell_is_one_number() -> None:
    from ogikg.converter.decode_pdf import _cell_text

    def char(text: str, x0: float, top: float) -> dict:
        return {"text": text, "x0": x0, "x1": x0 + 5.0, "top": top, "bottom": top + 10.0, "size": 10.0}

    assert _cell_text([char("1", 10, 0), char("1", 15, 0), char("3", 10, 12)]) == "113"
    assert _cell_text([char("不", 10, 0), char("掌", 20, 0), char("握", 10, 12)]) == "不掌握"
