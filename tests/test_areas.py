"""Administrative divisions (GB/T 2260) from python-stdnum's loc.dat, with their history."""

from __future__ import annotations

from ogikg.converter.areas import (
    all_areas,
    area,
    areas_named,
    is_within,
    match_places,
    places_before,
    resolve_place,
    short_names,
)
from ogikg.converter.model import Level


def test_a_renamed_county_resolves_to_the_code_valid_in_the_year() -> None:
    assert [a.code for a in areas_named("孟津县", 2020)] == ["410322"]
    assert [a.code for a in areas_named("孟津区", 2022)] == ["410308"]
    # The short form follows the year too.
    assert areas_named("孟津", 2019)[0].code == "410322"
    assert areas_named("孟津", 2023)[0].code == "410308"


def test_validity_ranges_are_read_from_loc_dat() -> None:
    county = areas_named("孟津县", 2020)[0]
    assert (county.valid_from, county.valid_to) == (1983, 2021)
    assert county.valid_in(2020) and not county.valid_in(2022)
    district = areas_named("孟津区", 2022)[0]
    assert (district.valid_from, district.valid_to) == (2021, None)
    assert district.parent == "410300"
    assert district.full_name == "河南省洛阳市孟津区"


def test_a_code_keeps_its_history_of_names() -> None:
    assert area("320800", 1995).name == "淮阴市"
    assert area("320800", 2005).name == "淮安市"
    assert area("320800").name == "淮安市"  # without a year: the latest name
    assert area("999999") is None


def test_levels_and_parents() -> None:
    quzhou = area("330800")
    assert (quzhou.name, quzhou.level, quzhou.parent, quzhou.full_name) == (
        "衢州市",
        Level.PREFECTURE,
        "330000",
        "浙江省衢州市",
    )
    chongqing = area("500000")
    assert (chongqing.name, chongqing.level, chongqing.parent) == ("重庆市", Level.PROVINCE, None)
    # Districts of a municipality hang under the municipality, not under the 市辖区 placeholder.
    yuzhong = area("500103")
    assert (yuzhong.name, yuzhong.level, yuzhong.parent) == ("渝中区", Level.COUNTY, "500000")


def test_resolve_place_reads_nested_names_and_stops_at_foreign_ones() -> None:
    # 西区 exists only in 攀枝花: after 衢州市 it is not a place of its own.
    assert resolve_place("衢州市西区", 2016).code == "330800"
    assert resolve_place("淮安市洪泽区", 2023).code == "320813"
    assert resolve_place("张掖市", 2023).code == "620700"
    assert resolve_place("浙江省衢州市柯城区", 2020).code == "330802"
    assert resolve_place("重庆市九龙坡区二郎街道", 2022).code == "500107"
    assert resolve_place("衢州", 2017).code == "330800"  # a short form when no full name fits
    assert resolve_place("二郎街道", 2022) is None


def test_a_code_listed_under_a_grouping_of_the_table_gives_way() -> None:
    """loc.dat lists 神农架林区 twice without dates: 422921 under the grouping 林区 (4229) and
    429021 under 省直辖县级行政单位 — the code in use."""
    assert resolve_place("神农架林区", 2020).code == "429021"
    assert resolve_place("湖北省神农架林区", 2015).code == "429021"


def test_resolve_place_before_and_after_a_merger() -> None:
    assert resolve_place("洪泽县", 2015).code == "320829"
    assert resolve_place("洪泽区", 2023).code == "320813"


def test_short_names_drop_generic_endings_and_ethnic_autonomy() -> None:
    assert short_names("衢州市") == ("衢州",)
    assert short_names("秀山土家族苗族自治县") == ("秀山",)
    assert short_names("内蒙古自治区") == ("内蒙古",)
    assert short_names("县") == ()
    assert areas_named("秀山", 2023)[0].code == "500241"


def test_namesakes_are_all_returned_and_context_chooses() -> None:
    codes = {a.code for a in areas_named("城中区", 2024)}
    assert codes == {"450202", "630103"}
    found = match_places("城中区人民政府", 2024, context=("630100",))
    assert found is not None and found.area.code == "630103"


def test_places_before_reads_the_chain_ending_at_a_position() -> None:
    text = "请与淮安市洪泽区人民政府办公室联系"
    found = places_before(text, text.index("人民政府"), 2023)
    assert found is not None
    assert (found.area.code, found.names, found.start) == ("320813", ("淮安市", "洪泽区"), 2)
    assert places_before("编制了《衢州市西区管委会", len("编制了《衢州市"), 2016).area.code == "330800"
    assert places_before("本单位", 3, 2020) is None


def test_is_within() -> None:
    assert is_within("320813", "320800")
    assert is_within("320813", "320000")
    assert is_within("320800", "320800")
    assert not is_within("320813", "330800")
    assert not is_within("320800", "320813")


def test_all_areas_of_a_year_lists_each_code_once_with_that_years_name() -> None:
    in_2020 = {a.code: a for a in all_areas(2020)}
    in_2022 = {a.code: a for a in all_areas(2022)}
    assert "410322" in in_2020 and "410308" not in in_2020
    assert "410308" in in_2022 and "410322" not in in_2022
    assert in_2020["320800"].name == "淮安市"
    assert len(in_2020) == len(all_areas(2020))


def test_place_ending_at_reads_full_and_short_names_backwards() -> None:
    from ogikg.converter.areas import place_ending_at

    text = "在淮安交通微信推送"
    found = place_ending_at(text, text.index("交通"), 2022)
    # 淮安 is the short form of 淮安市 and of its 淮安区: the higher level wins.
    assert found is not None and (found.area.code, found.start, found.names) == ("320800", 1, ("淮安",))
    full = "绍兴市交通"
    assert place_ending_at(full, 3, 2022).area.code == "330600"  # type: ignore[union-attr]
    # 五华 is a county in 梅州 and a district in 昆明: nothing to choose by.
    assert place_ending_at("五华教育", 2, 2022) is None
    assert place_ending_at("全市交通", 2, 2022) is None
