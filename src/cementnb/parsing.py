"""Cell parsers: one raw cell in, a typed value and at most one located note out.

A parser never raises for bad input. It returns :class:`Parsed`, whose ``note`` (when
not None) says what was wrong or what was interpreted, in Chinese, with its severity:

- 错误 (error): the value cannot be used; it becomes missing (NaN/None).
- 警告 (warning): the value was unambiguous and is used as read (full-width digits,
  a date typed as text or given as an Excel serial number); the user is told so.

Nothing is guessed: a value that could mean two things is an error.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from stdnum.cn import uscc as _uscc

from .problems import ERROR, WARNING, suggestion

__all__ = [
    "Parsed",
    "Note",
    "is_blank",
    "parse_number",
    "parse_int",
    "parse_str",
    "parse_enum",
    "parse_list",
    "parse_date",
    "parse_datetime",
    "parse_month",
    "parse_uscc",
    "bounds_note",
]

EXCEL_EPOCH = datetime(1899, 12, 30)
MAX_EXCEL_SERIAL = 2958465  # 9999-12-31


@dataclass(frozen=True)
class Note:
    severity: str
    code: str
    message: str
    expected: str


@dataclass(frozen=True)
class Parsed:
    value: Any
    note: Note | None = None


def is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if raw is pd.NaT:
        return True
    return isinstance(raw, str) and raw.strip() == ""


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(raw: Any) -> Parsed:
    """A float from a numeric cell, or from text holding a plain number."""
    if is_blank(raw):
        return Parsed(math.nan)
    if isinstance(raw, bool):
        return Parsed(math.nan, Note(ERROR, "not_a_number", f"“{raw}”不是数字", "数字"))
    if isinstance(raw, (int, float)):
        return Parsed(float(raw))
    if isinstance(raw, (datetime, date)):
        shown = pd.Timestamp(raw).isoformat(sep=" ").removesuffix(" 00:00:00")
        return Parsed(math.nan, Note(ERROR, "not_a_number", f"单元格是日期“{shown}”，不是数字", "数字"))
    text = str(raw).strip()
    normal = _nfkc(text)
    notes = []
    if normal != text:
        notes.append("全角字符已按半角读取")
    if _THOUSANDS.match(normal):
        normal = normal.replace(",", "")
        notes.append("千位分隔符已去除")
    try:
        value = float(normal)
    except ValueError:
        return Parsed(math.nan, Note(ERROR, "not_a_number", f"“{text}”不是数字", "数字（不含文字、单位或符号）"))
    if math.isnan(value) or math.isinf(value):
        return Parsed(math.nan, Note(ERROR, "not_a_number", f"“{text}”不是有效数字", "数字"))
    if notes:
        code = "fullwidth_digits" if "全角字符已按半角读取" in notes else "text_number"
        return Parsed(
            value,
            Note(WARNING, code, f"数字以文本“{text}”填写，" + "，".join(notes) + f"，读作{value:g}", "数字格式单元格"),
        )
    return Parsed(value)


def parse_int(raw: Any) -> Parsed:
    parsed = parse_number(raw)
    if parsed.note and parsed.note.severity == ERROR or math.isnan(parsed.value):
        return Parsed(None, parsed.note)
    if not float(parsed.value).is_integer():
        return Parsed(None, Note(ERROR, "not_an_integer", f"“{raw}”不是整数", "整数"))
    return Parsed(int(parsed.value), parsed.note)


def parse_str(raw: Any) -> Parsed:
    """Text as written (numbers typed in an ID column become their plain digits)."""
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, float) and raw.is_integer():
        return Parsed(str(int(raw)))
    if isinstance(raw, (datetime, date)):
        return Parsed(pd.Timestamp(raw).strftime("%Y-%m-%d"))
    return Parsed(str(raw).strip())


def parse_enum(raw: Any, allowed: list[str]) -> Parsed:
    parsed = parse_str(raw)
    if parsed.value is None:
        return parsed
    value = _nfkc(parsed.value)
    if value in allowed:
        return Parsed(value)
    return Parsed(
        None,
        Note(ERROR, "not_allowed", f"“{parsed.value}”不是允许的取值。{suggestion(value, allowed)}", "、".join(allowed)),
    )


_LIST_SPLIT = re.compile(r"[；;，,、/\n]+")


def parse_list(raw: Any, allowed: list[str]) -> Parsed:
    """Several allowed values separated by ；(also ; ， , 、 accepted)."""
    parsed = parse_str(raw)
    if parsed.value is None:
        return parsed
    items = [_nfkc(x) for x in _LIST_SPLIT.split(parsed.value) if x.strip()]
    bad = [x for x in items if x not in allowed]
    if bad:
        hints = "；".join(f"“{x}”{suggestion(x, allowed)}" for x in bad)
        return Parsed(
            tuple(x for x in items if x in allowed),
            Note(ERROR, "not_allowed", f"包含不允许的取值：{hints}", "、".join(allowed)),
        )
    return Parsed(tuple(items))


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_TIME_SUFFIX = re.compile(r"^(.*?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _from_serial(value: float) -> pd.Timestamp:
    return pd.Timestamp(EXCEL_EPOCH + timedelta(days=float(value))).round("s")


def parse_datetime(raw: Any, *, date_only: bool = False) -> Parsed:
    """A timestamp from a date cell, an Excel serial number, or unambiguous text."""
    if is_blank(raw):
        return Parsed(pd.NaT)
    if isinstance(raw, bool):
        return Parsed(pd.NaT, Note(ERROR, "not_a_date", f"“{raw}”不是日期", "日期，如2025-03-05"))
    if isinstance(raw, (datetime, date, pd.Timestamp)):
        ts = pd.Timestamp(raw)
        return Parsed(ts.normalize() if date_only else ts)
    if isinstance(raw, (int, float)):
        if 1 <= raw <= MAX_EXCEL_SERIAL:
            ts = _from_serial(raw)
            ts = ts.normalize() if date_only else ts
            shown = ts.strftime("%Y-%m-%d") if date_only else str(ts)
            return Parsed(
                ts,
                Note(
                    WARNING,
                    "excel_serial_date",
                    f"日期以Excel序列号{raw:g}给出，已按1899-12-30起算读作{shown}；请将单元格设为日期格式",
                    "日期格式单元格",
                ),
            )
        return Parsed(pd.NaT, Note(ERROR, "not_a_date", f"“{raw:g}”不是日期", "日期，如2025-03-05"))
    text = str(raw).strip()
    normal = _nfkc(text)
    time_part = (0, 0, 0)
    match = _TIME_SUFFIX.match(normal)
    if match and not date_only:
        normal = match.group(1).strip()
        time_part = (int(match.group(2)), int(match.group(3)), int(match.group(4) or 0))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(normal)
        if m:
            try:
                ts = pd.Timestamp(datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), *time_part))
            except ValueError:
                return Parsed(pd.NaT, Note(ERROR, "not_a_date", f"“{text}”不是有效日期", "日期，如2025-03-05"))
            shown = ts.strftime("%Y-%m-%d") if time_part == (0, 0, 0) else str(ts)
            return Parsed(
                ts,
                Note(WARNING, "date_as_text", f"日期以文本“{text}”填写，已读作{shown}；请使用日期格式单元格", "日期格式单元格"),
            )
    return Parsed(pd.NaT, Note(ERROR, "not_a_date", f"“{text}”不是可识别的日期", "日期，如2025-03-05"))


def parse_date(raw: Any) -> Parsed:
    return parse_datetime(raw, date_only=True)


_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]


def parse_month(raw: Any) -> Parsed:
    """A month as 'YYYY-MM' text. Excel turns '2025-01' into a date: day 1 is accepted."""
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, (datetime, date, pd.Timestamp)):
        ts = pd.Timestamp(raw)
        if ts.day != 1:
            return Parsed(
                None, Note(ERROR, "not_a_month", f"“{ts.strftime('%Y-%m-%d')}”是日期而非月份", "月份，格式YYYY-MM，如2025-01")
            )
        return Parsed(ts.strftime("%Y-%m"))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        parsed = parse_date(raw)
        if parsed.value is pd.NaT or parsed.value.day != 1:
            return Parsed(None, Note(ERROR, "not_a_month", f"“{raw:g}”不是月份", "月份，格式YYYY-MM，如2025-01"))
        return Parsed(parsed.value.strftime("%Y-%m"), parsed.note)
    text = str(raw).strip()
    normal = _nfkc(text)
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(normal)
        if m and 1 <= int(m.group(2)) <= 12:
            return Parsed(f"{int(m.group(1)):04d}-{int(m.group(2)):02d}")
    return Parsed(None, Note(ERROR, "not_a_month", f"“{text}”不是可识别的月份", "月份，格式YYYY-MM，如2025-01"))


def parse_uscc(raw: Any) -> Parsed:
    """An 18-character unified social credit code, check character per GB 32100-2015 §4."""
    parsed = parse_str(raw)
    if parsed.value is None:
        return parsed
    code = _nfkc(parsed.value).replace(" ", "").upper()
    expected = "18位统一社会信用代码（GB 32100）"
    if len(code) != 18:
        return Parsed(None, Note(ERROR, "uscc_length", f"统一社会信用代码应为18位，实为{len(code)}位", expected))
    try:
        _uscc.validate(code)
    except _uscc.InvalidChecksum:
        right = _uscc.calc_check_digit(code[:17])
        return Parsed(
            None,
            Note(ERROR, "uscc_checksum", f"统一社会信用代码校验位错误：第18位为“{code[17]}”，按GB 32100应为“{right}”", expected),
        )
    except _uscc.ValidationError:
        return Parsed(
            None,
            Note(ERROR, "uscc_format", "统一社会信用代码含有不允许的字符或无效的登记管理部门、机构类别代码", expected),
        )
    return Parsed(code)


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def bounds_note(value: float, reported: float, unit_reported: str, lo: float | None, hi: float | None,
                canonical_unit: str) -> Note | None:
    """Check a converted value against hard bounds [lo, hi] (canonical unit).

    For fractions, a value that would fit the bounds if it were a percent (or the reverse)
    gets a message that says so; the declared unit is what counts, nothing is guessed.
    """
    if math.isnan(value):
        return None
    if value < 0 and (lo is None or lo >= 0):
        return Note(ERROR, "negative", f"数值{_fmt(reported)}为负数", "非负数")
    too_low = lo is not None and value < lo
    too_high = hi is not None and value > hi
    if not (too_low or too_high):
        return None
    if canonical_unit == "1":
        shown = f"[{_fmt(lo * 100)}%, {_fmt(hi * 100)}%]"
        expected = f"{_fmt(lo * 100)}～{_fmt(hi * 100)}（单位%）或{_fmt(lo)}～{_fmt(hi)}（单位1）"
        unit_is_percent = unit_reported.strip() in ("%", "％")
        if unit_is_percent and lo <= reported <= hi:
            return Note(
                ERROR,
                "percent_fraction_mixup",
                f"单位为“%”，数值{_fmt(reported)}即{_fmt(value)}，超出合理范围{shown}；该数值像是小数形式，若是，请将单位改为“1”或将数值改为{_fmt(reported * 100)}",
                expected,
            )
        if not unit_is_percent and lo <= reported / 100 <= hi:
            return Note(
                ERROR,
                "percent_fraction_mixup",
                f"单位为“{unit_reported}”（小数），数值{_fmt(reported)}超出合理范围{shown}；该数值像是百分数，若是，请将单位改为“%”",
                expected,
            )
        return Note(ERROR, "out_of_range", f"数值{_fmt(reported)}{unit_reported}超出合理范围{shown}", expected)
    rng = f"[{_fmt(lo) if lo is not None else '-∞'}, {_fmt(hi) if hi is not None else '∞'}] {canonical_unit}"
    return Note(ERROR, "out_of_range", f"数值{_fmt(reported)}（{unit_reported}）换算后为{_fmt(value)} {canonical_unit}，超出合理范围{rng}", rng)
