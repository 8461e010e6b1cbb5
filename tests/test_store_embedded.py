"""The embedded pyoxigraph store: loading, graph replacement, dataset semantics, errors."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ogikg.store.base import (
    QueryError,
    ReadOnlyStoreError,
    Store,
    StoreError,
    StoreLockedError,
    StoreNotFoundError,
    Term,
    UnsupportedMediaTypeError,
)
from ogikg.store.embedded import EmbeddedStore

EX = "https://example.org/t/"
XSD = "http://www.w3.org/2001/XMLSchema#"
G1 = EX + "graph/1"
G2 = EX + "graph/2"

NQUADS = f"""\
<{EX}obs/1> <{EX}value> "7"^^<{XSD}integer> <{G1}> .
<{EX}obs/1> <{EX}label> "自然人"@zh-Hans <{G1}> .
<{EX}obs/2> <{EX}value> "5"^^<{XSD}integer> <{G1}> .
<{EX}obs/3> <{EX}value> "11"^^<{XSD}integer> <{G2}> .
<{EX}obs/3> <{EX}fee> "1.50"^^<{XSD}decimal> <{G2}> .
"""


def _values(store: EmbeddedStore, graph: str | None = None) -> list[tuple[str, str]]:
    pattern = "?o <https://example.org/t/value> ?v"
    where = f"GRAPH <{graph}> {{ {pattern} }}" if graph else pattern
    rows = store.select(f"SELECT ?o ?v WHERE {{ {where} }} ORDER BY ?o")
    return [(row["o"].value, row["v"].value) for row in rows]


@pytest.fixture
def nquads_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.nq"
    path.write_text(NQUADS, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path, nquads_file: Path) -> EmbeddedStore:
    opened = EmbeddedStore(tmp_path / "store")
    opened.load_nquads(str(nquads_file))
    return opened


def test_is_a_store(store: EmbeddedStore) -> None:
    assert isinstance(store, Store)


def test_bulk_load_into_empty_store_counts_graphs_and_quads(tmp_path: Path, nquads_file: Path) -> None:
    with EmbeddedStore(tmp_path / "fresh") as fresh:
        stats = fresh.load_nquads(str(nquads_file))
        assert (stats.graphs, stats.quads) == (2, 5)
        assert sorted(fresh.graph_iris()) == [G1, G2]
        assert fresh.quad_count() == 5


def test_a_new_store_may_sit_in_folders_that_do_not_exist_yet(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "data" / "2024" / "store") as store:
        store.update(
            "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"
        )
        assert store.quad_count() == 1
    assert (tmp_path / "data" / "2024" / "store" / "CURRENT").is_file()


def test_default_graph_is_union_of_named_graphs(store: EmbeddedStore) -> None:
    assert _values(store) == [(EX + "obs/1", "7"), (EX + "obs/2", "5"), (EX + "obs/3", "11")]


def test_from_clause_limits_the_default_graph(store: EmbeddedStore) -> None:
    rows = store.select(f"SELECT ?v FROM <{G2}> WHERE {{ ?o <{EX}value> ?v }}")
    assert [row["v"].value for row in rows] == ["11"]


def test_protocol_graph_parameters_define_the_dataset(store: EmbeddedStore) -> None:
    query = f"SELECT ?v WHERE {{ ?o <{EX}value> ?v }} ORDER BY ?v"
    body = store.query(query, "application/sparql-results+json", default_graph_uris=[G1]).body
    values = [b["v"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert values == ["5", "7"]
    named_only = store.query(
        f"SELECT ?g ?v WHERE {{ GRAPH ?g {{ ?o <{EX}value> ?v }} }}",
        "application/sparql-results+json",
        named_graph_uris=[G2],
    ).body
    rows = json.loads(named_only)["results"]["bindings"]
    assert [(r["g"]["value"], r["v"]["value"]) for r in rows] == [(G2, "11")]


def test_select_returns_typed_terms_with_lowercase_language(store: EmbeddedStore) -> None:
    rows = store.select(f"SELECT ?l ?f WHERE {{ {{ ?o <{EX}label> ?l }} UNION {{ ?o <{EX}fee> ?f }} }}")
    terms = sorted((term for row in rows for term in row.values()), key=lambda t: t.value)
    assert terms == [
        Term("literal", "1.5", datatype=XSD + "decimal"),
        Term("literal", "自然人", lang="zh-hans"),
    ]


def test_ask(store: EmbeddedStore) -> None:
    assert store.ask(f"ASK {{ ?o <{EX}value> 11 }}") is True
    assert store.ask(f"ASK {{ ?o <{EX}value> 12 }}") is False


def test_replace_graphs_replaces_only_the_named_graphs(store: EmbeddedStore) -> None:
    new_g1 = f'<{EX}obs/9> <{EX}value> "99"^^<{XSD}integer> .\n'.encode()
    stats = store.replace_graphs({G1: new_g1})
    assert (stats.graphs, stats.quads) == (1, 1)
    assert _values(store, G1) == [(EX + "obs/9", "99")]
    assert _values(store, G2) == [(EX + "obs/3", "11")]
    assert store.quad_count() == 3


def test_replace_with_overlapping_content_leaves_exactly_the_new_triples(store: EmbeddedStore) -> None:
    new_g1 = (
        f'<{EX}obs/1> <{EX}value> "7"^^<{XSD}integer> .\n<{EX}obs/2> <{EX}value> "6"^^<{XSD}integer> .\n'
    ).encode()
    store.replace_graphs({G1: new_g1})
    assert _values(store, G1) == [(EX + "obs/1", "7"), (EX + "obs/2", "6")]
    assert not store.ask(f"ASK {{ ?o <{EX}label> ?l }}")
    store.replace_graphs({G1: new_g1})  # identical content: nothing to write
    assert store.quad_count() == 4


def test_replace_graphs_keeps_blank_nodes_of_two_graphs_apart(store: EmbeddedStore) -> None:
    data = f'_:b <{EX}value> "1"^^<{XSD}integer> .\n<{EX}x> <{EX}part> _:b .\n'.encode()
    store.replace_graphs({G1: data, G2: data})
    rows = store.select(f"SELECT DISTINCT ?b WHERE {{ GRAPH ?g {{ ?x <{EX}part> ?b . ?b <{EX}value> 1 }} }}")
    assert len(rows) == 2
    assert all(row["b"].type == "bnode" for row in rows)


def test_replace_with_empty_graph_drops_it(store: EmbeddedStore) -> None:
    store.replace_graphs({G1: b""})
    assert sorted(store.graph_iris()) == [G2]


def test_invalid_ntriples_names_the_graph_and_changes_nothing(store: EmbeddedStore) -> None:
    with pytest.raises(StoreError, match=re.escape(f"graph <{G1}>")):
        store.replace_graphs({G2: b"", G1: b"<not a triple"})
    assert _values(store, G2) == [(EX + "obs/3", "11")]


def test_deferred_flushes_let_readers_in_once_at_the_end(tmp_path: Path) -> None:
    """A load that replaces many graphs flushes once: readers in other processes are told to reopen
    when the writes are flushed, not after each of them (and then replay the whole log)."""
    store = EmbeddedStore(tmp_path / "deferred")
    store.replace_graphs({EX + "graph/0": f'<{EX}s> <{EX}p> "0" .\n'.encode()})
    reader = EmbeddedStore.open_read_only(tmp_path / "deferred")
    with store.deferred_flushes():
        for i in range(1, 4):
            store.replace_graphs({EX + f"graph/{i}": f'<{EX}s> <{EX}p> "{i}" .\n'.encode()})
        assert not reader.is_stale()
        assert store.quad_count() == 4  # the writer sees its own writes at once
    assert reader.is_stale() and reader.refresh()
    assert reader.quad_count() == 4
    reader.close()
    store.close()


def test_readers_never_see_a_half_replaced_graph(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "atomic")
    graph = EX + "graph/versions"

    def version(k: int) -> bytes:
        lines = (f'<{EX}obs/{i}> <{EX}version> "{k}"^^<{XSD}integer> .' for i in range(400))
        return ("\n".join(lines) + "\n").encode()

    store.replace_graphs({graph: version(0)})
    seen: list[tuple[int, int]] = []
    done = threading.Event()

    def reader() -> None:
        query = f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?v) AS ?k) WHERE {{ ?o <{EX}version> ?v }}"
        while not done.is_set():
            row = store.select(query)[0]
            seen.append((int(row["n"].value), int(row["k"].value)))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for k in range(1, 15):
            store.replace_graphs({graph: version(k)})
    finally:
        done.set()
        thread.join()
    assert seen, "the reader ran no query"
    assert set(seen) == {(400, 1)}
    assert store.select(f"SELECT DISTINCT ?v WHERE {{ ?o <{EX}version> ?v }}")[0]["v"].value == "14"


def test_load_with_replace_replaces_existing_graphs_and_adds_new_ones(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    update = tmp_path / "update.nq.gz"
    with gzip.open(update, "wt", encoding="utf-8") as stream:
        stream.write(f'<{EX}obs/4> <{EX}value> "4"^^<{XSD}integer> <{G1}> .\n')
        stream.write(f'<{EX}obs/5> <{EX}value> "8"^^<{XSD}integer> <{EX}graph/3> .\n')
    stats = store.load_nquads(str(update))
    assert (stats.graphs, stats.quads) == (2, 2)
    assert _values(store, G1) == [(EX + "obs/4", "4")]
    assert _values(store, EX + "graph/3") == [(EX + "obs/5", "8")]
    assert _values(store, G2) == [(EX + "obs/3", "11")]


def test_load_without_replace_adds_to_existing_graphs(store: EmbeddedStore, tmp_path: Path) -> None:
    extra = tmp_path / "extra.nq"
    extra.write_text(f'<{EX}obs/4> <{EX}value> "4"^^<{XSD}integer> <{G1}> .\n', encoding="utf-8")
    store.load_nquads(str(extra), replace=False)
    assert _values(store, G1) == [(EX + "obs/1", "7"), (EX + "obs/2", "5"), (EX + "obs/4", "4")]


def test_load_rejects_bad_file_with_its_name(store: EmbeddedStore, tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<x> <y> .\n", encoding="utf-8")
    with pytest.raises(StoreError, match=re.escape(str(bad))):
        store.load_nquads(str(bad))
    with pytest.raises(StoreError, match=re.escape(str(tmp_path / "missing.nq"))):
        store.load_nquads(str(tmp_path / "missing.nq"))


@pytest.mark.parametrize(
    ("media_type", "expected_start"),
    [
        ("application/sparql-results+json", b'{"head":{"vars":["v"]}'),
        ("application/sparql-results+xml", b'<?xml version="1.0"?><sparql'),
        ("text/csv", b"v\r\n11\r\n"),
        ("text/tab-separated-values", b"?v\n11\n"),
    ],
)
def test_select_serialisations(store: EmbeddedStore, media_type: str, expected_start: bytes) -> None:
    response = store.query(f"SELECT ?v WHERE {{ ?o <{EX}value> ?v FILTER(?v > 10) }}", media_type)
    assert response.body.startswith(expected_start)
    assert response.content_type.startswith(media_type)


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("application/n-triples", f'<{EX}obs/3> <{EX}fee> "1.5"^^<{XSD}decimal> .\n'.encode()),
        ("application/n-quads", f'<{EX}obs/3> <{EX}fee> "1.5"^^<{XSD}decimal> .\n'.encode()),
        ("text/turtle", f"<{EX}obs/3> <{EX}fee> 1.5 .\n".encode()),
        (
            "application/ld+json",
            f'[{{"@id":"{EX}obs/3","{EX}fee":[{{"@type":"{XSD}decimal","@value":"1.5"}}]}}]'.encode(),
        ),
    ],
)
def test_construct_serialisations(store: EmbeddedStore, media_type: str, expected: bytes) -> None:
    response = store.query(f"CONSTRUCT WHERE {{ ?o <{EX}fee> ?f }}", media_type)
    assert response.body == expected


def test_construct_as_rdf_xml(store: EmbeddedStore) -> None:
    body = store.query(f"CONSTRUCT WHERE {{ ?o <{EX}fee> ?f }}", "application/rdf+xml").body
    assert b'rdf:about="https://example.org/t/obs/3"' in body
    assert b">1.5<" in body


def test_ask_serialisation(store: EmbeddedStore) -> None:
    response = store.query(f"ASK {{ ?o <{EX}value> 5 }}", "application/sparql-results+json")
    assert json.loads(response.body)["boolean"] is True


def test_media_type_must_fit_the_query_form(store: EmbeddedStore) -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="text/turtle"):
        store.query("SELECT * WHERE { ?s ?p ?o }", "text/turtle")
    with pytest.raises(UnsupportedMediaTypeError, match="text/csv"):
        store.query("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")


def test_invalid_query_and_updates_are_query_errors(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError):
        store.query("SELEC * WHERE { ?s ?p ?o }", "text/csv")
    with pytest.raises(QueryError):
        store.query(f"DROP GRAPH <{G1}>", "text/csv")
    assert sorted(store.graph_iris()) == [G1, G2]


@pytest.mark.parametrize(
    ("name", "media_type"), [("dump.nq.gz", "application/n-quads"), ("dump.trig", "application/trig")]
)
def test_dump_round_trips(store: EmbeddedStore, tmp_path: Path, name: str, media_type: str) -> None:
    target = tmp_path / name
    store.dump(str(target), media_type)
    with EmbeddedStore(tmp_path / "copy") as copy:
        copy.load_nquads(str(target))
        assert copy.quad_count() == 5
        assert _values(copy) == _values(store)


def test_second_writer_in_same_process_is_refused(store: EmbeddedStore) -> None:
    with pytest.raises(StoreLockedError, match="already open"):
        EmbeddedStore(store.path)


def test_writer_in_another_process_gets_a_clear_lock_error(store: EmbeddedStore) -> None:
    script = "import sys\nfrom ogikg.store.embedded import EmbeddedStore\nEmbeddedStore(sys.argv[1])\n"
    result = subprocess.run(
        [sys.executable, "-c", script, str(store.path)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert f"store at {store.path} is in use by another process (RocksDB lock)" in result.stderr


def test_close_releases_the_lock(store: EmbeddedStore) -> None:
    store.close()
    with EmbeddedStore(store.path) as again:
        assert again.quad_count() == 5


def test_read_only_open_of_missing_store_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(StoreNotFoundError, match=re.escape(f"no store at {missing}")):
        EmbeddedStore.open_read_only(missing)
    assert not missing.exists()


def test_read_only_handle_refuses_writes_and_refreshes_after_a_write(store: EmbeddedStore) -> None:
    reader = EmbeddedStore.open_read_only(store.path)
    with pytest.raises(ReadOnlyStoreError):
        reader.replace_graphs({G1: b""})
    assert not reader.is_stale()
    store.replace_graphs({G1: b""})
    assert reader.is_stale()
    assert sorted(reader.graph_iris()) == [G1, G2]  # a snapshot as of opening
    assert reader.refresh() is True
    assert sorted(reader.graph_iris()) == [G2]
    assert reader.refresh() is False


def test_update_is_committed_flushed_and_seen_by_a_fresh_reader(tmp_path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "一" } }')
    reader = EmbeddedStore.open_read_only(tmp_path / "s")
    rows = reader.select("SELECT ?o WHERE { GRAPH <urn:g> { <urn:a> <urn:p> ?o } }")
    assert [r["o"].value for r in rows] == ["一"]
    reader.close()
    store.close()


# -- bulk_load_new: many files joined into one loader call ----------------------------------------


def test_bulk_load_new_joins_files_even_without_final_newline(tmp_path: Path) -> None:
    first, second = tmp_path / "a.nq", tmp_path / "b.nq"
    lines = NQUADS.splitlines()
    first.write_text("\n".join(lines[:3]), encoding="utf-8")  # no newline after the last statement
    second.write_text("\n".join(lines[3:]) + "\n", encoding="utf-8")
    ticks: list[int] = []
    with EmbeddedStore(tmp_path / "store") as opened:
        stats = opened.bulk_load_new([str(first), str(second)], progress=ticks.append, trusted=True)
        assert stats.quads == 5 and stats.graphs == 2
        assert opened.quad_count() == 5
        assert _values(opened, G1) == [(EX + "obs/1", "7"), (EX + "obs/2", "5")]
        assert _values(opened, G2) == [(EX + "obs/3", "11")]
    assert sum(ticks) == 2


def test_bulk_load_new_names_the_file_and_line_of_a_syntax_error(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.nq", tmp_path / "bad.nq"
    good.write_text(NQUADS, encoding="utf-8")
    bad.write_text(
        f'<{EX}s> <{EX}p> "1" <{G1}> .\n<{EX}s> <{EX}p> "unterminated <{G1}> .\n', encoding="utf-8"
    )
    with EmbeddedStore(tmp_path / "store") as opened, pytest.raises(StoreError) as raised:
        opened.bulk_load_new([str(good), str(bad)])
    assert f"{bad} line 2" in str(raised.value)


def test_bulk_load_new_checks_iris_of_untrusted_files(tmp_path: Path) -> None:
    path = tmp_path / "user.nq"
    path.write_text(f"<{EX}a b> <{EX}p> <{EX}o> <{G1}> .\n", encoding="utf-8")
    with EmbeddedStore(tmp_path / "store") as opened, pytest.raises(StoreError, match=re.escape(str(path))):
        opened.bulk_load_new([str(path)])
