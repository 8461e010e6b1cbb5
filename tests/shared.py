"""Where the shared development material is, and the programs tests drive, for tests that need them.

Tests that need ../shared or a program (Chromium) skip when it is missing on a developer's machine,
and fail loudly in CI (CI=true), where the project's own set-up provides it.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("OGIKG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"../shared is missing (looked in {SHARED}); CI needs it beside the clone")
        pytest.skip("../shared not available")
    return SHARED


def require_shared(relative: str) -> Path:
    """A path under ../shared; skips locally when missing, fails on CI (CI=true)."""
    path = SHARED / relative
    if not path.exists():
        message = f"shared test material missing: {path}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def seed_path(number: str) -> Path:
    """A seed report by its number, e.g. '002'."""
    return next((shared_dir() / "corpus" / "seeds").glob(f"{number}_*.txt"))


@cache
def corpus_text(name: str) -> str:
    """The decoded text of a corpus file by its name's beginning: a seed ('002') or a report ('r0001')."""
    from ogikg.converter.decode import decode

    corpus = shared_dir() / "corpus"
    folder = "seeds" if name[:3].isdigit() else "reports"
    path = next((corpus / folder).glob(f"{name}*"))
    return decode(path.name, path.read_bytes()).text


def require_program(name: str) -> str:
    """The path of a program the test set-up installs (scripts/install-test-deps.sh); skips
    locally when missing, fails on CI."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/install-test-deps.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
