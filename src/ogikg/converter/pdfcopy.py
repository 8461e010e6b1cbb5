"""Plain text copied from a PDF: its page furniture blanked before anything reads it.

A copy keeps the page footers ("— 3 —", "第3页 共8页") and the title repeated at the top of every
page, even between the cells of a table printed one per line, where they would be read as cells
or end the table. Such lines are blanked, not removed: line numbers are provenance.
"""

from __future__ import annotations

import re

from ogikg.converter.metadata_patterns import TITLE_LINE

# Page footers that cannot be anything else: "— 3 —", "- 3 -", "第3页", "第3页 共8页". (A bare
# number or "3/8" at a page edge is a footer only where the position is known: the PDF decoder.)
PAGE_FOOTER_FORMS = r"[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
_PAGE_FOOTER_LINE = re.compile(rf"^[ \t\u3000]*(?:{PAGE_FOOTER_FORMS})[ \t\u3000]*$", re.MULTILINE)
# A breadcrumb (首页>政务公开>政府信息公开年报) names the section, not the report.
_NOT_TITLE = re.compile(r"[|>＞»]|位置")
_TITLE_WITHIN = 8  # non-empty lines from the top where the title is looked for


def blank_page_footers(text: str) -> tuple[str, int]:
    """The text with its page-footer lines blanked, and how many there were."""
    return _PAGE_FOOTER_LINE.subn("", text)


def blank_running_headers(text: str) -> tuple[str, int]:
    """The text with every later line equal to the report's title (its first line near the top
    that reads as a title) blanked, and how many there were."""
    lines = text.split("\n")
    top = [line.strip() for line in lines if line.strip()][:_TITLE_WITHIN]
    title = next((line for line in top if TITLE_LINE.search(line) and not _NOT_TITLE.search(line)), "")
    if not title or text.count(title) < 2:
        return text, 0
    seen, blanked = False, 0
    for number, line in enumerate(lines):
        if line.strip() == title:
            if seen:
                lines[number] = ""
                blanked += 1
            seen = True
    return "\n".join(lines), blanked
