"""Checks the hand-written expected files themselves: shape, vocabulary, codes and arithmetic.

A gold file that breaks one of these is a transcription error (or a printed inconsistency that
must then be listed in the file's ``inconsistencies``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import stdnum
from stdnum.cn import uscc

from ogikg.converter.model import cell_key
from ogikg.evaluation import METADATA_FIELDS
from ogikg.ontology.catalogue import Catalogue, Concept, catalogue
from shared import SHARED, shared_dir

EXPECTED = Path(__file__).resolve().parent / "expected"
CORPUS = SHARED / "corpus"

NARRATIVE_IDS = {
    "narrative.activeDisclosed",
    "narrative.requestsReceived",
    "narrative.requestsNew",
    "narrative.requestsCarriedOver",
    "narrative.requestsCompleted",
    "narrative.requestsCarriedForward",
    "narrative.requestsGranted",
    "narrative.requestsPartiallyGranted",
    "narrative.administrativeReviews",
    "narrative.administrativeLitigations",
    "narrative.feesCharged",
}
METADATA_KEYS = set(METADATA_FIELDS)
LEVELS = {"central", "province", "prefecture", "county", "township", "development-zone"}
TEMPLATES = {"old", "2019", "2021", "narrative"}
TOP_KEYS = {
    "file",
    "whole",
    "metadata",
    "undeterminable",
    "cells",
    "narrative",
    "extra_cells",
    "also_acceptable",
    "ambiguous",
    "inconsistencies",
    "notes",
}
NUMBER = re.compile(r"-?\d+(\.\d+)?")
XSD = "http://www.w3.org/2001/XMLSchema#"


def _gold_files() -> list[Path]:
    return sorted(EXPECTED.rglob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


GOLD = _gold_files()
IDS = [str(p.relative_to(EXPECTED)) for p in GOLD]


# ------------------------------------------------------------------------------ area-code lookup


@cache
def _area_codes() -> dict[str, list[tuple[str, int | None, int | None]]]:
    """GB/T 2260 codes with their validity years, from python-stdnum's loc.dat."""
    path = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    codes: dict[str, list[tuple[str, int | None, int | None]]] = {}
    province = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if match := re.match(r'^(\d\d) province="(.*)"', line):
            province = match.group(1)
            codes[province + "0000"] = [(match.group(2), None, None)]
        elif match := re.match(r'^\s+(\d{4}) county="(.*)"', line):
            for piece in match.group(2).split(","):
                part = re.match(r"(?:\[(\d*)-(\d*)\])?(.*)", piece)
                assert part is not None
                start, end = (int(x) if x else None for x in part.group(1, 2))
                codes.setdefault(province + match.group(1), []).append((part.group(3), start, end))
    return codes


def _area_name(code: str, year: int) -> str | None:
    for name, start, end in _area_codes().get(code, []):
        if (start is None or start <= year) and (end is None or year <= end):
            return name
    return None


# ------------------------------------------------------------------------------------- shape


@pytest.mark.parametrize("path", GOLD, ids=IDS)
def test_shape(path: Path) -> None:
    gold = _load(path)
    assert set(gold) <= TOP_KEYS
    assert {"file", "whole", "metadata", "undeterminable", "cells", "narrative", "notes"} <= set(gold)
    assert isinstance(gold["whole"], bool)
    assert set(gold["metadata"]) == METADATA_KEYS
    assert set(gold["undeterminable"]) <= METADATA_KEYS
    assert path.stem == Path(gold["file"]).name.split("_")[0].split(".")[0]
    assert set(gold.get("also_acceptable", {})) <= METADATA_KEYS
    assert set(gold.get("ambiguous", {})) <= set(gold["cells"])
    for extra in gold.get("extra_cells", []):
        assert set(extra) == {"row", "column", "value"} and NUMBER.fullmatch(extra["value"])


@pytest.mark.parametrize("path", GOLD, ids=IDS)
def test_metadata(path: Path) -> None:
    gold = _load(path)
    meta, undeterminable = gold["metadata"], set(gold["undeterminable"])
    agency = meta["agency"]
    assert isinstance(agency, list) and all(isinstance(n, str) and n.strip() for n in agency)
    assert agency or "agency" in undeterminable
    assert meta["level"] in LEVELS or (meta["level"] is None and "level" in undeterminable)
    assert meta["template"] in TEMPLATES or (meta["template"] is None and "template" in undeterminable)
    kind = meta["kind"]
    assert isinstance(kind, str) or (isinstance(kind, list) and kind) or "kind" in undeterminable
    year = meta["year"]
    assert (isinstance(year, int) and 2008 <= year <= 2025) or (year is None and "year" in undeterminable)
    assert isinstance(meta["is_summary"], bool)
    for name in ("published", "adcode", "year"):
        central_adcode = name == "adcode" and meta["level"] == "central"
        assert meta[name] is not None or name in undeterminable or central_adcode
    if meta["published"] is not None:
        published = date.fromisoformat(meta["published"])
        assert year is None or year <= published.year <= year + 2


@pytest.mark.parametrize("path", GOLD, ids=IDS)
def test_area_code(path: Path) -> None:
    meta = _load(path)["metadata"]
    code, year, level = meta["adcode"], meta["year"], meta["level"]
    if code is None:
        return
    assert re.fullmatch(r"\d{6}", code)
    assert _area_name(code, year or 2020) is not None, f"{code} not valid in {year}"
    if level == "province":
        assert code.endswith("0000")
    if level == "prefecture":
        assert code.endswith("00") and not code.endswith("0000")
    if level == "county":
        assert not code.endswith("00")


@pytest.mark.parametrize("path", GOLD, ids=IDS)
def test_index_number_and_uscc(path: Path) -> None:
    meta = _load(path)["metadata"]
    if meta["uscc"] is not None:
        assert uscc.is_valid(meta["uscc"])
        assert meta["index_number"] is not None and meta["index_number"].startswith(meta["uscc"])
    if meta["index_number"] is not None:
        assert re.fullmatch(r"[0-9A-Z]+/\d{4}-\d+", meta["index_number"])


@pytest.mark.parametrize("path", GOLD, ids=IDS)
def test_narrative_ids_and_values(path: Path) -> None:
    narrative = _load(path)["narrative"]
    assert set(narrative) <= NARRATIVE_IDS
    assert all(isinstance(v, int | float) and v >= 0 for v in narrative.values())
    known = {c.notation for c in catalogue().of_kind("narrative")}
    if known:  # once the narrative scheme is in the ontology, every id must be in it
        assert set(narrative) <= known


# ------------------------------------------------------------------------------------- cells


def _split_key(key: str) -> tuple[str, str | None]:
    indicator, _, applicant = key.partition("/")
    return indicator, applicant or None


def _table(cat: Catalogue, concept: Concept) -> Concept | None:
    return cat.by_iri.get(concept.table) if concept.table else None


@pytest.mark.parametrize("path", GOLD, ids=IDS)
def test_cell_keys_and_values(path: Path) -> None:
    gold = _load(path)
    cat = catalogue()
    template = gold["metadata"]["template"]
    applicants = {a.notation for a in cat.applicant_types()}
    if gold["cells"]:
        assert template in ("old", "2019", "2021")
    for key, value in gold["cells"].items():
        notation, applicant = _split_key(key)
        concept = cat.get(notation)
        assert concept is not None and concept.kind in ("indicator", "derived"), key
        assert notation.startswith(f"{template}."), key
        table = _table(cat, concept)
        has_columns = table is not None and table.column_scheme is not None
        assert (applicant in applicants) if has_columns else applicant is None, key
        assert value in ("", "/", "?") or NUMBER.fullmatch(value), (key, value)
        if NUMBER.fullmatch(value):
            datatype = (concept.datatype or "").removeprefix(XSD)
            if datatype != "decimal":
                assert "." not in value, (key, value)
            if datatype != "integer":
                assert not value.startswith("-"), (key, value)


def _official_keys(cat: Catalogue, generation: str) -> set[str]:
    keys: set[str] = set()
    applicants = [a.notation for a in cat.applicant_types()]
    for concept in cat.indicators(generation):
        table = _table(cat, concept)
        if table is not None and table.column_scheme:
            keys.update(f"{concept.notation}/{a}" for a in applicants)
        else:
            keys.add(concept.notation)
    return keys


@pytest.mark.parametrize("path", GOLD, ids=IDS)
def test_whole_reports_have_every_cell_of_the_form(path: Path) -> None:
    gold = _load(path)
    template = gold["metadata"]["template"]
    if not gold["whole"] or template not in ("2019", "2021"):
        return
    cat = catalogue()
    required = _official_keys(cat, template)
    cells = gold["cells"]
    for key in required - set(cells):
        # a group printed as one row (2019-style （六）其他处理 in a 2021 table) replaces its sub-rows
        notation, applicant = _split_key(key)
        broader = cat.by_iri.get(cat[notation].broader or "")
        assert broader is not None and broader.kind == "derived", f"missing {key}"
        assert cell_key(broader.notation, applicant) in cells, f"missing {key}"


def _number(cells: Mapping[str, str], key: str) -> Decimal | None:
    value = cells.get(key)
    return Decimal(value) if value is not None and NUMBER.fullmatch(value) else None


def _sum_of(cat: Catalogue, cells: Mapping[str, str], parts: list[str], applicant: str | None):
    """Sum of the parts' values; a missing part may be replaced by its printed group row."""
    total = Decimal(0)
    used_groups: set[str] = set()
    for iri in parts:
        part = cat.iri(iri)
        value = _number(cells, cell_key(part.notation, applicant))
        if value is None:
            group = cat.by_iri.get(part.broader or "")
            if group is None or group.kind != "derived" or cell_key(part.notation, applicant) in cells:
                return None
            if group.notation in used_groups:
                continue
            value = _number(cells, cell_key(group.notation, applicant))
            if value is None:
                return None
            used_groups.add(group.notation)
        total += value
    return total


def _arithmetic_failures(cells: Mapping[str, str]) -> Iterator[str]:
    """Every catalogue identity (I1–I4, O1–O8, bounds) that the recorded numbers break."""
    cat = catalogue()
    columns = [a.notation for a in cat.applicant_types()]
    notations = {_split_key(k)[0] for k in cells}
    for concept in cat.by_iri.values():
        if concept.kind == "applicant":
            continue
        in_report = concept.notation in notations or any(
            cat.iri(i).notation in notations for i in (*concept.sum_of, *concept.left_terms)
        )
        if not in_report:
            continue
        table = _table(cat, concept) or next((_table(cat, cat.iri(i)) for i in concept.left_terms), None)
        per_column = columns if table is not None and table.column_scheme else [None]
        for applicant in per_column:
            label = cell_key(concept.notation, applicant)
            rule = (concept.sum_rule or concept.rule or concept.bound_rule or "").rsplit("/", 1)[-1]
            if concept.sum_of and concept.kind == "indicator":
                want = _number(cells, cell_key(concept.notation, applicant))
                got = _sum_of(cat, cells, concept.sum_of, applicant)
                if want is not None and got is not None and want != got:
                    yield f"{rule or 'sum'} {label}"
            if concept.left_terms:
                left = _sum_of(cat, cells, concept.left_terms, applicant)
                right = _sum_of(cat, cells, concept.right_terms, applicant)
                if left is not None and right is not None and left != right:
                    yield f"{rule or 'balance'} {label}"
            value = _number(cells, cell_key(concept.notation, applicant))
            if value is not None and concept.at_most_sum_of:
                bound = _sum_of(cat, cells, concept.at_most_sum_of, applicant)
                if bound is not None and value > bound:
                    yield f"bound {label}"
            if value is not None and concept.at_least_sum_of:
                bound = _sum_of(cat, cells, concept.at_least_sum_of, applicant)
                if bound is not None and value < bound:
                    yield f"bound {label}"
    # I2: the 总计 column of 表三 is the sum of the six applicant columns
    for notation in sorted(n for n in notations if ".T3." in n):
        total = _number(cells, f"{notation}/T")
        parts = [_number(cells, f"{notation}/{a}") for a in columns if a != "T"]
        if total is not None and None not in parts and total != sum(p for p in parts if p is not None):
            yield f"I2 {notation}"


@pytest.mark.parametrize("path", GOLD, ids=IDS)
def test_arithmetic_holds_except_for_listed_printed_inconsistencies(path: Path) -> None:
    gold = _load(path)
    assert sorted(_arithmetic_failures(gold["cells"])) == sorted(gold.get("inconsistencies", []))


APPLICANTS = ["NP", "C", "R", "S", "L", "O", "T"]


def test_arithmetic_check_catches_a_broken_row() -> None:
    cells = {
        f"2021.T3.newReceived/{a}": str(v) for a, v in zip(APPLICANTS, [3, 0, 0, 0, 0, 0, 4], strict=True)
    }
    assert "I2 2021.T3.newReceived" in set(_arithmetic_failures(cells))
    review = {"upheld": "1", "corrected": "1", "other": "0", "pending": "0", "total": "3"}
    cells = {f"2019.T4.review.{k}": v for k, v in review.items()}
    assert list(_arithmetic_failures(cells)) == ["I4 2019.T4.review.total"]


# ------------------------------------------------------------------------- against the corpus


def _corpus_or_skip() -> Path:
    return shared_dir() / "corpus"


def test_every_corpus_file_has_exactly_one_gold_file() -> None:
    corpus = _corpus_or_skip()
    index = [json.loads(line) for line in (corpus / "reports" / "index.jsonl").read_text().splitlines()]
    wanted = {f"reports/{row['file']}" for row in index}
    wanted |= {f"seeds/{p.name}" for p in (corpus / "seeds").iterdir() if p.suffix == ".txt"}
    golds = [_load(p) for p in GOLD]
    assert sorted(g["file"] for g in golds) == sorted(wanted)
    whole = {f"reports/{row['file']}": row["whole"] for row in index}
    for gold in golds:
        assert (corpus / gold["file"]).is_file()
        assert gold["whole"] == whole.get(gold["file"], True), gold["file"]
