"""The bundled demo samples convert back to exactly the values they were rendered from."""

import json
from pathlib import Path

import pytest

from ogikg.converter.model import ValueStatus
from ogikg.converter.pipeline import convert_path
from ogikg.evaluation import number_text
from ogikg.synth.samples import SAMPLES, write_samples


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> list[tuple[Path, dict]]:
    root = tmp_path_factory.mktemp("samples")
    paths = write_samples(root)
    return [(p, json.loads((root / "truth" / (p.stem + ".json")).read_text(encoding="utf-8"))) for p in paths]


def test_one_sample_per_generation_plus_narrative_and_every_input_format(samples):
    assert {truth["template"] for _, truth in samples} == {"old", "2019", "2021", "narrative"}
    assert {p.suffix for p, _ in samples} == {".txt", ".html", ".docx"}
    assert len(samples) == len(SAMPLES)


@pytest.mark.parametrize("index", range(len(SAMPLES)))
def test_sample_converts_to_its_truth(samples, index):
    path, truth = samples[index]
    report = convert_path(path)
    assert report.template.value == truth["template"]
    assert report.metadata.year == truth["year"]
    assert report.metadata.agency is not None
    assert report.metadata.agency.name == truth["agency"]
    assert report.metadata.agency.adcode == truth["adcode"]
    got = {c.key: c for c in report.cells}
    assert set(got) == set(truth["cells"])
    for key, expected in truth["cells"].items():
        cell = got[key]
        assert cell.status is ValueStatus.REPORTED, key
        assert number_text(cell.value) == expected["value"], key
    figures = {f.indicator: f.value for f in report.narrative}
    for notation, value in truth["narrative"].items():
        assert figures.get(notation) == value, notation


def test_synthetic_word_tables_are_ruled_as_the_official_forms() -> None:
    """Ruled, as reports are printed: a PDF made from the Word file then has cells to read."""
    import io
    import random

    import docx

    from ogikg.synth.population import population
    from ogikg.synth.render import Rendering, render

    rng = random.Random(2)
    report = next(r for r in population(2, range(2021, 2023), rng) if r.generation == "2021")
    data, _ = render(report, Rendering("docx"), rng)
    tables = docx.Document(io.BytesIO(data)).tables
    assert len(tables) >= 3
    assert {table.style.name for table in tables} == {"Table Grid"}
