"""The bundled demo samples: synthetic reports of every form generation, rendered by ogikg itself
from the official form labels (real report texts may not be redistributed)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from ogikg.synth.numbers import plant_contradiction
from ogikg.synth.population import PopulationAgency, make_report
from ogikg.synth.render import Rendering, SynthAgency, render


@dataclass(frozen=True)
class Sample:
    agency: SynthAgency
    year: int
    generation: str
    rendering: Rendering
    seed: int
    planted_error: str | None = None  # "table": a total that does not add up; "narrative": prose ≠ table


def _agency(name: str, adcode: str, level: str, kind: str, body: str) -> SynthAgency:
    return SynthAgency(name=name, body=body, adcode=adcode, level=level, kind=kind)


HANGZHOU_STATS = _agency("杭州市统计局", "330100", "prefecture", "statistics", "统计局")
NINGBO_STATS = _agency("宁波市统计局", "330200", "prefecture", "statistics", "统计局")
CHENGDU_STATS = _agency("成都市统计局", "510100", "prefecture", "statistics", "统计局")
SUZHOU_CIVIL = _agency("苏州市民政局", "320500", "prefecture", "civil-affairs", "民政局")
NANHU_GOVERNMENT = _agency("嘉兴市南湖区人民政府", "330402", "county", "government", "人民政府")
WENZHOU_OFFICE = _agency(
    "温州市人民政府办公室", "330300", "prefecture", "government-office", "人民政府办公室"
)

# One per form generation and rendering family; two carry an error on purpose so that the demo's
# data-quality queries have something to find; 苏州 reports two consecutive years.
SAMPLES = (
    Sample(HANGZHOU_STATS, 2017, "old", Rendering("pipe"), 11),
    Sample(NINGBO_STATS, 2012, "narrative", Rendering("pipe"), 12),
    Sample(CHENGDU_STATS, 2020, "2019", Rendering("cells"), 13, planted_error="table"),
    Sample(SUZHOU_CIVIL, 2022, "2021", Rendering("html", encoding="gbk"), 14),
    Sample(SUZHOU_CIVIL, 2023, "2021", Rendering("pipe"), 15),
    Sample(NANHU_GOVERNMENT, 2023, "2021", Rendering("pipe", traditional=True), 16, "narrative"),
    Sample(WENZHOU_OFFICE, 2021, "2021", Rendering("docx"), 17),
)


def write_samples(directory: str | Path) -> list[Path]:
    """Render the samples into ``directory``/reports and their truth into ``directory``/truth."""
    root = Path(directory)
    (root / "reports").mkdir(parents=True, exist_ok=True)
    (root / "truth").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    previous = {}
    for index, sample in enumerate(SAMPLES, 1):
        rng = random.Random(sample.seed)
        member = PopulationAgency(sample.agency, scale=3.0)
        report = make_report(
            member,
            sample.year,
            rng,
            previous=previous.get(sample.agency.name),
            contradiction_share=0.0,
            generation=sample.generation,
        )
        if sample.planted_error == "table" and report.form is not None:
            plant_contradiction(report.form, rng)
        elif sample.planted_error == "narrative" and report.narrative:
            # a figure the tables also state, so that the text-vs-table check (I9) can see it
            figure = next(
                f
                for f in ("requestsNew", "requestsGranted", "administrativeReviews", "activeDisclosed")
                if f in report.narrative
            )
            report.narrative[figure] += 3
            report.contradictions.append({"rule": "I9", "narrative": f"narrative.{figure}"})
        previous[sample.agency.name] = report.form
        data, truth = render(report, sample.rendering, rng)
        layout = sample.rendering.name.replace("+", "-")
        stem = f"sample-{index:02d}-{sample.year}-{sample.generation}-{layout}"
        path = root / "reports" / (stem + sample.rendering.extension)
        path.write_bytes(data)
        (root / "truth" / (stem + ".json")).write_text(
            json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        written.append(path)
    return written
