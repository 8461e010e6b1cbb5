"""Key figures a report states in prose (主动公开政府信息412条, 收到申请3件, 未发生行政复议).

What to look for lives in ``ontology/narrative.ttl``: each narrative indicator carries the regular
expressions that recognise it (``ogi:textPattern``, group ``value``) and those for sentences that
state it is nil (``ogi:zeroPattern``). This module holds no vocabulary: it runs those expressions
over the text, skips table renderings, and keeps the first statement of each figure.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

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
_WRAP = re.compile(r"(?<=[\u4e00-\u9fff\d、])\n(?=[ \t]*[\u4e00-\u9fff\d])")
_NEIGHBOUR_YEAR_FIGURES = frozenset({"narrative.requestsCarriedOver", "narrative.requestsCarriedForward"})
_LOOKBACK = 40
# Around each anchor occurrence the expression is run over this many characters before and after.
_LEAD = 80
_TAIL = 120
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

    @classmethod
    def compile(cls, source: str) -> Pattern:
        anchors, lead, tail = _mandatory_literals(source)
        return cls(re.compile(source), anchors, lead, tail)


@dataclass(frozen=True, slots=True)
class NarrativeIndicatorPatterns:
    notation: str
    decimal: bool
    patterns: tuple[Pattern, ...]
    zero_patterns: tuple[Pattern, ...]


def _mandatory_literals(source: str) -> tuple[tuple[str, ...], int, int]:
    """Literals at the top level of a regular expression, one of which every match contains.

    A run of literal characters (主动公开) or a group of literal alternatives ((?:收到|受理)) that
    the expression cannot skip. ``str.find`` for them locates the only places worth running the
    expression — far faster than scanning the text with an expression that opens with a
    look-behind or an optional group. The longest choice wins (fewest alternatives on ties).
    Also returns how far a match can reach before and after the chosen literal.
    """
    from re import _constants as constants  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]

    def literal_sequence(items: list[tuple[object, object]]) -> str | None:
        if all(op is constants.LITERAL for op, _ in items):
            return "".join(chr(code) for _, code in items)  # type: ignore[arg-type]
        return None

    try:
        parsed = parser.parse(source)
    except re.error:
        return (), _LEAD, _TAIL
    items = list(parsed.data)
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
        return (), _LEAD, _TAIL
    anchors, first, after = max(choices, key=lambda c: (min(len(a) for a in c[0]), -len(c[0])))

    def width(part: list[tuple[object, object]], default: int) -> int:
        high = parser.SubPattern(parsed.state, part).getwidth()[1] if part else 0
        return high if high <= _MAX_WIDTH else default

    lead = width(items[:first], _LEAD)
    tail = width(items[after:], _TAIL) + max(len(a) for a in anchors)
    return anchors, lead, tail


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
        for pattern in indicator.patterns:
            found = _first_match(prose, pattern, indicator, year, best[0] if best else None)
            if found is not None:
                best = found
        for pattern in indicator.zero_patterns:
            found = _first_match(prose, pattern, indicator, year, best[0] if best else None, zero=True)
            if found is not None:
                best = found
        if best is not None:
            figures.append(best[1])
    return tuple(sorted(figures, key=lambda f: (f.span.line, f.span.start, f.indicator)))


class _Prose:
    """The text with sentence-internal line breaks removed, mapped back to original lines.

    A line that stops mid-sentence (no closing punctuation) before a line that goes on with text is
    a wrapped line of a PDF text layer; table lines are never joined.
    """

    def __init__(self, text: str) -> None:
        self.lines = Lines(text)
        starts = self.lines.starts
        table = self.lines.table_lines
        removed: list[int] = []
        for match in _WRAP.finditer(text):
            line = bisect.bisect_right(starts, match.start()) - 1
            if line not in table and line + 1 not in table:
                removed.append(match.start())
        pieces: list[str] = []
        previous = 0
        for position in removed:
            pieces.append(text[previous:position])
            previous = position + 1
        pieces.append(text[previous:])
        self.text = "".join(pieces)
        # Joined offset where the character after the k-th removed line break lands.
        self._landing = [position - k for k, position in enumerate(removed)]
        self._anchors: dict[str, list[int]] = {}

    def anchor_positions(self, anchor: str) -> list[int]:
        """Offsets of ``anchor`` outside table lines (several patterns share anchors)."""
        found = self._anchors.get(anchor)
        if found is None:
            found = []
            text = self.text
            check = bool(self.lines.table_lines)
            position = text.find(anchor)
            while position != -1:
                if not (check and self.in_table(position)):
                    found.append(position)
                position = text.find(anchor, position + 1)
            self._anchors[anchor] = found
        return found

    def original(self, offset: int) -> int:
        return offset + bisect.bisect_right(self._landing, offset)

    def in_table(self, offset: int) -> bool:
        return self.lines.line_of(self.original(offset)) in self.lines.table_lines

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
    positions = sorted(p for anchor in pattern.anchors for p in prose.anchor_positions(anchor))
    yielded = 0  # end of the last match handed out; later windows overlap earlier ones
    for position in positions:
        if pattern.lead == 0:
            # Every match starts at its anchor: try the expression right there only.
            match = regex.match(text, position)
            if match is not None and match.start() >= yielded:
                yielded = match.end()
                yield match
            continue
        start = max(0, position - pattern.lead)
        stop = min(len(text), position + pattern.tail)
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
        span = prose.span(start, end)
        if span.line - 1 in prose.lines.table_lines:
            continue
        if (
            year is not None
            and indicator.notation not in _NEIGHBOUR_YEAR_FIGURES
            and _about_other_year(text, start, year)
        ):
            continue
        value: int | Decimal
        if zero:
            value = Decimal(0) if indicator.decimal else 0
        else:
            raw = match.group("value").replace(",", "")
            value = Decimal(raw) if indicator.decimal else int(raw)
        phrase = " ".join(text[start:end].split())
        return start, NarrativeFigure(indicator.notation, value, phrase, span)
    return None


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
