"""Meter readings (``readings/*.csv`` or ``*.parquet``) in long format, validated lazily.

Files: ``*.csv``, ``*.csv.gz`` or ``*.parquet``. Columns (Chinese or English header): 管理编号/``meter_id``, 时间/``timestamp`` (local time
Asia/Shanghai, no DST), 数值/``value``, optionally 单位/``unit``. CSV files may be UTF-8 with
or without BOM, or GBK/GB18030. A year of 1-minute readings for hundreds of meters is
10^7–10^8 rows, so parsing is vectorised; problems are reported per file and kind with the
first offending lines (line numbers as a text editor shows them, header = line 1) and a
count, and bad rows are dropped while the good ones are kept.
"""

from __future__ import annotations

import gzip
import io
import unicodedata
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .loader import _decode, sha256_file
from .problems import ProblemLog, suggestion

__all__ = ["READING_COLUMNS", "load_readings"]

#: Canonical column -> accepted headers.
READING_COLUMNS = {
    "meter_id": ("管理编号", "meter_id", "器具管理编号"),
    "timestamp": ("时间", "timestamp", "采集时间"),
    "value": ("数值", "value", "读数"),
    "unit": ("单位", "unit"),
}
_REQUIRED = ("meter_id", "timestamp", "value")
_SHOWN = 5  # offending lines named per problem


def _read_file(path: Path) -> tuple[pd.DataFrame, str]:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path).astype(str).replace({"None": None, "nan": None}), "parquet"
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    text, encoding = _decode(data)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""]), encoding


def _lines(index: Iterable[int]) -> str:
    idx = list(index)
    shown = "、".join(str(i + 2) for i in idx[:_SHOWN])
    return shown + (f" 等{len(idx)}行" if len(idx) > _SHOWN else "")


def load_readings(folder: str | Path, known_meters: Iterable[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read every readings file of a review folder.

    Parameters
    ----------
    folder : path
        The ``readings/`` folder (or a review folder holding one).
    known_meters : iterable of str, optional
        Instrument IDs of the ledger (计量器具.管理编号); other IDs are errors.

    Returns
    -------
    readings : DataFrame
        meter_id, timestamp (naive local time), value, unit, file, line.
    problems : DataFrame
        Problem table (see :mod:`cementnb.problems`).
    inputs : DataFrame
        file, sha256, encoding of every file read.
    """
    folder = Path(folder)
    if (folder / "readings").is_dir():
        folder = folder / "readings"
    log = ProblemLog(file=folder.name)
    frames, inputs = [], []
    files = sorted(p for p in folder.glob("*") if p.name.lower().endswith((".csv", ".csv.gz", ".parquet"))) \
        if folder.is_dir() else []
    known = set(known_meters) if known_meters is not None else None
    for path in files:
        name = path.name
        raw, encoding = _read_file(path)
        inputs.append({"file": f"readings/{name}", "sha256": sha256_file(path), "encoding": encoding})
        headers = {unicodedata.normalize("NFKC", str(h)).strip(): h for h in raw.columns}
        mapping = {}
        for canonical, accepted in READING_COLUMNS.items():
            found = next((headers[a] for a in accepted if a in headers), None)
            if found is not None:
                mapping[found] = canonical
            elif canonical in _REQUIRED:
                log.add(f"缺少列“{accepted[0]}”。{suggestion(accepted[0], list(headers))}", code="missing_column",
                        file=name, sheet=None, column=accepted[0], expected="、".join(accepted))
        if any(c not in mapping.values() for c in _REQUIRED):
            continue
        frame = raw.rename(columns=mapping)[[c for c in READING_COLUMNS if c in mapping.values()]].copy()
        frame["meter_id"] = frame["meter_id"].str.strip()
        ts_text = frame["timestamp"].astype("string").str.strip()
        ts = pd.to_datetime(ts_text, errors="coerce", format="ISO8601")
        bad_ts = ts.isna()
        if bad_ts.any():
            first = frame.index[bad_ts][0]
            log.add(f"时间无法识别（第{_lines(frame.index[bad_ts])}）", code="not_a_date", file=name,
                    row=first + 2, column="时间", value=ts_text[first], expected="YYYY-MM-DD HH:MM[:SS]")
        text = frame["value"].astype("string")
        value = pd.to_numeric(text, errors="coerce")
        retry = value.isna() & text.notna()
        if retry.any():  # full-width digits: read, and say so
            normal = text[retry].map(lambda s: unicodedata.normalize("NFKC", s).strip())
            value.loc[retry] = pd.to_numeric(normal, errors="coerce")
            fixed = retry & value.notna()
            if fixed.any():
                first = frame.index[fixed][0]
                log.add(f"数值含全角字符，已按半角读取（第{_lines(frame.index[fixed])}）", code="fullwidth_digits",
                        file=name, row=first + 2, column="数值", value=text[first], expected="半角数字", severity="警告")
        bad_value = value.isna()
        if bad_value.any():
            first = frame.index[bad_value][0]
            log.add(f"数值不是数字（第{_lines(frame.index[bad_value])}）", code="not_a_number", file=name,
                    row=first + 2, column="数值", value=text[first], expected="数字")
        unknown = pd.Series(False, index=frame.index)
        if known is not None:
            unknown = ~frame["meter_id"].isin(known)
            for meter, rows in frame[unknown].groupby("meter_id", sort=True).groups.items():
                log.add(f"计量器具“{meter}”不在计量器具台账中（{len(rows)}行，第{_lines(rows)}）。{suggestion(meter, sorted(known))}",
                        code="unknown_reference", file=name, row=rows[0] + 2, column="管理编号", value=meter,
                        expected="“计量器具”表中已有的管理编号")
        ok = ~(bad_ts | bad_value | unknown)
        good = pd.DataFrame({
            "meter_id": frame.loc[ok, "meter_id"].astype(str),
            "timestamp": ts[ok].astype("datetime64[ns]"),
            "value": value[ok].astype(float),
            "unit": frame.loc[ok, "unit"] if "unit" in frame else None,
            "file": name,
            "line": (frame.index[ok] + 2).astype(np.int64),
        })
        frames.append(good)
    readings = (pd.concat(frames, ignore_index=True) if frames else
                pd.DataFrame(columns=["meter_id", "timestamp", "value", "unit", "file", "line"]))
    readings = readings.sort_values(["meter_id", "timestamp"], kind="stable").reset_index(drop=True)
    return readings, log.to_frame(), pd.DataFrame(inputs, columns=["file", "sha256", "encoding"])
