"""Hard-wrapped plain text (copied from a PDF viewer) joined back into paragraphs."""

from __future__ import annotations

from ogikg.converter.decode import decode
from ogikg.converter.metadata import extract_metadata
from ogikg.converter.unwrap import display_width, join_wrapped_lines

PARAGRAPHS = [
    "根据《中华人民共和国政府信息公开条例》规定,现公布遵义市统计局2022年度政府信息公开工作年度报告。"
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等部分组成。",
    "一、总体情况",
    "本年度,我局认真贯彻落实条例各项要求,坚持以公开为常态、不公开为例外,不断加大政府信息公开力度,"
    "进一步规范依申请公开办理流程,切实保障人民群众的知情权、参与权、表达权和监督权。",
]


def _wrap(paragraph: str, width: int) -> list[str]:
    lines, current = [], ""
    for char in paragraph:
        if display_width(current + char) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current]


def test_hard_wrapped_prose_is_joined_back() -> None:
    wrapped = "\n".join(line for paragraph in PARAGRAPHS for line in _wrap(paragraph, 60))
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


def test_contents_rows_items_and_cut_figures_are_never_joined() -> None:
    contents = "\n".join(
        f"({n}) 围绕机制保障强化公开,全面加强政务公开能力建设和政策解读工作 ..... {page}\n一是健全工作机制"
        for n, page in (("一", 1), ("二", 4), ("三", 8), ("四", 9), ("五", 12))
    )
    assert join_wrapped_lines(contents)[1] == 0
    # A break beside a digit may cut a number: 全年主动公开政府信息2 / 20条 stays two lines.
    figures = "\n".join(
        [
            "本年度我局通过政府网站、政务新媒体等渠道主动公开政府信息共计2",
            "20条,其中机构职能类信息十余条,政策文件类信息若干条。",
        ]
        * 5
    )
    assert join_wrapped_lines(figures)[1] == 0
    # Space-separated table rows are not prose.
    rows = "\n".join(["本年新收政府信息公开申请数量以及上年结转政府信息公开申请数量 12 0 0 0 0 0 12"] * 6)
    assert join_wrapped_lines(rows)[1] == 0
