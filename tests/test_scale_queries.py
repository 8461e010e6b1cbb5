"""The scale benchmark compares the answers of different servers by a fingerprint of their rows
(benchmarks/scale_queries.py): the same values written differently must give the same one."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from scale_queries import fingerprint
from scale_report import _difference_notes

XSD = "http://www.w3.org/2001/XMLSchema#"


def _answer(*values: tuple[str, str]) -> dict:
    return {
        "head": {"vars": ["x"]},
        "results": {
            "bindings": [{"x": {"type": "literal", "value": v, "datatype": XSD + t}} for v, t in values]
        },
    }


def test_booleans_written_as_digits_are_the_same_answer() -> None:
    # Virtuoso writes xsd:boolean as 0/1, oxigraph as false/true: both are lexical forms of one value
    assert fingerprint(_answer(("0", "boolean"), ("1", "boolean"))) == fingerprint(
        _answer(("false", "boolean"), ("true", "boolean"))
    )
    assert fingerprint(_answer(("1", "boolean"))) != fingerprint(_answer(("false", "boolean")))


def test_numbers_are_compared_as_numbers_to_six_places() -> None:
    assert fingerprint(_answer(("0.5", "decimal"))) == fingerprint(_answer(("0.500000000", "decimal")))
    assert fingerprint(_answer(("0.1234564", "decimal"))) == fingerprint(_answer(("0.123456", "decimal")))
    assert fingerprint(_answer(("0.123457", "decimal"))) != fingerprint(_answer(("0.123456", "decimal")))


def test_the_benchmark_page_explains_only_the_differences_the_figures_show() -> None:
    def answered(fingerprint: str) -> dict:
        return {"p50_ms": 1.0, "p95_ms": 1.0, "rows": 1, "fingerprint": fingerprint}

    def size(virtuoso_done_when: str) -> dict:
        queries = {"done-when": "a", "refusals-by-ground-in-province": "b"}
        virtuoso = {**queries, "done-when": virtuoso_done_when}
        return {
            "servers": {
                "ogikg": {"queries": {q: answered(f) for q, f in queries.items()}},
                "virtuoso": {"queries": {q: answered(f) for q, f in virtuoso.items()}},
            }
        }

    assert _difference_notes({"sizes": {"1000": size("a")}}) == []
    (note,) = _difference_notes({"sizes": {"1000": size("a"), "10000": size("c")}})
    assert note.startswith("Virtuoso's ≠ on done-when")
