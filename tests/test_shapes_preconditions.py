"""shape:relevantWhen: a SPARQL constraint is skipped only where it could not report anything.

The validator skips a constraint whose ASK (shape:relevantWhen) is false for a report. That is
safe only if the ASK holds whenever the constraint's query finds something; these tests run every
constraint's query directly on reports of every form generation, consistent and broken in many
ways, and check that no row is ever found where the ASK says the constraint is irrelevant.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from ogikg.validation.library import shapes_library
from ogikg.validation.shacl import build_data_store, run_constraint, validate_report
from report_factory import BLANK, OMIT, consistent_values, emit, make_report, uncertain

SHAPE = "https://w3id.org/ogikg/def/shape/"
NARRATIVE = {
    "narrative.requestsNew": 3,
    "narrative.requestsReceived": 4,
    "narrative.requestsGranted": 2,
    "narrative.administrativeLitigations": 1,
    "narrative.feesCharged": 400,
}
# Cells whose figure is raised by one (a broken sum), left blank, left out, made uncertain or of
# the wrong datatype.
RAISED = {"old": "old.review.total", "2019": "2019.T4.review.upheld", "2021": "2021.T3.newReceived/T"}
CHANGED = {
    "old": {
        "old.request.fax": OMIT,
        "old.reply.notExist": BLANK,
        "old.org.staff": Decimal("1.5"),
        "old.refused.privacy": 99,
    },
    "2019": {"2019.T3.other/NP": BLANK, "2019.T3.carriedOver/T": uncertain(7, 1)},
    "2021": {"2021.T3.granted/C": uncertain(9, 1), "2021.T2.regulations.issued": -1},
}


OGI = "https://w3id.org/ogikg/def/"
FOREIGN = {"old": "2019.T4.review.upheld", "2019": "2021.T4.review.upheld", "2021": "old.review.upheld"}


def _malformed(nquads: str, generation: str) -> str:
    """Structure broken: a cell of another generation, a second value, no applicant type, a
    narrative figure about a table indicator."""
    lines = nquads.splitlines(keepends=True)
    cell_lines = [i for i, line in enumerate(lines) if "/cell/" in line.split(" ")[0]]
    first = lines[cell_lines[0]].split(" ")[0]
    graph = lines[cell_lines[0]].rsplit(" ", 2)[-2]
    for i, line in enumerate(lines):
        subject, predicate = line.split(" ")[:2]
        if subject == first and predicate == f"<{OGI}indicator>":
            lines[i] = f"{subject} {predicate} <{OGI}indicator/{FOREIGN[generation]}> {graph} .\n"
        elif "/cell/" in subject and ".T3." in subject and predicate == f"<{OGI}applicantType>":
            lines[i] = ""  # only table III cells have applicant columns
        elif "/narrative/" in subject and predicate == f"<{OGI}indicator>":
            lines[i] = f"{subject} {predicate} <{OGI}indicator/{FOREIGN[generation]}> {graph} .\n"
    second = f'{first} <{OGI}value> "123"^^<http://www.w3.org/2001/XMLSchema#integer> {graph} .\n'
    return "".join(lines) + second


def _reports() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for generation in ("old", "2019", "2021"):
        raised = RAISED[generation]
        broken = {raised: consistent_values(generation)[raised] + 1, **CHANGED[generation]}
        for name, report in (
            ("consistent", make_report(generation)),
            ("broken", make_report(generation, overrides=broken)),
            ("narrative", make_report(generation, overrides=broken, narrative=NARRATIVE)),
        ):
            found.append((f"{generation}-{name}", emit(report)[1]))
        malformed = _malformed(emit(make_report(generation, narrative=NARRATIVE))[1], generation)
        found.append((f"{generation}-malformed", malformed))
    prose_only = emit(make_report("2021", narrative=NARRATIVE))[1]
    figures = "".join(line + "\n" for line in prose_only.splitlines() if "/cell/" not in line)
    found.append(("narrative-only", figures))
    return found


REPORTS = _reports()


def test_every_precondition_is_an_ask_about_this_report() -> None:
    library = shapes_library()
    assert set(library.preconditions) <= set(library.constraints)
    assert {iri.removeprefix(SHAPE) for iri in library.preconditions} >= {
        "SumOfParts",
        "SumOfApplicantColumns",
        "BoundOfParts",
        "Balance",
        "NarrativeFigureMatchesTable",
    }
    for ask in library.preconditions.values():
        assert "ASK {" in ask and "$this" in ask


@pytest.mark.parametrize(("name", "nquads"), REPORTS, ids=[name for name, _ in REPORTS])
def test_a_skipped_constraint_would_have_found_nothing(name: str, nquads: str) -> None:
    library = shapes_library()
    store, report = build_data_store(nquads)
    this = {ox.Variable("this"): ox.NamedNode(report)}
    skipped = 0
    for constraint_iri, ask in library.preconditions.items():
        relevant = bool(store.query(ask, use_default_graph_as_union=True, substitutions=this))
        rows = run_constraint(library.constraints[constraint_iri], store, report)
        assert relevant or not rows, (name, constraint_iri, rows[:1])
        skipped += not relevant
    # the hint does skip something on every report: bounds or the balance depend on the form
    assert skipped > 0


def test_findings_do_not_depend_on_skipping() -> None:
    """The same findings whether irrelevant constraints are skipped or run (and find nothing)."""
    library = shapes_library()
    everything = frozenset()
    for _name, nquads in REPORTS:
        skipping = validate_report(nquads)
        original = library.preconditions
        library.preconditions = {}
        try:
            running_all = validate_report(nquads)
        finally:
            library.preconditions = original
        assert sorted(map(repr, skipping.findings)) == sorted(map(repr, running_all.findings))
        assert library.shapes_graph_for(everything) is library.shapes_graph
