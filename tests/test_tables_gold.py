"""The table reader against the hand-written expected values (tests/expected, ../shared corpus).

For every corpus file with an expected file: each expected cell is read, and
* a cell the reader is certain of has exactly the expected value (blank stays blank, never 0);
* a cell the reader marks uncertain lists the expected value among its value and alternatives;
* an expected "?" (no reading can be justified by hand) is flagged uncertain or illegible;
whole reports also have no cell the form does not print there, and every expected extra cell
(numbers of tables outside the form). Excerpts list only completely visible rows; the reader may
read more of them (a row cut off at the end is not read).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ogikg.converter.decode import decode
from ogikg.converter.model import Cell, TableReading, Template, ValueStatus
from ogikg.converter.tables import read_tables
from ogikg.converter.values import format_value

EXPECTED = Path(__file__).resolve().parent / "expected"
SHARED = Path(os.environ.get("OGIKG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def _corpus() -> Path:
    root = SHARED / "corpus"
    if not root.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared corpus missing at {root}")
        pytest.skip("shared corpus not available")
    return root


def _gold_files(kind: str) -> list[Path]:
    return sorted((EXPECTED / kind).glob("*.json"))


@cache
def _gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _reading(file: str) -> TableReading:
    path = _corpus() / file
    document = decode(str(path), path.read_bytes())
    return read_tables(document.text)


def _printed(cell: Cell) -> str:
    if cell.status is ValueStatus.BLANK:
        return ""
    if cell.status is ValueStatus.NOT_APPLICABLE:
        return "/"
    assert cell.value is not None, cell
    return format_value(cell.value)


def _readings(cell: Cell) -> list[str]:
    found = [format_value(cell.value)] if cell.value is not None else []
    return found + [format_value(value) for value in cell.alternatives]


def _problems(gold: dict[str, Any], reading: TableReading) -> list[str]:
    cells = {cell.key: cell for cell in reading.cells}
    problems = []
    for key, want in gold["cells"].items():
        cell = cells.get(key)
        if cell is None:
            problems.append(f"{key}: missing (expected {want!r})")
        elif want == "?":
            if cell.status not in (ValueStatus.UNCERTAIN, ValueStatus.ILLEGIBLE):
                problems.append(f"{key}: expected no reading to be asserted, got {cell.status} {cell.raw!r}")
        elif cell.status is ValueStatus.UNCERTAIN:
            if want not in _readings(cell):
                problems.append(f"{key}: uncertain {_readings(cell)} lacks {want!r}")
        elif cell.status is ValueStatus.ILLEGIBLE:
            problems.append(f"{key}: illegible, expected {want!r}")
        elif _printed(cell) != want:
            problems.append(f"{key}: {_printed(cell)!r} ({cell.status}, raw {cell.raw!r}) != {want!r}")
    return problems


def _template(gold: dict[str, Any]) -> Template:
    value = gold["metadata"].get("template")
    return Template(value) if value else Template.NARRATIVE


WHOLE = [p for p in _gold_files("seeds") + _gold_files("reports") if _gold(p)["whole"]]
EXCERPTS = [p for p in _gold_files("reports") if not _gold(p)["whole"]]


@pytest.mark.parametrize("path", WHOLE, ids=lambda p: p.stem)
def test_whole_report_cells(path: Path) -> None:
    gold = _gold(path)
    reading = _reading(gold["file"])
    assert reading.template is _template(gold)
    assert _problems(gold, reading) == []
    unexpected = sorted(c.key for c in reading.cells if c.key not in gold["cells"])
    assert unexpected == []


@pytest.mark.parametrize("path", WHOLE, ids=lambda p: p.stem)
def test_whole_report_extra_cells(path: Path) -> None:
    gold = _gold(path)
    reading = _reading(gold["file"])
    found = {
        (extra.row, extra.column): extra
        for extra in reading.extra_cells
        if extra.status is not ValueStatus.BLANK
    }
    for expected in gold.get("extra_cells", []):
        extra = found.get((expected["row"], expected["column"]))
        assert extra is not None, expected
        readings = [format_value(extra.value)] if extra.value is not None else []
        if extra.status is ValueStatus.UNCERTAIN:
            assert extra.value is None or expected["value"] in readings, (expected, extra)
        else:
            assert readings == [expected["value"]], (expected, extra)


@pytest.mark.parametrize("path", EXCERPTS, ids=lambda p: p.stem)
def test_excerpt_cells(path: Path) -> None:
    gold = _gold(path)
    reading = _reading(gold["file"])
    assert _problems(gold, reading) == []
    if gold["cells"]:
        assert reading.template is _template(gold)


def test_seed_002_procurement_amount_in_wan_yuan() -> None:
    reading = _reading("seeds/002_53b062135c3cd979.txt")
    cell = next(c for c in reading.cells if c.indicator == "2019.T2.procurement.amount")
    assert (cell.status, format_value(cell.value), cell.raw) == (
        ValueStatus.REPORTED,
        "2367.4314",
        "2367.4314万元",
    )


def test_seed_001_blanks_stay_blank() -> None:
    reading = _reading("seeds/001_5077326058c351a2.txt")
    blanks = [c for c in reading.cells if c.status is ValueStatus.BLANK]
    assert len(blanks) == 52
    assert all(c.value is None for c in blanks)
    staff = next(c for c in reading.cells if c.indicator == "old.org.staff")
    assert (staff.status, staff.value) == (ValueStatus.REPORTED, 2)


def test_seed_003_has_no_table() -> None:
    reading = _reading("seeds/003_8b69490460605994.txt")
    assert reading.template is Template.NARRATIVE
    assert reading.cells == ()
    assert reading.table_spans == ()


def test_spans_point_at_the_printed_value() -> None:
    path = _corpus() / "seeds/004_96f0cb8691d81244.txt"
    text = decode(str(path), path.read_bytes()).text
    lines = text.split("\n")
    reading = read_tables(text)
    for cell in reading.cells:
        assert cell.span is not None
        printed = lines[cell.span.line - 1][cell.span.start : cell.span.end]
        assert printed == cell.raw, cell


def test_run_together_report_marks_only_undecidable_cells() -> None:
    reading = _reading("reports/r0158.txt")
    uncertain = sorted(c.key for c in reading.cells if c.status is ValueStatus.UNCERTAIN)
    assert uncertain == [
        "2021.T2.normativeDocuments.inForce",
        "2021.T2.normativeDocuments.issued",
        "2021.T2.normativeDocuments.repealed",
    ]
    issued = next(c for c in reading.cells if c.indicator == "2021.T2.normativeDocuments.issued")
    assert issued.value == 62  # the prose says 制发行政规范性文件62件: a best reading, still uncertain
    review = [c for c in reading.cells if c.indicator.startswith("2021.T4.")]
    assert [format_value(c.value) for c in review] == [
        "2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19",
    ]  # fmt: skip
    assert any("uncertain cells" in warning for warning in reading.warnings)


def test_one_line_dump_keeps_prose_out_of_table_spans() -> None:
    reading = _reading("reports/r0158.txt")
    assert len(reading.table_spans) == 3  # 表二, 表三, 表四 on the one body line
    assert [s.number for s in reading.sections] == [1, 2, 3, 4, 5, 6]
    for section in reading.sections:
        assert not any(
            span.line == section.span.line and span.start <= section.span.start < span.end
            for span in reading.table_spans
        ), section


@pytest.mark.parametrize(
    ("file", "titles"),
    [
        (
            "seeds/004_96f0cb8691d81244.txt",
            [
                "总体情况",
                "主动公开政府信息情况",
                "收到和处理政府信息公开申请情况",
                "政府信息公开行政复议、行政诉讼情况",
                "存在的主要问题及改进情况",
                "其他需要报告的事项",
            ],
        ),
        (
            "seeds/001_5077326058c351a2.txt",
            [
                "2016年政府信息公开工作开展情况",
                "当前政府信息公开工作中存在的主要困难和问题",
                "2017年政府信息公开工作思路",
            ],
        ),
        (
            "reports/r0156.txt",  # one-line dump: headings between tables on the same line
            [
                "总体情况",
                "主动公开政府信息情况",
                "收到和处理政府信息公开申请情况",
                "政府信息公开行政复议、行政诉讼情况",
                "存在的主要问题及改进情况",
                "其他需要报告的事项",
            ],
        ),
    ],
)
def test_sections(file: str, titles: list[str]) -> None:
    reading = _reading(file)
    assert [s.title for s in reading.sections] == titles
    assert [s.number for s in reading.sections] == list(range(1, len(titles) + 1))
