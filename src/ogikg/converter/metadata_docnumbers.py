"""Areas behind document numbers: 《市人民政府办公室关于…的通知》(随政办发[2012]49号).

A government's documents are numbered with the one-character abbreviation of its place (随 for
随州市, 淄 for 淄博市, 临 for 临淄区). When the text names the issuer only by its level (市人民政府
办公室, 区政府办公室), the place is the one division of that level whose name starts with the
abbreviation — inside the places already found for higher levels (淄博市, then 临淄区). No table
of abbreviations is used: a character that starts no name, or several, settles nothing, which
is what happens with provinces (鄂 is 湖北) and with most common characters.
"""

from __future__ import annotations

from functools import lru_cache

from ogikg.converter import metadata_patterns as P
from ogikg.converter.areas import Area, all_areas, is_within, places_before
from ogikg.converter.model import Level

_ISSUER_REACH = 100
_ORDER = {"省": 0, "市": 1, "区": 2, "县": 2}
# 市 is a municipality, a prefecture-level or a county-level city.
_LEVELS = {
    "省": (Level.PROVINCE,),
    "市": (Level.PREFECTURE, Level.PROVINCE, Level.COUNTY),
    "区": (Level.COUNTY,),
    "县": (Level.COUNTY,),
}


def issuer_areas(text: str, year: int | None) -> dict[str, Area]:
    """Level word (省/市/区/县) of a government the text names only by level → its area."""
    pairs: dict[str, set[str]] = {}
    for number in P.DOCUMENT_NUMBER.finditer(text):
        # The issuer is named at most a document title before the number.
        match = P.ISSUED_DOCUMENT.search(text, max(0, number.start() - _ISSUER_REACH), number.end())
        if match is None:
            continue
        word = match.group("rel")
        if places_before(text, match.start("rel") + 1, year) is not None:
            continue  # 淮安市人民政府办公室: a named government, not one named by its level
        pairs.setdefault(word, set()).add(match.group("abbr"))
    found: dict[str, Area] = {}
    for word in sorted(pairs, key=lambda w: _ORDER[w]):
        if len(pairs[word]) != 1:
            continue  # two abbreviations for one level word: two governments, or a misreading
        (abbreviation,) = pairs[word]
        within = [a.code for w, a in found.items() if _ORDER[w] < _ORDER[word]]
        matches = [
            a
            for a in _divisions(year).get(abbreviation, ())
            if a.name.endswith(word)
            and a.level in _LEVELS[word]
            and all(is_within(a.code, code) for code in within)
        ]
        # The higher level first: a prefecture-level 随州市 before a county-level city of the name.
        for level in _LEVELS[word]:
            at_level = [a for a in matches if a.level is level]
            if at_level:
                if len(at_level) == 1:
                    found[word] = at_level[0]
                break
    return found


@lru_cache(maxsize=64)
def _divisions(year: int | None) -> dict[str, tuple[Area, ...]]:
    """The divisions valid in ``year`` by the first character of their name."""
    by_initial: dict[str, list[Area]] = {}
    for division in all_areas(year):
        by_initial.setdefault(division.name[0], []).append(division)
    return {initial: tuple(found) for initial, found in by_initial.items()}
