"""Metadata of one report: title, agency, covered year, publication date, 索引号, USCC, source URL.

Input is ``DecodedDocument.text`` (simplified, half-width, line breaks kept). Every field that is
set has its evidence (``Span``) in ``ReportMetadata.evidence`` under the field's name (``title``,
``agency``, ``year``, ``published``, ``index_number``, ``uscc``, ``source_url``, ``is_summary``);
``agency`` evidence points at the printed name that was chosen. Pure and fast: regular expressions
are compiled at import, the division index and the agency-kind Turtle are loaded once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from stdnum.cn import uscc as uscc_number

from ogikg.converter import metadata_patterns as P
from ogikg.converter.metadata_agency import AgencyReader, clean_name, spam_spans
from ogikg.converter.metadata_dates import Found, covered_year, published_date
from ogikg.converter.metadata_kinds import agency_kinds
from ogikg.converter.metadata_text import Lines
from ogikg.converter.model import Agency, ReportMetadata, Span

_HEAD = 40
_TITLE_MAX = 90
_SENTENCE_OPENERS = ("根据", "本", "按照", "依据", "为", "依照", "现将", "现")
_SPLIT_TITLE_ENDS = ("公开", "工作", "信息")  # a title broken before …年度报告
_SUMMARY_GOVERNMENT_ONLY = 2  # SUMMARY patterns from this index on need a government publisher
_PINYIN_MIN = 3  # pinyin readings in the head before a text counts as annotated
_GOVERNMENT_KINDS = ("government", "government-office")


@dataclass(frozen=True, slots=True)
class Title:
    text: str
    span: Span
    year: Found[int] | None
    agency: tuple[str, Span] | None


def extract_metadata(text: str, path: str) -> ReportMetadata:
    """Read the metadata of a report text; ``path`` only labels warnings."""
    cleaned, remap = _without_pinyin(text)
    metadata = _extract(cleaned, path)
    if remap is None:
        return metadata
    return replace(metadata, evidence={k: remap(v) for k, v in metadata.evidence.items()})


def _without_pinyin(text: str) -> tuple[str, Callable[[Span], Span] | None]:
    """Mirror copies with pinyin after each character (结(jié)合) are read without it.

    The decoder's normalisation removes such readings already; this keeps the reader correct on
    texts that did not go through it. Line numbers do not change; columns map back to the line.
    """
    if len(P.PINYIN.findall(text, 0, 3000)) < _PINYIN_MIN:
        return text, None
    kept_lines: list[str] = []
    column_maps: list[list[int]] = []
    for line in text.split("\n"):
        pieces: list[str] = []
        columns: list[int] = []
        last = 0
        for match in P.PINYIN.finditer(line):
            pieces.append(line[last : match.start()])
            columns.extend(range(last, match.start()))
            last = match.end()
        pieces.append(line[last:])
        columns.extend(range(last, len(line) + 1))
        kept_lines.append("".join(pieces))
        column_maps.append(columns)

    def remap(span: Span) -> Span:
        columns = column_maps[span.line - 1]
        return Span(
            span.line, columns[min(span.start, len(columns) - 1)], columns[min(span.end, len(columns) - 1)]
        )

    return "\n".join(kept_lines), remap


def _extract(text: str, path: str) -> ReportMetadata:
    lines = Lines(text)
    evidence: dict[str, Span] = {}
    warnings: list[str] = []
    header = _header_fields(lines)
    title = _title(lines, header)
    if title is not None:
        evidence["title"] = title.span
    year_found, year_warnings = covered_year(lines, title.year if title else None)
    warnings.extend(year_warnings)
    year = year_found.value if year_found else None
    if year_found is not None:
        evidence["year"] = year_found.span
    published = published_date(lines, year)
    if published is not None:
        evidence["published"] = published.span
    index_number = _index_number(lines)
    source_url = _source_url(lines)
    if index_number is not None:
        evidence["index_number"] = index_number.span
    if source_url is not None:
        evidence["source_url"] = source_url.span

    uscc = _uscc(lines, index_number)
    # The code's third to eighth characters are the registering area (GB/T 2260).
    reader = AgencyReader(lines, year, registered_area=uscc.value[2:8] if uscc else None)
    result = reader.read(title.agency if title else None, header)
    agency = None
    if result is not None:
        agency = result.agency
        evidence["agency"] = result.span
        warnings.extend(result.warnings)
        if uscc is not None:
            agency = replace(agency, uscc=uscc.value)
            evidence["uscc"] = uscc.span
    spam = spam_spans(text)
    if spam:
        junk = text[spam[0][0] : spam[0][1]]
        warnings.append(f"mirror-site junk in the text ({junk!r}): place names may have been replaced")
    summary = _summary(lines, agency, evidence.get("agency"))
    if summary is not None:
        evidence["is_summary"] = summary
        if agency is not None and agency.kind == "government-office":
            agency = _government_of(agency)
    return ReportMetadata(
        title=title.text if title else None,
        agency=agency,
        year=year,
        published=published.value if published else None,
        index_number=index_number.value if index_number else None,
        source_url=source_url.value if source_url else None,
        is_summary=summary is not None,
        evidence=evidence,
        warnings=tuple(f"{path}: {w}" for w in dict.fromkeys(warnings)),
    )


def _header_fields(lines: Lines) -> dict[str, tuple[str, Span]]:
    """Labelled fields of page headers (标题:, 发布机构 | …, 来源:), first occurrence of each label."""
    fields: dict[str, tuple[str, Span]] = {}
    for index in range(min(_HEAD, len(lines.lines))):
        line = lines.lines[index]
        if ":" not in line and "|" not in line and "：" not in line:
            continue
        for match in P.HEADER_FIELD.finditer(line):
            label = "".join(match.group("label").split())
            fields.setdefault(label, (match.group("value"), lines.line_span(index, *match.span("value"))))
        alone = P.HEADER_LABEL_ALONE.search(line)
        if alone:
            following = lines.nonblank(index + 1, index + 4)
            if following:
                value_line = following[0]
                value = lines.lines[value_line].strip()
                if len(value) <= 30:
                    label = "".join(alone.group("label").split())
                    column = lines.lines[value_line].index(value)
                    fields.setdefault(
                        label, (value, lines.line_span(value_line, column, column + len(value)))
                    )
    return fields


def _title(lines: Lines, header: dict[str, tuple[str, Span]]) -> Title | None:
    """The report's title: a header 标题 field, else the first title-like line near the top."""
    found: list[Title] = []
    for label in ("标题", "名称", "中文名"):
        if label in header:
            value, span = header[label]
            title = _parse_title(value, span, lines)
            if title is not None:
                found.append(title)
    for index in lines.nonblank(0, _HEAD):
        line = lines.lines[index]
        stripped = line.strip()
        probe = stripped[: _TITLE_MAX + 30]  # a title opens its line
        if "|" in line or stripped.startswith(_SENTENCE_OPENERS) or "公开" not in probe:
            continue
        if "报告" not in probe and "年报" not in probe and not probe.endswith(_SPLIT_TITLE_ENDS):
            continue
        if not P.TITLE_LINE.search(probe):
            continue
        text = stripped
        if "报告" not in text and "年报" not in text:
            following = lines.nonblank(index + 1, index + 3)
            if following and P.TITLE_TAIL.match(lines.lines[following[0]]):
                text += lines.lines[following[0]].strip()
        long_line = len(text) > _TITLE_MAX
        column = line.index(stripped[0])
        span = lines.line_span(index, column, len(line.rstrip()))
        previous = None if long_line else _previous_line(lines, index)
        # A title opens its line: a long paragraph is only tried on its first characters.
        title = _parse_title(text[: _TITLE_MAX + 30], span, lines, previous=previous, strict=long_line)
        if title is None or (long_line and title.agency is None):
            continue
        if long_line:
            title = Title(title.text.split("报告")[0] + "报告", title.span, title.year, title.agency)
        found.append(title)
        if title.agency is not None:
            break
    with_agency = [t for t in found if t.agency is not None]
    return with_agency[0] if with_agency else (found[0] if found else None)


def _previous_line(lines: Lines, index: int) -> tuple[str, Span] | None:
    before = lines.nonblank(max(0, index - 3), index)
    if not before:
        return None
    previous = before[-1]
    text = lines.lines[previous].strip()
    if not text or len(text) > 30 or "|" in text:
        return None
    column = lines.lines[previous].index(text)
    return text, lines.line_span(previous, column, column + len(text))


def _parse_title(
    text: str,
    span: Span,
    lines: Lines,
    previous: tuple[str, Span] | None = None,
    strict: bool = False,
) -> Title | None:
    match = P.TITLE.match(text) or P.TITLE_YEAR_AFTER.match(text) or P.TITLE_YEAR_INSIDE.match(text)
    if match is None or (strict and P.NAME_JUNK.search(match.group("pre").strip())):
        return None
    year_value = int(match.group("year"))
    line_text = lines.lines[span.line - 1]
    year_span = span
    position = line_text.find(match.group("year"), span.start)
    if position != -1:
        year_span = Span(span.line, position, position + 4)
    year = Found(year_value, year_span)
    agency: tuple[str, Span] | None = None
    for group in ("mid", "pre"):
        raw = match.groupdict().get(group) or ""
        name, _ = clean_name(raw)
        if len(name) >= 2:
            start = line_text.find(raw.strip(), span.start)
            column = start if start != -1 else span.start
            agency = (raw, Span(span.line, column, column + len(raw.strip())))
            break
    if agency is None and previous is not None and len(clean_name(previous[0])[0]) >= 2:
        agency = previous
    title_text = text.strip()
    if agency is not None and agency is previous:
        title_text = previous[0] + title_text
    title_text = P.PINYIN.sub("", title_text)
    return Title(" ".join(title_text.split()), span, year, agency)


def _index_number(lines: Lines) -> Found[str] | None:
    for label in P.INDEX_LABEL.finditer(lines.text, 0, 6000):
        value = P.INDEX_VALUE.match(lines.text, label.end()) or P.INDEX_VALUE_PLAIN.match(
            lines.text, label.end()
        )
        if value:
            return Found(value.group("value"), lines.span(value.start("value"), value.end("value")))
    return None


def _uscc(lines: Lines, index_number: Found[str] | None) -> Found[str] | None:
    """A valid 统一社会信用代码: the 索引号 prefix, else a labelled code on the page."""
    if index_number is not None:
        prefix = index_number.value.split("/", 1)[0]
        if len(prefix) == 18 and uscc_number.is_valid(prefix):
            span = index_number.span
            return Found(prefix, Span(span.line, span.start, span.start + 18))
    for match in P.USCC_LABEL.finditer(lines.text, 0, 6000):
        if uscc_number.is_valid(match.group("value")):
            return Found(match.group("value"), lines.span(*match.span("value")))
    return None


def _source_url(lines: Lines) -> Found[str] | None:
    if "://" not in lines.head(_HEAD):
        return None
    for index in range(min(_HEAD, len(lines.lines))):
        match = P.SOURCE_URL.search(lines.lines[index])
        if match:
            return Found(match.group("url"), lines.line_span(index, *match.span("url")))
    return None


def _summary(lines: Lines, agency: Agency | None, agency_span: Span | None) -> Span | None:
    """Evidence that the report covers a whole area's government, or None.

    A people's government at or above county level publishes the government-level report of its
    area (条例 Art. 49); so does a development zone's committee that governs its zone in place of
    one. Any other body's report is its own, unless the text says it was compiled (汇总) from the
    reports of several bodies; a general office saying so speaks for its government.
    """
    head = lines.text[:4000]
    kind = agency.kind if agency else None
    if kind == "government" and agency_span is not None:
        return agency_span
    # A zone led by a district's 区委区政府 is a body of that district, not the government of its zone.
    if kind == "development-zone" and agency_span is not None and P.SUPERIOR_GOVERNMENT.search(head) is None:
        wide = P.ZONE_WIDE.search(head)
        if wide is not None:
            return lines.span(*wide.span())
    for number, pattern in enumerate(P.SUMMARY):
        if number >= _SUMMARY_GOVERNMENT_ONLY and kind not in (None, *_GOVERNMENT_KINDS):
            continue
        match = pattern.search(head)
        if match:
            return lines.span(*match.span())
    return None


def _government_of(office: Agency) -> Agency:
    """A 汇总 report compiled by a general office (市政府办公厅) is the government's report."""
    kinds = agency_kinds()
    office_kind = kinds.classify(office.name)
    government = kinds.by_notation("government")
    if office_kind is None:
        return office
    for ending in government.endings:
        if office_kind.ending.startswith(ending):
            stem = office.name[: len(office.name) - len(office_kind.ending)]
            return replace(
                office, name=stem + government.label_zh, body=government.label_zh, kind=government.notation
            )
    return office
