"""Where an agency printed without its area is, from evidence beyond its name.

A mirror copy that replaced the city (公安局 where 淮安市公安局 stood), a 市水利局 that never
names its city, a township without its county: the text still names the bureau's own accounts and
hotlines (淮安公安微警务), the county's government site (“中国永嘉”县政府门户网站), a document of
its own government (随政办发), or the report carries a USCC whose third to eighth characters are
the registering area. Each route returns the placed name or None; ``AgencyReader.complete`` tries
them after the text's own placed mentions of the body.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from ogikg.converter import metadata_patterns as P
from ogikg.converter.areas import PlaceMatch, area, areas_named, place_ending_at, places_before
from ogikg.converter.metadata_docnumbers import issuer_areas
from ogikg.converter.model import Level

if TYPE_CHECKING:
    from ogikg.converter.metadata_agency import AgencyReader, Parsed

_DOCUMENT_WINDOW = 4000
_HEAD = 4000
_RELATIVE_LEVEL = {"省": Level.PROVINCE, "市": Level.PREFECTURE, "区": Level.COUNTY, "县": Level.COUNTY}


def from_accounts(reader: AgencyReader, parsed: Parsed) -> Parsed | None:
    """公安局 whose city a mirror site replaced, with “淮安公安微警务” and 淮安交通服务热线 left:
    the place its own web sites, accounts and hotlines are named after (place + field word).
    """
    if parsed.kind is None:
        return None
    stems = reader.kinds.stems_of(parsed.kind.notation)
    if not stems:
        return None
    found = _account_place(reader, stems, parsed.relative)
    if found is None:
        return None
    place, span = found
    candidate = reader.parse(place.area.name + parsed.body, context=(place.area.code,))
    if candidate is None or candidate.place is None or candidate.place.area.code != place.area.code:
        return None
    reader.warnings.append(
        f"area of {parsed.printed} taken from {reader.text[span[0] : span[1]]!r}: {place.area.full_name}"
    )
    return replace(candidate, printed=parsed.printed, settled=True)


def _account_place(
    reader: AgencyReader, stems: tuple[str, ...], relative: str | None
) -> tuple[PlaceMatch, tuple[int, int]] | None:
    """The one division named right before one of ``stems`` (淮安|交通) in the text."""
    text = reader.text
    counts: Counter[str] = Counter()
    first: dict[str, tuple[PlaceMatch, tuple[int, int]]] = {}
    for stem in stems:
        position = text.find(stem)
        while position != -1:
            place = place_ending_at(text, position, reader.year)
            if place is not None and (relative is None or place.area.name.endswith(relative)):
                counts[place.area.code] += 1
                first.setdefault(place.area.code, (place, (place.start, position + len(stem))))
            position = text.find(stem, position + len(stem))
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return first[ranked[0][0]]


def from_registered_area(reader: AgencyReader, parsed: Parsed) -> Parsed:
    """林业局 with the USCC 12370305…: the area the code was registered in (临淄区).

    Only an area of the level the name implies is taken (区统计局 wants a district); a
    township body takes it as its county.
    """
    code = reader.registered_area
    found = area(code, reader.year) if code else None
    if found is None:
        return parsed
    if parsed.relative is not None and not found.name.endswith(parsed.relative):
        return parsed
    if parsed.level is not None and parsed.level is not found.level:
        return parsed
    stem = parsed.body
    if parsed.kind is not None and parsed.kind.implied_level is Level.TOWNSHIP:
        if found.level is not Level.COUNTY:
            return parsed
        stem = parsed.name.removeprefix(parsed.relative or "")
    elif parsed.name.startswith(found.name):
        stem = parsed.name[len(found.name) :]
    candidate = reader.parse(found.name + stem, context=(found.code,))
    if candidate is None or candidate.place is None or candidate.place.area.code != found.code:
        return parsed
    reader.warnings.append(f"area of {parsed.printed} taken from the USCC: {found.full_name}")
    return candidate.renamed(parsed.printed)


def from_county_site(reader: AgencyReader, parsed: Parsed) -> Parsed | None:
    """沙头镇人民政府 and “中国永嘉”县政府门户网站: 永嘉县沙头镇人民政府."""
    if parsed.kind is None or parsed.kind.implied_level is not Level.TOWNSHIP:
        return None
    for match in P.SITE_OF_GOVERNMENT.finditer(reader.text):
        place = place_ending_at(match.group("site"), len(match.group("site")), reader.year)
        if place is None:
            continue
        full = areas_named(place.names[0] + match.group("rel"), reader.year, short=False)
        if len(full) != 1 or full[0].level is not Level.COUNTY:
            continue
        candidate = reader.parse(full[0].name + parsed.body, context=(full[0].code,))
        if candidate is not None and candidate.place is not None:
            reader.warnings.append(f"county of {parsed.printed} taken from the site name {match.group(0)!r}")
            return replace(candidate, printed=parsed.printed, settled=True)
    return None


def from_document_numbers(reader: AgencyReader, parsed: Parsed) -> Parsed | None:
    """市水利局 citing 《市人民政府办公室关于…》(随政办发[2012]49号): 随州市水利局."""
    if parsed.relative is None or "政" not in reader.text:
        return None
    found = issuer_areas(reader.text[:_DOCUMENT_WINDOW], reader.year).get(parsed.relative)
    if found is None:
        return None
    candidate = reader.parse(found.name + parsed.body, context=(found.code,))
    if candidate is None or candidate.place is None or candidate.place.area.code != found.code:
        return None
    reader.warnings.append(f"area of {parsed.printed} taken from a document number: {found.full_name}")
    return replace(candidate, printed=parsed.printed, settled=True)


def own_government_level(reader: AgencyReader) -> Level | None:
    """The level of a department whose area is unknown, from how it names its government.

    在区委、区政府的正确领导下 or 利用县政府网站 put it in a county-level area; 市 does not
    tell a prefecture from a county-level city, so it says nothing.
    """
    text = reader.text[:_HEAD]
    levels: set[Level] = set()
    for match in P.OWN_GOVERNMENT.finditer(text):
        word = match.group("rel")
        start = match.start("rel")
        if places_before(text, start + 1, reader.year) is not None:
            continue  # 浦东新区政府: a named area's government, not the report's own
        levels.add(_RELATIVE_LEVEL[word])
    return levels.pop() if len(levels) == 1 else None
