"""HTML page → lines of text: page chrome dropped, blocks one per line, tables as pipe rows.

Government portals wrap a report in navigation, breadcrumbs, share buttons, QR codes and link
lists; those are removed by tag, by id/class words and by link density. What remains is rendered
in document order: each block element on its own line, ``<br>`` a line break (inside a table cell
it joins: "本年新<br/>制作数量" → "本年新制作数量"), each ``<tr>`` one line of cells joined by
`` | ``. Tables used for page layout (cells holding other tables or whole articles) are rendered as
blocks instead of rows, so nested data tables still come out as pipe rows.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from ogikg.converter.decode_cells import collapse_whitespace, join_fragments, render_row
from ogikg.converter.model import RejectedInput

_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "header",
        "footer",
        "form",
        "button",
        "iframe",
        "frame",
        "frameset",
        "select",
        "option",
        "input",
        "textarea",
        "object",
        "embed",
        "svg",
        "canvas",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "aside",
        "map",
        "audio",
        "video",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "center",
        "address",
        "figure",
        "figcaption",
        "hr",
        "caption",
        "body",
        "html",
        "fieldset",
        "legend",
        "details",
        "summary",
    }
)
# Words in id/class that name page chrome on Chinese government portals (位置/当前位置 bars are
# "position"/"location"/"crumb"; 二维码 is "ewm"/"qrcode"; 分享 is "share"/"bdshare").
_CHROME_NAME = re.compile(
    r"crumb|share|nav|menu|footer|toolbar|print|qrcode|(?<![a-z])ewm"
    r"|copyright|(?<![a-z])position|(?<![a-z])location|sidebar|search",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Chrome-named containers holding this much CJK text, or any table, are kept: a portal that names
# its article div "print-area" must not lose the report.
_CHROME_KEEP_CJK = 300
# Lists of links (related reports, site maps): share of text inside <a>, and length limit.
_LINK_DENSITY = 0.7
_LINK_BLOCK_MAX_CHARS = 2000
# A cell longer than this, or holding a table, makes its row a layout row (rendered as blocks).
_LAYOUT_CELL_CHARS = 300


def html_to_lines(markup: str) -> list[str]:
    """Render decoded HTML as lines (not yet normalised)."""
    markup = _XML_DECLARATION.sub("", markup, count=1)
    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError) as error:
        raise RejectedInput(f"unreadable HTML: {error}") from error
    _drop_chrome(root)
    writer = _LineWriter()
    _render_element(root, writer)
    writer.break_line()
    return writer.lines


def _cjk_count(element: lxml.html.HtmlElement) -> int:
    return len(_CJK.findall(element.text_content()))


def _drop_chrome(root: lxml.html.HtmlElement) -> None:
    doomed: list[lxml.html.HtmlElement] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions are skipped when rendering
        tag = element.tag.lower()
        if tag in _DROP_TAGS:
            doomed.append(element)
            continue
        if _HIDDEN_STYLE.search(element.get("style", "")):
            doomed.append(element)
            continue
        names = f"{element.get('id', '')} {element.get('class', '')}"
        if (
            names.strip()
            and tag not in ("body", "html")
            and _CHROME_NAME.search(names)
            and not element.xpath(".//table")
            and _cjk_count(element) < _CHROME_KEEP_CJK
        ):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    _drop_link_lists(root)


def _drop_link_lists(root: lxml.html.HtmlElement) -> None:
    for element in list(root.iter("ul", "ol", "dl", "div", "section")):
        if element.getparent() is None or element.xpath(".//table"):
            continue
        if element.tag == "div" and element.xpath("ancestor::td | ancestor::th"):
            continue  # a div inside a cell is cell content; dropping it would shift columns
        total = len(collapse_whitespace(element.text_content()).replace(" ", ""))
        if total == 0 or total > _LINK_BLOCK_MAX_CHARS:
            continue
        links = element.xpath(".//a")
        if len(links) < 2:
            continue
        linked = sum(len(collapse_whitespace(a.text_content()).replace(" ", "")) for a in links)
        if linked >= _LINK_DENSITY * total:
            element.drop_tree()


class _LineWriter:
    """Collects inline text and cuts it into lines at block boundaries."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buffer: list[str] = []

    def write(self, text: str | None) -> None:
        if text:
            self._buffer.append(text)

    def break_line(self) -> None:
        if not self._buffer:
            return
        line = collapse_whitespace("".join(self._buffer)).strip()
        self._buffer.clear()
        if line:
            self.lines.append(line)

    def emit(self, line: str) -> None:
        self.break_line()
        self.lines.append(line)


def _render_element(element: lxml.html.HtmlElement, writer: _LineWriter) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "br":
        writer.break_line()
    elif tag == "pre":  # preformatted text keeps its own line breaks
        writer.break_line()
        for line in element.text_content().split("\n"):
            writer.write(line)
            writer.break_line()
    elif tag == "table":
        writer.break_line()
        _render_table(element, writer)
        writer.break_line()
    elif tag in _BLOCK_TAGS or tag in ("tr", "td", "th", "tbody", "thead", "tfoot"):
        writer.break_line()
        _render_children(element, writer)
        writer.break_line()
    else:
        _render_children(element, writer)


def _render_children(element: lxml.html.HtmlElement, writer: _LineWriter) -> None:
    writer.write(element.text)
    for child in element:
        if isinstance(child.tag, str):
            _render_element(child, writer)
        writer.write(child.tail)


def _table_rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def _render_table(table: lxml.html.HtmlElement, writer: _LineWriter) -> None:
    for caption in table.xpath("./caption"):
        text = _cell_text(caption)
        if text:
            writer.emit(text)
    for row in _table_rows(table):
        cells = row.xpath("./td | ./th")
        if not cells:
            continue
        if any(_is_layout_cell(cell) for cell in cells):
            for cell in cells:
                writer.break_line()
                _render_children(cell, writer)
                writer.break_line()
            continue
        texts = [_cell_text(cell) for cell in cells]
        if not any(texts):
            continue  # spacer rows carry nothing
        writer.emit(render_row(texts))


def _is_layout_cell(cell: lxml.html.HtmlElement) -> bool:
    if cell.xpath(".//table"):
        return True
    return len(cell.text_content()) > _LAYOUT_CELL_CHARS


def _cell_text(cell: lxml.html.HtmlElement) -> str:
    """A cell's text on one line: its line breaks and paragraphs join (no space next to CJK)."""
    fragments: list[str] = []
    buffer: list[str] = []

    def cut() -> None:
        if buffer:
            fragments.append(collapse_whitespace("".join(buffer)))
            buffer.clear()

    def walk(element: lxml.html.HtmlElement) -> None:
        if element.text:
            buffer.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                child_tag = child.tag.lower()
                if child_tag == "br":
                    cut()
                elif child_tag in _BLOCK_TAGS:
                    cut()
                    walk(child)
                    cut()
                else:
                    walk(child)
            if child.tail:
                buffer.append(child.tail)

    walk(cell)
    cut()
    return join_fragments(fragments)
