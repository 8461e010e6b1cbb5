"""Hard-wrapped plain text (copied from a PDF viewer) joined back into paragraphs."""

from __future__ import annotations

import random

from ogikg.converter.decode import decode
from ogikg.converter.decode_cells import display_width, is_wide
from ogikg.converter.metadata import extract_metadata
from ogikg.converter.model import ValueStatus
from ogikg.converter.pipeline import convert_bytes
from ogikg.converter.unwrap import join_wrapped_lines
from ogikg.synth.population import population
from ogikg.synth.render import Rendering, hard_wrap, render

PARAGRAPHS = [
    "根据《中华人民共和国政府信息公开条例》规定,现公布遵义市统计局2022年度政府信息公开工作年度报告。"
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等部分组成。",
    "一、总体情况",
    "本年度,我局认真贯彻落实条例各项要求,坚持以公开为常态、不公开为例外,不断加大政府信息公开力度,"
    "进一步规范依申请公开办理流程,切实保障人民群众的知情权、参与权、表达权和监督权。",
]


def test_hard_wrapped_prose_is_joined_back() -> None:
    wrapped = hard_wrap("\n".join(PARAGRAPHS), 60)
    assert "遵义市统计局" not in wrapped  # the wrap cuts the name: 现公布遵义市 / 统计局
    text, joins, width = join_wrapped_lines(wrapped)
    assert (text, width) == ("\n".join(PARAGRAPHS), 60)
    assert joins == wrapped.count("\n") - 2
    metadata = extract_metadata(decode("wrapped.txt", wrapped.encode()).text, "wrapped.txt")
    assert metadata.agency is not None and metadata.agency.name == "遵义市统计局"
    assert metadata.agency.adcode == "520300"
    assert "lines wrapped at 60 columns joined" in " ".join(decode("w.txt", wrapped.encode()).warnings)


def test_natural_paragraphs_are_kept() -> None:
    text = "\n".join(PARAGRAPHS * 3)
    assert join_wrapped_lines(text) == (text, 0, 0)


def test_contents_and_table_rows_are_never_joined() -> None:
    contents = "\n".join(
        f"({n}) 围绕机制保障强化公开,全面加强政务公开能力建设和政策解读工作 ..... {page}\n一是健全工作机制"
        for n, page in (("一", 1), ("二", 4), ("三", 8), ("四", 9), ("五", 12))
    )
    assert join_wrapped_lines(contents)[1] == 0
    rows = "\n".join(["本年新收政府信息公开申请数量以及上年结转政府信息公开申请数量 12 0 0 0 0 0 12"] * 6)
    assert join_wrapped_lines(rows)[1] == 0


def _width_cutting(text: str, *cuts: str) -> str:
    """``text`` hard-wrapped at the first width whose break falls where one of ``cuts`` shows it."""
    for width in range(30, 160):
        wrapped = hard_wrap(text, width)
        if any(cut in wrapped for cut in cuts):
            return wrapped
    raise AssertionError(f"no width breaks the text at {cuts!r}")


def test_figures_and_item_numbers_cut_by_the_wrap_are_joined_back() -> None:
    prose = "".join(PARAGRAPHS[0] + PARAGRAPHS[2] for _ in range(3))
    text = prose + "全年主动公开政府信息12345条。" + prose
    wrapped = _width_cutting(text, "1\n2345", "12\n345", "123\n45", "1234\n5")
    assert "政府信息12345条" in join_wrapped_lines(wrapped)[0]  # (a break after 。 may stay)
    # run-together rows: …件8 / 14.其他 is the item number 14 cut, not an item 4
    table = "政府信息公开情况统计表" + "".join(f"{n}.统计信息件8{n + 1}.其他件0" for n in range(11, 40, 2))
    text = prose + "\n" + table
    joined = join_wrapped_lines(_width_cutting(text, "件81\n"))[0]
    assert table.removeprefix("政府信息公开情况统计表") in joined.replace("\n", "") and "件81\n" not in joined


def test_hard_wrapped_flattened_tables_never_give_a_wrong_value() -> None:
    """Synthetic reports with space-separated and run-together tables, every line broken at a fixed
    width (numbers and item numbers cut too): no value claimed with certainty may differ from the
    truth, and nearly all come back. (Without joining, 412 of 150,000 values were wrong.)"""
    rng = random.Random(11)
    reports = list(population(2, range(2012, 2025), rng, contradiction_share=0.0))
    certain = wrong = total = 0
    for index, report in enumerate(reports[:24]):
        layout = ("spaces", "run-together")[index % 2]
        data, truth = render(report, Rendering(layout, traditional=False), rng)
        for width in (50, 76):
            parsed = convert_bytes("wrapped.txt", hard_wrap(data.decode("utf-8"), width).encode())
            for cell in parsed.cells:
                name = cell.key
                if name not in truth["cells"]:
                    continue
                total += 1
                if cell.status is ValueStatus.REPORTED:
                    certain += 1
                    wrong += str(cell.value) != str(truth["cells"][name]["value"])
    assert total > 2000
    assert wrong == 0
    assert certain >= 0.9 * total


def test_display_width_counts_what_decoders_call_wide_as_two_columns() -> None:
    sample = "2023年度,全市“主动公开”信息…—ＡＢ１２３ abc 𠀀丽﹐"
    assert display_width(sample) == sum(2 if is_wide(char) else 1 for char in sample) == 54
