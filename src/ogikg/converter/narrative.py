"""Key figures a report states in prose (主动公开政府信息412条, 收到申请3件, 未发生行政复议).

What to look for lives in ``ontology/narrative.ttl``: each narrative indicator carries the regular
expressions that recognise it (``ogi:textPattern``, group ``value``) and those for sentences that
state it is nil (``ogi:zeroPattern``). This module holds no vocabulary: it runs those expressions
over the text, skips table renderings, and keeps the first statement of each figure. Round
figures count as stated (1万余条 → 10000, group ``myriad``); running totals (截至…累计) do not.

Expressions are only run where they can match: around the literals every match holds, and
"sentence patterns" (see ``SENTENCE_START``) once per sentence that holds the figure they read.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from ogikg.converter.decode_cells import STARTS_ITEM
from ogikg.converter.metadata_text import Lines
from ogikg.converter.model import NarrativeFigure, Span
from ogikg.iris import INDICATOR, SCHEME, UNIT, VOCAB

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DECIMAL_UNITS = frozenset({UNIT + "yuan", UNIT + "wanyuan"})
# A figure stated for another year in the same sentence (2019年收到申请5件 in a 2020 report) is
# not this report's figure; carry-over figures name the neighbouring years by nature.
_YEAR_BEFORE = re.compile(r"(?<![比较])((?:19|20)\d{2})\s*年(?!\d{1,2}月)")  # not 比2021年 comparisons
_SENTENCE_END = re.compile(r"[。;!?\n]")
_ASIDE = re.compile(r"\([^()]*\)")
# A line break between two pieces of running text (no closing punctuation before it).
_WRAP = re.compile(r"\n(?<=[\u4e00-\u9fff\d、]\n)(?=[ \t]*[\u4e00-\u9fff\d])")  # literal first: fast scan
# 截至…累计, 历年累计, …以来累计: a total since some earlier date (共累计发布 alone is the year's).
_TO_DATE = re.compile(r"截至|截止|以来|历年")
_MYRIAD = Decimal(10000)
_NEIGHBOUR_YEAR_FIGURES = frozenset({"narrative.requestsCarriedOver", "narrative.requestsCarriedForward"})
_LOOKBACK = 40
# Patterns that open with this assertion judge a figure by the whole sentence before it (a total
# is not preceded by 其中 …): SENTENCE_START, then _WITNESS_OPEN's look-ahead for the figure the
# sentence must hold, then the condition on the words before the phrase, then _PHRASE.
SENTENCE_START = "(?:(?<=[。!?\\n])|^)"
_WITNESS_OPEN = SENTENCE_START + "(?=[^。!?\\n]*?"
_PHRASE = "(?P<phrase>"
_PHRASE_TRAIL = 16  # what a sentence pattern may read after its sentence ends (…2361条。其中)
_SENTENCE_END_MARKS = ("。", "!", "?", "\n")
_MAX_SENTENCE = 400  # a sentence start is looked for this far back at most
# Around each anchor occurrence the expression is run over this many characters before and after.
_LEAD = 80
_TAIL = 120
_LOOKAROUND = 8  # characters a look-ahead may read beyond a match
_MAX_WIDTH = 400  # a literal's reach beyond which the window defaults apply


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled text pattern and literals one of which every match contains.

    ``lead`` is the most characters a match can have before its anchor (0: every match starts at
    the anchor, so the expression is only tried right there), ``tail`` the most after it.
    """

    regex: re.Pattern[str]
    anchors: tuple[str, ...]  # empty: no usable literal, scan the whole text
    lead: int = _LEAD
    tail: int = _TAIL
    # Sentence patterns: SENTENCE_START, a look-ahead for what the sentence must hold (the
    # witness), a condition on the words before the figure, then the group ``phrase``. They are
    # run as: the first phrase of each sentence holding a witness, if the words before it meet
    # the condition (which only fails more as the words grow, so the first phrase decides).
    witness: Pattern | None = None
    condition: re.Pattern[str] | None = None
    phrase: re.Pattern[str] | None = None
    probes: tuple[str, ...] = ()  # literals one of which the text must hold (none known: always try)
    exact_tail: bool = False  # ``tail`` is the most a match reaches, not a default
    required: tuple[str, ...] = ()  # words every phrase of a sentence pattern holds

    @classmethod
    def compile(cls, source: str) -> Pattern:
        witness = condition = phrase = None
        required: tuple[str, ...] = ()
        if source.startswith(SENTENCE_START):
            if not source.startswith(_WITNESS_OPEN) or _PHRASE not in source:
                raise ValueError(f"a sentence pattern must open with {_WITNESS_OPEN}…) and hold {_PHRASE}")
            close = _group_end(source, len(SENTENCE_START))
            split = source.index(_PHRASE)
            witness = Pattern.compile(source[len(_WITNESS_OPEN) : close])
            condition = re.compile(source[close + 1 : split])
            phrase = re.compile(source[split:])
            required = _required_words(source[split:])
        anchors, lead, tail, exact = _mandatory_literals(source)
        probes = witness.anchors if witness is not None else anchors
        return cls(
            re.compile(source), anchors, lead, tail, witness, condition, phrase, probes, exact, required
        )


def _required_words(source: str) -> tuple[str, ...]:
    """Literal words every match of ``source`` holds, alternatives included (信息 in A信息|B信息)."""
    from re import _constants as constants  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]

    def words(items: list[tuple[object, object]]) -> set[str]:
        found: set[str] = set()
        run: list[str] = []
        for op, argument in [*items, (None, None)]:
            if op is constants.LITERAL:
                run.append(chr(argument))  # type: ignore[arg-type]
                continue
            if op in (constants.ASSERT, constants.ASSERT_NOT, constants.AT):
                continue
            if run:
                found.add("".join(run))
                run = []
            if op is constants.SUBPATTERN:
                found |= words(list(argument[3].data))  # type: ignore[index]
            elif op is constants.BRANCH:
                found |= set.intersection(*(words(list(b.data)) for b in argument[1]))  # type: ignore[index]
            elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and argument[0] >= 1:  # type: ignore[index]
                found |= words(list(argument[2].data))  # type: ignore[index]
        return found

    return tuple(sorted(words(list(parser.parse(source).data)), key=len, reverse=True))


def _group_end(source: str, open_at: int) -> int:
    """Index of the parenthesis that closes the group opened at ``source[open_at]``."""
    depth = 0
    index = open_at
    in_class = False
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if source[index + 1 : index + 2] == "]":
                index += 1  # a leading ] is a member of the class
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ValueError(f"unbalanced group in {source}")


@dataclass(frozen=True, slots=True)
class NarrativeIndicatorPatterns:
    notation: str
    decimal: bool
    patterns: tuple[Pattern, ...]
    zero_patterns: tuple[Pattern, ...]


def _mandatory_literals(source: str) -> tuple[tuple[str, ...], int, int, bool]:
    """Literals at the top level of a regular expression, one of which every match contains.

    A run of literal characters (主动公开) or a group of literal alternatives ((?:收到|受理)) that
    the expression cannot skip. ``str.find`` for them locates the only places worth running the
    expression — far faster than scanning the text with an expression that opens with a
    look-behind or an optional group. The longest choice wins (fewest alternatives on ties).
    Also returns how far a match can reach before and after the chosen literal, and whether
    that reach after it is exact (no unbounded repetition after the literal).
    """
    from re import _constants as constants  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]

    def literal_sequence(items: list[tuple[object, object]]) -> str | None:
        if all(op is constants.LITERAL for op, _ in items):
            return "".join(chr(code) for _, code in items)  # type: ignore[arg-type]
        return None

    def flattened(items: list[tuple[object, object]]) -> list[tuple[object, object]]:
        # A group that is not one literal or one set of literal alternatives cannot be skipped
        # either: its own items are top-level items (the phrase group of a sentence pattern).
        found: list[tuple[object, object]] = []
        for op, argument in items:
            if op is constants.SUBPATTERN:
                inner = list(argument[3].data)  # type: ignore[index]
                if literal_sequence(inner) is None and not (
                    len(inner) == 1 and inner[0][0] is constants.BRANCH
                ):
                    found.extend(flattened(inner))
                    continue
            found.append((op, argument))
        return found

    try:
        parsed = parser.parse(source)
    except re.error:
        return (), _LEAD, _TAIL, False
    items = flattened(list(parsed.data))
    # (alternatives, index of the first item, index after the last item)
    choices: list[tuple[tuple[str, ...], int, int]] = []
    run: list[str] = []
    run_start = 0
    for index, (op, argument) in enumerate(items):
        if op is constants.LITERAL:
            if not run:
                run_start = index
            run.append(chr(argument))
            continue
        if op in (constants.ASSERT, constants.ASSERT_NOT, constants.AT):
            continue  # zero-width: the literal run goes on
        if run:
            choices.append((("".join(run),), run_start, index))
        run = []
        branches = None
        if op is constants.BRANCH:
            branches = [literal_sequence(list(branch.data)) for branch in argument[1]]
        elif op is constants.IN and all(kind is constants.LITERAL for kind, _ in argument):  # type: ignore[attr-defined]
            branches = [chr(code) for _, code in argument]  # 条|篇, compiled to a character set
        elif op is constants.SUBPATTERN:
            inner = list(argument[3].data)
            whole = literal_sequence(inner)
            if whole is not None:
                branches = [whole]
            elif len(inner) == 1 and inner[0][0] is constants.BRANCH:
                branches = [literal_sequence(list(branch.data)) for branch in inner[0][1][1]]
        if branches and all(branches):
            choices.append((tuple(b for b in branches if b), index, index + 1))
    if run:
        choices.append((("".join(run),), run_start, len(items)))
    if not choices:
        return (), _LEAD, _TAIL, False

    def width(part: list[tuple[object, object]], default: int) -> int:
        high = parser.SubPattern(parsed.state, part).getwidth()[1] if part else 0
        return high if high <= _MAX_WIDTH else default

    def bounded(part: list[tuple[object, object]]) -> bool:
        return not part or parser.SubPattern(parsed.state, part).getwidth()[1] <= _MAX_WIDTH

    def rank(choice: tuple[tuple[str, ...], int, int]) -> tuple[bool, bool, int, int]:
        # A literal that opens every match (lead 0) needs one attempt per occurrence rather than
        # a window search: it beats an equally long literal further in.
        shortest = min(len(a) for a in choice[0])
        return (shortest >= 2, width(items[: choice[1]], _LEAD) == 0, shortest, -len(choice[0]))

    anchors, first, after = max(choices, key=rank)
    lead = width(items[:first], _LEAD)
    tail = width(items[after:], _TAIL) + max(len(a) for a in anchors)
    return anchors, lead, tail, bounded(items[after:])


@cache
def narrative_indicators() -> tuple[NarrativeIndicatorPatterns, ...]:
    """The narrative indicators and their compiled patterns, read once from the Turtle."""
    import rdflib

    text = resources.files("ogikg.ontology").joinpath("narrative.ttl").read_text(encoding="utf-8")
    graph = rdflib.Graph().parse(data=text, format="turtle")
    skos = rdflib.Namespace(_SKOS)
    ogi = rdflib.Namespace(VOCAB)
    scheme = rdflib.URIRef(SCHEME + "narrative")
    found: list[NarrativeIndicatorPatterns] = []
    for concept in graph.subjects(skos.inScheme, scheme):
        if not str(concept).startswith(INDICATOR):
            continue
        notation = str(graph.value(concept, skos.notation))
        units = {str(u) for u in graph.objects(concept, ogi.unit)}
        patterns = tuple(
            Pattern.compile(str(p)) for p in sorted(graph.objects(concept, ogi.textPattern), key=str)
        )
        zeros = tuple(
            Pattern.compile(str(p)) for p in sorted(graph.objects(concept, ogi.zeroPattern), key=str)
        )
        for pattern in patterns:
            if "value" not in pattern.regex.groupindex:
                raise ValueError(f"narrative.ttl: a text pattern of {notation} has no group named value")
        found.append(NarrativeIndicatorPatterns(notation, bool(units & _DECIMAL_UNITS), patterns, zeros))
    return tuple(sorted(found, key=lambda i: i.notation))


def extract_narrative(text: str, year: int | None) -> tuple[NarrativeFigure, ...]:
    """The first prose statement of each narrative figure, in text order.

    A figure is only read when a phrase states it; table rows (lines with ``|`` cells) are never
    read. ``year`` is the year the report covers: a statement about another year is skipped.
    Lines broken inside a sentence (PDF text layers: 受理政府 / 信息公开申请 17 件) are read as one.
    """
    prose = _Prose(text)
    figures: list[NarrativeFigure] = []
    for indicator in narrative_indicators():
        best: tuple[int, NarrativeFigure] | None = None
        for zero, patterns in ((False, indicator.patterns), (True, indicator.zero_patterns)):
            for pattern in patterns:
                # Most texts hold none of a pattern's literals: skip it before any other work.
                for word in pattern.probes:
                    if prose.anchor_positions(word):
                        break
                else:
                    if pattern.probes:
                        continue
                found = _first_match(prose, pattern, indicator, year, best[0] if best else None, zero=zero)
                if found is not None:
                    best = found
        if best is not None:
            figures.append(best[1])
    return tuple(sorted(figures, key=lambda f: (f.span.line, f.span.start, f.indicator)))


def _without(text: str, positions: list[int]) -> str:
    """``text`` without the characters at ``positions`` (in order)."""
    pieces: list[str] = []
    previous = 0
    for position in positions:
        pieces.append(text[previous:position])
        previous = position + 1
    pieces.append(text[previous:])
    return "".join(pieces)


class _Prose:
    """The text with sentence-internal line breaks removed, mapped back to original lines.

    A line that stops mid-sentence (no closing punctuation) before a line that goes on with text is
    a wrapped line of a PDF text layer; table lines and lines that open an item or a heading are
    never joined.
    """

    def __init__(self, text: str) -> None:
        self.lines = Lines(text)
        starts = self.lines.starts
        table = self.lines.table_lines
        removed: list[int] = []
        lines = self.lines.lines
        for match in _WRAP.finditer(text):
            line = bisect.bisect_right(starts, match.start()) - 1
            if line not in table and line + 1 not in table and not STARTS_ITEM.match(lines[line + 1]):
                removed.append(match.start())
        self.text = _without(text, removed)
        # The same text with table lines blanked (same offsets): literals are looked up in it, so
        # that an anchor inside a table is never found and a literal found only there rules a
        # pattern out at once.
        self.scan = self.text
        if table:
            lines = self.lines.lines.copy()
            for index in table:
                lines[index] = " " * len(lines[index])
            self.scan = _without("\n".join(lines), removed)
        # Joined offset where the character after the k-th removed line break lands.
        self._landing = [position - k for k, position in enumerate(removed)]
        self._anchors: dict[str, list[int]] = {}
        self._witnessed: dict[re.Pattern[str], list[int]] = {}
        self._ends: dict[int, int] = {}

    def sentence_start(self, offset: int) -> int:
        """Offset of the first character of the sentence that holds ``offset``."""
        text = self.text
        low = max(0, offset - _MAX_SENTENCE)
        return max(text.rfind(end, low, offset) for end in _SENTENCE_END_MARKS) + 1 or low

    def sentence_end(self, start: int) -> int:
        """Offset just after the sentence that starts at ``start`` (its closing mark included)."""
        found = self._ends.get(start)
        if found is None:
            text = self.text
            stop = min(len(text), start + _MAX_SENTENCE)
            found = stop
            for mark in _SENTENCE_END_MARKS:
                end = text.find(mark, start, found)
                if end != -1:
                    found = end + 1
            self._ends[start] = found
        return found

    def sentences_holding(self, witness: Pattern) -> list[int]:
        """Starts of the sentences outside tables that hold a match of ``witness``, in order."""
        found = self._witnessed.get(witness.regex)
        if found is None:
            found = []
            for match in _candidates(witness, self):  # located by its anchors, tables skipped
                start = self.sentence_start(match.start())
                if not found or found[-1] != start:
                    found.append(start)
            self._witnessed[witness.regex] = found
        return found

    def anchor_positions(self, anchor: str) -> list[int]:
        """Offsets of ``anchor`` outside table lines (several patterns share anchors)."""
        found = self._anchors.get(anchor)
        if found is None:
            found = []
            scan = self.scan
            position = scan.find(anchor)
            while position != -1:
                found.append(position)
                position = scan.find(anchor, position + 1)
            self._anchors[anchor] = found
        return found

    def original(self, offset: int) -> int:
        return offset + bisect.bisect_right(self._landing, offset)

    def span(self, start: int, end: int) -> Span:
        first = self.original(start)
        index = self.lines.line_of(first)
        line_start = self.lines.starts[index]
        last = self.original(end - 1) + 1 if end > start else first
        return Span(
            index + 1, first - line_start, min(last, line_start + len(self.lines.lines[index])) - line_start
        )


def _candidates(pattern: Pattern, prose: _Prose) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in text order, looking only around occurrences of its anchors
    outside table lines."""
    text = prose.text
    if not pattern.anchors:
        yield from pattern.regex.finditer(text)
        return
    regex = pattern.regex
    yielded = 0  # end of the last match handed out; later windows overlap earlier ones
    if pattern.witness is not None:
        assert pattern.phrase is not None and pattern.condition is not None
        for start in prose.sentences_holding(pattern.witness):
            if start < yielded:
                continue
            end = prose.sentence_end(start)
            stop = min(len(text), end + _PHRASE_TRAIL)
            sentence = text[start:stop]
            for word in pattern.required:
                if word not in sentence:
                    break
            else:
                match = pattern.phrase.search(text, start, stop)
                if (
                    match is not None
                    and match.start() < end
                    and pattern.condition.fullmatch(text, start, match.start()) is not None
                ):
                    yielded = match.end()
                    yield match
        return
    anchors = pattern.anchors
    if len(anchors) == 1:
        positions = prose.anchor_positions(anchors[0])  # already in order
    else:
        positions = sorted([p for anchor in anchors for p in prose.anchor_positions(anchor)])
    for position in positions:
        if pattern.lead == 0:
            # Every match starts at its anchor: try the expression right there only.
            match = regex.match(text, position)
            if match is not None and match.start() >= yielded:
                yielded = match.end()
                yield match
            continue
        start = max(0, position - pattern.lead)
        # An exact reach leaves room for look-aheads (…个(?!工作日)), so no match ends at the stop.
        stop = min(len(text), position + pattern.tail + (_LOOKAROUND if pattern.exact_tail else 0))
        for match in regex.finditer(text, start, stop):
            if match.end() == stop and stop < len(text):
                # The window may have cut the match short (a number running past it): redo it whole.
                whole = regex.match(text, match.start())
                if whole is None:
                    continue
                match = whole
            if match.start() < yielded:
                continue
            yielded = match.end()
            yield match


def _first_match(
    prose: _Prose,
    pattern: Pattern,
    indicator: NarrativeIndicatorPatterns,
    year: int | None,
    before: int | None,
    *,
    zero: bool = False,
) -> tuple[int, NarrativeFigure] | None:
    """The earliest acceptable match of ``pattern`` that starts before offset ``before``."""
    text = prose.text
    for match in _candidates(pattern, prose):
        if before is not None and match.start() >= before:
            return None
        start, end = match.span("phrase") if "phrase" in match.re.groupindex else match.span()
        if before is not None and start >= before:
            continue  # the phrase itself comes after the figure already found
        span = prose.span(start, end)
        if span.line - 1 in prose.lines.table_lines:
            continue
        if (
            year is not None
            and indicator.notation not in _NEIGHBOUR_YEAR_FIGURES
            and _about_other_year(text, start, year)
        ):
            continue
        if _cumulative(text, start, end):
            continue
        value: int | Decimal
        if zero:
            value = Decimal(0) if indicator.decimal else 0
        else:
            number = _number(match)
            if number is None:
                continue
            if indicator.decimal:
                value = number
            elif number == number.to_integral_value():
                value = int(number)
            else:
                continue  # 3.5条: a misread, not a count
        phrase = " ".join(text[start:end].split())
        return start, NarrativeFigure(indicator.notation, value, phrase, span)
    return None


def _number(match: re.Match[str]) -> Decimal | None:
    """The stated number: separators dropped, 1万余条 read as 10000 (round figures count as stated)."""
    try:
        number = Decimal(match.group("value").replace(",", ""))
    except ArithmeticError:
        return None
    if "myriad" in match.re.groupindex and match.group("myriad"):
        number *= _MYRIAD
    return number


def _cumulative(text: str, start: int, end: int) -> bool:
    """Whether the sentence states a running total (截至2017年底累计公开457条), not the year's."""
    window = text[max(0, start - _LOOKBACK) : end]
    ends = list(_SENTENCE_END.finditer(window, 0, start - max(0, start - _LOOKBACK)))
    if ends:
        window = window[ends[-1].end() :]
    return "累计" in window and _TO_DATE.search(window) is not None


def _about_other_year(text: str, start: int, year: int) -> bool:
    """Whether the sentence up to ``start`` is about a year other than ``year`` (2019年,…收到申请5件).

    Years inside brackets are asides (含2022年结转的3件) and do not count.
    """
    window = text[max(0, start - _LOOKBACK) : start]
    ends = list(_SENTENCE_END.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    years = _YEAR_BEFORE.findall(_ASIDE.sub("", window))
    return bool(years) and int(years[-1]) != year
