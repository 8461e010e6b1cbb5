"""The command line lists every part's command and imports a part only when its command runs."""

from __future__ import annotations

import re
import subprocess
import sys

from click.testing import CliRunner

from ogikg.cli import main


def test_help_lists_every_command_with_its_summary() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w+)  ", result.output.split("Commands:")[1], re.M)
    assert listed == ["convert", "demo", "export", "load", "serve", "synth", "validate"]
    assert "Serve the store over SPARQL" in result.output


def test_a_part_command_resolves_with_its_own_options() -> None:
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert (
        result.output.startswith("Usage: main validate [OPTIONS] SOURCE")
        or "validate [OPTIONS] SOURCE" in result.output
    )
    assert "--jobs" in result.output


def test_starting_the_converter_does_not_import_the_server_or_the_validator() -> None:
    probe = "import sys, ogikg.cli; print(sorted({'fastapi', 'pyshacl', 'uvicorn'} & set(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
