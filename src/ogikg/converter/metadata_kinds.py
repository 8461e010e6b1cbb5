"""Agency kinds and the name endings that identify them, read once from ``agency-kinds.ttl``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ogikg.converter.model import Level
from ogikg.iris import AGENCY_KIND, LEVEL, SCHEME, VOCAB

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_OTHER = "other"
_PLACE_NAMED = frozenset({"government", "government-office"})


@dataclass(frozen=True, slots=True)
class AgencyKind:
    notation: str
    label_zh: str
    endings: tuple[str, ...]
    implied_level: Level | None

    @property
    def generic(self) -> bool:
        """Whether this is the catch-all kind whose endings (局, 委, 办) say nothing specific."""
        return self.notation == _OTHER


@dataclass(frozen=True, slots=True)
class KindMatch:
    kind: AgencyKind
    ending: str  # the ending of the name that identified the kind


@dataclass(frozen=True, slots=True)
class AgencyKinds:
    kinds: tuple[AgencyKind, ...]
    # (ending, kind) pairs, longest ending first, so the first hit is the most specific.
    endings: tuple[tuple[str, AgencyKind], ...]
    central_patterns: tuple[re.Pattern[str], ...]
    specific_ending_regex: re.Pattern[str]  # any ending of a non-generic kind
    by_ending: dict[str, KindMatch]
    longest_ending: int
    # Endings of three characters or more, to find names in running text: two-character ones
    # (政府, 街道, 园区) occur in almost every sentence of a report.
    mention_regex: re.Pattern[str]
    central_endings: frozenset[str]  # endings that name a central body by themselves (水利部)
    # Field words of the departments (公安局 → 公安, 交通运输局 → 交通运输, 交通): the names of
    # their web sites, hotlines and accounts (淮安交通, “大余民政”) put the place before them.
    stems: dict[str, tuple[str, ...]]  # kind notation -> its field words, longest first
    stem_regex: re.Pattern[str]  # any field word of any kind
    by_stem: dict[str, AgencyKind]

    def classify(self, name: str) -> KindMatch | None:
        """The kind whose longest ending closes ``name`` (统计局 → statistics)."""
        by_ending = self.by_ending
        for length in range(min(len(name), self.longest_ending), 0, -1):
            match = by_ending.get(name[-length:])
            if match is not None:
                return match
        return None

    def first_specific_end(self, name: str) -> int | None:
        """End of the first specific kind ending inside ``name`` (to cut 重庆市统计局|办公室)."""
        match = self.specific_ending_regex.search(name)
        return match.end() if match else None

    def is_central_ending(self, ending: str) -> bool:
        return ending in self.central_endings

    def is_central(self, name: str) -> bool:
        return any(pattern.search(name) for pattern in self.central_patterns)

    def completed(self, name: str, match: KindMatch) -> str:
        """The name with a clipped ending written out.

        建章路街道 → 建章路街道办事处, 水头镇 → 水头镇人民政府, 衡阳市政府 → 衡阳市人民政府.
        """
        fuller = [
            ending
            for ending in match.kind.endings
            if len(ending) > len(match.ending)
            # 街道 → 街道办事处, 镇 → 镇人民政府; and only the shortest words the other way (政府 → 人民政府)
            and (
                ending.startswith(match.ending)
                or (
                    len(match.ending) <= 2 and ending == match.kind.label_zh and ending.endswith(match.ending)
                )
            )
        ]
        if not fuller:
            return name
        best = max(fuller, key=lambda e: (len(e), e))
        return name[: len(name) - len(match.ending)] + best

    def stems_of(self, notation: str) -> tuple[str, ...]:
        return self.stems.get(notation, ())

    def by_notation(self, notation: str) -> AgencyKind:
        return next(kind for kind in self.kinds if kind.notation == notation)


def trie_pattern(words: list[str]) -> str:
    """One regular expression for a set of literal words, factored as a trie.

    Python's ``re`` tries the alternatives of ``a|b|c`` one by one at every position; sharing
    prefixes lets it reject most positions after one character. Longer words win, as with a
    longest-first alternation, because the optional continuations are greedy.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _level(iri: str) -> Level | None:
    tail = iri.removeprefix(LEVEL)
    try:
        return Level(tail)
    except ValueError:
        return None


@cache
def agency_kinds() -> AgencyKinds:
    """Parse the Turtle once per process (rdflib is imported only here)."""
    import rdflib

    text = resources.files("ogikg.ontology").joinpath("agency-kinds.ttl").read_text(encoding="utf-8")
    graph = rdflib.Graph().parse(data=text, format="turtle")
    skos = rdflib.Namespace(_SKOS)
    ogi = rdflib.Namespace(VOCAB)
    scheme = rdflib.URIRef(SCHEME + "agency-kind")
    kinds: list[AgencyKind] = []
    for concept in graph.subjects(skos.inScheme, scheme):
        if not str(concept).startswith(AGENCY_KIND):
            continue
        notation = str(graph.value(concept, skos.notation))
        label = next(
            (
                str(lit)
                for lit in graph.objects(concept, skos.prefLabel)
                if str(getattr(lit, "language", "") or "").lower() == "zh-hans"
            ),
            notation,
        )
        endings = tuple(
            sorted(
                {str(lit) for lit in graph.objects(concept, skos.altLabel)},
                key=lambda e: (-len(e), e),
            )
        )
        implied = graph.value(concept, ogi.impliesLevel)
        kinds.append(AgencyKind(notation, label, endings, _level(str(implied)) if implied else None))
    pairs = sorted(
        ((ending, kind) for kind in kinds for ending in kind.endings),
        key=lambda pair: (-len(pair[0]), pair[1].generic, pair[0]),
    )
    central = tuple(re.compile(str(lit)) for lit in graph.objects(scheme, ogi.centralNamePattern))
    # One-character endings (镇, 乡) are left out: inside running text they are noise (镇江市).
    specific = sorted({e for e, k in pairs if not k.generic and len(e) > 1}, key=lambda e: (-len(e), e))
    by_ending: dict[str, KindMatch] = {}
    for ending, kind in pairs:  # specific kinds first for an ending two kinds share
        by_ending.setdefault(ending, KindMatch(kind, ending))
    stems = _field_stems(kinds)
    by_stem: dict[str, AgencyKind] = {}
    for kind in kinds:
        for stem in stems.get(kind.notation, ()):
            by_stem.setdefault(stem, kind)
    return AgencyKinds(
        tuple(sorted(kinds, key=lambda k: k.notation)),
        tuple(pairs),
        central,
        re.compile(trie_pattern(specific)),
        by_ending,
        max(len(e) for e, _ in pairs),
        re.compile(trie_pattern([e for e in specific if len(e) > 2])),
        frozenset(e for e in specific if any(p.search(e) for p in central)),
        stems,
        re.compile(trie_pattern(sorted(by_stem, key=lambda e: (-len(e), e)))),
        by_stem,
    )


def _field_stems(kinds: list[AgencyKind]) -> dict[str, tuple[str, ...]]:
    """Each department kind's endings without the generic word that closes them (公安局 → 公安).

    Governments, their offices and the kinds that imply a level (zones, sub-districts, townships)
    are named after places, not fields, and have none; 分局/总局 give the same stem as 局.
    """
    generic = [e for kind in kinds if kind.generic for e in kind.endings]
    generic.sort(key=len, reverse=True)
    found: dict[str, tuple[str, ...]] = {}
    for kind in kinds:
        if kind.generic or kind.implied_level is not None or kind.notation in _PLACE_NAMED:
            continue
        stems: set[str] = set()
        for ending in kind.endings:
            word = next((g for g in generic if ending.endswith(g) and len(ending) > len(g)), None)
            if word is None:
                continue
            stem = ending[: -len(word)].removesuffix("分").removesuffix("总")
            if len(stem) >= 2:
                stems.add(stem)
        found[kind.notation] = tuple(sorted(stems, key=lambda e: (-len(e), e)))
    return found
