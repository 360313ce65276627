"""Read an enterprise's submission into canonical pandas frames, and locate every problem.

A review folder holds ``submission.xlsx`` (or one CSV per sheet, named after the sheet,
e.g. ``月度数据.csv``), optionally ``readings/`` (meter readings) and ``record.xlsx``.
:func:`load_submission` reads everything it can, validates lazily, and returns a
:class:`Submission` whose frames hold the good rows (with their Excel row number in
``excel_row``) and whose ``problems`` table lists every problem found: file, sheet,
row as Excel numbers it, column, the value found, what was expected, in Chinese.

Nothing is modified: files are read, hashed and never written; values are converted to
canonical units in new columns (``value``/``unit``) next to what was reported
(``value_reported``/``unit_reported``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import metadata as md
from .parsing import (
    Note,
    Parsed,
    bounds_note,
    is_blank,
    parse_date,
    parse_datetime,
    parse_enum,
    parse_int,
    parse_list,
    parse_month,
    parse_number,
    parse_str,
    parse_uscc,
)
from .problems import ERROR, WARNING, ProblemLog, SubmissionError, nearest, suggestion
from .manifest import sha256_file  # one fingerprint function for inputs and run records
from .units import UnitError, conversion_factor, convert_values, normalize_unit

__all__ = [
    "Submission",
    "load_submission",
    "get_submission_problems",
    "assert_submission_valid",
    "read_text_table",
    "sha256_file",
]

SUBMISSION_FILE = "submission.xlsx"


@dataclass
class Submission:
    """One enterprise's submission for one review year, in canonical frames.

    Attributes
    ----------
    folder : Path
        The review folder.
    enterprise : dict
        企业信息 items by English name (``enterprise_name``, ``credit_code``, ``altitude_m``...).
    tables : dict of str to DataFrame
        One frame per sheet by English sheet name (``lines``, ``staff``, ``documents``,
        ``instruments``, ``points``, ``calibrations``, ``monthly``, ``fuels``,
        ``alt_materials``, ``reported``, ``estimations``), columns named by the metadata
        table, plus ``excel_row``.
    problems : DataFrame
        Every problem found (see :class:`cementnb.problems.Problem`).
    inputs : DataFrame
        Every input file read, with its SHA-256: the fingerprints of the record.
    """

    folder: Path
    enterprise: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    problems: pd.DataFrame
    inputs: pd.DataFrame
    review_year: int | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == ERROR]


def get_submission_problems(submission: Submission) -> pd.DataFrame:
    """The tidy problem table of a loaded submission (errors and warnings)."""
    return submission.problems.copy()


def assert_submission_valid(submission: Submission) -> None:
    """Raise :class:`SubmissionError` (Chinese message, every error located) if any error."""
    from .problems import Problem

    errors = submission.errors
    if len(errors):
        raise SubmissionError(
            Problem(**{k: (None if pd.isna(v) else v) for k, v in row.items()}) for row in errors.to_dict("records")
        )


# ----------------------------------------------------------------------------------------
# Reading files


def _decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with BOM, UTF-16 with BOM (Excel's "Unicode 文本"), UTF-8, else
    GB18030 (a superset of GBK). Raises UnicodeDecodeError when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def read_text_table(path: Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV (UTF-8 with/without BOM, GBK/GB18030) as raw strings, header in row 0."""
    import io

    text, encoding = _decode(Path(path).read_bytes())
    first = text.split("\n", 1)[0]
    sep = "\t" if "\t" in first and "," not in first else ","  # Excel's Unicode text is tab separated
    frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False, sep=sep)
    frame = frame.replace("", np.nan)
    return frame, encoding


def _read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """All sheets as raw objects (calamine: fast). calamine reads an error cell (#DIV/0!) as
    empty; :func:`_excel_errors` finds them when a cell was reported blank."""
    return pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="calamine")


def _excel_errors(path: Path) -> dict[tuple[str, int, str], str]:
    """(sheet, Excel row, column header without unit) -> error value, for every error cell."""
    import openpyxl

    errors: dict[tuple[str, int, str], str] = {}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            headers: list[str] = []
            for r, row in enumerate(ws.iter_rows(), start=1):
                if r == 1:
                    headers = [_split_header(c.value)[0] if c.value is not None else "" for c in row]
                    continue
                for c, cell in enumerate(row):
                    if getattr(cell, "data_type", None) == "e" and c < len(headers):
                        errors[(_norm(ws.title), r, headers[c])] = str(cell.value)
    finally:
        wb.close()
    return errors


def _explain_blank_errors(log: ProblemLog, workbook: Path) -> None:
    """Cells reported blank that hold an Excel error are reported as the error they are."""
    if not any(p.code == "required_blank" for p in log.problems):
        return
    errors = _excel_errors(workbook)
    for i, p in enumerate(log.problems):
        key = (p.sheet, p.row, p.column)
        if p.code == "required_blank" and key in errors:
            log.problems[i] = dataclasses.replace(
                p, code="excel_error", message=f"单元格为公式错误“{errors[key]}”", value=errors[key],
                expected="有效的数值或文本")


def _norm(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")


_HEADER_UNIT = re.compile(r"^(.*?)[(（]([^()（）]*)[)）]$")


def _split_header(text: Any) -> tuple[str, str | None]:
    """'熟料设计能力(t/d)' -> ('熟料设计能力', 't/d'); '姓名' -> ('姓名', None)."""
    normal = _norm(text)
    m = _HEADER_UNIT.match(normal)
    if m:
        return m.group(1), m.group(2)
    return normal, None


# ----------------------------------------------------------------------------------------
# Parsing a sheet against its column metadata


def _parse_cell(raw: Any, meta: pd.Series, declared_unit: str | None, text_source: bool) -> Parsed:
    dtype = meta["dtype"]
    if dtype == "str":
        return parse_str(raw)
    if dtype == "int":
        return parse_int(raw)
    if dtype in ("float", "fraction"):
        return parse_number(raw)
    if dtype == "enum":
        return parse_enum(raw, md.allowed_values(meta["allowed"]))
    if dtype == "list":
        return parse_list(raw, md.allowed_values(meta["allowed"]))
    if dtype == "date":
        parsed = parse_date(raw)
    elif dtype == "datetime":
        parsed = parse_datetime(raw)
    elif dtype == "month":
        return parse_month(raw)
    elif dtype == "uscc":
        return parse_uscc(raw)
    else:  # pragma: no cover - metadata error
        raise ValueError(f"unknown dtype {dtype!r} in columns.csv")
    if text_source and parsed.note is not None and parsed.note.code == "date_as_text":
        # In a CSV every date is text: only non-ISO spellings deserve a word.
        if re.match(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$", str(raw).strip()):
            return Parsed(parsed.value)
    return parsed


def _column_unit(meta: pd.Series, header_unit: str | None, log: ProblemLog, sheet: str, header: str,
                 row: int | None = None) -> tuple[float, bool]:
    """Factor from the unit declared in a header to the metadata unit (the declared unit
    decides, e.g. a 碳氧化率 column headed "(1)" holds fractions); (nan, False) if unusable."""
    unit = meta["unit"]
    if meta["dtype"] == "fraction":  # canonical value is a fraction; the header says % or 1
        header_unit = header_unit or unit
        target = "1"
    elif not unit or header_unit is None or _norm(header_unit) == _norm(unit):
        return 1.0, True
    else:
        target = unit
    try:
        return conversion_factor(header_unit, target), True
    except UnitError:
        if row is None:
            log.add(f"列标题中的单位“{header_unit}”无法识别或不能换算为“{unit}”，该列未读取",
                    code="unknown_unit", sheet=sheet, column=header, value=header_unit, expected=unit)
        else:  # a key-value sheet: the unit is in the item's label
            log.add(f"项目“{header}”中的单位“{header_unit}”无法识别或不能换算为“{unit}”，该项未读取",
                    code="unknown_unit", sheet=sheet, row=row, column="项目", value=header_unit, expected=unit)
        return float("nan"), False


def _fraction_bounds(name: str) -> tuple[float, float]:
    """Hard bounds of a fraction column: those of the monthly parameter of the same name
    (e.g. 碳氧化率 0.5–1, so 0.98 under a "%" header is caught), else 0–1."""
    vocab = md.monthly_parameters()
    rows = vocab[vocab["name"] == name]
    if rows.empty:
        return 0.0, 1.0
    return float(rows["min"].iloc[0]), float(rows["max"].iloc[0])


def _parse_table_sheet(raw: pd.DataFrame, sheet: str, log: ProblemLog, text_source: bool) -> pd.DataFrame:
    meta = md.sheet_columns(sheet)
    by_header = {row["header_zh"]: row for _, row in meta.iterrows()}
    out_cols = list(meta["name"]) + ["excel_row"]
    if raw.empty:
        log.add("工作表为空（没有标题行）", code="empty_sheet", sheet=sheet, expected="第1行为标题行")
        return pd.DataFrame(columns=out_cols)

    found: dict[str, tuple[int, str | None, str]] = {}  # header_zh -> (column index, unit, header text)
    unknown: list[tuple[int, str]] = []
    for idx, cell in enumerate(raw.iloc[0].tolist()):
        if is_blank(cell):
            continue
        base, unit = _split_header(cell)
        if base in by_header:
            if base in found:
                log.add(f"列“{base}”重复出现，仅读取第一列", code="duplicate_column", sheet=sheet, column=str(cell))
                continue
            found[base] = (idx, unit, str(cell))
        else:
            unknown.append((idx, str(cell)))

    missing = [h for h in meta["header_zh"] if h not in found]
    unknown_names = [_split_header(h)[0] for _, h in unknown]
    for header in missing:
        row = by_header[header]
        hint = nearest(header, unknown_names)
        hint_text = f"工作表中有列“{hint}”，是否为该列？" if hint else ""
        if row["required"]:
            log.add(f"缺少必填列“{header}”。{hint_text}", code="missing_column", sheet=sheet, column=header, expected=md.header_label(row))
    for _, header in unknown:
        base = _split_header(header)[0]
        hint = nearest(base, missing) or nearest(base, list(by_header))
        log.add(
            f"未识别的列“{header}”，已忽略。" + (f"是否应为“{hint}”？" if hint else ""),
            code="unknown_column",
            sheet=sheet,
            column=header,
            severity=WARNING,
        )

    body = raw.iloc[1:]
    blank = body.apply(lambda r: all(is_blank(v) for v in r), axis=1) if len(body) else pd.Series(dtype=bool)
    body = body[~blank]
    excel_rows = body.index.to_numpy() + 1  # raw index 0 is Excel row 1 (the header)

    data: dict[str, list[Any]] = {}
    row_ok = np.ones(len(body), dtype=bool)
    for _, col_meta in meta.iterrows():
        name, header = col_meta["name"], col_meta["header_zh"]
        if header not in found:
            data[name] = [None] * len(body)
            # The missing column is reported once. Rows stay usable for what they still say,
            # except when the row cannot be identified (key column) or interpreted (月度数据).
            if col_meta["required"] and (col_meta["unique"] or sheet == "月度数据"):
                row_ok[:] = False
            continue
        idx, header_unit, header_text = found[header]
        factor, usable = _column_unit(col_meta, header_unit, log, sheet, header_text)
        if not usable and col_meta["required"] and (col_meta["unique"] or sheet == "月度数据"):
            row_ok[:] = False  # reported once for the whole column; same rule as a missing column
        values: list[Any] = []
        for pos, raw_value in enumerate(body[idx].tolist()):
            parsed = _parse_cell(raw_value, col_meta, header_unit, text_source)
            value = parsed.value
            note = parsed.note
            if note is None and col_meta["dtype"] in ("float", "fraction") and usable and not pd.isna(value):
                value = value * factor
                if col_meta["dtype"] == "fraction":
                    lo, hi = _fraction_bounds(col_meta["name"])
                    note = bounds_note(value, parsed.value, header_unit or col_meta["unit"], lo, hi, "1")
                    if note is not None:
                        value = np.nan
                elif value < 0:
                    note = Note(ERROR, "negative", f"数值{parsed.value:g}为负数", "非负数")
                    value = np.nan
            if not usable:
                value = None
            if note is not None:
                log.add(note.message, code=note.code, sheet=sheet, row=excel_rows[pos], column=header,
                        value=raw_value, expected=note.expected, severity=note.severity)
            blank_value = value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT
            if col_meta["required"] and blank_value and usable:
                row_ok[pos] = False
                if note is None or note.severity != ERROR:
                    log.add("必填项为空", code="required_blank", sheet=sheet, row=excel_rows[pos], column=header,
                            value=raw_value, expected=md.header_label(col_meta))
            values.append(value)
        data[name] = values

    frame = pd.DataFrame(data, columns=list(meta["name"]))
    frame["excel_row"] = excel_rows.astype(int)
    for _, col_meta in meta[meta["unique"]].iterrows():
        name, header = col_meta["name"], col_meta["header_zh"]
        if header not in found:
            continue
        present = frame[frame[name].notna()]
        dup = present[present.duplicated(name, keep=False)]
        for value, group in dup.groupby(name, sort=False):
            rows = group["excel_row"].tolist()
            for r in rows[1:]:
                log.add(
                    f"“{header}”应唯一，“{value}”在第{'、'.join(map(str, rows))}行重复出现；仅使用第{rows[0]}行",
                    code="duplicate_key", sheet=sheet, row=r, column=header, value=value, expected="唯一值",
                )
            row_ok[frame.index.isin(group.index[1:])] = False
    return frame[row_ok].reset_index(drop=True)


def _parse_key_value_sheet(raw: pd.DataFrame, sheet: str, log: ProblemLog) -> dict[str, Any]:
    meta = md.sheet_columns(sheet)
    result: dict[str, Any] = {name: None for name in meta["name"]}
    if raw.empty or raw.shape[1] < 2:
        log.add("工作表应有“项目”“内容”两列", code="empty_sheet", sheet=sheet, expected="项目、内容两列")
        return result
    items: dict[str, tuple[int, Any, str | None, str]] = {}
    for idx in raw.index[1:]:
        label = raw.at[idx, raw.columns[0]]
        if is_blank(label):
            continue
        base, unit = _split_header(label)
        items.setdefault(base, (int(idx) + 1, raw.at[idx, raw.columns[1]], unit, str(label)))
    known = set(meta["header_zh"])
    for _, item in meta.iterrows():
        header = item["header_zh"]
        if header not in items:
            if item["required"]:
                hint = nearest(header, [k for k in items if k not in known])
                log.add(
                    f"缺少必填项目“{header}”。" + (f"表中有“{hint}”，是否为该项目？" if hint else ""),
                    code="missing_item", sheet=sheet, column="项目", expected=md.header_label(item),
                )
            continue
        excel_row, raw_value, header_unit, label = items[header]
        parsed = _parse_cell(raw_value, item, header_unit, False)
        value, note = parsed.value, parsed.note
        if note is None and item["dtype"] == "float" and not pd.isna(value):
            factor, usable = _column_unit(item, header_unit, log, sheet, label, row=excel_row)
            value = value * factor if usable else None
            if value is not None and value < 0 and item["name"] != "altitude_m":
                note = Note(ERROR, "negative", f"数值{parsed.value:g}为负数", "非负数")
                value = None
        if note is not None:
            log.add(note.message, code=note.code, sheet=sheet, row=excel_row, column="内容", value=raw_value,
                    expected=note.expected, severity=note.severity)
        if item["required"] and (value is None or (isinstance(value, float) and np.isnan(value))) and (
            note is None or note.severity != ERROR
        ):
            log.add(f"必填项目“{header}”的内容为空", code="required_blank", sheet=sheet, row=excel_row, column="内容",
                    expected=md.header_label(item))
        result[item["name"]] = None if isinstance(value, float) and np.isnan(value) else value
    for base, (excel_row, _, _, label) in items.items():
        if base not in known:
            log.add(
                f"未识别的项目“{label}”，已忽略。{suggestion(base, sorted(known))}",
                code="unknown_item", sheet=sheet, row=excel_row, column="项目", value=label, severity=WARNING,
            )
    return result


# ----------------------------------------------------------------------------------------
# Cross-sheet checks


def _check_references(tables: dict[str, pd.DataFrame], log: ProblemLog) -> dict[str, pd.DataFrame]:
    sheet_by_name = dict(zip(md.sheets()["name"], md.sheets()["sheet"]))
    name_by_sheet = {v: k for k, v in sheet_by_name.items()}
    cols = md.columns()
    for _, ref_meta in cols[cols["ref"] != ""].iterrows():
        target_sheet, target_header = ref_meta["ref"].split(".")
        target = tables.get(name_by_sheet[target_sheet])
        target_col = md.sheet_columns(target_sheet).set_index("header_zh").at[target_header, "name"]
        valid = set() if target is None else set(target[target_col].dropna())
        if target_sheet == "生产线":
            valid.add(md.SITE_LINE)
        src_name = name_by_sheet[ref_meta["sheet"]]
        frame = tables.get(src_name)
        if frame is None or frame.empty:
            continue
        col = ref_meta["name"]
        bad = frame[col].notna() & ~frame[col].isin(valid)
        for _, row in frame[bad].iterrows():
            log.add(
                f"引用了不存在的{target_sheet}“{row[col]}”（“{target_sheet}”表中没有该{target_header}）。{suggestion(str(row[col]), sorted(valid))}",
                code="unknown_reference", sheet=ref_meta["sheet"], row=row["excel_row"], column=ref_meta["header_zh"],
                value=row[col], expected=f"“{target_sheet}”表中已有的{target_header}",
            )
        if ref_meta["required"]:
            tables[src_name] = frame[~bad].reset_index(drop=True)
    return tables


def _object_kinds(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    """Monthly-data object name -> (object kind, fuel form)."""
    kinds = {name: (kind, "") for name, kind in md.FIXED_OBJECTS.items()}
    fuels = tables.get("fuels")
    if fuels is not None:
        for _, fuel in fuels.iterrows():
            kinds[fuel["fuel_name"]] = ("燃料", fuel["fuel_form"] or "")
    alt = tables.get("alt_materials")
    if alt is not None:
        for name in alt["material_name"].dropna():
            kinds.setdefault(name, ("替代原料", ""))
    return kinds


def _validate_monthly(monthly: pd.DataFrame, tables: dict[str, pd.DataFrame], year: int | None, log: ProblemLog) -> pd.DataFrame:
    """Resolve object kind and parameter, convert to canonical units, check bounds, months."""
    sheet = "月度数据"
    kinds = _object_kinds(tables)
    out = monthly.rename(columns={"value": "value_reported", "unit": "unit_reported", "parameter": "parameter_zh"}).copy()
    out["object_kind"] = None
    out["parameter"] = None
    out["value"] = np.nan
    out["unit"] = None
    ok = np.ones(len(out), dtype=bool)
    for pos, row in enumerate(out.itertuples(index=False)):
        excel_row = row.excel_row
        if year is not None and row.month is not None and not row.month.startswith(f"{year}-"):
            log.add(f"月份{row.month}不在审查年度{year}内", code="month_out_of_year", sheet=sheet, row=excel_row,
                    column="月份", value=row.month, expected=f"{year}-01～{year}-12")
            ok[pos] = False
            continue
        if row.object not in kinds:
            log.add(
                f"对象“{row.object}”未在“燃料”或“替代原料”表中登记，也不是熟料、电力、热力、水泥。{suggestion(row.object, sorted(kinds))}",
                code="unknown_object", sheet=sheet, row=excel_row, column="对象", value=row.object,
                expected="熟料、电力、热力、水泥，或已登记的燃料、替代原料名称",
            )
            ok[pos] = False
            continue
        kind, form = kinds[row.object]
        spec = md.lookup_parameter(kind, row.parameter_zh, form)
        if spec is None:
            valid = md.parameters_of_kind(kind)
            log.add(
                f"参数“{row.parameter_zh}”不适用于对象“{row.object}”（{kind}）。{suggestion(row.parameter_zh, valid)}",
                code="unknown_parameter", sheet=sheet, row=excel_row, column="参数", value=row.parameter_zh,
                expected="、".join(valid),
            )
            ok[pos] = False
            continue
        unit_text = unicodedata.normalize("NFKC", str(row.unit_reported)).strip()
        accepted = {unicodedata.normalize("NFKC", u): u for u in spec.accepted_units}
        if unit_text not in accepted:
            try:
                normalize_unit(unit_text)
                known = True
            except UnitError:
                known = False
            hint = suggestion(unit_text, spec.accepted_units) if not known else "可用值：" + "、".join(spec.accepted_units) + "。"
            log.add(
                ("未知单位" if not known else "该参数不接受单位") + f"“{row.unit_reported}”。{hint}",
                code="unknown_unit" if not known else "unit_not_accepted", sheet=sheet, row=excel_row, column="单位",
                value=row.unit_reported, expected="、".join(spec.accepted_units),
            )
            ok[pos] = False
            continue
        value = float(convert_values([row.value_reported], accepted[unit_text], spec.canonical_unit)[0])
        note = bounds_note(value, row.value_reported, accepted[unit_text], spec.min, spec.max, spec.canonical_unit)
        if note is not None:
            log.add(note.message, code=note.code, sheet=sheet, row=excel_row, column="数值", value=row.value_reported,
                    expected=note.expected, severity=note.severity)
            ok[pos] = False
            continue
        out.iat[pos, out.columns.get_loc("object_kind")] = kind
        out.iat[pos, out.columns.get_loc("parameter")] = spec.name
        out.iat[pos, out.columns.get_loc("value")] = value
        out.iat[pos, out.columns.get_loc("unit")] = spec.canonical_unit
    out = out[ok]

    key = ["month", "line_id", "object", "parameter"]
    dup = out[out.duplicated(key, keep=False)]
    drop = []
    for _, group in dup.groupby(key, sort=False):
        rows = group["excel_row"].tolist()
        first = group.iloc[0]
        for idx, r in zip(group.index[1:], rows[1:]):
            log.add(
                f"{first['month']} {first['line_id']} {first['object']}“{first['parameter_zh']}”重复填报（第{'、'.join(map(str, rows))}行）；仅使用第{rows[0]}行",
                code="duplicate_month", sheet=sheet, row=r, column="月份", value=first["month"], expected="每月每参数一行",
            )
            drop.append(idx)
    out = out.drop(index=drop)
    columns = ["month", "line_id", "object", "object_kind", "parameter", "parameter_zh", "value", "unit",
               "value_reported", "unit_reported", "data_source", "instrument_id", "remark", "excel_row"]
    return out[columns].sort_values(["line_id", "object", "parameter", "month"], kind="stable").reset_index(drop=True)


def _check_months(monthly: pd.DataFrame, tables: dict[str, pd.DataFrame], year: int | None, log: ProblemLog) -> None:
    """Every month of the review year for every required series; a gap is reported here
    and substituted (with its record) by the emission engine."""
    from .gaps import find_monthly_gaps

    if year is None:
        return
    gaps = find_monthly_gaps(monthly, tables["lines"], tables["fuels"], year, alt_materials=tables.get("alt_materials"))
    for (line, obj, name_zh), group in gaps.groupby(["line_id", "object", "parameter_zh"], sort=False):
        months = "、".join(group["month"])
        log.add(
            f"{line} {obj}“{name_zh}”缺少{len(group)}个月的数据：{months}",
            code="missing_month", sheet="月度数据", column="月份", value=None, expected=f"{year}年每月一行",
        )


# ----------------------------------------------------------------------------------------


def _empty_table(sheet: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(md.sheet_columns(sheet)["name"]) + ["excel_row"])


def load_submission(folder: str | Path, review_year: int | None = None) -> Submission:
    """Load and validate one enterprise's submission.

    Parameters
    ----------
    folder : str or Path
        The review folder (holding ``submission.xlsx`` or one CSV per sheet), or the
        workbook itself.
    review_year : int, optional
        The review year; months outside it are errors. Defaults to the workbook's 审查年度.

    Returns
    -------
    Submission
        Good rows in canonical frames, plus the table of every problem.

    Raises
    ------
    SubmissionError
        Only when there is nothing to read (no folder, no workbook and no CSV).
    """
    path = Path(folder)
    workbook = path if path.suffix.lower() in (".xlsx", ".xlsm") else path / SUBMISSION_FILE
    folder = workbook.parent if path.suffix else path
    log = ProblemLog(file=workbook.name)
    sheet_meta = md.sheets()

    raw_sheets: dict[str, pd.DataFrame] = {}
    files: list[dict[str, Any]] = []
    text_source = False
    if workbook.is_file():
        try:
            raw_sheets = {_norm(k): v for k, v in _read_workbook(workbook).items()}
        except Exception as exc:  # calamine raises several types for corrupt files
            log.add(f"无法作为Excel工作簿读取：{exc}", code="unreadable_file", expected=".xlsx工作簿")
            raise SubmissionError(log.problems) from None
        files.append({"file": workbook.name, "sha256": sha256_file(workbook), "encoding": "xlsx"})
        source_of = {k: workbook.name for k in raw_sheets}
    else:
        csvs = {p.stem: p for p in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}
        if not csvs:
            log.add(f"找不到报送文件：{workbook}（也没有按工作表命名的CSV文件）", code="no_submission",
                    expected=f"{SUBMISSION_FILE}，或“月度数据.csv”等CSV文件")
            raise SubmissionError(log.problems)
        text_source = True
        source_of = {}
        for stem, csv_path in csvs.items():
            source_of[_norm(stem)] = csv_path.name
            try:
                raw_sheets[_norm(stem)], encoding = read_text_table(csv_path)
            except (UnicodeDecodeError, pd.errors.ParserError) as exc:
                log.add(f"无法读取该CSV文件（编码应为UTF-8、UTF-16或GBK/GB18030）：{exc}", code="unreadable_file",
                        file=csv_path.name, sheet=_norm(stem), expected="UTF-8、UTF-16或GBK/GB18030编码的CSV")
                raw_sheets[_norm(stem)], encoding = pd.DataFrame(), "unreadable"
            files.append({"file": csv_path.name, "sha256": sha256_file(csv_path), "encoding": encoding})

    expected_sheets = list(sheet_meta["sheet"])
    from .template import INSTRUCTIONS_SHEET, LISTS_SHEET, VOCABULARY_SHEET

    for aux in (INSTRUCTIONS_SHEET, LISTS_SHEET, VOCABULARY_SHEET):
        raw_sheets.pop(aux, None)
    for present in raw_sheets:
        if present not in expected_sheets:
            hint = nearest(present, [s for s in expected_sheets if s not in raw_sheets])
            log.add(f"未识别的工作表“{present}”，已忽略。" + (f"是否应为“{hint}”？" if hint else ""),
                    code="unknown_sheet", sheet=present, severity=WARNING, file=source_of.get(present))

    enterprise: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}
    for _, sheet_row in sheet_meta.iterrows():
        sheet, name = sheet_row["sheet"], sheet_row["name"]
        sheet_log = ProblemLog(file=source_of.get(sheet, log.file))
        if sheet not in raw_sheets:
            if sheet_row["required"]:
                hint = nearest(sheet, [s for s in raw_sheets if s not in expected_sheets])
                log.add(f"缺少工作表“{sheet}”。" + (f"工作簿中有“{hint}”，是否为该表？" if hint else ""),
                        code="missing_sheet", sheet=sheet, expected=sheet)
            if sheet_row["layout"] == "key_value":
                enterprise = {n: None for n in md.sheet_columns(sheet)["name"]}
            else:
                tables[name] = _empty_table(sheet)
            continue
        raw = raw_sheets[sheet]
        if sheet_row["layout"] == "key_value":
            enterprise = _parse_key_value_sheet(raw, sheet, sheet_log)
        else:
            tables[name] = _parse_table_sheet(raw, sheet, sheet_log, text_source)
            if sheet_row["required"] and tables[name].empty and not sheet_log.errors:
                sheet_log.add("工作表没有数据行", code="empty_sheet", sheet=sheet, expected="至少一行数据")
        log.extend(sheet_log)

    year = review_year if review_year is not None else enterprise.get("review_year")
    if review_year is not None and enterprise.get("review_year") not in (None, review_year):
        log.add(f"企业信息中的审查年度{enterprise['review_year']}与本次审查年度{review_year}不一致",
                code="year_mismatch", sheet="企业信息", column="内容", value=enterprise["review_year"], expected=str(review_year))
    if "line_id" in tables["lines"]:
        reserved = tables["lines"]["line_id"] == md.SITE_LINE
        for _, row in tables["lines"][reserved].iterrows():
            log.add("“全厂”为保留字，不能用作生产线编号", code="reserved_line_id", sheet="生产线", row=row["excel_row"],
                    column="生产线编号", value=md.SITE_LINE, expected="其他编号，如L1")
        tables["lines"] = tables["lines"][~reserved].reset_index(drop=True)

    tables = _check_references(tables, log)
    tables["monthly"] = _validate_monthly(tables["monthly"], tables, year, log)
    _check_months(tables["monthly"], tables, year, log)

    if not text_source:
        _explain_blank_errors(log, workbook)
    if text_source:  # checks logged against the workbook name: name the sheet's CSV instead
        log.problems = [
            dataclasses.replace(p, file=source_of.get(p.sheet, f"{p.sheet}.csv"))
            if p.file == log.file and p.sheet else p
            for p in log.problems
        ]
    return Submission(
        folder=folder,
        enterprise=enterprise,
        tables=tables,
        problems=log.to_frame(),
        inputs=pd.DataFrame(files, columns=["file", "sha256", "encoding"]),
        review_year=year,
    )
