"""The printed labels of every official table, indexed for matching in report text.

Everything here is derived once from the catalogue (``ogikg.ontology.catalogue``): row labels,
column headers, table titles, 表二 block headings, applicant types, units and the notice numbers
of the form generations. A label is matched on its ``label_key`` (numbering, spaces, quotes and
bracket widths ignored); in running text it is found with one compiled regular expression built
as a trie over all label keys, tolerant of stray spaces and quote marks between characters, with
an optional item number in front ("6.", "(七)", "三、", "其中:").
"""

from __future__ import annotations

import enum
import functools
import re
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ogikg import iris
from ogikg.converter.normalise import label_key, strip_numbering
from ogikg.ontology import turtle_files
from ogikg.ontology.catalogue import Catalogue, Concept, catalogue

GENERATIONS = ("old", "2019", "2021")


class Role(enum.StrEnum):
    """What a printed label is in the layout of a table."""

    ROW = "row"  # a row that carries cells (表二 row, 表三 row, old-form indicator)
    GROUP = "group"  # a row heading without cells of its own (表三 outcome groups, old sections)
    TABLE = "table"  # a table title
    BLOCK = "block"  # a 表二 block heading (第二十条第(一)项)
    COLUMN = "column"  # a column header (表二/表四 columns, 表四 groups, old-form header)
    APPLICANT = "applicant"  # a 表三 column header (applicant type or the 申请人情况 heading)


@dataclass(frozen=True, slots=True)
class LabelEntry:
    """One concept a printed label can stand for."""

    notation: str
    role: Role
    generation: str | None  # None: shared by the 2019 and 2021 forms (applicant types)
    table: str | None  # notation of the ogi:FormTable, None for applicant types
    number: str | None  # the item number printed with this label variant ('6', '七'), if any
    position: int  # printed order within the table (rows and groups)


@dataclass(frozen=True, slots=True)
class LabelIndex:
    pattern: re.Pattern[str]  # finds label bodies (numbering excluded: see NUMBERING_BEFORE)
    entries: dict[str, tuple[LabelEntry, ...]]  # label_key → candidate concepts
    notices: dict[str, tuple[str, ...]]  # generation → notice numbers such as '〔2021〕30号'
    sections: tuple[str, ...]  # label keys of the report section titles (一、总体情况 …)
    units: tuple[str, ...]  # unit notations, longest first
    count_units: tuple[str, ...]  # units of the indicators that count (件, 条 …), longest first
    export_fields: dict[str, frozenset[str]]  # JSON export field name → the generations using it
    beginnings: frozenset[str]  # every proper beginning of every key (a label cut over lines)

    def lookup(self, text: str) -> tuple[LabelEntry, ...]:
        return self.entries.get(label_key(text), ())


# --- label keys → a space-tolerant trie regex -------------------------------------------------

# label_key folds these characters together; the regex accepts every printed variant.
_KEY_CHAR_CLASS = {
    "(": "[(\\[{【〔〖［｛〈（]",
    ")": "[)\\]}】〕〗］｝〉）]",
    ",": "[、，,；;]",
    ":": "[：:]",
    "/": "[／/]",
    "-": "[-‐‑‒–—―－﹣−]",
}
# Between two characters of a label: stray spaces and the quote marks label_key drops.
_GAP = "[ \"'“”‘’「」『』]*"

# An item number printed right before a label ("6.", "(七)", "三、", "其中:"), found by looking
# back from the start of a label body; digits are taken generously ("326." in a run-together
# table) and trimmed by the caller, which knows which number the row should carry.
NUMBERING_BEFORE = re.compile(
    r"(?:(?P<zhongqi>其中\s*:?\s*)"
    r"|(?P<paren>\(\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*\)\s*[、.]?\s*(?:其中\s*:?\s*)?)"
    r"|(?P<zh>[一二三四五六七八九十]{1,3}\s*[、.]\s*)"
    r"|(?P<digits>\d{1,4})\s*[、.．]\s*(?:其中\s*:?\s*)?)$"
)


def _char_pattern(char: str) -> str:
    if char in _KEY_CHAR_CLASS:
        return _KEY_CHAR_CLASS[char]
    if char.isascii() and char.isalpha():
        return f"[{char.lower()}{char.upper()}]"
    return re.escape(char)


def _trie_pattern(keys: list[str]) -> str:
    """One regex alternation shaped as a trie; at each node the longer continuation is tried first."""
    trie: dict = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = True

    def emit(node: dict) -> str:
        branches = []
        for char in sorted(ch for ch in node if ch):
            child = node[char]
            has_children = any(ch for ch in child)
            if not has_children:
                branches.append(_char_pattern(char))
                continue
            rest = f"(?:{_GAP}(?:{emit(child)}))"
            branches.append(_char_pattern(char) + rest + ("?" if "" in child else ""))
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(trie)


_ITEM_NUMBER = re.compile(r"\d+|[一二三四五六七八九十]+")


@functools.lru_cache(maxsize=8192)
def own_number(label: str) -> str | None:
    """The item number printed in a label: '6.属于…' → '6', '（七）总计' → '七', '一、…' → '一'."""
    stripped = strip_numbering(label)
    if stripped == label.strip():
        return None
    found = _ITEM_NUMBER.search(label[: len(label) - len(stripped)])
    return found.group() if found else None


# --- catalogue → entries ------------------------------------------------------------------------


def _generation(concept: Concept) -> str | None:
    for generation in GENERATIONS:
        if iris.SCHEME + generation in concept.schemes:
            return generation
    return None


def _table_notation(cat: Catalogue, concept: Concept) -> str | None:
    return cat.iri(concept.table).notation if concept.table and concept.table in cat.by_iri else None


def _role(cat: Catalogue, concept: Concept) -> Role | None:
    table = _table_notation(cat, concept)
    suffix = table.rsplit(".", 1)[-1] if table else ""
    if concept.kind == "table":
        return Role.TABLE
    if concept.kind == "block":
        return Role.BLOCK
    if concept.kind == "column":
        return Role.COLUMN
    if concept.kind == "applicant":
        return Role.APPLICANT
    if concept.kind == "row":
        if suffix == "T4":
            return Role.COLUMN  # 表四 prints its groups as column headings over one data row
        return Role.ROW if suffix == "T2" else Role.GROUP
    if concept.kind == "indicator" and suffix in ("T3", "T"):
        return Role.ROW
    if concept.kind == "derived" and suffix == "T3":
        return Role.GROUP
    return None  # 表二/表四 indicators are located by row and column; derived totals print nothing


@functools.cache
def _scheme_labels() -> tuple[dict[str, list[str]], list[str]]:
    """Labels of the concept schemes (form generations, applicant heading) and of the report
    sections, which the catalogue view does not carry: scheme notation → labels; section titles."""
    schemes: dict[str, list[str]] = defaultdict(list)
    sections: list[str] = []
    scheme_type = "http://www.w3.org/2004/02/skos/core#ConceptScheme"
    section_type = iris.VOCAB + "SectionType"
    label_predicates = {
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2004/02/skos/core#altLabel",
    }
    typed: dict[str, str] = {}
    labels: dict[str, list[str]] = defaultdict(list)
    for path in turtle_files():
        with open(path, "rb") as handle:
            for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
                subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
                if not isinstance(subject, ox.NamedNode):
                    continue
                if predicate == iris.RDF_TYPE and obj.value in (
                    scheme_type,
                    section_type,
                ):
                    typed[subject.value] = obj.value
                elif (
                    predicate in label_predicates
                    and isinstance(obj, ox.Literal)
                    and (obj.language or "").lower().startswith("zh")
                ):
                    labels[subject.value].append(obj.value)
    for subject, kind in typed.items():
        if kind == scheme_type and subject.startswith(iris.SCHEME):
            schemes[subject[len(iris.SCHEME) :]].extend(labels.get(subject, []))
        elif kind == section_type:
            sections.extend(labels.get(subject, []))
    return dict(schemes), sections


_NOTICE = re.compile(r"〔\d{4}〕\d+号")


@functools.cache
def label_index() -> LabelIndex:
    """The label index of the whole catalogue, built once per process."""
    cat = catalogue()
    entries: dict[str, list[LabelEntry]] = defaultdict(list)

    def add(label: str, entry: LabelEntry) -> None:
        key = label_key(label)
        if not key:
            return
        for variant in {key, key.removeprefix("其中:")}:
            if variant and entry not in entries[variant]:
                entries[variant].append(entry)

    for concept in cat.by_iri.values():
        role = _role(cat, concept)
        if role is None:
            continue
        table = _table_notation(cat, concept)
        generation = _generation(concept)
        if concept.kind == "table":
            table = concept.notation
        elif table is None and generation is not None and len(cat.tables(generation)) == 1:
            table = cat.tables(generation)[0].notation  # the old form's header columns
        position = _position(cat, concept)
        for label in concept.labels_zh:
            add(label, LabelEntry(concept.notation, role, generation, table, own_number(label), position))
        if concept.kind == "table" and concept.header_note:
            add(concept.header_note, LabelEntry(concept.notation, Role.COLUMN, generation, table, None, 0))
    scheme_labels, section_labels = _scheme_labels()
    for label in scheme_labels.get("applicant", []):
        add(label, LabelEntry("applicant", Role.APPLICANT, None, None, None, 0))

    frozen = {key: tuple(found) for key, found in entries.items()}
    export_fields: dict[str, set[str]] = {}
    for concept in cat.by_iri.values():
        generation = _generation(concept)
        for name in concept.export_fields:
            if generation is not None:
                export_fields.setdefault(name, set()).add(generation)
    notices = {
        generation: tuple(dict.fromkeys(_NOTICE.findall(" ".join(scheme_labels.get(generation, [])))))
        for generation in GENERATIONS
    }
    units = sorted(
        {label for unit in cat.of_kind("unit") for label in (unit.notation, *unit.labels_zh) if label},
        key=len,
        reverse=True,
    )
    count_units = sorted(
        {
            cat.iri(c.unit).notation
            for c in cat.of_kind("indicator")
            if c.unit in cat.by_iri and not (c.datatype or "").endswith("#decimal")
        },
        key=len,
        reverse=True,
    )
    # A leading bracket would stop the regex engine from skipping ahead on the first character.
    bodies = sorted({key.removeprefix("(") for key in frozen}, key=len, reverse=True)
    pattern = re.compile(_trie_pattern(bodies))
    return LabelIndex(
        pattern=pattern,
        entries=frozen,
        notices=notices,
        sections=tuple(dict.fromkeys(label_key(label) for label in section_labels)),
        units=tuple(units),
        count_units=tuple(count_units),
        export_fields={name: frozenset(found) for name, found in export_fields.items()},
        beginnings=frozenset(key[:end] for key in frozen for end in range(1, len(key))),
    )


def _position(cat: Catalogue, concept: Concept) -> int:
    """A rank that follows the printed order of rows within their table."""
    key = cat.sort_key(concept)
    path = key[1]
    rank = 0
    for order in path:  # orders are small; pack the path into one integer
        rank = rank * 64 + max(0, min(order, 63))
    return rank * 64 ** (6 - len(path)) if len(path) <= 6 else rank
