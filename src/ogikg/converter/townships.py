"""Townships and sub-districts (乡级: 镇, 乡, 街道) → the county-level area they lie in.

GB/T 2260 stops at counties, yet a township's report often names only itself (钢花村街道办事处).
The four-level names come from jionlp's location dictionary (the statistics bureau's division
codes): read from the installed package's data file, without importing jionlp, whose import
loads its language models. A township name that several counties share (城关镇) places nothing.
"""

from __future__ import annotations

import importlib.util
import zipfile
from functools import cache
from pathlib import Path

_DICTIONARY = ("dictionary", "china_location.zip")
_MEMBER = "china_location.txt"
_COUNTY_DEPTH, _TOWNSHIP_DEPTH = 2, 3  # leading tabs: province 0, prefecture 1, county 2 …


def township_prefix(name: str) -> tuple[str, str] | None:
    """The longest head of ``name`` that is a township name with one county (钢花村街道办事处 →
    钢花村街道), and that county's code; None when no head places the body."""
    townships = _townships()
    for length in range(len(name), 1, -1):
        codes = townships.get(name[:length])
        if codes is not None:
            return (name[:length], next(iter(codes))) if len(codes) == 1 else None
    return None


@cache
def _townships() -> dict[str, frozenset[str]]:
    path = _dictionary_path()
    if path is None:
        return {}
    found: dict[str, set[str]] = {}
    county: str | None = None
    with zipfile.ZipFile(path) as archive, archive.open(_MEMBER) as raw:
        for line in raw.read().decode("utf-8").splitlines():
            depth = len(line) - len(line.lstrip("\t"))
            if depth == _COUNTY_DEPTH:
                fields = line.strip("\t").split("\t")
                county = fields[1] if len(fields) > 1 and fields[1].isdigit() else None
            elif depth == _TOWNSHIP_DEPTH and county is not None:
                found.setdefault(line.strip(), set()).add(county)
            elif depth < _COUNTY_DEPTH:
                county = None
    return {name: frozenset(codes) for name, codes in found.items()}


def _dictionary_path() -> Path | None:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*_DICTIONARY)
    return path if path.is_file() else None
