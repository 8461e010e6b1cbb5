"""Render a synthetic report in one of the renderings real reports come in.

Layouts: pipe rows, markdown pipes, one cell per line, space-separated rows (as PDF text comes
out), run-together crawler dumps (no separators at all), HTML (rowspan/colspan, <br> in headers,
page chrome, GBK or UTF-8) and DOCX; any of them in Traditional characters. The truth travels
alongside: every cell's value as printed, the narrative figures, the contradictions planted.
"""

from __future__ import annotations

import html
import io
import random
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

import opencc

from ogikg.converter.decode_cells import is_wide
from ogikg.converter.model import cell_key
from ogikg.ontology.layout import CellKey, GridCell, GridTable, form_tables
from ogikg.synth.numbers import FormValues, Value

LAYOUTS = ("pipe", "markdown", "cells", "spaces", "run-together", "html", "docx")


@cache
def texts() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("texts.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SynthAgency:
    name: str  # canonical, e.g. 衢州市统计局
    body: str  # e.g. 统计局
    adcode: str
    level: str  # Level value
    kind: str  # agency-kind notation


@dataclass
class SynthReport:
    agency: SynthAgency
    year: int
    generation: str  # old | 2019 | 2021 | narrative
    published: date
    form: FormValues | None
    narrative: dict[str, int] = field(default_factory=dict)  # narrative notation suffix → value
    contradictions: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Rendering:
    layout: str = "pipe"
    traditional: bool = False
    encoding: str = "utf-8"
    ruled: bool = True  # html only: tables drawn with rules (border="1") or without any

    @property
    def name(self) -> str:
        parts = [self.layout]
        if not self.ruled and self.layout == "html":  # the other layouts draw no rules
            parts.append("unruled")
        if self.traditional:
            parts.append("traditional")
        if self.encoding != "utf-8":
            parts.append(self.encoding)
        return "+".join(parts)

    @property
    def extension(self) -> str:
        return {"html": ".html", "docx": ".docx"}.get(self.layout, ".txt")


def value_text(value: Value, key: CellKey, rng: random.Random) -> str:
    """A value as a report would print it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    notation = key[0]
    if notation.endswith(".change") and isinstance(value, int):
        return f"+{value}" if value > 0 and rng.random() < 0.6 else str(value)
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value != 0 else "0"
        if notation.endswith("procurement.amount"):
            if rng.random() < 0.5:
                return text + "万元"
            return format((value * 10000).normalize(), "f") + "元"
        return text
    return str(value)


def _printed(report: SynthReport, rng: random.Random) -> dict[CellKey, str]:
    if report.form is None:
        return {}
    return {key: value_text(value, key, rng) for key, value in report.form.values.items()}


# ---------------------------------------------------------------- text body


def _body_lines(report: SynthReport, rng: random.Random) -> tuple[list[str], list[tuple[str, GridTable]]]:
    """Prose lines and the tables to insert, as (placeholder line, table)."""
    t = texts()
    agency, year = report.agency.name, report.year
    fill = {"agency": agency, "year": year, "published": report.published.isoformat()}
    lines = [t["title"].format(**fill), rng.choice(t["dates"]).format(**fill), t["notice"]]
    narrative = _narrative_sentences(report, rng)
    tables: list[tuple[str, GridTable]] = []
    if report.generation in ("2019", "2021"):
        notice = t[f"format_notice_{report.generation}"]
        lines.append(rng.choice(t["opening_new"]).format(format_notice=notice, **fill))
        lines.append(t["sections_new"][0])
        lines.append(t["filler"][0].format(**fill) + "".join(narrative))
        lines.append(t["filler"][1])
        grids = form_tables(report.generation)
        titles_done: set[str] = set()
        for grid in grids:
            if grid.title not in titles_done:
                titles_done.add(grid.title)
                lines.append(grid.title)
            placeholder = f"@@TABLE{len(tables)}@@"
            lines.append(placeholder)
            tables.append((placeholder, grid))
        lines.append(t["sections_new"][1])
        lines.append(t["filler"][2])
        lines.append(t["sections_new"][2])
        lines.append(t["filler"][3])
    else:
        lines.append(rng.choice(t["opening_old"]).format(**fill))
        sections = t["sections_old"]
        lines.append(sections[0])
        lines.append(t["filler"][0].format(**fill) + t["filler"][1])
        lines.append(sections[1])
        lines.append("".join(s for s in narrative if "主动公开" in s) or t["filler"][1])
        lines.append(sections[2])
        lines.append("".join(s for s in narrative if "主动公开" not in s) or t["filler"][1])
        lines.extend(sections[3:6])
        lines.append(t["filler"][2])
        lines.append(sections[6])
        lines.append(t["filler"][3])
        if report.generation == "old":
            lines.append(t["old_table_heading"])
            grid = form_tables("old")[0]
            lines.append(grid.title)
            lines.append(t["old_table_year"].format(**fill))
            lines.append("@@TABLE0@@")
            tables.append(("@@TABLE0@@", grid))
    return lines, tables


def _narrative_sentences(report: SynthReport, rng: random.Random) -> list[str]:
    templates = texts()["narrative"]
    sentences = []
    for name, value in report.narrative.items():
        if name in templates:
            sentences.append(rng.choice(templates[name]).format(value=value, year=report.year))
    return sentences


def _row_texts(row: list[GridCell], printed: dict[CellKey, str]) -> list[str]:
    return [printed.get(cell.key, "") if cell.key else cell.text for cell in row]


def _text_table(grid: GridTable, printed: dict[CellKey, str], layout: str, rng: random.Random) -> list[str]:
    out: list[str] = []
    for row in grid.rows:
        cells = _row_texts(row, printed)
        if layout == "pipe":
            out.append(" | ".join(cells) + (" |" if rng.random() < 0.5 else ""))
        elif layout == "markdown":
            out.append("| " + " | ".join(c.rjust(3) if c.isdigit() else c for c in cells) + " |")
        elif layout == "cells":
            out.extend(c + " |" for c in cells)
        elif layout == "spaces":
            out.append(" ".join(c for c in cells if c))
        elif layout == "run-together":
            out.append("".join(cells))
    return out


def render_text(report: SynthReport, layout: str, printed: dict[CellKey, str], rng: random.Random) -> str:
    lines, tables = _body_lines(report, rng)
    by_placeholder = dict(tables)
    out: list[str] = []
    for line in lines:
        grid = by_placeholder.get(line)
        out.extend(_text_table(grid, printed, layout, rng) if grid else [line])
    if layout == "run-together":
        head = [
            f"标题: {lines[0]}",
            f"发布时间: {report.published.isoformat()} 00:00",
            "=" * 20 + " 正文 " + "=" * 20,
        ]
        return "\n".join([*head, "".join(out[1:])]) + "\n"
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- HTML and DOCX


def _html_cell(cell: GridCell, printed: dict[CellKey, str], rng: random.Random) -> str:
    text = printed.get(cell.key, "") if cell.key else cell.text
    escaped = html.escape(text) or "&nbsp;"
    if cell.header and len(text) > 5 and rng.random() < 0.3:
        middle = len(text) // 2
        escaped = html.escape(text[:middle]) + "<br />" + html.escape(text[middle:])
    tag = "th" if cell.header and rng.random() < 0.5 else "td"
    spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
        f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    )
    return f"<{tag}{spans}><p>{escaped}</p></{tag}>"


def render_html(
    report: SynthReport,
    encoding: str,
    printed: dict[CellKey, str],
    rng: random.Random,
    ruled: bool = True,
) -> str:
    lines, tables = _body_lines(report, rng)
    by_placeholder = dict(tables)
    charset = {"gbk": "gbk", "gb18030": "gb18030"}.get(encoding, "utf-8")
    parts = [
        "<!DOCTYPE html>",
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f"<title>{html.escape(lines[0])}</title></head><body>",
        '<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
        '<div class="share">分享到：微信 微博 | 打印本页 | 关闭窗口</div>',
        '<div class="article">',
    ]
    for line in lines:
        grid = by_placeholder.get(line)
        if grid is None:
            parts.append(f"<p>{html.escape(line)}</p>")
            continue
        parts.append('<table border="1" cellspacing="0">' if ruled else '<table cellspacing="0">')
        for row in grid.rows:
            parts.append("<tr>" + "".join(_html_cell(c, printed, rng) for c in row) + "</tr>")
        parts.append("</table>")
    parts += [
        "</div>",
        '<div class="footer">主办单位：示例网站 扫一扫在手机打开当前页</div>',
        "</body></html>",
    ]
    return "\n".join(parts)


def render_docx(
    report: SynthReport, printed: dict[CellKey, str], rng: random.Random, traditional: bool = False
) -> bytes:
    from docx import Document

    lines, tables = _body_lines(report, rng)
    by_placeholder = dict(tables)
    document = Document()
    for line in lines:
        grid = by_placeholder.get(line)
        if grid is None:
            document.add_paragraph(_to_traditional(line) if traditional else line)
            continue
        table = document.add_table(rows=len(grid.rows), cols=grid.width)
        table.style = "Table Grid"  # ruled, as the official forms are printed
        # the cells of the grid, fetched once: table.cell() walks the whole table on every call
        row_cells = [row.cells for row in table.rows]
        occupied: set[tuple[int, int]] = set()
        for r, row in enumerate(grid.rows):
            c = 0
            for cell in row:
                while (r, c) in occupied:
                    c += 1
                target = row_cells[r][c]
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(row_cells[r + cell.rowspan - 1][c + cell.colspan - 1])
                text = printed.get(cell.key, "") if cell.key else cell.text
                target.text = _to_traditional(text) if traditional else text
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        occupied.add((r + dr, c + dc))
                c += cell.colspan
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- entry point


@cache
def hard_wrap(text: str, width: int) -> str:
    """``text`` as a copy from a PDF viewer gives it: every line cut into pieces of at most ``width``
    display columns (wide characters take two), inside names, numbers and table rows alike."""
    pieces: list[str] = []
    for line in text.split("\n"):
        current, used = "", 0
        for char in line:
            columns = 2 if is_wide(char) else 1
            if current and used + columns > width:
                pieces.append(current)
                current, used = "", 0
            current += char
            used += columns
        pieces.append(current)
    return "\n".join(pieces)


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _to_traditional(text: str) -> str:
    return _s2t().convert(text) if text else text


def render(report: SynthReport, rendering: Rendering, rng: random.Random) -> tuple[bytes, dict]:
    """The report's bytes in a rendering, and its truth record."""
    printed = _printed(report, rng)
    if rendering.layout == "docx":
        data = render_docx(report, printed, rng, rendering.traditional)
    else:
        if rendering.layout == "html":
            text = render_html(report, rendering.encoding, printed, rng, rendering.ruled)
        else:
            text = render_text(report, rendering.layout, printed, rng)
        if rendering.traditional:
            text = _to_traditional(text)
        data = text.encode(rendering.encoding, errors="strict")
    return data, truth(report, rendering, printed)


def truth(report: SynthReport, rendering: Rendering, printed: dict[CellKey, str]) -> dict:
    cells = {}
    for key, value in report.form.values.items() if report.form else []:
        notation, applicant = key
        cells[cell_key(notation, applicant)] = {"printed": printed.get(key, ""), "value": _truth_value(value)}
    return {
        "agency": report.agency.name,
        "body": report.agency.body,
        "adcode": report.agency.adcode,
        "level": report.agency.level,
        "kind": report.agency.kind,
        "year": report.year,
        "template": report.generation,
        "published": report.published.isoformat(),
        "rendering": rendering.name,
        "cells": cells,
        "narrative": {f"narrative.{k}": v for k, v in report.narrative.items()},
        "contradictions": report.contradictions + (report.form.contradictions if report.form else []),
    }


def _truth_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != 0 else "0"
    return str(value)
