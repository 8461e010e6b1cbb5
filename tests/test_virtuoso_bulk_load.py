"""The dumps fed to another store as docs/deploy.md says: OpenLink Virtuoso's bulk loader reads the
N-Quads dump, one gzip file joined from a member per shard, and also the kept shards as files of
their own, and holds exactly the quads of the embedded store they were written from.

The dumps are those of a re-run (one report of twelve converted again, so one shard written again
and joined with kept ones). The module has a Virtuoso of its own: the session's would be left
holding graphs the other Virtuoso tests do not expect.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest_virtuoso import VirtuosoEndpoint, isql
from ogikg import iris
from ogikg.converter.model import ParsedReport
from ogikg.loading import load_output
from ogikg.server.dump_shards import SHARDS_DIR
from ogikg.server.dumps import NQUADS
from ogikg.store.embedded import EmbeddedStore
from report_factory import cell_iri, make_report, write_output

pytestmark = [pytest.mark.virtuoso, pytest.mark.slow]

YEARS = range(2012, 2024)
NEW_RECEIVED = "2021.T3.newReceived/NP"
XSD = "http://www.w3.org/2001/XMLSchema#"
Term = tuple[str, ...]
QuadKey = tuple[Term, Term, Term, Term]


def _reports(changed_year: int | None = None) -> list[ParsedReport]:
    return [
        make_report(
            "2021", year=year, values={NEW_RECEIVED: 40 + (1 if year == changed_year else 0)}, seed=year
        )
        for year in YEARS
    ]


def _term(kind: str, value: str, datatype: str | None = None, language: str | None = None) -> Term:
    """A term in a form both stores write alike: blank nodes by kind only (the loader names them
    anew), a language tag in lower case, Virtuoso's 0/1 for an xsd:boolean read as the word."""
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", value)
    if language:
        return ("literal", value, "lang", language.lower())
    if datatype == XSD + "boolean":
        value = {"1": "true", "0": "false"}.get(value, value)
    return ("literal", value, datatype or XSD + "string")


def _store_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term:
    if isinstance(term, ox.NamedNode):
        return _term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return _term("bnode", term.value)
    assert isinstance(term, ox.Literal), term
    return _term("literal", term.value, term.datatype.value, term.language)


def _store_quads(store_dir: Path) -> Counter[QuadKey]:
    with EmbeddedStore(store_dir, read_only=True) as store:
        quads = list(store.oxigraph.quads_for_pattern(None, None, None))
    assert all(isinstance(quad.graph_name, ox.NamedNode) for quad in quads)  # all in named graphs
    # Blank nodes are compared by kind: exact while there is one (the dataset's dct:temporal).
    blank = {term for quad in quads for term in (quad.subject, quad.object) if isinstance(term, ox.BlankNode)}
    assert len(blank) == 1
    return Counter(
        (
            _store_term(quad.subject),
            _store_term(quad.predicate),
            _store_term(quad.object),
            _store_term(quad.graph_name),
        )
        for quad in quads
    )


def _virtuoso_term(binding: dict[str, str]) -> Term:
    kind = "literal" if binding["type"] == "typed-literal" else binding["type"]
    return _term(kind, binding["value"], binding.get("datatype"), binding.get("xml:lang"))


def _virtuoso_quads(endpoint: VirtuosoEndpoint) -> Counter[QuadKey]:
    """Every quad Virtuoso holds in ogikg's graphs (not its own system graphs)."""
    query = f"""SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER (STRSTARTS(STR(?g), "{iris.data_base()}")) }}"""
    answer = httpx.post(
        endpoint.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=300,
    )
    answer.raise_for_status()
    return Counter(
        tuple(_virtuoso_term(row[name]) for name in ("s", "p", "o", "g"))  # type: ignore[misc]
        for row in answer.json()["results"]["bindings"]
    )


def _bulk_load(endpoint: VirtuosoEndpoint, folder: Path, pattern: str) -> int:
    """The commands of docs/deploy.md, after emptying the store of the last test's quads; the
    number of files loaded."""
    isql(endpoint, "DELETE FROM DB.DBA.LOAD_LIST;\nRDF_GLOBAL_RESET();\ncheckpoint;\n")
    isql(
        endpoint,
        f"ld_dir('{folder}', '{pattern}', 'urn:ogikg:unused');\nrdf_loader_run();\ncheckpoint;\n",
    )
    listed = isql(endpoint, "SELECT COUNT(*), SUM(ll_state) FROM DB.DBA.LOAD_LIST;\n")
    errors = isql(endpoint, "SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;\n")
    assert _first_row(errors) == [0], errors
    files, states = _first_row(listed)
    assert files >= 1 and states == 2 * files, listed  # every file listed was loaded (2: done)
    return files


def _first_row(output: str) -> list[int]:
    """The figures of the first row isql prints under its ruled header line."""
    lines = output.splitlines()
    ruled = next(number for number, line in enumerate(lines) if line.startswith("____"))
    row = next(line for line in lines[ruled + 1 :] if line.strip())
    return [int(word) for word in row.split()]


@pytest.fixture(scope="module")
def rerun_dumps(own_virtuoso: VirtuosoEndpoint) -> tuple[Path, Path, iris.ReportIris]:
    """A store and its dumps after a re-run, inside a folder Virtuoso may read (``DirsAllowed``)."""
    root = own_virtuoso.data_dir / "ogikg"
    out, store_dir = root / "out", root / "data" / "store"
    write_output(out, _reports())
    load_output(out, str(store_dir))
    ids = write_output(out, _reports(changed_year=2017))
    assert load_output(out, str(store_dir)).reports == 1
    return store_dir, root / "data" / "dumps", ids[2017]


def test_the_joined_nquads_dump_bulk_loads_into_virtuoso_as_the_store_holds_it(
    own_virtuoso: VirtuosoEndpoint, rerun_dumps: tuple[Path, Path, iris.ReportIris]
) -> None:
    store_dir, dumps, changed = rerun_dumps
    members = list((dumps / SHARDS_DIR).glob("*.nq.gz"))
    assert len(members) > len(YEARS)  # a member per year's shard, the unvouched and the default
    assert _bulk_load(own_virtuoso, dumps, NQUADS) == 1
    loaded = _virtuoso_quads(own_virtuoso)
    expected = _store_quads(store_dir)
    assert loaded == expected
    value = (
        ("uri", cell_iri(changed, NEW_RECEIVED)),
        ("uri", iris.VOCAB + "value"),
        ("literal", "41", XSD + "integer"),
        ("uri", changed.graph),
    )
    assert loaded[value] == 1  # the re-converted report's figure, from the shard written again


def test_the_kept_shards_bulk_load_as_files_of_their_own(
    own_virtuoso: VirtuosoEndpoint, rerun_dumps: tuple[Path, Path, iris.ReportIris]
) -> None:
    """deploy.md: ``ld_dir`` over ``.shards`` lets the loader work on several files at once."""
    store_dir, dumps, _ = rerun_dumps
    files = _bulk_load(own_virtuoso, dumps / SHARDS_DIR, "*.nq.gz")
    assert files == len(list((dumps / SHARDS_DIR).glob("*.nq.gz")))
    assert _virtuoso_quads(own_virtuoso) == _store_quads(store_dir)
