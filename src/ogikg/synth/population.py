"""A realistic population of reporting agencies and their reports over the years.

Agencies sit in real administrative areas (GB/T 2260, valid in the years they report) at every
level; their names are built from the area and a body name taken from the agency-kind scheme of
the ontology. Each agency reports every year; the form generation follows the year the way the
real population does (no national table before 2014, the 2014 national 统计表 until 2018, the 2019
format for 2019–2020 with some late adopters, the 2021 format since), and its numbers evolve.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from ogikg.converter import areas
from ogikg.converter.model import Level
from ogikg.synth.numbers import FormValues, generate, plant_contradiction
from ogikg.synth.render import SynthAgency, SynthReport

# Kinds of department that every level of government has (agency-kind notations).
DEPARTMENT_KINDS = (
    "statistics",
    "public-security",
    "education",
    "health",
    "civil-affairs",
    "human-resources",
    "natural-resources",
    "ecology-environment",
    "transport",
    "market-regulation",
    "water",
    "finance",
)


@cache
def _kind_endings() -> dict[str, list[str]]:
    """agency-kind notation → the name endings the ontology lists for it."""
    import pyoxigraph as ox

    from ogikg.ontology import ontology_dir

    skos = "http://www.w3.org/2004/02/skos/core#"
    notations: dict[str, str] = {}
    endings: dict[str, list[str]] = {}
    with open(ontology_dir() / "agency-kinds.ttl", "rb") as handle:
        triples = list(ox.parse(handle, format=ox.RdfFormat.TURTLE))
    for t in triples:
        if t.predicate.value == skos + "notation":
            notations[t.subject.value] = t.object.value
    for t in triples:
        if t.predicate.value == skos + "altLabel" and t.subject.value in notations:
            endings.setdefault(notations[t.subject.value], []).append(t.object.value)
    return endings


@cache
def _township_names() -> tuple[list[str], list[str]]:
    data = tomllib.loads(resources.files(__package__).joinpath("texts.toml").read_text(encoding="utf-8"))
    return data["townships"], data["subdistricts"]


def body_name(kind: str, level: Level) -> str:
    """The body part of an agency name for a kind at a level (厅 for provinces, 局 below)."""
    endings = _kind_endings()[kind]
    if kind == "government":
        return "人民政府"
    if kind == "government-office":
        return "人民政府办公厅" if level is Level.PROVINCE else "人民政府办公室"
    preferred = "厅" if level is Level.PROVINCE else "局"
    for ending in endings:
        if ending.endswith(preferred) and len(ending) > 2:
            return ending
    return endings[0]


@cache
def _areas_by_level(year: int) -> dict[Level, list[tuple[areas.Area, str]]]:
    """Areas still valid today (an agency keeps its code over the whole range of years), each with
    the place name its agencies print: a county name that several areas carry (新华区: 石家庄,
    沧州) is printed after its prefecture's (沧州市新华区), as reports of such counties do; one
    that stays ambiguous even so is left out."""
    current = [area for area in areas.all_areas(year) if area.valid_to is None]
    carriers: dict[str, int] = {}
    # counted over today's names: the agency reports until today (龙华区 of 海口 is alone in
    # 2012, but shares its name with 深圳's since 2016)
    for area in areas.all_areas(None):
        if area.valid_to is None:
            carriers[area.name] = carriers.get(area.name, 0) + 1
    found: dict[Level, list[tuple[areas.Area, str]]] = {
        Level.PROVINCE: [],
        Level.PREFECTURE: [],
        Level.COUNTY: [],
    }
    for area in current:
        if area.level not in found:
            continue
        name = area.name
        if carriers[name] > 1:
            parent = areas.area(area.parent, year) if area.parent else None
            if area.level is not Level.COUNTY or parent is None or parent.level is not Level.PREFECTURE:
                continue
            if not areas.short_names(parent.name):
                continue  # 422921's parent 林区 is a grouping of the code table, not a place to print
            name = parent.name + name
        found[area.level].append((area, name))
    return found


@dataclass(frozen=True)
class PopulationAgency:
    agency: SynthAgency
    scale: float  # bigger bodies get more requests


def agencies(count: int, rng: random.Random, year: int = 2020) -> list[PopulationAgency]:
    """``count`` agencies across levels: about 3 % provincial, 20 % prefecture, 60 % county,
    12 % township and sub-district, 5 % development zones."""
    by_level = _areas_by_level(year)
    townships, subdistricts = _township_names()
    result: list[PopulationAgency] = []
    seen: set[str] = set()
    while len(result) < count:
        roll = rng.random()
        if roll < 0.03:
            level, (area, where) = Level.PROVINCE, rng.choice(by_level[Level.PROVINCE])
        elif roll < 0.23:
            level, (area, where) = Level.PREFECTURE, rng.choice(by_level[Level.PREFECTURE])
        elif roll < 0.83:
            level, (area, where) = Level.COUNTY, rng.choice(by_level[Level.COUNTY])
        elif roll < 0.95:
            level, (area, where) = Level.TOWNSHIP, rng.choice(by_level[Level.COUNTY])
        else:
            level, (area, where) = Level.DEVELOPMENT_ZONE, rng.choice(by_level[Level.PREFECTURE])
        if level is Level.TOWNSHIP:
            if rng.random() < 0.5:
                place = rng.choice(townships)
                kind, body = "township-government", place + "人民政府"
            else:
                kind, body = "sub-district", rng.choice(subdistricts) + "办事处"
        elif level is Level.DEVELOPMENT_ZONE:
            kind, body = "development-zone", "经济技术开发区管理委员会"
        else:
            kind = rng.choice(("government", "government-office", *DEPARTMENT_KINDS))
            body = body_name(kind, level)
        name = where + body
        if name in seen:
            continue
        seen.add(name)
        scale = {Level.PROVINCE: 20.0, Level.PREFECTURE: 6.0, Level.COUNTY: 2.0}.get(level, 1.0)
        agency = SynthAgency(name=name, body=body, adcode=area.code, level=level.value, kind=kind)
        result.append(PopulationAgency(agency, scale * rng.uniform(0.3, 2.0)))
    return result


def generation_for(year: int, rng: random.Random) -> str:
    """The form a report of that year follows, as the real population does."""
    if year < 2014:
        return "narrative"
    if year <= 2018:
        return "old" if rng.random() < 0.85 else "narrative"
    if year == 2019:
        return "2019" if rng.random() < 0.7 else "old"
    if year == 2020:
        return "2019"
    return "2021"


NARRATIVE_SOURCES = {
    # narrative figure → (old-form cell, new-form cell suffix) it restates
    "activeDisclosed": ("old.active.total", None),
    "requestsReceived": ("old.request.received", None),
    "requestsNew": (None, "T3.newReceived"),
    "requestsGranted": ("old.reply.agreed", "T3.granted"),
    "administrativeReviews": ("old.review.total", "T4.review.total"),
}


def narrative_figures(generation: str, form: FormValues | None, rng: random.Random) -> dict[str, int]:
    """The figures the prose states: restated from the table, or drawn for narrative-only reports."""
    figures: dict[str, int] = {}
    for name, (old_cell, new_suffix) in NARRATIVE_SOURCES.items():
        if rng.random() < 0.3:
            continue
        value = None
        if form is None:
            value = rng.randint(0, 400) if name == "activeDisclosed" else rng.randint(0, 12)
        elif generation == "old" and old_cell:
            value = form.number((old_cell, None))
        elif generation != "old" and new_suffix:
            applicant = "T" if new_suffix.startswith("T3") else None
            value = form.number((f"{generation}.{new_suffix}", applicant))
        elif name == "activeDisclosed":
            value = rng.randint(20, 3000)
        if value is not None:
            figures[name] = int(value)
    return figures


def make_report(
    member: PopulationAgency,
    year: int,
    rng: random.Random,
    *,
    previous: FormValues | None = None,
    contradiction_share: float = 0.05,
    generation: str | None = None,
) -> SynthReport:
    generation = generation or generation_for(year, rng)
    form = None
    if generation != "narrative":
        same = previous if previous is not None and previous.generation == generation else None
        blank_share = 0.5 if generation == "old" and rng.random() < 0.1 else 0.0
        form = generate(generation, rng, scale=member.scale, previous=same, blank_share=blank_share)
    report = SynthReport(
        agency=member.agency,
        year=year,
        generation=generation,
        published=date(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
        form=form,
        narrative=narrative_figures(generation, form, rng),
    )
    if form is not None and rng.random() < contradiction_share:
        plant_contradiction(form, rng)
    if report.narrative and rng.random() < contradiction_share:
        name = rng.choice(sorted(report.narrative))
        report.narrative[name] += rng.choice([1, 2, 5])
        report.contradictions.append({"rule": "I9", "narrative": f"narrative.{name}"})
    return report


def population(
    agency_count: int, years: range, rng: random.Random, **options: float
) -> Iterator[SynthReport]:
    """Every report of every agency, year after year (memory: one year of forms per agency)."""
    members = agencies(agency_count, rng, year=years.start)
    for member in members:
        previous: FormValues | None = None
        for year in years:
            report = make_report(member, year, rng, previous=previous, **options)  # type: ignore[arg-type]
            previous = report.form
            yield report
