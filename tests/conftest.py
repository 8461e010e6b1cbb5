"""Shared pytest configuration: the session Virtuoso for tests marked ``virtuoso``."""

from conftest_virtuoso import virtuoso  # noqa: F401 - session fixture, started once
