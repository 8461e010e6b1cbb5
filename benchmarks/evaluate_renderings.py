"""The same real report in other renderings: does the converter read the same values?

    .venv/bin/python benchmarks/evaluate_renderings.py [--renderings traditional,fullwidth,...] [--show 20]

Every real text report of ../shared/corpus is re-rendered the ways the population publishes the
same content, and converted again; each reading (metadata, narrative figures, cells) is compared
with the reading of the original file:

* ``traditional`` — OpenCC s2t, as mirror sites in Traditional characters copy a report;
* ``hongkong`` — OpenCC s2hk (Hong Kong variant characters);
* ``fullwidth`` — ASCII digits, letters and punctuation as full-width forms (an IME left on);
* ``gb18030`` — the plain text encoded in GB18030 instead of UTF-8, with Windows line ends;
* ``utf16`` — UTF-16 with a byte-order mark (Notepad's "Unicode"), Windows line ends;
* ``html-gbk`` — a GBK web page: pipe rows of two cells or more as a ``<table>``, other lines as
  paragraphs, page chrome (breadcrumb, share bar, footer) around it, characters outside GBK as
  references;
* ``docx`` — a Word file: pipe rows of two cells or more as tables, other lines as paragraphs;
* ``spaces`` — every space an ideographic or no-break space, indents of ideographic spaces;
* ``cell-lines``, ``space-rows``, ``run-together`` — every pipe row of two cells or more
  flattened as crawlers and copies flatten tables: one cell per line, cells separated by spaces,
  cells run together with no separator (blank cells vanish in all three, so some cells can only
  come back flagged);
* ``label-spaces`` — pipe rows kept, a stray space inside every label ("本年度办 理结果");
* ``page-breaks`` — a page footer ("— 3 —", "第3页 共8页") after every 25 lines, inside tables
  too, as PDF text layers have them; ``running-headers`` adds the report's title (its first short
  line that says 报告 and is not a sentence) after each footer, as a running page header.

A reading that differs is a miss of the converter on that rendering (listed with ``--show``);
a cell value claimed with certainty that differs from the original's is counted as wrong.
"""

from __future__ import annotations

import argparse
import html
import io
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator

import opencc
from evaluate_wrapped import KINDS, SHARED, compare, corpus_text_paths, readings_of

from ogikg.converter.model import RejectedInput
from ogikg.converter.pipeline import convert_bytes

_S2T = opencc.OpenCC("s2t")
_S2HK = opencc.OpenCC("s2hk")
_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F) if chr(c) not in "|<>&"})
_MARKDOWN_RULE = re.compile(r"^[\s:|]*-[\s:|-]*$")


def _lines(text: str) -> Iterator[tuple[str, list[str]]]:
    """The text as ("row", cells) for every pipe row of two cells or more and ("line", [line]) for
    every other line; markdown rules are dropped."""
    for line in text.split("\n"):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if "|" in line and _MARKDOWN_RULE.match(line):
            continue
        if "|" in line and sum(1 for cell in cells if cell) >= 2:
            yield "row", cells
        else:
            yield "line", [line]


def _grouped(text: str) -> Iterator[tuple[str, list[list[str]]]]:
    """Consecutive pipe rows as one ("table", rows); other lines as ("line", [[line]])."""
    rows: list[list[str]] = []
    for kind, cells in _lines(text):
        if kind == "row":
            rows.append(cells)
            continue
        if rows:
            yield "table", rows
            rows = []
        yield "line", [cells]
    if rows:
        yield "table", rows


def _html_page(text: str) -> bytes:
    body: list[str] = []
    for kind, rows in _grouped(text):
        if kind == "table":
            cells = ("".join(f"<td>{html.escape(c)}</td>" for c in row) for row in rows)
            body.append("<table border='1'>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>")
        elif rows[0][0].strip():
            body.append(f"<p>{html.escape(rows[0][0])}</p>")
    page = (
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset=gbk'>"
        "<title>政府信息公开年度报告</title></head><body>"
        "<div class='breadcrumb'>首页 &gt; 政务公开 &gt; 政府信息公开年报</div>"
        "<div class='article'>" + "\n".join(body) + "</div>"
        "<div class='share'>分享到：微信 微博 QQ空间</div>"
        "<div class='footer'>主办单位：本网站 联系我们 网站地图</div></body></html>"
    )
    return page.encode("gbk", errors="xmlcharrefreplace")


def _docx(text: str) -> bytes:
    """A Word file: pipe rows of two cells or more as tables, other lines as paragraphs."""
    from docx import Document

    document = Document()
    for kind, rows in _grouped(text):
        if kind == "table":
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            for cells, row in zip((r.cells for r in table.rows), rows, strict=True):
                for cell, value in zip(cells, row, strict=False):
                    cell.text = value
        elif rows[0][0].strip():
            document.add_paragraph(rows[0][0])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _spaces(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if "|" not in line:
            stripped = line.lstrip(" ")
            line = "\u3000" * ((len(line) - len(stripped) + 1) // 2) + stripped
        lines.append(line.replace("  ", "\u3000").replace(" ", "\u00a0"))
    return "\n".join(lines)


def _table_rows(text: str, join: Callable[[list[str]], str]) -> str:
    """Every pipe row of two cells or more rendered again by ``join`` (markdown rules dropped)."""
    return "\n".join(join(cells) if kind == "row" else cells[0] for kind, cells in _lines(text))


def _page_breaks(text: str, every: int = 25, header: bool = False) -> str:
    """A page footer ("— 3 —", "第3页 共8页") after every ``every`` lines, as PDF text layers
    interleave them with the body and even with table rows; with ``header``, the report's title
    repeated after it as a running header."""
    lines = text.split("\n")
    # a title: a short line that says 报告 and is not a sentence ("…制作本报告。")
    titles = (
        line.strip() for line in lines if "报告" in line and "|" not in line and len(line.strip()) <= 60
    )
    title = next((line for line in titles if not line.endswith("。")), "")
    pages = len(lines) // every + 1
    out: list[str] = []
    for number, line in enumerate(lines, 1):
        out.append(line)
        if number % every == 0:
            page = number // every
            out.append(f"— {page} —" if page % 2 else f"第{page}页 共{pages}页")
            if header and title:
                out.append(title)
    return "\n".join(out)


_LABEL = re.compile(r"[\u4e00-\u9fff]{4,}")


def _spaced_labels(cells: list[str]) -> str:
    """Pipe rows kept, a stray space in the middle of every label of four characters or more."""
    spaced = [_LABEL.sub(lambda m: m[0][: len(m[0]) // 2] + " " + m[0][len(m[0]) // 2 :], c) for c in cells]
    return "| " + " | ".join(spaced) + " |"


RENDERINGS: dict[str, Callable[[str], bytes]] = {
    "traditional": lambda text: _S2T.convert(text).encode(),
    "hongkong": lambda text: _S2HK.convert(text).encode(),
    "fullwidth": lambda text: text.translate(_FULLWIDTH).encode(),
    "gb18030": lambda text: text.replace("\n", "\r\n").encode("gb18030"),
    "utf16": lambda text: text.replace("\n", "\r\n").encode("utf-16"),
    "html-gbk": _html_page,
    "docx": _docx,
    "spaces": lambda text: _spaces(text).encode(),
    "cell-lines": lambda text: _table_rows(text, lambda cells: "\n".join(c for c in cells if c)).encode(),
    "space-rows": lambda text: _table_rows(text, lambda cells: "  ".join(c for c in cells if c)).encode(),
    "run-together": lambda text: _table_rows(text, "".join).encode(),
    "label-spaces": lambda text: _table_rows(text, _spaced_labels).encode(),
    "page-breaks": lambda text: _page_breaks(text).encode(),
    "running-headers": lambda text: _page_breaks(text, header=True).encode(),
}


def evaluate(names: list[str], show: int) -> dict[str, Counter[str]]:
    tallies: dict[str, Counter[str]] = {name: Counter() for name in names}
    misses: dict[str, list[str]] = {name: [] for name in names}
    for path in corpus_text_paths():
        text = path.read_text(encoding="utf-8")
        try:
            before = readings_of(convert_bytes(path.name, text.encode()))
        except RejectedInput:
            continue
        for name in names:
            tally = tallies[name]
            tally["files"] += 1
            try:
                parsed = convert_bytes(path.name, RENDERINGS[name](text))
            except RejectedInput as error:
                tally["rejected"] += 1
                misses[name].append(f"{path.name}: rejected ({error})")
                continue
            misses[name] += [f"{path.name}: {miss}" for miss in compare(before, parsed, tally)]
    for name in names:
        for line in misses[name][:show]:
            print(f"  {name}: {line}")
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--renderings", default=",".join(RENDERINGS))
    parser.add_argument("--show", type=int, default=10, help="misses to list per rendering")
    args = parser.parse_args()
    if not (SHARED / "corpus").is_dir():
        sys.exit(f"{SHARED / 'corpus'} not found")
    names = [name for name in args.renderings.split(",") if name]
    for name, tally in evaluate(names, args.show).items():
        print(
            f"{name:<12} {tally['files']} reports: readings that differ from the original's: "
            + ", ".join(f"{kind} {tally[kind + ' differ']} of {tally[kind + ' readings']}" for kind in KINDS)
            + f"; cells claimed with certainty that differ: {tally['wrong cells']}"
            + f"; rejected: {tally['rejected']}"
        )


if __name__ == "__main__":
    main()
