"""The values that flow through the converter pipeline.

decode → normalise → segment → recognise template → read tables → map to indicators → emit RDF.
Every stage is a pure function from one of these immutable values to the next; file and network
I/O happen only at the edges (``batch`` reads bytes, ``emit`` returns text).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class InputFormat(enum.StrEnum):
    """What the bytes of an input turned out to be (detected from content, not from the name)."""

    TEXT = "text"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    JSON = "json"


class Template(enum.StrEnum):
    """Generation of the official annual-report form a report follows."""

    OLD = "old"  # national 政府信息公开情况统计表 (国办发〔2014〕32号 regime)
    FMT2019 = "2019"  # 国办公开办函〔2019〕60号
    FMT2021 = "2021"  # 国办公开办函〔2021〕30号
    NARRATIVE = "narrative"  # no official table recognised


class ValueStatus(enum.StrEnum):
    """How a cell was printed; ``blank`` is "not reported", never zero."""

    REPORTED = "reported"
    BLANK = "blank"
    NOT_APPLICABLE = "not_applicable"  # printed "/", "—", "-", "N/A"
    ILLEGIBLE = "illegible"
    UNCERTAIN = "uncertain"  # more than one reading satisfies the form; best reading or none


class Level(enum.StrEnum):
    """Administrative level of the body that publishes a report."""

    CENTRAL = "central"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"
    DEVELOPMENT_ZONE = "development-zone"


class RejectedInput(Exception):
    """An input that cannot be converted; ``reason`` is shown to the user with the file name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Span:
    """Where a value was read: 1-based line of the decoded text, 0-based [start, end) columns."""

    line: int
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.line}:{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class DecodedDocument:
    """An input reduced to text.

    ``text`` holds the report as lines. Tables that had real structure (HTML, DOCX, PDF) are
    rendered one table row per line with cells separated by `` | `` — the same shape as the
    pipe renderings found in plain-text copies — so the table reader has a single input form.
    Characters are already simplified, half-width and space-normalised (``normalise``); line
    breaks are kept, so a line number is a line of what was extracted from the source.
    """

    path: str
    sha256: str
    size: int
    format: InputFormat
    encoding: str | None
    text: str
    warnings: tuple[str, ...] = ()
    export_fields: tuple[str, ...] = ()  # field names of a JSON export, which may tell its form


@dataclass(frozen=True, slots=True)
class Agency:
    name: str  # canonical name, e.g. 衢州市统计局 (area prefix completed where it was implied)
    printed_name: str  # as the report names it
    body: str  # the name without its area prefix, e.g. 统计局, 人民政府, 管委会
    kind: str | None  # notation in the ontology's agency-kind scheme, e.g. "statistics"
    adcode: str | None  # 6-digit GB/T 2260 code valid in the report year
    area_name: str | None  # e.g. 浙江省衢州市
    level: Level | None
    uscc: str | None = None  # 统一社会信用代码 when the 索引号 embeds a valid one


@dataclass(frozen=True, slots=True)
class ReportMetadata:
    title: str | None
    agency: Agency | None
    year: int | None  # the year the report covers
    published: date | None
    index_number: str | None  # 索引号
    source_url: str | None
    is_summary: bool  # whole-government 汇总 report covering subordinate bodies
    evidence: dict[str, Span] = field(default_factory=dict)  # field name -> where it was read
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of an official table, mapped to the indicator catalogue.

    ``indicator`` is the ``skos:notation`` of the indicator concept (ontology), ``applicant`` the
    notation of the applicant-type concept for 表三 columns, else ``None``. ``value`` is an int
    (counts, signed deltas) or a Decimal (万元, 元) and is ``None`` unless the status is reported
    or uncertain-with-a-best-reading.
    """

    indicator: str
    applicant: str | None
    status: ValueStatus
    value: int | Decimal | None
    raw: str
    span: Span | None
    alternatives: tuple[int | Decimal, ...] = ()  # other readings, when status is uncertain

    @property
    def key(self) -> str:
        """Its key in truth, expected and export files (``cell_key``)."""
        return cell_key(self.indicator, self.applicant)


def cell_key(indicator: str, applicant: str | None = None) -> str:
    """``2021.T3.granted`` + ``NP`` -> ``2021.T3.granted/NP``; cells without a column keep the notation."""
    return f"{indicator}/{applicant}" if applicant else indicator


@dataclass(frozen=True, slots=True)
class NarrativeFigure:
    """A key number stated in the report's prose (主动公开 N 条, 收到申请 N 件, …)."""

    indicator: str  # notation in the ontology's narrative-figure scheme
    value: int | Decimal
    phrase: str  # the words it was read from
    span: Span


@dataclass(frozen=True, slots=True)
class ExtraTableCell:
    """A number from a table that is not part of the official form (e.g. a 2013–2017 series)."""

    table: str  # the heading or caption nearest before the table
    row: str
    column: str
    status: ValueStatus
    value: int | Decimal | None
    raw: str
    unit: str | None
    span: Span | None


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered section of the report body (一、总体情况 …), as printed."""

    number: int
    title: str
    span: Span


@dataclass(frozen=True, slots=True)
class TableReading:
    """What the table reader found in a document."""

    template: Template
    cells: tuple[Cell, ...]
    extra_cells: tuple[ExtraTableCell, ...]
    table_spans: tuple[Span, ...]  # text occupied by tables (masked before reading narrative figures)
    sections: tuple[Section, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedReport:
    document: DecodedDocument
    metadata: ReportMetadata
    template: Template
    cells: tuple[Cell, ...]
    narrative: tuple[NarrativeFigure, ...]
    extra_cells: tuple[ExtraTableCell, ...] = ()
    sections: tuple[Section, ...] = ()
    warnings: tuple[str, ...] = ()
