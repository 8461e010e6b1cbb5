"""Key figures stated in report prose, recognised by the patterns in ontology/narrative.ttl."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
import rdflib

from ogikg.converter.decode import decode
from ogikg.converter.model import NarrativeFigure
from ogikg.converter.narrative import extract_narrative, narrative_indicators

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
OGI = rdflib.Namespace("https://w3id.org/ogikg/def/")


def _shared() -> Path:
    root = Path(os.environ.get("OGIKG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))
    if not (root / "corpus").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared corpus missing at {root}")
        pytest.skip("shared corpus not available")
    return root


@cache
def _text(name: str) -> str:
    corpus = _shared() / "corpus"
    folder = "seeds" if name[:3].isdigit() else "reports"
    path = next((corpus / folder).glob(f"{name}*"))
    return decode(path.name, path.read_bytes()).text


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
        "requestsReceived": 255,
        "requestsCompleted": 255,
        "requestsGranted": 71,
        "requestsPartiallyGranted": 5,
    }


def test_pdf_city_report_with_fees_in_yuan() -> None:
    values = _values(_text("r0152"), 2024)
    assert values == {
        "requestsReceived": 3119,
        "requestsCarriedOver": 34,
        "requestsCarriedForward": 103,
        "administrativeReviews": 351,
        "administrativeLitigations": 46,
        "feesCharged": Decimal(3940),
    }


def test_pdf_lines_broken_inside_a_sentence() -> None:
    values = _values(_text("r0002"), 2024)
    assert values == {"activeDisclosed": 2428, "requestsReceived": 17, "feesCharged": Decimal(0)}


def test_new_requests_are_not_counted_as_received() -> None:
    values = _values(_text("r0101"), 2024)
    assert values == {"requestsReceived": 59, "requestsNew": 47}


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


def test_approximate_numbers_are_not_figures() -> None:
    text = "2024年,市政府网站主动公开各类政府信息5500余条。全年主动公开政府信息近5000条。\n"
    assert extract_narrative(text, 2024) == ()


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
