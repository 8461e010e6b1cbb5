"""The researcher queries of the README: exactly ten, each parsed by rdflib and by Oxigraph, read
from a checkout or from the package metadata; and queries 7–10 return the right numbers on a small
synthetic store: reports emitted exactly as the converter writes them (tests/report_factory.py),
with the values the queries look at set by hand, and the vocabulary in its own graph. (Queries 1–6
are checked on a hand-built graph in test_ontology.py.)"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from decimal import Decimal
from email.message import Message
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from ogikg import queries
from ogikg.converter.model import Level, ParsedReport
from ogikg.converter.pipeline import convert_path
from ogikg.ontology import turtle_files
from ogikg.queries import (
    ResearcherQueriesError,
    parse_researcher_queries,
    researcher_queries,
    researcher_query,
)
from ogikg.synth.samples import write_samples
from report_factory import BLANK, emit, make_report

APPLICANT_TOTAL = "https://w3id.org/ogikg/def/applicant/total"
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


def run(name: str) -> list[dict[str, str | None]]:
    result = store().query(researcher_query(name).sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def report_name(iri: str | None) -> str:
    for name, (report, _) in emitted().items():
        if report == iri:
            return name
    raise AssertionError(iri)


# -- the queries as documented ---------------------------------------------------------------------

NAMES = [
    "done-when",
    "refusal-grounds-by-year",
    "agencies-most-requests",
    "substantive-disclosure-rate",
    "review-correction-rate",
    "contradictions",
    "carried-forward-lost",
    "active-disclosure-by-level",
    "refusals-by-ground-in-province",
    "fee-charging-agencies",
    "violations",
]


def test_the_readme_has_ten_researcher_queries_and_the_quality_query() -> None:
    documented = researcher_queries()
    assert [q.name for q in documented] == NAMES  # unique, in the README's order
    assert [q.title.split(".", 1)[0] for q in documented] == [str(n) for n in range(1, 12)]
    for query in documented:
        assert query.description and "<!--" not in query.description, query.name
        assert query.sparql.startswith("PREFIX ") and "```" not in query.sparql, query.name
    assert researcher_query("review-correction-rate").title == (
        "5. Correction rate of administrative reviews (复议纠错率) by year"
    )


@pytest.mark.parametrize("name", NAMES)
def test_query_parses_with_rdflib_and_oxigraph(name: str) -> None:
    sparql = researcher_query(name).sparql
    parsed = prepareQuery(sparql).algebra
    assert parsed.name == "SelectQuery"
    result = ox.Store().query(sparql, use_default_graph_as_union=True)  # parsed, then run on nothing
    assert isinstance(result, ox.QuerySolutions)
    # both parsers read the same answer columns
    assert [v.value for v in result.variables] == [str(v) for v in parsed["PV"]]
    assert list(result) == []


def test_queries_are_read_from_the_package_metadata_outside_a_checkout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    readme = Path(__file__).resolve().parents[1] / "README.md"
    installed = Message()
    installed["Name"] = "ogikg"
    installed.set_payload(readme.read_text(encoding="utf-8"))
    monkeypatch.setattr(queries, "checkout_readme", lambda: None)
    monkeypatch.setattr(queries.metadata, "metadata", lambda name: installed)
    queries._parsed_metadata.cache_clear()
    try:
        assert [q.name for q in researcher_queries()] == NAMES
        installed.set_payload("")
        queries._parsed_metadata.cache_clear()
        with pytest.raises(ResearcherQueriesError, match="no researcher query"):
            researcher_queries()
    finally:
        queries._parsed_metadata.cache_clear()


def test_parser_titles_describes_and_rejects() -> None:
    markdown = (
        "# Title\n\n### 1. Counting things\n\nWhat it\ncounts.\n\n<!-- query: count-things -->\n"
        "```sparql\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n```\n\n```sparql\n# not marked\n```\n"
        "### (b) Another\n<!-- query: another -->\n```sparql\nASK {}\n```\n"
    )
    assert [(q.name, q.title, q.description, q.sparql) for q in parse_researcher_queries(markdown)] == [
        (
            "count-things",
            "1. Counting things",
            "What it counts.",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n",
        ),
        ("another", "(b) Another", "", "ASK {}\n"),
    ]
    with pytest.raises(ResearcherQueriesError, match="'x' is not followed by a ```sparql block"):
        parse_researcher_queries("<!-- query: x -->\ntext\n")
    with pytest.raises(ResearcherQueriesError, match="'x' is marked twice"):
        parse_researcher_queries("<!-- query: x -->\n```sparql\nASK {}\n```\n" * 2)


# -- queries 7–10 on converter output ------------------------------------------------------------


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


# -- every query on the bundled samples ------------------------------------------------------------


@cache
def samples() -> tuple[ox.Store, dict[str, dict]]:
    """The bundled samples converted and loaded with the vocabulary: (store, report IRI → truth)."""
    graph, truths = ox.Store(), {}
    with tempfile.TemporaryDirectory() as folder:
        for path in write_samples(Path(folder)):
            truth = json.loads((Path(folder) / "truth" / (path.stem + ".json")).read_text(encoding="utf-8"))
            ids, nquads = emit(convert_path(path))
            graph.load(nquads, format=ox.RdfFormat.N_QUADS)
            truths[ids.report] = {**truth, "sample": path.name}
    for turtle in turtle_files():
        graph.load(path=str(turtle), format=ox.RdfFormat.TURTLE, to_graph=VOCABULARY_GRAPH)
    return graph, truths


def on_samples(name: str) -> list[dict[str, str | None]]:
    result = samples()[0].query(researcher_query(name).sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def truth_value(truth: dict, key: str) -> Decimal | None:
    cell = truth["cells"].get(key)
    return Decimal(cell["value"]) if cell else None


def test_granted_partial_and_refused_of_every_sample() -> None:
    _, truths = samples()
    rows = on_samples("done-when")
    forms = {r["report"]: r["form"] for r in rows}
    assert forms == {report: truth["template"] for report, truth in truths.items()}
    granted = {r["report"]: r["granted"] for r in rows}
    for report, truth in truths.items():
        generation = truth["template"]
        if generation == "narrative":
            expected = None
        elif generation == "old":  # 属于已主动公开范围数 counts as granted, as in the 2019 form
            agreed = truth_value(truth, "old.reply.agreed") or 0
            expected = str(agreed + (truth_value(truth, "old.reply.alreadyPublic") or 0))
        else:
            expected = str(truth_value(truth, f"{generation}.T3.granted/T"))
        assert granted[report] == expected, truth["sample"]


def test_requests_received_per_agency_on_the_samples() -> None:
    _, truths = samples()
    expected = set()
    for truth in truths.values():
        key = (
            "old.request.received" if truth["template"] == "old" else f"{truth['template']}.T3.newReceived/T"
        )
        # a people's government reports for all its departments (a summary): left out
        if truth["template"] != "narrative" and truth["kind"] != "government":
            expected.add((truth["agency"], str(truth["year"]), str(truth_value(truth, key))))
    rows = on_samples("agencies-most-requests")
    assert {(r["agencyName"], r["year"], r["requestsReceived"]) for r in rows} == expected
    assert len(rows) == len(expected) == 5
    assert rows[0]["requestsReceived"] == "339"  # the largest first


def test_the_planted_contradictions_of_the_samples_are_found() -> None:
    _, truths = samples()
    rows = [
        (truths[r["report"] or ""]["sample"], r["rule"], r["applicantType"], r["left"], r["right"])
        for r in on_samples("contradictions")
    ]
    # sample 6 states 263 new requests in its prose, 260 in table III; sample 3 prints 211 for
    # （七）总计 where 201 were concluded, which breaks the balance of its 总计 column
    assert sorted(rows) == [
        ("sample-03-2020-2019-cells.txt", "I1", APPLICANT_TOTAL, "201", "211"),
        ("sample-06-2023-2021-pipe-traditional.txt", "I9", None, "263", "260"),
    ]


def test_review_correction_rate_and_fees_on_the_samples() -> None:
    _, truths = samples()
    reviews: dict[str, list[Decimal]] = {}
    fees = set()
    for truth in truths.values():
        generation, year = truth["template"], str(truth["year"])
        row = "old.review" if generation == "old" else f"{generation}.T4.review"
        parts = [truth_value(truth, f"{row}.{part}") for part in ("upheld", "corrected", "other")]
        if generation != "narrative":
            sums = reviews.setdefault(year, [Decimal(0), Decimal(0)])
            sums[0] += parts[1] or 0
            sums[1] += sum(p or 0 for p in parts)
        paid = truth_value(truth, "old.fees")
        unpaid = truth_value(truth, "2021.T3.other.overdueFee/T")
        if paid:
            fees.add((truth["agency"], year, str(paid), None))
        if unpaid:
            fees.add((truth["agency"], year, None, str(unpaid)))
    rates = {r["year"]: (r["corrected"], r["concluded"]) for r in on_samples("review-correction-rate")}
    assert rates == {year: (str(c), str(n)) for year, (c, n) in reviews.items() if n > 0}
    assert len(fees) >= 2
    fee_rows = on_samples("fee-charging-agencies")
    assert {
        (r["agencyName"], r["year"], r["feesTenThousandYuan"], r["unpaidFeeNotices"]) for r in fee_rows
    } == fees
    assert len(fee_rows) == len(fees)  # one row per agency and year, however its name is stored
