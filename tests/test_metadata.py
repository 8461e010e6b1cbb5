"""Report metadata (agency, area, level, year, dates, 索引号, USCC) on real reports and small fixtures.

Real texts are read from ../shared/corpus through the converter's own decoder; none are copied here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ogikg.converter.metadata import extract_metadata
from ogikg.converter.metadata_kinds import agency_kinds
from ogikg.converter.model import Level, ReportMetadata
from ogikg.converter.normalise import normalise_text
from shared import corpus_text as _text


def _metadata(name: str) -> ReportMetadata:
    return extract_metadata(_text(name), name)


def _at(text: str, metadata: ReportMetadata, field: str) -> str:
    span = metadata.evidence[field]
    return text.split("\n")[span.line - 1][span.start : span.end]


# --- the five seeds -----------------------------------------------------------------------------


def test_seed_000_quzhou_statistics_2017() -> None:
    metadata = _metadata("000_")
    agency = metadata.agency
    assert agency is not None
    assert (agency.name, agency.body, agency.kind, agency.adcode, agency.level) == (
        "衢州市统计局",
        "统计局",
        "statistics",
        "330800",
        Level.PREFECTURE,
    )
    assert agency.area_name == "浙江省衢州市"
    assert metadata.year == 2017
    assert metadata.published is None
    assert not metadata.is_summary
    assert _at(_text("000_"), metadata, "year") == "2017"


def test_seed_001_development_zone_named_only_as_我区_and_西区管委会() -> None:
    metadata = _metadata("001_")
    agency = metadata.agency
    assert agency is not None
    assert (agency.name, agency.body, agency.kind, agency.adcode, agency.level) == (
        "衢州市西区管委会",
        "西区管委会",
        "development-zone",
        "330800",
        Level.DEVELOPMENT_ZONE,
    )
    assert agency.printed_name == "西区管委会"  # 填报单位:西区管委会
    assert _at(_text("001_"), metadata, "agency") == "西区管委会"
    assert metadata.year == 2016
    assert metadata.published is None  # 填报日期: 年1月11日 — incomplete, so no date


def test_seed_002_chongqing_statistics_with_digits_lost_in_dates() -> None:
    text = _text("002_")
    metadata = extract_metadata(text, "002")
    agency = metadata.agency
    assert agency is not None
    assert (agency.name, agency.kind, agency.adcode, agency.level) == (
        "重庆市统计局",
        "statistics",
        "500000",
        Level.PROVINCE,
    )
    assert metadata.year == 2020
    assert metadata.published == dt.date(2021, 1, 29)
    assert metadata.title == "重庆市统计局2020年政府信息公开工作年度报告"
    assert _at(text, metadata, "agency") == "重庆市统计局"
    assert _at(text, metadata, "published") == "2021-01-29"


def test_seed_003_suzhou_statistics_2013_narrative_only() -> None:
    metadata = _metadata("003_")
    agency = metadata.agency
    assert agency is not None
    assert (agency.name, agency.adcode, agency.level, agency.kind) == (
        "宿州市统计局",
        "341300",
        Level.PREFECTURE,
        "statistics",
    )
    assert metadata.year == 2013
    assert metadata.published == dt.date(2014, 6, 20)


def test_seed_004_zhangye_statistics_traditional_characters() -> None:
    metadata = _metadata("004_")
    agency = metadata.agency
    assert agency is not None
    assert (agency.name, agency.adcode, agency.level, agency.kind) == (
        "张掖市统计局",
        "620700",
        Level.PREFECTURE,
        "statistics",
    )
    assert metadata.year == 2023
    assert metadata.published is None


# --- particular cases ---------------------------------------------------------------------------


def test_implied_area_prefix_is_completed_with_the_code_valid_in_the_year() -> None:
    metadata = _metadata("r0001")  # 洪泽区人民政府, 淮安 named in the text; 洪泽县 became 洪泽区 in 2016
    agency = metadata.agency
    assert agency is not None
    assert agency.printed_name == "洪泽区人民政府"
    assert (agency.name, agency.adcode, agency.level, agency.kind) == (
        "淮安市洪泽区人民政府",
        "320813",
        Level.COUNTY,
        "government",
    )
    assert metadata.year == 2023


def test_whole_government_summary_reports() -> None:
    for name, year in (("r0005", 2012), ("r0015", 2010)):
        metadata = _metadata(name)
        assert metadata.is_summary, name
        assert metadata.year == year
        assert metadata.agency is not None
        assert (metadata.agency.name, metadata.agency.adcode) == ("上海市人民政府", "310000")
    r0011 = _metadata("r0011")
    assert r0011.is_summary and r0011.year == 2009
    lishui = _metadata("r0059")
    assert lishui.is_summary and lishui.agency is not None and lishui.agency.adcode == "331100"
    anhui = _metadata("r0088")
    assert anhui.is_summary and anhui.agency is not None
    assert (anhui.agency.name, anhui.agency.adcode, anhui.agency.level) == (
        "安徽省人民政府",
        "340000",
        Level.PROVINCE,
    )
    assert not _metadata("000_").is_summary
    assert not _metadata("r0061").is_summary  # a county government office's own report


def test_mirror_copy_with_a_swapped_city_name_is_noticed_and_cleaned() -> None:
    metadata = _metadata("r0023")  # 中国体彩网,体彩网 where 淮安市 stood
    assert any("mirror-site" in warning for warning in metadata.warnings)
    assert metadata.agency is not None
    # The city is recovered from the bureau's own account “淮安公安微警务”, not guessed.
    assert (metadata.agency.name, metadata.agency.printed_name) == ("淮安市公安局", "公安局")
    assert metadata.agency.kind == "public-security"
    assert (metadata.agency.adcode, metadata.agency.level) == ("320800", Level.PREFECTURE)
    transport = _metadata("r0107")  # 淮安交通微信, 淮安交通服务热线
    assert transport.agency is not None
    assert (transport.agency.name, transport.agency.adcode) == ("淮安市交通运输局", "320800")
    town = _metadata("r0042")  # puroview.com where 永嘉县 stood; “中国永嘉”县政府门户网站
    assert town.agency is not None
    assert (town.agency.name, town.agency.adcode, town.agency.level) == (
        "永嘉县沙头镇人民政府",
        "330324",
        Level.TOWNSHIP,
    )
    for name in ("r0042", "r0095", "r0107", "r0112", "r0119", "r0148"):
        found = _metadata(name)
        assert any("mirror-site" in warning for warning in found.warnings), name
        if found.agency is not None:
            assert not any(junk in found.agency.name for junk in ("彩", "网", "com", "体育", "葡京")), name
    clean = _metadata("r0016")
    assert not any("mirror-site" in warning for warning in clean.warnings)


def test_index_number_and_uscc() -> None:
    r0093 = _metadata("r0093")
    assert r0093.index_number == "11330703307522110T/2021-45063"
    assert r0093.agency is not None and r0093.agency.uscc == "11330703307522110T"
    assert "uscc" in r0093.evidence
    r0014 = _metadata("r0014")  # an old 9-character organisation code, not a USCC
    assert r0014.index_number == "014416330/2018-04736"
    assert r0014.agency is not None and r0014.agency.uscc is None
    assert r0014.published == dt.date(2018, 2, 28)


def test_uscc_with_a_wrong_check_character_is_not_kept() -> None:
    text = (
        "索引号: 11341702486344515X/202110-00013\n"
        "宁国市商务局2020年政府信息公开工作年度报告\n"
        "发布时间: 2021-01-20\n"
    )
    metadata = extract_metadata(text, "fixture")
    assert metadata.index_number == "11341702486344515X/202110-00013"
    assert metadata.agency is not None and metadata.agency.uscc is None
    valid = extract_metadata(text.replace("515X/", "515H/"), "fixture")
    assert valid.agency is not None and valid.agency.uscc == "11341702486344515H"
    assert (valid.agency.name, valid.agency.kind, valid.agency.adcode) == (
        "宁国市商务局",
        "commerce",
        "341881",
    )
    assert valid.published == dt.date(2021, 1, 20)


def test_crawler_header_gives_source_url_and_publication_time() -> None:
    metadata = _metadata("r0153")
    assert metadata.source_url == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201204/t20120418_80716.htm"
    assert metadata.published == dt.date(2012, 4, 18)
    assert metadata.year == 2011
    assert metadata.is_summary  # compiled from the county's departments and townships


def test_date_line_at_the_end_is_the_publication_date() -> None:
    metadata = _metadata("r0070")
    assert metadata.published == dt.date(2014, 3, 25)
    assert metadata.year == 2013  # not the publication year


def test_title_and_signature_in_chinese_numerals() -> None:
    text = (
        "杭州市统计局二〇二〇年政府信息公开工作年度报告\n\n本局主动公开政府信息120条。\n\n"
        "杭州市统计局\n二〇二一年一月二十日\n"
    )
    metadata = extract_metadata(normalise_text(text), "fixture")
    assert (metadata.year, metadata.published) == (2020, dt.date(2021, 1, 20))


def test_publication_date_line_at_the_top_is_not_the_covered_year() -> None:
    metadata = _metadata("r0126")  # 上海市环境保护局 / 2013年2月6日 / … 2012年
    assert metadata.published == dt.date(2013, 2, 6)
    assert metadata.year == 2012


def test_covered_year_from_a_statistics_period_with_lost_digits() -> None:
    text = "本报告中所列数据的统计期限自202011日起至20201231日止。如对本报告有任何疑问,请与办公室联系。\n"
    assert extract_metadata(text, "fixture").year == 2020
    text = "本报告数据统计时限为202311日至1231\n一、总体情况\n"
    assert extract_metadata(text, "fixture").year == 2023
    text = "本报告中所列数据统计期限自201811日至20181231日截止。\n"
    assert extract_metadata(text, "fixture").year == 2018


def test_publication_year_is_not_taken_as_the_covered_year() -> None:
    text = "发布日期:2021-01-26\n某某县公安局政府信息公开工作年度报告\n2020年,我局认真贯彻落实《条例》。\n"
    metadata = extract_metadata(text, "fixture")
    assert metadata.year == 2020
    assert metadata.published == dt.date(2021, 1, 26)


def test_incomplete_filing_date_gives_no_date() -> None:
    text = "2016年,我区认真落实条例。\n填报单位:西区管委会 | ||\n填报日期: 年1月11日 |\n"
    assert extract_metadata(text, "fixture").published is None


def test_central_bodies() -> None:
    taihu = _metadata("r0129")
    assert taihu.agency is not None
    assert (taihu.agency.name, taihu.agency.level, taihu.agency.adcode, taihu.agency.kind) == (
        "水利部太湖流域管理局",
        Level.CENTRAL,
        None,
        "water",
    )
    jiguan = _metadata("r0143")  # pinyin readings inserted after every character
    assert jiguan.agency is not None
    assert (jiguan.agency.name, jiguan.agency.level) == ("国家机关事务管理局", Level.CENTRAL)


def test_township_bodies_take_the_county_code() -> None:
    metadata = _metadata("r0030")
    assert metadata.agency is not None
    assert (metadata.agency.name, metadata.agency.body, metadata.agency.level, metadata.agency.adcode) == (
        "重庆市九龙坡区二郎街道办事处",
        "二郎街道办事处",
        Level.TOWNSHIP,
        "500107",
    )
    # 建章路街道: no county named anywhere, but only one township in China has that name.
    unnamed_county = _metadata("r0024")
    assert unnamed_county.agency is not None
    assert (unnamed_county.agency.name, unnamed_county.agency.level, unnamed_county.agency.adcode) == (
        "建章路街道办事处",
        Level.TOWNSHIP,
        "610112",
    )


def test_relative_names_stay_unplaced_rather_than_guessed() -> None:
    metadata = _metadata("r0004")  # 区统计局, no district named
    assert metadata.agency is not None
    assert (metadata.agency.name, metadata.agency.level, metadata.agency.adcode) == (
        "区统计局",
        Level.COUNTY,
        None,
    )
    ambiguous = _metadata("r0101")  # 城中区 exists in 柳州 and 西宁; the excerpt names neither city
    assert ambiguous.agency is not None and ambiguous.agency.adcode is None
    assert any("城中区" in warning for warning in ambiguous.warnings)


def test_a_county_bureau_is_not_taken_for_the_ministry_it_mentions() -> None:
    metadata = _metadata("r0051")  # 县自然资源局 … 我局 … 自然资源部
    assert metadata.agency is not None
    assert (metadata.agency.name, metadata.agency.level, metadata.agency.kind) == (
        "县自然资源局",
        Level.COUNTY,
        "natural-resources",
    )


TITLES = [
    # title, name, kind, adcode, level
    (
        "北京市朝阳区人民政府2022年政府信息公开工作年度报告",
        "北京市朝阳区人民政府",
        "government",
        "110105",
        Level.COUNTY,
    ),
    (
        "2022年北京市朝阳区统计局政府信息公开工作年度报告",
        "北京市朝阳区统计局",
        "statistics",
        "110105",
        Level.COUNTY,
    ),
    (
        "朝阳区统计局2022年度政府信息公开工作年度报告",
        "朝阳区统计局",
        "statistics",
        None,
        Level.COUNTY,
    ),  # 北京 or 长春: the area is open, the level is not
    (
        "广州市越秀区人民政府北京街道办事处2020年政府信息公开工作年度报告",
        "广州市越秀区北京街道办事处",
        "sub-district",
        "440104",
        Level.TOWNSHIP,
    ),
    ("浦东新区2021年政府信息公开工作年度报告", "浦东新区人民政府", "government", "310115", Level.COUNTY),
    (
        "延边朝鲜族自治州人民政府2022年政府信息公开工作年度报告",
        "延边朝鲜族自治州人民政府",
        "government",
        "222400",
        Level.PREFECTURE,
    ),
    ("恩施州统计局2022年政府信息公开工作年度报告", "恩施州统计局", "statistics", "422800", Level.PREFECTURE),
    (
        "深圳市龙岗区住房和建设局2023年政府信息公开工作年度报告",
        "深圳市龙岗区住房和建设局",
        "housing-construction",
        "440307",
        Level.COUNTY,
    ),
    (
        "国家税务总局杭州市税务局2022年政府信息公开工作年度报告",
        "国家税务总局杭州市税务局",
        "taxation",
        "330100",
        Level.PREFECTURE,
    ),
    ("国家统计局2020年政府信息公开工作年度报告", "国家统计局", "statistics", None, Level.CENTRAL),
    ("教育部2022年政府信息公开工作年度报告", "教育部", "education", None, Level.CENTRAL),
    (
        "苏州工业园区管理委员会2022年政府信息公开工作年度报告",
        "苏州工业园区管理委员会",
        "development-zone",
        "320500",
        Level.DEVELOPMENT_ZONE,
    ),
    (
        "株洲市芦淞区建设街道办事处2022年度政府信息公开工作年度报告",
        "株洲市芦淞区建设街道办事处",
        "sub-district",
        "430203",
        Level.TOWNSHIP,
    ),
    ("2008年度衡阳市政府信息公开工作年度报告", "衡阳市人民政府", "government", "430400", Level.PREFECTURE),
    (
        "北京市统计局政府信息公开工作年度报告(2020年度)",
        "北京市统计局",
        "statistics",
        "110000",
        Level.PROVINCE,
    ),
    (
        "杭州市生态环境局西湖分局2022年政府信息公开工作年度报告",
        "杭州市生态环境局西湖分局",
        "ecology-environment",
        "330100",
        Level.PREFECTURE,
    ),
    (
        "关于成都市生态环境局2022年政府信息公开工作年度报告",
        "成都市生态环境局",
        "ecology-environment",
        "510100",
        Level.PREFECTURE,
    ),
    (
        "杭州市统计局政府信息公开工作2022年度报告",
        "杭州市统计局",
        "statistics",
        "330100",
        Level.PREFECTURE,
    ),
    (
        "黑龙江省大兴安岭地区行政公署2018年政府信息公开工作年度报告",
        "黑龙江省大兴安岭地区行政公署",
        "government",
        "232700",
        Level.PREFECTURE,
    ),
]


@pytest.mark.parametrize(("title", "name", "kind", "adcode", "level"), TITLES, ids=[t[1] for t in TITLES])
def test_title_forms(title: str, name: str, kind: str, adcode: str | None, level: Level | None) -> None:
    metadata = extract_metadata(title + "\n", "fixture")
    agency = metadata.agency
    assert agency is not None
    assert (agency.name, agency.kind, agency.adcode, agency.level) == (name, kind, adcode, level)
    assert metadata.year is not None and str(metadata.year) in title


def test_signature_line_gives_agency_and_date() -> None:
    text = "一、总体情况\n2022年,我局主动公开政府信息50条。\n\n杭州市拱墅区统计局 2023年1月18日\n"
    metadata = extract_metadata(text, "fixture")
    assert metadata.agency is not None and metadata.agency.adcode == "330105"
    assert metadata.published == dt.date(2023, 1, 18)
    assert metadata.year == 2022


def test_evidence_spans_point_at_what_was_read() -> None:
    text = _text("r0027")
    metadata = extract_metadata(text, "r0027")
    assert metadata.index_number == "000014349/2023-05239"
    assert _at(text, metadata, "index_number") == "000014349/2023-05239"
    assert _at(text, metadata, "published") == "2023-01-17"
    assert metadata.published == dt.date(2023, 1, 17)
    assert metadata.agency is not None and metadata.agency.adcode == "420204"
    for field in ("title", "agency", "year"):
        assert _at(text, metadata, field), field


def test_agency_kinds_come_from_the_turtle() -> None:
    kinds = agency_kinds()
    notations = {kind.notation for kind in kinds.kinds}
    assert {
        "government",
        "statistics",
        "development-zone",
        "sub-district",
        "township-government",
        "other",
    } <= notations
    assert kinds.classify("重庆市统计局").kind.notation == "statistics"
    assert kinds.classify("刚察县人民政府办公室").kind.notation == "government-office"
    assert kinds.classify("衢州市西区管委会").kind.implied_level is Level.DEVELOPMENT_ZONE
    assert kinds.classify("建章路街道").kind.implied_level is Level.TOWNSHIP
    assert kinds.classify("某某") is None
    for kind in kinds.kinds:
        assert kind.endings, kind.notation


# --- a sample of the corpus excerpts, each checked by reading the text -------------------------

CORPUS_AGENCIES = [
    ("r0002", "淮安市洪泽区人民政府", "320813", 2024),
    ("r0003", "金湖县人民政府", "320831", 2023),
    ("r0009", "遵义市统计局", "520300", 2022),
    ("r0014", "泰州市人民政府", "321200", 2017),
    ("r0016", "怀远县公安局", "340321", 2020),
    ("r0018", "嵊泗县公安局", "330922", 2020),
    ("r0019", "鞍山市公安局", "210300", 2020),
    ("r0021", "六盘水市公安局", "520200", 2020),
    ("r0025", "义乌市廿三里街道办事处", "330782", 2022),
    ("r0032", "微山县两城镇人民政府", "370826", 2020),
    ("r0037", "乐至县回澜镇人民政府", "512022", 2019),
    ("r0039", "平阳县水头镇人民政府", "330326", 2008),
    ("r0040", "衡阳市人民政府", "430400", 2008),
    ("r0043", "石家庄市教育局", "130100", 2021),
    ("r0045", "靖江市教育局", "321282", 2021),
    ("r0046", "宜兴市教育局", "320282", 2021),
    ("r0048", "涵江区教育局", "350303", 2021),
    ("r0049", "东阳市自然资源和规划局", "330783", 2023),
    ("r0052", "云南省卫生健康委员会", "530000", 2022),
    ("r0053", "京山市卫生健康局", "420882", 2022),
    ("r0055", "长沙市卫生健康委员会", "430100", 2022),
    ("r0057", "贵州省卫生健康委员会", "520000", 2022),
    ("r0060", "福州市晋安区人民政府", "350111", 2016),
    ("r0061", "龙游县人民政府办公室", "330825", 2023),
    ("r0062", "合江县人民政府办公室", "510522", 2023),
    ("r0063", "秀山土家族苗族自治县人民政府办公室", "500241", 2023),
    ("r0065", "浑源县人民政府办公室", "140225", 2023),
    ("r0066", "吴起县人民政府", "610626", 2023),
    ("r0068", "刚察县人民政府办公室", "632224", 2023),
    ("r0070", "道县文广新局", "431124", 2013),
    ("r0071", "鹿城区财政局", "330302", 2014),
    ("r0073", "沙依巴克区人民政府", "650103", 2011),
    ("r0074", "武隆县人民政府", "500232", 2011),
    ("r0076", "威海市人力资源和社会保障局", "371000", 2016),
    ("r0077", "福建省人力资源和社会保障厅", "350000", 2016),
    ("r0079", "通化市人力资源和社会保障局", "220500", 2017),
    ("r0080", "遂宁市安居区人力资源和社会保障局", "510904", 2017),
    ("r0082", "渭南市人力资源和社会保障局", "610500", 2018),
    ("r0083", "五常市民意乡人民政府", "230184", 2021),
    ("r0085", "桃江县鲊埠回族乡人民政府", "430922", 2021),
    ("r0090", "舒兰市市场监督管理局", "220283", 2016),
    ("r0091", "重庆市渝中区市场监督管理局", "500103", 2019),
    ("r0094", "福州市市场监督管理局", "350100", 2019),
    ("r0095", "杭州市市场监督管理局", "330100", 2019),
    ("r0097", "东宝区人民政府", "420802", 2024),
    ("r0102", "九江市濂溪区人民政府", "360402", 2024),
    ("r0105", "大冶市交通运输局", "420281", 2022),
    ("r0106", "汨罗市交通运输局", "430681", 2022),
    ("r0109", "邹城市交通运输局", "370883", 2022),
    ("r0110", "蠡县交通运输局", "130635", 2022),
    ("r0111", "新荣区交通运输局", "140212", 2022),
    ("r0115", "抚州市民政局", "361000", 2020),
    ("r0117", "金华市民政局", "330700", 2020),
    ("r0122", "信丰县林业局", "360722", 2010),
    ("r0124", "北京市环境保护局", "110000", 2010),
    ("r0125", "合肥市环保局", "340100", 2012),
    ("r0128", "抚州市环保局", "361000", 2012),
    ("r0131", "水利部", None, 2009),
    ("r0132", "渭南市水务局", "610500", 2014),
    ("r0135", "江苏省统计局", "320000", 2019),
    ("r0137", "广东从化经济开发区管理委员会", "440117", 2022),
    ("r0138", "杭州钱江经济开发区", "330100", 2022),
    ("r0140", "五华科技产业园管理委员会", "530102", 2022),  # 昆明市五华区, not 梅州 五华县
    ("r0142", "天津经济技术开发区", "120000", 2022),
    ("r0150", "中原区中原西路街道办事处", "410102", 2019),  # 《中原区政府信息公开…》 named twice
    ("r0152", "淮安市人民政府", "320800", 2024),
    ("r0156", "平潭综合实验区", "350128", 2019),
    ("r0162", "郎溪县交通运输局", "341821", 2019),
    ("r0165", "辽宁省交通运输厅", "210000", 2019),
    ("r0168", "长春市交通运输局", "220100", 2018),
]


@pytest.mark.parametrize(
    ("name", "agency_name", "adcode", "year"), CORPUS_AGENCIES, ids=[c[0] for c in CORPUS_AGENCIES]
)
def test_corpus_excerpt_agency_area_and_year(
    name: str, agency_name: str, adcode: str | None, year: int
) -> None:
    metadata = _metadata(name)
    assert metadata.agency is not None
    assert (metadata.agency.name, metadata.agency.adcode, metadata.year) == (agency_name, adcode, year)
    assert "agency" in metadata.evidence and "year" in metadata.evidence


# --- synthetic texts for the rules that complete or classify an agency --------------------------


def _agency(text: str) -> tuple[str | None, str | None, Level | None, str | None]:
    agency = extract_metadata(text, "fixture").agency
    assert agency is not None
    return agency.name, agency.adcode, agency.level, agency.kind


SUMMARY_CASES = [
    # text, is_summary: a people's government at or above county level reports for its area
    ("安吉县人民政府2021年政府信息公开工作年度报告\n2021年,全县深入推进政务公开。\n", True),
    ("杭州市人民政府2021年政府信息公开工作年度报告\n", True),
    ("安吉县统计局2021年政府信息公开工作年度报告\n2021年,我局认真落实条例。\n", False),
    ("安吉县人民政府办公室2021年政府信息公开工作年度报告\n2021年,我办认真落实条例。\n", False),
    ("安吉县递铺镇人民政府2021年政府信息公开工作年度报告\n2021年,我镇认真落实条例。\n", False),
    # a zone committee governing its zone (我区, 各部门) against one led by a district government
    ("苏州工业园区管理委员会2021年政府信息公开工作年度报告\n2021年,我区督促各部门做好公开工作。\n", True),
    (
        "苏州工业园区管理委员会2021年政府信息公开工作年度报告\n"
        "2021年,在区委、区政府的正确领导下,我区督促各部门做好公开工作。\n",
        False,
    ),
    # explicit compiling wording makes a general office's report its government's
    (
        "安吉县人民政府办公室2021年政府信息公开工作年度报告\n"
        "本报告由县政府办公室综合县政府各部门、各乡镇的政府信息公开年度报告汇总编制。\n",
        True,
    ),
]


@pytest.mark.parametrize(("text", "summary"), SUMMARY_CASES)
def test_summary_is_a_government_level_report(text: str, summary: bool) -> None:
    metadata = extract_metadata(text, "fixture")
    assert metadata.is_summary is summary
    if summary:
        assert "is_summary" in metadata.evidence


def test_summary_office_report_is_its_governments() -> None:
    text = SUMMARY_CASES[-1][0]
    assert _agency(text) == ("安吉县人民政府", "330523", Level.COUNTY, "government")


def test_unplaced_department_takes_the_place_of_its_own_accounts() -> None:
    text = (
        "交通运输局2021年政府信息公开工作年度报告\n"
        "2021年,我局通过“绍兴交通”微信公众号和绍兴交通服务热线回应群众关切。\n"
    )
    assert _agency(text) == ("绍兴市交通运输局", "330600", Level.PREFECTURE, "transport")
    # Another field's account says nothing about this bureau.
    other = "交通运输局2021年政府信息公开工作年度报告\n2021年,我局转发“绍兴发布”信息。\n"
    assert _agency(other)[1] is None


def test_township_takes_the_county_of_the_government_site() -> None:
    text = "递铺镇人民政府2010年政府信息公开工作年度报告\n本年报的电子版可在“中国安吉”县政府门户网站下载。\n"
    assert _agency(text) == ("安吉县递铺镇人民政府", "330523", Level.TOWNSHIP, "township-government")


def test_unplaced_body_takes_the_area_registered_in_its_uscc() -> None:
    text = "索引号: 11330523MB0001234P/2021-00001\n林业局2021年政府信息公开工作年度报告\n"
    metadata = extract_metadata(text, "fixture")
    assert metadata.agency is not None
    assert (metadata.agency.name, metadata.agency.adcode, metadata.agency.level) == (
        "安吉县林业局",
        "330523",
        Level.COUNTY,
    )
    assert metadata.agency.uscc == "11330523MB0001234P"
    # A code of another level than the name asks for (市林业局, a county code) is not taken.
    relative = text.replace("\n林业局", "\n市林业局")
    assert extract_metadata(relative, "fixture").agency.adcode is None  # type: ignore[union-attr]


def test_relative_name_completed_from_the_number_of_its_governments_document() -> None:
    text = (
        "根据《市人民政府办公室关于做好政务公开工作的通知》(衢政办发〔2014〕12号)要求,"
        "现将市民政局2014年政府信息公开工作报告如下:\n"
    )
    assert _agency(text) == ("衢州市民政局", "330800", Level.PREFECTURE, "civil-affairs")
    # 临 opens the names of several prefecture-level cities: nothing is settled.
    ambiguous = text.replace("衢政办发", "临政办发")
    assert _agency(ambiguous)[1] is None


def test_level_of_an_unplaced_department_from_its_own_government() -> None:
    text = "林业局2009年政府信息公开年度报告\n今年以来,在区委、区政府的正确领导下,我局积极开展公开工作。\n"
    assert _agency(text) == ("林业局", None, Level.COUNTY, "forestry")
    # 市委、市政府 does not tell a prefecture from a county-level city.
    city = text.replace("区委、区政府", "市委、市政府")
    assert _agency(city)[2] is None


def test_unnamed_bodies_keep_what_the_text_says_about_them() -> None:
    town = "一、总体情况\n2019年,我镇认真贯彻落实条例,我镇主动公开政府信息66条。\n"
    assert _agency(town) == ("镇人民政府", None, Level.TOWNSHIP, "township-government")
    zone = "一、总体情况\n2024年,园区认真贯彻落实条例。\n"
    assert _agency(zone) == ("园区", None, Level.DEVELOPMENT_ZONE, "development-zone")
    bureau = "一、总体情况\n2019年,我局认真贯彻落实条例。\n"
    assert extract_metadata(bureau, "fixture").agency is None


def test_unnamed_city_government_from_the_areas_it_speaks_for() -> None:
    text = (
        "一、政府信息公开总体工作情况\n"
        "市政府进一步理顺了管理体制。各县(市)区、市政府各部门均建立了工作机构,全市上下形成了工作格局。\n"
    )
    metadata = extract_metadata(text, "fixture")
    assert metadata.agency is not None
    assert (metadata.agency.name, metadata.agency.adcode, metadata.agency.level) == (
        "市人民政府",
        None,
        Level.PREFECTURE,
    )
    assert metadata.is_summary


def test_unnamed_city_government_from_the_subdivisions_it_lists() -> None:
    text = "一、概述\n2010年,本市各级政府部门认真贯彻条例。黄浦、徐汇、长宁等区专题研究公开工作。\n"
    assert _agency(text) == ("上海市人民政府", "310000", Level.PROVINCE, "government")


def test_unnamed_bureau_named_after_its_account() -> None:
    text = "一、总体情况\n2020年,我局通过微信公众号“安吉民政”发布推文99条,在县委县政府领导下开展工作。\n"
    assert _agency(text) == ("安吉县民政局", "330523", Level.COUNTY, "civil-affairs")


def test_unnamed_bureau_classified_by_the_field_it_keeps_naming() -> None:
    text = (
        "一、总体情况\n2020年,我局围绕“民政为民,民政爱民”的工作主线,以推进民政法治建设为契机,"
        "着力完善平台建设。对适合公开的文件在区政府门户网站予以公布。\n"
    )
    assert _agency(text) == ("民政局", None, Level.COUNTY, "civil-affairs")
    # Two fields named about as often: the body is not classified.
    even = text.replace("以推进民政法治建设为契机", "以推进财政资金公开、财政预算公开为契机")
    assert extract_metadata(even, "fixture").agency is None
    # Named once only, as in most reports' boilerplate (统计期限), a field says nothing.
    once = "一、总体情况\n2019年,我局认真贯彻落实条例。本报告的统计期限为2019年。\n"
    assert extract_metadata(once, "fixture").agency is None


def test_township_that_names_only_itself_is_placed_in_its_county() -> None:
    text = (
        "根据条例规定,现公开钢花村街道办事处2022年政府信息公开工作年度报告。\n"
        "一、总体情况\n钢花村街道根据条例,结合街道实际,丰富公开内容。\n"
    )
    assert _agency(text) == ("钢花村街道办事处", "420107", Level.TOWNSHIP, "sub-district")
    # A township name many counties share (城关镇) places nothing.
    shared = text.replace("钢花村街道办事处", "城关镇人民政府").replace("钢花村街道", "城关镇")
    assert _agency(shared) == ("城关镇人民政府", None, Level.TOWNSHIP, "township-government")
