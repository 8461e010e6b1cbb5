"""Dumps regenerated in shards: a re-run writes again only what changed, and gives what a first run
would have given.

Each test loads a convert output of twelve reports with ``ogikg load``'s own function into an
embedded store; the reports are of twelve years, so they fall into twelve shards.
"""

from __future__ import annotations

import gzip
import subprocess
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from ogikg import iris
from ogikg.converter.model import ParsedReport
from ogikg.loading import load_output
from ogikg.server import dump_shards
from ogikg.server.dump_shards import SHARDS_DIR, shard_key
from ogikg.server.dump_statistics import ShardCounts, count_quads, merge
from ogikg.server.dumps import NQUADS, TRIG, read_manifest, regenerate_dumps, store_statistics
from ogikg.store.embedded import EmbeddedStore
from report_factory import cell_iri, make_report, write_output
from shared import require_program

YEARS = range(2012, 2024)
OGI = iris.VOCAB


def _reports(changed_year: int | None = None) -> list[ParsedReport]:
    return [
        make_report(
            "2021",
            year=year,
            values={"2021.T3.newReceived/NP": 40 + (1 if year == changed_year else 0)},
            seed=year,
        )
        for year in YEARS
    ]


def _dataset(path: Path, rdf_format: ox.RdfFormat) -> Counter[ox.Quad]:
    """The quads of a dump, each as often as it is written (a member joined twice shows)."""
    with gzip.open(path, "rb") as stream:
        return Counter(ox.parse(stream, format=rdf_format))


def _members(dumps: Path) -> dict[str, int]:
    """Member file → modification time, for the numbered shards."""
    return {path.name: path.stat().st_mtime_ns for path in (dumps / SHARDS_DIR).glob("[0-9]*.nq.gz")}


def _store_quads(store_dir: Path) -> Counter[ox.Quad]:
    with EmbeddedStore(store_dir, read_only=True) as store:
        return Counter(store.oxigraph.quads_for_pattern(None, None, None))


def _graphs(store_dir: Path) -> list[str]:
    with EmbeddedStore(store_dir, read_only=True) as store:
        return list(store.graph_iris())


def test_a_changed_report_rewrites_one_shard_and_gives_what_a_first_run_gives(
    tmp_path: Path,
) -> None:
    out, store_dir, dumps = tmp_path / "out", tmp_path / "data" / "store", tmp_path / "data" / "dumps"
    ids = write_output(out, _reports())
    load_output(out, str(store_dir))
    before = _members(dumps)
    assert len(before) == len(YEARS)

    write_output(out, _reports(changed_year=2017))
    summary = load_output(out, str(store_dir))
    assert (summary.reports, summary.unchanged) == (1, 11)
    after = _members(dumps)
    assert after.keys() == before.keys()
    rewritten = sorted(name for name in after if after[name] != before[name])
    assert rewritten == [dump_shards.shard_names(_graphs(store_dir))[ids[2017].graph] + ".nq.gz"]

    quads = _store_quads(store_dir)
    assert _dataset(dumps / NQUADS, ox.RdfFormat.N_QUADS) == quads
    assert _dataset(dumps / TRIG, ox.RdfFormat.TRIG) == quads
    cell = ox.NamedNode(cell_iri(ids[2017], "2021.T3.newReceived/NP"))
    assert [q.object.value for q in quads if q.subject == cell and q.predicate.value == OGI + "value"] == [
        "41"
    ]

    # A first run on the same store writes the very same files and figures.
    fresh = tmp_path / "fresh"
    with EmbeddedStore(store_dir, read_only=True) as store:
        regenerate_dumps(store, fresh)
        counted = store_statistics(store.oxigraph, iris.data_base() + "id/")
    incremental, first = read_manifest(dumps), read_manifest(fresh)
    assert incremental is not None and first is not None
    assert [(d.name, d.sha256) for d in incremental.dumps] == [(d.name, d.sha256) for d in first.dumps]
    assert asdict(incremental.statistics) == asdict(counted)


def _insert_note(store: EmbeddedStore, ids: iris.ReportIris) -> ox.Quad:
    """A statement added to a report's graph by SPARQL Update, which keeps the graph's digest."""
    added = ox.Quad(
        ox.NamedNode(ids.report), ox.NamedNode(OGI + "note"), ox.Literal("corrected"), ox.NamedNode(ids.graph)
    )
    store.update(f"INSERT DATA {{ GRAPH {added.graph_name} {{ {added.triple} }} }}")
    return added


def test_a_write_outside_a_load_is_in_the_next_dumps(tmp_path: Path) -> None:
    """A SPARQL Update into a report graph keeps the graph's load digest; the store's mark of
    untracked writes makes the next run write every shard again."""
    out, store_dir, dumps = tmp_path / "out", tmp_path / "data" / "store", tmp_path / "data" / "dumps"
    ids = write_output(out, _reports())
    load_output(out, str(store_dir))
    before = _members(dumps)
    with EmbeddedStore(store_dir) as store:
        mark = store.untracked_writes()
        added = _insert_note(store, ids[2015])
        assert store.untracked_writes() != mark
        regenerate_dumps(store, dumps)
    after = _members(dumps)
    assert all(after[name] != before[name] for name in before)
    assert added in _dataset(dumps / NQUADS, ox.RdfFormat.N_QUADS)


def test_a_load_that_changes_nothing_still_brings_dumps_up_to_date_after_another_write(
    tmp_path: Path,
) -> None:
    out, store_dir, dumps = tmp_path / "out", tmp_path / "data" / "store", tmp_path / "data" / "dumps"
    ids = write_output(out, _reports()[:2])
    load_output(out, str(store_dir))
    assert load_output(out, str(store_dir)).dumps == []  # nothing written since the dumps
    with EmbeddedStore(store_dir) as store:
        added = _insert_note(store, ids[2012])
    again = load_output(out, str(store_dir))
    assert not again.changed and len(again.dumps) == 3
    assert added in _dataset(dumps / NQUADS, ox.RdfFormat.N_QUADS)


def test_dumps_that_failed_half_way_are_written_by_the_next_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shards are brought up to date before the dump files are joined; a run stopped between
    the two must not leave the old dumps looking current."""
    from ogikg.server import dumps as dumps_module

    out, store_dir, dumps = tmp_path / "out", tmp_path / "data" / "store", tmp_path / "data" / "dumps"
    ids = write_output(out, _reports()[:2])
    load_output(out, str(store_dir))
    with EmbeddedStore(store_dir) as store:
        added = _insert_note(store, ids[2012])

    def disk_full(*_: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(dumps_module, "_joined", disk_full)
    with pytest.raises(OSError):
        load_output(out, str(store_dir))
    monkeypatch.undo()
    assert added not in _dataset(dumps / NQUADS, ox.RdfFormat.N_QUADS)
    assert len(load_output(out, str(store_dir)).dumps) == 3
    assert added in _dataset(dumps / NQUADS, ox.RdfFormat.N_QUADS)


def test_a_load_leaves_the_mark_of_untracked_writes_alone(tmp_path: Path) -> None:
    out, store_dir = tmp_path / "out", tmp_path / "data" / "store"
    write_output(out, _reports()[:2])
    load_output(out, str(store_dir), dumps=False)
    with EmbeddedStore(store_dir) as store:
        mark = store.untracked_writes()
    assert mark == ""  # nothing but loads has written to the store
    write_output(out, _reports(changed_year=2012)[:2])
    assert load_output(out, str(store_dir), dumps=False).reports == 1
    with EmbeddedStore(store_dir) as store:
        assert store.untracked_writes() == mark


def test_the_joined_dump_reads_whole_with_the_system_gzip(tmp_path: Path) -> None:
    gzip_program = require_program("gzip")
    out, store_dir, dumps = tmp_path / "out", tmp_path / "data" / "store", tmp_path / "data" / "dumps"
    write_output(out, _reports())
    load_output(out, str(store_dir))
    assert len(_members(dumps)) == len(YEARS)
    text = subprocess.run([gzip_program, "-dc", str(dumps / NQUADS)], capture_output=True, check=True).stdout
    assert Counter(ox.parse(text, format=ox.RdfFormat.N_QUADS)) == _store_quads(store_dir)


# -- the figures, added up -----------------------------------------------------------------------


def _quad(subject: str, predicate: str, obj: ox.NamedNode | ox.Literal, graph: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(subject), ox.NamedNode(predicate), obj, ox.NamedNode(graph))


def test_report_subjects_are_owned_by_their_shard_and_others_merged_by_name() -> None:
    base = "https://example.org/"
    agency, rdf_type = base + "id/agency/a", iris.RDF_TYPE
    shards = []
    for year in (2020, 2021):
        graph, report = f"{base}graph/report/a/{year}", f"{base}id/report/a/{year}"
        quads = [
            _quad(report, rdf_type, ox.NamedNode(OGI + "AnnualReport"), graph),
            _quad(report + "/cell/x", rdf_type, ox.NamedNode(OGI + "Observation"), graph),
            _quad(report + "/cell/x", OGI + "value", ox.Literal("1"), graph),
            _quad(agency, rdf_type, ox.NamedNode(OGI + "Agency"), graph),  # in both shards
        ]
        shards.append(count_quads(quads, [f"a/{year}"], base + "id/"))
    assert (shards[0].owned_subjects, shards[0].owned_entities, list(shards[0].foreign)) == (2, 2, [agency])
    total = merge(shards, base + "id/")
    assert total is not None
    assert (total.quads, total.graphs, total.distinct_subjects, total.entities) == (8, 2, 5, 5)
    assert total.classes == {OGI + "Agency": 1, OGI + "AnnualReport": 2, OGI + "Observation": 2}
    assert total.properties == {rdf_type: 6, OGI + "value": 2}


def test_figures_that_do_not_add_up_are_refused() -> None:
    base = "https://example.org/"
    report = f"{base}id/report/a/2020"
    own = count_quads(
        [_quad(report, OGI + "p", ox.Literal("1"), f"{base}graph/report/a/2020")], ["a/2020"], base
    )
    # another graph (one no digest vouches for) states something of the same report
    other = count_quads([_quad(report, OGI + "q", ox.Literal("2"), f"{base}graph/x")], [], base)
    assert merge([own, other], base) is None
    assert merge([own, ShardCounts(overflow=True)], base) is None
    # the report's quality graph in another shard (one vouched for by a digest, one not)
    quality = f"{base}graph/quality/a/2020"
    again = count_quads([_quad(report, OGI + "q", ox.Literal("2"), quality)], ["a/2020"], base)
    assert merge([own, again], base) is None
    alone = merge([own], base)
    assert alone is not None and (alone.distinct_subjects, alone.entities, alone.quads) == (1, 1, 1)


def test_a_store_whose_figures_do_not_add_up_is_counted_by_queries(tmp_path: Path) -> None:
    """A report's subject also stated in a graph of its own (as an ingest could write it): the
    shards' figures are refused and the aggregate queries count the store."""
    base = iris.data_base()
    report, graph = f"{base}id/report/330100-a/2020", f"{base}graph/report/330100-a/2020"
    quads = [
        _quad(report, iris.RDF_TYPE, ox.NamedNode(OGI + "AnnualReport"), graph),
        _quad(report + "/cell/x", OGI + "value", ox.Literal("1"), graph),
        _quad(report, iris.RDF_TYPE, ox.NamedNode(OGI + "AnnualReport"), f"{base}graph/notes"),
        _quad(report, OGI + "note", ox.Literal("checked"), f"{base}graph/notes"),
    ]
    with EmbeddedStore(tmp_path / "store") as store:
        store.oxigraph.extend(quads)
        regenerate_dumps(store, tmp_path / "dumps")
    manifest = read_manifest(tmp_path / "dumps")
    assert manifest is not None
    figures = manifest.statistics
    assert (figures.quads, figures.graphs, figures.distinct_subjects, figures.entities) == (4, 2, 2, 2)
    assert figures.classes == {OGI + "AnnualReport": 1}


def test_a_report_graph_and_its_quality_graph_share_a_shard_of_their_year() -> None:
    base = iris.data_base()
    graphs = [
        f"{base}graph/{kind}/330100-{agency}/2021" for kind in ("report", "quality") for agency in "abcd"
    ]
    graphs += [f"{base}graph/report/330100-a/2022", f"{base}graph/vocabulary"]
    names = dump_shards.shard_names(graphs)
    assert names[graphs[0]] == names[graphs[4]] and names[graphs[0]].startswith("2021-1-")
    assert names[graphs[8]] == "2022-1-0000" and names[graphs[9]] == "other-1-0000"
    assert shard_key(base + "graph/report/330100-ab/2021") == shard_key(base + "graph/quality/330100-ab/2021")
    assert shard_key(base + "graph/vocabulary") == base + "graph/vocabulary"
    assert (
        iris.report_tail(base + "id/report/330100-ab/2021/cell/2021.T3.granted.naturalPerson")
        == "330100-ab/2021"
    )
    # 100 reports of a year with their quality graphs (200 graphs): four shards, every one used,
    # each report's two graphs in one of them
    many = {
        kind: [f"{base}graph/{kind}/330100-{number:03d}/2021" for number in range(100)]
        for kind in ("report", "quality")
    }
    names = dump_shards.shard_names(many["report"] + many["quality"])
    assert {names[graph] for graph in many["report"]} == {f"2021-4-{n:04d}" for n in range(4)}
    assert all(names[r] == names[q] for r, q in zip(many["report"], many["quality"], strict=True))
