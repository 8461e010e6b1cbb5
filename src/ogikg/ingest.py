"""Uploaded report files into a store: convert, validate, and replace each report's graphs.

The hook behind the server's token-protected ``POST /admin/ingest``. Each report's data graph and
its quality graph are replaced together in one store transaction, so readers see the previous
version of a report or the new one, never a mix; its agency's and area's graphs, shared with the
agency's other reports, are added to in the same transaction. Every file gets a manifest record,
as in ``ogikg convert``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pyoxigraph as ox

from ogikg import iris
from ogikg.converter.batch import CONVERTED, REJECTED, WITH_WARNINGS, area_description
from ogikg.converter.emit import emit_report
from ogikg.converter.model import RejectedInput
from ogikg.converter.pipeline import all_warnings, convert_bytes
from ogikg.store.base import Store


def _split_shared(graphs: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(graphs to replace, graphs to add to: the agency's and the area's)."""
    shared = {iri: data for iri, data in graphs.items() if iris.is_shared_graph(iri)}
    return {iri: data for iri, data in graphs.items() if iri not in shared}, shared


def _ntriples_by_graph(nquads: str) -> dict[str, bytes]:
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    graphs: dict[str, bytes] = {}
    for graph in store.named_graphs():
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        graphs[graph.value] = data or b""
    return graphs


def ingest_file(name: str, data: bytes, store: Store) -> dict:
    """Convert, validate and load one uploaded file; returns its manifest record."""
    from ogikg.validation.quality import quality_nquads
    from ogikg.validation.shacl import validate_report

    record: dict = {"input": name, "sha256": hashlib.sha256(data).hexdigest()}
    try:
        report = convert_bytes(name, data)
    except RejectedInput as rejection:
        return {**record, "status": REJECTED, "reason": rejection.reason}
    ids, nquads = emit_report(
        report, datetime.now(UTC).replace(microsecond=0), display_path=name, area_lookup=area_description
    )
    findings = validate_report(nquads)
    replaced, added = _split_shared(_ntriples_by_graph(nquads + quality_nquads(findings)))
    store.replace_graphs(replaced, additions=added)
    warnings = list(all_warnings(report))
    return {
        **record,
        "status": WITH_WARNINGS if warnings else CONVERTED,
        "warnings": warnings,
        "report": ids.report,
        "graph": ids.graph,
        "quality_graph": ids.quality_graph,
        "template": report.template.value,
        "year": report.metadata.year,
        "agency": report.metadata.agency.name if report.metadata.agency else None,
        "violations": findings.violations,
        "warnings_found": findings.warnings,
    }


def ingest_reports(files: list[tuple[str, bytes]], store: Store) -> list[dict]:
    """The server's ingest hook: one record per uploaded file, in upload order."""
    return [ingest_file(name, data, store) for name, data in files]
