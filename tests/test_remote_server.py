"""The ogikg server over a remote SPARQL 1.1 store answers like the same server over the embedded store.

Synthetic reports of every form generation are converted, then loaded with ``ogikg load`` both into
an embedded store and into the session's Virtuoso (``--store sparql+http://…``); one report is then
re-converted with a changed figure and loaded again, which replaces its graph in both stores. Two
``ogikg serve`` processes, one per store, answer the researcher queries of the README over HTTP
(SPARQLWrapper), and every answer must be the same.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from conftest_virtuoso import VirtuosoEndpoint
from ogikg.cli import main
from ogikg.queries import researcher_queries, researcher_query
from ogikg.store.embedded import EmbeddedStore
from ogikg.store.open import open_store
from ogikg.synth.samples import write_samples

pytestmark = [pytest.mark.virtuoso, pytest.mark.slow]

OGI = "https://w3id.org/ogikg/def/"
NEW_RECEIVED = "https://w3id.org/ogikg/def/indicator/2021.T3.newReceived"
CHANGED_TO = 98765  # far above any synthetic figure, so it tops "agencies with most requests"
TOTAL = ox.NamedNode("https://w3id.org/ogikg/def/applicant/total")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output  # 1: an input rejected / a report violates
    return result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(store_spec: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    argv = [sys.executable, "-m", "ogikg.server.run", "--store", store_spec, "--port", str(port)]
    with log.open("wb") as handle:
        process = subprocess.Popen(argv, stdout=handle, stderr=subprocess.STDOUT, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text(encoding='utf-8')[-2000:]}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise AssertionError(f"server not ready: {log.read_text(encoding='utf-8')[-2000:]}")


def ask(url: str, sparql: str) -> dict:
    client = SPARQLWrapper(url)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(sparql)
    return client.query().convert()  # type: ignore[return-value]


def normal(term: dict | None) -> str:
    """A term as text, numbers compared as numbers (servers may print 0.5 or 0.500000)."""
    if term is None:
        return ""
    datatype = term.get("datatype", "")
    if datatype.endswith(("#integer", "#decimal", "#double", "#float")):
        try:
            return f"{round(Decimal(term['value']), 6).normalize():f}"
        except InvalidOperation:
            pass
    return f"{term['value']}|{datatype}|{term.get('xml:lang', '')}"


def rows(document: dict) -> list[tuple[str, ...]]:
    names = document["head"]["vars"]
    return sorted(tuple(normal(row.get(name)) for name in names) for row in document["results"]["bindings"])


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic reports of 3 agencies, 2013–2022 (narrative, old, 2019 and 2021 forms), and the 7
    bundled samples (a table that breaks its balance, prose that contradicts its table), converted
    and validated (quality graphs beside the report graphs)."""
    root = tmp_path_factory.mktemp("remote-server")
    write_samples(root / "samples")
    layouts = "pipe,markdown,cells,spaces,run-together,html"
    run_cli(
        "synth", "-o", str(root / "synth"), "--agencies", "3", "--years", "2013-2022", "--layouts", layouts
    )
    run_cli(
        "convert", str(root / "synth" / "reports"), str(root / "samples" / "reports"), "-o", str(root / "out")
    )
    run_cli("validate", str(root / "out"), "--jobs", "1")
    return root


def changed_output(root: Path) -> tuple[Path, str]:
    """A convert output holding one 2021 report again, its 本年新收 总计 changed: (folder, report)."""
    manifest = (root / "out" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    record = next(r for r in map(json.loads, manifest) if r.get("template") == "2021" and r.get("output"))
    quads = list(ox.parse(path=str(root / "out" / record["output"]), format=ox.RdfFormat.N_QUADS))
    indicator, applicant = ox.NamedNode(OGI + "indicator"), ox.NamedNode(OGI + "applicantType")
    cells = {q.subject for q in quads if q.predicate == indicator and q.object == ox.NamedNode(NEW_RECEIVED)}
    total = next(
        q.subject for q in quads if q.subject in cells and q.predicate == applicant and q.object == TOTAL
    )
    changed = [
        ox.Quad(q.subject, q.predicate, ox.Literal(str(CHANGED_TO), datatype=INTEGER), q.graph_name)
        if q.subject == total and q.predicate == ox.NamedNode(OGI + "value")
        else q
        for q in quads
    ]
    assert changed != quads
    again = root / "again"
    (again / record["output"]).parent.mkdir(parents=True, exist_ok=True)
    (again / record["output"]).write_bytes(ox.serialize(changed, format=ox.RdfFormat.N_QUADS) or b"")
    (again / "manifest.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return again, record["report"]


@pytest.fixture(scope="module")
def servers(converted: Path, virtuoso: VirtuosoEndpoint) -> Iterator[tuple[str, str, str]]:
    """(embedded server URL, Virtuoso-backed server URL, changed report IRI)."""
    remote = open_store(virtuoso.store_spec)
    try:
        remote.drop_graphs(list(remote.graph_iris()))  # other tests' graphs would join the union
    finally:
        remote.close()
    store_dir = converted / "store"
    for spec in (str(store_dir), virtuoso.store_spec):
        output = run_cli("load", str(converted / "out"), "--store", spec, "--no-dumps")
        assert "(0 replaced, 0 unchanged skipped)" in output
    again, report = changed_output(converted)
    for spec in (str(store_dir), virtuoso.store_spec):
        output = run_cli("load", str(again), "--store", spec, "--no-quality", "--no-dumps")
        assert "loaded 1 report graphs and 0 quality graphs (1 replaced, 0 unchanged skipped)" in output
    with EmbeddedStore.open_read_only(store_dir) as embedded:
        quads = embedded.quad_count()
    remote = open_store(virtuoso.store_spec)
    try:
        assert remote.quad_count() == quads  # the same data in both stores
    finally:
        remote.close()
    embedded_server, embedded_url = start_server(str(store_dir), converted / "server-embedded.log")
    remote_server, remote_url = start_server(virtuoso.query_url, converted / "server-virtuoso.log")
    try:
        yield embedded_url, remote_url, report
    finally:
        for process in (embedded_server, remote_server):
            process.terminate()
            process.wait(timeout=30)


QUERIES = [query.name for query in researcher_queries()]


def documented(name: str, report: str) -> str:
    """The query of the README; the province one asks for the province of ``report``'s agency
    (the documented 广东 may have no agency in a small synthetic population)."""
    sparql = researcher_query(name).sparql
    adcode = report.split("/id/report/", 1)[1][:2]
    return sparql.replace('VALUES ?province { "44" }', f'VALUES ?province {{ "{adcode}" }}')


@pytest.mark.parametrize("name", QUERIES)
def test_researcher_query_answers_the_same_over_virtuoso(servers: tuple[str, str, str], name: str) -> None:
    embedded_url, remote_url, report = servers
    sparql = documented(name, report)
    here, there = ask(embedded_url, sparql), ask(remote_url, sparql)
    assert here["head"]["vars"] == there["head"]["vars"]
    assert rows(here) == rows(there)


def test_the_queries_have_something_to_compare(servers: tuple[str, str, str]) -> None:
    embedded_url, _, report = servers
    done_when = ask(embedded_url, documented("done-when", report))["results"]["bindings"]
    assert len({row["report"]["value"] for row in done_when}) == 37  # 3 agencies × 10 years + 7 samples
    assert {row["form"]["value"] for row in done_when} == {"narrative", "old", "2019", "2021"}
    for name in ("refusals-by-ground-in-province", "active-disclosure-by-level", "fee-charging-agencies"):
        assert ask(embedded_url, documented(name, report))["results"]["bindings"], name
    contradictions = ask(embedded_url, documented("contradictions", report))["results"]["bindings"]
    assert {row["rule"]["value"] for row in contradictions} == {"I1", "I9"}


def test_the_replaced_report_graph_is_the_new_one_in_both_stores(servers: tuple[str, str, str]) -> None:
    embedded_url, remote_url, report = servers
    sparql = f"""SELECT ?value WHERE {{
      ?cell <{OGI}report> <{report}> ; <{OGI}indicator> <{NEW_RECEIVED}> ;
            <{OGI}applicantType> <https://w3id.org/ogikg/def/applicant/total> ; <{OGI}value> ?value }}"""
    for url in (embedded_url, remote_url):
        assert [row["value"]["value"] for row in ask(url, sparql)["results"]["bindings"]] == [str(CHANGED_TO)]
    most = researcher_query("agencies-most-requests").sparql
    for url in (embedded_url, remote_url):
        top = ask(url, most)["results"]["bindings"][0]
        assert top["requestsReceived"]["value"] == str(CHANGED_TO)
