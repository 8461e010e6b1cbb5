"""The bundled demo samples: synthetic reports of every form generation, rendered by ogikg itself
from the official form labels (real report texts may not be redistributed)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from ogikg.synth.population import PopulationAgency, make_report
from ogikg.synth.render import Rendering, SynthAgency, render

# (agency, adcode, level, kind, body, year, generation, rendering, seed)
SAMPLES = (
    ("杭州市统计局", "330100", "prefecture", "statistics", "统计局", 2017, "old", Rendering("pipe"), 11),
    (
        "宁波市统计局",
        "330200",
        "prefecture",
        "statistics",
        "统计局",
        2012,
        "narrative",
        Rendering("pipe"),
        12,
    ),
    ("成都市统计局", "510100", "prefecture", "statistics", "统计局", 2020, "2019", Rendering("cells"), 13),
    (
        "苏州市民政局",
        "320500",
        "prefecture",
        "civil-affairs",
        "民政局",
        2022,
        "2021",
        Rendering("html", encoding="gbk"),
        14,
    ),
    ("苏州市民政局", "320500", "prefecture", "civil-affairs", "民政局", 2023, "2021", Rendering("pipe"), 15),
    (
        "嘉兴市南湖区人民政府",
        "330402",
        "county",
        "government",
        "人民政府",
        2023,
        "2021",
        Rendering("pipe", traditional=True),
        16,
    ),
    (
        "温州市人民政府办公室",
        "330300",
        "prefecture",
        "government-office",
        "人民政府办公室",
        2021,
        "2021",
        Rendering("docx"),
        17,
    ),
)


def write_samples(directory: str | Path) -> list[Path]:
    """Render the samples into ``directory``/reports and their truth into ``directory``/truth."""
    root = Path(directory)
    (root / "reports").mkdir(parents=True, exist_ok=True)
    (root / "truth").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    previous = {}
    for index, (name, adcode, level, kind, body, year, generation, rendering, seed) in enumerate(SAMPLES, 1):
        rng = random.Random(seed)
        member = PopulationAgency(SynthAgency(name, body, adcode, level, kind), scale=3.0)
        report = make_report(
            member, year, rng, previous=previous.get(name), contradiction_share=0.0, generation=generation
        )
        previous[name] = report.form
        data, truth = render(report, rendering, rng)
        stem = f"sample-{index:02d}-{year}-{generation}-{rendering.name.replace('+', '-')}"
        path = root / "reports" / (stem + rendering.extension)
        path.write_bytes(data)
        (root / "truth" / (stem + ".json")).write_text(
            json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        written.append(path)
    return written
