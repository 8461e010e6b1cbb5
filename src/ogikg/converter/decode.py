"""First stage of the converter: raw bytes → ``DecodedDocument`` (normalised text as lines).

The format is detected from the content, never from the file name: PDF (``%PDF-``), DOCX (a ZIP
package with ``word/``), HTML (markup sniffing in any encoding), JSON (an object or array that
parses, possibly only after mojibake repair), otherwise plain text. Inputs that cannot be a report
are rejected with a reason the user can act on (``RejectedInput``): empty, binary, too large,
truncated or damaged PDF/DOCX, scanned PDF without text layer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from ogikg.converter.decode_docx import docx_to_lines
from ogikg.converter.decode_html import html_to_lines
from ogikg.converter.decode_json import json_field_names, json_to_lines, parse_json_document
from ogikg.converter.decode_pdf import pdf_to_lines
from ogikg.converter.decode_text import (
    TextPayload,
    bytes_to_text,
    declared_charset,
    has_mojibake,
    looks_binary,
    repair_mojibake,
    unify_newlines,
)
from ogikg.converter.model import DecodedDocument, InputFormat, RejectedInput
from ogikg.converter.normalise import normalise_with_notes
from ogikg.converter.pdfcopy import blank_page_footers, blank_running_headers
from ogikg.converter.unwrap import join_wrapped_lines

MAX_INPUT_BYTES: int = 50 * 1024 * 1024

_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE = b"PK\x03\x04"
_PDF_SIGNATURE = b"%PDF-"
_RTF_SIGNATURE = b"{\\rtf"
_IMAGE_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|!--|(?:html|head|body|meta|title|table|tbody|div|p|span|br|section|article"
    r"|h[1-6]|center|font|style|script|link|ul|ol|li|tr|td|strong|b|a)(?=[\s>/]))",
    re.IGNORECASE,
)
_HTML_TAG = re.compile(r"</?(?:p|div|br|table|tr|td|th|span|li|font|strong)[\s>/]", re.IGNORECASE)
_HTML_MIN_TAGS = 5


@dataclass(frozen=True, slots=True)
class _Sniffed:
    format: InputFormat
    payload: TextPayload | None = None  # decoded text for TEXT/HTML/JSON
    json_value: Any = None
    json_warnings: tuple[str, ...] = ()


def detect_format(data: bytes) -> InputFormat:
    """The format of ``data`` judged from its content; raises RejectedInput for empty/binary data."""
    return _sniff(data).format


def _is_pdf(data: bytes) -> bool:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_PDF_SIGNATURE):
        return True
    position = data.find(_PDF_SIGNATURE, 0, 1024)
    return position > 0 and looks_binary(data[:position])  # readers allow junk before the header


def _looks_like_html(text: str) -> bool:
    window = text[:20000]
    if "<" not in window:
        return False
    head = window.lstrip("\ufeff \t\r\n")
    if head.startswith("<") and _HTML_START.match(head):
        return True
    return len(_HTML_TAG.findall(window)) >= _HTML_MIN_TAGS


def _sniff(data: bytes) -> _Sniffed:
    if not data.strip():
        raise RejectedInput("empty file")
    if _is_pdf(data):
        return _Sniffed(InputFormat.PDF)
    if data.startswith(_ZIP_SIGNATURE):
        if b"word/" in data:
            return _Sniffed(InputFormat.DOCX)
        raise RejectedInput("ZIP archive that is not a Word (DOCX) document")
    if data.startswith(_OLE2_SIGNATURE):
        raise RejectedInput("legacy Word/Excel (.doc/.xls) file; save it as DOCX or PDF")
    if data[:64].lstrip().startswith(_RTF_SIGNATURE):
        raise RejectedInput("RTF document; save it as DOCX or PDF")
    if data.startswith(_IMAGE_SIGNATURES):
        raise RejectedInput("image file, not a text report (OCR needed)")
    if looks_binary(data):
        raise RejectedInput("binary file, not a report")
    payload = bytes_to_text(data, declared_charset(data))
    if not payload.text.strip("\ufeff \t\r\n\x0b\x0c\u3000\xa0"):
        raise RejectedInput("empty file")
    if _looks_like_html(payload.text):
        return _Sniffed(InputFormat.HTML, payload)
    parsed = parse_json_document(payload.text)
    if parsed is not None:
        value, warnings = parsed
        return _Sniffed(InputFormat.JSON, payload, value, warnings)
    return _Sniffed(InputFormat.TEXT, payload)


def decode(path: str, data: bytes) -> DecodedDocument:
    """Decode one input to normalised text; raises RejectedInput(reason) when it is unusable."""
    size = len(data)
    if size > MAX_INPUT_BYTES:
        limit = MAX_INPUT_BYTES // (1024 * 1024)
        raise RejectedInput(f"file is {size / 1048576:.1f} MB, above the {limit} MB limit")
    sniffed = _sniff(data)
    warnings: list[str] = []
    export_fields: tuple[str, ...] = ()
    encoding: str | None = None
    payload = sniffed.payload
    if payload is not None:
        encoding = payload.encoding
        warnings.extend(payload.warnings)
    if sniffed.format is InputFormat.PDF:
        lines, pdf_warnings = pdf_to_lines(data)
        warnings.extend(pdf_warnings)
        text = "\n".join(lines)
    elif sniffed.format is InputFormat.DOCX:
        text = "\n".join(docx_to_lines(data))
    elif sniffed.format is InputFormat.JSON:
        warnings.extend(sniffed.json_warnings)
        text = "\n".join(json_to_lines(sniffed.json_value))
        export_fields = json_field_names(sniffed.json_value)
    elif sniffed.format is InputFormat.HTML:
        assert payload is not None
        declared = declared_charset(data)
        if declared and encoding and declared != encoding and encoding.startswith("utf"):
            warnings.append(f"declared charset {declared} ignored: the bytes are {encoding}")
        text = "\n".join(html_to_lines(payload.text))
    else:
        assert payload is not None
        text, footers = blank_page_footers(unify_newlines(payload.text))
        if footers:
            warnings.append(f"{footers} page footers blanked")
        text, headers = blank_running_headers(text)
        if headers:
            warnings.append(f"{headers} running page headers blanked")
        text, joins, width = join_wrapped_lines(text)
        if joins:
            warnings.append(f"{joins} lines wrapped at {width} columns joined back into their paragraphs")
    if (
        sniffed.format is not InputFormat.PDF
        and sniffed.format is not InputFormat.DOCX
        and has_mojibake(text)
    ):
        repaired = repair_mojibake(text)
        if repaired is not None:
            text = repaired
            warnings.append("mojibake repaired (UTF-8 read as GBK)")
    if not text.strip():
        raise RejectedInput(f"no text found in the {sniffed.format.value.upper()} document")
    text, notes = normalise_with_notes(text)
    warnings.extend(notes)
    return DecodedDocument(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size=size,
        format=sniffed.format,
        encoding=encoding,
        text=text,
        warnings=tuple(warnings),
        export_fields=export_fields,
    )
