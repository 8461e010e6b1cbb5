"""The W3C Data Cube integrity constraints on hand-built cubes that follow the ogikg data design.

A valid cube (one report of each form generation, blank cells, a narrative figure, every report in
its own named graph) must pass IC-1 … IC-21; each deliberate defect must trip exactly the
constraint that forbids it.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ogikg import iris
from ogikg.ontology import turtle_files
from ogikg.ontology.catalogue import catalogue
from ogikg.validation.datacube import IC_IDS, check_integrity, duplicate_observation_query, normalise

QB = "http://purl.org/linked-data/cube#"
OGI = iris.VOCAB
XSD = "http://www.w3.org/2001/XMLSchema#"
TEST = "https://example.org/ogikg-test/"
NARRATIVE_CONCEPT = TEST + "narrative/requestsReceived"

# (indicator notation, applicant notation or None, value or None for a blank cell)
CELLS = {
    "old": [("old.request.received", None, 12), ("old.reply.agreed", None, 5), ("old.fees", None, None)],
    "2019": [
        ("2019.T3.newReceived", "NP", 7),
        ("2019.T3.newReceived", "T", 9),
        ("2019.T3.granted", "T", 4),
        ("2019.T2.licensing.change", None, -2),
        ("2019.T4.review.total", None, 1),
        ("2019.T3.carriedOver", "C", None),
    ],
    "2021": [
        ("2021.T3.newReceived", "T", 30),
        ("2021.T2.fees.amount", None, "12.5"),
        ("2021.T4.review.upheld", None, 0),
        ("2021.T3.other.overdueFee", "T", None),
    ],
}


def _literal(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"^^<{XSD}decimal>'
    return f'"{value}"^^<{XSD}integer>'


def report_nquads(
    generation: str, cells: list[tuple[str, str | None, object]], narrative: int | None = None
) -> str:
    """One report's named graph, written the way the converter writes it."""
    cat = catalogue()
    ids = iris.report_iris(f"test-{generation}", 2020, "0" * 64)
    graph = f"<{ids.graph}>"
    lines: list[str] = []

    def add(subject: str, predicate: str, obj: str) -> None:
        lines.append(f"<{subject}> <{predicate}> {obj} {graph} .")

    year = f'"2020"^^<{XSD}gYear>'
    add(ids.report, iris.PREFIXES["rdf"] + "type", f"<{OGI}AnnualReport>")
    add(ids.report, OGI + "template", f"<{iris.TEMPLATE}{generation}>")
    add(ids.report, OGI + "agency", f"<{ids.agency}>")
    add(ids.report, OGI + "reportYear", year)
    add(ids.dataset, iris.PREFIXES["rdf"] + "type", f"<{QB}DataSet>")
    add(ids.dataset, QB + "structure", f"<{iris.DSD}{generation}>")
    for predicate, obj in ((OGI + "report", f"<{ids.report}>"), (OGI + "agency", f"<{ids.agency}>")):
        add(ids.dataset, predicate, obj)
    add(ids.dataset, OGI + "reportYear", year)
    for notation, applicant, value in cells:
        concept = cat[notation]
        cell = ids.cell(notation, applicant)
        add(cell, iris.PREFIXES["rdf"] + "type", f"<{OGI}FormCell>")
        add(cell, OGI + "report", f"<{ids.report}>")
        add(cell, OGI + "indicator", f"<{concept.iri}>")
        add(cell, OGI + "unit", f"<{concept.unit}>")
        if generation != "old":
            app_iri = cat[applicant].iri if applicant else iris.APPLICANT + "notApplicable"
            add(cell, OGI + "applicantType", f"<{app_iri}>")
        if value is None:  # blank: a form cell, not an observation
            add(cell, OGI + "valueStatus", f"<{iris.STATUS}blank>")
        else:
            add(cell, iris.PREFIXES["rdf"] + "type", f"<{QB}Observation>")
            add(cell, QB + "dataSet", f"<{ids.dataset}>")
            add(cell, OGI + "value", _literal(value))
    if narrative is not None:
        add(ids.narrative_dataset, iris.PREFIXES["rdf"] + "type", f"<{QB}DataSet>")
        add(ids.narrative_dataset, QB + "structure", f"<{iris.DSD}narrative>")
        add(ids.narrative_dataset, OGI + "report", f"<{ids.report}>")
        add(ids.narrative_dataset, OGI + "agency", f"<{ids.agency}>")
        add(ids.narrative_dataset, OGI + "reportYear", year)
        for occurrence in (1, 2):  # the same figure stated twice: told apart by ogi:occurrence
            figure = ids.narrative("requestsReceived", occurrence)
            add(figure, iris.PREFIXES["rdf"] + "type", f"<{OGI}NarrativeFigure>")
            add(figure, iris.PREFIXES["rdf"] + "type", f"<{QB}Observation>")
            add(figure, QB + "dataSet", f"<{ids.narrative_dataset}>")
            add(figure, OGI + "report", f"<{ids.report}>")
            add(figure, OGI + "narrativeIndicator", f"<{NARRATIVE_CONCEPT}>")
            add(figure, OGI + "indicator", f"<{NARRATIVE_CONCEPT}>")
            add(figure, OGI + "occurrence", f'"{occurrence}"^^<{XSD}positiveInteger>')
            add(figure, OGI + "value", _literal(narrative))
            add(figure, OGI + "unit", f"<{iris.UNIT}jian>")
    return "\n".join(lines) + "\n"


# A narrative code list of the test's own, so the cube does not depend on narrative.ttl's contents.
NARRATIVE_CODES = f"""
<{iris.SCHEME}narrative> a <http://www.w3.org/2004/02/skos/core#ConceptScheme> .
<{NARRATIVE_CONCEPT}> a <http://www.w3.org/2004/02/skos/core#Concept> ;
    <http://www.w3.org/2004/02/skos/core#inScheme> <{iris.SCHEME}narrative> .
"""


def valid_store() -> ox.Store:
    store = ox.Store()
    for generation, cells in CELLS.items():
        narrative = 9 if generation == "2019" else None
        store.load(report_nquads(generation, cells, narrative), format=ox.RdfFormat.N_QUADS)
    vocabulary = ox.NamedNode(TEST + "graph/vocabulary")
    for path in turtle_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=vocabulary)
    store.load(NARRATIVE_CODES, format=ox.RdfFormat.TURTLE, to_graph=vocabulary)
    return store


def _only(expected: dict[str, int]) -> dict[str, int]:
    return {ic: expected.get(ic, 0) for ic in IC_IDS}


def test_valid_cube_passes_every_integrity_constraint() -> None:
    store = valid_store()
    assert check_integrity(store) == _only({})


def test_check_runs_on_a_copy() -> None:
    store = valid_store()
    before = len(store)
    check_integrity(store)
    assert len(store) == before


def test_vocabulary_can_be_added_by_the_check() -> None:
    store = ox.Store()
    for generation, cells in CELLS.items():
        store.load(report_nquads(generation, cells), format=ox.RdfFormat.N_QUADS)
    assert check_integrity(store, include_vocabulary=True) == _only({})
    # without the vocabulary there are no structures: every observation lacks its code lists,
    # and IC-1 … IC-21 have nothing to check against except the observations themselves
    bare = check_integrity(store)
    assert bare["IC-2"] == 0 and bare["IC-19"] == 0


def _flattened(store: ox.Store) -> ox.Store:
    """The store's triples, all in the default graph (normalisation works on the default graph)."""
    flat = ox.Store()
    flat.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for q in store.quads_for_pattern(None, None, None)
    )
    return flat


def test_normalisation_pushes_data_set_dimensions_to_observations() -> None:
    store = valid_store()
    store = _flattened(store)
    normalise(store)
    ids = iris.report_iris("test-2021", 2020, "0" * 64)
    observation = ox.NamedNode(ids.cell("2021.T3.newReceived", "T"))
    agency = list(store.quads_for_pattern(observation, ox.NamedNode(OGI + "agency"), None))
    year = list(store.quads_for_pattern(observation, ox.NamedNode(OGI + "reportYear"), None))
    assert [q.object for q in agency] == [ox.NamedNode(ids.agency)]
    assert [q.object.value for q in year] == ["2020"]
    # blank cells are form cells only: normalisation must not make them observations
    blank = ox.NamedNode(ids.cell("2021.T3.other.overdueFee", "T"))
    types = {
        q.object for q in store.quads_for_pattern(blank, ox.NamedNode(iris.PREFIXES["rdf"] + "type"), None)
    }
    assert types == {ox.NamedNode(OGI + "FormCell")}


IDS_2019 = iris.report_iris("test-2019", 2020, "0" * 64)
RDF_TYPE = iris.PREFIXES["rdf"] + "type"
GRAPH = f"<{IDS_2019.graph}>"


def _triples(subject: str, pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<{subject}> <{p}> {o} {GRAPH} .\n" for p, o in pairs)


def _observation(indicator: str, applicant: str, value: str | None = "3") -> list[tuple[str, str]]:
    pairs = [
        (RDF_TYPE, f"<{QB}Observation>"),
        (QB + "dataSet", f"<{IDS_2019.dataset}>"),
        (OGI + "report", f"<{IDS_2019.report}>"),
        (OGI + "indicator", f"<{indicator}>"),
        (OGI + "applicantType", f"<{iris.APPLICANT}{applicant}>"),
        (OGI + "unit", f"<{iris.UNIT}jian>"),
    ]
    if value is not None:
        pairs.append((OGI + "value", f'"{value}"^^<{XSD}integer>'))
    return pairs


DEFECTS = {
    # a second observation with the dimension values of 2019.T3.granted / 总计
    "duplicate observation": (
        _triples(TEST + "dup", _observation(iris.INDICATOR + "2019.T3.granted", "total")),
        {"IC-12": 2},
    ),
    # an observation without its measure (a blank cell wrongly typed qb:Observation)
    "missing measure": (
        _triples(TEST + "nomeasure", _observation(iris.INDICATOR + "2019.T3.partialGrant", "total", None)),
        {"IC-14": 1},
    ),
    # an indicator that is not in the code list of ogi:indicator
    "value outside the code list": (
        _triples(TEST + "outside", _observation(TEST + "not-an-indicator", "total")),
        {"IC-19": 1},
    ),
    # an applicant type that is not in scheme:applicant
    "applicant outside the code list": (
        _triples(TEST + "badapp", _observation(iris.INDICATOR + "2019.T3.notProcessed.repeat", "nobody")),
        {"IC-19": 1},
    ),
    # a table III observation without its applicant column
    "missing dimension": (
        _triples(
            TEST + "nodim",
            [
                p
                for p in _observation(iris.INDICATOR + "2019.T3.denied.stateSecret", "total")
                if "applicant" not in p[0]
            ],
        ),
        {"IC-11": 1},
    ),
    # an observation without a unit (a required attribute)
    "missing unit": (
        _triples(
            TEST + "nounit",
            [
                p
                for p in _observation(iris.INDICATOR + "2019.T3.denied.processInfo", "total")
                if "unit" not in p[0]
            ],
        ),
        {"IC-13": 1},
    ),
    # an observation in two data sets
    "two data sets": (
        _triples(
            TEST + "twosets",
            [
                *_observation(iris.INDICATOR + "2019.T3.denied.lawForbidden", "total"),
                (QB + "dataSet", f"<{TEST}other-set>"),
            ],
        )
        + _triples(TEST + "other-set", [(QB + "structure", f"<{iris.DSD}2019>")]),
        {"IC-1": 1},
    ),
    # a data set without a structure
    "data set without structure": (
        _triples(TEST + "lonely-set", [(RDF_TYPE, f"<{QB}DataSet>")]),
        {"IC-2": 1},
    ),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defect_trips_its_constraint(defect: str) -> None:
    nquads, expected = DEFECTS[defect]
    store = valid_store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    assert check_integrity(store) == _only(expected)


def test_broken_cube_reports_all_its_defects() -> None:
    store = valid_store()
    for name in ("duplicate observation", "missing measure", "value outside the code list"):
        store.load(DEFECTS[name][0], format=ox.RdfFormat.N_QUADS)
    assert check_integrity(store) == _only({"IC-12": 2, "IC-14": 1, "IC-19": 1})


def test_broken_structure_definitions_are_caught() -> None:
    store = valid_store()
    broken = f"""
    @prefix qb: <{QB}> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <{TEST}dsd> a qb:DataStructureDefinition ;                   # IC-3: no measure
        qb:component [ qb:dimension <{TEST}dim> ; qb:componentRequired false ] .   # IC-6
    <{TEST}dim> rdfs:label "a dimension without range" .           # IC-4
    <{TEST}coded> a qb:DimensionProperty ; rdfs:range skos:Concept .  # IC-5 (and it has a range)
    <{TEST}key> a qb:SliceKey .                                    # IC-7
    """
    store.load(broken, format=ox.RdfFormat.TURTLE)
    assert check_integrity(store) == _only({"IC-3": 1, "IC-4": 1, "IC-5": 1, "IC-6": 1, "IC-7": 1})


def test_hierarchical_code_lists_are_checked() -> None:
    store = valid_store()
    hierarchy = f"""
    @prefix qb: <{QB}> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix t: <{TEST}> .
    t:hdsd a qb:DataStructureDefinition ;
        qb:component [ qb:dimension t:down ], [ qb:dimension t:up ], [ qb:measure <{OGI}value> ] .
    t:down a qb:DimensionProperty ; rdfs:range skos:Concept ; qb:codeList t:list1 .
    t:up a qb:DimensionProperty ; rdfs:range skos:Concept ; qb:codeList t:list2 .
    t:list1 a qb:HierarchicalCodeList ; qb:hierarchyRoot t:root ; qb:parentChildProperty skos:narrower .
    t:list2 a qb:HierarchicalCodeList ; qb:hierarchyRoot t:root ;
        qb:parentChildProperty [ owl:inverseOf skos:broader ] .
    t:root skos:narrower t:child .
    t:child skos:broader t:root .
    t:hset a qb:DataSet ; qb:structure t:hdsd .
    t:in qb:dataSet t:hset ; t:down t:child ; t:up t:child ; <{OGI}value> 1 .
    t:out qb:dataSet t:hset ; t:down t:stray ; t:up t:stray ; <{OGI}value> 2 .
    """
    store.load(hierarchy, format=ox.RdfFormat.TURTLE)
    assert check_integrity(store) == _only({"IC-20": 1, "IC-21": 1})


def _pairwise_ic12(store: ox.Store) -> bool:
    """IC-12 exactly as the Recommendation writes it (quadratic), for comparison on small cubes."""
    ask = f"""PREFIX qb: <{QB}>
    ASK {{
      FILTER( ?allEqual )
      {{
        SELECT (MIN(?equal) AS ?allEqual) WHERE {{
            ?obs1 qb:dataSet ?dataset .
            ?obs2 qb:dataSet ?dataset .
            FILTER (?obs1 != ?obs2)
            ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty .
            ?obs1 ?dim ?value1 .
            ?obs2 ?dim ?value2 .
            BIND( ?value1 = ?value2 AS ?equal)
        }} GROUP BY ?obs1 ?obs2
      }}
    }}"""
    result = store.query(ask)
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def test_linear_ic12_agrees_with_the_recommendation() -> None:
    valid = _flattened(valid_store())
    normalise(valid)
    assert _pairwise_ic12(valid) is False
    broken = valid_store()
    broken.load(DEFECTS["duplicate observation"][0], format=ox.RdfFormat.N_QUADS)
    broken = _flattened(broken)
    normalise(broken)
    assert _pairwise_ic12(broken) is True


def test_duplicate_query_groups_by_every_dimension() -> None:
    query = duplicate_observation_query(
        "https://example.org/dsd", ["https://example.org/b", "https://example.org/a"]
    )
    assert "GROUP BY ?dataset ?v0 ?v1" in query
    assert query.index("<https://example.org/a>") < query.index("<https://example.org/b>")


# ---------------------------------------------------------------------------------------------
# Reports written by the converter's emitter
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("generation", ["old", "2019", "2021"])
def test_emitted_reports_pass_every_integrity_constraint(generation: str) -> None:
    from report_factory import emit, make_report

    _, nquads = emit(make_report(generation, overrides={}, seed=3))
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    assert check_integrity(store, include_vocabulary=True) == _only({})


def test_emitted_narrative_figures_pass_every_integrity_constraint() -> None:
    from report_factory import emit, make_report

    report = make_report(
        "2021", narrative={"narrative.requestsNew": 12, "narrative.administrativeReviews": 1}
    )
    _, nquads = emit(report)
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    # the figures are in the cube, with the dimensions of dsd:narrative
    figures = store.query(
        f"""SELECT ?indicator ?occurrence ?value WHERE {{ GRAPH ?g {{
            ?figure a <{OGI}NarrativeFigure>, <{QB}Observation> ; <{OGI}narrativeIndicator> ?indicator ;
                <{OGI}indicator> ?indicator ; <{OGI}occurrence> ?occurrence ; <{OGI}value> ?value ;
                <{QB}dataSet>/<{QB}structure> <{iris.DSD}narrative> }} }}"""
    )
    assert isinstance(figures, ox.QuerySolutions)
    assert {(row["indicator"].value, row["occurrence"].value, row["value"].value) for row in figures} == {
        (iris.INDICATOR + "narrative.requestsNew", "1", "12"),
        (iris.INDICATOR + "narrative.administrativeReviews", "1", "1"),
    }
    assert check_integrity(store, include_vocabulary=True) == _only({})
