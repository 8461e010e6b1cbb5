"""Just enough lexical analysis of SPARQL text to route a query without a full parser.

Strings, IRIs and comments are skipped so that a keyword inside them is never mistaken for
syntax (``"FROM <x>"`` inside a literal, ``#`` inside an IRI).
"""

from __future__ import annotations

import re
from typing import Literal

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

_TOKENS = re.compile(
    r"""
      (?P<string>"{3}.*?"{3} | '{3}.*?'{3} | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\s]*>)
    | (?P<comment>\#[^\n]*)
    | (?P<word>(?<![?$\w:])[A-Za-z]+\b(?!:))
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


def _words(sparql: str) -> list[str]:
    return [m.group("word").upper() for m in _TOKENS.finditer(sparql) if m.group("word")]


def query_form(sparql: str) -> QueryForm | None:
    """SELECT/ASK/CONSTRUCT/DESCRIBE for a query, None for anything else (e.g. an update)."""
    for word in _words(sparql):
        if word in _FORMS:
            return word  # type: ignore[return-value]
        if word not in {"PREFIX", "BASE"}:
            return None
    return None


def declares_dataset(sparql: str) -> bool:
    """Whether the query names its own dataset with FROM or FROM NAMED."""
    return "FROM" in _words(sparql)
