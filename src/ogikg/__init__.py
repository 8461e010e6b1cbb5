"""ogikg — the open knowledge graph of China's government-information-disclosure annual reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ogikg")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
