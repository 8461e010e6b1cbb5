"""The W3C RDF Data Cube integrity constraints IC-1 … IC-21, run as SPARQL on a pyoxigraph store.

The constraints and the normalisation algorithm follow the Data Cube Recommendation (§10 and
§11.1). Each ASK query of the Recommendation is written here as a SELECT DISTINCT over the
resources that break it, so a check reports how many there are instead of a yes/no.

Two deliberate differences from the text of the Recommendation:

* IC-12 (no duplicate observations) compares every pair of observations of a data set, which is
  quadratic. Here it is rewritten per data structure definition as one GROUP BY over the data set
  and the values of all its dimensions, HAVING more than one observation: linear in the number of
  observations. Values are grouped by RDF term identity (the Recommendation compares with ``=``,
  which would also equate e.g. ``"01"^^xsd:integer`` and ``"1"^^xsd:integer``; converted data never
  writes such variants). The count is the number of observations that share all their dimension
  values with another observation.
* IC-20 and IC-21 are templates in the Recommendation (the path ``<$p>*`` needs a concrete
  property); they are instantiated for every ``qb:parentChildProperty`` found in the store.

Checks run on a copy of the store whose default graph is the union of all its graphs (data and
vocabulary usually live in different named graphs), normalised with the Phase 1 and Phase 2 updates,
so the store passed in is never modified.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ogikg.ontology import turtle_files

_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Normalisation algorithm, Phase 1: type and property closure (Recommendation §10.3).
NORMALISATION_PHASE_1: tuple[str, ...] = (
    "INSERT { ?o rdf:type qb:Observation . } WHERE { [] qb:observation ?o . }",
    "INSERT { ?o rdf:type qb:Observation . ?ds rdf:type qb:DataSet . } WHERE { ?o qb:dataSet ?ds . }",
    "INSERT { ?s rdf:type qb:Slice . } WHERE { [] qb:slice ?s . }",
    """INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty . }
       WHERE { ?cs qb:dimension ?p . }""",
    """INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty . }
       WHERE { ?cs qb:measure ?p . }""",
    """INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty . }
       WHERE { ?cs qb:attribute ?p . }""",
)

# Normalisation algorithm, Phase 2: push down attachment levels (Recommendation §10.3).
NORMALISATION_PHASE_2: tuple[str, ...] = (
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
        ?dataset qb:structure [ qb:component ?spec ] ; ?comp ?value .
        ?obs qb:dataSet ?dataset .
    }""",
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:Slice .
        ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
        ?slice ?comp ?value ; qb:observation ?obs .
    }""",
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp .
        ?comp a qb:DimensionProperty .
        ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
        ?slice ?comp ?value ; qb:observation ?obs .
    }""",
)

# IC id -> SELECT whose rows are the violations. IC-12, IC-20 and IC-21 are built at run time.
INTEGRITY_CONSTRAINTS: dict[str, str] = {
    "IC-1": """SELECT DISTINCT ?obs WHERE {
        { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . } }
        UNION
        { ?obs a qb:Observation ; qb:dataSet ?dataset1, ?dataset2 . FILTER (?dataset1 != ?dataset2) }
    }""",
    "IC-2": """SELECT DISTINCT ?dataset WHERE {
        { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?dsd . } }
        UNION
        { ?dataset a qb:DataSet ; qb:structure ?dsd1, ?dsd2 . FILTER (?dsd1 != ?dsd2) }
    }""",
    "IC-3": """SELECT DISTINCT ?dsd WHERE {
        ?dsd a qb:DataStructureDefinition .
        FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty [ a qb:MeasureProperty ] ] }
    }""",
    "IC-4": """SELECT DISTINCT ?dim WHERE {
        ?dim a qb:DimensionProperty .
        FILTER NOT EXISTS { ?dim rdfs:range [] }
    }""",
    "IC-5": """SELECT DISTINCT ?dim WHERE {
        ?dim a qb:DimensionProperty ; rdfs:range skos:Concept .
        FILTER NOT EXISTS { ?dim qb:codeList [] }
    }""",
    "IC-6": """SELECT DISTINCT ?componentSpec ?component WHERE {
        ?dsd qb:component ?componentSpec .
        ?componentSpec qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?component .
        FILTER NOT EXISTS { ?component a qb:AttributeProperty }
    }""",
    "IC-7": """SELECT DISTINCT ?sliceKey WHERE {
        ?sliceKey a qb:SliceKey .
        FILTER NOT EXISTS { [ a qb:DataStructureDefinition ] qb:sliceKey ?sliceKey }
    }""",
    "IC-8": """SELECT DISTINCT ?slicekey ?prop WHERE {
        ?slicekey a qb:SliceKey ; qb:componentProperty ?prop .
        ?dsd qb:sliceKey ?slicekey .
        FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty ?prop ] }
    }""",
    "IC-9": """SELECT DISTINCT ?slice WHERE {
        { ?slice a qb:Slice . FILTER NOT EXISTS { ?slice qb:sliceStructure ?key } }
        UNION
        { ?slice a qb:Slice ; qb:sliceStructure ?key1, ?key2 . FILTER (?key1 != ?key2) }
    }""",
    "IC-10": """SELECT DISTINCT ?slice ?dim WHERE {
        ?slice qb:sliceStructure [ qb:componentProperty ?dim ] .
        FILTER NOT EXISTS { ?slice ?dim [] }
    }""",
    "IC-11": """SELECT DISTINCT ?obs ?dim WHERE {
        ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty .
        FILTER NOT EXISTS { ?obs ?dim [] }
    }""",
    "IC-13": """SELECT DISTINCT ?obs ?attr WHERE {
        ?obs qb:dataSet/qb:structure/qb:component ?component .
        ?component qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
        FILTER NOT EXISTS { ?obs ?attr [] }
    }""",
    "IC-14": """SELECT DISTINCT ?obs ?measure WHERE {
        ?obs qb:dataSet/qb:structure ?dsd .
        FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
        ?dsd qb:component/qb:componentProperty ?measure .
        ?measure a qb:MeasureProperty .
        FILTER NOT EXISTS { ?obs ?measure [] }
    }""",
    "IC-15": """SELECT DISTINCT ?obs ?measure WHERE {
        ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure .
        ?dsd qb:component/qb:componentProperty qb:measureType .
        FILTER NOT EXISTS { ?obs ?measure [] }
    }""",
    "IC-16": """SELECT DISTINCT ?obs ?omeasure WHERE {
        ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure ; ?omeasure [] .
        ?dsd qb:component/qb:componentProperty qb:measureType ;
             qb:component/qb:componentProperty ?omeasure .
        ?omeasure a qb:MeasureProperty .
        FILTER (?omeasure != ?measure)
    }""",
    "IC-17": """SELECT DISTINCT ?obs1 WHERE {
        {
            SELECT ?obs1 ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
                {
                    SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
                        ?dsd qb:component/qb:componentProperty ?m .
                        ?m a qb:MeasureProperty .
                    } GROUP BY ?dsd
                }
                ?obs1 qb:dataSet/qb:structure ?dsd ; qb:dataSet ?dataset ; qb:measureType ?m1 .
                ?obs2 qb:dataSet ?dataset ; qb:measureType ?m2 .
                FILTER NOT EXISTS {
                    ?dsd qb:component/qb:componentProperty ?dim .
                    FILTER (?dim != qb:measureType)
                    ?dim a qb:DimensionProperty .
                    ?obs1 ?dim ?v1 .
                    ?obs2 ?dim ?v2 .
                    FILTER (?v1 != ?v2)
                }
            } GROUP BY ?obs1 ?numMeasures
            HAVING (COUNT(?obs2) != ?numMeasures)
        }
    }""",
    "IC-18": """SELECT DISTINCT ?dataset ?slice ?obs WHERE {
        ?dataset qb:slice ?slice .
        ?slice qb:observation ?obs .
        FILTER NOT EXISTS { ?obs qb:dataSet ?dataset . }
    }""",
    "IC-19": """SELECT DISTINCT ?obs ?dim ?v WHERE {
        {
            ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ; qb:codeList ?list .
            ?list a skos:ConceptScheme .
            ?obs ?dim ?v .
            FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list }
        } UNION {
            ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ; qb:codeList ?list .
            ?list a skos:Collection .
            ?obs ?dim ?v .
            FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v }
        }
    }""",
}

IC_IDS: tuple[str, ...] = tuple(f"IC-{n}" for n in range(1, 22))

_DIMENSIONS_BY_DSD = """SELECT DISTINCT ?dsd ?dim WHERE {
    ?dsd a qb:DataStructureDefinition ; qb:component/qb:componentProperty ?dim .
    ?dim a qb:DimensionProperty .
}"""

_HIERARCHY_PROPERTIES = """SELECT DISTINCT ?p ?inverse WHERE {
    { ?list qb:parentChildProperty ?p . FILTER (isIRI(?p)) BIND (false AS ?inverse) }
    UNION
    { ?list qb:parentChildProperty ?pcp . FILTER (isBlank(?pcp))
      ?pcp owl:inverseOf ?p . BIND (true AS ?inverse) }
}"""


def _select(store: ox.Store, sparql: str) -> list[ox.QuerySolution]:
    result = store.query(_PREFIXES + sparql)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def normalise(store: ox.Store) -> None:
    """Apply the Data Cube normalisation algorithm (Phase 1 then Phase 2) in place."""
    for update in (*NORMALISATION_PHASE_1, *NORMALISATION_PHASE_2):
        store.update(_PREFIXES + update)


def duplicate_observation_query(dsd: str, dimensions: Iterable[str]) -> str:
    """IC-12 for the data sets of one structure: one group per repeated set of dimension values."""
    dims = sorted(dimensions)
    values = " ".join(f"?v{i}" for i in range(len(dims)))
    patterns = " ".join(f"?obs <{dim}> ?v{i} ." for i, dim in enumerate(dims))
    return f"""SELECT (SUM(?n) AS ?duplicates) WHERE {{
        SELECT ?dataset {values} (COUNT(DISTINCT ?obs) AS ?n) WHERE {{
            ?dataset qb:structure <{dsd}> .
            ?obs qb:dataSet ?dataset .
            {patterns}
        }} GROUP BY ?dataset {values}
        HAVING (COUNT(DISTINCT ?obs) > 1)
    }}"""


def _count_duplicates(store: ox.Store) -> int:
    dimensions: dict[str, list[str]] = {}
    for row in _select(store, _DIMENSIONS_BY_DSD):
        dimensions.setdefault(row["dsd"].value, []).append(row["dim"].value)
    total = 0
    for dsd, dims in dimensions.items():
        rows = _select(store, duplicate_observation_query(dsd, dims))
        value = rows[0]["duplicates"] if rows else None
        total += int(value.value) if value is not None else 0
    return total


def hierarchy_queries(store: ox.Store) -> dict[str, list[str]]:
    """IC-20 and IC-21 instantiated for each parent-child property of a hierarchical code list."""
    queries: dict[str, list[str]] = {"IC-20": [], "IC-21": []}
    for row in _select(store, _HIERARCHY_PROPERTIES):
        prop = row["p"].value
        inverse = row["inverse"].value == "true"
        if inverse:
            selector = (
                f"?list qb:parentChildProperty ?pcp . FILTER (isBlank(?pcp)) ?pcp owl:inverseOf <{prop}>"
            )
            path = f"(^<{prop}>)*"
        else:
            selector = f"?list qb:parentChildProperty <{prop}>"
            path = f"<{prop}>*"
        queries["IC-21" if inverse else "IC-20"].append(
            f"""SELECT DISTINCT ?obs ?dim ?v WHERE {{
                ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
                ?dim a qb:DimensionProperty ; qb:codeList ?list .
                {selector} .
                ?obs ?dim ?v .
                FILTER NOT EXISTS {{ ?list qb:hierarchyRoot/{path} ?v }}
            }}"""
        )
    return queries


def _union_copy(store: ox.Store, extra_turtle: Iterable[str] = ()) -> ox.Store:
    """An in-memory store whose default graph holds every triple of every graph of ``store``."""
    # N-Triples of each graph, loaded in one bulk load: no Python object per quad
    graphs = (ox.DefaultGraph(), *store.named_graphs())
    data = b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b"" for graph in graphs)
    copy = ox.Store()
    copy.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    for path in extra_turtle:
        copy.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    return copy


def check_integrity(store: ox.Store, *, include_vocabulary: bool = False) -> dict[str, int]:
    """Violations of each Data Cube integrity constraint, IC-1 … IC-21 (0 everywhere = valid).

    The store must hold the data and the vocabulary (structures, code lists); with
    ``include_vocabulary`` the ogikg Turtle files are added to the copy that is checked.
    """
    vocabulary = [str(path) for path in turtle_files()] if include_vocabulary else []
    copy = _union_copy(store, vocabulary)
    normalise(copy)
    counts = {ic: 0 for ic in IC_IDS}
    for ic, query in INTEGRITY_CONSTRAINTS.items():
        counts[ic] = len(_select(copy, query))
    counts["IC-12"] = _count_duplicates(copy)
    for ic, queries in hierarchy_queries(copy).items():
        counts[ic] = sum(len(_select(copy, query)) for query in queries)
    return counts
