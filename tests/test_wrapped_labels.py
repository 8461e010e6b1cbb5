"""Tables whose labels wrap inside their cell, as a PDF with unruled tables gives them as text: each
label cut into lines, the row's numbers beside its middle line. Synthetic reports (their space-
separated rendering, cut that way) must come back exactly; a row the reader cannot make whole is
left unread with a warning, never read wrong.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from ogikg.converter.labels import label_index
from ogikg.converter.pipeline import convert_bytes
from ogikg.converter.segment import Kind, scan
from ogikg.converter.segment_wrapped import join_cut_labels
from ogikg.converter.tables import read_tables
from ogikg.synth.population import population
from ogikg.synth.render import Rendering, render

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from roundtrip import Tally, score

# a row of a single-column label and its numbers, as the space-separated rendering prints it
_ROW = re.compile(r"(?P<label>\S+) (?P<values>(?:\d+ )*\d+)")


def wrap_labels(text: str, width: int) -> tuple[str, int]:
    """Every row label longer than ``width`` cut into lines of ``width`` characters, the numbers
    after the middle one (where a table without rules puts them); the rows cut."""
    lines: list[str] = []
    cut = 0
    for line in text.split("\n"):
        found = _ROW.fullmatch(line)
        if found is None or len(found["label"]) <= width:
            lines.append(line)
            continue
        label = found["label"]
        parts = [label[start : start + width] for start in range(0, len(label), width)]
        middle = (len(parts) - 1) // 2
        parts[middle] += " " + found["values"]
        lines.extend(parts)
        cut += 1
    return "\n".join(lines), cut


def _reports(count: int, seed: int) -> list[tuple[str, bytes, dict]]:
    rng = random.Random(seed)
    rendered = []
    for report in population(count, range(2014, 2025), rng):
        if report.generation == "narrative":
            continue
        data, truth = render(report, Rendering("spaces"), rng)
        rendered.append((report.generation, data, truth))
    return rendered


@pytest.mark.parametrize("width", [3, 5, 8, 13])
def test_labels_wrapped_in_their_cells_come_back_exactly(width: int) -> None:
    total, cut_rows, failures = Tally(), 0, []
    for number, (generation, data, truth) in enumerate(_reports(4, seed=width)):
        text, cut = wrap_labels(data.decode("utf-8"), width)
        cut_rows += cut
        parsed = convert_bytes(f"wrapped-{number}-{generation}.txt", text.encode("utf-8"))
        tally, found = score(parsed, truth, "spaces")
        total.add(tally)
        failures += [f"{number} {generation}: {failure}" for failure in found]
    assert cut_rows > 100  # most rows of every form are cut
    assert total.wrong == 0
    assert failures == []
    assert total.exact == total.recoverable > 1000


def _old_report_text() -> str:
    (report,) = [r for r in population(3, range(2015, 2016), random.Random(7)) if r.generation == "old"][:1]
    data, _ = render(report, Rendering("spaces"), random.Random(1))
    return data.decode("utf-8")


def _replace_row(text: str, label_start: str, replacement: str) -> str:
    lines = text.split("\n")
    (position,) = [i for i, line in enumerate(lines) if line.startswith(label_start)]
    lines[position] = replacement
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("indicator", "printed_label", "printed_row", "warning"),
    [
        # the label's own "计1", cut from its "条)", must not become the row's figure
        (
            "old.active.total",
            "（一）主动公开政府信息数",
            "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1\n条\n条)",
            "open bracket",
        ),
        # the value '0' ran into the label's text ("…计1次 0次)"): no value is not blank here
        (
            "old.response.hotspots",
            "（一）回应公众关注热点或重大舆情数",
            "(一)回应公众关注热点或重大舆情数(不同方式回应同一热点或舆情计1次 0次)",
            "figures in the text",
        ),
    ],
)
def test_a_row_whose_label_runs_into_its_figures_is_not_read(
    indicator: str, printed_label: str, printed_row: str, warning: str
) -> None:
    reading = read_tables(_replace_row(_old_report_text(), printed_label, printed_row))
    assert [c for c in reading.cells if c.indicator == indicator] == []
    assert any(indicator in w and warning in w for w in reading.warnings)


def _labels(*lines: str) -> list[tuple[int, str]]:
    index = label_index()
    pieces = join_cut_labels(scan("\n".join(lines), index), index)
    return [(p.line, p.text) for p in pieces if p.kind is Kind.LABEL]


def test_a_label_after_the_end_of_a_wrapped_block_label_on_its_line_is_joined_too() -> None:
    """The block label's last line ("果") and the row label's first ("(二)部分公开(区") share a
    line, as a table without rules gives two columns of wrapped labels; "果" stays a piece."""
    lines = [
        "三、 (一)予以公开 8 0 0 0 0 0 8",
        "本年",
        "度办",
        "理结",
        "果 (二)部分公开(区",
        "分处理的,只计这一",
        "0 0 0 0 0 0 0",
        "情形,不计其他情",
        "形)",
    ]
    assert _labels(*lines) == [
        (1, "(一)予以公开"),
        (2, "本年度办理结果"),
        (5, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ]
    index = label_index()
    texts = [
        (p.line, p.text) for p in join_cut_labels(scan("\n".join(lines), index), index) if p.kind is Kind.TEXT
    ]
    assert texts == [(1, "三、")]  # "三、" begins no label alone; 本年…果 became the block label
    # The other column's "办理" goes with the fragment: kept, it would stand as a row between the
    # label and its figures, and they would be read as that row's.
    assert [
        (p.kind, p.text)
        for p in join_cut_labels(
            scan("(二)部分公开(区\n办理 分处理的,只计这一情形,不计其他情形) 0 0", index), index
        )
    ] == [
        (Kind.LABEL, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
        (Kind.VALUE, "0"),
        (Kind.VALUE, "0"),
    ]


@pytest.mark.parametrize(
    ("lines", "labels"),
    [
        # a block label glued to the row label: the row's label starts at its own item number
        (
            ["(六)其他1.申请人无正当理由逾期不补正、行政机关不再", "4 0 0 0 1 0 5", "处理其政府信息公开申请"],
            [(1, "(六)其他"), (1, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")],
        ),
        # a label after another cell's text, the row's figures on its first line
        (
            ["予公开 2.其他 2 0 0 0 35 0 37", "法律行政法规禁止公开"],
            [(1, "2.其他法律行政法规禁止公开")],
        ),
        # an item number alone, full-width as printed, then the label on the next line
        (["（七） 57 33 34 17 77 2 220", "总计"], [(1, "（七）总计")]),
        # an item number alone is not glued to the next row's label
        (["3. 0 2 0 3 0 0 5", "(七)总计 57 33 34 17 77 2 220"], [(2, "(七)总计")]),
        # fragments lines apart are not one label
        (["(二)部分公开(区分处理的,", "", "", "只计这一情形,不计其他情形) 0 0"], [(1, "(二)部分公开")]),
    ],
)
def test_which_fragments_make_one_label(lines: list[str], labels: list[tuple[int, str]]) -> None:
    assert _labels(*lines) == labels


def test_a_label_without_figures_beside_a_row_of_figures_the_form_lacks_is_not_read_as_blank() -> None:
    """ "(七)" with a garbled character and the figures, "总计" on the next line: the figures may be
    the label's, so "总计" is not read as blank; the row of figures then stands where the form's
    total is missing and is read as it (a misprinted label)."""
    (report,) = [r for r in population(2, range(2022, 2023), random.Random(5)) if r.generation == "2021"][:1]
    data, _ = render(report, Rendering("spaces"), random.Random(1))
    lines = data.decode("utf-8").split("\n")
    (position,) = [i for i, line in enumerate(lines) if line.startswith("（七）总计 ")]
    figures = [int(word) for word in lines[position].split()[1:]]
    lines[position] = lines[position].replace("（七）总计", "（七）□") + "\n总计"
    reading = read_tables("\n".join(lines))
    total = [c for c in reading.cells if c.indicator == "2021.T3.totalProcessed"]
    assert [c.value for c in total] == figures and len(figures) == 7
    assert any("2021.T3.totalProcessed" in w and "figures on the line next to" in w for w in reading.warnings)
    assert any("read as 2021.T3.totalProcessed (misprinted label)" in w for w in reading.warnings)
