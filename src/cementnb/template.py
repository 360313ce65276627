"""The submission template: the .xlsx an institute hands to enterprises.

Generated from the column-metadata table (``data/columns.csv``) that also drives
validation, so the two can never disagree: Chinese headers with the unit in parentheses,
a comment on each header with its description, drop-down lists for enumerated columns,
an instructions sheet (填报说明) and the parameter/unit vocabulary of 月度数据 (参数与单位).

:func:`write_workbook` also fills the sheets with rows, which is how the sample
enterprises are made: template and samples are one code path.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from . import metadata as md

__all__ = ["write_workbook", "write_template", "INSTRUCTIONS_SHEET", "VOCABULARY_SHEET", "LISTS_SHEET"]

INSTRUCTIONS_SHEET = "填报说明"
VOCABULARY_SHEET = "参数与单位"
LISTS_SHEET = "_lists"
_FIXED_TIME = datetime(2025, 1, 1)  # workbook properties: no wall-clock time in generated files

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

_INSTRUCTIONS = [
    "水泥企业碳排放计量审查 报送模板",
    "",
    "1. 本工作簿由审查机构提供，请按各工作表的列填写，不要修改工作表名称和列标题。",
    "2. 列标题括号中为该列的单位；红色标题为必填列。把鼠标停在标题上可看到该列的说明。",
    "3. 带下拉箭头的列只能填写下拉列表中的值。多个主题用中文分号“；”分隔。",
    "4. 日期请使用日期格式单元格（如2025-03-05）；月份填写YYYY-MM文本（如2025-01）。",
    "5. 数字请填写在数字格式单元格中，不要带单位、文字或千位分隔符；数字请用半角字符。",
    "6. “月度数据”每月、每条生产线、每个对象、每个参数填一行；全厂数据的生产线编号填“全厂”。",
    "   数值的单位填在“单位”列，可用单位见“参数与单位”表。百分数填%，小数填1（例如CaO含量65%：数值65、单位%；或数值0.65、单位1）。",
    "7. 燃料消耗量、低位发热量等参数审查年度内每个月都必须有数据；缺数须在“估算记录”中登记估算方法、估算人和批准人。",
    "8. 统一社会信用代码为18位，第18位为校验码（GB 32100）。",
    "9. 计量器具的管理编号必须唯一；计量点、月度数据、校准结果、估算记录中引用的器具必须在“计量器具”表中登记。",
    "",
    "各工作表：",
]


def _header_cells(sheet_meta: pd.DataFrame) -> list[str]:
    return [md.header_label(row) for _, row in sheet_meta.iterrows()]


def _cell_value(value: Any, dtype: str) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if dtype == "list" and isinstance(value, (list, tuple)):
        return md.LIST_SEPARATOR.join(value)
    return value


def _add_list_validation(ws, lists_ws, list_col: int, values: list[str], target: str, prompt: str) -> None:
    for i, value in enumerate(values, start=1):
        lists_ws.cell(row=i, column=list_col, value=value)
    letter = get_column_letter(list_col)
    formula = f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(values)}"
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    dv.error = f"请从下拉列表中选择：{'、'.join(values)}"
    dv.errorTitle = "取值无效"
    dv.prompt = prompt
    ws.add_data_validation(dv)
    dv.add(target)


def write_workbook(
    path: str | Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    *,
    enterprise: Mapping[str, Any] | None = None,
    n_blank_rows: int = 500,
) -> Path:
    """Write the submission template, optionally filled with data.

    Parameters
    ----------
    path : str or Path
        The .xlsx to write (parent folders are created).
    rows : mapping, optional
        Sheet (Chinese name, e.g. ``"月度数据"``) -> list of rows, each a mapping from the
        English column name (``month``, ``line_id``...) to the value to write as is.
    enterprise : mapping, optional
        企业信息 values by English item name.
    n_blank_rows : int
        How many rows below the header get the drop-down validations.

    Returns
    -------
    Path
        The written file.
    """
    rows = rows or {}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.properties.creator = "cementnb"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    info_ws = wb.active
    info_ws.title = INSTRUCTIONS_SHEET
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists_ws.sheet_state = "hidden"
    list_col = 0

    for line in _INSTRUCTIONS:
        info_ws.append([line])
    info_ws["A1"].font = Font(bold=True, size=14)
    for _, sheet_row in md.sheets().iterrows():
        info_ws.append([f"· {sheet_row['sheet']}（{'必填' if sheet_row['required'] else '选填'}）：{sheet_row['description']}"])
    info_ws.append([])
    info_ws.append(["各列说明：", "", "", "", ""])
    info_ws.append(["工作表", "列标题", "必填", "可选值", "说明"])
    for _, col in md.columns().iterrows():
        info_ws.append([col["sheet"], md.header_label(col), "是" if col["required"] else "否",
                        "、".join(md.allowed_values(col["allowed"])), col["description"]])
    info_ws.column_dimensions["A"].width = 16
    info_ws.column_dimensions["B"].width = 26
    info_ws.column_dimensions["D"].width = 40
    info_ws.column_dimensions["E"].width = 80

    for _, sheet_row in md.sheets().iterrows():
        sheet = sheet_row["sheet"]
        meta = md.sheet_columns(sheet)
        ws = wb.create_sheet(sheet)
        if sheet_row["layout"] == "key_value":
            ws.append(["项目", "内容"])
            values = enterprise or {}
            for r, (_, item) in enumerate(meta.iterrows(), start=2):
                label_cell = ws.cell(row=r, column=1, value=md.header_label(item))
                label_cell.comment = Comment(item["description"], "cementnb")
                if item["required"]:
                    label_cell.font = Font(bold=True, color="C00000")
                value_cell = ws.cell(row=r, column=2, value=_cell_value(values.get(item["name"]), item["dtype"]))
                if item["dtype"] == "str" or item["dtype"] == "uscc":
                    value_cell.number_format = "@"
                if item["dtype"] == "enum":
                    list_col += 1
                    _add_list_validation(ws, lists_ws, list_col, md.allowed_values(item["allowed"]), f"B{r}", item["description"])
            for cell in ws[1]:
                cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            ws.column_dimensions["A"].width = 30
            ws.column_dimensions["B"].width = 40
            continue

        ws.append(_header_cells(meta))
        for c, (_, col) in enumerate(meta.iterrows(), start=1):
            cell = ws.cell(row=1, column=c)
            cell.font = _HEADER_FONT
            cell.fill = _REQUIRED_FILL if col["required"] else _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            allowed = md.allowed_values(col["allowed"])
            cell.comment = Comment(col["description"] + (f"\n可选值：{'、'.join(allowed)}" if allowed else ""), "cementnb")
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = max(12, min(30, 2 * len(md.header_label(col)) + 2))
            last = max(n_blank_rows, len(rows.get(sheet, ())) + 1)
            if col["dtype"] == "enum":
                list_col += 1
                _add_list_validation(ws, lists_ws, list_col, allowed, f"{letter}2:{letter}{last}", col["description"])
        ws.freeze_panes = "A2"
        names = list(meta["name"])
        dtypes = dict(zip(meta["name"], meta["dtype"]))
        for r, record in enumerate(rows.get(sheet, ()), start=2):
            for c, name in enumerate(names, start=1):
                value = _cell_value(record.get(name), dtypes[name])
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, datetime):
                    cell.number_format = _DATETIME_FORMAT if dtypes[name] == "datetime" else _DATE_FORMAT
                elif isinstance(value, date):
                    cell.number_format = _DATE_FORMAT
                elif dtypes[name] in ("month", "str") and isinstance(value, str):
                    cell.number_format = "@"
        for c, name in enumerate(names, start=1):  # empty rows: keep months and IDs as text
            if dtypes[name] in ("month", "str"):
                for r in range(len(rows.get(sheet, ())) + 2, min(n_blank_rows, 200) + 2):
                    ws.cell(row=r, column=c).number_format = "@"

    vocab_ws = wb.create_sheet(VOCABULARY_SHEET)
    vocab_ws.append(["对象", "燃料形态", "参数", "可用单位", "每月必填", "说明"])
    for _, spec in md.monthly_parameters().iterrows():
        obj = {"燃料": "各燃料名称", "替代原料": "各替代原料名称"}.get(spec["object_kind"], spec["object_kind"])
        vocab_ws.append([obj, spec["form"], spec["parameter_zh"], "、".join(md.allowed_values(spec["accepted_units"])),
                         "是" if spec["required"] else "否", spec["description"]])
    for cell in vocab_ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for letter, width in zip("ABCDEF", (14, 10, 18, 36, 10, 70)):
        vocab_ws.column_dimensions[letter].width = width

    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    wb.save(path)
    return path


def write_template(path: str | Path) -> Path:
    """Write the empty submission template (what ``cementnb template OUT.xlsx`` does)."""
    return write_workbook(path)
