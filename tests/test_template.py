"""The template is generated from the column metadata and round-trips: template → filled → loaded."""

import openpyxl
import pandas as pd
from numpy.testing import assert_allclose

from cementnb import metadata as md
from cementnb.loader import load_submission, sha256_file
from cementnb.template import INSTRUCTIONS_SHEET, VOCABULARY_SHEET, write_template

from conftest import minimal_rows


def test_template_covers_every_sheet_and_column(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == INSTRUCTIONS_SHEET and VOCABULARY_SHEET in wb.sheetnames
    for _, sheet in md.sheets().iterrows():
        ws = wb[sheet["sheet"]]
        meta = md.sheet_columns(sheet["sheet"])
        if sheet["layout"] == "key_value":
            labels = [ws.cell(row=r, column=1).value for r in range(2, len(meta) + 2)]
        else:
            labels = [c.value for c in ws[1]]
        assert labels == [md.header_label(r) for _, r in meta.iterrows()]


def test_units_are_in_headers_and_enums_have_dropdowns(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    assert "熟料设计能力(t/d)" in [c.value for c in wb["生产线"][1]]
    ws = wb["岗位人员"]
    post_col = [c.value for c in ws[1]].index("岗位") + 1
    letter = openpyxl.utils.get_column_letter(post_col)
    validations = [dv for dv in ws.data_validations.dataValidation if letter + "2" in str(dv.sqref)]
    assert len(validations) == 1 and validations[0].type == "list"
    lists = wb["_lists"]
    values = [c.value for c in lists[validations[0].formula1.split("$")[1]] if c.value]
    assert values == ["计量管理", "器具管理", "数据采集", "统计分析", "内部校准"]
    # every enumerated column has a drop-down
    for _, col in md.columns()[md.columns()["dtype"] == "enum"].iterrows():
        if col["sheet"] == "企业信息":
            continue
        ws = wb[col["sheet"]]
        idx = [c.value for c in ws[1]].index(md.header_label(col)) + 1
        letter = openpyxl.utils.get_column_letter(idx)
        assert any(f"{letter}2:" in str(dv.sqref) for dv in ws.data_validations.dataValidation), col["header_zh"]


def test_empty_template_loads_and_reports_what_is_missing(tmp_path):
    sub = load_submission(write_template(tmp_path / "t.xlsx"), 2025)
    msgs = set(sub.problems["message"])
    assert "必填项目“企业名称”的内容为空" in msgs
    assert not (sub.problems["code"] == "unknown_sheet").any()  # instructions sheets are not data


def test_round_trip_template_filled_loaded(make_submission):
    path = make_submission()
    digest = sha256_file(path)
    sub = load_submission(path, 2025)
    assert sub.problems.empty
    assert sha256_file(path) == digest  # nothing the user gave is modified
    m = sub.monthly
    # raw meal 15.5 万t → 155 000 t; NCV 23 204 kJ/kg → 23.204 GJ/t; 8 000 000 kWh → 8 000 MWh; 65 % → 0.65
    got = m.set_index(["month", "object", "parameter"])["value"]
    assert_allclose(got[("2025-01", "熟料", "raw_meal_t")], 155_000.0)
    assert_allclose(got[("2025-01", "烟煤", "ncv_gj_per_t")], 23.204)
    assert_allclose(got[("2025-01", "电力", "purchased_mwh")], 8_000.0)
    assert_allclose(got[("2025-01", "熟料", "cao_fraction")], 0.65)
    assert_allclose(got[("2025-01", "熟料", "mgo_fraction")], 0.02)
    assert len(m) == len(minimal_rows()["月度数据"])
    # what was reported is kept next to the canonical value
    row = m[(m["month"] == "2025-01") & (m["parameter"] == "raw_meal_t")].iloc[0]
    assert row["value_reported"] == 15.5 and row["unit_reported"] == "万t" and row["excel_row"] == 7
    assert sub.enterprise["enterprise_name"] == "测试水泥有限公司"
    assert sub.documents.iloc[0]["topics"] == ("职责权限",)
    assert sub.staff.iloc[0]["last_training_date"] == pd.Timestamp("2025-03-01")
    assert list(sub.inputs["file"]) == ["submission.xlsx"] and sub.inputs.iloc[0]["sha256"] == digest


def test_fraction_columns_follow_their_header_unit(make_submission):
    rows = minimal_rows()
    rows["燃料"][0]["of_fraction"] = 0.98  # header says "碳氧化率(%)": 0.98 % is implausible
    sub = load_submission(make_submission(rows), 2025)
    p = sub.problems.iloc[0]
    assert (p["sheet"], p["row"], p["column"], p["code"]) == ("燃料", 2, "碳氧化率", "percent_fraction_mixup")
    assert p["message"] == ("单位为“%”，数值0.98即0.0098，超出合理范围[50%, 100%]；"
                            "该数值像是小数形式，若是，请将单位改为“1”或将数值改为98")
    assert pd.isna(sub.fuels.iloc[0]["of_fraction"])  # unusable value dropped, row kept
    rows["燃料"][0]["of_fraction"] = 98
    sub = load_submission(make_submission(rows), 2025)
    assert sub.problems.empty and sub.fuels.iloc[0]["of_fraction"] == 0.98
