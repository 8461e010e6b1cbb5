"""A small on-disk store of synthetic reports for the page, dump and browser tests.

Four reports, every form generation, all converted by the real emitter and validated by the real
validator (their quality graphs are loaded too), plus the vocabulary in its own graph:

- 衢州市统计局: 2017 (old table), 2020 (2019 form), 2022 (2021 form, with a broken 表三 total,
  an uncertain reading, a blank and a "/" cell, and figures stated in the prose);
- 杭州市财政局: 2022 (2021 form).

``SiteData`` holds what the tests assert against, read from the synthetic reports themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from ogikg import iris
from ogikg.converter.model import ParsedReport
from ogikg.ontology import turtle_files
from ogikg.validation.quality import quality_nquads
from ogikg.validation.shacl import validate_report
from report_factory import BLANK, NOT_APPLICABLE, cell_values, emit, make_report, uncertain

VOCABULARY_GRAPH = "graph/vocabulary"
BROKEN_CELL = "2021.T3.totalProcessed/NP"
UNCERTAIN_CELL = "2021.T3.denied.stateSecret/C"
BLANK_CELL = "2021.T3.denied.lawForbidden/R"
NA_CELL = "2021.T3.denied.safetyStability/S"


@dataclass
class SiteReport:
    report: ParsedReport
    iri: str
    agency: str
    graph: str
    quality_graph: str
    values: dict[str, int | Decimal]
    graph_quads: int = 0
    violations: int = 0


@dataclass
class SiteData:
    reports: list[SiteReport] = field(default_factory=list)
    quads: int = 0
    graphs: int = 0

    @property
    def main(self) -> SiteReport:
        """The 2022 report of 衢州市统计局 (2021 form, with the broken total)."""
        return self.reports[2]

    @property
    def agency(self) -> str:
        return self.reports[0].agency


def _reports() -> list[ParsedReport]:
    first = make_report("old", year=2017, seed=1)
    second = make_report("2019", year=2020, seed=2)
    third = make_report(
        "2021",
        year=2022,
        seed=3,
        values={"2021.T3.newReceived/NP": 40},
        overrides={
            BROKEN_CELL: 999,
            UNCERTAIN_CELL: uncertain(3, 8),
            BLANK_CELL: BLANK,
            NA_CELL: NOT_APPLICABLE,
        },
        narrative={"narrative.requestsNew": 46, "narrative.activeDisclosed": 1234},
    )
    other = make_report(
        "2021", year=2022, seed=4, agency_name="杭州市财政局", agency_body="财政局", adcode="330100"
    )
    return [first, second, third, other]


def build_site_store(path: Path) -> SiteData:
    """Create the store at ``path`` and return what it holds."""
    store = ox.Store(str(path))
    data = SiteData()
    for report in _reports():
        ids, nquads = emit(report)
        store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        findings = validate_report(nquads.encode("utf-8"))
        store.load(quality_nquads(findings).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        data.reports.append(
            SiteReport(
                report=report,
                iri=ids.report,
                agency=ids.agency,
                graph=ids.graph,
                quality_graph=ids.quality_graph,
                values=cell_values(report),
                # the report's own graph; its agency's and area's lines go to graphs of their own
                graph_quads=sum(1 for line in nquads.splitlines() if line.endswith(f"<{ids.graph}> .")),
                violations=findings.violations,
            )
        )
    vocabulary = ox.NamedNode(iris.data_base() + VOCABULARY_GRAPH)
    for turtle in turtle_files():
        with open(turtle, "rb") as handle:
            store.extend(
                ox.Quad(t.subject, t.predicate, t.object, vocabulary)
                for t in ox.parse(handle, format=ox.RdfFormat.TURTLE)
            )
    store.flush()
    data.quads = len(store)
    data.graphs = sum(1 for _ in store.named_graphs())
    del store
    return data
