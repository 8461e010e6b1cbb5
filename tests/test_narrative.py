"""Key figures stated in report prose, recognised by the patterns in ontology/narrative.ttl."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest
import rdflib

from ogikg.converter.model import NarrativeFigure
from ogikg.converter.narrative import extract_narrative, narrative_indicators
from shared import corpus_text as _text

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
OGI = rdflib.Namespace("https://w3id.org/ogikg/def/")


def _figures(text: str, year: int | None) -> dict[str, NarrativeFigure]:
    figures = extract_narrative(text, year)
    by_indicator = {f.indicator.removeprefix("narrative."): f for f in figures}
    assert len(by_indicator) == len(figures), "one figure per indicator"
    return by_indicator


def _values(text: str, year: int | None) -> dict[str, int | Decimal]:
    return {name: figure.value for name, figure in _figures(text, year).items()}


def _at(text: str, figure: NarrativeFigure) -> str:
    return text.split("\n")[figure.span.line - 1][figure.span.start : figure.span.end]


# --- seeds --------------------------------------------------------------------------------------


def test_seed_000_prose_figures_not_the_table() -> None:
    text = _text("000_")
    figures = _figures(text, 2017)
    # 同意公开答复 2 in the prose, 0 in the table: the prose figure is what is read here.
    assert {k: f.value for k, f in figures.items()} == {
        "activeDisclosed": 412,
        "requestsReceived": 3,
        "requestsGranted": 2,
        "administrativeReviews": 0,
        "administrativeLitigations": 0,
        "feesCharged": Decimal(0),
    }
    assert figures["requestsGranted"].phrase == "同意公开答复2件"
    assert _at(text, figures["activeDisclosed"]) == "主动公开政府信息412条"
    assert "未发生" in figures["administrativeReviews"].phrase
    assert "行政复议" in figures["administrativeReviews"].phrase


def test_seed_002_received_and_completed_in_one_phrase() -> None:
    text = _text("002_")
    figures = _figures(text, 2020)
    assert {k: f.value for k, f in figures.items()} == {
        "requestsReceived": 21,
        "requestsCompleted": 21,
        "administrativeReviews": 0,
        "administrativeLitigations": 0,
    }
    assert figures["requestsReceived"].phrase == "收到并办结政府信息公开申请21件"
    assert figures["administrativeLitigations"].phrase == "无产生行政复议和行政诉讼"


def test_seed_004_traditional_report() -> None:
    values = _values(_text("004_"), 2023)
    assert values == {"activeDisclosed": 551, "requestsReceived": 3, "feesCharged": Decimal(0)}


def test_seed_001_nothing_received_nothing_appealed() -> None:
    values = _values(_text("001_"), 2016)
    assert values == {
        "activeDisclosed": 873,
        "requestsReceived": 0,
        "administrativeReviews": 0,
        "administrativeLitigations": 0,
        "feesCharged": Decimal(0),  # (四)收费及减免情况。无相关情况。
    }


def test_seed_003_states_no_figures() -> None:
    assert extract_narrative(_text("003_"), 2013) == ()


# --- corpus excerpts ----------------------------------------------------------------------------


def test_received_carried_over_granted_and_carried_forward() -> None:
    values = _values(_text("r0025"), 2022)
    assert values == {
        "requestsReceived": 7,
        "requestsCarriedOver": 1,
        "requestsGranted": 3,
        "requestsCarriedForward": 1,
    }


def test_completed_carried_forward_reviews_and_lawsuits() -> None:
    text = _text("r0061")
    figures = _figures(text, 2023)
    assert {k: f.value for k, f in figures.items()} == {
        "activeDisclosed": 773,
        "requestsReceived": 14,
        "requestsCompleted": 12,
        "requestsCarriedForward": 2,
        "administrativeReviews": 9,
        "administrativeLitigations": 3,
    }
    assert figures["requestsCompleted"].phrase == "办结12件"
    assert _at(text, figures["requestsCompleted"]) == "办结12件"


def test_granted_and_partially_granted() -> None:
    values = _values(_text("r0102"), 2024)
    assert values == {
        "activeDisclosed": 18439,  # 区政府门户网站共发布信息18439条,其中:…
        "requestsReceived": 255,
        "requestsCompleted": 255,
        "requestsGranted": 71,
        "requestsPartiallyGranted": 5,
    }


def test_pdf_city_report_with_fees_in_yuan() -> None:
    values = _values(_text("r0152"), 2024)
    assert values == {
        "activeDisclosed": 5500,  # a round figure (5500余条) counts as stated
        "requestsReceived": 3119,
        "requestsCompleted": 3050,
        "requestsCarriedOver": 34,
        "requestsCarriedForward": 103,
        "administrativeReviews": 351,
        "administrativeLitigations": 46,
        "feesCharged": Decimal(3940),
    }


def test_pdf_lines_broken_inside_a_sentence() -> None:
    values = _values(_text("r0002"), 2024)
    assert values == {"activeDisclosed": 2428, "requestsReceived": 17, "feesCharged": Decimal(0)}


def test_a_paragraph_is_not_joined_to_the_heading_after_it() -> None:
    """Web pages give one paragraph per line, without blank lines: a paragraph that stops without
    a full stop is still not continued by the numbered heading below it."""
    text = "在门户网站主动公开政府信息260余\n二、主动公开政府信息情况\n第二十条第(一)项\n"
    figure = _figures(text, 2020)["activeDisclosed"]
    assert (figure.value, _at(text, figure)) == (260, "主动公开政府信息260余")
    wrapped = "本机关全年主动公开政府\n信息120条。\n"
    assert _values(wrapped, 2020) == {"activeDisclosed": 120}


def test_new_requests_are_not_counted_as_received() -> None:
    values = _values(_text("r0101"), 2024)
    assert values == {
        "requestsReceived": 59,
        "requestsNew": 47,
        "requestsCompleted": 59,  # 已答复59件
        "requestsGranted": 3,  # “予以公开”3件
        "requestsPartiallyGranted": 36,
    }


def test_table_rows_are_never_read() -> None:
    # r0098 carries the 2021 tables as pipe rows and no prose figures.
    assert extract_narrative(_text("r0098"), 2024) == ()


# --- fixtures -----------------------------------------------------------------------------------


def test_pipe_rows_and_form_labels_give_nothing() -> None:
    text = (
        "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条) | 条 | 412 |\n"
        "一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"
        "行政复议 | 0 | 0 | 0 | 0 | 0 |\n"
    )
    assert extract_narrative(text, 2020) == ()


def test_round_figures_count_as_stated() -> None:
    text = "2024年,本机关主动公开各类政府信息5500余条。\n"
    assert _values(text, 2024) == {"activeDisclosed": 5500}
    assert _values("全年主动公开政府信息近4000条。\n", 2024) == {"activeDisclosed": 4000}
    figures = _figures("2023年,本局通过多种渠道公开政府信息1.2万余条,其中网站发布800条。\n", 2023)
    assert figures["activeDisclosed"].value == 12000
    assert figures["activeDisclosed"].phrase == "公开政府信息1.2万余条"
    # A fraction without 万 is no count.
    assert extract_narrative("主动公开政府信息3.5条。\n", 2024) == ()


def test_proactive_disclosure_through_a_named_channel() -> None:
    text = (
        "2023年,我局认真梳理,主动在门户网站公开政府信息50条。全年政务信息公开工作运行正常。"
        "在主动公开的信息中,政策法规类的信息4条,业务工作类的信息10条。\n"
    )
    figures = _figures(text, 2023)
    assert {name: figure.value for name, figure in figures.items()} == {"activeDisclosed": 50}
    assert _at(text, figures["activeDisclosed"]) == "主动在门户网站公开政府信息50条"
    # News items published through one channel are not the disclosure total.
    channel = "2022年,我局主动通过市人民政府网站发布政务信息6条,涉及定向资格申报公示。\n"
    assert extract_narrative(channel, 2022) == ()
    # What was not disclosed proactively is no such figure.
    assert extract_narrative("2023年,我局未主动在网站公开政府信息50条。\n", 2023) == ()


def test_a_statement_about_another_year_is_skipped() -> None:
    text = "2019年,我局共收到政府信息公开申请5件。2020年,我局共收到政府信息公开申请8件。\n"
    assert _values(text, 2020) == {"requestsReceived": 8}
    assert _values(text, None) == {"requestsReceived": 5}


def test_zero_only_when_stated() -> None:
    assert _values("本年度未发生因政府信息公开引起的行政复议。\n", 2021) == {"administrativeReviews": 0}
    assert _values("全年无收取信息处理费情况。\n", 2021) == {"feesCharged": Decimal(0)}
    # A sentence that names reviews without saying there were none states nothing.
    assert extract_narrative("进一步降低行政复议、行政诉讼发生率。\n", 2021) == ()
    # A table label about direct lawsuits is not a statement that there were none.
    assert extract_narrative("未经复议直接起诉\n", 2021) == ()


@pytest.mark.parametrize(
    ("sentence", "year", "expected"),
    [
        ("本机关全年共收到公民、法人或其他组织提出的政府信息公开申请6件。", 2020, {"requestsReceived": 6}),
        ("2018年,我办共接到群众申请公开政府信息4件。", 2018, {"requestsReceived": 4}),
        ("2019年共受理社会公众提交的信息公开申请12件,均已办结。", 2019, {"requestsReceived": 12}),
        ("2016年,本单位未发生政府信息公开收费情况。", 2016, {"feesCharged": Decimal(0)}),
        ("2020年,本单位未收取政府信息公开相关费用。", 2020, {"feesCharged": Decimal(0)}),
        ("2020年共处理政府信息公开申请10件。", 2020, {"requestsReceived": 10}),
        # the applicant named, but the number is a time limit, not a count
        ("收到公民提出的申请后,15个工作日内予以答复。", 2020, {}),
    ],
)
def test_requests_received_from_named_applicants(sentence: str, year: int, expected: dict) -> None:
    assert _values(sentence + "\n", year) == expected


def test_partial_grant_inside_a_combined_figure_is_not_read() -> None:
    text = "2019年,予以公开及部分公开258件,占33.9%。\n"
    assert extract_narrative(text, 2019) == ()


def test_spans_and_phrases_point_into_the_text() -> None:
    text = "一、总体情况\n2021年,我局主动公开政府信息 120 条,受理政府信息公开申请 3 件。\n"
    figures = _figures(text, 2021)
    assert figures["activeDisclosed"].value == 120
    assert figures["activeDisclosed"].span.line == 2
    assert _at(text, figures["activeDisclosed"]) == "主动公开政府信息 120 条"
    assert figures["requestsReceived"].phrase == "受理政府信息公开申请 3 件"


# --- the Turtle ---------------------------------------------------------------------------------


def test_every_narrative_indicator_is_described_and_comparable() -> None:
    graph = rdflib.Graph().parse(
        data=resources.files("ogikg.ontology").joinpath("narrative.ttl").read_text(encoding="utf-8"),
        format="turtle",
    )
    scheme = rdflib.URIRef("https://w3id.org/ogikg/def/scheme/narrative")
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    assert len(concepts) == 11
    for concept in concepts:
        notation = str(graph.value(concept, SKOS.notation))
        assert str(concept) == "https://w3id.org/ogikg/def/indicator/" + notation
        assert {lit.language for lit in graph.objects(concept, SKOS.prefLabel)} == {"zh-Hans", "en"}, notation
        assert {lit.language for lit in graph.objects(concept, SKOS.definition)} == {"zh-Hans", "en"}, (
            notation
        )
        assert graph.value(concept, OGI.unit) is not None, notation
        assert list(graph.objects(concept, OGI.comparableWith)), notation
        assert list(graph.objects(concept, OGI.textPattern)), notation
    fees = rdflib.URIRef("https://w3id.org/ogikg/def/indicator/narrative.feesCharged")
    assert graph.value(fees, OGI.unit) == rdflib.URIRef("https://w3id.org/ogikg/def/unit/yuan")
    assert graph.value(fees, OGI.comparableWith) == rdflib.URIRef(
        "https://w3id.org/ogikg/def/indicator/old.fees"
    )
    assert graph.value(fees, OGI.comparisonFactor).toPython() == Decimal("0.0001")
    patterns = {i.notation: i for i in narrative_indicators()}
    assert patterns["narrative.feesCharged"].decimal and not patterns["narrative.activeDisclosed"].decimal
    for indicator in patterns.values():
        for pattern in indicator.patterns:
            assert "value" in pattern.regex.groupindex
            assert pattern.anchors, pattern.regex.pattern  # every expression can be located fast


# --- totals stated without 主动公开, and what is not a total ------------------------------------

TOTALS = [
    # sentence, year, expected activeDisclosed (None: no figure)
    ("全年通过区政府网站共公开信息314条,其中人员招录信息20条。", 2022, 314),
    ("2021年全年本局公开各类信息共计1392条。", 2021, 1392),
    ("全年公开各类政府信息305条、政务动态更新120次。", 2023, 305),
    ("2020年,本局通过网站、微信等渠道发布各类信息1500余条。", 2020, 1500),
    ("2022年本街道依托门户网站公开机构设置、财政预决算、工作动态等政府信息106条。", 2022, 106),
    ("截止2011年12月31日,本县通过政府门户网站向社会公开政府信息2361条。其中政务信息420条。", 2011, 2361),
    ("2022年,本委共在报纸、网站、微信公众号发布信息220多篇。", 2022, 220),
    # one channel among several, a part after 其中, a category after other figures: no total
    ("2020年,通过本局门户网站发布各类信息955条,更新公开目录303条。", 2020, None),
    ("本区各部门共开设新媒体70个。其中微博29个,共发布信息1992条。", 2018, None),
    ("公开文件26件,发布警情通报、安全防范等信息247条。", 2020, None),
    # a running total since an earlier date
    ("截至2017年12月末,累计主动公开政府信息的数量为457条。", 2017, None),
    # information disclosed on request, or withheld, is not proactive disclosure
    ("2022年,本局依申请公开信息3条,其中全部公开2条。", 2022, None),
    ("不予公开信息10条,其中涉及国家秘密3条。", 2022, None),
]


@pytest.mark.parametrize(("sentence", "year", "expected"), TOTALS)
def test_disclosure_totals(sentence: str, year: int, expected: int | None) -> None:
    values = _values(sentence + "\n", year)
    assert values.get("activeDisclosed") == expected


def test_figure_phrase_starts_at_the_statement_not_the_sentence() -> None:
    text = "一、总体情况\n2022年,本局依托门户网站共发布信息18439条,其中概况类69条。\n"
    figure = _figures(text, 2022)["activeDisclosed"]
    assert figure.phrase == "共发布信息18439条"
    assert _at(text, figure) == "共发布信息18439条"


REQUESTS = [
    ("2024年本园区管理系统中收到12封申请,已按流程处理。", {"requestsReceived": 12}),
    ("2018年本局收到申请总数为1起,已答复。", {"requestsReceived": 1}),
    ("全年办理政府信息公开申请218件。", {"requestsReceived": 218}),
    ("答复依申请公开2个,按时答复率100%。", {"requestsCompleted": 2}),
    (
        "在收到的依申请公开事项中,已答复59件。其中“予以公开”3件,“部分公开”36件。",
        {"requestsCompleted": 59, "requestsGranted": 3, "requestsPartiallyGranted": 36},
    ),
    # 同意公开答复 is one of the ways a request was answered, not all answers
    ("共受理依申请公开信息3件,其中同意公开答复2件。", {"requestsReceived": 3, "requestsGranted": 2}),
    ("办结依申请公开件177件(含2022年结转的3件)。", {"requestsCompleted": 177, "requestsCarriedOver": 3}),
]


@pytest.mark.parametrize(("sentence", "expected"), REQUESTS)
def test_request_figures(sentence: str, expected: dict[str, int]) -> None:
    year = int(sentence[:4]) if sentence[:4].isdigit() else 2023
    assert _values(sentence + "\n", year) == expected


def test_nil_statements_and_what_they_are_not() -> None:
    assert _values("(四)收费及减免情况。无相关情况。\n", 2016) == {"feesCharged": Decimal(0)}
    assert _values("(三)公民、法人和其他组织的收费情况:无。\n", 2008) == {"feesCharged": Decimal(0)}
    assert _values("2013年度没有依申请公开信息的情况。\n", 2013) == {"requestsReceived": 0}
    # No information disclosed on request is not a count of requests.
    assert extract_narrative("无依申请公开政府信息。\n", 2019) == ()
    # Only reviews caused by improper answers are denied: no count of reviews.
    assert extract_narrative("均在法定期限内答复,未因答复程序不正当引起行政复议及行政诉讼。\n", 2023) == ()
