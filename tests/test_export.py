"""`ogikg convert seeds && ogikg export` lists every cell of the seeds with its printed value."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ogikg.cli import main
from ogikg.export import REPORT_COLUMNS, VALUE_COLUMNS, _row_path
from ogikg.ontology.catalogue import catalogue
from shared import shared_dir

EXPECTED = Path(__file__).parent / "expected" / "seeds"


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    result = CliRunner().invoke(main, ["convert", str(shared_dir() / "corpus" / "seeds"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _export(out: Path, *extra: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["export", str(out), "--format", "csv", *extra])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.splitlines()[0] == ",".join(REPORT_COLUMNS if extra else VALUE_COLUMNS)
    return list(csv.DictReader(io.StringIO(text)))


def _where(cat, key: str) -> tuple[str, str, str]:
    notation, _, applicant = key.partition("/")
    table, row, column = _row_path(cat[notation], cat)
    if applicant:
        column = cat[applicant].label_zh
    return table, row, column


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_every_printed_cell_of_a_seed_is_exported_with_its_value(converted: Path, seed: str):
    cat = catalogue()
    gold = json.loads((EXPECTED / f"{seed}.json").read_text(encoding="utf-8"))
    rows = [r for r in _export(converted) if Path(r["source"].split(":")[0]).name.startswith(seed + "_")]
    by_place = {(r["table"], r["row"], r["column"]): r for r in rows if r["table"] != "正文"}
    for key, printed in gold["cells"].items():
        row = by_place.get(_where(cat, key))
        assert row is not None, key
        if printed == "":
            assert (row["value"], row["status"]) == ("", "blank"), key
        elif printed == "/":
            assert (row["value"], row["status"]) == ("", "not_applicable"), key
        else:
            assert row["value"] == printed and row["status"] == "reported", key
            assert row["source"].split(":")[1].isdigit()
    assert {r["template"] for r in rows} == {gold["metadata"]["template"]}
    assert {r["agency"] for r in rows} == {gold["metadata"]["agency"][0]}


def test_seed_001_blank_cells_stay_blank(converted: Path):
    rows = [r for r in _export(converted) if "001_" in r["source"] and r["table"] != "正文"]
    blank = [r for r in rows if r["status"] == "blank"]
    assert len(rows) == 58 and len(blank) > 40
    assert all(r["value"] == "" for r in blank)
    staff = [r for r in rows if r["row"].endswith("从事政府信息公开工作人员数")]
    assert [r["value"] for r in staff] == ["2"]


def test_one_row_per_report_including_the_narrative_one(converted: Path):
    rows = _export(converted, "--reports")
    assert sorted((r["agency"], r["year"], r["template"]) for r in rows) == [
        ("宿州市统计局", "2013", "narrative"),
        ("张掖市统计局", "2023", "2021"),
        ("衢州市统计局", "2017", "old"),
        ("衢州市西区管委会", "2016", "old"),
        ("重庆市统计局", "2020", "2019"),
    ]
    chongqing = next(r for r in rows if r["agency"] == "重庆市统计局")
    assert (chongqing["adcode"], chongqing["level"], chongqing["published"]) == (
        "500000",
        "province",
        "2021-01-29",
    )


def test_a_store_exports_the_same_report_rows_as_the_convert_output(converted: Path, tmp_path: Path):
    """Agency name, area code and level come from the agency's and area's graphs of the store."""
    from ogikg.export import graphs_from_output, graphs_from_store, report_row
    from ogikg.loading import load_into
    from ogikg.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "store") as store:
        load_into(store, converted)
        from_store = sorted((report_row(g) for g in graphs_from_store(store)), key=lambda r: r["report"])
    from_output = sorted((report_row(g) for g in graphs_from_output(converted)), key=lambda r: r["report"])
    assert from_store == from_output
    chongqing = next(r for r in from_store if r["agency"] == "重庆市统计局")
    assert (chongqing["adcode"], chongqing["level"]) == ("500000", "province")
