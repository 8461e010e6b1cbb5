"""The vocabulary as a public contract: it loads, every term is labelled and defined in both
languages, the catalogue is complete and linked across generations and to the law, and the
researcher queries of the README return the right numbers on a hand-built graph."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ogikg import iris
from ogikg.ontology import load_graph, turtle_files
from ogikg.ontology.catalogue import catalogue
from ogikg.ontology.docs import anchor, render_docs, render_term, term_turtle
from ogikg.queries import researcher_query
from ogikg.shapes import quality_terms_file

OGI = rdflib.Namespace(iris.VOCAB)
IND = rdflib.Namespace(iris.INDICATOR)
FORM = rdflib.Namespace(iris.VOCAB + "form/")
OUTCOME = rdflib.Namespace(iris.OUTCOME)
SCHEME = rdflib.Namespace(iris.SCHEME)
QB = rdflib.Namespace("http://purl.org/linked-data/cube#")
ELI = rdflib.Namespace("http://data.europa.eu/eli/ontology#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
LAW2019 = iris.ELI + "cn/sc-decree/2019/711"
LAW2007 = iris.ELI + "cn/sc-decree/2007/492"
SITE = "https://w3id.org/ogikg/"
LABEL_LANGUAGES = ("zh-hans", "en")
# The rdf:type objects that declare a class or a property.
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.AnnotationProperty)


@cache
def vocabulary() -> rdflib.Graph:
    return load_graph()


@cache
def file_graph(name: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(next(p for p in turtle_files() if p.name == name), format="turtle")
    return graph


def local(term: rdflib.term.Node) -> str:
    return str(term).rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", turtle_files(), ids=lambda p: p.name)
def test_every_file_loads_in_rdflib_and_pyoxigraph(path: Path) -> None:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    with open(path, "rb") as handle:
        triples = list(ox.parse(handle, format=ox.RdfFormat.TURTLE))
    assert len(graph) > 0
    assert len(set(triples)) == len(graph)


def test_the_files_this_vocabulary_needs_are_present() -> None:
    names = {p.name for p in turtle_files()}
    assert {
        "core.ttl",
        "law.ttl",
        "outcomes.ttl",
        "mappings.ttl",
        "definitions.ttl",
        "rules.ttl",
        "cube.ttl",
        "dataset.ttl",
        "catalogue-old.ttl",
        "catalogue-2019.ttl",
        "catalogue-2021.ttl",
        "applicants.ttl",
        "units.ttl",
    } <= names


def test_whole_vocabulary_loads_into_one_store() -> None:
    store = ox.Store()
    for path in turtle_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(store) >= len(vocabulary()) - 10  # rdflib and oxigraph agree up to blank-node copies
    ontology = store.query("ASK { <https://w3id.org/ogikg/def/> a <http://www.w3.org/2002/07/owl#Ontology> }")
    assert bool(ontology)


def test_ontology_header() -> None:
    graph = vocabulary()
    header = rdflib.URIRef(iris.VOCAB)
    assert (header, RDF.type, OWL.Ontology) in graph
    assert str(graph.value(header, OWL.versionInfo))
    assert graph.value(header, rdflib.URIRef("http://purl.org/dc/terms/license")) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(graph.value(header, rdflib.URIRef("http://purl.org/dc/terms/creator"))) == "ogikg"
    imports = {str(o) for o in graph.objects(header, OWL.imports)}
    assert {
        "http://purl.org/linked-data/cube",
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/ns/dcat#",
    } <= imports


# ---------------------------------------------------------------------------------------------
# Labels and definitions
# ---------------------------------------------------------------------------------------------


def terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    """Every class, property, concept scheme and concept of the ogikg namespaces in a graph."""
    found: set[rdflib.URIRef] = set()
    for cls in (*DECLARATIONS, SKOS.Concept, SKOS.ConceptScheme):
        found |= {s for s in graph.subjects(RDF.type, cls) if isinstance(s, rdflib.URIRef)}
    found |= {s for s in graph.subjects(SKOS.inScheme, None) if isinstance(s, rdflib.URIRef)}
    return {t for t in found if str(t).startswith(SITE)}


def languages(graph: rdflib.Graph, term: rdflib.URIRef, predicates: tuple[rdflib.URIRef, ...]) -> set[str]:
    return {
        (o.language or "").lower()
        for p in predicates
        for o in graph.objects(term, p)
        if isinstance(o, rdflib.Literal)
    }


def test_every_term_has_exactly_one_chinese_and_one_english_label() -> None:
    graph = vocabulary()
    problems = []
    for term in terms(graph):
        # skos:prefLabel for concepts, rdfs:label for classes and properties: one name per language
        counts = Counter(
            (o.language or "").lower()
            for p in (SKOS.prefLabel, RDFS.label)
            for o in graph.objects(term, p)
            if isinstance(o, rdflib.Literal)
        )
        problems += [f"{term} @{lang}: {counts[lang]}" for lang in LABEL_LANGUAGES if counts[lang] != 1]
        preferred = Counter((o.language or "").lower() for o in graph.objects(term, SKOS.prefLabel))
        problems += [f"{term} prefLabel @{lang}: {n}" for lang, n in preferred.items() if n > 1]
    assert not problems, sorted(problems)[:20]


def test_every_term_has_chinese_and_english_definitions() -> None:
    graph = vocabulary()
    checked = terms(graph)
    missing = sorted(
        str(t) for t in checked if not set(LABEL_LANGUAGES) <= languages(graph, t, (SKOS.definition,))
    )
    assert len(checked) > 500
    assert not missing, missing[:20]


def test_the_code_lists_read_by_the_converter_are_defined_term_by_term() -> None:
    graph = vocabulary()
    for file_name, scheme, classes, count in (
        ("agency-kinds.ttl", SCHEME["agency-kind"], (OGI.AgencyKind, SKOS.Concept), 36),
        ("narrative.ttl", SCHEME.narrative, (OGI.NarrativeIndicator, SKOS.Concept), 11),
    ):
        members = set(file_graph(file_name).subjects(SKOS.inScheme, scheme))
        assert len(members) == count, file_name
        untyped = sorted(local(m) for m in members for c in classes if (m, RDF.type, c) not in graph)
        assert not untyped, (file_name, untyped)
        assert set(graph.objects(scheme, SKOS.hasTopConcept)) == members, file_name


def test_every_class_and_property_is_declared_once_in_core() -> None:
    # the quality-graph terms live with the shapes; they must not re-declare vocabulary terms either
    sources = [(path.name, file_graph(path.name)) for path in turtle_files()]
    sources.append((quality_terms_file().name, rdflib.Graph().parse(quality_terms_file(), format="turtle")))
    declared_in: dict[rdflib.URIRef, set[str]] = defaultdict(set)
    for name, graph in sources:
        for cls in DECLARATIONS:
            for term in graph.subjects(RDF.type, cls):
                if str(term).startswith(SITE):
                    declared_in[term].add(name)
    twice = sorted(f"{local(t)}: {sorted(files)}" for t, files in declared_in.items() if len(files) > 1)
    assert not twice, twice
    # the terms the converter's code lists use are declared with the rest of the vocabulary
    moved = ("NarrativeIndicator", "textPattern", "zeroPattern", "comparableWith", "comparableApplicant")
    moved += ("comparisonFactor", "unit", "centralNamePattern", "impliesLevel")
    assert {local(t) for t, files in declared_in.items() if files == {"core.ttl"}} >= set(moved)


def test_declared_domains_and_ranges_hold_in_the_vocabulary() -> None:
    """Every use of a core property within the vocabulary respects its ogikg domain and range."""
    graph = vocabulary()
    core = file_graph("core.ttl")
    wrong = []
    for prop, domain in core.subject_objects(RDFS.domain):
        wrong += [
            (local(prop), str(s)) for s in graph.subjects(prop, None) if (s, RDF.type, domain) not in graph
        ]
    for prop, range_ in core.subject_objects(RDFS.range):
        if str(range_).startswith(SITE):
            wrong += [
                (local(prop), str(o)) for o in graph.objects(None, prop) if (o, RDF.type, range_) not in graph
            ]
    assert not wrong, wrong[:20]


# ---------------------------------------------------------------------------------------------
# Indicator catalogue
# ---------------------------------------------------------------------------------------------


def indicators(graph: rdflib.Graph, scheme: str | None = None, cls: rdflib.URIRef = OGI.Indicator) -> set:
    found = set(graph.subjects(RDF.type, cls))
    if scheme:
        found &= set(graph.subjects(SKOS.inScheme, SCHEME[scheme]))
    return found


@pytest.mark.parametrize(("scheme", "printed", "derived"), [("old", 77, 0), ("2019", 60, 5), ("2021", 50, 6)])
def test_indicator_counts_per_generation(scheme: str, printed: int, derived: int) -> None:
    graph = vocabulary()
    assert len(indicators(graph, scheme)) == printed
    assert len(indicators(graph, scheme, OGI.DerivedIndicator)) == derived
    # every indicator of a generation is also a code of the union code list of ogi:indicator
    assert indicators(graph, scheme) <= indicators(graph, "indicators")


def test_every_indicator_has_one_notation_unit_and_datatype() -> None:
    graph = vocabulary()
    problems = []
    for ind in indicators(graph):
        for prop in (SKOS.notation, OGI.unit, OGI.datatype):
            if len(set(graph.objects(ind, prop))) != 1:
                problems.append(f"{local(ind)} {local(prop)}")
        if str(ind) != iris.INDICATOR + str(graph.value(ind, SKOS.notation)):
            problems.append(f"{ind} IRI differs from its notation")
        unit = graph.value(ind, OGI.unit)
        if (unit, RDF.type, OGI.Unit) not in graph:
            problems.append(f"{local(ind)} unit {unit} is not an ogi:Unit")
    assert not problems, problems


def test_notations_are_unique_within_each_scheme_and_across_the_catalogue() -> None:
    graph = vocabulary()
    by_scheme: dict[str, Counter[str]] = defaultdict(Counter)
    for concept, scheme in graph.subject_objects(SKOS.inScheme):
        for notation in graph.objects(concept, SKOS.notation):
            by_scheme[str(scheme)][str(notation)] += 1
    duplicates = [(s, n) for s, counts in by_scheme.items() for n, c in counts.items() if c > 1]
    assert not duplicates, duplicates
    catalogue_notations = Counter(
        str(n)
        for s, n in graph.subject_objects(SKOS.notation)
        if str(s).startswith((iris.INDICATOR, iris.VOCAB + "form/"))
    )
    assert [n for n, c in catalogue_notations.items() if c > 1] == []


LINKS = (OGI.sumOf, OGI.atMostSumOf, OGI.atLeastSumOf, OGI.leftTerm, OGI.rightTerm, OGI.correspondsToSumOf)


def test_every_arithmetic_link_points_to_a_described_indicator() -> None:
    graph = vocabulary()
    dangling = [
        (local(s), local(p), str(o))
        for p in (*LINKS, OGI.comparableWith, OGI.requestOutcome, OGI.reviewOutcome)
        for s, o in graph.subject_objects(p)
        if (o, RDF.type, None) not in graph
    ]
    assert not dangling, dangling


def test_every_total_names_its_parts() -> None:
    graph = vocabulary()
    totals = [
        ind
        for ind in indicators(graph) | indicators(graph, cls=OGI.DerivedIndicator)
        if str(graph.value(ind, SKOS.notation)).rsplit(".", 1)[-1] in ("total", "totalProcessed")
        or (ind, RDF.type, OGI.DerivedIndicator) in graph
    ]
    without_parts = [local(t) for t in totals if not any(graph.value(t, p) for p in LINKS[:3])]
    assert len(totals) >= 24
    assert not without_parts, without_parts


def test_every_sum_rule_is_a_rule() -> None:
    graph = vocabulary()
    for prop in (OGI.sumRule, OGI.boundRule, OGI.rule, OGI.correspondenceRule):
        for rule in graph.objects(None, prop):
            assert (rule, RDF.type, OGI.ArithmeticRule) in graph, rule


def test_catalogue_loader_reads_the_whole_vocabulary() -> None:
    cat = catalogue()
    assert cat["2021.T3.granted"].legal_basis == [
        LAW2019 + "/art_36/item_1",
        LAW2019 + "/art_36/item_2",
    ] or set(cat["2021.T3.granted"].legal_basis) == {LAW2019 + "/art_36/item_1", LAW2019 + "/art_36/item_2"}
    assert cat["2019.T2.B1"].legal_basis == [LAW2019 + "/art_20/item_1"]
    assert len(cat.indicators("2021")) == 50


# ---------------------------------------------------------------------------------------------
# Cross-generation links
# ---------------------------------------------------------------------------------------------

UNCHANGED_T3 = [
    "newReceived",
    "carriedOver",
    "granted",
    "partialGrant",
    "denied.stateSecret",
    "denied.adminQuery",
    "unableToProvide.noInfo",
    "notProcessed.confirmInfo",
    "totalProcessed",
    "carriedForward",
]


@pytest.mark.parametrize("row", UNCHANGED_T3)
def test_unchanged_table_iii_rows_are_exact_matches(row: str) -> None:
    graph = vocabulary()
    assert (IND[f"2019.T3.{row}"], SKOS.exactMatch, IND[f"2021.T3.{row}"]) in graph
    assert (IND[f"2021.T3.{row}"], SKOS.exactMatch, IND[f"2019.T3.{row}"]) in graph


def test_every_table_iv_cell_is_an_exact_match() -> None:
    graph = vocabulary()
    cells_2019 = {str(i) for i in indicators(graph, "2019") if ".T4." in str(i)}
    assert len(cells_2019) == 15
    for cell in cells_2019:
        assert (rdflib.URIRef(cell), SKOS.exactMatch, rdflib.URIRef(cell.replace("2019.", "2021."))) in graph


def test_other_handling_of_2019_is_the_sum_of_the_three_2021_rows() -> None:
    graph = vocabulary()
    parts = set(graph.objects(IND["2019.T3.other"], OGI.correspondsToSumOf))
    assert parts == {
        IND["2021.T3.other.overdueCorrection"],
        IND["2021.T3.other.overdueFee"],
        IND["2021.T3.other.otherReasons"],
    }
    assert graph.value(IND["2019.T3.other"], OGI.correspondenceRule) == rdflib.URIRef(iris.RULE + "I11")
    assert set(graph.objects(IND["2021.T3.other"], OGI.sumOf)) == parts


def test_format_specific_quantities_stay_apart() -> None:
    graph = vocabulary()
    fee_items = IND["2019.T2.fees.previousYearItems"]
    fee_money = IND["2021.T2.fees.amount"]
    linked = {o for p, o in graph.predicate_objects(fee_items) if str(p).startswith(str(SKOS))}
    assert fee_money not in linked and not any(o for o in linked if "2021" in str(o))
    assert graph.value(fee_items, OGI.unit) != graph.value(fee_money, OGI.unit)
    # the 2019 columns of item (1) are related to, not the same as, the 2021 ones
    assert (
        IND["2019.T2.regulations.publishedTotal"],
        SKOS.relatedMatch,
        IND["2021.T2.regulations.inForce"],
    ) in graph
    assert (IND["2019.T2.regulations.publishedTotal"], SKOS.exactMatch, None) not in graph


OLD_REPLIES = {
    "old.reply.alreadyPublic": ("granted", SKOS.broadMatch),
    "old.reply.agreed": ("granted", SKOS.closeMatch),
    "old.reply.partial": ("partialGrant", SKOS.closeMatch),
    "old.reply.refused": ("denied", SKOS.closeMatch),
    "old.reply.notThisAgency": ("unableToProvide.noInfo", SKOS.broadMatch),
    "old.reply.notExist": ("unableToProvide.noInfo", SKOS.broadMatch),
    "old.reply.amend": ("amendRequested", SKOS.closeMatch),
    "old.reply.otherChannel": ("referredElsewhere", SKOS.closeMatch),
    "old.refused.stateSecret": ("denied.stateSecret", SKOS.closeMatch),
    "old.refused.commercialSecret": ("denied.thirdPartyRights", SKOS.broadMatch),
    "old.refused.privacy": ("denied.thirdPartyRights", SKOS.broadMatch),
    "old.refused.safetyStability": ("denied.safetyStability", SKOS.closeMatch),
    "old.refused.notGovInfo": ("denied.notGovInfo", SKOS.closeMatch),
    "old.refused.otherLegal": ("denied.lawForbidden", SKOS.closeMatch),
}


def test_every_old_reply_row_reaches_a_request_outcome() -> None:
    graph = vocabulary()
    reply_rows = {
        local(s)
        for parent in (IND["old.reply.total"], IND["old.reply.refused"])
        for s in graph.subjects(SKOS.broader, parent)
    }
    assert reply_rows == set(OLD_REPLIES)
    for row, (code, match) in OLD_REPLIES.items():
        assert graph.value(IND[row], OGI.requestOutcome) == OUTCOME[code], row
        assert (IND[row], match, OUTCOME[code]) in graph, row
        assert (OUTCOME[code], RDF.type, OGI.RequestOutcome) in graph


def outcome_rows(graph: rdflib.Graph, generation: str) -> set:
    """The printed rows of 三、本年度办理结果 except （七）总计: the rows that count an outcome."""
    total = IND[f"{generation}.T3.totalProcessed"]
    return set(graph.objects(total, OGI.sumOf))


@pytest.mark.parametrize(("generation", "rows"), [("2019", 19), ("2021", 21)])
def test_every_new_outcome_row_reaches_a_request_outcome_and_an_article(generation: str, rows: int) -> None:
    graph = vocabulary()
    law = file_graph("law.ttl")
    found = outcome_rows(graph, generation)
    assert len(found) == rows
    for row in found:
        outcome = graph.value(row, OGI.requestOutcome)
        assert (outcome, RDF.type, OGI.RequestOutcome) in graph, row
        bases = set(graph.objects(row, OGI.legalBasis))
        assert bases, row
        for basis in bases:
            assert (basis, RDF.type, OGI.LegalProvision) in law, basis
            assert str(basis).startswith(LAW2019 + "/art_")


EXPECTED_BASES = {
    "denied.stateSecret": ({"art_14"}, set()),
    "denied.thirdPartyRights": ({"art_15", "art_32"}, set()),
    "denied.internalAffairs": ({"art_16/par_1"}, set()),
    "denied.processInfo": ({"art_16/par_2"}, set()),
    "denied.adminQuery": (set(), {"art_36/item_7"}),
    "unableToProvide.noInfo": ({"art_36/item_4", "art_36/item_5"}, set()),
    "unableToProvide.needCreation": ({"art_38"}, set()),
    "unableToProvide.unclear": ({"art_30"}, set()),
    "notProcessed.complaint": ({"art_39/par_1"}, set()),
    "notProcessed.repeat": ({"art_36/item_6"}, set()),
    "notProcessed.publication": ({"art_39/par_2"}, set()),
    "notProcessed.massiveRequests": ({"art_35"}, set()),
    "notProcessed.confirmInfo": (set(), {"art_2", "art_38"}),
    "granted": ({"art_36/item_1", "art_36/item_2"}, set()),
    "partialGrant": ({"art_37"}, set()),
}


@pytest.mark.parametrize("row", sorted(EXPECTED_BASES))
def test_outcome_rows_rest_on_the_articles_of_the_domain_reference(row: str) -> None:
    graph = vocabulary()
    derived, interpretive = EXPECTED_BASES[row]
    for subject in (IND[f"2019.T3.{row}"], IND[f"2021.T3.{row}"], OUTCOME[row]):
        assert {str(o)[len(LAW2019) + 1 :] for o in graph.objects(subject, OGI.derivedLegalBasis)} == derived
        assert {
            str(o)[len(LAW2019) + 1 :] for o in graph.objects(subject, OGI.interpretiveLegalBasis)
        } == interpretive


def test_table_ii_blocks_state_their_article_20_item() -> None:
    graph = vocabulary()
    law = file_graph("law.ttl")
    blocks = list(graph.subjects(RDF.type, OGI.FormBlock))
    assert len(blocks) == 9
    for block in blocks:
        item = local(block).rsplit(".B", 1)[-1]
        expected = rdflib.URIRef(f"{LAW2019}/art_20/item_{item}")
        assert set(graph.objects(block, OGI.legalBasis)) == {expected}
        assert set(graph.objects(block, OGI.statedLegalBasis)) == {expected}
        assert (expected, RDF.type, OGI.LegalProvision) in law


def test_legal_basis_is_always_stated_with_how_it_is_known() -> None:
    graph = vocabulary()
    kinds = (OGI.statedLegalBasis, OGI.derivedLegalBasis, OGI.interpretiveLegalBasis)
    for subject, basis in graph.subject_objects(OGI.legalBasis):
        assert any((subject, k, basis) in graph for k in kinds), (subject, basis)
    for kind in kinds:
        for subject, basis in graph.subject_objects(kind):
            assert (subject, OGI.legalBasis, basis) in graph, (subject, basis)
        assert (kind, RDFS.subPropertyOf, OGI.legalBasis) in graph


def test_review_outcomes_cover_table_iv_and_the_old_rows() -> None:
    graph = vocabulary()
    review = rdflib.Namespace(iris.VOCAB + "review-outcome/")
    assert graph.value(IND["2021.T4.litigationAfterReview.corrected"], OGI.reviewOutcome) == review.corrected
    assert graph.value(IND["old.review.upheld"], OGI.reviewOutcome) == review.upheld
    assert (IND["2019.T4.review.total"], OGI.reviewOutcome, None) not in graph


# ---------------------------------------------------------------------------------------------
# Legal provisions
# ---------------------------------------------------------------------------------------------


def test_legal_provisions_have_eli_iris_down_to_items() -> None:
    law = file_graph("law.ttl")
    provisions = {str(s) for s in law.subjects(RDF.type, OGI.LegalProvision)}
    expected = {f"{LAW2019}/art_20/item_{n}" for n in range(1, 16)}
    expected |= {f"{LAW2019}/art_50/item_{n}" for n in range(1, 6)}
    expected |= {f"{LAW2019}/art_{n}" for n in (14, 15, 16, 20, 30, 32, 35, 36, 37, 38, 39, 42, 49, 50)}
    expected |= {f"{LAW2019}/art_16/par_{n}" for n in (1, 2)} | {f"{LAW2019}/art_39/par_{n}" for n in (1, 2)}
    expected |= {f"{LAW2007}/art_{n}" for n in (9, 10, 11, 12, 31, 32)}
    expected |= {f"{LAW2007}/art_32/item_{n}" for n in range(1, 7)}
    assert expected <= provisions
    for provision in provisions:
        subject = rdflib.URIRef(provision)
        parent = law.value(subject, ELI.is_part_of)
        assert parent is not None and (parent, ELI.has_part, subject) in law
        assert (subject, RDF.type, ELI.LegalResourceSubdivision) in law
        assert languages(law, subject, (RDFS.label,)) >= {"zh-hans", "en"}


def test_the_two_versions_of_the_regulations() -> None:
    law = file_graph("law.ttl")
    new, old = rdflib.URIRef(LAW2019), rdflib.URIRef(LAW2007)
    assert str(law.value(new, ELI.first_date_entry_in_force)) == "2019-05-15"
    assert str(law.value(old, ELI.first_date_entry_in_force)) == "2008-05-01"
    assert str(law.value(old, ELI.date_no_longer_in_force)) == "2019-05-14"
    assert str(law.value(new, ELI.id_local)) == "国务院令第711号"
    assert str(law.value(rdflib.URIRef(LAW2007 + "/art_31"), OGI.text)).startswith(
        "各级行政机关应当在每年3月31日前"
    )


# ---------------------------------------------------------------------------------------------
# Rules and the Data Cube structures
# ---------------------------------------------------------------------------------------------

SEVERITIES = {
    **dict.fromkeys(["I1", "I2", "I3", "I4", "I5", "I10", "O1", "O2", "O3", "O4", "O5", "O8"], SH.Violation),
    **dict.fromkeys(["I6", "I7", "I8", "I9", "I11", "O6", "O7"], SH.Warning),
    "I12": SH.Info,
}


def test_rules_and_their_severities() -> None:
    graph = vocabulary()
    rules = {str(graph.value(r, OGI.ruleId)): r for r in graph.subjects(RDF.type, OGI.ArithmeticRule)}
    assert set(rules) == set(SEVERITIES)
    for rule_id, rule in rules.items():
        assert str(rule) == iris.RULE + rule_id
        assert graph.value(rule, OGI.severity) == SEVERITIES[rule_id], rule_id
        assert graph.value(rule, rdflib.URIRef("http://purl.org/dc/terms/source")) is not None


DIMENSIONS = {
    "old": {"report", "agency", "reportYear", "indicator"},
    "2019": {"report", "agency", "reportYear", "indicator", "applicantType"},
    "2021": {"report", "agency", "reportYear", "indicator", "applicantType"},
    "narrative": {"report", "agency", "reportYear", "narrativeIndicator", "occurrence"},
}


@pytest.mark.parametrize("generation", sorted(DIMENSIONS))
def test_data_structure_definitions(generation: str) -> None:
    graph = vocabulary()
    dsd = rdflib.URIRef(iris.DSD + generation)
    components = list(graph.objects(dsd, QB.component))
    dimensions = {local(graph.value(c, QB.dimension)) for c in components if graph.value(c, QB.dimension)}
    measures = {local(graph.value(c, QB.measure)) for c in components if graph.value(c, QB.measure)}
    attributes = {local(graph.value(c, QB.attribute)) for c in components if graph.value(c, QB.attribute)}
    assert dimensions == DIMENSIONS[generation]
    assert measures == {"value"}
    assert {"unit"} <= attributes
    attached = {
        local(graph.value(c, QB.dimension)) for c in components if graph.value(c, QB.componentAttachment)
    }
    assert attached == {"report", "agency", "reportYear"}


# ---------------------------------------------------------------------------------------------
# The researcher queries, on a hand-built graph of one report per generation
# ---------------------------------------------------------------------------------------------

RDF_TYPE = str(RDF.type)
XSD = "http://www.w3.org/2001/XMLSchema#"
TEST_NARRATIVE = "https://example.org/ogikg-test/narrative/requestsNew"


class SyntheticReport:
    """One report as the converter writes it (Data Cube design of cube.ttl), as N-Quads."""

    def __init__(self, name: str, year: int, template: str) -> None:
        self.ids = iris.report_iris(f"test-{name}", year, "0" * 64)
        self.template = template
        self.year = year
        self.name = name
        self.lines: list[str] = []
        self.add(self.ids.report, RDF_TYPE, f"<{OGI.AnnualReport}>")
        self.add(self.ids.report, str(OGI.template), f"<{iris.TEMPLATE}{template}>")
        self.add(self.ids.report, str(OGI.agency), f"<{self.ids.agency}>")
        self.add(self.ids.report, str(OGI.reportYear), f'"{year}"^^<{XSD}gYear>')
        self.add(self.ids.agency, RDF_TYPE, f"<{OGI.Agency}>")
        self.add(self.ids.agency, str(SKOS.prefLabel), f'"{name}局"@zh-Hans')
        if template != "narrative":
            self.add(self.ids.dataset, RDF_TYPE, f"<{QB.DataSet}>")
            self.add(self.ids.dataset, str(QB.structure), f"<{iris.DSD}{template}>")
            self.add(self.ids.dataset, str(OGI.report), f"<{self.ids.report}>")

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"<{subject}> <{predicate}> {obj} <{self.ids.graph}> .")

    def cell(self, notation: str, value: int | None, applicant: str | None = None) -> SyntheticReport:
        concept = catalogue()[notation]
        subject = self.ids.cell(notation, applicant)
        self.add(subject, RDF_TYPE, f"<{OGI.FormCell}>")
        self.add(subject, str(OGI.report), f"<{self.ids.report}>")
        self.add(subject, str(OGI.indicator), f"<{concept.iri}>")
        self.add(subject, str(OGI.unit), f"<{concept.unit}>")
        if self.template != "old":
            code = catalogue()[applicant].iri if applicant else iris.APPLICANT + "notApplicable"
            self.add(subject, str(OGI.applicantType), f"<{code}>")
        if value is None:
            self.add(subject, str(OGI.valueStatus), f"<{iris.STATUS}blank>")
        else:
            self.add(subject, RDF_TYPE, f"<{QB.Observation}>")
            self.add(subject, str(QB.dataSet), f"<{self.ids.dataset}>")
            self.add(subject, str(OGI.value), f'"{value}"^^<{XSD}integer>')
        return self

    def row(self, notation: str, **columns: int | None) -> SyntheticReport:
        for applicant, value in columns.items():
            self.cell(notation, value, applicant)
        return self

    def figure(self, concept: str, value: int) -> SyntheticReport:
        subject = self.ids.narrative("test", 1)
        self.add(subject, RDF_TYPE, f"<{OGI.NarrativeFigure}>")
        self.add(subject, RDF_TYPE, f"<{QB.Observation}>")
        self.add(subject, str(OGI.report), f"<{self.ids.report}>")
        self.add(subject, str(OGI.narrativeIndicator), f"<{concept}>")
        self.add(subject, str(OGI.indicator), f"<{concept}>")
        self.add(subject, str(OGI.value), f'"{value}"^^<{XSD}integer>')
        self.add(subject, str(OGI.phrase), '"本年新收申请21件"@zh-Hans')
        return self

    def nquads(self) -> str:
        return "\n".join(self.lines) + "\n"


def synthetic_reports() -> dict[str, SyntheticReport]:
    r2019 = (
        SyntheticReport("r2019", 2019, "2019")
        .row("2019.T3.newReceived", T=20, NP=15)
        .row("2019.T3.carriedOver", T=2, NP=0)
        .row("2019.T3.granted", T=10, NP=7, C=3)  # the 总计 cell counts, the applicant cells are not added
        .row("2019.T3.partialGrant", T=3)
        .row("2019.T3.denied.stateSecret", T=1)
        .row("2019.T3.denied.thirdPartyRights", T=2, NP=2)
        .row("2019.T3.denied.adminQuery", T=1)
        .row("2019.T3.denied.lawForbidden", T=None)  # printed blank: no observation, never zero
        .row("2019.T3.other", T=3)
        .row("2019.T3.totalProcessed", T=20, NP=14)  # 自然人 column breaks the printed balance
        .row("2019.T3.carriedForward", T=2, NP=0)
        .cell("2019.T4.review.upheld", 2)
        .cell("2019.T4.review.corrected", 1)
        .cell("2019.T4.review.other", 0)
        .cell("2019.T4.review.pending", 5)
        .cell("2019.T4.litigationDirect.corrected", 4)  # a lawsuit, not a review
        .figure(TEST_NARRATIVE, 21)  # the prose says 21 new requests, the table 20
    )
    r2021 = (
        SyntheticReport("r2021", 2021, "2021")
        .row("2021.T3.newReceived", T=30)
        .row("2021.T3.carriedOver", T=0)
        .row("2021.T3.granted", T=None, NP=4, C=1)  # 总计 left blank: the applicant cells are summed
        .row("2021.T3.partialGrant", T=2)
        .row("2021.T3.denied.processInfo", T=4, NP=4)
        .row("2021.T3.denied.internalAffairs", T=1)
        .row("2021.T3.other.overdueFee", T=1)
        .row("2021.T3.totalProcessed", T=13)
        .row("2021.T3.carriedForward", T=17)
        .cell("2021.T4.review.upheld", 1)
        .cell("2021.T4.review.corrected", 1)
    )
    r2016 = (
        SyntheticReport("r2016", 2016, "old")
        .cell("old.request.received", 12)
        .cell("old.request.completed", 16)
        .cell("old.reply.agreed", 6)
        .cell("old.reply.alreadyPublic", 2)
        .cell("old.reply.partial", 1)
        .cell("old.reply.refused", 5)
        .cell("old.refused.stateSecret", 1)
        .cell("old.refused.commercialSecret", 1)
        .cell("old.refused.privacy", 2)
        .cell("old.refused.notGovInfo", 1)
        .cell("old.reply.notExist", 4)
        .cell("old.review.upheld", 3)
        .cell("old.review.corrected", 1)
        .cell("old.review.other", 0)
    )
    r2013 = SyntheticReport("r2013", 2013, "narrative")
    return {"r2019": r2019, "r2021": r2021, "r2016": r2016, "r2013": r2013}


TEST_CODES = f"""
<{TEST_NARRATIVE}> a <{SKOS.Concept}> ; <{SKOS.inScheme}> <{iris.SCHEME}narrative> ;
    <{OGI.comparableWith}> <{iris.INDICATOR}2019.T3.newReceived> .
"""


@cache
def query_store() -> ox.Store:
    store = ox.Store()
    for report in synthetic_reports().values():
        store.load(report.nquads(), format=ox.RdfFormat.N_QUADS)
    vocabulary_graph = ox.NamedNode("https://example.org/ogikg-test/graph/vocabulary")
    for path in turtle_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=vocabulary_graph)
    store.load(TEST_CODES, format=ox.RdfFormat.TURTLE, to_graph=vocabulary_graph)
    return store


def documented_query(name: str) -> str:
    return researcher_query(name).sparql


def run(name: str) -> list[dict[str, str | None]]:
    result = query_store().query(documented_query(name), use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def report_name(iri: str | None) -> str:
    for name, report in synthetic_reports().items():
        if report.ids.report == iri:
            return name
    raise AssertionError(iri)


def short(iri: str | None) -> str | None:
    if iri is None:
        return None
    for base in (iris.OUTCOME, LAW2019 + "/", LAW2007 + "/"):
        if iri.startswith(base):
            return iri[len(base) :]
    return iri


def test_done_when_query_counts_outcomes_of_every_generation_with_their_articles() -> None:
    rows = run("done-when")
    totals = {
        report_name(r["report"]): (r["form"], r["granted"], r["partiallyGranted"], r["refused"]) for r in rows
    }
    assert totals == {
        "r2019": ("2019", "10", "3", "4"),
        "r2021": ("2021", "5", "2", "5"),
        "r2016": ("old", "8", "1", "5"),
        "r2013": ("narrative", None, None, None),
    }
    grounds = {
        (
            report_name(r["report"]),
            short(r["ground"]),
            r["refusedOnGround"],
            short(r["article"]),
            r["interpretive"],
        )
        for r in rows
        if r["ground"]
    }
    assert grounds == {
        ("r2019", "denied.stateSecret", "1", "art_14", "false"),
        ("r2019", "denied.thirdPartyRights", "2", "art_15", "false"),
        ("r2019", "denied.thirdPartyRights", "2", "art_32", "false"),
        ("r2019", "denied.adminQuery", "1", "art_36/item_7", "true"),
        ("r2021", "denied.processInfo", "4", "art_16/par_2", "false"),
        ("r2021", "denied.internalAffairs", "1", "art_16/par_1", "false"),
        ("r2016", "denied.stateSecret", "1", "art_14", "false"),
        ("r2016", "denied.thirdPartyRights", "3", "art_15", "false"),
        ("r2016", "denied.thirdPartyRights", "3", "art_32", "false"),
        ("r2016", "denied.notGovInfo", "1", "art_2", "true"),
    }
    labels = {short(r["ground"]): r["groundLabel"] for r in rows if r["ground"]}
    assert labels["denied.stateSecret"] == "属于国家秘密"
    articles = {short(r["article"]): r["articleLabel"] for r in rows if r["article"]}
    assert articles["art_14"] == "政府信息公开条例（2019）第十四条"


def test_refusal_grounds_by_year() -> None:
    rows = {
        (r["year"], short(r["ground"])): (r["refused"], r["reports"]) for r in run("refusal-grounds-by-year")
    }
    assert rows == {
        ("2016", "denied.stateSecret"): ("1", "1"),
        ("2016", "denied.thirdPartyRights"): ("3", "1"),
        ("2016", "denied.notGovInfo"): ("1", "1"),
        ("2019", "denied.stateSecret"): ("1", "1"),
        ("2019", "denied.thirdPartyRights"): ("2", "1"),
        ("2019", "denied.adminQuery"): ("1", "1"),
        ("2021", "denied.processInfo"): ("4", "1"),
        ("2021", "denied.internalAffairs"): ("1", "1"),
    }


def test_agencies_with_most_requests() -> None:
    rows = run("agencies-most-requests")
    assert [(r["agencyName"], r["year"], r["requestsReceived"]) for r in rows] == [
        ("r2021局", "2021", "30"),
        ("r2019局", "2019", "20"),
        ("r2016局", "2016", "12"),
    ]


def test_substantive_disclosure_rate() -> None:
    rows = {report_name(r["report"]): r for r in run("substantive-disclosure-rate")}
    assert set(rows) == {"r2019", "r2021", "r2016"}
    assert (rows["r2019"]["disclosed"], rows["r2019"]["concluded"]) == ("13", "20")
    assert Decimal(rows["r2019"]["substantiveDisclosureRate"] or "") == Decimal("0.65")
    assert (rows["r2021"]["disclosed"], rows["r2021"]["concluded"]) == ("7", "13")
    assert (rows["r2016"]["disclosed"], rows["r2016"]["concluded"]) == ("9", "16")


def test_review_correction_rate() -> None:
    rows = {
        r["year"]: (r["corrected"], r["concluded"], Decimal(r["correctionRate"] or ""))
        for r in run("review-correction-rate")
    }
    assert rows["2019"][:2] == ("1", "3")
    assert rows["2021"] == ("1", "2", Decimal("0.5"))
    assert rows["2016"] == ("1", "4", Decimal("0.25"))


def test_contradictions_in_the_balance_of_table_iii_and_between_prose_and_table() -> None:
    rows = [
        (
            report_name(r["report"]),
            r["rule"],
            r["applicantType"],
            short(r["narrativeIndicator"]),
            r["left"],
            r["right"],
        )
        for r in run("contradictions")
    ]
    assert rows == [
        ("r2019", "I1", iris.APPLICANT + "naturalPerson", None, "15", "14"),
        ("r2019", "I9", None, TEST_NARRATIVE, "21", "20"),
    ]


# ---------------------------------------------------------------------------------------------
# Documentation generated from the Turtle
# ---------------------------------------------------------------------------------------------


@cache
def docs_page() -> str:
    return render_docs()


def test_docs_page_has_an_anchor_for_every_term() -> None:
    page = docs_page()
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    missing = sorted(anchor(str(t)) for t in terms(vocabulary()) if anchor(str(t)) not in set(ids))
    assert not missing, missing[:20]
    dangling = set(re.findall(r'href="#([^"]+)"', page)) - set(ids)
    assert not dangling, sorted(dangling)[:20]


def test_docs_page_explains_every_term_of_the_done_when_query() -> None:
    page = docs_page()
    query = documented_query("done-when")
    used = set(re.findall(r"\b(ogi|outcome|app):([A-Za-z][\w.]*)", query))
    prefixes = {"ogi": iris.VOCAB, "outcome": iris.OUTCOME, "app": iris.APPLICANT}
    for prefix, name in used:
        term = anchor(prefixes[prefix] + name)
        block = re.search(rf'id="{re.escape(term)}".*?(?=<section|<tr id=|</table>)', page, re.S)
        assert block, term
        assert 'lang="en"' in block.group(0) and 'lang="zh-Hans"' in block.group(0), term
    for reused in ("skos:broader", "skos:prefLabel", "skos:notation", "rdfs:label"):
        assert f'id="{reused}"' in page


def test_term_pages() -> None:
    page = render_term(iris.OUTCOME + "denied.thirdPartyRights")
    assert page is not None
    assert "保护第三方合法权益" in page and "art_15" in page and "old.refused.privacy" in page
    local_page = render_term(iris.INDICATOR + "2021.T3.granted", base_url="/")
    assert local_page is not None and 'href="/def/outcome/granted"' in local_page
    assert render_term(iris.VOCAB + "NoSuchTerm") is None
    turtle = term_turtle(iris.VOCAB + "FormCell")
    assert turtle is not None
    described = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (OGI.FormCell, RDF.type, OWL.Class) in described


# ---------------------------------------------------------------------------------------------
# The term contract the converter, shapes and server rely on
# ---------------------------------------------------------------------------------------------

CONTRACT_CLASSES = [
    "Agency",
    "AdministrativeArea",
    "AdministrativeLevel",
    "AgencyKind",
    "AnnualReport",
    "ReportSection",
    "FormTemplate",
    "FormTable",
    "FormBlock",
    "FormRow",
    "FormColumn",
    "Indicator",
    "DerivedIndicator",
    "NarrativeIndicator",
    "ApplicantType",
    "Unit",
    "ValueStatus",
    "FormCell",
    "NarrativeFigure",
    "ExtraTableCell",
    "SourceFile",
    "Balance",
    "ArithmeticRule",
    "RequestOutcome",
    "ReviewOutcome",
    "LegalProvision",
]
CONTRACT_PROPERTIES = [
    "agency",
    "area",
    "level",
    "agencyKind",
    "adcode",
    "uscc",
    "bodyName",
    "template",
    "report",
    "reportYear",
    "indexNumber",
    "sourceUrl",
    "isSummary",
    "sourceFile",
    "reportGraph",
    "qualityGraph",
    "indicator",
    "applicantType",
    "value",
    "unit",
    "valueStatus",
    "printedValue",
    "sourceSpan",
    "alternativeValue",
    "phrase",
    "tableLabel",
    "rowLabel",
    "columnLabel",
    "formTable",
    "formRow",
    "formColumn",
    "hasColumn",
    "columnScheme",
    "headerNote",
    "order",
    "datatype",
    "sumOf",
    "sumRule",
    "atMostSumOf",
    "atLeastSumOf",
    "boundRule",
    "leftTerm",
    "rightTerm",
    "rule",
    "ruleId",
    "severity",
    "legalBasis",
    "statedLegalBasis",
    "derivedLegalBasis",
    "interpretiveLegalBasis",
    "requestOutcome",
    "comparableWith",
    "comparableApplicant",
    "comparisonFactor",
    "correspondsToSumOf",
    "textPattern",
    "zeroPattern",
    "narrativeIndicator",
    "occurrence",
    "impliesLevel",
    "centralNamePattern",
    "sha256",
    "byteSize",
    "inputFormat",
    "encoding",
    "converterVersion",
    "warning",
    "fileName",
]
CONTRACT_CODES = {
    "template": ["old", "2019", "2021", "narrative"],
    "status": ["reported", "blank", "notApplicable", "illegible", "uncertain"],
    "level": ["central", "province", "prefecture", "county", "township", "development-zone"],
}


def test_contract_terms_are_defined_in_core() -> None:
    core = file_graph("core.ttl")
    for name in CONTRACT_CLASSES:
        assert (OGI[name], RDF.type, OWL.Class) in core, name
    for name in CONTRACT_PROPERTIES:
        assert (OGI[name], RDFS.label, None) in core and (OGI[name], SKOS.definition, None) in core, name
        assert (OGI[name], RDFS.isDefinedBy, rdflib.URIRef(iris.VOCAB)) in core, name


@pytest.mark.parametrize("scheme", sorted(CONTRACT_CODES))
def test_core_code_lists(scheme: str) -> None:
    core = file_graph("core.ttl")
    members = {str(core.value(s, SKOS.notation)): s for s in core.subjects(SKOS.inScheme, SCHEME[scheme])}
    assert sorted(members) == sorted(CONTRACT_CODES[scheme])
    for notation, concept in members.items():
        assert local(concept) == notation  # notation = local name, as the converter mints the IRIs
