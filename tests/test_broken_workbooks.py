"""A corpus of broken submissions.

Each case starts from the clean sample enterprise (``build_sample(SAMPLES[0])``, which
loads with zero problems), applies ONE mutation -- to the rows before the workbook is
written, or to the written workbook with openpyxl -- and states the complete problem table
the loader must produce: severity, file, sheet, row as Excel numbers it (header = row 1),
column header, value found, code and the exact Chinese message (numbers in messages are
worked out by hand here). It also states how many good rows are still loaded, and every
load checks that the user's files are byte-for-byte unchanged and that no exception
escapes.

Row numbers of the clean sample (written in this order by ``build_sample``):

- 月度数据: month k (0 = January) of line L1 occupies rows 2+10k .. 11+10k in the order
  熟料产量, CaO含量, MgO含量, 非碳酸盐CaO含量, 非碳酸盐MgO含量, 窑头粉尘量, 生料消耗量,
  生料TOC含量, 烟煤消耗量, 烟煤低位发热量 (rows 2-121); then the site rows, four per month
  from row 122+4k: 柴油消耗量, 柴油低位发热量, 水泥产量, 电力购入电量 (rows 122-169).
- 岗位人员: 王建国 2 (计量管理), 李敏 3, 张伟 4, 陈静 5.
- 计量器具: SITE-WB-COAL 2, SITE-WB-CEM 3, SITE-EM-MAIN 4, ..., L1-BS-CLK 11, L1-EM-MAIN 12.
- 计量点: P01..P08 in rows 2-9 (P01 -> SITE-WB-COAL).
- 校准结果: L1-BS-CLK rows 2-6, SITE-WB-COAL rows 7-10.
- 燃料: 烟煤 2, 柴油 3.  企业信息: 统一社会信用代码 row 3, 月均用电量 row 8.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import pprint
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pandas as pd
import pytest
from stdnum.cn import uscc

from cementnb.loader import load_submission
from cementnb.problems import SubmissionError
from cementnb.samples import SAMPLES, build_sample
from cementnb.template import INSTRUCTIONS_SHEET, LISTS_SHEET, VOCABULARY_SHEET, write_workbook

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025
XLSX = "submission.xlsx"
ERR, WARN = "错误", "警告"
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
CLEAN_CODE = "91420500MA4F000016"  # sample-a's credit code
# Rows loaded from the clean sample, per table.
CLEAN_COUNTS = dict(lines=1, staff=4, documents=5, instruments=11, points=8, calibrations=9, monthly=204, fuels=2,
                    alt_materials=0, reported=7, estimations=0)
FIELDS = ["severity", "file", "sheet", "row", "column", "value", "expected", "message", "code"]


class _Any:
    def __eq__(self, other: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


# ----------------------------------------------------------------------------------------
# Expected problems


def P(code, message, *, sheet, row=None, column=None, value=None, severity=ERR, file=XLSX, expected=ANY) -> dict:
    """One expected problem (``expected`` is only compared when given)."""
    return dict(severity=severity, file=file, sheet=sheet, row=row, column=column, value=value, expected=expected,
                message=message, code=code)


def gap(line, obj, param, months, *, file=XLSX) -> dict:
    """The missing_month problem of one series (no row: the row is what is missing)."""
    return P("missing_month", f"{line} {obj}“{param}”缺少{len(months)}个月的数据：{'、'.join(months)}",
             sheet="月度数据", column="月份", expected=f"{YEAR}年每月一行", file=file)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def actual_problems(sub) -> list[dict]:
    rows = []
    for rec in sub.problems.to_dict("records"):
        rec = {k: _plain(rec[k]) for k in FIELDS}
        rec["row"] = None if rec["row"] is None else int(rec["row"])
        rows.append(rec)
    return rows


def assert_problems(actual: list[dict], expected: list[dict]) -> None:
    """The problem table is exactly ``expected`` (as a multiset, order free)."""
    left = list(actual)
    missing = []
    for exp in expected:
        for i, act in enumerate(left):
            if all(exp[k] == act[k] for k in FIELDS):
                del left[i]
                break
        else:
            missing.append(exp)
    assert not missing and not left, (
        "expected but not reported:\n" + pprint.pformat(missing, width=160)
        + "\nreported but not expected:\n" + pprint.pformat(left, width=160)
    )


# ----------------------------------------------------------------------------------------
# Building and loading workbooks


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def load_unchanged(target: Path, folder: Path):
    """Load (any exception fails the test) and check that no input byte changed."""
    before = _digests(folder)
    sub = load_submission(target, YEAR)
    assert _digests(folder) == before, "the loader modified the user's files"
    assert len(sub.inputs) > 0
    for rec in sub.inputs.to_dict("records"):
        assert before[rec["file"]] == rec["sha256"]
    return sub


def _m(rows, month, obj, param) -> dict:
    """The 月度数据 row (a mutable dict) of one month, object and parameter."""
    return next(r for r in rows["月度数据"] if r["month"] == month and r["object"] == obj and r["parameter"] == param)


def mset(month, obj, param, /, **values) -> Callable:
    return lambda e, r: _m(r, month, obj, param).update(values)


def mdrop(*keys) -> Callable:
    def edit(e, r):
        for key in keys:
            r["月度数据"].remove(_m(r, *key))
    return edit


def rset(sheet, index, /, **values) -> Callable:
    return lambda e, r: r[sheet][index].update(values)


def eset(**values) -> Callable:
    return lambda e, r: e.update(values)


def header(sheet, old, new) -> Callable:
    """Rename a header cell of a written workbook (new=None deletes the column)."""
    def edit(wb):
        ws = wb[sheet]
        cell = next(c for c in ws[1] if c.value == old)
        if new is None:
            ws.delete_cols(cell.column)
        else:
            cell.value = new
    return edit


def write_sample(folder: Path, edit=None, wb_edit=None) -> Path:
    enterprise, rows, _ = build_sample(SAMPLES[0])
    if edit is not None:
        edit(enterprise, rows)
    path = write_workbook(folder / XLSX, rows, enterprise=enterprise)
    if wb_edit is not None:
        wb = openpyxl.load_workbook(path)
        wb_edit(wb)
        wb.save(path)
    return path


def assert_counts(sub, counts: dict[str, int | None]) -> None:
    want = {**CLEAN_COUNTS, **counts}
    got = {name: len(sub.tables[name]) for name in want if want[name] is not None}
    assert got == {k: v for k, v in want.items() if v is not None}


def monthly_at(row: int, col: str = "value") -> Callable:
    return lambda sub: sub.monthly.set_index("excel_row").at[row, col]


def table_at(table: str, row: int, col: str) -> Callable:
    return lambda sub: sub.tables[table].set_index("excel_row").at[row, col]


def enterprise_item(name: str) -> Callable:
    return lambda sub: sub.enterprise[name]


def _same(a, b) -> bool:
    if b is None:
        return a is None or bool(pd.isna(a))
    return a == b


@dataclass
class Case:
    problems: list[dict]
    edit: Callable | None = None  # (enterprise, rows) -> None, before writing
    wb_edit: Callable | None = None  # openpyxl Workbook -> None, after writing
    counts: dict[str, int | None] = field(default_factory=dict)  # tables whose size differs from the clean one
    checks: list[tuple[Callable, Any]] = field(default_factory=list)  # (getter(sub), expected value)


def case(id, problems, xfail=None, **kw):
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(Case(problems, **kw), id=id, marks=marks)


# ----------------------------------------------------------------------------------------
# The corpus

MISSING_MONTHLY_SHEET_GAPS = [gap("L1", "熟料", "熟料产量", MONTHS), gap("L1", "熟料", "CaO含量", MONTHS),
                              gap("L1", "熟料", "MgO含量", MONTHS), gap("全厂", "电力", "购入电量", MONTHS)]
FRACTION_EXPECTED_OF = "50～100（单位%）或0.5～1（单位1）"  # 碳氧化率 bounds 0.5-1

CASES = [
    # 1. Sheets
    case("sheet-missing", [
        P("missing_sheet", "缺少工作表“月度数据”。", sheet="月度数据", expected="月度数据"),
        *MISSING_MONTHLY_SHEET_GAPS,
    ], wb_edit=lambda wb: wb.remove(wb["月度数据"]), counts=dict(monthly=0)),
    case("sheet-renamed-typo", [
        P("missing_sheet", "缺少工作表“月度数据”。工作簿中有“月度数椐”，是否为该表？", sheet="月度数据", expected="月度数据"),
        P("unknown_sheet", "未识别的工作表“月度数椐”，已忽略。是否应为“月度数据”？", sheet="月度数椐", severity=WARN),
        *MISSING_MONTHLY_SHEET_GAPS,
    ], wb_edit=lambda wb: setattr(wb["月度数据"], "title", "月度数椐"), counts=dict(monthly=0)),
    case("sheet-name-trailing-space-accepted", [],
         wb_edit=lambda wb: setattr(wb["月度数据"], "title", "月度数据 ")),

    # 2. Columns and key-value items
    case("column-misspelt", [
        P("missing_column", "缺少必填列“岗位”。工作表中有列“岗位名称”，是否为该列？", sheet="岗位人员", column="岗位", expected="岗位"),
        P("unknown_column", "未识别的列“岗位名称”，已忽略。是否应为“岗位”？", sheet="岗位人员", column="岗位名称", severity=WARN),
    ], wb_edit=header("岗位人员", "岗位", "岗位名称"),  # rows kept: names, dates and certificates still count
        checks=[(table_at("staff", 2, "post"), None)]),
    case("column-deleted", [
        P("missing_column", "缺少必填列“排放量”。", sheet="报告排放", column="排放量", expected="排放量(tCO2)"),
    ], wb_edit=header("报告排放", "排放量(tCO2)", None)),
    case("column-extra", [
        P("unknown_column", "未识别的列“备注”，已忽略。", sheet="计量器具", column="备注", severity=WARN),
    ], wb_edit=lambda wb: wb["计量器具"].cell(row=1, column=wb["计量器具"].max_column + 1, value="备注")),
    case("column-fullwidth-parentheses-accepted", [], wb_edit=header("生产线", "熟料设计能力(t/d)", "熟料设计能力（t/d）"),
         checks=[(table_at("lines", 2, "design_capacity_t_per_d"), 5000)]),
    case("column-misspelt-referenced-sheet", [
        P("missing_column", "缺少必填列“熟料设计能力”。工作表中有列“熟料设计产能”，是否为该列？", sheet="生产线",
          column="熟料设计能力", expected="熟料设计能力(t/d)"),
        P("unknown_column", "未识别的列“熟料设计产能(t/d)”，已忽略。是否应为“熟料设计能力”？", sheet="生产线",
          column="熟料设计产能(t/d)", severity=WARN),
    ], wb_edit=header("生产线", "熟料设计能力(t/d)", "熟料设计产能(t/d)")),
    case("item-misspelt", [
        P("missing_item", "缺少必填项目“统一社会信用代码”。表中有“统一信用代码”，是否为该项目？", sheet="企业信息", column="项目",
          expected="统一社会信用代码"),
        P("unknown_item", "未识别的项目“统一信用代码”，已忽略。是否应为“统一社会信用代码”？", sheet="企业信息", row=3, column="项目",
          value="统一信用代码", severity=WARN),
    ], wb_edit=lambda wb: setattr(wb["企业信息"]["A3"], "value", "统一信用代码"),
        checks=[(enterprise_item("credit_code"), None)]),

    # 3. Numbers
    case("number-with-text", [
        P("not_a_number", "“约100”不是数字", sheet="月度数据", row=70, column="数值", value="约100",
          expected="数字（不含文字、单位或符号）"),
        gap("L1", "烟煤", "消耗量", ["2025-07"]),
    ], edit=mset("2025-07", "烟煤", "消耗量", value="约100"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("number-after-blank-row", [  # a blank row at Excel row 7 pushes 2025-07 烟煤消耗量 to row 71
        P("not_a_number", "“约100”不是数字", sheet="月度数据", row=71, column="数值", value="约100"),
        gap("L1", "烟煤", "消耗量", ["2025-07"]),
    ], edit=lambda e, r: (_m(r, "2025-07", "烟煤", "消耗量").update(value="约100"), r["月度数据"].insert(5, {})),
        counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1), checks=[(monthly_at(81, "parameter_zh"), "消耗量")]),
    case("number-fullwidth", [
        P("fullwidth_digits", "数字以文本“１２３．５”填写，全角字符已按半角读取，读作123.5", sheet="月度数据", row=80,
          column="数值", value="１２３．５", severity=WARN, expected="数字格式单元格"),
    ], edit=mset("2025-08", "烟煤", "消耗量", value="１２３．５"), checks=[(monthly_at(80), 123.5)]),
    case("number-thousands-separator", [
        P("text_number", "数字以文本“16,500”填写，千位分隔符已去除，读作16500", sheet="月度数据", row=2, column="数值",
          value="16,500", severity=WARN),
    ], edit=mset("2025-01", "熟料", "熟料产量", value="16,500"), checks=[(monthly_at(2), 16500.0)]),
    case("number-fullwidth-thousands", [
        P("fullwidth_digits", "数字以文本“１６，５００”填写，全角字符已按半角读取，千位分隔符已去除，读作16500", sheet="月度数据",
          row=2, column="数值", value="１６，５００", severity=WARN),
    ], edit=mset("2025-01", "熟料", "熟料产量", value="１６，５００"), checks=[(monthly_at(2), 16500.0)]),
    case("number-decimal-comma-not-guessed", [
        P("not_a_number", "“23,5”不是数字", sheet="月度数据", row=11, column="数值", value="23,5"),
        gap("L1", "烟煤", "低位发热量", ["2025-01"]),
    ], edit=mset("2025-01", "烟煤", "低位发热量", value="23,5"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("number-excel-error-cell", [
        P("excel_error", "单元格为公式错误“#DIV/0!”", sheet="月度数据", row=2, column="数值", value="#DIV/0!",
          expected="有效的数值或文本"),
        gap("L1", "熟料", "熟料产量", ["2025-01"]),
    ], edit=mset("2025-01", "熟料", "熟料产量", value="#DIV/0!"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),

    # 4. Dates and months
    case("date-as-text", [
        P("date_as_text", "日期以文本“2025/3/5”填写，已读作2025-03-05；请使用日期格式单元格", sheet="岗位人员", row=4,
          column="最近培训日期", value="2025/3/5", severity=WARN, expected="日期格式单元格"),
    ], edit=rset("岗位人员", 2, last_training_date="2025/3/5"),
        checks=[(table_at("staff", 4, "last_training_date"), pd.Timestamp("2025-03-05"))]),
    case("date-impossible", [
        P("not_a_date", "“2025-02-30”不是有效日期", sheet="岗位人员", row=4, column="最近培训日期", value="2025-02-30",
          expected="日期，如2025-03-05"),
    ], edit=rset("岗位人员", 2, last_training_date="2025-02-30"),
        checks=[(table_at("staff", 4, "last_training_date"), None), (table_at("staff", 4, "person_name"), "张伟")]),
    case("date-excel-serial", [  # 45728 days after 1899-12-30: 45658 is 2025-01-01, + 31 + 28 + 11
        P("excel_serial_date", "日期以Excel序列号45728给出，已按1899-12-30起算读作2025-03-12；请将单元格设为日期格式",
          sheet="岗位人员", row=2, column="最近培训日期", value="45728", severity=WARN),
    ], edit=rset("岗位人员", 0, last_training_date=45728),
        checks=[(table_at("staff", 2, "last_training_date"), pd.Timestamp("2025-03-12"))]),
    case("month-chinese-text-accepted", [], edit=mset("2025-03", "熟料", "熟料产量", month="2025年3月"),
         checks=[(monthly_at(22, "month"), "2025-03")]),
    case("month-as-date-day-1-accepted", [], edit=mset("2025-03", "熟料", "熟料产量", month=datetime(2025, 3, 1)),
         checks=[(monthly_at(22, "month"), "2025-03")]),
    case("month-as-date-not-day-1", [
        P("not_a_month", "“2025-03-15”是日期而非月份", sheet="月度数据", row=22, column="月份", value="2025-03-15",
          expected="月份，格式YYYY-MM，如2025-01"),
        gap("L1", "熟料", "熟料产量", ["2025-03"]),
    ], edit=mset("2025-03", "熟料", "熟料产量", month=datetime(2025, 3, 15)), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("month-invalid", [
        P("not_a_month", "“2025-13”不是可识别的月份", sheet="月度数据", row=22, column="月份", value="2025-13"),
        gap("L1", "熟料", "熟料产量", ["2025-03"]),
    ], edit=mset("2025-03", "熟料", "熟料产量", month="2025-13"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("month-out-of-year", [
        P("month_out_of_year", "月份2024-12不在审查年度2025内", sheet="月度数据", row=112, column="月份", value="2024-12",
          expected="2025-01～2025-12"),
        gap("L1", "熟料", "熟料产量", ["2025-12"]),
    ], edit=mset("2025-12", "熟料", "熟料产量", month="2024-12"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),

    # 5. Units
    case("unit-unknown-chinese", [
        P("unknown_unit", "未知单位“吨标煤”。可用值：t、万t、kg。", sheet="月度数据", row=2, column="单位", value="吨标煤",
          expected="t、万t、kg"),
        gap("L1", "熟料", "熟料产量", ["2025-01"]),
    ], edit=mset("2025-01", "熟料", "熟料产量", unit="吨标煤"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("unit-unknown-garbage", [
        P("unknown_unit", "未知单位“xyz”。可用值：GJ/t、MJ/kg、kJ/kg、kcal/kg。", sheet="月度数据", row=11, column="单位",
          value="xyz", expected="GJ/t、MJ/kg、kJ/kg、kcal/kg"),
        gap("L1", "烟煤", "低位发热量", ["2025-01"]),
    ], edit=mset("2025-01", "烟煤", "低位发热量", unit="xyz"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("unit-not-accepted", [
        P("unit_not_accepted", "该参数不接受单位“GJ”。可用值：t、万t、kg。", sheet="月度数据", row=2, column="单位", value="GJ",
          expected="t、万t、kg"),
        gap("L1", "熟料", "熟料产量", ["2025-01"]),
    ], edit=mset("2025-01", "熟料", "熟料产量", unit="GJ"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("unit-not-accepted-kwh", [
        P("unit_not_accepted", "该参数不接受单位“kWh”。可用值：t、万t、kg。", sheet="月度数据", row=2, column="单位",
          value="kWh", expected="t、万t、kg"),
        gap("L1", "熟料", "熟料产量", ["2025-01"]),
    ], edit=mset("2025-01", "熟料", "熟料产量", unit="kWh"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("unit-converted-wan-t", [], edit=mset("2025-01", "熟料", "熟料产量", value=14.2723, unit="万t"),
         checks=[(monthly_at(2), pytest.approx(142723.0)), (monthly_at(2, "unit"), "t")]),
    case("unit-fullwidth-accepted", [], edit=mset("2025-01", "熟料", "熟料产量", unit="ｔ"),
         checks=[(monthly_at(2, "unit"), "t")]),
    case("header-unit-not-convertible", [
        P("unknown_unit", "列标题中的单位“tCO2/GJ”无法识别或不能换算为“tC/GJ”，该列未读取", sheet="燃料",
          column="单位热值含碳量(tCO2/GJ)", value="tCO2/GJ", expected="tC/GJ"),
    ], wb_edit=header("燃料", "单位热值含碳量(tC/GJ)", "单位热值含碳量(tCO2/GJ)")),
    case("header-unit-converted", [], wb_edit=header("燃料", "单位热值含碳量(tC/GJ)", "单位热值含碳量(kgC/GJ)"),
         edit=rset("燃料", 0, cc_tc_per_gj=26.18), checks=[(table_at("fuels", 2, "cc_tc_per_gj"), pytest.approx(0.02618))]),
    case("item-unit-converted", [], wb_edit=lambda wb: setattr(wb["企业信息"]["A8"], "value", "月均用电量(MWh)"),
         edit=eset(monthly_electricity_kwh=7451), checks=[(enterprise_item("monthly_electricity_kwh"), pytest.approx(7451000))]),
    case("header-unit-not-convertible-required-column", [
        P("unknown_unit", "列标题中的单位“tC”无法识别或不能换算为“tCO2”，该列未读取", sheet="报告排放", column="排放量(tC)",
          value="tC", expected="tCO2"),
    ], wb_edit=header("报告排放", "排放量(tCO2)", "排放量(tC)")),
    case("header-unit-key-value-item", [
        P("unknown_unit", ANY, sheet="企业信息", row=6, column="项目", value="ft"),
    ], wb_edit=lambda wb: setattr(wb["企业信息"]["A6"], "value", "海拔(ft)")),

    # 6. Percent vs fraction, decided by the declared unit
    case("percent-declared-fraction-given", [
        P("percent_fraction_mixup", "单位为“%”，数值0.65即0.0065，超出合理范围[30%, 75%]；该数值像是小数形式，若是，请将单位改为“1”"
          "或将数值改为65", sheet="月度数据", row=43, column="数值", value="0.65", expected="30～75（单位%）或0.3～0.75（单位1）"),
        gap("L1", "熟料", "CaO含量", ["2025-05"]),
    ], edit=mset("2025-05", "熟料", "CaO含量", value=0.65), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("fraction-declared-percent-given", [
        P("percent_fraction_mixup", "单位为“1”（小数），数值98超出合理范围[50%, 100%]；该数值像是百分数，若是，请将单位改为“%”",
          sheet="月度数据", row=206, column="数值", value="98", expected=FRACTION_EXPECTED_OF),
    ], edit=lambda e, r: r["月度数据"].append(dict(_m(r, "2025-01", "烟煤", "低位发热量"), parameter="碳氧化率", value=98,
                                                   unit="1")),
        checks=[(lambda sub: (sub.monthly["parameter_zh"] == "碳氧化率").sum(), 0)]),
    case("fraction-column-percent-header-accepted", [], edit=rset("燃料", 0, of_fraction=98),
         checks=[(table_at("fuels", 2, "of_fraction"), pytest.approx(0.98))]),
    case("fraction-column-percent-header-fraction-given", [
        P("percent_fraction_mixup", "单位为“%”，数值0.98即0.0098，超出合理范围[50%, 100%]；该数值像是小数形式，若是，请将单位改为“1”"
          "或将数值改为98", sheet="燃料", row=2, column="碳氧化率", value="0.98", expected=FRACTION_EXPECTED_OF),
    ], edit=rset("燃料", 0, of_fraction=0.98), checks=[(table_at("fuels", 2, "of_fraction"), None)]),
    case("fraction-column-fraction-header-percent-given", [
        P("percent_fraction_mixup", "单位为“1”（小数），数值98超出合理范围[50%, 100%]；该数值像是百分数，若是，请将单位改为“%”",
          sheet="燃料", row=2, column="碳氧化率", value="98", expected=FRACTION_EXPECTED_OF),
    ], edit=rset("燃料", 0, of_fraction=98), wb_edit=header("燃料", "碳氧化率(%)", "碳氧化率(1)"),
        checks=[(table_at("fuels", 2, "of_fraction"), None)]),

    # 7. Months missing and duplicated
    case("month-missing", [gap("L1", "烟煤", "低位发热量", ["2025-06"])],
         edit=mdrop(("2025-06", "烟煤", "低位发热量")), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("months-missing-two", [
        P("missing_month", "L1 熟料“熟料产量”缺少2个月的数据：2025-03、2025-04", sheet="月度数据", column="月份",
          expected="2025年每月一行"),
    ], edit=mdrop(("2025-03", "熟料", "熟料产量"), ("2025-04", "熟料", "熟料产量")), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 2)),
    case("month-missing-calorific-value-without-consumption", [],  # nothing burnt: no calorific value needed
         edit=lambda e, r: (_m(r, "2025-06", "烟煤", "消耗量").update(value=0), mdrop(("2025-06", "烟煤", "低位发热量"))(e, r)),
         counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("month-duplicated-adjacent", [
        P("duplicate_month", "2025-06 L1 熟料“MgO含量”重复填报（第54、55行）；仅使用第54行", sheet="月度数据", row=55,
          column="月份", value="2025-06", expected="每月每参数一行"),
    ], edit=lambda e, r: (_m(r, "2025-06", "熟料", "MgO含量").update(value=2.5),
                          r["月度数据"].insert(53, dict(_m(r, "2025-06", "熟料", "MgO含量"), value=2.71))),
        checks=[(monthly_at(54), pytest.approx(0.025)),  # the first (2.5 %) is kept, the repeat (2.71 %) dropped
                (lambda sub: 55 in set(sub.monthly["excel_row"]), False)]),
    case("month-duplicated-far", [
        P("duplicate_month", "2025-01 L1 熟料“熟料产量”重复填报（第2、206行）；仅使用第2行", sheet="月度数据", row=206,
          column="月份", value="2025-01"),
    ], edit=lambda e, r: r["月度数据"].append(dict(_m(r, "2025-01", "熟料", "熟料产量"))),
        checks=[(monthly_at(2), 142723.0)]),

    # 8. Negative quantities
    case("negative-monthly", [
        P("negative", "数值-5为负数", sheet="月度数据", row=12, column="数值", value="-5", expected="非负数"),
        gap("L1", "熟料", "熟料产量", ["2025-02"]),
    ], edit=mset("2025-02", "熟料", "熟料产量", value=-5), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("negative-enterprise-item", [
        P("negative", "数值-100为负数", sheet="企业信息", row=8, column="内容", value="-100", expected="非负数"),
    ], edit=eset(monthly_electricity_kwh=-100), checks=[(enterprise_item("monthly_electricity_kwh"), None)]),

    # 9. Credit code
    case("uscc-checksum", [
        P("uscc_checksum", f"统一社会信用代码校验位错误：第18位为“7”，按GB 32100应为“{uscc.calc_check_digit(CLEAN_CODE[:17])}”",
          sheet="企业信息", row=3, column="内容", value=CLEAN_CODE[:17] + "7", expected="18位统一社会信用代码（GB 32100）"),
    ], edit=eset(credit_code=CLEAN_CODE[:17] + "7"), checks=[(enterprise_item("credit_code"), None)]),
    case("uscc-length", [
        P("uscc_length", "统一社会信用代码应为18位，实为17位", sheet="企业信息", row=3, column="内容", value=CLEAN_CODE[:17]),
    ], edit=eset(credit_code=CLEAN_CODE[:17]), checks=[(enterprise_item("credit_code"), None)]),
    case("uscc-lowercase-accepted", [], edit=eset(credit_code=CLEAN_CODE.lower()),
         checks=[(enterprise_item("credit_code"), CLEAN_CODE)]),

    # 10. Duplicate keys
    case("duplicate-instrument-id", [
        P("duplicate_key", "“管理编号”应唯一，“SITE-WB-COAL”在第2、13行重复出现；仅使用第2行", sheet="计量器具", row=13,
          column="管理编号", value="SITE-WB-COAL", expected="唯一值"),
    ], edit=lambda e, r: r["计量器具"].append(dict(r["计量器具"][0], serial_no="SN-SPARE")),
        checks=[(table_at("instruments", 2, "serial_no"), "SN-SITE-WB-COAL")]),

    # 11. References, objects, parameters
    case("reference-monthly-instrument", [
        P("unknown_reference", "引用了不存在的计量器具“L1-BS-CLK-X”（“计量器具”表中没有该管理编号）。是否应为“L1-BS-CLK”？",
          sheet="月度数据", row=92, column="器具管理编号", value="L1-BS-CLK-X", expected="“计量器具”表中已有的管理编号"),
    ], edit=mset("2025-10", "熟料", "熟料产量", instrument_id="L1-BS-CLK-X")),
    case("reference-point-instrument", [
        P("unknown_reference", "引用了不存在的计量器具“SITE-WB-C0AL”（“计量器具”表中没有该管理编号）。是否应为“SITE-WB-COAL”？",
          sheet="计量点", row=2, column="配置器具管理编号", value="SITE-WB-C0AL"),
    ], edit=rset("计量点", 0, instrument_id="SITE-WB-C0AL")),
    case("reference-calibration-instrument", [
        P("unknown_reference", "引用了不存在的计量器具“L1-BS-CLK2”（“计量器具”表中没有该管理编号）。是否应为“L1-BS-CLK”？",
          sheet="校准结果", row=2, column="管理编号", value="L1-BS-CLK2"),
    ], edit=rset("校准结果", 0, instrument_id="L1-BS-CLK2"), counts=dict(calibrations=8)),
    case("reference-line", [
        P("unknown_reference", "引用了不存在的生产线“L9”（“生产线”表中没有该生产线编号）。是否应为“L1”？", sheet="月度数据",
          row=32, column="生产线编号", value="L9", expected="“生产线”表中已有的生产线编号"),
        gap("L1", "熟料", "熟料产量", ["2025-04"]),
    ], edit=mset("2025-04", "熟料", "熟料产量", line_id="L9"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("unknown-object", [
        P("unknown_object", "对象“烟媒”未在“燃料”或“替代原料”表中登记，也不是熟料、电力、热力、水泥。是否应为“烟煤”？",
          sheet="月度数据", row=20, column="对象", value="烟媒", expected="熟料、电力、热力、水泥，或已登记的燃料、替代原料名称"),
        gap("L1", "烟煤", "消耗量", ["2025-02"]),
    ], edit=mset("2025-02", "烟煤", "消耗量", object="烟媒"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("parameter-typo", [
        P("unknown_parameter", "参数“熟料产能”不适用于对象“熟料”（熟料）。是否应为“熟料产量”？", sheet="月度数据", row=2,
          column="参数", value="熟料产能",
          expected="熟料产量、CaO含量、MgO含量、非碳酸盐CaO含量、非碳酸盐MgO含量、窑头粉尘量、旁路放风粉尘量、生料消耗量、生料TOC含量"),
        gap("L1", "熟料", "熟料产量", ["2025-01"]),
    ], edit=mset("2025-01", "熟料", "熟料产量", parameter="熟料产能"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),
    case("parameter-of-another-object", [
        P("unknown_parameter", "参数“低位发热量”不适用于对象“熟料”（熟料）。可用值：熟料产量、CaO含量、MgO含量、非碳酸盐CaO含量、"
          "非碳酸盐MgO含量、窑头粉尘量、旁路放风粉尘量、生料消耗量、生料TOC含量。", sheet="月度数据", row=2, column="参数",
          value="低位发热量"),
        gap("L1", "熟料", "熟料产量", ["2025-01"]),
    ], edit=mset("2025-01", "熟料", "熟料产量", parameter="低位发热量"), counts=dict(monthly=CLEAN_COUNTS["monthly"] - 1)),

    # 12. Enumerations
    case("enum-with-suggestion", [
        P("not_allowed", "“计量员”不是允许的取值。是否应为“计量管理”？", sheet="岗位人员", row=2, column="岗位", value="计量员",
          expected="计量管理、器具管理、数据采集、统计分析、内部校准"),
    ], edit=rset("岗位人员", 0, post="计量员"), counts=dict(staff=3)),
    case("enum-without-suggestion", [
        P("not_allowed", "“优秀”不是允许的取值。可用值：合格、不合格、未考核。", sheet="岗位人员", row=5, column="考核结果",
          value="优秀", expected="合格、不合格、未考核"),
    ], edit=rset("岗位人员", 3, assessment_result="优秀"), checks=[(table_at("staff", 5, "assessment_result"), None)]),
    case("list-with-bad-item", [
        P("not_allowed", "包含不允许的取值：“财务管理”是否应为“数据管理”？", sheet="管理文件", row=3, column="覆盖主题",
          value="周期检定校准；财务管理"),
    ], edit=rset("管理文件", 1, topics=("周期检定校准", "财务管理"))),
]


@pytest.mark.parametrize("spec", CASES)
def test_broken_workbook(tmp_path, spec):
    write_sample(tmp_path, spec.edit, spec.wb_edit)
    sub = load_unchanged(tmp_path, tmp_path)
    assert_problems(actual_problems(sub), spec.problems)
    assert_counts(sub, spec.counts)
    for getter, want in spec.checks:
        got = getter(sub)
        assert _same(got, want), (got, want)


def test_clean_sample_has_no_problem(tmp_path):
    """The baseline of the corpus: the shipped clean workbook, given by file path."""
    shutil.copy(ROOT / "data/samples/sample-a" / XLSX, tmp_path / XLSX)
    sub = load_unchanged(tmp_path / XLSX, tmp_path)
    assert actual_problems(sub) == []
    assert_counts(sub, {})
    assert sub.enterprise["credit_code"] == CLEAN_CODE


# ----------------------------------------------------------------------------------------
# 13. CSV submissions: one <sheet>.csv per sheet, no submission.xlsx


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.min.time() else value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def export_csv(xlsx: Path, folder: Path, encoding: str) -> None:
    """Save every data sheet of a workbook as <sheet>.csv, as an enterprise's own tooling would."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(xlsx)
    for ws in wb.worksheets:
        if ws.title in (INSTRUCTIONS_SHEET, LISTS_SHEET, VOCABULARY_SHEET):
            continue
        rows = [[_csv_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
        while rows and not any(rows[-1]):
            rows.pop()
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        (folder / f"{ws.title}.csv").write_bytes(buf.getvalue().encode(encoding))


ENCODINGS = ["utf-8-sig", "utf-8", "gb18030"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_csv_submission_loads_like_xlsx(tmp_path, encoding):
    xlsx = write_sample(tmp_path / "xlsx")
    export_csv(xlsx, tmp_path / "csv", encoding)
    if encoding == "gb18030":  # really not UTF-8
        with pytest.raises(UnicodeDecodeError):
            (tmp_path / "csv" / "月度数据.csv").read_bytes().decode("utf-8")
    from_xlsx = load_unchanged(tmp_path / "xlsx", tmp_path / "xlsx")
    from_csv = load_unchanged(tmp_path / "csv", tmp_path / "csv")
    assert actual_problems(from_csv) == []
    assert set(from_csv.inputs["encoding"]) == {encoding}
    assert len(from_csv.inputs) == 12  # one file per sheet
    assert_counts(from_csv, {})
    assert from_csv.enterprise == from_xlsx.enterprise
    pd.testing.assert_frame_equal(from_csv.monthly, from_xlsx.monthly, check_dtype=False)
    for name, frame in from_xlsx.tables.items():
        pd.testing.assert_frame_equal(from_csv.tables[name], frame, check_dtype=False, obj=name)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_csv_bad_values_name_file_and_line(tmp_path, encoding):
    def edit(e, r):
        _m(r, "2025-08", "烟煤", "消耗量").update(value="１２３．５")
        r["岗位人员"][2].update(last_training_date="2025/3/5")  # line 4: non-ISO text, a warning
        r["岗位人员"][3].update(last_training_date="2025-03-05")  # line 5: ISO text is how CSV writes dates
        r["计量点"][0].update(capacity_or_consumption="约100")  # line 2, optional column: the row stays

    export_csv(write_sample(tmp_path / "xlsx", edit), tmp_path / "csv", encoding)
    sub = load_unchanged(tmp_path / "csv", tmp_path / "csv")
    assert_problems(actual_problems(sub), [
        P("fullwidth_digits", "数字以文本“１２３．５”填写，全角字符已按半角读取，读作123.5", sheet="月度数据", row=80,
          column="数值", value="１２３．５", severity=WARN, file="月度数据.csv"),
        P("date_as_text", "日期以文本“2025/3/5”填写，已读作2025-03-05；请使用日期格式单元格", sheet="岗位人员", row=4,
          column="最近培训日期", value="2025/3/5", severity=WARN, file="岗位人员.csv"),
        P("not_a_number", "“约100”不是数字", sheet="计量点", row=2, column="容量或年消耗量", value="约100", file="计量点.csv"),
    ])
    assert_counts(sub, {})
    assert sub.staff.set_index("excel_row").at[5, "last_training_date"] == pd.Timestamp("2025-03-05")
    assert sub.monthly.set_index("excel_row").at[80, "value"] == 123.5


def test_csv_monthly_check_names_csv_file(tmp_path):
    export_csv(write_sample(tmp_path / "xlsx", mset("2025-01", "烟煤", "低位发热量", unit="xyz")), tmp_path / "csv", "utf-8-sig")
    sub = load_unchanged(tmp_path / "csv", tmp_path / "csv")
    assert_problems(actual_problems(sub), [
        P("unknown_unit", "未知单位“xyz”。可用值：GJ/t、MJ/kg、kJ/kg、kcal/kg。", sheet="月度数据", row=11, column="单位",
          value="xyz", file="月度数据.csv"),
        gap("L1", "烟煤", "低位发热量", ["2025-01"], file="月度数据.csv"),
    ])


def test_csv_utf16_tab_separated_reads_like_the_workbook(tmp_path):
    # Excel's "Unicode 文本" export: UTF-16 with BOM, tab separated.
    xlsx = write_sample(tmp_path / "xlsx")
    export_csv(xlsx, tmp_path / "csv", "utf-8-sig")
    monthly_csv = tmp_path / "csv" / "月度数据.csv"
    text = monthly_csv.read_bytes().decode("utf-8-sig")
    monthly_csv.write_bytes(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
                            .to_csv(sep="\t", index=False).encode("utf-16"))
    sub = load_unchanged(tmp_path / "csv", tmp_path / "csv")
    assert actual_problems(sub) == []
    assert_counts(sub, {})
    assert sub.inputs.set_index("file").at["月度数据.csv", "encoding"] == "utf-16"


def test_csv_undecodable_is_a_problem_not_an_exception(tmp_path):
    export_csv(write_sample(tmp_path / "xlsx"), tmp_path / "csv", "utf-8-sig")
    monthly_csv = tmp_path / "csv" / "月度数据.csv"
    monthly_csv.write_bytes(b"\x80\x80\x80,\xff\n")  # neither UTF-8 nor GB18030
    sub = load_unchanged(tmp_path / "csv", tmp_path / "csv")
    problems = actual_problems(sub)
    assert any(p["file"] == "月度数据.csv" and p["severity"] == ERR and p["code"] == "unreadable_file" for p in problems)
    assert_counts(sub, dict(monthly=0))


# ----------------------------------------------------------------------------------------
# 14. Nothing to read: the only inputs that raise


@pytest.mark.parametrize("make", ["empty-folder", "unrelated-files", "no-folder"])
def test_no_submission_raises_chinese_error(tmp_path, make):
    folder = tmp_path / "enterprise"
    if make != "no-folder":
        folder.mkdir()
    if make == "unrelated-files":
        (folder / "说明.txt").write_text("无", encoding="utf-8")
    with pytest.raises(SubmissionError) as info:
        load_submission(folder, YEAR)
    missing = folder / XLSX
    assert str(info.value) == (
        f"发现 1 个错误、0 个警告：\n  1. [错误] submission.xlsx：找不到报送文件：{missing}（也没有按工作表命名的CSV文件）"
    )
    (problem,) = info.value.problems
    assert (problem.code, problem.file, problem.severity) == ("no_submission", XLSX, ERR)
    assert info.value._render_traceback_()[0] == "输入数据有误，无法继续："


def test_corrupt_workbook_raises_chinese_error(tmp_path):
    (tmp_path / XLSX).write_bytes(b"PK\x03\x04 this is not a workbook")
    before = _digests(tmp_path)
    with pytest.raises(SubmissionError) as info:
        load_submission(tmp_path, YEAR)
    assert _digests(tmp_path) == before
    (problem,) = info.value.problems
    assert (problem.code, problem.file, problem.severity, problem.expected) == ("unreadable_file", XLSX, ERR, ".xlsx工作簿")
    assert problem.message.startswith("无法作为Excel工作簿读取：")
