"""Normalisation of decoded text and the matching key for printed labels."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ogikg.converter.normalise import is_traditional, label_key, normalise_text, strip_numbering


def _shared() -> Path:
    root = Path(os.environ.get("OGIKG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))
    if not (root / "corpus").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared corpus missing at {root}")
        pytest.skip("shared corpus not available")
    return root


def test_full_width_ascii_becomes_half_width_but_cjk_punctuation_stays() -> None:
    assert normalise_text("（一）予以公开：１２３，ＡＢＣ；ｘ！") == "(一)予以公开:123,ABC;x!"
    assert normalise_text("政府、公开。“三安全一稳定”《条例》") == "政府、公开。“三安全一稳定”《条例》"


def test_every_kind_of_space_becomes_ascii_space_and_zero_width_disappears() -> None:
    assert normalise_text("a\u00a0b\u3000c\u2009d\u200be\tf\ufeffg") == "a b c de fg"
    assert normalise_text("主动公开&nbsp;120条&#160;件&emsp;x") == "主动公开 120条 件 x"


def test_trailing_spaces_are_stripped_and_lines_kept() -> None:
    assert normalise_text("第一行  \n\n第三行\u3000\n") == "第一行\n\n第三行\n"


def test_numbering_glyphs() -> None:
    assert normalise_text("㈠概述 ㈡情况") == "(一)概述 (二)情况"
    assert normalise_text("⑴甲 ⒉乙") == "(1)甲 2.乙"
    assert normalise_text("①保护第三方") == "①保护第三方"


def test_pdf_radicals_become_ordinary_ideographs() -> None:
    assert normalise_text("⼀、总体情况 ⾏政") == "一、总体情况 行政"


def test_inserted_pinyin_readings_are_removed_only_after_cjk() -> None:
    assert normalise_text("国家机(jī)关(guān)事务(wù)管理局") == "国家机关事务管理局"
    assert normalise_text("空气质量指数(AQI) a(jī)") == "空气质量指数(AQI) a(jī)"


def test_traditional_text_is_simplified() -> None:
    assert (
        normalise_text("張掖市統計局2023年政府信息公開工作年度報告")
        == "张掖市统计局2023年政府信息公开工作年度报告"
    )


def test_hong_kong_variant_characters_are_simplified() -> None:
    """Mirror copies in Hong Kong forms write 衞 for 衛 (卫) and 敍 for 敘 (叙): t2s keeps them."""
    assert (
        normalise_text("京山市衞生健康局2021年政府信息公開工作年度報告,敍述如下")
        == "京山市卫生健康局2021年政府信息公开工作年度报告,叙述如下"
    )
    assert label_key("衞生健康") == label_key("卫生健康")


def test_dates_in_chinese_numerals_become_digits() -> None:
    """Titles and signature lines of official documents write dates in Chinese numerals."""
    assert normalise_text("二〇二一年一月二十日") == "2021年1月20日"
    assert normalise_text("某局二○二○年度政府信息公开工作年度报告") == "某局2020年度政府信息公开工作年度报告"
    assert normalise_text("二零一九年十二月三十一日 一九九八年") == "2019年12月31日 1998年"
    # not a year: a count of years, a month without a year, words
    assert normalise_text("十二月三十一日前,二十年来,三五年") == "十二月三十一日前,二十年来,三五年"


def test_simplified_text_with_shared_characters_is_not_converted() -> None:
    text = "乾隆年间於此著书,本局坚持以公开为常态、不公开为例外,主动公开政府信息120条。"
    assert not is_traditional(text)
    assert normalise_text(text) == text


def test_is_traditional_on_real_reports() -> None:
    reports = _shared() / "corpus" / "reports"
    traditional = {"r0005", "r0011", "r0019", "r0051", "r0088", "r0111", "r0125", "r0138", "r0143"}
    for path in sorted(reports.glob("*.txt")):
        assert is_traditional(path.read_text(encoding="utf-8")) == (path.stem in traditional), path.name
    seeds = sorted((_shared() / "corpus" / "seeds").glob("*.txt"))
    assert [is_traditional(p.read_text(encoding="utf-8")) for p in seeds] == [
        False,
        False,
        False,
        False,
        True,
    ]


@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=200))
def test_line_count_never_changes(text: str) -> None:
    result = normalise_text(text)
    assert result.count("\n") == text.count("\n")
    # no character other than \n that str.splitlines() would treat as a line break survives
    assert (result + "x").splitlines() == (result + "x").split("\n")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("（一）予以公开", "予以公开"),
        ("(一)予以公开", "予以公开"),
        ("（一）、予以公开", "予以公开"),
        ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量"),
        ("十五、其他", "其他"),
        ("1.属于国家秘密", "属于国家秘密"),
        ("1、属于国家秘密", "属于国家秘密"),
        ("1．属于国家秘密", "属于国家秘密"),
        ("(1)信访举报", "信访举报"),
        ("（1）信访举报", "信访举报"),
        ("①信访举报", "信访举报"),
        ("其中：本年新制作", "其中：本年新制作"),
        ("1.5万元", "1.5万元"),
        ("2023年度", "2023年度"),
        ("一是加强", "一是加强"),
    ],
)
def test_strip_numbering(label: str, expected: str) -> None:
    assert strip_numbering(label) == expected


def test_label_key_examples() -> None:
    assert label_key("3.危及“三安全一稳定”") == label_key('危及"三安全一稳定"') == "危及三安全一稳定"
    assert label_key("本年度办 理结果") == label_key("三、本年度办理结果") == "本年度办理结果"
    assert label_key("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == label_key(
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"
    )
    assert label_key("(二)部分公开(区分处理的;只计这一情形、不计其他情形)") == (
        "部分公开(区分处理的,只计这一情形,不计其他情形)"
    )


def test_label_key_simplifies_unifies_and_keeps_other_variants_apart() -> None:
    assert label_key("三、本年度辦理結果：") == "本年度办理结果"
    assert label_key("【行政许可】／行政处罚") == "(行政许可)/行政处罚"
    assert label_key("其它") != label_key("其他")
    assert label_key("三、(一)予以公开") == "予以公开"
