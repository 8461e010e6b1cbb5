"""Who published a report: the agency, its area (GB/T 2260 code valid in the report year) and level.

The name is read from the most deliberate place first — the title, then sentences that announce or
compile the report, header fields, the 填报单位 line, contact sentences, and finally the bodies the
text mentions most (matching its self-references: 我局 wants a …局). A name printed without its
area (西区管委会, 区统计局, 公安局 after a mirror site replaced the city) is completed from the text
where the same body appears with a place in front of it (衢州市西区管委会), else from the names of
its own accounts and hotlines (淮安公安微警务, 淮安交通服务热线), the government site a township
names (“中国永嘉”县政府门户网站), the number of a document of its own government (市水利局 and
《市人民政府办公室关于…》(随政办发…)), the area code inside its USCC, or the one area of its level
the text names repeatedly. A text that names no body at all is read by ``metadata_unnamed``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from ogikg.converter import metadata_patterns as P
from ogikg.converter.areas import (
    Area,
    PlaceMatch,
    area,
    areas_named,
    is_within,
    match_places,
    place_starts_at,
    places_before,
)
from ogikg.converter.metadata_kinds import AgencyKind, AgencyKinds, KindMatch, agency_kinds
from ogikg.converter.metadata_places import (
    from_accounts,
    from_county_site,
    from_document_numbers,
    from_registered_area,
    own_government_level,
)
from ogikg.converter.metadata_text import Lines
from ogikg.converter.metadata_unnamed import unnamed_agency
from ogikg.converter.model import Agency, Level, Span
from ogikg.converter.townships import township_prefix

_TRAILING_NAME = re.compile(rf"[{P.CJK}()]+$")
_TRAILING_PARENS = re.compile(r"\([^()]*\)$")
_LEADING_WORDS = re.compile(r"^(?:关于|现|特|并|由|经|是|为|对|了|在)")
_TRAILING_WORDS = re.compile(r"(?:关于|的|于)$")
_CJK_RUN_BEFORE = re.compile(rf"[{P.CJK}]{{1,14}}$")
_PROPER_NOUN_KINDS = frozenset({"development-zone", "sub-district", "township-government"})
_GOVERNMENT_KINDS = frozenset({"government", "government-office"})
_WEAK_SOURCES = frozenset({"contact", "header", "first-line", "mention"})
_MENTION_WINDOW = 3000
_MENTION_TAIL = 1000
_MAX_MENTIONS = 40
_RELATIVE_LEVEL = {"省": Level.PROVINCE, "市": Level.PREFECTURE, "区": Level.COUNTY, "县": Level.COUNTY}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name as the report prints it, where, and by which route it was found."""

    printed: str
    span: Span
    source: str
    spammed: bool = False  # junk from a mirror site was cut out of it


@dataclass(frozen=True, slots=True)
class Parsed:
    name: str  # canonical: area prefix + body, ending written out
    printed: str
    body: str
    kind: AgencyKind | None
    place: PlaceMatch | None
    relative: str | None  # 省/市/区/县 when the name starts with a bare level word (区统计局)
    central: bool
    level: Level | None = None  # known although the area is not (城中区: in 柳州 or 西宁, a county)
    settled: bool = False  # the area was chosen by its code (a document number), not by its name

    @property
    def placed(self) -> bool:
        return self.place is not None or self.central

    def renamed(self, printed: str) -> Parsed:
        return replace(self, printed=printed)


@dataclass(frozen=True, slots=True)
class AgencyResult:
    agency: Agency
    span: Span
    warnings: tuple[str, ...] = ()


def spam_spans(text: str) -> list[tuple[int, int]]:
    """Where a mirror site put junk (中国体彩网, 365体育官网, puroview.com) into the text."""
    spans = [m.span() for m in P.SPAM.finditer(text)]
    for match in P.SPAM_DOMAIN.finditer(text):
        name = P.SPAM_DOMAIN_NAME.search(text, max(0, match.start() - 40), match.start())
        if name is not None:
            spans.append((name.start(), match.end()))
    return sorted(spans)


@lru_cache(maxsize=4096)
def clean_name(raw: str) -> tuple[str, bool]:
    """The agency words of a raw fragment, without mirror-site junk, years and page chrome."""
    text = P.PINYIN.sub("", raw).strip()
    spammed = False
    spans = spam_spans(text)
    if spans:
        text = text[max(end for _, end in spans) :]
        spammed = True
    tail = _TRAILING_NAME.search(text)
    text = tail.group(0) if tail else ""
    text = text.lstrip("()")
    while True:
        trimmed = P.YEAR_IN_NAME.sub("", text)
        trimmed = _TRAILING_PARENS.sub("", trimmed)
        trimmed = _TRAILING_WORDS.sub("", trimmed)
        trimmed = _LEADING_WORDS.sub("", trimmed) if len(trimmed) > 4 else trimmed
        if trimmed == text:
            break
        text = trimmed
    if text.count("(") != text.count(")"):
        text = text.replace("(", "").replace(")", "")
    return text, spammed


@dataclass
class AgencyReader:
    """Identifies the agency of one report text."""

    lines: Lines
    year: int | None
    registered_area: str | None = None  # area code inside the report's USCC, if it has one
    kinds: AgencyKinds = field(default_factory=agency_kinds)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.lines.text

    # --- context -------------------------------------------------------------------------------

    @cached_property
    def context_places(self) -> Counter[str]:
        """Codes of the divisions named in full in the first part of the text, with counts."""
        counts: Counter[str] = Counter()
        text = self.text[:3000]
        for position, char in enumerate(text):
            if char in "省市区县州盟旗":
                found = places_before(text, position + 1, self.year)
                if found is not None:
                    counts[found.area.code] += 1
                    if len(found.names) > 1 and found.area.parent:
                        counts[found.area.parent] += 1  # 昆明市五华区 also speaks for 昆明市
        return counts

    @cached_property
    def self_references(self) -> Counter[str]:
        return Counter(m.group("kind") for m in P.SELF_REFERENCE.finditer(self.text[:4000]))

    # --- parsing a name -----------------------------------------------------------------------

    def parse(self, printed: str, context: tuple[str, ...] = ()) -> Parsed | None:
        """Split a name into area chain and body and classify the body; None if it is no agency."""
        if len(printed) < 2:
            return None
        kinds = self.kinds
        whole = kinds.classify(printed)
        dev_zone = whole is not None and whole.kind.notation == "development-zone"
        place = match_places(printed, self.year, short=dev_zone, context=context)
        # Short names (杭州, 天津) only open a zone's name when a real zone name follows them.
        if (
            place is not None
            and whole is not None
            and dev_zone
            and place.end < len(printed)
            and not self._full_name_at_start(place)
            and len(printed) - place.end <= len(whole.ending)
        ):
            place = None
        if place is not None and place.end == len(printed):
            if whole is not None and whole.ending == printed:
                place = None  # the name *is* a generic ending that is also a place (新区)
            else:
                # A bare division name stands for its government (福州市晋安区 → …人民政府).
                government = kinds.by_notation("government")
                body = government.label_zh
                return Parsed(printed + body, printed, body, government, place, None, False)
        relative = None
        body_start = 0
        if place is not None:
            body_start = place.end
        else:
            rel = P.RELATIVE_PREFIX.match(printed)
            if rel and len(printed) > rel.end() + 1:
                relative = rel.group("rel")
                body_start = rel.end()
        body = self._drop_parent_government(printed[body_start:])
        dropped_parent = len(body) < len(printed) - body_start
        if place is None and dropped_parent:
            relative = None  # 区人民政府北京街道办事处: the 区 is the parent's, not the body's
        match = kinds.classify(body)
        if match is None:
            return None
        if match.kind.generic:
            # 生态环境局西湖分局: a generic ending after a specific one keeps the specific kind.
            inner = kinds.specific_ending_regex.search(body)
            if inner is not None:
                # The name ends with the generic word, so there is no clipped ending to write out.
                match = KindMatch(kinds.by_ending[inner.group(0)].kind, body)
        if place is not None and len(place.names) == 1 and body == match.ending:
            if match.kind.generic:
                return None  # 鹿城区局: a place and a generic word is not a body
            if match.kind.notation == "development-zone":
                # 西区管委会: a lone place before a bare ending is the zone's own name, not its area.
                name = kinds.completed(printed, match)
                return Parsed(name, printed, name, match.kind, None, None, False)
        prefix = printed[: place.end] if place else ("" if dropped_parent else printed[:body_start])
        name = kinds.completed(prefix + body, match)
        body = kinds.completed(body, match)
        central = place is None and relative is None and kinds.is_central(name)
        if central:
            local = self._embedded_place(name)
            if local is not None:
                return local  # 国家税务总局杭州市税务局: a local branch of a national system
        return Parsed(name, printed, body, match.kind, place, relative, central)

    def _embedded_place(self, name: str) -> Parsed | None:
        """A full division name inside a central-looking name, followed by a body of its own."""
        for offset in range(2, len(name) - 2):
            if not place_starts_at(name, offset):
                continue
            place = match_places(name[offset:], self.year)
            if place is None:
                continue
            rest = name[offset + place.end :]
            match = self.kinds.classify(rest)
            if match is None or (rest == match.ending and match.kind.generic):
                continue
            shifted = PlaceMatch(place.area, offset, offset + place.end, place.names)
            return Parsed(name, name, rest, match.kind, shifted, None, False)
        return None

    def _full_name_at_start(self, place: PlaceMatch) -> bool:
        return bool(areas_named(place.names[0], self.year, short=False))

    def _drop_parent_government(self, body: str) -> str:
        """越秀区人民政府北京街道办事处: the body is the 街道办事处, not the district government."""
        government = self.kinds.by_notation("government")
        for ending in government.endings:
            if body.startswith(ending) and len(body) > len(ending) + 1:
                match = self.kinds.classify(body[len(ending) :])
                if match is not None and match.kind.notation in _PROPER_NOUN_KINDS:
                    return body[len(ending) :]
        return body

    def _meaningful(self, parsed: Parsed) -> bool:
        """政府, 办公室 or a bare 局 alone name nobody; a placed or relative name does."""
        if parsed.placed or parsed.relative is not None:
            return True
        if parsed.kind is None or parsed.kind.generic:
            return False
        if parsed.kind.notation in _GOVERNMENT_KINDS:
            return False
        if parsed.kind.notation in _PROPER_NOUN_KINDS:
            match = self.kinds.classify(parsed.body)
            return match is not None and len(parsed.body) > len(match.ending)
        return True

    # --- candidates ---------------------------------------------------------------------------

    def candidates(
        self, title: tuple[str, Span] | None, header: dict[str, tuple[str, Span]]
    ) -> list[Candidate]:
        found: list[Candidate] = []
        lines = self.lines

        def add(raw: str, span: Span, source: str) -> None:
            name, spammed = clean_name(raw)
            if source in ("compiled-by", "contact"):
                name = self._reporting_body(name)
            if len(name) >= 2:
                found.append(Candidate(name, span, source, spammed))

        if title is not None:
            add(*title, "title")
        head = lines.head(25)
        for pattern, source, needed in (
            (P.ANNOUNCE_BEFORE_YEAR, "announcement", "年"),
            (P.ANNOUNCE_AFTER_YEAR, "announcement", "年"),
            (P.COMPILED_BY, "compiled-by", "编制"),
        ):
            if needed not in head:
                continue
            for match in pattern.finditer(head):
                add(match.group("name"), lines.span(*match.span("name")), source)
        # A literal every match holds is far cheaper to look for than the expression.
        for match in P.ALIAS.finditer(head) if "称" in head else ():
            before = _TRAILING_NAME.search(head, max(0, match.start() - 40), match.start())
            if before is not None:
                add(before.group(0), lines.span(*before.span()), "alias")
        for label in ("发布机构", "发布单位", "发文机关", "发文单位", "来源", "文章来源", "信息来源"):
            if label in header:
                value, span = header[label]
                add(value, span, "header")
        for index in lines.nonblank(0, 8)[:3]:
            line = lines.lines[index].strip()
            if len(line) <= 30 and self.kinds.classify(clean_name(line)[0]) is not None:
                column = lines.lines[index].index(line)
                add(line, lines.line_span(index, column, column + len(line)), "first-line")
        for match in P.FILLED_BY.finditer(self.text) if "单位" in self.text else ():
            add(match.group("name"), lines.span(*match.span("name")), "filled-by")
        contact_head = lines.head(30)
        for match in P.CONTACT.finditer(contact_head) if "与" in contact_head or "请" in contact_head else ():
            add(match.group("name"), lines.span(*match.span("name")), "contact")
        return found

    def _reporting_body(self, raw: str) -> str:
        """The body behind a compiling or contact unit.

        重庆市统计局办公室 → 重庆市统计局, 两城镇人民政府党政办公室 → 两城镇人民政府, and a government's
        general office compiling or answering for the report → the government itself.
        """
        name, _ = clean_name(raw)
        whole = self.kinds.classify(name)
        if whole is not None and whole.kind.notation == "government-office":
            for other_ending, kind in self.kinds.endings:
                if (
                    kind.notation != "government-office"
                    and not kind.generic
                    and whole.ending.startswith(other_ending)
                    and len(other_ending) > 1
                ):
                    return name[: len(name) - len(whole.ending) + len(other_ending)]
            return name
        if whole is not None and not whole.kind.generic:
            return name
        end = self.kinds.first_specific_end(name)
        return name[:end] if end else name

    # --- mentions -------------------------------------------------------------------------------

    @cached_property
    def mention_candidates(self) -> list[Candidate]:
        return self.mentions()

    def mentions(self) -> list[Candidate]:
        """Agency names the text mentions (…我局 → the …局 it names most), placed ones first."""
        text = self.text
        regions = [(0, min(len(text), _MENTION_WINDOW))]
        if len(text) > _MENTION_WINDOW:
            regions.append((max(_MENTION_WINDOW, len(text) - _MENTION_TAIL), len(text)))
        counts: Counter[str] = Counter()
        first: dict[str, Candidate] = {}
        placed: dict[str, bool] = {}
        seen = 0
        for start, stop in regions:
            for match in self.kinds.mention_regex.finditer(text, start, stop):
                if seen >= _MAX_MENTIONS:
                    break
                if self._inside_document_title(match.start()):
                    continue
                found = self._mention_at(match)
                if found is None:
                    continue
                seen += 1
                name_start, is_placed = found
                name, spammed = clean_name(text[name_start : match.end()])
                if len(name) < 2:
                    continue
                counts[name] += 1
                placed[name] = placed.get(name, False) or is_placed
                first.setdefault(
                    name, Candidate(name, self.lines.span(name_start, match.end()), "mention", spammed)
                )
        if not counts:
            return []
        # An unplaced name needs a full ending and a second mention (新华街道办事处 twice), not a
        # clause fragment (均接受街道).
        for name in list(counts):
            if not placed[name] and first[name].source == "mention":
                match = self.kinds.classify(name)
                relative = P.RELATIVE_PREFIX.match(name)
                if relative is None and (match is None or len(match.ending) < 3 or counts[name] < 2):
                    del counts[name]
                elif relative is not None and (match is None or match.kind.notation in _GOVERNMENT_KINDS):
                    del counts[name]  # 区政府, 市人民政府: superiors the text refers to

        def rank(name: str) -> tuple[int, int, int, int, int]:
            fits = 0 if self.fits_self_reference(name) else 1
            # A name the self-references ask for (我局 → …局) beats a placed name that they do not
            # (the ministry a county bureau reports to).
            return (
                fits,
                0 if placed[name] else 1,
                -counts[name],
                first[name].span.line,
                first[name].span.start,
            )

        return [first[n] for n in sorted(counts, key=rank)]

    @cached_property
    def self_reference(self) -> str | None:
        """The word the report mostly uses for itself (我局 → 局), if any."""
        return self.self_references.most_common(1)[0][0] if self.self_references else None

    def fits_self_reference(self, name: str) -> bool:
        """Whether ``name`` is the kind of body the report calls itself (我局 → a …局).

        我区/我县/我市/我省 ask for a government (or, for 我区, a zone committee) of that level;
        the other words must occur in the ending that classifies the name.
        """
        word = self.self_reference
        if word is None:
            return False
        match = self.kinds.classify(name)
        if match is None:
            return False
        if word in _RELATIVE_LEVEL:
            if match.kind.notation == "development-zone":
                return word == "区"
            if match.kind.notation != "government":
                return False
            place = match_places(name, self.year)
            return place is not None and place.names[-1].endswith(word)
        return word in match.ending or name.endswith(word)

    def _mention_at(self, match: re.Match[str]) -> tuple[int, bool] | None:
        """Where the name ending at ``match`` starts, and whether a place opens it."""
        text = self.text
        start = match.start()
        found = places_before(text, start, self.year)
        if found is not None:
            return found.start, True
        if self.kinds.is_central_ending(match.group(0)):
            return start, True
        kind = self.kinds.classify(match.group(0))
        if kind is None or kind.kind.notation not in _PROPER_NOUN_KINDS:
            rel = text[start - 1 : start] if start > 0 else ""
            if rel in _RELATIVE_LEVEL and (start < 2 or not ("\u4e00" <= text[start - 2] <= "\u9fff")):
                return start - 1, False
            return None
        run = _CJK_RUN_BEFORE.search(text, max(0, start - 14), start)
        if run is None:
            return None
        for offset in range(run.start(), start - 1):
            if not place_starts_at(text, offset, short=True):
                continue
            candidate = self.parse(text[offset : match.end()])
            if candidate is not None and candidate.place is not None:
                return offset, True
        return run.start(), False

    def _inside_document_title(self, position: int) -> bool:
        line_start = self.text.rfind("\n", 0, position) + 1
        before = self.text[line_start:position]
        return before.rfind("《") > before.rfind("》")

    # --- completion -----------------------------------------------------------------------------

    def complete(self, parsed: Parsed, others: list[Parsed]) -> Parsed:
        """Give an unplaced name the area the text shows it with (西区管委会 → 衢州市西区管委会)."""
        if parsed.central:
            return parsed
        if parsed.place is not None:
            return self._extend_prefix(parsed)
        for other in others:
            if other.placed and other.body == parsed.body and self._level_fits(other, parsed.relative):
                return other.renamed(parsed.printed)
        from_text = self._placed_occurrence(parsed)
        if from_text is not None:
            return from_text
        for route in (from_accounts, from_county_site, from_document_numbers):
            found = route(self, parsed)
            if found is not None:
                return found
        return self._from_context(parsed)

    def _level_fits(self, parsed: Parsed, relative: str | None) -> bool:
        if relative is None or parsed.place is None:
            return True
        return parsed.place.names[-1].endswith(relative)

    def _placed_occurrence(self, parsed: Parsed) -> Parsed | None:
        text = self.text
        counts: Counter[str] = Counter()
        results: dict[str, Parsed] = {}
        needles = dict.fromkeys((parsed.body, parsed.printed[len(parsed.relative or "") :]))
        for needle in needles:
            if len(needle) < 2:
                continue
            position = text.find(needle)
            checked = 0
            while position != -1 and checked < 30:
                checked += 1
                before = places_before(text, position, self.year)
                candidate = None
                if before is not None:
                    candidate = self.parse(text[before.start : position] + needle)
                    if candidate is not None and (
                        candidate.place is None or not self._level_fits(candidate, parsed.relative)
                    ):
                        candidate = None
                elif parsed.relative is None:
                    central = self._central_before(position)
                    if central is not None:
                        candidate = self.parse(central + needle)
                        if candidate is not None and not candidate.central:
                            candidate = None
                if candidate is not None:
                    counts[candidate.name] += 1
                    results.setdefault(candidate.name, candidate)
                position = text.find(needle, position + 1)
        if not counts:
            return None
        return results[counts.most_common(1)[0][0]].renamed(parsed.printed)

    def _central_before(self, position: int) -> str | None:
        """水利部|太湖流域管理局: the shortest specific central name right before ``position``."""
        for width in range(2, 9):
            if position - width < 0:
                break
            piece = self.text[position - width : position]
            if not all("\u4e00" <= c <= "\u9fff" for c in piece):
                break
            match = self.kinds.classify(piece)
            if self.kinds.is_central(piece) and (match is None or not match.kind.generic):
                return piece
        return None

    def _extend_prefix(self, parsed: Parsed) -> Parsed:
        """洪泽区人民政府 printed, 淮安市洪泽区人民政府 in the text: take the fuller name."""
        assert parsed.place is not None
        text = self.text
        position = text.find(parsed.printed)
        checked = 0
        while position != -1 and checked < 10:
            checked += 1
            before = places_before(text, position, self.year)
            if (
                before is not None
                and before.area.code != parsed.place.area.code
                and is_within(parsed.place.area.code, before.area.code)
            ):
                fuller = self.parse(text[before.start : position] + parsed.printed)
                if (
                    fuller is not None
                    and fuller.place is not None
                    and fuller.place.area.code == parsed.place.area.code
                ):
                    return fuller.renamed(parsed.printed)
            position = text.find(parsed.printed, position + 1)
        return parsed

    def _from_context(self, parsed: Parsed) -> Parsed:
        """区统计局 with one district named repeatedly in the text: that district.

        A street office or township named without its county (中原西路街道办事处) takes the one
        county-level division the text names repeatedly (《中原区政府信息公开…》).
        """
        township = parsed.kind is not None and parsed.kind.implied_level is Level.TOWNSHIP
        if parsed.relative is None and not township:
            return parsed
        counts = Counter(
            {
                code: n
                for code, n in self.context_places.items()
                if (a := area(code, self.year)) is not None
                and (a.name.endswith(parsed.relative) if parsed.relative else a.level is Level.COUNTY)
            }
        )
        ranked = counts.most_common(2)
        if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return parsed
        chosen = area(ranked[0][0], self.year)
        if chosen is None:
            return parsed
        candidate = self.parse(chosen.name + parsed.body)
        if candidate is None or candidate.place is None:
            return parsed
        self.warnings.append(f"area of {parsed.printed} taken from the text: {chosen.full_name}")
        return candidate.renamed(parsed.printed)

    # --- the answer -----------------------------------------------------------------------------

    def read(
        self, title: tuple[str, Span] | None, header: dict[str, tuple[str, Span]]
    ) -> AgencyResult | None:
        candidates = self.candidates(title, header)
        parsed: list[tuple[Candidate, Parsed]] = []
        for candidate in candidates:
            result = self.parse(candidate.printed)
            if result is not None and self._meaningful(result):
                parsed.append((candidate, result))
        if not any(p.placed for _, p in parsed):
            for candidate in self.mention_candidates:
                result = self.parse(candidate.printed)
                if result is not None and self._meaningful(result):
                    parsed.append((candidate, result))
        if any(c.spammed for c in candidates) or any(c.spammed for c, _ in parsed):
            self.warnings.append("mirror-site junk in the agency name was removed")
        if not parsed:
            return self._opening_subject() or self._from_self_reference() or unnamed_agency(self)
        chosen_candidate, chosen = self._best(parsed)
        chosen = self.complete(chosen, [p for c, p in parsed if p is not chosen])
        chosen = self._disambiguate(chosen)
        if chosen.place is None and not chosen.central:
            chosen = from_registered_area(self, chosen)
        return AgencyResult(self._agency(chosen), chosen_candidate.span, tuple(self.warnings))

    def _best(self, parsed: list[tuple[Candidate, Parsed]]) -> tuple[Candidate, Parsed]:
        """The first candidate, unless it came from a weak route (contact line, header, mention)
        and contradicts the report's self-references (我县 while the contact is a 服务中心)."""
        first = parsed[0]
        if (
            first[0].source not in _WEAK_SOURCES
            or self.self_reference is None
            or self.fits_self_reference(first[1].name)
        ):
            return first
        for candidate, result in [
            *parsed[1:],
            *((m, self.parse(m.printed)) for m in self.mention_candidates),
        ]:
            if result is not None and result.placed and self.fits_self_reference(result.name):
                return candidate, result
        return first

    def _disambiguate(self, parsed: Parsed) -> Parsed:
        """城中区 exists in 柳州 and 西宁: use the places the text names, else leave the area open."""
        if parsed.place is None or len(parsed.place.names) != 1 or parsed.settled:
            return parsed
        namesakes = areas_named(parsed.place.names[0], self.year)
        if len(namesakes) <= 1:
            return parsed
        context = tuple(
            code
            for code in self.context_places
            if not any(code == a.code for a in namesakes) and any(is_within(a.code, code) for a in namesakes)
        )
        if context:
            reparsed = self.parse(parsed.printed if parsed.printed else parsed.name, context)
            if reparsed is not None and reparsed.place is not None:
                return reparsed.renamed(parsed.printed)
        self.warnings.append(
            f"{parsed.place.names[0]} names {len(namesakes)} divisions and the text does not say which"
        )
        levels = {a.level for a in namesakes}
        level = levels.pop() if len(levels) == 1 else None
        return Parsed(parsed.name, parsed.printed, parsed.body, parsed.kind, None, None, False, level)

    def _opening_subject(self) -> AgencyResult | None:
        """2023年,金湖县深入贯彻…: the place a report opens with, when nothing else names it."""
        head = self.lines.head(6)
        for match in P.OPENING_SUBJECT.finditer(head):
            words = match.group("place")
            place = match_places(words, self.year)
            if place is None:
                continue
            if any(self.kinds.classify(words[: place.end + k]) for k in range(1, 9)):
                continue  # 金湖县人民政府…, 金湖县统计局…: a named body, read elsewhere
            government = self.kinds.by_notation("government")
            name = words[: place.end] + government.label_zh
            result = Parsed(name, words[: place.end], government.label_zh, government, place, None, False)
            start = match.start("place")
            return AgencyResult(
                self._agency(result), self.lines.span(start, start + place.end), tuple(self.warnings)
            )
        return None

    def _from_self_reference(self) -> AgencyResult | None:
        """我省/本市 and one province or city named repeatedly: that government (汇总 reports)."""
        if not self.self_references:
            return None
        kind = self.self_references.most_common(1)[0][0]
        if kind not in _RELATIVE_LEVEL:
            return None
        parsed = self._from_context(Parsed(kind, kind, "", None, None, kind, False))
        if parsed.place is None:
            return None
        government = self.kinds.by_notation("government")
        name = "".join(parsed.place.names) + government.label_zh
        result = Parsed(name, name, government.label_zh, government, parsed.place, None, False)
        place_name = parsed.place.names[-1]
        position = max(self.text.find(place_name), 0)
        span = self.lines.span(position, position + len(place_name))
        return AgencyResult(self._agency(result), span, tuple(self.warnings))

    def result(self, parsed: Parsed, span: Span, level: Level | None = None) -> AgencyResult:
        """The answer for ``parsed`` read at ``span``; ``level`` when the text tells it otherwise."""
        agency = self._agency(parsed)
        if level is not None:
            agency = replace(agency, level=level)
        return AgencyResult(agency, span, tuple(self.warnings))

    def _county_of_township(self, body: str) -> Area | None:
        """The county of a township or sub-district that names only itself (钢花村街道办事处)."""
        found = township_prefix(body)
        if found is None:
            return None
        township, code = found
        county = area(code, self.year)
        if county is not None:
            self.warnings.append(
                f"area from the township name {township}: China's only one, in {county.full_name}"
            )
        return county

    def _agency(self, parsed: Parsed) -> Agency:
        place = parsed.place.area if parsed.place else None
        kind = parsed.kind
        level: Level | None = None
        if kind is not None and kind.implied_level is not None:
            level = kind.implied_level
        elif parsed.central:
            level = Level.CENTRAL
        elif place is not None:
            level = place.level
        elif parsed.relative is not None:
            level = _RELATIVE_LEVEL[parsed.relative]
        elif parsed.level is not None:
            level = parsed.level
        if level is None and place is None and not parsed.central:
            level = own_government_level(self)
        if place is None and level is Level.TOWNSHIP:
            place = self._county_of_township(parsed.body)
        if place is None and not parsed.central:
            self.warnings.append(f"agency {parsed.name} could not be placed in an administrative area")
        return Agency(
            name=parsed.name,
            printed_name=parsed.printed,
            body=parsed.body,
            kind=kind.notation if kind else None,
            adcode=place.code if place else None,
            area_name=place.full_name if place else None,
            level=level,
        )
