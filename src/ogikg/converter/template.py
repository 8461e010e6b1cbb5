"""Which generation of the official form a report follows, decided from the text itself.

Evidence, strongest first: labels that exist in one generation only (表二 column headers such as
本年制发件数 / 本年新制作数量, the 2021 （六） sub-rows, the old form's 统计指标 rows); the notice
that introduced a format (国办公开办函〔2019〕60号 / 〔2021〕30号) cited in the text; and only then
the report year (2019–2020 → 2019 form, 2021 on → 2021 form, earlier → old form), with a warning
saying so. Labels shared by the 2019 and 2021 forms (表三 rows up to （五）) never decide alone.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from ogikg.converter.labels import GENERATIONS, LabelEntry, LabelIndex, Role
from ogikg.converter.model import Template
from ogikg.converter.segment import Kind, Piece

_TEMPLATE_OF = {"old": Template.OLD, "2019": Template.FMT2019, "2021": Template.FMT2021}
_YEAR = re.compile(r"(20[0-3]\d)\s*年")


def generation_evidence(pieces: list[Piece]) -> Counter[str]:
    """Per generation, how many distinct concepts were printed with a label of that generation only.

    A row label counts where it stands in a table (values or another label follow it), so that a
    heading such as "1.主动公开情况" in the prose of a newer report is not taken for the old form.
    """
    seen: dict[str, set[str]] = {generation: set() for generation in GENERATIONS}
    label, text = Kind.LABEL, Kind.TEXT
    last = len(pieces) - 1
    for position, piece in enumerate(pieces):
        if piece.kind is not label:
            continue
        generation, rows_only, notations = _evidence_of(piece.entries)
        if generation is None:
            continue
        if rows_only and (position == last or pieces[position + 1].kind is text):
            continue
        seen[generation].update(notations)
    return Counter({generation: len(found) for generation, found in seen.items() if found})


_EVIDENCE: dict[int, tuple[str | None, bool, tuple[str, ...]]] = {}


def _evidence_of(entries: tuple[LabelEntry, ...]) -> tuple[str | None, bool, tuple[str, ...]]:
    """The one generation a label belongs to (or None), whether it only heads rows, and the
    concepts it names."""
    # entries tuples are shared objects of the label index: memoise per tuple
    found = _EVIDENCE.get(id(entries))
    if found is None:
        generations = {entry.generation for entry in entries}
        only = next(iter(generations)) if len(generations) == 1 else None
        rows_only = all(entry.role in (Role.ROW, Role.GROUP) for entry in entries)
        notations = tuple(entry.notation for entry in entries)
        found = _EVIDENCE[id(entries)] = (only, rows_only, notations)
    return found


@functools.lru_cache(maxsize=64)
def _notice_pattern(notice: str) -> re.Pattern[str] | None:
    found = re.fullmatch(r"〔(\d{4})〕(\d+)号", notice)
    if found is None:
        return None
    year, number = found.groups()
    return re.compile(rf"[〔\[(（【]?\s*{year}\s*[〕\])）】]?\s*{number}\s*号")


def recognise(text: str, pieces: list[Piece], index: LabelIndex) -> tuple[str | None, tuple[str, ...]]:
    """The generation ('old', '2019', '2021') the tables follow, or None; and warnings."""
    evidence = generation_evidence(pieces)
    if evidence:
        ranked = evidence.most_common()
        best, score = ranked[0]
        if len(ranked) == 1 or score > ranked[1][1]:
            warnings: tuple[str, ...] = ()
            if len(ranked) > 1:
                others = ", ".join(f"{g} ({n})" for g, n in ranked[1:])
                warnings = (f"labels of several form generations: {best} ({score}) chosen over {others}",)
            return best, warnings
    notices = [g for g in GENERATIONS for notice in index.notices.get(g, ()) if _cited(text, notice)]
    if len(set(notices)) == 1:
        return notices[0], (f"form generation {notices[0]} taken from the format notice cited in the text",)
    if not any(piece.kind is Kind.LABEL for piece in pieces):
        return None, ()
    year = report_year(text)
    if year is None:
        return None, ("form generation undecidable: no distinctive label, notice or year",)
    generation = "old" if year < 2019 else "2019" if year < 2021 else "2021"
    return generation, (f"form generation {generation} guessed from the year {year}: no distinctive label",)


# Generic English words (made, valid): one alone in some export says nothing about a form.
_EXPORT_EVIDENCE = 2


def generation_of_export(fields: tuple[str, ...], index: LabelIndex) -> tuple[str | None, tuple[str, ...]]:
    """The generation a JSON export follows, from field names that only one generation uses."""
    found: dict[str, list[str]] = {}
    for name in fields:
        generations = index.export_fields.get(name)
        if generations is not None and len(generations) == 1:
            found.setdefault(next(iter(generations)), []).append(name)
    if len(found) != 1:
        return None, ()
    generation, names = next(iter(found.items()))
    if len(names) < _EXPORT_EVIDENCE:
        return None, ()
    return generation, (
        f"form generation {generation} taken from the field names of the JSON export "
        f"({', '.join(names)}); its numbers are a parser's output and were not read",
    )


def _cited(text: str, notice: str) -> bool:
    found = _NOTICE_PARTS.fullmatch(notice)
    if found is None or found.group(1) not in text or found.group(2) not in text:
        return False  # the year or the number is not printed at all: no need for the pattern
    pattern = _notice_pattern(notice)
    return bool(pattern and pattern.search(text))


_NOTICE_PARTS = re.compile(r"〔(\d{4})〕(\d+)号")


def report_year(text: str) -> int | None:
    """The year a report covers, as the most frequent 'YYYY年' of its opening lines."""
    head = text[:1500]
    years = Counter(int(y) for y in _YEAR.findall(head))
    if not years:
        return None
    return years.most_common(1)[0][0]


def template_of(generation: str | None) -> Template:
    return _TEMPLATE_OF.get(generation or "", Template.NARRATIVE)
