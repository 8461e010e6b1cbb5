"""Character-level normalisation of decoded report text, and the matching key for printed labels.

``normalise_text`` maps the many ways the same report is typed on the web to one form without ever
adding or removing a line (line numbers are provenance):

* full-width ASCII (U+FF01–U+FF5E) becomes ASCII — including ``（）：，；`` which become ``():,;``;
  both widths occur in the wild for the same label, and one form keeps the table reader simple.
  CJK punctuation outside that block (``、。“”《》``) is kept as printed;
* every kind of space (NBSP, U+3000, thin/figure spaces, tabs, ``&nbsp;`` left over from HTML)
  becomes an ASCII space, zero-width characters disappear, trailing spaces are stripped;
* Kangxi radicals and compatibility ideographs that PDF text layers produce (``⼀`` for ``一``)
  become the ordinary ideographs; ``㈠`` becomes ``(一)``, ``⑴`` ``(1)``, ``⒈`` ``1.``
  (circled ``①`` is kept: it is a numbering style of its own);
* pinyin readings inserted after characters by some mirror sites (``機(jī)關(guān)``) are removed;
* dates in Chinese numerals become digits (``二〇二一年一月二十日`` → ``2021年1月20日``);
* Traditional characters become Simplified (OpenCC ``hk2s``: ``t2s`` plus Hong Kong variant
  forms) when ``is_traditional`` says the text is written in Traditional characters — never on
  the strength of a few shared characters.

Quote marks are kept as printed; ``label_key`` ignores them. ``其它`` and ``其他`` stay distinct
(both are legitimate words; the catalogue lists the variants it accepts).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

# --- character tables ---------------------------------------------------------------------------


def _width_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = chr(code - 0xFEE0)
    for code in (0xFF5F, 0xFF60):  # full-width white parentheses ⦅⦆
        table[code] = "()"[code - 0xFF5F]
    # Kangxi radicals, CJK radicals supplement, compatibility ideographs, small and vertical
    # forms: PDF text layers and some editors emit these instead of ordinary characters.
    for start, end in ((0x2E80, 0x2EF4), (0x2F00, 0x2FD6), (0xF900, 0xFB00), (0xFE10, 0xFE20)):
        for code in range(start, end):
            folded = unicodedata.normalize("NFKC", chr(code))
            if folded != chr(code):
                table[code] = folded
    for code in range(0xFE30, 0xFE70):
        folded = unicodedata.normalize("NFKC", chr(code))
        if folded != chr(code) and folded.strip():
            table[code] = folded
    # Folded results may themselves be full-width (e.g. vertical forms → （ ); fold them again.
    for code, folded in list(table.items()):
        if folded:
            table[code] = "".join(
                chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in folded
            )
    # Spaces of every width → ASCII space; zero-width characters → nothing.
    for code in (0x09, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
        table[code] = " "
    for code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xAD, 0x180E):
        table[code] = None
    # Line separators other than \n would change what str.splitlines() sees: make them spaces.
    for code in (0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029):
        table[code] = " "
    # Other C0/C1 control characters carry nothing readable.
    for code in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)):
        table[code] = None
    # Enclosed numbering that NFKC would also unfold; ① … ⑳ are kept on purpose.
    for index, numeral in enumerate("一二三四五六七八九十"):
        table[0x3220 + index] = f"({numeral})"  # ㈠ … ㈩
    for index in range(20):
        table[0x2474 + index] = f"({index + 1})"  # ⑴ … ⒇
        table[0x2488 + index] = f"{index + 1}."  # ⒈ … ⒛
    return table


_WIDTH_TABLE = str.maketrans(_width_table())
_WIDTH_MAP: dict[str, str] = {chr(code): (folded or "") for code, folded in _width_table().items()}
# str.translate costs ~150 ns per character on CJK text, too slow for the common path: the most
# frequent variants are replaced with str.replace, and a single regex scan finds any rarer one.
_FREQUENT = (
    ("，", ","),
    ("：", ":"),
    ("（", "("),
    ("）", ")"),
    ("；", ";"),
    ("\u3000", " "),
    ("\xa0", " "),
    ("\t", " "),
    ("？", "?"),
    ("！", "!"),
)
_RARE_CLASS = "".join(re.escape(ch) for ch in _WIDTH_MAP)
_RARE = re.compile(f"[{_RARE_CLASS}]")

_ENTITY_LEFTOVER = re.compile(r"&(?:amp;)?(?:nbsp|ensp|emsp|thinsp|#160|#xa0|#12288|#x3000);?", re.IGNORECASE)
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin reading in parentheses straight after a CJK character; at least one tone mark is
# required so that ordinary bracketed Latin text such as "(AQI)" is never touched.
_PINYIN_READING = re.compile(
    rf"\((?<=[\u3400-\u9fff]\()(?=[a-zü]*[{_TONE_VOWELS}])[a-zü{_TONE_VOWELS}]{{1,7}}\)"
)
_TONE_PROBE = re.compile(rf"[{_TONE_VOWELS}]\)")
_SPECIAL = re.compile(f"[{_RARE_CLASS}{_TONE_VOWELS}]")
_TRAILING_SPACES = re.compile(r" +$", re.MULTILINE)


# --- Traditional → Simplified ------------------------------------------------------------------


@functools.cache
def _simplifier() -> opencc.OpenCC:
    # hk2s is t2s after mapping Hong Kong variant forms (衞, 敍, 衹, 粧) to the standard ones,
    # which t2s alone leaves as they are.
    return opencc.OpenCC("hk2s")


# Characters t2s changes that are also ordinary Simplified characters in some words (乾隆, 於菟,
# 慰藉, 瞭望): they never count as evidence that a text is written in Traditional characters.
_SHARED_WITH_SIMPLIFIED = "乾於藉瞭著夥甦"


@functools.cache
def _traditional_characters() -> tuple[re.Pattern[str], dict[int, str]]:
    """Characters that t2s changes on their own, as a search pattern and a translate table."""
    ideographs = "".join(chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)))
    simplified = _simplifier().convert(ideographs)
    table: dict[int, str] = {}
    if len(simplified) == len(ideographs):
        table = {ord(a): b for a, b in zip(ideographs, simplified, strict=True) if a != b}
    evidence = sorted(code for code in table if chr(code) not in _SHARED_WITH_SIMPLIFIED)
    pattern = re.compile("[" + "".join(re.escape(chr(c)) for c in evidence) + "]")
    return pattern, table


# A text counts as Traditional when at least this share of its non-ASCII characters are ones t2s
# changes. Traditional reports score 25–35 %; Simplified ones stay below 0.2 %.
_TRADITIONAL_SHARE = 0.05
_TRADITIONAL_MIN_COUNT = 3
_SAMPLE_CHARS = 6000


def is_traditional(text: str) -> bool:
    """Whether ``text`` is written in Traditional characters (decided on the share, not presence)."""
    sample = text if len(text) <= _SAMPLE_CHARS else text[:_SAMPLE_CHARS] + text[-_SAMPLE_CHARS // 3 :]
    pattern, _ = _traditional_characters()
    changed = len(pattern.findall(sample))
    if changed < _TRADITIONAL_MIN_COUNT:
        return False
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    return changed / non_ascii >= _TRADITIONAL_SHARE


def to_simplified(text: str) -> str:
    """OpenCC hk2s, line by line if the converter ever changed the number of lines."""
    converted = _simplifier().convert(text)
    if converted.count("\n") == text.count("\n"):
        return converted
    return "\n".join(_simplifier().convert(line) for line in text.split("\n"))


# --- dates in Chinese numerals --------------------------------------------------------------------

_CHINESE_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# 二〇二一年一月二十日: a year of 19xx or 20xx, then maybe its month and day.
_CHINESE_DATE = re.compile(
    r"(?P<year>(?:一九|二[〇○零])[〇○零一二三四五六七八九]{2})年"
    r"(?:(?P<month>十[一二]?|[一二三四五六七八九])月(?:(?P<day>三十[一]?|二?十[一二三四五六七八九]?|[一二三四五六七八九])日)?)?"
)


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return _CHINESE_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def _arabic_date(match: re.Match[str]) -> str:
    date = "".join(str(_CHINESE_DIGITS[c]) for c in match["year"]) + "年"
    if match["month"]:
        date += f"{_chinese_number(match['month'])}月"
        if match["day"]:
            date += f"{_chinese_number(match['day'])}日"
    return date


# --- whole-document normalisation -------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Normalise widths, spaces, numbering glyphs, pinyin readings and script; keeps line count."""
    return normalise_with_notes(text)[0]


def normalise_with_notes(text: str) -> tuple[str, tuple[str, ...]]:
    """``normalise_text`` plus human-readable notes on the conversions worth reporting."""
    notes: list[str] = []
    if "&" in text:
        text = _ENTITY_LEFTOVER.sub(" ", text)
    for variant, replacement in _FREQUENT:
        if variant in text:
            text = text.replace(variant, replacement)
    special = set(_SPECIAL.findall(text))
    if special:
        if not special.issubset(_TONE_VOWELS):
            text = _RARE.sub(_fold_match, text)
        if _TONE_PROBE.search(text):
            text, readings = _PINYIN_READING.subn("", text)
            if readings:
                notes.append(f"{readings} inserted pinyin reading(s) removed")
    if is_traditional(text):
        text = to_simplified(text)
        notes.append("converted from Traditional characters")
    if "年" in text and _CHINESE_DATE.search(text):
        text = _CHINESE_DATE.sub(_arabic_date, text)
    if " \n" in text or text.endswith(" "):
        text = _TRAILING_SPACES.sub("", text)
    return text, tuple(notes)


def _fold_match(match: re.Match[str]) -> str:
    return _WIDTH_MAP[match.group()]


# --- labels -------------------------------------------------------------------------------------

_NUMBERING = re.compile(
    r"""^\s*(?:
        [一二三四五六七八九十]{1,3}\s*[、.．]                 # 一、  十五、
      | [(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*[、.．]?  # （一） (一)、
      | [(（]\s*\d{1,2}\s*[)）]\s*[、.．]?                   # (1) （1）
      | \d{1,2}\s*(?:[、．]|\.(?!\d))                        # 1. 1、 1． (not 1.5)
      | [\u2460-\u2473\u2474-\u2487]                         # ① ⑴
      | [\u2488-\u249b]                                      # ⒈
      | [\u3220-\u3229]                                      # ㈠
    )\s*""",
    re.VERBOSE,
)


def strip_numbering(label: str) -> str:
    """Remove one leading item number: '（一）予以公开' → '予以公开', '1.属于…' → '属于…'."""
    match = _NUMBERING.match(label)
    if match is None or match.end() == len(label):
        return label.strip()
    return label[match.end() :].strip()


def _label_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for opening in "([{【〔〖［｛〈":
        table[ord(opening)] = "("
    for closing in ")]}】〕〗］｝〉":
        table[ord(closing)] = ")"
    for quote in "\"'“”‘’„‟「」『』＂＇″′`´«»‹›":
        table[ord(quote)] = None
    for comma in "、，,；;":
        table[ord(comma)] = ","
    for colon in "：:":
        table[ord(colon)] = ":"
    for slash in "／/":
        table[ord(slash)] = "/"
    for dash in "‐‑‒–—―－﹣−":
        table[ord(dash)] = "-"
    return table


_LABEL_TABLE = str.maketrans(_label_table())
_WHITESPACE = re.compile(r"\s+")
_TRAILING_PUNCTUATION = re.compile(r"[:,。.]+$")


def has_unclosed_bracket(text: str) -> bool:
    """More opening than closing round brackets, of either width: the text was cut inside them."""
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation as their half-width forms."""
    return text.translate(_WIDTH_TABLE)


@functools.lru_cache(maxsize=16384)
def label_key(label: str) -> str:
    """The key a printed label is matched on: simplified, unnumbered, no spaces, quotes or variants.

    ``label_key('3.危及“三安全一稳定”') == label_key('危及"三安全一稳定"')``; brackets of every
    kind become ``()``; ``、，,；;`` become ``,``; ``：`` becomes ``:``; a trailing colon or full
    stop is dropped; ``其它``/``其他`` are *not* unified. Characters are simplified one by one with
    the t2s character table (labels are too short for ``is_traditional`` to judge reliably).
    """
    text = to_halfwidth(label)
    if _TONE_PROBE.search(text):
        text = _PINYIN_READING.sub("", text)
    text = text.translate(_traditional_characters()[1])
    for _ in range(3):  # '三、(一)予以公开' carries two numbers
        stripped = strip_numbering(text)
        if stripped == text:
            break
        text = stripped
    text = _WHITESPACE.sub("", text).translate(_LABEL_TABLE).lower()
    return _TRAILING_PUNCTUATION.sub("", text)
