"""`ogikg demo` end to end without the server: samples rendered, converted, validated and loaded,
and the README's quality query lists the planted violation with its rule and cells."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ogikg.demo import run_demo
from ogikg.queries import researcher_query

COLUMNS = ("report", "rule", "difference", "indicator", "applicant", "value")


def test_the_demo_store_answers_which_reports_break_a_rule_and_where(tmp_path: Path) -> None:
    run_demo(input_dir=None, workdir=str(tmp_path), host="127.0.0.1", port=0, serve=False, jobs=1)
    manifest = (tmp_path / "out" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(manifest) == 7
    store = ox.Store.read_only(str(tmp_path / "store"))
    result = store.query(researcher_query("violations").sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    rows = [tuple(row[name].value if row[name] is not None else None for name in COLUMNS) for row in result]
    # sample 3 (成都市 2019 form, report year 2020) prints 211 for （七）总计 where 201 were concluded:
    # the balance of its 总计 column (I1), the applicant columns (I2) and the sum of the outcomes (I3)
    reports = {row[0] for row in rows}
    assert len(reports) == 1 and next(iter(reports)).endswith("/2020")
    assert {row[1:3] for row in rows} == {("I1", "-10"), ("I2", "10"), ("I3", "10")}
    assert [row[3:] for row in rows if row[1] == "I1"] == [
        ("2019.T3.carriedForward", "T", "0"),
        ("2019.T3.carriedOver", "T", "0"),
        ("2019.T3.newReceived", "T", "201"),
        ("2019.T3.totalProcessed", "T", "211"),
    ]
    assert sorted(row[4:] for row in rows if row[1] == "I2") == sorted(
        [("NP", "74"), ("C", "26"), ("R", "30"), ("S", "25"), ("L", "15"), ("O", "31"), ("T", "211")]
    )
    assert len([row for row in rows if row[1] == "I3"]) == 20  # 总计 and its 19 parts
