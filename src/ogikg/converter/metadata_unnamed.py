"""The publishing body of a report that never prints its name, from what the text still says.

Excerpts that start mid-page and copies whose names a mirror site replaced often call the body
only 我局, 我镇, 本市 or 园区. What they do show — a field account named after the place
(“大余民政”), the subdivisions they list (卢湾、宝山、嘉定等区县), the subdivisions they speak for
(各县(市)区), the kind of body they call themselves — still places or at least classifies it. Each
reading here runs only when nothing in the text names a body; the result keeps the name as far
as it is known (镇人民政府, 市人民政府) and leaves the area open otherwise.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ogikg.converter import metadata_patterns as P
from ogikg.converter.areas import Area, PlaceMatch, area, areas_named, is_within, match_places
from ogikg.converter.model import Level

if TYPE_CHECKING:
    from ogikg.converter.metadata_agency import AgencyReader, AgencyResult

_DEPARTMENT_WORDS = frozenset({"局", "委", "厅"})
_LEVEL_WORDS = {"省": Level.PROVINCE, "市": Level.PREFECTURE, "区": Level.COUNTY, "县": Level.COUNTY}
_HEAD = 4000
_LIST_REACH = 80  # characters before 等 a list of subdivisions may take
_QUOTED = 12  # characters of a quoted account name read for its place
# A field must be named this often, and this many times as often as any other, to classify a
# body by its words: generic words (法治建设, 统计期限) name other fields once or twice.
_FIELD_MENTIONS = 3
_FIELD_MARGIN = 1.5


def unnamed_agency(reader: AgencyReader) -> AgencyResult | None:
    """The body of a report that names none, as far as the text determines it, else None."""
    return (
        from_field_account(reader)
        or from_field_words(reader)
        or from_listed_subdivisions(reader)
        or from_subdivisions_spoken_for(reader)
        or from_kind_word(reader)
    )


def from_field_account(reader: AgencyReader) -> AgencyResult | None:
    """我局 and the account “大余民政”: the 民政局 of 大余县 (a quoted place + field word)."""
    if reader.self_reference not in _DEPARTMENT_WORDS:
        return None
    text = reader.text
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], tuple[PlaceMatch, int]] = {}
    quote = text.find("“")
    while quote != -1:
        opening = quote + 1
        quote = text.find("“", opening)
        place = match_places(text[opening : opening + _QUOTED], reader.year, short=True)
        stem = reader.kinds.stem_regex.match(text, opening + place.end) if place else None
        if place is None or stem is None:
            continue
        place = PlaceMatch(place.area, opening + place.start, opening + place.end, place.names)
        kind = reader.kinds.by_stem[stem.group(0)]
        if reader.self_reference not in kind.label_zh:
            continue
        key = (place.area.code, kind.notation)
        counts[key] += 1
        first.setdefault(key, (place, stem.end()))
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    (code, notation), _ = ranked[0]
    place, end = first[(code, notation)]
    kind = reader.kinds.by_notation(notation)
    parsed = reader.parse(place.area.name + kind.label_zh, context=(code,))
    if parsed is None or parsed.place is None:
        return None
    reader.warnings.append(f"agency named after the account {text[place.start : end]!r} in the text")
    return reader.result(parsed, reader.lines.span(place.start, end))


def from_field_words(reader: AgencyReader) -> AgencyResult | None:
    """我局 … 民政为民 … 推进民政法治建设: a 民政局, its place unknown, its level from its government.

    The field words of one kind must clearly outnumber those of every other kind.
    """
    if reader.self_reference not in _DEPARTMENT_WORDS:
        return None
    text = reader.text[:_HEAD]
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    for match in reader.kinds.stem_regex.finditer(text):
        kind = reader.kinds.by_stem[match.group(0)]
        counts[kind.notation] += 1
        first.setdefault(kind.notation, match.span())
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < _FIELD_MENTIONS:
        return None
    notation, mentions = ranked[0]
    if len(ranked) > 1 and mentions < _FIELD_MARGIN * ranked[1][1]:
        return None
    kind = reader.kinds.by_notation(notation)
    if reader.self_reference not in kind.label_zh:
        return None
    parsed = reader.parse(kind.label_zh)
    if parsed is None:
        return None
    start, end = first[notation]
    reader.warnings.append(
        f"the report calls itself 我{reader.self_reference} and never names the body; "
        f"classified by its field ({text[start:end]!r} {mentions} times)"
    )
    return reader.result(parsed, reader.lines.span(start, end))


def from_listed_subdivisions(reader: AgencyReader) -> AgencyResult | None:
    """本市 … 卢湾、宝山、嘉定、松江等区县: the one city all the listed subdivisions lie in."""
    word = reader.self_reference
    if word not in _LEVEL_WORDS:
        return None
    text = reader.text[:_HEAD]
    for end in P.LISTED_SUBDIVISIONS_END.finditer(text):
        match = P.LISTED_SUBDIVISIONS.search(text, max(0, end.start() - _LIST_REACH), end.start())
        if match is None:
            continue
        names = match.group("list").split("、")
        # The first item may have caught words before it (…等部门和卢湾): its longest place suffix.
        head = next(
            (names[0][k:] for k in range(len(names[0]) - 1) if areas_named(names[0][k:], reader.year)), None
        )
        if head is None:
            continue
        parent = _common_parent([head, *names[1:]], reader.year)
        if parent is None or not parent.name.endswith(word):
            continue
        government = reader.kinds.by_notation("government")
        parsed = reader.parse(parent.name + government.label_zh, context=(parent.code,))
        if parsed is None or parsed.place is None or parsed.place.area.code != parent.code:
            continue
        reader.warnings.append(f"area taken from the subdivisions the text lists: {parent.full_name}")
        return reader.result(parsed, reader.lines.span(*match.span("list")))
    return None


def _common_parent(names: list[str], year: int | None) -> Area | None:
    """The smallest division that holds one namesake of every name (two names at least)."""
    if len(names) < 2:
        return None
    options = [areas_named(name, year) for name in names]
    if not all(options):
        return None
    parents: set[str] | None = None
    for candidates in options:
        codes: set[str] = set()
        for candidate in candidates:
            if candidate.parent:
                codes.add(candidate.parent)
                codes.add(candidate.parent[:2] + "0000")
        parents = codes if parents is None else parents & codes
    if not parents:
        return None
    # The deepest common parent: a prefecture before its province.
    code = max(parents, key=lambda c: (not c.endswith("0000"), c))
    if any(other != code and not is_within(code, other) and not is_within(other, code) for other in parents):
        return None  # two unrelated parents fit: the names do not settle it
    return area(code, year)


def from_subdivisions_spoken_for(reader: AgencyReader) -> AgencyResult | None:
    """全市 … 各县(市)区: a city government's report, at prefecture level, its name unknown.

    Only subdivisions that tell the level are used: county-level cities (县(市)) lie only in
    prefectures, prefectures (市(州)) only in provinces; a county's 各乡镇 makes it a county.
    """
    if reader.self_reference is not None and reader.self_reference not in _LEVEL_WORDS:
        return None
    text = reader.text[:_HEAD]
    whole = P.WHOLE_AREA.search(text)
    if whole is None:
        return None
    word = whole.group("rel")
    level: Level | None = None
    for match in P.SUBDIVISIONS.finditer(text):
        implied = _implied_level(word, match)
        if implied is not None:
            level = implied
            break
    if level is None:
        return None
    government = reader.kinds.by_notation("government")
    parsed = reader.parse(word + government.label_zh)
    if parsed is None:
        return None
    reader.warnings.append(f"the report speaks for a whole {word} ({whole.group(0)}) that it does not name")
    return reader.result(parsed, reader.lines.span(*whole.span()), level=level)


def _implied_level(word: str, match: object) -> Level | None:
    groups = match.groupdict()  # type: ignore[attr-defined]
    if word == "省" and groups.get("prefectures"):
        return Level.PROVINCE
    if word == "市" and groups.get("county_cities"):
        return Level.PREFECTURE
    if word in ("县", "区") and groups.get("townships"):
        return Level.COUNTY
    return None


def from_kind_word(reader: AgencyReader) -> AgencyResult | None:
    """我镇, 我街道, or a report opening "2024年,园区…": a body of that kind, unnamed.

    Only words that fix the level (township bodies, development zones) are kept; 我局 alone says
    nothing about the body.
    """
    text = reader.text[:_HEAD]
    word = reader.self_reference
    span: tuple[int, int] | None = None
    if word is not None:
        match = next((m for m in P.SELF_REFERENCE.finditer(text) if m.group("kind") == word), None)
        span = match.span("kind") if match else None
    else:
        opening = P.OPENING_WORDS.search(reader.lines.head(12))
        if opening is not None:
            words = opening.group("words")
            # The longest opening that is a kind's whole ending: 园区|认真…, 街道|坚持…
            for length in range(len(words), 1, -1):
                found = reader.kinds.by_ending.get(words[:length])
                if found is not None and found.kind.implied_level is not None:
                    word = words[:length]
                    span = (opening.start("words"), opening.start("words") + length)
                    break
    if word is None or span is None:
        return None
    kind = reader.kinds.classify(word)
    if kind is None or kind.ending != word or kind.kind.implied_level is None:
        return None
    parsed = reader.parse(reader.kinds.completed(word, kind))
    if parsed is None:
        return None
    reader.warnings.append(f"the report calls itself {word!r} and never names the body")
    return reader.result(parsed, reader.lines.span(*span))
