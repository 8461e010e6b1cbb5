"""Decoding real-world inputs: formats from content, encodings, HTML/DOCX/PDF tables, rejections."""

from __future__ import annotations

import codecs
import hashlib
import io
import json

import docx
import pytest

from ogikg.converter import decode as decode_module
from ogikg.converter.decode import MAX_INPUT_BYTES, decode, detect_format
from ogikg.converter.model import InputFormat, RejectedInput, Template
from ogikg.converter.pipeline import convert_document
from shared import shared_dir


def _report(name: str) -> bytes:
    return (shared_dir() / "corpus" / "reports" / name).read_bytes()


def _rejection(data: bytes) -> str:
    with pytest.raises(RejectedInput) as caught:
        decode("input", data)
    return caught.value.reason


# --- synthetic inputs ---------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html><head>{meta}<title>某区统计局2023年政府信息公开工作年度报告</title>
<script>var tip = "脚本里的字";</script></head>
<body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/gk">政务公开</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/nb">年度报告</a></div>
<div class="article">
<h1>某区统计局2023年政府信息公开工作年度报告</h1>
<div class="bdshare-box"><a>分享到：</a><a>微信</a><a>微博</a></div>
<div id="zoom">
<p>　　一、总体情况<br>2023年，我局主动公开政府信息&nbsp;120条，经办人{rare}。</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table border="1">
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，
    等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业<br/>企业</td><td>科研<br>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td>
<td>3</td><td>0</td><td>&nbsp;</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>
<td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
<tr><td>（三）不予公开</td><td>1.属于国家秘密</td>
<td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
</table>
<p>六、其他需要报告的事项</p><p>无。</p>
</div></div>
<div class="footer">主办：某区人民政府办公室 版权所有</div>
</body></html>
"""

_PAGE_LINES = [
    "某区统计局2023年政府信息公开工作年度报告",
    "一、总体情况",
    "2023年,我局主动公开政府信息 120条,经办人{rare}。",
    "三、收到和处理政府信息公开申请情况",
    "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况",
    "自然人 | 法人或其他组织 | 总计",
    "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他",
    "一、本年新收政府信息公开申请数量 | 3 | 0 |  | 0 | 0 | 0 | 3",
    "三、本年度办理结果 | (一)予以公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2",
    "(三)不予公开 | 1.属于国家秘密 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
    "六、其他需要报告的事项",
    "无。",
]
_CHROME = ("首页", "政务公开", "当前位置", "分享到", "微博", "版权所有", "脚本里的字")


def _page(meta: str, rare: str = "王明") -> str:
    return _PAGE.replace("{meta}", meta).replace("{rare}", rare)


def _expected(rare: str = "王明") -> str:
    return "\n".join(_PAGE_LINES).replace("{rare}", rare)


def _assert_no_chrome(text: str) -> None:
    for chrome in _CHROME:
        assert chrome not in text, chrome


def test_gbk_html_with_meta_charset() -> None:
    data = _page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    document = decode("page.html", data)
    assert document.format is InputFormat.HTML
    assert document.encoding == "gb18030"
    assert document.text == _expected()
    _assert_no_chrome(document.text)


def test_gb18030_html_with_characters_outside_gbk() -> None:
    data = _page('<meta charset="GB18030">', rare="王䶮").encode("gb18030")
    document = decode("page.htm", data)
    assert document.encoding == "gb18030"
    assert document.text == _expected(rare="王䶮")


def test_gbk_html_without_declared_charset() -> None:
    document = decode("page", _page("").encode("gbk"))
    assert document.format is InputFormat.HTML
    assert document.encoding == "gb18030"
    assert document.text == _expected()


def test_utf8_html_that_declares_gb2312_is_read_as_utf8() -> None:
    document = decode("page.html", _page('<meta charset="gb2312">').encode("utf-8"))
    assert document.encoding == "utf-8"
    assert document.text == _expected()
    assert any("declared charset gb18030 ignored" in warning for warning in document.warnings)


def test_utf16_html_with_bom() -> None:
    document = decode("page.html", _page("").encode("utf-16"))
    assert document.format is InputFormat.HTML
    assert document.encoding == "utf-16-le"
    assert document.text == _expected()


def test_html_layout_table_keeps_nested_data_table_rows() -> None:
    page = (
        "<html><body><table><tr><td><p>年度报告正文第一段。</p>"
        "<table><tr><th>信息内容</th><th>本年新<br>制作数量</th></tr>"
        "<tr><td>规章</td><td>0</td></tr></table></td>"
        "<td class='sidebar'><a href='a'>其他年度报告甲</a><a href='b'>其他年度报告乙</a></td></tr>"
        "</table></body></html>"
    )
    document = decode("layout.html", page.encode("utf-8"))
    assert document.text.split("\n") == ["年度报告正文第一段。", "信息内容 | 本年新制作数量", "规章 | 0"]


def test_docx_paragraphs_and_table_with_merged_cells() -> None:
    document = docx.Document()
    document.add_paragraph("某区统计局2023年政府信息公开工作年度报告")
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=4, cols=3)
    heading = table.cell(0, 0).merge(table.cell(0, 2))
    heading.text = "第二十条第（一）项"
    for column, text in enumerate(("信息内容", "本年制发件数", "现行有效件数")):
        table.cell(1, column).text = text
    label = table.cell(2, 0).merge(table.cell(3, 0))
    label.text = "规范性文件"
    table.cell(2, 1).text = "3"
    table.cell(2, 2).text = "14"
    table.cell(3, 1).text = ""
    table.cell(3, 2).text = "2"
    cell = table.cell(1, 1)
    cell.add_paragraph("（件）")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    buffer = io.BytesIO()
    document.save(buffer)
    decoded = decode("report.docx", buffer.getvalue())
    assert decoded.format is InputFormat.DOCX
    assert decoded.encoding is None
    assert decoded.text.split("\n") == [
        "某区统计局2023年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "第二十条第(一)项",
        "信息内容 | 本年制发件数(件) | 现行有效件数",
        "规范性文件 | 3 | 14",
        " | 2",
        "三、收到和处理政府信息公开申请情况",
    ]


def test_truncated_docx_is_rejected() -> None:
    document = docx.Document()
    document.add_paragraph("某区统计局2023年政府信息公开工作年度报告")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    assert detect_format(data[: len(data) // 2]) is InputFormat.DOCX
    assert _rejection(data[: len(data) // 2]).startswith("truncated or damaged DOCX: ")


def _pdf(content: bytes, *, with_font: bool = True) -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    resources = b"/Resources << /Font << /F1 5 0 R >> >> " if with_font else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] " + resources + b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_TEXT_PDF = _pdf(
    b"BT /F1 12 Tf 20 150 Td (Annual report 2023) Tj ET\nBT /F1 12 Tf 20 120 Td (Items published: 120) Tj ET"
)


def test_hand_written_pdf_with_text_layer() -> None:
    document = decode("tiny.pdf", _TEXT_PDF)
    assert document.format is InputFormat.PDF
    assert document.text == "Annual report 2023\nItems published: 120"


def test_pdf_without_text_layer_is_rejected() -> None:
    scanned = _pdf(b"0 0 1 rg 20 20 200 100 re f", with_font=False)
    assert detect_format(scanned) is InputFormat.PDF
    assert _rejection(scanned) == "scanned PDF without a text layer (OCR needed)"


def test_truncated_pdf_is_rejected() -> None:
    assert _rejection(_TEXT_PDF[: len(_TEXT_PDF) // 3]).startswith("truncated or damaged PDF: ")


def test_empty_and_whitespace_inputs_are_rejected() -> None:
    assert _rejection(b"") == "empty file"
    assert _rejection(b" \r\n\t\n") == "empty file"
    assert _rejection("\ufeff\u3000\n".encode()) == "empty file"


def test_binary_garbage_is_rejected() -> None:
    garbage = bytes(range(256)) * 20
    assert _rejection(garbage) == "binary file, not a report"
    assert _rejection(b"\x01\x02\x03\x04\x05" * 200 + "正文".encode()) == "binary file, not a report"


def test_known_non_report_formats_are_rejected_with_a_useful_reason() -> None:
    assert _rejection(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)) == (
        "legacy Word/Excel (.doc/.xls) file; save it as DOCX or PDF"
    )
    assert _rejection(b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl}}") == "RTF document; save it as DOCX or PDF"
    assert _rejection(b"\x89PNG\r\n\x1a\n" + bytes(100)) == "image file, not a text report (OCR needed)"
    assert _rejection(b"PK\x03\x04" + b"xl/workbook.xml" + bytes(100)) == (
        "ZIP archive that is not a Word (DOCX) document"
    )


def test_utf16_without_bom_is_recognised_by_its_nul_bytes() -> None:
    text = "<html><body><p>一、总体情况</p><p>主动公开政府信息120条。</p></body></html>"
    document = decode("page.html", text.encode("utf-16-le"))
    assert document.encoding == "utf-16-le"
    assert document.text == "一、总体情况\n主动公开政府信息120条。"


def test_input_above_the_size_limit_is_rejected() -> None:
    assert MAX_INPUT_BYTES == 50 * 1024 * 1024
    assert _rejection(b" " * (MAX_INPUT_BYTES + 1)) == "file is 50.0 MB, above the 50 MB limit"


def test_size_limit_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode_module, "MAX_INPUT_BYTES", 3 * 1024 * 1024)
    assert _rejection(b"x" * (7 * 1024 * 1024)) == "file is 7.0 MB, above the 3 MB limit"


def test_document_fields() -> None:
    data = "第一行\r\n第二行，正文\r\n".encode("gb18030")
    document = decode("a/b.txt", data)
    assert document.path == "a/b.txt"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.format is InputFormat.TEXT
    assert document.encoding == "gb18030"
    assert document.text == "第一行\n第二行,正文\n"
    assert document.warnings == ()


def test_big5_text_without_declaration_is_read_and_simplified() -> None:
    data = "張掖市統計局2023年政府信息公開工作年度報告。\n一、總體情況。".encode("big5")
    document = decode("big5.txt", data)
    assert document.encoding == "big5hkscs"
    assert document.text == "张掖市统计局2023年政府信息公开工作年度报告。\n一、总体情况。"
    assert "converted from Traditional characters" in document.warnings


def test_a_few_damaged_bytes_keep_utf8() -> None:
    data = "主动公开政府信息120条。".encode() * 20 + b"\xff" + "完。".encode()
    document = decode("damaged.txt", data)
    assert document.encoding == "utf-8"
    assert document.text.endswith("120条。\ufffd完。")
    assert document.warnings == ("1 invalid UTF-8 byte sequence(s) replaced",)


def test_text_mojibake_is_repaired() -> None:
    original = "（一）主动公开情况。2023年，某局主动公开信息120条：“三安全一稳定”。\n第二行，开展工作。\n"
    # what a browser-style GBK decoder (byte 0x80 is €) makes of UTF-8 bytes, saved again as UTF-8
    damaged = original.encode("utf-8").decode("gb18030", errors="ogikg-test-euro").encode("utf-8")
    document = decode("mojibake.txt", damaged)
    assert document.encoding == "utf-8"
    assert "mojibake repaired (UTF-8 read as GBK)" in document.warnings
    assert document.text.startswith("(一)主动公开情况")
    assert "某局主动公开信息120条:“三安全一稳定”" in document.text
    assert document.text.count("\n") == 2


def _euro_for_0x80(error: UnicodeError) -> tuple[str, int]:
    """Byte 0x80 is €; an undecodable pair becomes '?' (an ASCII second byte is kept)."""
    assert isinstance(error, UnicodeDecodeError)
    data, start = error.object, error.start
    if data[start] == 0x80:
        return "€", start + 1
    if start + 1 < len(data) and data[start + 1] >= 0x80:
        return "?", start + 2
    return "?", start + 1


codecs.register_error("ogikg-test-euro", _euro_for_0x80)


def test_format_is_detected_from_content_not_name() -> None:
    assert detect_format(_TEXT_PDF) is InputFormat.PDF
    assert detect_format("<p>正文</p>".encode()) is InputFormat.HTML
    assert detect_format('{"title": "年度报告"}'.encode()) is InputFormat.JSON
    assert detect_format("一、总体情况\n规章 | 0 | 0 | 0\n".encode()) is InputFormat.TEXT
    assert decode("report.pdf", "一、总体情况".encode()).format is InputFormat.TEXT


# --- the shared corpus --------------------------------------------------------------------------


def test_every_seed_decodes_as_text_and_keeps_its_lines() -> None:
    seeds = sorted((shared_dir() / "corpus" / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        data = seed.read_bytes()
        document = decode(seed.name, data)
        assert document.format is InputFormat.TEXT, seed.name
        assert document.encoding == "utf-8"
        assert document.text.count("\n") == data.count(b"\n"), seed.name


def test_seed_004_becomes_simplified() -> None:
    seed = next((shared_dir() / "corpus" / "seeds").glob("004_*.txt"))
    document = decode(seed.name, seed.read_bytes())
    assert "张掖市统计局" in document.text
    assert "張掖" not in document.text
    assert "converted from Traditional characters" in document.warnings
    lines = document.text.split("\n")
    assert "(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||" in lines
    assert "(五)不予处理 | 1.信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |" in lines


def test_every_corpus_report_decodes() -> None:
    for path in sorted((shared_dir() / "corpus" / "reports").glob("r*.*")):
        if path.suffix == ".pdf":
            continue  # decoded in their own tests (slow)
        data = path.read_bytes()
        document = decode(path.name, data)
        if path.suffix == ".txt":
            assert document.format is InputFormat.TEXT, path.name
            assert document.text.count("\n") == data.count(b"\n"), path.name


def test_json_mojibake_export_is_repaired() -> None:
    document = decode("r0003.json", _report("r0003.json"))
    assert document.format is InputFormat.JSON
    assert "mojibake repaired (UTF-8 read as GBK)" in document.warnings
    lines = document.text.split("\n")
    assert lines[0] == "一、总体情况"
    assert "金湖县深入贯彻落实《条例》相关要求" in lines[1]
    assert "全县共收到政府信息公开申请 143 件,依法按期办结 143 件。" in document.text
    assert "六、其他需要报告的事项" in lines
    assert "锛" not in document.text and "銆" not in document.text


@pytest.mark.parametrize(
    ("name", "phrase", "reading"),
    [
        ("r0051.txt", "县自然资源局紧密结合自然资源和规划管理工作实际", "(jié)"),
        ("r0111.txt", "新荣区交通运输局2022年政府信息公开工作年度报告", "(qū)"),
        ("r0143.txt", "本年度报告由国家机关事务管理局根据", "(jī)"),
    ],
)
def test_inserted_pinyin_is_removed_from_garbled_traditional_copies(
    name: str, phrase: str, reading: str
) -> None:
    raw = _report(name).decode("utf-8")
    assert reading in raw
    document = decode(name, _report(name))
    assert phrase in document.text
    assert reading not in document.text
    assert "(guān)" not in document.text and "(jìn)" not in document.text


@pytest.mark.slow
def test_pdf_r0001_tables_come_out_as_pipe_rows() -> None:
    document = decode("r0001.pdf", _report("r0001.pdf"))
    assert document.format is InputFormat.PDF
    lines = document.text.split("\n")
    assert lines[0] == "洪泽区人民政府"
    assert lines[1] == "2023年政府信息公开工作年度报告"
    assert "行政许可 | 550" in lines
    assert "行政事业性收费 | 7730.28" in lines
    assert "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他" in lines
    assert "一、本年新收政府信息公开申请数量 | 21 | 0 | 0 | 0 | 0 | 0 | 21" in lines
    # the row label printed one character per line is rejoined
    assert "三、本年度办理结果 | (一)予以公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in lines
    assert "(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 4 | 0 | 0 | 0 | 0 | 0 | 4" in lines
    assert "10 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 5 | 0 | 0 | 0 | 0" in lines
    # wrapped paragraph lines are joined, the page number lines dropped
    assert "2023年,我区在政府网站平台主动公开政府信息1136条。" in document.text
    assert "- 1 -" not in lines


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "rows"),
    [
        (
            "r0002.pdf",
            [
                "行政规范性文件 | 3 | 0 | 8",
                "一、本年新收政府信息公开申请数量 | 95 | 0 | 0 | 0 | 0 | 0 | 95",
                "(七)总计 |  | 95 | 0 | 0 | 0 | 0 | 0 | 95",
            ],
        ),
        (
            "r0152.pdf",
            [
                "行政处罚 | 3985758",
                "(三)不予公开 | 1.属于国家秘密 | 2 | 0 | 0 | 0 | 0 | 0 | 2",
                "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
                " | 6 | 0 | 0 | 0 | 0 | 0 | 6",
                "72 | 64 | 178 | 37 | 351 | 13 | 4 | 8 | 1 | 26 | 12 | 1 | 1 | 6 | 20",
            ],
        ),
    ],
)
def test_other_real_pdfs(name: str, rows: list[str]) -> None:
    lines = decode(name, _report(name)).text.split("\n")
    for row in rows:
        assert row in lines


def _export(table_2: dict[str, object]) -> bytes:
    """A report parser's JSON export: prose sections as strings, table values under English keys."""
    sections = [
        {"title": "本县2023年政府信息公开工作年度报告", "type": "text", "content": ""},
        {"title": "一、总体情况", "type": "text", "content": "2023年,本县主动公开政府信息120条。"},
        {"title": "二、主动公开政府信息情况", "type": "table_2", "activeDisclosureData": table_2},
    ]
    return json.dumps({"report_id": 7, "sections": sections}, ensure_ascii=False).encode()


def test_json_export_field_names_tell_the_form() -> None:
    new_form = {"regulations": {"made": 0, "repealed": 0, "valid": 2}}
    document = decode("export.json", _export(new_form))
    assert document.export_fields == (
        "report_id", "sections", "title", "type", "content", "activeDisclosureData", "regulations",
        "made", "repealed", "valid",
    )  # fmt: skip
    report = convert_document(document)
    assert report.template is Template.FMT2021
    assert report.cells == ()  # the export's numbers are a parser's output: not read as cells
    assert any("field names of the JSON export (made, repealed, valid)" in w for w in report.warnings)
    # One generic field name alone ("valid") tells nothing.
    vague = convert_document(decode("export.json", _export({"regulations": {"valid": 2}})))
    assert vague.template is Template.NARRATIVE


def test_json_mojibake_export_follows_the_2021_form() -> None:
    report = convert_document(decode("r0003.json", _report("r0003.json")))
    assert report.template is Template.FMT2021


def test_page_footers_of_a_copied_pdf_are_blanked() -> None:
    """Text copied from a PDF keeps its page footers, even between the cells of a table printed one
    per line: read as cells, "— 3 —" and "第3页 共8页" would shift every cell after them."""
    text = "行政许可\n0\n— 3 —\n5\n第4页 共8页\n12\n- 5 -\n第 6 页\n3\n"
    document = decode("copied.txt", text.encode())
    assert document.text == "行政许可\n0\n\n5\n\n12\n\n\n3\n"  # blanked: line numbers stay
    assert "4 page footers blanked" in document.warnings
    # a bare number or "3/8" may be a cell: kept
    assert decode("cells.txt", "行政许可\n3\n3/8\n".encode()).text == "行政许可\n3\n3/8\n"


def test_running_headers_of_a_copied_pdf_are_blanked() -> None:
    """The title repeated at the top of every page, between the cells of a table printed one per
    line, would end the table there; it is blanked after its first line."""
    title = "某市统计局2020年政府信息公开工作年度报告"
    text = f"{title}\n一、总体情况\n行政许可\n0\n— 2 —\n{title}\n5\n{title}\n12\n"
    document = decode("copied.txt", text.encode())
    assert document.text == f"{title}\n一、总体情况\n行政许可\n0\n\n\n5\n\n12\n"
    assert "2 running page headers blanked" in document.warnings
    # a breadcrumb that names the section (…年报) is not the title; lines that are no title stay
    crawled = f"首页>政务公开>政府信息公开年报\n{title}\n正文\n{title}\n首页>政务公开>政府信息公开年报\n"
    assert (
        decode("page.txt", crawled.encode()).text
        == f"首页>政务公开>政府信息公开年报\n{title}\n正文\n\n首页>政务公开>政府信息公开年报\n"
    )
    plain = "首页 > 信息公开\n正文\n首页 > 信息公开\n"
    assert decode("page.txt", plain.encode()).text == plain
