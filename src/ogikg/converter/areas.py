"""Administrative divisions of China (GB/T 2260), offline and historical.

The codes come from ``python-stdnum``'s ``cn/loc.dat`` — the six-digit codes with the years in
which each name was valid (``[1983-2021]孟津县``, ``[2021-]孟津区``). Reports span 2008 to today and
divisions are renamed and merged every year, so every lookup takes the report year and prefers
the code valid in that year.

Only full official names (衢州市, 洪泽区, 秀山土家族苗族自治县) are matched by default; short forms
(衢州, 秀山) are indexed separately because in running text they collide with ordinary words and
street names, so callers opt in to them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ogikg.converter.model import Level

# Rows of loc.dat that are grouping placeholders, not places (市辖区 = "districts under the city").
_PLACEHOLDER = re.compile(r"^(市辖区|县|市|(省|自治区)直辖(县级)?行政(单位|区划))$")
_RANGE = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")
# Generic endings of division names, longest first; the short form is the name without them.
_SUFFIXES = (
    "特别行政区",
    "特別行政區",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "矿区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)
# 秀山土家族苗族自治县 → 秀山: the ethnic names between the place and 自治… are dropped too.
_ETHNIC_AUTONOMY = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}?族)+自治[区州县旗]$")


@dataclass(frozen=True, slots=True)
class Area:
    code: str  # six-digit GB/T 2260 code
    name: str  # e.g. 衢州市
    full_name: str  # with its ancestors, e.g. 浙江省衢州市
    level: Level  # province, prefecture or county
    valid_from: int | None  # first year the code carried this name (None: before the records)
    valid_to: int | None  # last year (None: still valid)
    parent: str | None  # code of the nearest real (non-placeholder) ancestor

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return True
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class _Row:
    code: str
    name: str
    valid_from: int | None
    valid_to: int | None


def _level_of(code: str) -> Level:
    if code.endswith("0000"):
        return Level.PROVINCE
    if code.endswith("00"):
        return Level.PREFECTURE
    return Level.COUNTY


def _read_rows() -> list[_Row]:
    data = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    rows: list[_Row] = []
    province = ""
    for raw in data.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        key, _, value = raw.strip().partition(" ")
        names = value.split("=", 1)[1].strip('"')
        if not raw.startswith(" "):
            province = key
            rows.append(_Row(province + "0000", names, None, None))
            continue
        code = province + key
        for part in names.split(","):
            match = _RANGE.match(part)
            if match:
                start, end, name = match.groups()
                rows.append(_Row(code, name, int(start) if start else None, int(end) if end else None))
            else:
                rows.append(_Row(code, part, None, None))
    return rows


def short_names(name: str) -> tuple[str, ...]:
    """The forms of a division name without its generic ending (衢州市 → 衢州), at least 2 chars."""
    forms: list[str] = []
    match = _ETHNIC_AUTONOMY.match(name)
    if match:
        return (match.group(1),)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
            break
    return tuple(dict.fromkeys(form for form in forms if form != name))


@dataclass(frozen=True, slots=True)
class _Index:
    by_code: dict[str, tuple[Area, ...]]  # every name a code has carried, newest last
    by_name: dict[str, tuple[Area, ...]]  # full official names
    by_short: dict[str, tuple[Area, ...]]  # short forms (衢州, 秀山)
    max_len: int
    last_chars: frozenset[str]  # last characters of full names, to skip hopeless positions fast
    short_last_chars: frozenset[str]  # last characters of full names and short forms
    openings: frozenset[str]  # first two characters of full names
    short_openings: frozenset[str]  # first two characters of short forms


def _merge_rows(rows: list[_Row]) -> dict[str, list[_Row]]:
    by_code: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if _PLACEHOLDER.match(row.name):
            continue
        same = [r for r in by_code[row.code] if r.name == row.name]
        if same:
            # A province line and its "0000" twin: keep one row, with the dated range if any.
            if row.valid_from is not None or row.valid_to is not None:
                by_code[row.code].remove(same[0])
                by_code[row.code].append(row)
            continue
        by_code[row.code].append(row)
    return by_code


def _parent_code(code: str, known: dict[str, list[_Row]]) -> str | None:
    level = _level_of(code)
    if level is Level.PROVINCE:
        return None
    if level is Level.COUNTY and code[:4] + "00" in known:
        return code[:4] + "00"
    province = code[:2] + "0000"
    return province if province in known else None


@cache
def _index() -> _Index:
    rows_by_code = _merge_rows(_read_rows())
    areas_by_code: dict[str, tuple[Area, ...]] = {}

    def name_in(code: str | None, year_from: int | None, year_to: int | None) -> str:
        if code is None:
            return ""
        rows = rows_by_code.get(code, [])
        probe = year_to  # the ancestors' names at the end of the range (None: their latest names)
        for row in reversed(rows):
            if probe is None or (
                (row.valid_from is None or row.valid_from <= probe)
                and (row.valid_to is None or probe <= row.valid_to)
            ):
                return row.name
        return rows[-1].name if rows else ""

    for code, rows in rows_by_code.items():
        parent = _parent_code(code, rows_by_code)
        grandparent = _parent_code(parent, rows_by_code) if parent else None
        built: list[Area] = []
        for row in sorted(rows, key=lambda r: r.valid_from or 0):
            prefix = name_in(grandparent, row.valid_from, row.valid_to) + name_in(
                parent, row.valid_from, row.valid_to
            )
            full = row.name if row.name.startswith(prefix) or not prefix else prefix + row.name
            built.append(Area(code, row.name, full, _level_of(code), row.valid_from, row.valid_to, parent))
        areas_by_code[code] = tuple(built)

    by_name: dict[str, list[Area]] = defaultdict(list)
    by_short: dict[str, list[Area]] = defaultdict(list)
    for areas in areas_by_code.values():
        for area_ in areas:
            by_name[area_.name].append(area_)
            for short in short_names(area_.name):
                by_short[short].append(area_)
                # 恩施州, 秀山县: the official abbreviation of an autonomous prefecture or county.
                if _ETHNIC_AUTONOMY.match(area_.name):
                    by_name[short + area_.name[-1]].append(area_)
    max_len = max(len(name) for name in by_name)
    return _Index(
        areas_by_code,
        {k: tuple(v) for k, v in by_name.items()},
        {k: tuple(v) for k, v in by_short.items()},
        max_len,
        frozenset(name[-1] for name in by_name),
        frozenset(name[-1] for name in (*by_name, *by_short)),
        frozenset(name[:2] for name in by_name),
        frozenset(name[:2] for name in by_short),
    )


def _under_grouping(candidate: Area) -> bool:
    """Listed under a grouping of the code table rather than a place (4229 林区 → 422921
    神农架林区, undated; the code in use is 429021)."""
    parent = area(candidate.parent) if candidate.parent else None
    return parent is not None and not short_names(parent.name)


def _prefer(candidates: Iterable[Area], year: int | None) -> list[Area]:
    """Candidates valid in the year; if none is, the ones closest in time (names outlive codes).
    A candidate listed under a grouping of the table gives way to any other."""
    pool = list(candidates)
    if len(pool) > 1:
        pool = [a for a in pool if not _under_grouping(a)] or pool
    if not pool:
        return []
    valid = [a for a in pool if a.valid_in(year)]
    if valid or year is None:
        return sorted(valid or pool, key=lambda a: -(a.valid_from or 0))

    def distance(a: Area) -> int:
        if a.valid_to is not None and year > a.valid_to:
            return year - a.valid_to
        return (a.valid_from or year) - year

    best = min(distance(a) for a in pool)
    return [a for a in pool if distance(a) == best]


def area(code: str, year: int | None = None) -> Area | None:
    """The division with this code (its name in the given year, else its latest name)."""
    areas = _index().by_code.get(code)
    if not areas:
        return None
    if year is not None:
        valid = [a for a in areas if a.valid_in(year)]
        if valid:
            return valid[-1]
    return areas[-1]


def all_areas(year: int | None) -> list[Area]:
    """Every division valid in ``year`` (each code once, with its name of that year), by code."""
    found = [area(code, year) for code in sorted(_index().by_code)]
    return [a for a in found if a is not None and a.valid_in(year)]


def areas_named(name: str, year: int | None, *, short: bool = True) -> list[Area]:
    """All divisions called ``name`` (or, with ``short``, whose short form is ``name``) in ``year``."""
    index = _index()
    found = list(index.by_name.get(name, ()))
    if short and not found:
        found = list(index.by_short.get(name, ()))
        for form in short_names(name):
            found.extend(index.by_short.get(form, ()))
            found.extend(index.by_name.get(form, ()))
    return _prefer(dict.fromkeys(found), year)


def is_within(code: str, ancestor: str) -> bool:
    """Whether division ``code`` lies inside (or is) ``ancestor``."""
    if code == ancestor:
        return True
    if ancestor.endswith("0000"):
        return code[:2] == ancestor[:2]
    if ancestor.endswith("00"):
        return code[:4] == ancestor[:4]
    return False


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A chain of division names read from a string, e.g. 淮安市 + 洪泽区 in 淮安市洪泽区人民政府."""

    area: Area  # the deepest division of the chain
    start: int
    end: int  # the chain covers text[start:end]
    names: tuple[str, ...]


def _names_at(text: str, pos: int, year: int | None, short: bool) -> list[tuple[str, list[Area]]]:
    index = _index()
    found: list[tuple[str, list[Area]]] = []
    for length in range(min(index.max_len, len(text) - pos), 1, -1):
        piece = text[pos : pos + length]
        areas = index.by_name.get(piece)
        if not areas and short:
            areas = index.by_short.get(piece)
        if areas:
            found.append((piece, _prefer(areas, year)))
    return found


def match_places(
    text: str, year: int | None, *, short: bool = False, context: Iterable[str] = ()
) -> PlaceMatch | None:
    """The longest chain of nested division names at the start of ``text``.

    Each further name must lie inside the previous one (衢州市 + 西区 stops after 衢州市, since the
    only 西区 is in 攀枝花). Among namesakes the one inside a ``context`` code wins, then the one
    valid in ``year``, then the higher level.
    """
    rank = _ranker(year, tuple(context))
    best: PlaceMatch | None = None

    def extend(pos: int, parent: Area | None, names: tuple[str, ...]) -> None:
        nonlocal best
        extended = False
        for piece, candidates in _names_at(text, pos, year, short):
            chosen = [a for a in candidates if parent is None or is_within(a.code, parent.code)]
            if parent is not None:
                chosen = [a for a in chosen if a.code != parent.code]
            if not chosen:
                continue
            extended = True
            extend(pos + len(piece), min(chosen, key=rank), (*names, piece))
            break
        if not extended and parent is not None:
            candidate = PlaceMatch(parent, 0, pos, names)
            if best is None or candidate.end > best.end:
                best = candidate

    extend(0, None, ())
    return best


def place_starts_at(text: str, pos: int, *, short: bool = False) -> bool:
    """Whether a division name (or, with ``short``, a short form) starts at ``text[pos]``."""
    index = _index()
    opening = text[pos : pos + 2]
    if opening not in index.openings and not (short and opening in index.short_openings):
        return False
    for length in range(2, min(index.max_len, len(text) - pos) + 1):
        piece = text[pos : pos + length]
        if piece in index.by_name or (short and piece in index.by_short):
            return True
    return False


def places_before(text: str, end: int, year: int | None, *, context: Iterable[str] = ()) -> PlaceMatch | None:
    """The longest chain of full division names ending exactly at ``text[end]``, read backwards.

    淮安市洪泽区|人民政府 gives 淮安市 + 洪泽区; 衢州市|西区管委会 gives 衢州市 alone.
    """
    index = _index()
    if end < 2 or text[end - 1] not in index.last_chars:
        return None
    last = _longest_name_ending_at(text, end)
    if last is None:
        return None
    piece, candidates = last
    names = [piece]
    start = end - len(piece)
    chosen = _prefer(candidates, year)
    while True:
        parent = _longest_name_ending_at(text, start, inside_of=chosen)
        if parent is None:
            break
        parent_piece, parents = parent
        chosen = [a for a in chosen if any(is_within(a.code, p.code) for p in parents)]
        names.insert(0, parent_piece)
        start -= len(parent_piece)
    best = min(chosen, key=_ranker(year, tuple(context)))
    return PlaceMatch(best, start, end, tuple(names))


def _longest_name_ending_at(
    text: str, end: int, inside_of: list[Area] | None = None
) -> tuple[str, list[Area]] | None:
    index = _index()
    for length in range(min(index.max_len, end), 1, -1):
        piece = text[end - length : end]
        areas = index.by_name.get(piece)
        if not areas:
            continue
        if inside_of is None:
            return piece, list(areas)
        parents = [a for a in areas if any(is_within(c.code, a.code) and c.code != a.code for c in inside_of)]
        if parents:
            return piece, parents
    return None


def place_ending_at(
    text: str, end: int, year: int | None, *, context: Iterable[str] = ()
) -> PlaceMatch | None:
    """The longest division name, full or short, that ends exactly at ``text[end]``.

    For names a report prints without their generic ending (淮安|交通, “中国永嘉”): callers must
    supply the context that makes a short form a place and not an ordinary word. Namesakes are
    ranked as in ``match_places``; None when the best two tie.
    """
    index = _index()
    if end < 2 or text[end - 1] not in index.short_last_chars:
        return None
    for length in range(min(index.max_len, end), 1, -1):
        piece = text[end - length : end]
        areas = index.by_name.get(piece) or index.by_short.get(piece)
        if areas:
            rank = _ranker(year, tuple(context))
            ranked = sorted(_prefer(areas, year), key=rank)
            if len(ranked) > 1 and rank(ranked[0]) == rank(ranked[1]):
                return None  # 五华: a county in 梅州 and a district in 昆明, nothing to choose by
            return PlaceMatch(ranked[0], end - length, end, (piece,))
    return None


def _ranker(year: int | None, context: tuple[str, ...]) -> Callable[[Area], tuple[int, int, int]]:
    """Sort key among namesakes: inside a context area first, then valid in the year, then higher."""

    def rank(a: Area) -> tuple[int, int, int]:
        inside = any(is_within(a.code, c) or is_within(c, a.code) for c in context)
        order = {Level.PROVINCE: 0, Level.PREFECTURE: 1, Level.COUNTY: 2}[a.level]
        return (0 if inside else 1, 0 if a.valid_in(year) else 1, order)

    return rank


def resolve_place(text_fragment: str, year: int | None, *, context: Iterable[str] = ()) -> Area | None:
    """The best division for a place-name string such as 衢州市西区 or 淮安市洪泽区 or 张掖市.

    Full names are tried first; short forms (张掖, 淮安) only when no full name starts the string.
    """
    fragment = text_fragment.strip()
    found = match_places(fragment, year, context=context)
    if found is None:
        found = match_places(fragment, year, short=True, context=context)
    return found.area if found else None
