"""JSON exports of report parsers → lines: the human-readable strings in document order.

Such files hold a report's sections as strings (titles, paragraphs) next to machine fields (ids,
hashes, storage paths, section types) and numbers keyed by English field names. Only strings with
at least one non-ASCII character are report text; each becomes one line per embedded newline.
Numbers are left out: their English keys match no printed label.

Some copies went through a UTF-8 → GBK → UTF-8 round trip: every string is mojibake and the
damaging decoder swallowed the closing quote after a character whose last byte it could not pair,
leaving ``?`` — so the JSON only parses after the repair and a quote fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ogikg.converter.decode_text import has_mojibake, repair_mojibake

# A string that lost its closing quote: replacement char + '?' where JSON syntax continues.
_SWALLOWED_QUOTE = re.compile(r"\ufffd\?(?=\s*[,}\]:])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def parse_json_document(text: str) -> tuple[Any, tuple[str, ...]] | None:
    """The parsed value of a JSON object/array document (repairing mojibake), or None."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[" or stripped[-1] not in "}]":
        return None
    try:
        return json.loads(stripped), ()
    except ValueError:
        pass
    if not has_mojibake(stripped):
        return None
    repaired = repair_mojibake(stripped)
    if repaired is None:
        return None
    for candidate in (repaired, _SWALLOWED_QUOTE.sub('\ufffd"', repaired)):
        try:
            return json.loads(candidate), ("mojibake repaired (UTF-8 read as GBK)",)
        except ValueError:
            continue
    return None


def json_to_lines(value: Any) -> list[str]:
    lines: list[str] = []
    for string in _strings(value):
        if _NON_ASCII.search(string):
            lines.extend(part.strip() for part in string.split("\n") if part.strip())
    return lines


def json_field_names(value: Any) -> tuple[str, ...]:
    """Every object key of a JSON value, once each, in document order."""
    names: dict[str, None] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            names.update(dict.fromkeys(item))
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return tuple(names)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
