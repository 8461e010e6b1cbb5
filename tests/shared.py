"""Where the shared development material is, for tests that read it.

Tests that need ../shared skip when it is missing on a developer's machine, and fail loudly in CI
(CI=true), where it must be present.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("OGIKG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"../shared is missing (looked in {SHARED}); CI needs it beside the clone")
        pytest.skip("../shared not available")
    return SHARED


def seed_path(number: str) -> Path:
    """A seed report by its number, e.g. '002'."""
    return next((shared_dir() / "corpus" / "seeds").glob(f"{number}_*.txt"))
