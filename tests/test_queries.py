"""The researcher queries added to docs/queries.md (6–9) return the right numbers on a small
synthetic store: reports emitted exactly as the converter writes them (tests/report_factory.py),
with the values the queries look at set by hand, and the vocabulary in its own graph."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from functools import cache

import pyoxigraph as ox
import pytest

from ogikg.converter.model import Level, ParsedReport
from ogikg.ontology import turtle_files
from ogikg.server.query_page import example_queries, queries_file
from report_factory import BLANK, emit, make_report

VOCABULARY_GRAPH = ox.NamedNode("https://example.org/ogikg-test/graph/vocabulary")
GUANGZHOU = "广州市统计局"
TIANHE = "广州市天河区统计局"
QUZHOU = "衢州市统计局"


def at_level(report: ParsedReport, level: Level) -> ParsedReport:
    agency = report.metadata.agency
    assert agency is not None
    metadata = dataclasses.replace(report.metadata, agency=dataclasses.replace(agency, level=level))
    return dataclasses.replace(report, metadata=metadata)


def reports() -> dict[str, ParsedReport]:
    """Three agencies, two of them in Guangdong (area codes 44…), one in Zhejiang (33…)."""
    guangzhou = {"agency_name": GUANGZHOU, "agency_body": "统计局", "adcode": "440100"}
    tianhe = {"agency_name": TIANHE, "agency_body": "统计局", "adcode": "440106"}
    quzhou = {"agency_name": QUZHOU, "agency_body": "统计局", "adcode": "330800"}
    refusals_2019 = {
        "2019.T3.denied.stateSecret/T": 3,
        "2019.T3.denied.lawForbidden/T": 0,
        "2019.T3.denied.safetyStability/T": 0,
        "2019.T3.denied.thirdPartyRights/T": 1,
        "2019.T3.denied.internalAffairs/T": 0,
        "2019.T3.denied.processInfo/T": 2,
        "2019.T3.denied.enforcementCase/T": 0,
        "2019.T3.denied.adminQuery/T": 0,
    }
    refusals_2021 = {key.replace("2019.", "2021.", 1): 0 for key in refusals_2019}
    # 总计 left blank: the count falls back to the applicant columns (1 + 1).
    refusals_2021["2021.T3.denied.stateSecret/T"] = BLANK  # type: ignore[assignment]
    refusals_2021.update(
        {
            "2021.T3.denied.stateSecret/NP": 1,
            "2021.T3.denied.stateSecret/C": 1,
            "2021.T3.denied.stateSecret/R": 0,
            "2021.T3.denied.stateSecret/S": 0,
            "2021.T3.denied.stateSecret/L": 0,
            "2021.T3.denied.stateSecret/O": 0,
            "2021.T3.denied.processInfo/T": 4,
        }
    )
    no_refusals = {key.replace("2019.", "2021.", 1): 0 for key in refusals_2019}
    old_refusals = {
        "old.refused.stateSecret": 0,
        "old.refused.commercialSecret": 1,
        "old.refused.privacy": 1,
        "old.refused.safetyStability": 0,
        "old.refused.notGovInfo": 0,
        "old.refused.otherLegal": 0,
    }
    return {
        # Guangzhou: 7 carried forward from 2020, only 5 arrive in 2021; 2 in 2021, blank in 2022.
        "gz2017": make_report(
            "old",
            year=2017,
            overrides={"old.active.total": 100, "old.fees": Decimal("1.5"), **old_refusals},
            narrative={"narrative.activeDisclosed": 120},  # the table wins over the prose
            **guangzhou,
        ),
        "gz2020": make_report(
            "2019",
            year=2020,
            overrides={"2019.T3.carriedForward/T": 7, **refusals_2019},
            narrative={"narrative.activeDisclosed": 40},
            **guangzhou,
        ),
        "gz2021": make_report(
            "2021",
            year=2021,
            overrides={
                "2021.T3.carriedOver/T": 5,
                "2021.T3.carriedForward/T": 2,
                "2021.T3.other.overdueFee/T": 3,
                **refusals_2021,
            },
            **guangzhou,
        ),
        "gz2022": make_report(
            "2021",
            year=2022,
            overrides={"2021.T3.carriedOver/T": BLANK, "2021.T3.other.overdueFee/T": 0, **no_refusals},
            **guangzhou,
            seed=3,
        ),
        # Tianhe (a county-level district): consistent across years, an old report without fees.
        "th2017": at_level(
            make_report(
                "old",
                year=2017,
                overrides={"old.active.total": 50, "old.fees": 0, **old_refusals},
                **tianhe,
            ),
            Level.COUNTY,
        ),
        "th2021": at_level(
            make_report(
                "2021",
                year=2021,
                overrides={
                    "2021.T3.carriedForward/T": 4,
                    "2021.T3.other.overdueFee/T": 0,
                    **no_refusals,
                },
                **tianhe,
            ),
            Level.COUNTY,
        ),
        "th2022": at_level(
            make_report(
                "2021",
                year=2022,
                overrides={"2021.T3.carriedOver/T": 4, "2021.T3.other.overdueFee/T": 0, **no_refusals},
                **tianhe,
                seed=5,
            ),
            Level.COUNTY,
        ),
        # Quzhou (Zhejiang): loses carried-forward requests too, and refuses, outside Guangdong.
        "qz2020": make_report(
            "2019",
            year=2020,
            overrides={"2019.T3.carriedForward/T": 9, **{k: 5 for k in refusals_2019}},
            narrative={"narrative.activeDisclosed": 30},
            **quzhou,
        ),
        "qz2021": make_report(
            "2021",
            year=2021,
            overrides={"2021.T3.carriedOver/T": 1, "2021.T3.other.overdueFee/T": 0},
            **quzhou,
        ),
    }


@cache
def emitted() -> dict[str, tuple[str, str]]:
    """name → (report IRI, N-Quads)."""
    result = {}
    for name, report in reports().items():
        ids, nquads = emit(report)
        result[name] = (ids.report, nquads)
    return result


@cache
def store() -> ox.Store:
    graph = ox.Store()
    for _, nquads in emitted().values():
        graph.load(nquads, format=ox.RdfFormat.N_QUADS)
    for path in turtle_files():
        graph.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=VOCABULARY_GRAPH)
    return graph


def documented(name: str) -> str:
    for example in example_queries(queries_file()):
        if example.name == name:
            return example.sparql
    raise AssertionError(f"query {name} is not in docs/queries.md")


def run(name: str) -> list[dict[str, str | None]]:
    result = store().query(documented(name), use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def report_name(iri: str | None) -> str:
    for name, (report, _) in emitted().items():
        if report == iri:
            return name
    raise AssertionError(iri)


def test_the_documented_queries_are_ten_with_eleven_marked_blocks() -> None:
    names = [example.name for example in example_queries(queries_file())]
    assert len(names) == len(set(names)) == 11
    assert names[-4:] == [
        "carried-forward-lost",
        "active-disclosure-by-level",
        "refusals-by-ground-in-province",
        "fee-charging-agencies",
    ]


def test_carried_forward_requests_that_never_arrive() -> None:
    rows = [
        (
            r["agencyName"],
            r["year"],
            r["carriedForward"],
            report_name(r["nextReport"]),
            r["carriedOverNextYear"],
            r["missing"],
        )
        for r in run("carried-forward-lost")
    ]
    # Tianhe carried 4 forward and 4 arrived: not listed. Largest loss first.
    assert rows == [
        (QUZHOU, "2020", "9", "qz2021", "1", "8"),
        (GUANGZHOU, "2020", "7", "gz2021", "5", "2"),
        (GUANGZHOU, "2021", "2", "gz2022", None, "2"),  # blank next year: nothing arrived
    ]


def test_active_disclosure_by_level_and_year() -> None:
    rows = {
        (r["levelLabel"], r["year"]): (r["reports"], r["activelyPublished"], r["perReport"])
        for r in run("active-disclosure-by-level")
    }
    assert rows == {
        ("地级", "2017"): ("1", "100", "100"),  # the table's 100, not the prose's 120
        ("县级", "2017"): ("1", "50", "50"),
        ("地级", "2020"): ("2", "70", "35"),  # prose only (2019 form): 40 + 30
    }


def test_refusals_by_ground_in_one_province() -> None:
    rows = {
        r["groundLabel"]: (r["refused"], r["allRefused"], Decimal(r["share"] or "-1"))
        for r in run("refusals-by-ground-in-province")
    }
    # Guangdong only (Quzhou's 40 refusals are not counted): gz2020 3 secret, 1 third party,
    # 2 process; gz2021 1 + 1 secret from the applicant columns (总计 blank), 4 process;
    # gz2017 and th2017 1 commercial secret + 1 privacy each, both under third-party rights.
    assert {label: counts[:2] for label, counts in rows.items() if counts[0] != "0"} == {
        "属于国家秘密": ("5", "14"),
        "保护第三方合法权益": ("5", "14"),
        "属于四类过程性信息": ("6", "14"),
    }
    assert len(rows) == 9  # the 2019/2021 grounds and the old-only 不是《条例》所指政府信息
    assert rows["属于四类过程性信息"][2] == pytest.approx(Decimal(6) / Decimal(14))
    assert rows["属于三类内部事务信息"] == ("0", "14", Decimal(0))


def test_fee_charging_agencies() -> None:
    rows = [
        (r["agencyName"], r["year"], r["feesTenThousandYuan"], r["unpaidFeeNotices"])
        for r in run("fee-charging-agencies")
    ]
    # Tianhe reported 0 fees and 0 unpaid notices; Guangzhou 2022 reported 0.
    assert rows == [(GUANGZHOU, "2017", "1.5", None), (GUANGZHOU, "2021", None, "3")]
