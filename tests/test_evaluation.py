"""The scorer on small hand-made expected / predicted pairs (no real report text involved)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from ogikg.converter.model import (
    Agency,
    Cell,
    DecodedDocument,
    InputFormat,
    Level,
    NarrativeFigure,
    ParsedReport,
    ReportMetadata,
    Span,
    Template,
    ValueStatus,
)
from ogikg.evaluation import (
    Expected,
    PredictedCell,
    PredictedReport,
    format_report,
    from_parsed,
    load_expected,
    number_text,
    score,
)

R = ValueStatus.REPORTED


def _expected(**overrides: object) -> Expected:
    values: dict[str, object] = {
        "file": "reports/x.txt",
        "whole": True,
        "metadata": {
            "agency": ["甲市统计局", "甲统计局"],
            "adcode": "330800",
            "level": "prefecture",
            "kind": "统计局",
            "year": 2020,
            "template": "2019",
            "published": None,
            "is_summary": False,
            "index_number": None,
            "uscc": None,
        },
        "undeterminable": frozenset({"published"}),
        "cells": {
            "2019.T2.regulations.newlyMade": "0",
            "2019.T2.procurement.amount": "2367.4314",
            "2019.T3.granted/NP": "9",
            "2019.T3.granted/T": "9",
            "2019.T4.review.total": "",
            "2019.T2.fees.change": "/",
            "2019.T2.fees.previousYearItems": "?",
        },
        "narrative": {"narrative.activeDisclosed": Decimal(412), "narrative.requestsReceived": Decimal(3)},
    }
    values.update(overrides)
    return Expected(**values)  # type: ignore[arg-type]


def _predicted(**overrides: object) -> PredictedReport:
    values: dict[str, object] = {
        "agency": "甲市 统计局",  # spaces are ignored
        "adcode": "330800",
        "level": "prefecture",
        "kind": "statistics",
        "kind_labels": ("统计局", "统计部门"),
        "year": 2020,
        "template": "2019",
        "published": "2021-01-29",  # not scored: undeterminable
        "is_summary": True,  # wrong
        "index_number": None,
        "uscc": None,
        "cells": {
            "2019.T2.regulations.newlyMade": PredictedCell("0", R),
            "2019.T2.procurement.amount": PredictedCell("2367.43140", R),  # same number
            "2019.T3.granted/NP": PredictedCell("8", R),  # wrong, certain
            "2019.T3.granted/T": PredictedCell("9", ValueStatus.UNCERTAIN),  # flagged
            "2019.T4.review.total": PredictedCell("0", R),  # blank is not 0: wrong, certain
            # 2019.T2.fees.change missing
            "2019.T2.fees.previousYearItems": PredictedCell("35", R),  # "?" asserted
            "2019.T2.coercion.decisions": PredictedCell("1", R),  # not in the form as expected
        },
        "narrative": {
            "narrative.activeDisclosed": Decimal(412),
            "narrative.requestsReceived": Decimal(2),  # wrong value
            "narrative.feesCharged": Decimal(0),  # not stated in the report
        },
    }
    values.update(overrides)
    return PredictedReport(**values)  # type: ignore[arg-type]


def test_metadata_fields_are_scored_by_their_own_rules() -> None:
    result = score([_expected()], {"reports/x.txt": _predicted()})
    assert {k: (v.correct, v.total) for k, v in result.metadata.items()} == {
        "agency": (1, 1),
        "adcode": (1, 1),
        "level": (1, 1),
        "kind": (1, 1),
        "year": (1, 1),
        "template": (1, 1),
        "published": (0, 0),
        "is_summary": (0, 1),
        "index_number": (1, 1),
        "uscc": (1, 1),
    }
    assert [(m.field, m.expected, m.got) for m in result.metadata_misses] == [("is_summary", "False", "True")]


def test_kind_matches_a_word_inside_any_label_and_accepts_alternatives() -> None:
    gold = _expected(metadata={**_expected().metadata, "kind": ["水利", "国务院部门"]})
    hit = score([gold], {"reports/x.txt": _predicted(kind="water", kind_labels=("水利部门", "水务局"))})
    miss = score([gold], {"reports/x.txt": _predicted(kind="other", kind_labels=("其他",))})
    assert (hit.metadata["kind"].correct, miss.metadata["kind"].correct) == (1, 0)
    assert [m.got for m in miss.metadata_misses if m.field == "kind"] == ["other ['其他']"]


def test_also_acceptable_values_count_as_correct() -> None:
    gold = _expected(
        undeterminable=frozenset(),
        metadata={**_expected().metadata, "published": "2012-04-18"},
        also_acceptable={"published": ("2012-02-20",)},
    )
    result = score([gold], {"reports/x.txt": _predicted(published="2012-02-20")})
    assert (result.metadata["published"].correct, result.metadata["published"].total) == (1, 1)


def test_cells_counted_as_correct_flagged_wrong_missing_and_undeterminable() -> None:
    result = score([_expected()], {"reports/x.txt": _predicted()})
    cells = result.cells["whole"]
    assert (cells.correct, cells.flagged, cells.wrong, cells.missing) == (2, 1, 2, 1)
    assert cells.total == 6
    assert cells.accuracy == 2 / 6
    assert (cells.undeterminable_flagged, cells.undeterminable_asserted, cells.undeterminable_missing) == (
        0,
        1,
        0,
    )
    assert cells.unexpected == 1
    assert result.cells["excerpt"].total == 0
    assert sorted((m.field, m.expected, m.got) for m in result.certain_wrong) == [
        ("2019.T3.granted/NP", "9", "8 [reported]"),
        ("2019.T4.review.total", "(blank)", "0 [reported]"),
    ]


def test_blank_and_not_applicable_need_the_matching_status_value() -> None:
    gold = _expected(cells={"a.x": "", "a.y": "/", "a.z": "0"})
    guess = _predicted(
        cells={
            "a.x": PredictedCell("", ValueStatus.BLANK),
            "a.y": PredictedCell("/", ValueStatus.NOT_APPLICABLE),
            "a.z": PredictedCell("", ValueStatus.BLANK),  # 0 printed, blank claimed: wrong and certain
        }
    )
    cells = score([gold], {"reports/x.txt": guess}).cells["whole"]
    assert (cells.correct, cells.wrong) == (2, 1)


def test_excerpt_cells_are_scored_apart_and_extra_cells_are_not_unexpected() -> None:
    gold = _expected(whole=False, cells={"2019.T2.regulations.newlyMade": "0"})
    result = score([gold], {"reports/x.txt": _predicted()})
    assert result.cells["excerpt"].correct == 1
    assert result.cells["excerpt"].unexpected == 0
    assert result.cells["whole"].total == 0


def test_narrative_precision_and_recall() -> None:
    result = score([_expected()], {"reports/x.txt": _predicted()})
    n = result.narrative
    assert (n.true_positives, n.false_positives, n.false_negatives) == (1, 2, 1)
    assert n.precision == 1 / 3
    assert n.recall == 1 / 2


def test_a_file_without_prediction_scores_every_field_as_missed() -> None:
    gold = _expected()
    result = score([gold], {})
    assert result.files_without_prediction == ["reports/x.txt"]
    assert sum(f.correct for f in result.metadata.values()) == 0
    assert sum(f.total for f in result.metadata.values()) == 9  # 10 fields minus undeterminable published
    assert result.cells["whole"].missing == 6
    assert result.narrative.false_negatives == 2


def test_number_text_and_from_parsed() -> None:
    assert [number_text(v) for v in (7, Decimal("2367.43140"), Decimal("25.0"), Decimal("1E+2"))] == [
        "7",
        "2367.4314",
        "25",
        "100",
    ]
    span = Span(1, 0, 1)
    parsed = ParsedReport(
        document=DecodedDocument("x", "0" * 64, 1, InputFormat.TEXT, "utf-8", "x"),
        metadata=ReportMetadata(
            title=None,
            agency=Agency(
                "甲市统计局", "甲市统计局", "统计局", "statistics", "330800", None, Level.PREFECTURE
            ),
            year=2020,
            published=date(2021, 1, 29),
            index_number=None,
            source_url=None,
            is_summary=False,
        ),
        template=Template.FMT2019,
        cells=(
            Cell("2019.T3.granted", "NP", R, 9, "9", span),
            Cell("2019.T4.review.total", None, ValueStatus.BLANK, None, "", span),
            Cell("2019.T2.procurement.amount", None, ValueStatus.UNCERTAIN, None, "1357539", span),
        ),
        narrative=(NarrativeFigure("narrative.activeDisclosed", 412, "主动公开412条", span),),
    )
    guess = from_parsed(parsed, lambda notation: {"statistics": ["统计局"]}[notation])
    assert guess.kind_labels == ("统计局",)
    assert (guess.level, guess.template, guess.published) == ("prefecture", "2019", "2021-01-29")
    assert guess.cells == {
        "2019.T3.granted/NP": PredictedCell("9", R),
        "2019.T4.review.total": PredictedCell("", ValueStatus.BLANK),
        "2019.T2.procurement.amount": PredictedCell("?", ValueStatus.UNCERTAIN),
    }
    assert guess.narrative == {"narrative.activeDisclosed": Decimal(412)}


def test_load_expected_and_format_report(tmp_path: Path) -> None:
    gold = {
        "file": "reports/x.txt",
        "whole": True,
        "metadata": dict(_expected().metadata),
        "undeterminable": ["published"],
        "cells": {"2019.T3.granted/NP": "9"},
        "narrative": {"narrative.activeDisclosed": 412},
        "notes": "",
    }
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "x.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    [loaded] = load_expected(tmp_path)
    assert loaded.narrative == {"narrative.activeDisclosed": Decimal(412)}
    assert loaded.undeterminable == frozenset({"published"})
    text = format_report(score([loaded], {"reports/x.txt": _predicted()}))
    assert "reports/x.txt  2019.T3.granted/NP  expected 9  got 8 [reported]" in text
    assert "wrong values the converter was certain of: 1" in text
    assert "narrative  precision 33.3%  recall 100.0%" in text
