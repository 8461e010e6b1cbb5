"""Lexical facts about SPARQL text that the protocol layer needs without a full parse.

A tokenizer that knows strings, comments, IRIs, prefixed names, variables and brace depth is enough
to tell an update sent as a query, and to add protocol ``using-graph-uri`` clauses to an update:
keywords hidden in strings, comments, IRIs or prefixed names are never seen. (Query forms and FROM
detection live in ``ogikg.store.sparql_text``.) The SERVICE check does not rely on this module:
it uses a real parser (``service_guard``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<word>[\w][\w.\-:%\\\u00B7]*|:[\w.\-:%\\]*)
  | (?P<brace>[{}])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    depth: int
    """Brace depth at the token (0: top level of the request)."""

    @property
    def keyword(self) -> str | None:
        """Upper-cased keyword for a bare word (prefixed names such as ``ex:where`` are not keywords)."""
        if self.kind == "word" and ":" not in self.text:
            return self.text.upper()
        return None


def tokens(text: str) -> Iterator[Token]:
    """Significant tokens (no whitespace or comments), each with its brace depth."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if value == "}":
            depth = max(depth - 1, 0)
        yield Token(kind, value, match.start(), depth)
        if value == "{":
            depth += 1


def _first_operation_keyword(text: str) -> str | None:
    """The first keyword after the prologue (BASE / PREFIX declarations)."""
    stream = tokens(text)
    for token in stream:
        keyword = token.keyword
        if keyword == "BASE":
            next(stream, None)
            continue
        if keyword == "PREFIX":
            next(stream, None)  # the prefix name
            next(stream, None)  # its IRI
            continue
        return keyword
    return None


def looks_like_update(text: str) -> bool:
    """Whether a request that failed to parse as a query starts like a SPARQL Update."""
    return _first_operation_keyword(text) in _UPDATE_KEYWORDS


class DatasetConflict(ValueError):
    """Protocol ``using-graph-uri``/``using-named-graph-uri`` given with USING or WITH in the update."""


def apply_using_dataset(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """The update with protocol dataset parameters written as USING clauses before each WHERE.

    SPARQL 1.1 Protocol §2.2.3: the parameters set the dataset of every operation's WHERE clause and
    must not be combined with USING, USING NAMED or WITH in the request (that is an error).
    """
    if not using and not using_named:
        return update
    clause = "".join(f"USING <{iri}> " for iri in using) + "".join(
        f"USING NAMED <{iri}> " for iri in using_named
    )
    insert_at: list[int] = []
    previous: str | None = None
    for token in tokens(update):
        keyword = token.keyword
        if token.depth == 0 and keyword in ("USING", "WITH"):
            raise DatasetConflict(
                f"the update uses {keyword} and the request also gives using-graph-uri/using-named-graph-uri"
            )
        # ``DELETE WHERE { … }`` has no USING form; its pattern is matched against the store as is.
        if token.depth == 0 and keyword == "WHERE" and previous != "DELETE":
            insert_at.append(token.start)
        previous = keyword if token.depth == 0 else previous
    for position in reversed(insert_at):
        update = update[:position] + clause + update[position:]
    return update
