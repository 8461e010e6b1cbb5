"""The printed grids of the official tables, derived from the catalogue."""

from ogikg.ontology.layout import form_tables


def _texts(row):
    return [cell.text for cell in row]


def test_2021_applicant_table_has_the_official_header_and_175_cells():
    t3 = next(t for t in form_tables("2021") if t.notation == "2021.T3")
    assert len(t3.data_keys()) == 25 * 7
    header = t3.rows[0]
    assert header[0].rowspan == 3 and header[0].colspan == 3
    assert header[0].text.startswith("（本列数据的勾稽关系为")
    assert (header[1].text, header[1].colspan) == ("申请人情况", 7)
    assert _texts(t3.rows[1]) == ["自然人", "法人或其他组织", "总计"]
    assert _texts(t3.rows[2]) == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    results = t3.rows[5][0]
    assert (results.text, results.rowspan) == ("三、本年度办理结果", 22)
    assert t3.rows[5][2].key == ("2021.T3.granted", "NP")
    assert t3.rows[-1][-1].key == ("2021.T3.carriedForward", "T")


def test_2019_results_group_spans_20_rows_and_other_is_one_row():
    t3 = next(t for t in form_tables("2019") if t.notation == "2019.T3")
    assert len(t3.data_keys()) == 23 * 7
    assert t3.rows[5][0].rowspan == 20
    other = [row for row in t3.rows if row[0].text == "（六）其他处理"]
    assert len(other) == 1 and other[0][0].colspan == 2


def test_review_table_prints_three_groups_over_one_data_row():
    t4 = next(t for t in form_tables("2021") if t.notation == "2021.T4")
    assert [(c.text, c.colspan) for c in t4.rows[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [c.text for c in t4.rows[1]][5:] == ["未经复议直接起诉", "复议后起诉"]
    assert t4.rows[1][0].rowspan == 2
    assert [key for key in t4.data_keys()][4] == ("2021.T4.review.total", None)
    assert [key for key in t4.data_keys()][14] == ("2021.T4.litigationAfterReview.total", None)


def test_table_two_blocks_and_old_form_rows():
    blocks = [t for t in form_tables("2019") if t.notation.startswith("2019.T2")]
    assert [b.rows[0][0].text for b in blocks] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
        "第二十条第（九）项",
    ]
    assert sum(len(b.data_keys()) for b in blocks) == 22
    old = form_tables("old")[0]
    assert len(old.data_keys()) == 77
    assert _texts(old.rows[0]) == ["统计指标", "单位", "统计数"]
    assert _texts(old.rows[1]) == ["一、主动公开情况", "——", ""]
