"""Regular expressions for the metadata of a report page, compiled once.

These recognise the *layout* of report pages (title lines, 索引号/发布日期 header fields, statistics
periods, self-references such as 我局) — not the ontology's vocabulary: agency-kind endings come
from ``agency-kinds.ttl`` and narrative figures from ``narrative.ttl``.
"""

from __future__ import annotations

import re

CJK = "\u4e00-\u9fff"
YEAR = r"(?:19|20)\d{2}"

# "…政府信息公开工作年度报告" and its variants (政务公开, 信息公开工作的年度报告, 年报, 工作报告).
REPORT_WORDS = r"(?:(?:政府|政务)?信息公开|政务公开)(?:工作)?(?:的)?(?:年度)?(?:工作)?(?:报告|年报)"

# A title: [agency] YEAR年(度) [agency] 政府信息公开…报告. ``pre``/``mid`` hold the agency part.
TITLE = re.compile(
    rf"(?P<pre>[^。;]*?)(?:关于)?(?P<year>{YEAR})\s*年(?:度)?\s*(?P<mid>[^。;,]*?)(?:关于)?\s*"
    rf"(?:(?:政府|政务)?信\s*息\s*公\s*开|政务公开)"
)
# …政府信息公开工作年度报告(2020年度): the year after the title words.
TITLE_YEAR_AFTER = re.compile(
    rf"(?P<pre>[^。;]*?)(?:关于)?(?:(?:政府|政务)?信息公开|政务公开)(?:工作)?(?:的)?(?:年度)?(?:工作)?(?:报告|年报)"
    rf"\s*[(（]\s*(?P<year>{YEAR})\s*年?(?:度)?\s*[)）]"
)
# …政府信息公开工作2022年度报告: the year inside the title words.
TITLE_YEAR_INSIDE = re.compile(
    rf"(?P<pre>[^。;]*?)(?:关于)?(?:(?:政府|政务)?信息公开|政务公开)(?:工作)?\s*(?P<year>{YEAR})\s*年(?:度)?\s*"
    r"(?:工作)?(?:报告|年报)"
)
TITLE_LINE = re.compile(rf"{REPORT_WORDS}|(?:政府|政务)?信息公开(?:工作)?$|年度报告")
# The title continues on the next line when a line breaks inside it (…政府信息 / 公开工作年度报告).
TITLE_TAIL = re.compile(r"^\s*(?:公开)?(?:工作)?(?:的)?(?:年度)?(?:工作)?(?:报告|年报)")

# Sentences that name the reporting body: 现公布X2023年…报告, 由X编制, 现将X2023年…报告.
_ANNOUNCE = r"(?:现(?:予)?(?:向社会)?(?:公布|发布|公开)|现将|特(?:向社会)?(?:公布|编制|发布)|编制|发布)\s*《?"
ANNOUNCE_BEFORE_YEAR = re.compile(
    rf"{_ANNOUNCE}(?P<name>[^。;,《》\s]{{2,40}}?)\s*(?P<year>{YEAR})\s*年(?:度)?\s*(?:政府|政务)?(?:信息)?公开"
)
ANNOUNCE_AFTER_YEAR = re.compile(
    rf"{_ANNOUNCE}(?P<year>{YEAR})\s*年(?:度)?\s*(?!政府信息|政务|信息公开)(?P<name>[{CJK}()]{{2,40}}?)\s*"
    r"(?:政府|政务)?(?:信息)?公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
)
COMPILED_BY = re.compile(
    r"由\s*(?P<name>[^。;《》\s]{2,40}?)\s*"
    r"(?:综合各项数据|根据[^。;]{0,120}?|依据[^。;]{0,120}?|负责组织|负责|结合[^。;]{0,40}?|组织)?编制"
)
CONTACT = re.compile(
    r"(?:请与|请联系|直接与|可与|可致电)\s*[:：]?\s*(?P<name>[^。;《》\s:：]{2,40}?)(?:联系|\(|,|。)"
)
# 北京市环境保护局(以下简称"我局"): the name is the run of characters before the parenthesis.
ALIAS = re.compile(r"\((?:以下简称|下称|简称)\s*[“\"]?(?:我|本)[局委厅办区县市镇乡处]")
FILLED_BY = re.compile(r"(?:填报单位|报送单位|编制单位)\s*[:：]\s*(?P<name>[^\s|,。;]{2,40})")

# Header fields of a page dump, a CMS metadata block or a wiki infobox ("索 引 号:", "发布机构 |").
HEADER_FIELD = re.compile(
    r"(?P<label>标\s*题|名\s*称|中文名|发布机构|发布单位|发文机关|发文单位|来\s*源|文章来源|信息来源|所属机构)"
    r"\s*(?:[:：]|\s\|)\s*\|?\s*(?P<value>[^|\s][^|]*?)"
    r"(?=\s*\||\s*$|\s{2,}|\s+[^\s:：|]{1,6}[:：])"
)
HEADER_LABEL_ALONE = re.compile(r"(?P<label>发布机构|发布单位|发文机关|来\s*源)\s*[:：]\s*$")
YEAR_IN_NAME = re.compile(rf"^(?:(?:{YEAR})?\s*年(?:度)?)")

INDEX_LABEL = re.compile(r"索\s*引\s*号")
INDEX_VALUE = re.compile(r"[:：|\s•·]*(?P<value>[0-9A-Za-z][0-9A-Za-z-]{3,24}/[0-9A-Za-z-]{2,24})")
INDEX_VALUE_PLAIN = re.compile(
    r"[:：|\s•·]*(?P<value>(?=[A-Za-z-]*\d)[0-9A-Za-z][0-9A-Za-z-]{5,40})(?![0-9A-Za-z/])"
)
USCC_LABEL = re.compile(r"统一社会信用代码\s*[:：|]?\s*(?P<value>[0-9A-Z]{18})(?![0-9A-Z])")
SOURCE_URL = re.compile(
    r"(?:原文链接|原文地址|原文网址|来源链接|页面地址)\s*[:：|]\s*(?P<url>https?://[^\s|]+)"
)

# Publication dates. Labels in order of preference; 填报日期 with a missing year yields nothing.
DATE = rf"(?P<y>{YEAR})\s*(?:-|/|\.|年)\s*(?P<m>\d{{1,2}})\s*(?:-|/|\.|月)\s*(?P<d>\d{{1,2}})"
PUBLISHED_LABELLED = (
    re.compile(rf"(?:发布日期|发布时间|发表时间|发表日期|公开日期|发布于)\s*[:：|]?\s*\|?\s*{DATE}"),
    re.compile(rf"(?:日期|时间)(?<![效止至计期]..)\s*[:：|]\s*\|?\s*{DATE}"),
    re.compile(rf"(?:发文日期|成文日期|发文时间|印发日期)\s*[:：|]?\s*\|?\s*{DATE}"),
)
DATE_LINE = re.compile(rf"^[\s(（]*{DATE}\s*日?\s*[)）]?\s*$")
# A signature line: 衢州市统计局 2018年1月20日
SIGNED_DATE_LINE = re.compile(rf"^\s*[{CJK}()]{{2,30}}\s+{DATE}\s*日\s*$")
DATE_FIELD_INCOMPLETE = re.compile(r"(?:填报日期|报送日期|日期)\s*[:：]\s*(?:\d{0,3}\s*年)")

# Statistics period: 自2017年1月1日至12月31日; copies lose 年/月 ("自202011日起至20201231日止").
PERIOD_START = re.compile(
    rf"(?P<y>{YEAR})\s*年?\s*0?1\s*月?\s*0?1\s*日?\s*(?:起|开始|始)?\s*(?:至|到|-|—|–|~|〜)"
)
PERIOD_END = re.compile(rf"(?:截至|截止|核定时间点为|时间点为)\s*(?P<y>{YEAR})\s*年\s*12\s*月\s*31\s*日")
OPENING_YEAR = re.compile(
    rf"^[ \t]*(?:[一二三四五六七八九十]+、|\(\S{{1,2}}\))?\s*(?P<y>{YEAR})\s*年(?:度)?(?:以来)?\s*[,，]", re.M
)
ANY_YEAR = re.compile(rf"(?<![\d〔\[(])(?P<y>{YEAR})\s*年(?!\d{{1,2}}月\d)")

# 2023年,金湖县深入贯彻…: a report that opens with a place as its subject speaks for that place.
OPENING_SUBJECT = re.compile(rf"^\s*(?:{YEAR})\s*年(?:度)?\s*[,，]\s*(?P<place>[{CJK}]{{2,16}})", re.M)

# A report naming its own body: 我局, 本局, 我区, 我委, 我县, 本机关 …
SELF_REFERENCE = re.compile(r"(?:我|本)(?P<kind>局|委|厅|办|区|县|市|省|镇|乡|街道|机关|中心|单位)")

# Whole-government summary (汇总) reports compiled from subordinate bodies' reports.
SUMMARY = (
    re.compile(r"各[^。]{0,80}?的政府信息公开(?:工作)?年度(?:工作)?报告(?:的基础上)?(?:编制|汇总|综合)"),
    re.compile(r"(?:综合|汇总)[^。]{0,80}?各[^。]{0,80}?(?:年度(?:工作)?报告|统计数据|情况)(?:编制|汇总)"),
    re.compile(r"(?:本|全)(?:市|省|区|县)各级(?:政府|行政机关|人民政府)"),
    re.compile(r"各地各部门"),
)
# A development zone that reports for its whole area speaks of itself as 我区 and of the zone's
# departments (区直各部门, 全区); one led by a district's 区委区政府 is a body of that district.
ZONE_WIDE = re.compile(r"我区|各(?:部门|单位)|全区")
# 在区委、区政府的正确领导下, 落实区政府关于…要求: the report's body answers to that government.
SUPERIOR_GOVERNMENT = re.compile(
    r"(?P<rel>[省市区县])委[、,和及]?\s*(?P=rel)(?:人民)?政府[^。;]{0,10}领导|落实(?P<rel2>[省市区县])(?:人民)?政府"
)

# A department's own government, named by its level alone: 在区委、区政府的领导下, 利用县政府网站.
OWN_GOVERNMENT = re.compile(  # opens with the character set, which the engine scans for fast
    r"(?P<rel>[省区县])(?<![各、和及与].)(?:委[、,和及]?\s*(?P=rel)(?:人民)?政府|(?:人民)?政府(?:门户)?网站)"
)

# Reports that never name their body (metadata_unnamed): 卢湾、宝山、嘉定、松江等区县 lists the
# subdivisions of the area; 全市 and 各县(市)区 say which area it speaks for and what lies in it.
# The list is read backwards from the 等 that closes it (scanning for lists everywhere is slow).
LISTED_SUBDIVISIONS_END = re.compile(
    r"等(?:\d+个)?(?:区县|县区|县\(市、区\)|县\(市\)区|县市区|地市|市州|区|县|市)"
)
LISTED_SUBDIVISIONS = re.compile(rf"(?P<list>[{CJK}]{{2,6}}(?:、[{CJK}]{{2,6}})+)$")
WHOLE_AREA = re.compile(r"(?:全|本|我)(?P<rel>[省市县区])(?!场)")
SUBDIVISIONS = re.compile(
    r"各(?:(?P<county_cities>县\(市\)区|县\(市、区\)|县\(市\)|县市区)"
    r"|(?P<prefectures>市\(州\)|市州|市\(地\)|地市|设区市)"
    r"|(?P<townships>乡镇|乡\(镇\)|镇\(街道\)|镇\(街\)|镇街|街道))"
)
# 2024年,园区认真贯彻…: the words that open the first sentence after the year.
OPENING_WORDS = re.compile(rf"^\s*(?:{YEAR})\s*年(?:度)?\s*[,，]\s*(?P<words>[{CJK}]{{2,6}})", re.M)

# 《市人民政府办公室关于…的通知》(随政办发[2012]49号), 区政府办公室通知(临政办发〔2009〕15号):
# a government named by its level, and the abbreviation of its place opening the number.
DOCUMENT_NUMBER = re.compile(rf"[(（]\s*[{CJK}]政(?:办)?[发字函]")  # located first: cheap to scan for
ISSUED_DOCUMENT = re.compile(
    rf"(?P<rel>[省市区县])(?:人民)?政府(?:办公厅|办公室)?"
    rf"(?:《[^》]{{0,60}}》|[^《》()。;]{{0,60}}?》|[^《》()。;]{{0,20}}?)"
    rf"\s*[(（]\s*(?P<abbr>[{CJK}])政(?:办)?[发字函]"
)

# “中国永嘉”县政府门户网站: a government web site named after its place.
SITE_OF_GOVERNMENT = re.compile(
    rf"“(?P<site>[{CJK}]{{2,12}})”\s*(?P<rel>[省市区县])(?:人民)?政府(?:门户)?网站"
)

# Mirror sites replace place names with gambling/lottery site names or domains. The expressions
# open with literals so that scanning a whole text stays cheap.
SPAM = re.compile(
    r"(?:体育(?:投注|官网|备用|app|亚洲|平台)|体育(?<=\d体育)|明升体育|皇冠体育|博彩|彩网|竞彩|足彩|福彩|体彩|葡京|"
    r"娱乐平台|娱乐城|棋牌|赌场|威尼斯人|开云|九游|华体会|亚博|博天堂|app下载|BET\d|bet\d|Bet\d|中学官网)"
    r"(?:官网|官方网站|网站|平台|入口|网)?"
)
# A bare domain glued to a place name (puroview.com沙头镇), unlike URLs in parentheses.
SPAM_DOMAIN = re.compile(r"\.(?:com|net|cc)(?=[" + CJK + r"])")
SPAM_DOMAIN_NAME = re.compile(r"(?<![\w./@:-])[a-z0-9-]{3,}$")
# Pinyin readings inserted by some mirror sites after characters: 结(jié)合.
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
NAME_JUNK = re.compile(rf"[^{CJK}()]")
RELATIVE_PREFIX = re.compile(r"^(?:本|我)?(?P<rel>省|市|区|县)(?=[" + CJK + r"])")
