"""Shared pytest configuration: the Virtuoso fixtures for tests marked ``virtuoso``."""

from conftest_virtuoso import own_virtuoso, virtuoso  # noqa: F401 - fixtures, started once
