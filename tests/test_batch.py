"""Batch conversion accounts for every input, never stops on a bad one, and resumes."""

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from ogikg.cli import main
from ogikg.converter import batch
from ogikg.jsonl import read_manifest
from ogikg.synth.population import PopulationAgency, make_report
from ogikg.synth.render import Rendering, SynthAgency, render


def _good_report(path: Path, seed: int = 1, year: int = 2022) -> dict:
    rng = random.Random(seed)
    member = PopulationAgency(
        SynthAgency("杭州市统计局", "统计局", "330100", "prefecture", "statistics"), 2.0
    )
    report = make_report(member, year, rng, contradiction_share=0.0, generation="2021")
    data, truth = render(report, Rendering("pipe"), rng)
    path.write_bytes(data)
    return truth


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    _good_report(folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 40)
    (folder / "shopping.txt").write_text("今天去超市买了苹果和牛奶，一共花了三十元。\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (folder / "huge.txt").write_bytes("政府信息公开".encode() * 120_000)  # 2.2 MB
    return folder


def _manifest(out: Path) -> dict[str, dict]:
    return {Path(r["input"]).name: r for r in read_manifest(out)}


def test_every_input_is_accounted_for_with_a_reason(inputs: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(batch, "MAX_INPUT_BYTES", 1024 * 1024)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(inputs), "-o", str(out)])
    assert result.exit_code == 1  # something was rejected
    records = _manifest(out)
    assert set(records) == {"good.txt", "empty.txt", "binary.bin", "shopping.txt", "broken.pdf", "huge.txt"}
    assert records["good.txt"]["status"] in ("converted", "converted_with_warnings")
    assert records["good.txt"]["agency"] == "杭州市统计局"
    assert records["good.txt"]["template"] == "2021" and records["good.txt"]["year"] == 2022
    assert (out / records["good.txt"]["output"]).stat().st_size > 10_000
    reasons = {name: r.get("reason", "") for name, r in records.items() if r["status"] == "rejected"}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.bin"] == "binary file, not a report"
    assert reasons["shopping.txt"].startswith("not a government-information-disclosure report")
    assert reasons["broken.pdf"].startswith("truncated or damaged PDF")
    assert reasons["huge.txt"] == "file is 2.1 MB, above the 1 MB limit"
    assert "5 rejected" in result.output


def test_an_internal_error_is_reported_and_the_batch_goes_on(inputs: Path, tmp_path: Path, monkeypatch):
    original = batch.convert_bytes

    def explode_on_empty_name(path: str, data: bytes):
        if path.endswith("shopping.txt"):
            raise ZeroDivisionError("boom")
        return original(path, data)

    monkeypatch.setattr(batch, "convert_bytes", explode_on_empty_name)
    out = tmp_path / "out"
    summary = batch.convert_batch([str(inputs)], out)
    records = _manifest(out)
    assert records["shopping.txt"]["reason"] == "internal error: ZeroDivisionError: boom"
    assert records["good.txt"]["status"] != "rejected"
    assert summary.rejected == 4  # empty, binary, broken PDF and the one that raised


def test_rerun_skips_unchanged_inputs_and_converts_changed_ones(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    _good_report(folder / "a.txt", seed=1)
    _good_report(folder / "b.txt", seed=2, year=2023)
    out = tmp_path / "out"
    first = batch.convert_batch([str(folder)], out)
    assert first.skipped == 0 and sum(first.counts.values()) == 2
    second = batch.convert_batch([str(folder)], out)
    assert second.skipped == 2
    _good_report(folder / "b.txt", seed=3, year=2023)
    third = batch.convert_batch([str(folder)], out)
    assert third.skipped == 1
    assert len(list(read_manifest(out))) == 2


def test_parallel_conversion_gives_the_same_graphs(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in range(6):
        _good_report(folder / f"r{seed}.txt", seed=seed, year=2021 + seed % 3)
    serial = batch.convert_batch([str(folder)], tmp_path / "serial")
    parallel = batch.convert_batch([str(folder)], tmp_path / "parallel", jobs=2)
    assert serial.counts == parallel.counts
    for record in read_manifest(tmp_path / "serial"):
        twin = tmp_path / "parallel" / record["output"]
        lines = lambda p: sorted(  # noqa: E731 - the conversion time differs between runs
            line for line in p.read_text(encoding="utf-8").splitlines() if "endedAtTime" not in line
        )
        assert lines(tmp_path / "serial" / record["output"]) == lines(twin)


def test_same_report_from_two_files_is_flagged(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    _good_report(folder / "a.txt", seed=1)
    text = (folder / "a.txt").read_text(encoding="utf-8")
    (folder / "mirror.txt").write_text(text + "\n扫一扫在手机打开当前页\n", encoding="utf-8")
    batch.convert_batch([str(folder)], tmp_path / "out")
    mirror = _manifest(tmp_path / "out")["mirror.txt"]
    assert mirror["status"] == "converted_with_warnings"
    assert any(w.startswith("same report as ") for w in mirror["warnings"])
    assert json.dumps(mirror, ensure_ascii=False)
