"""``ogikg validate`` on a convert output folder: quality files, summaries, exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from ogikg.jsonl import report_records
from ogikg.shapes import SHAPES_NAMESPACE
from ogikg.validation.command import validate_command
from ogikg.validation.summary import report_text
from report_factory import consistent_values, emit, make_following_report, make_report

SH_VALUE = "http://www.w3.org/ns/shacl#value"


def write_output(folder: Path, reports) -> list[str]:
    """A folder laid out like ``ogikg convert`` output: graphs/…nq files and manifest.jsonl."""
    names = []
    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for index, report in enumerate(reports):
            ids, nquads = emit(report)
            name = f"graphs/{index:02d}/{report.document.sha256}.nq"
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(nquads, encoding="utf-8")
            record = {"input": f"in/{index}.txt", "status": "converted", "report": ids.report, "output": name}
            manifest.write(json.dumps(record) + "\n")
            names.append(name)
        manifest.write(
            json.dumps({"input": "in/bad.txt", "status": "rejected", "reason": "not a report"}) + "\n"
        )
    return names


def test_clean_folder_exits_zero_and_writes_quality_graphs(tmp_path: Path) -> None:
    first = make_report("2021", year=2021)
    names = write_output(tmp_path, [make_report("old"), first, make_following_report(first)])
    result = CliRunner().invoke(validate_command, [str(tmp_path), "--jobs", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    for name in names:
        quality = tmp_path / "quality" / name
        quads = list(ox.parse(quality.read_bytes(), format=ox.RdfFormat.N_QUADS))
        assert any(q.predicate.value.endswith("#conforms") and q.object.value == "true" for q in quads)
    assert "3 reports validated" in result.output and "3 conform" in result.output


def test_violation_and_cross_year_warning(tmp_path: Path) -> None:
    values = consistent_values("2021")
    first = make_report(
        "2021", year=2021, overrides={"2021.T4.review.total": values["2021.T4.review.total"] + 1}
    )
    second = make_following_report(first, values={"2021.T3.carriedOver/NP": 99})
    names = write_output(tmp_path, [first, second])
    result = CliRunner().invoke(
        validate_command, [str(tmp_path), "-j", "2", "--no-progress", "--format", "json"]
    )
    assert result.exit_code == 1
    document = json.loads(result.output)
    reports = document["reports"]
    assert [r["verdict"] for r in reports] == ["violations", "warnings"]
    (violation,) = reports[0]["findings"]
    assert (violation["rule"], violation["difference"]) == ("I4", 1)
    assert {f["rule"] for f in reports[1]["findings"]} == {"I6"}
    assert document["totals"]["with_violations"] == 1
    # the cross-year warning is in the later report's quality graph
    later = (tmp_path / "quality" / names[1]).read_text(encoding="utf-8")
    assert "/rule/I6>" in later and "#Warning>" in later


def test_single_output_file(tmp_path: Path) -> None:
    write_output(tmp_path, [make_report("2019"), make_report("old")])
    target = tmp_path / "all-quality.nq"
    result = CliRunner().invoke(
        validate_command, [str(tmp_path), "-j", "1", "--no-progress", "-o", str(target)]
    )
    assert result.exit_code == 0
    graphs = {q.graph_name.value for q in ox.parse(target.read_bytes(), format=ox.RdfFormat.N_QUADS)}
    assert len(graphs) == 2 and all("/graph/quality/" in g for g in graphs)
    assert not (tmp_path / "quality").exists()


def test_text_summary_names_the_top_findings() -> None:
    from ogikg.validation.shacl import validate_report

    values = consistent_values("2021")
    findings = validate_report(
        emit(make_report("2021", overrides={"2021.T3.granted/NP": values["2021.T3.granted/NP"] + 1}))[1]
    )
    text = report_text(findings, top=1)
    lines = text.splitlines()
    assert lines[0].startswith("✗ ")
    assert lines[1].strip() == "2 violations, 0 warnings, 0 info"  # I2 for the row, I3 for the column
    assert lines[2].split()[0] == "violation"
    assert "… and 1 more" in lines[-1]


class _MemoryStore:
    """The parts of the Store protocol that validation uses, over an in-memory pyoxigraph store."""

    def __init__(self) -> None:
        from ogikg.validation.crossyear import OxigraphSelect

        self.inner = ox.Store()
        self._select = OxigraphSelect(self.inner)
        self.closed = False

    def select(self, sparql: str):
        return self._select.select(sparql)

    def query(self, sparql: str, media_type: str, **_: object):
        from ogikg.store.base import QueryResponse

        assert media_type == "application/n-triples"
        triples = self.inner.query(sparql)
        return QueryResponse(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), media_type)

    def replace_graphs(self, graphs):
        for name, body in graphs.items():
            graph = ox.NamedNode(name)
            if graph in set(self.inner.named_graphs()):
                self.inner.remove_graph(graph)
            for triple in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
                self.inner.add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))

    def close(self) -> None:
        self.closed = True


def test_store_source_gets_quality_graphs_written_into_it() -> None:
    from ogikg.validation.command import preload, validate_store_source
    from ogikg.validation.quality import VIOLATIONS_QUERY

    values = consistent_values("old")
    broken = make_report("old", overrides={"old.review.total": values["old.review.total"] + 2})
    clean = make_report("2021", agency_name="衢州市财政局", agency_body="财政局")
    store = _MemoryStore()
    for report in (broken, clean):
        store.inner.load(emit(report)[1].encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    preload()
    found = list(validate_store_source(store, jobs=1, output=None, progress=False))
    assert sorted(f.violations for f in found) == [0, 1]
    assert store.closed
    rows = list(store.inner.query(VIOLATIONS_QUERY))
    assert [(r["report"].value, r["rule"].value.rsplit("/", 1)[-1]) for r in rows] == [
        (emit(broken)[0].report, "O4")
    ]


def test_store_source_validates_each_report_with_its_agency_and_area_graphs() -> None:
    """The agency and area statements sit in graphs of their own; the shapes must still see them."""
    from ogikg import iris
    from ogikg.validation.command import preload, validate_store_source
    from ogikg.validation.shacl import validate_report

    # an area code that is not a GB/T 2260 code (shape:AdministrativeArea), in two years' reports
    first = make_report("2021", year=2022, adcode="093000")
    second = make_following_report(first)
    store = _MemoryStore()
    for report in (first, second):
        store.inner.load(emit(report)[1].encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    preload()
    found = list(validate_store_source(store, jobs=1, output=None, progress=False))
    area = iris.area_iri("093000")
    shape = SHAPES_NAMESPACE + "AdministrativeArea-adcode"
    from_store = {
        r.report: sorted((f.source_shape, f.value) for f in r.findings if f.focus == area) for r in found
    }
    from_files = {
        emit(r)[0].report: sorted(
            (f.source_shape, f.value) for f in validate_report(emit(r)[1]).findings if f.focus == area
        )
        for r in (first, second)
    }
    assert from_store == from_files == {emit(r)[0].report: [(shape, "093000")] for r in (first, second)}
    # the quality graphs were written into the store with the literal the shape rejected
    values = {q.object for q in store.inner.quads_for_pattern(None, ox.NamedNode(SH_VALUE), None, None)}
    assert ox.Literal("093000") in values


def test_cross_year_checks_find_the_same_in_agency_buckets(tmp_path: Path, monkeypatch) -> None:
    """The checks across years run over buckets of agencies (flat memory for a national corpus):
    all reports of an agency share a bucket, so one report per bucket finds the same."""
    from ogikg.validation import command

    reports = []
    for name, body, adcode in (
        ("衢州市统计局", "统计局", "330800"),
        ("杭州市民政局", "民政局", "330100"),
        ("宁波市财政局", "财政局", "330200"),
    ):
        first = make_report("2021", year=2021, agency_name=name, agency_body=body, adcode=adcode)
        # the third agency carries over what it carried forward: no finding
        carried = {} if adcode == "330200" else {"2021.T3.carriedOver/NP": 99}
        reports += [first, make_following_report(first, values=carried)]
    write_output(tmp_path, reports)

    def warned() -> list[str]:
        arguments = [str(tmp_path), "-j", "1", "--no-progress", "--format", "json"]
        document = json.loads(CliRunner().invoke(validate_command, arguments).output)
        return [
            r["source"]["file"] for r in document["reports"] if any(f["rule"] == "I6" for f in r["findings"])
        ]

    assert warned() == ["in/1.txt", "in/3.txt"]  # the later reports of the first two agencies
    monkeypatch.setattr(command, "REPORTS_PER_BUCKET", 1)
    records = list(report_records(tmp_path))
    buckets = [command._bucket(record["report"], len(records)) for record in records]
    assert buckets[0::2] == buckets[1::2]  # each agency's two years in one bucket
    assert len(set(buckets)) > 1  # and the agencies spread over several
    assert warned() == ["in/1.txt", "in/3.txt"]


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*.nq")}


def test_a_rerun_reuses_the_findings_of_unchanged_reports(tmp_path: Path, monkeypatch) -> None:
    from ogikg.validation import command

    values = consistent_values("2021")
    first = make_report(
        "2021", year=2021, overrides={"2021.T4.review.total": values["2021.T4.review.total"] + 1}
    )
    second = make_following_report(first, values={"2021.T3.carriedOver/NP": 99})
    names = write_output(tmp_path, [first, second])
    arguments = [str(tmp_path), "-j", "1", "--no-progress", "--format", "json"]
    before = json.loads(CliRunner().invoke(validate_command, arguments).output)
    assert before["totals"]["unchanged"] == 0
    quality_files = _mtimes(tmp_path / "quality")
    assert len(quality_files) == 2

    def not_again(data: bytes):
        raise AssertionError("an unchanged report was validated again")

    monkeypatch.setattr(command, "validate_report", not_again)
    result = CliRunner().invoke(validate_command, arguments)
    assert result.exit_code == 1  # the violation is still reported
    after = json.loads(result.output)
    assert after["totals"]["unchanged"] == 2
    assert [r["findings"] for r in after["reports"]] == [r["findings"] for r in before["reports"]]
    assert [r["source"] for r in after["reports"]] == [r["source"] for r in before["reports"]]
    assert {f["rule"] for f in after["reports"][1]["findings"]} == {"I6"}
    assert _mtimes(tmp_path / "quality") == quality_files  # nothing rewritten
    monkeypatch.undo()

    # the first report corrected (and carrying 99 forward): its shapes run again; the second is
    # unchanged, but the check across years no longer finds anything, so its quality graph changes
    fixed = make_report("2021", year=2021, values={"2021.T3.carriedForward/NP": 99})
    assert fixed.document.sha256 != first.document.sha256
    fixed_names = write_output(tmp_path, [fixed, second])
    assert fixed_names[1] == names[1]
    again = json.loads(CliRunner().invoke(validate_command, arguments).output)
    assert again["totals"]["unchanged"] == 1 and again["totals"]["with_violations"] == 0
    assert [r["verdict"] for r in again["reports"]] == ["conforms", "conforms"]
    later = (tmp_path / "quality" / names[1]).read_text(encoding="utf-8")
    assert "/rule/I6>" not in later

    # --no-resume validates everything again
    fresh = json.loads(CliRunner().invoke(validate_command, [*arguments, "--no-resume"]).output)
    assert fresh["totals"]["unchanged"] == 0
    assert [r["findings"] for r in fresh["reports"]] == [r["findings"] for r in again["reports"]]


def test_a_finding_comes_back_whole_from_the_ledger() -> None:
    """The ledger keeps findings as JSON: every field of a finding must survive the trip, so a
    field added to Finding and forgotten in finding_to_json fails here."""
    from dataclasses import fields
    from decimal import Decimal

    from ogikg.validation.findings import Finding, FindingKind, Severity, finding_from_json, finding_to_json

    finding = Finding(
        Severity.WARNING,
        FindingKind.MISMATCH,
        "https://example.org/shape/I1",
        "https://example.org/report/1",
        "第一项加第二项之和不等于第三项加第四项之和",
        "I1 does not hold",
        rule="https://example.org/rule/I1",
        value="https://example.org/cell/1",
        cells=("https://example.org/cell/1", "https://example.org/cell/2"),
        actual=Decimal("12.5"),
        expected=7,
        source_constraint="https://example.org/constraint/1",
        constraint_component="http://www.w3.org/ns/shacl#SPARQLConstraintComponent",
        path="https://example.org/path",
    )
    written = json.loads(json.dumps(finding_to_json(finding)))
    assert set(written) == {f.name for f in fields(Finding)}
    back = finding_from_json(written)
    assert back == finding
    assert (type(back.actual), type(back.expected)) == (Decimal, int)


def test_an_output_named_twice_in_the_manifest_is_validated_once(tmp_path: Path) -> None:
    """Two identical input files share one output file: one report, one ledger entry."""
    (name,) = write_output(tmp_path, [make_report("2021", year=2021)])
    record = {"input": "in/copy.txt", "status": "converted", "output": name}
    with (tmp_path / "manifest.jsonl").open("a", encoding="utf-8") as manifest:
        manifest.write(json.dumps(record) + "\n")
    arguments = [str(tmp_path), "-j", "1", "--no-progress", "--format", "json"]
    document = json.loads(CliRunner().invoke(validate_command, arguments).output)
    assert [r["verdict"] for r in document["reports"]] == ["conforms"]
    ledger = (tmp_path / "quality" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(ledger) == 1


def test_the_ledger_holds_only_for_the_same_shapes(tmp_path: Path, monkeypatch) -> None:
    from ogikg.validation import command

    write_output(tmp_path, [make_report("2021", year=2021), make_report("old")])
    arguments = [str(tmp_path), "-j", "1", "--no-progress", "--format", "json"]
    CliRunner().invoke(validate_command, arguments)
    again = json.loads(CliRunner().invoke(validate_command, arguments).output)
    assert again["totals"]["unchanged"] == 2
    monkeypatch.setattr(command, "shapes_fingerprint", lambda: "shapes edited since")
    edited = json.loads(CliRunner().invoke(validate_command, arguments).output)
    assert edited["totals"]["unchanged"] == 0
