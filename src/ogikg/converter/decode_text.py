"""Bytes → str for text-like inputs (plain text, HTML, JSON): encodings and mojibake repair.

Order of evidence: byte-order mark; strict UTF-8 (valid UTF-8 with CJK content is practically never
anything else, even when a page declares GB2312); the charset the document declares; strict
GB18030 (superset of GB2312/GBK); Big5 when GB18030 only "works" by landing in private-use code
points; charset-normalizer; finally GB18030 with replacement characters. Garbled bytes are never
fatal: they become U+FFFD and a warning.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from ogikg.converter.model import RejectedInput

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels pages use for Chinese encodings → the Python codec that decodes all of them.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "euc-cn": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cp950": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode": "utf-8",
}

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,30})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,30})""")

# Share of U+FFFD among non-ASCII characters up to which a nearly-valid UTF-8 file is read as
# UTF-8 (a few damaged bytes) rather than re-interpreted as a legacy encoding.
_UTF8_DAMAGE_TOLERANCE = 0.02
# Share of control bytes (other than \t \n \r \f ESC) above which bytes are not text at all.
_CONTROL_BYTE_LIMIT = 0.01
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


@dataclass(frozen=True, slots=True)
class TextPayload:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first 4 KB, as a Python codec name."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM shows up as NUL bytes on one side of every ASCII character."""
    head = data[:4096]
    if len(head) < 8:
        return None
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = len(head) // 2
    # (a CJK character whose low byte is 0, such as 一 U+4E00, puts the odd NUL on the other side)
    if odd_nuls > 0.3 * half and even_nuls * 8 < odd_nuls:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls * 8 < even_nuls:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16) or many control bytes: not a text document."""
    head = data[:16384]
    if _bom(head) is not None or _bomless_utf16(head) is not None:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > _CONTROL_BYTE_LIMIT * len(head)


def _decode_with_damage(data: bytes, encoding: str) -> tuple[str, tuple[str, ...]]:
    text = data.decode(encoding, errors="replace")
    damaged = text.count("\ufffd")
    if damaged:
        return text, (f"{damaged} undecodable byte sequence(s) replaced ({encoding})",)
    return text, ()


def bytes_to_text(data: bytes, declared: str | None = None) -> TextPayload:
    """Decode text-like bytes; raises RejectedInput when they are not text at all."""
    bom = _bom(data)
    if bom is not None:
        encoding, skip = bom
        text, warnings = _decode_with_damage(data[skip:], encoding)
        return TextPayload(text, encoding, warnings)
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        text, warnings = _decode_with_damage(data, utf16)
        return TextPayload(text, utf16, warnings)
    try:
        return TextPayload(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    non_ascii = len(lenient) - len(lenient.encode("ascii", "ignore"))
    if damaged <= _UTF8_DAMAGE_TOLERANCE * non_ascii:
        return TextPayload(lenient, "utf-8", (f"{damaged} invalid UTF-8 byte sequence(s) replaced",))
    if declared is not None and declared != "utf-8":
        try:
            return TextPayload(data.decode(declared), declared)
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if not _mostly_private_use(text):
            return TextPayload(text, "gb18030")
        try:
            return TextPayload(data.decode("big5hkscs"), "big5hkscs", ("read as Big5",))
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        encoding = codecs.lookup(best.encoding).name
        text, warnings = _decode_with_damage(data, encoding)
        return TextPayload(text, encoding, (f"encoding guessed as {encoding}", *warnings))
    text, warnings = _decode_with_damage(data, declared or "gb18030")
    if text.count("\ufffd") > 0.05 * len(text):
        raise RejectedInput("binary file, not a report")
    return TextPayload(text, declared or "gb18030", warnings)


def _mostly_private_use(text: str) -> bool:
    """GB18030 accepts Big5 bytes, but Big5 punctuation lands in GBK's user-defined area."""
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return non_ascii > 0 and len(_PRIVATE_USE.findall(text)) > 0.005 * non_ascii


# --- mojibake: UTF-8 bytes that were decoded as GBK and saved again -----------------------------

# 锛 銆 are what the UTF-8 bytes of full-width and CJK punctuation (，：（）、。《》) become when
# read as GBK; 涓 鍏 鐨 鏄 are the lead pairs of 一/中/不/上, 公/关/其, 的, 是. All are rare in real
# text, so their density marks the damage cheaply.
_MOJIBAKE_MARKERS = ("锛", "銆", "涓", "鍏", "鐨", "鏄")
_MOJIBAKE_MIN_MARKERS = 3

# GBK double-byte codes that GB18030-2005 (Python's codec) maps elsewhere, but that GBK decoders
# of the GB18030-2000 lineage map to these private-use code points (needed to re-encode them).
_GBK_PRIVATE_USE = {
    **{0xE766 + i: bytes([0xA2, 0xAB + i]) for i in range(6)},
    0xE76C: b"\xa2\xe3",
    0xE76D: b"\xa2\xe4",
    0xE76E: b"\xa2\xef",
    0xE76F: b"\xa2\xf0",
    0xE770: b"\xa2\xfd",
    0xE771: b"\xa2\xfe",
    **{0xE772 + i: bytes([0xA4, 0xF4 + i]) for i in range(11)},
    **{0xE77D + i: bytes([0xA5, 0xF7 + i]) for i in range(8)},
    **{0xE785 + i: bytes([0xA6, 0xB9 + i]) for i in range(8)},
}


def _gbk_as_decoded(error: UnicodeError) -> tuple[bytes, int]:
    """Encode error handler: give back the bytes a lenient GBK decoder turned into these chars."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = bytearray()
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if char == "€":  # byte 0x80 in the GBK of Windows and browsers
            out += b"\x80"
        elif code in _GBK_PRIVATE_USE:
            out += _GBK_PRIVATE_USE[code]
        else:
            try:
                out += char.encode("gb18030")
            except UnicodeEncodeError:
                out += b"?"
    return bytes(out), error.end


codecs.register_error("ogikg-gbk-as-decoded", _gbk_as_decoded)


def has_mojibake(text: str) -> bool:
    """Cheap test for UTF-8-read-as-GBK damage."""
    markers = sum(text.count(marker) for marker in _MOJIBAKE_MARKERS)
    return markers >= _MOJIBAKE_MIN_MARKERS and markers * 200 >= len(text)


def repair_mojibake(text: str) -> str | None:
    """Undo UTF-8-read-as-GBK damage; None when the repair does not make the text better.

    Bytes the damaging decoder swallowed (an incomplete character followed by one ASCII byte, shown
    as ``?``) cannot be recovered; they stay as U+FFFD.
    """
    raw = text.encode("gbk", errors="ogikg-gbk-as-decoded")
    repaired = raw.decode("utf-8", errors="replace")
    before = sum(text.count(marker) for marker in _MOJIBAKE_MARKERS)
    after = sum(repaired.count(marker) for marker in _MOJIBAKE_MARKERS)
    non_ascii = len(repaired) - len(repaired.encode("ascii", "ignore"))
    if after * 4 > before or repaired.count("\ufffd") > 0.1 * non_ascii + 2:
        return None
    return repaired


def unify_newlines(text: str) -> str:
    """CRLF and lone CR become LF: a line of the decoded text is a line as editors show it."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
