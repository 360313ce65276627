"""Data-quality statistics on meter readings (review items 37, 38, 42; Hubei 4.4).

The checks take the readings frame of :func:`cementnb.readings.load_readings` (meter_id,
timestamp as naive local time, value, unit, file, line) and the 计量器具 ledger with its
English column names (instrument_id, collection_interval 采集周期, reading_kind 读数类型,
optionally status 状态). Each check returns a tidy DataFrame whose column names carry their
unit, with a Chinese evidence sentence ``message_zh`` per flagged row;
:func:`readings_quality` runs them all for a review year and returns one table of flags
and a per-meter summary. The gaps found are also what item 43 (estimation records) must
cover; matching them against 估算记录 is left to the caller.

Conventions
-----------
* Grid. A meter with collection interval Δ [min] is expected to report at the slots
  ``start + kΔ``, k = 0 … N − 1, N = (end − start) / Δ, over a period [start, end). A
  reading belongs to the nearest slot, ``k = round((t − start) / Δ)``; several readings in
  one slot count once. Meters collected monthly (1月) have one slot per calendar month; meters
  collected per batch (按批次) have no expected grid.
* Interval quantities. A cumulative register (累计值) is differenced: the quantity
  ``q_i = v_i − v_(i−1)`` covers [t_(i−1), t_i). An interval quantity (区间量) is taken as
  is and covers [t_i, t_i + Δ) (labelled by the interval's start, like the grid). Across a
  documented meter change the difference is unknown and left NaN.
* Thresholds (completeness ≥ 90 %, daily sums within 5 % of monthly totals, the stuck run
  length, the Hampel window and k) come from ``data/data_quality_thresholds.csv`` with their
  source and confidence; every function takes an explicit override.

Complexity
----------
Work is vectorised with numpy per meter; Python loops run over meters, months and flagged
runs only, never over readings. For n readings of one meter: sorting O(n log n); gaps,
completeness, runs, rollbacks and daily sums O(n); the Hampel filter O(n·W log W) time for
a window of W readings, computed in chunks so that memory stays O(chunk·W). Measured: about
2 s for the Hampel filter and 4 s for :func:`readings_quality` as a whole per 10^6 readings
(W = 49, one CPU core).

References
----------
.. [1] JJF 1356-2012 重点用能单位能源计量审查规范, review items 37, 38, 42, 43.
.. [2] GB 17167-2006 用能单位能源计量器具配备和管理通则, §5.4 (energy metering data).
.. [3] Hampel F R (1974), The influence curve and its role in robust estimation, JASA 69,
   383–393; Pearson R K (1999), Data cleaning for dynamic modeling and control, ECC.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from scipy.stats import median_abs_deviation

from . import metadata as md

__all__ = [
    "CUMULATIVE",
    "INTERVAL",
    "CHECKS_ZH",
    "threshold_table",
    "threshold",
    "expected_interval",
    "interval_quantities",
    "find_gaps",
    "longest_gaps",
    "completeness",
    "stuck_runs",
    "negative_quantities",
    "rollbacks",
    "hampel_outliers",
    "daily_vs_monthly",
    "readings_quality",
    "ReadingsQuality",
]

#: 读数类型 values of the ledger.
CUMULATIVE = "累计值"
INTERVAL = "区间量"
#: Collection intervals without a fixed grid.
MONTHLY = ("1月", "按月", "每月")
BATCH = ("按批次", "批次")
#: Chinese names of the checks (for reports).
CHECKS_ZH = {
    "gap": "缺数",
    "completeness": "数据完整率",
    "stuck": "读数停滞",
    "negative": "区间量为负",
    "rollback": "累计值回退",
    "outlier": "异常值",
    "daily_vs_monthly": "日累计与月度数据偏差",
}
FLAG_COLUMNS = ["meter_id", "check", "check_zh", "period_start", "period_end", "value", "value_unit", "threshold",
                "file", "line", "message_zh"]
_NS_PER_MIN = 60 * 10**9
_CHUNK = 1 << 16  # Hampel windows evaluated at once (memory: chunk × W floats)
_UNIT_WORDS = {"分钟": "min", "分": "min", "小时": "h", "时": "h", "天": "d", "日": "d", "秒": "s"}


# --------------------------------------------------------------------------- thresholds
def threshold_table() -> pd.DataFrame:
    """The packaged data-quality thresholds (``data/data_quality_thresholds.csv``).

    Returns
    -------
    DataFrame
        key, check, value [float], unit, description_zh, source, edition, clause, confidence
        (read / impl / secondary / open).
    """
    frame = md.read_table("data_quality_thresholds.csv").copy()
    frame["value"] = frame["value"].astype(float)
    return frame


def threshold(key: str, overrides: Mapping[str, float] | None = None) -> float:
    """One threshold by key, from ``overrides`` if given there, else from the table."""
    if overrides and key in overrides:
        return float(overrides[key])
    table = threshold_table()
    rows = table[table["key"] == key]
    if rows.empty:
        raise KeyError(f"阈值表中没有“{key}”（见 data_quality_thresholds.csv）")
    return float(rows["value"].iloc[0])


def _pick(value: float | None, key: str) -> float:
    return threshold(key) if value is None else float(value)


# --------------------------------------------------------------------------- intervals
def _norm_text(text: object) -> str:
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")


def expected_interval(collection_interval: object) -> pd.Timedelta | None:
    """The time between two expected readings for a ledger 采集周期.

    Parameters
    ----------
    collection_interval : str
        ``1min``, ``5min``, ``15min``, ``30min``, ``1h``, ``1d`` (also ``15分钟``, ``1小时``,
        ``1天``), ``1月`` or ``按批次``.

    Returns
    -------
    Timedelta or None
        Δ; None for monthly (1月) and per-batch (按批次) collection and for an empty cell.

    Raises
    ------
    ValueError
        Text that is not a collection interval (Chinese message).
    """
    text = _norm_text(collection_interval)
    if not text or text in MONTHLY or text in BATCH:
        return None
    for word, unit in _UNIT_WORDS.items():
        if text.endswith(word):
            text = text[: -len(word)] + unit
            break
    if text.endswith("d"):
        text = text[:-1] + "D"  # pandas spells days "D"
    try:
        delta = pd.Timedelta(text)
    except ValueError:
        raise ValueError(f"采集周期“{collection_interval}”无法识别，应为1min、5min、15min、30min、1h、1d、1月或按批次") from None
    if delta <= pd.Timedelta(0):
        raise ValueError(f"采集周期“{collection_interval}”不是正的时间间隔")
    return delta


def _is_monthly(collection_interval: object) -> bool:
    return _norm_text(collection_interval) in MONTHLY


@dataclass(frozen=True)
class _Meter:
    meter_id: str
    kind: str  # 累计值 / 区间量 / ""
    interval_text: str
    delta_ns: int | None  # fixed grid step, None for monthly / batch / unknown
    monthly: bool
    note_zh: str  # why a check could not run


def _ledger(instruments: pd.DataFrame) -> dict[str, _Meter]:
    """Per meter: reading kind and interval from the ledger (stopped instruments excluded)."""
    out: dict[str, _Meter] = {}
    if instruments is None or len(instruments) == 0:
        return out
    cols = instruments.columns
    for row in instruments.itertuples(index=False):
        rec = row._asdict()
        meter = _norm_text(rec.get("instrument_id"))
        if not meter:
            continue
        status = _norm_text(rec.get("status")) if "status" in cols else ""
        if status == "停用":
            continue
        text = _norm_text(rec.get("collection_interval")) if "collection_interval" in cols else ""
        kind = _norm_text(rec.get("reading_kind")) if "reading_kind" in cols else ""
        note = []
        try:
            delta = expected_interval(text)
        except ValueError as exc:
            delta, note = None, [str(exc)]
        if not text:
            note.append("台账未填采集周期，未检查缺数与完整率")
        elif text in BATCH:
            note.append("按批次采集，无固定采集时刻，未检查缺数与完整率")
        if kind not in (CUMULATIVE, INTERVAL):
            note.append("台账未填读数类型（累计值/区间量），未计算区间量及其检查")
            kind = ""
        out[meter] = _Meter(meter, kind, text, None if delta is None else int(delta.as_unit("ns").value),
                            _is_monthly(text),
                            "；".join(note))
    return out


def _ns(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series).to_numpy(dtype="datetime64[ns]").view("i8")


def _ts(ns: np.ndarray | int) -> pd.DatetimeIndex | pd.Timestamp:
    if np.isscalar(ns):
        return pd.Timestamp(int(ns))
    return pd.DatetimeIndex(np.asarray(ns, dtype="i8").view("datetime64[ns]"))


def _fmt(t: pd.Timestamp) -> str:
    return "" if pd.isna(t) else pd.Timestamp(t).strftime("%Y-%m-%d %H:%M")


def _num(x: float) -> str:
    """A number for a Chinese sentence: up to 10 significant digits, no float noise."""
    return f"{x:.10g}"


def _by_meter(frame: pd.DataFrame, time_col: str) -> Iterable[tuple[str, pd.DataFrame]]:
    """Slices of a frame per meter, sorted by time (one sort, no per-row work)."""
    if frame.empty:
        return
    ordered = frame.sort_values(["meter_id", time_col], kind="stable")
    ids = ordered["meter_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        yield str(ids[a]), ordered.iloc[a:b]


def _meter_changes(meter_changes: Iterable | pd.DataFrame) -> dict[str, np.ndarray]:
    """Documented meter changes as {meter_id: sorted timestamps [ns]}."""
    if isinstance(meter_changes, pd.DataFrame):
        pairs = zip(meter_changes["meter_id"], meter_changes["timestamp"])
    else:
        pairs = meter_changes or ()
    out: dict[str, list[int]] = {}
    for meter, when in pairs:
        out.setdefault(_norm_text(meter), []).append(int(pd.Timestamp(when).as_unit("ns").value))
    return {k: np.sort(np.asarray(v, dtype="i8")) for k, v in out.items()}


QUANTITY_COLUMNS = ["meter_id", "reading_kind", "timestamp", "interval_start", "interval_end", "quantity",
                    "elapsed_intervals", "quantity_per_interval", "register_start", "register_end", "meter_change",
                    "unit", "file", "line"]


def _column(part: pd.DataFrame, name: str, keep: np.ndarray) -> np.ndarray:
    if name in part.columns:
        return part[name].to_numpy(dtype=object)[keep]
    return np.full(int(keep.sum()), None, dtype=object)


def interval_quantities(readings: pd.DataFrame, instruments: pd.DataFrame,
                        meter_changes: Iterable | pd.DataFrame = ()) -> pd.DataFrame:
    """Quantities per collection interval from the readings, per meter.

    A cumulative register (累计值) is differenced, an interval quantity (区间量) is taken as
    is:

    .. math::

        q_i = v_i - v_{i-1}, \\quad [t_{i-1}, t_i) \\qquad \\text{(累计值)}

        q_i = v_i, \\quad [t_i, t_i + \\Delta) \\qquad \\text{(区间量)}

    with v the reading [reading unit], t its time and Δ the ledger's collection interval.
    The number of collection intervals a quantity spans is
    ``n_i = max(1, round((t_i − t_(i−1)) / Δ))`` (1 for interval quantities and for meters
    without a fixed Δ), and ``q_i / n_i`` is the quantity per interval used by the outlier
    filter (a cumulative difference across a gap legitimately holds several intervals).

    Parameters
    ----------
    readings : DataFrame
        meter_id, timestamp (naive local), value; optionally unit, file, line.
    instruments : DataFrame
        The ledger: instrument_id, collection_interval, reading_kind, optionally status
        (停用 instruments are skipped). Meters without a reading kind are skipped.
    meter_changes : iterable of (meter_id, timestamp), or DataFrame with those columns
        Documented meter changes (换表). The difference between the last reading before
        the change and the first reading at or after it is unknown: ``quantity`` is NaN
        and ``meter_change`` is True there.

    Returns
    -------
    DataFrame
        meter_id, reading_kind, timestamp (time of the reading that carries the quantity),
        interval_start, interval_end, quantity [reading unit], elapsed_intervals [1],
        quantity_per_interval [reading unit], register_start and register_end (累计值 only)
        [reading unit], meter_change, unit, file, line. Duplicate timestamps of a meter are
        read once (the first).
    """
    ledger = _ledger(instruments)
    changes = _meter_changes(meter_changes)
    frames = []
    for meter, part in _by_meter(readings, "timestamp"):
        spec = ledger.get(meter)
        if spec is None or not spec.kind:
            continue
        ts_all = _ns(part["timestamp"])
        keep = np.r_[True, ts_all[1:] != ts_all[:-1]]
        ts = ts_all[keep]
        v = part["value"].to_numpy(dtype=float)[keep]
        unit, file, line = (_column(part, c, keep) for c in ("unit", "file", "line"))
        n = len(ts)
        if spec.kind == CUMULATIVE:
            if n < 2:
                continue
            q = np.diff(v)
            start, end = ts[:-1], ts[1:]
            change = np.zeros(n - 1, dtype=bool)
            for when in changes.get(meter, ()):
                i = int(np.searchsorted(ts, when, side="left"))
                if 1 <= i < n:
                    change[i - 1] = True
            q[change] = np.nan
            elapsed = (np.maximum(1, np.rint((end - start) / spec.delta_ns)).astype("i8") if spec.delta_ns
                       else np.ones(n - 1, dtype="i8"))
            frame = pd.DataFrame({"timestamp": _ts(end), "interval_start": _ts(start), "interval_end": _ts(end),
                                  "quantity": q, "elapsed_intervals": elapsed, "register_start": v[:-1],
                                  "register_end": v[1:], "meter_change": change,
                                  "unit": unit[1:], "file": file[1:], "line": line[1:]})
        else:
            end = _ts(ts + spec.delta_ns) if spec.delta_ns else _ts(ts)
            frame = pd.DataFrame({"timestamp": _ts(ts), "interval_start": _ts(ts), "interval_end": end,
                                  "quantity": v, "elapsed_intervals": np.ones(n, dtype="i8"),
                                  "register_start": np.nan, "register_end": np.nan, "meter_change": False,
                                  "unit": unit, "file": file, "line": line})
        frame.insert(0, "reading_kind", spec.kind)
        frame.insert(0, "meter_id", meter)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=QUANTITY_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["quantity_per_interval"] = out["quantity"] / out["elapsed_intervals"]
    return out[QUANTITY_COLUMNS]


# --------------------------------------------------------------------------- grid
@dataclass(frozen=True)
class _Grid:
    """Expected reading slots of one meter over [start, end)."""

    start_ns: int
    end_ns: int
    delta_ns: int | None  # None: monthly slots
    month0: int  # months since 1970-01 of slot 0 (monthly grid)
    n: int

    @classmethod
    def make(cls, spec: _Meter, start: pd.Timestamp, end: pd.Timestamp) -> "_Grid | None":
        s, e = int(start.as_unit("ns").value), int(end.as_unit("ns").value)
        if spec.delta_ns:
            return cls(s, e, spec.delta_ns, 0, max(0, -(-(e - s) // spec.delta_ns)))
        if spec.monthly:
            first = start.to_period("M")
            if first.start_time < start:
                first = first + 1
            m0 = first.year * 12 + first.month - 1 - 1970 * 12
            last = (end - pd.Timedelta(1, "ns")).to_period("M")
            n = max(0, last.year * 12 + last.month - 1 - 1970 * 12 - m0 + 1)
            return cls(s, e, None, m0, n)
        return None

    def slot_of(self, ts_ns: np.ndarray) -> np.ndarray:
        """Slot index of each reading (values outside 0 … n − 1 belong to no slot)."""
        if self.delta_ns:
            return (ts_ns - self.start_ns + self.delta_ns // 2) // self.delta_ns
        months = ts_ns.view("datetime64[ns]").astype("datetime64[M]").astype("i8")
        return months - self.month0

    def start_of(self, k: np.ndarray) -> np.ndarray:
        """Start time [ns] of slots k (k = n gives the end of the period)."""
        k = np.asarray(k, dtype="i8")
        if self.delta_ns:
            t = self.start_ns + k * self.delta_ns
        else:
            t = (k + self.month0).astype("datetime64[M]").astype("datetime64[ns]").view("i8")
        return np.minimum(t, self.end_ns)

    def received(self, ts_ns: np.ndarray) -> np.ndarray:
        """Distinct slots that hold at least one reading, sorted."""
        k = self.slot_of(ts_ns)
        return np.unique(k[(k >= 0) & (k < self.n)])


def _grids(readings: pd.DataFrame, instruments: pd.DataFrame, start, end):
    """(meter spec, grid, received slots) for every ledger meter with an expected grid."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    ledger = _ledger(instruments)
    times = {meter: _ns(part["timestamp"]) for meter, part in _by_meter(readings, "timestamp")
             if meter in ledger}
    for meter in sorted(ledger):
        spec = ledger[meter]
        grid = _Grid.make(spec, start, end)
        if grid is None:
            continue
        yield spec, grid, grid.received(times.get(meter, np.empty(0, dtype="i8")))


GAP_COLUMNS = ["meter_id", "collection_interval", "gap_start", "gap_end", "missing_readings", "gap_minutes",
               "message_zh"]


def find_gaps(readings: pd.DataFrame, instruments: pd.DataFrame, start, end, *,
              min_missing: int | None = None) -> pd.DataFrame:
    """Missing readings per meter over [start, end): every run of empty slots.

    With the slots of the grid (module docstring) and the sorted distinct slots
    k_1 < … < k_m that hold a reading, padded with k_0 = −1 and k_(m+1) = N, a gap
    follows k_j when ``g_j = k_(j+1) − k_j − 1 ≥ g_min``. It runs from the start of slot
    k_j + 1 to the start of slot k_(j+1) (the period end for the last), so

    .. math:: \\text{gap\\_minutes} = (t_{gap,end} - t_{gap,start}) / 1\\,\\text{min} = g_j \\, \\Delta

    Parameters
    ----------
    readings, instruments : DataFrame
        As for :func:`interval_quantities`. Only ledger meters with a fixed collection
        interval or monthly collection (1月) have a grid; a meter without any reading has
        one gap over the whole period.
    start, end : timestamp-like
        The period [start, end) (naive local time).
    min_missing : int, optional
        g_min [readings]; default ``gap_min_missing_readings`` of the threshold table.

    Returns
    -------
    DataFrame
        meter_id, collection_interval, gap_start, gap_end, missing_readings [readings],
        gap_minutes [min], message_zh.
    """
    g_min = int(_pick(min_missing, "gap_min_missing_readings"))
    frames = []
    for spec, grid, have in _grids(readings, instruments, start, end):
        ext = np.r_[-1, have, grid.n]
        missing = np.diff(ext) - 1
        pick = np.flatnonzero(missing >= max(g_min, 1))
        if not len(pick):
            continue
        first, count = ext[pick] + 1, missing[pick]
        g0, g1 = grid.start_of(first), grid.start_of(first + count)
        frames.append(pd.DataFrame({"meter_id": spec.meter_id, "collection_interval": spec.interval_text,
                                    "gap_start": _ts(g0), "gap_end": _ts(g1), "missing_readings": count,
                                    "gap_minutes": (g1 - g0) / _NS_PER_MIN}))
    if not frames:
        return pd.DataFrame(columns=GAP_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["message_zh"] = [
        f"计量器具{m}在{_fmt(a)}至{_fmt(b)}缺少{c}个读数（{_num(mins)}分钟，采集周期{ci}）。"
        for m, a, b, c, mins, ci in zip(out["meter_id"], out["gap_start"], out["gap_end"], out["missing_readings"],
                                        out["gap_minutes"], out["collection_interval"])]
    return out[GAP_COLUMNS]


def longest_gaps(gaps: pd.DataFrame) -> pd.DataFrame:
    """The longest gap of each meter (the first one when several are equally long).

    Parameters
    ----------
    gaps : DataFrame
        As returned by :func:`find_gaps`.

    Returns
    -------
    DataFrame
        meter_id, gap_start, gap_end, missing_readings [readings], gap_minutes [min],
        gap_count [1] (number of gaps of the meter).
    """
    cols = ["meter_id", "gap_start", "gap_end", "missing_readings", "gap_minutes", "gap_count"]
    if gaps.empty:
        return pd.DataFrame(columns=cols)
    ordered = gaps.sort_values(["meter_id", "gap_minutes", "gap_start"], ascending=[True, False, True], kind="stable")
    out = ordered.drop_duplicates("meter_id").copy()
    out["gap_count"] = out["meter_id"].map(gaps.groupby("meter_id").size()).astype("i8")
    return out[cols].reset_index(drop=True)


COMPLETENESS_COLUMNS = ["meter_id", "collection_interval", "month", "month_start", "month_end", "expected_readings",
                        "received_readings", "completeness_fraction", "threshold_fraction", "flagged", "message_zh"]


def completeness(readings: pd.DataFrame, instruments: pd.DataFrame, start, end, *,
                 min_fraction: float | None = None) -> pd.DataFrame:
    """Completeness per meter × calendar month: received over expected readings.

    .. math:: c = N_{received} / N_{expected} \\qquad \\text{flagged when } c < c_{min}

    N_expected [readings] is the number of grid slots whose start lies in the month (and in
    [start, end)); N_received [readings] the number of those slots holding at least one
    reading, so 0 ≤ c ≤ 1 (duplicates and extra readings do not raise it).

    Parameters
    ----------
    readings, instruments : DataFrame
        As for :func:`find_gaps`.
    start, end : timestamp-like
        The period [start, end).
    min_fraction : float, optional
        c_min [1]; default ``completeness_min_fraction`` (0.90, review.md §7 [secondary]).

    Returns
    -------
    DataFrame
        meter_id, collection_interval, month ('YYYY-MM'), month_start, month_end,
        expected_readings, received_readings [readings], completeness_fraction [1],
        threshold_fraction [1], flagged, message_zh (empty where not flagged).
    """
    c_min = _pick(min_fraction, "completeness_min_fraction")
    frames = []
    for spec, grid, have in _grids(readings, instruments, start, end):
        if grid.n == 0:
            continue
        if grid.delta_ns:
            all_months = grid.start_of(np.arange(grid.n)).view("datetime64[ns]").astype("datetime64[M]").astype("i8")
            have_months = all_months[have]
        else:
            all_months = np.arange(grid.n) + grid.month0
            have_months = have + grid.month0
        m_lo = int(all_months[0])
        expected = np.bincount(all_months - m_lo)
        received = np.bincount(have_months - m_lo, minlength=len(expected))
        months = np.arange(m_lo, m_lo + len(expected))
        ok = expected > 0
        months, expected, received = months[ok], expected[ok], received[ok]
        m_start = np.maximum(months.astype("datetime64[M]").astype("datetime64[ns]").view("i8"), grid.start_ns)
        m_end = np.minimum((months + 1).astype("datetime64[M]").astype("datetime64[ns]").view("i8"), grid.end_ns)
        frames.append(pd.DataFrame({
            "meter_id": spec.meter_id, "collection_interval": spec.interval_text,
            "month": [str(m) for m in months.astype("datetime64[M]")],
            "month_start": _ts(m_start), "month_end": _ts(m_end),
            "expected_readings": expected.astype("i8"), "received_readings": received.astype("i8")}))
    if not frames:
        return pd.DataFrame(columns=COMPLETENESS_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["completeness_fraction"] = out["received_readings"] / out["expected_readings"]
    out["threshold_fraction"] = c_min
    out["flagged"] = out["completeness_fraction"] < c_min
    out["message_zh"] = [
        (f"计量器具{m}在{mo}的数据完整率为{c:.2%}（收到{r}个读数，应有{e}个，采集周期{ci}），低于{c_min:.0%}。" if f else "")
        for m, mo, c, r, e, ci, f in zip(out["meter_id"], out["month"], out["completeness_fraction"],
                                         out["received_readings"], out["expected_readings"],
                                         out["collection_interval"], out["flagged"])]
    return out[COMPLETENESS_COLUMNS]


# --------------------------------------------------------------------------- runs, signs
STUCK_COLUMNS = ["meter_id", "reading_kind", "run_start", "run_end", "run_readings", "run_intervals", "run_minutes",
                 "register_value", "threshold_intervals", "message_zh"]


def stuck_runs(quantities: pd.DataFrame, *, min_intervals: int | None = None) -> pd.DataFrame:
    """Runs where a meter did not move: a cumulative register repeating the same reading, or
    an interval quantity of exactly zero.

    Both are runs of consecutive interval quantities q_i = 0 (a repeated register reading
    differences to exactly 0). A run of quantities i = a … b is flagged when

    .. math:: L = \\sum_{i=a}^{b} n_i \\ge L_{min}

    with n_i the collection intervals each quantity spans (so a run across a gap counts the
    time it lasted). A NaN quantity (meter change) ends a run.

    Parameters
    ----------
    quantities : DataFrame
        As returned by :func:`interval_quantities`.
    min_intervals : int, optional
        L_min [intervals]; default ``stuck_min_intervals`` of the threshold table [open].

    Returns
    -------
    DataFrame
        meter_id, reading_kind, run_start, run_end (the run covers [run_start, run_end)),
        run_readings [readings], run_intervals [intervals], run_minutes [min],
        register_value (累计值: the repeated reading) [reading unit],
        threshold_intervals, message_zh.
    """
    l_min = int(_pick(min_intervals, "stuck_min_intervals"))
    rows = []
    for meter, part in _by_meter(quantities, "interval_start"):
        zero = (part["quantity"].to_numpy(dtype=float) == 0).astype("i1")
        if not zero.any():
            continue
        edges = np.diff(np.r_[0, zero, 0])
        a, b = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # run = [a, b)
        cum = np.r_[0, np.cumsum(part["elapsed_intervals"].to_numpy(dtype="i8"))]
        length = cum[b] - cum[a]
        keep = length >= l_min
        if not keep.any():
            continue
        starts = part["interval_start"].to_numpy()
        ends = part["interval_end"].where(part["interval_end"].notna(), part["interval_start"]).to_numpy()
        kind = part["reading_kind"].iloc[0]
        reg = part["register_start"].to_numpy(dtype=float)
        for s, e, n_int in zip(a[keep], b[keep], length[keep]):
            rows.append({"meter_id": meter, "reading_kind": kind, "run_start": starts[s], "run_end": ends[e - 1],
                         "run_readings": int(e - s), "run_intervals": int(n_int), "register_value": reg[s]})
    if not rows:
        return pd.DataFrame(columns=STUCK_COLUMNS)
    out = pd.DataFrame(rows)
    out["run_start"] = pd.to_datetime(out["run_start"])
    out["run_end"] = pd.to_datetime(out["run_end"])
    out["run_minutes"] = (out["run_end"] - out["run_start"]) / pd.Timedelta(1, "min")
    out["threshold_intervals"] = l_min
    out["message_zh"] = [
        (f"计量器具{m}的累计值自{_fmt(s)}至{_fmt(e)}一直为{_num(r)}，连续{n}个采集周期未变化（{_num(mins / 60)}小时），"
         f"达到{l_min}个周期，疑似表计停走或数据未更新，请核对生产记录。" if k == CUMULATIVE else
         f"计量器具{m}的区间量自{_fmt(s)}至{_fmt(e)}连续{n}个采集周期为零（{_num(mins / 60)}小时），"
         f"达到{l_min}个周期，请核对是否停产或表计故障。")
        for m, k, s, e, n, mins, r in zip(out["meter_id"], out["reading_kind"], out["run_start"], out["run_end"],
                                          out["run_intervals"], out["run_minutes"], out["register_value"])]
    return out[STUCK_COLUMNS]


NEGATIVE_COLUMNS = ["meter_id", "timestamp", "quantity", "unit", "file", "line", "message_zh"]
ROLLBACK_COLUMNS = ["meter_id", "interval_start", "timestamp", "register_start", "register_end", "quantity", "unit",
                    "file", "line", "message_zh"]


def _where(file: object, line: object) -> str:
    if file is None or pd.isna(file) or line is None or pd.isna(line):
        return ""
    return f"（{file}第{int(line)}行）"


def negative_quantities(quantities: pd.DataFrame) -> pd.DataFrame:
    """Interval quantities (区间量) below zero: q_i < 0 [reading unit].

    An interval quantity must never be negative (submission.md, readings/).

    Parameters
    ----------
    quantities : DataFrame
        As returned by :func:`interval_quantities`.

    Returns
    -------
    DataFrame
        meter_id, timestamp, quantity [reading unit], unit, file, line, message_zh.
    """
    sel = quantities[(quantities["reading_kind"] == INTERVAL) & (quantities["quantity"] < 0)]
    out = sel.reindex(columns=NEGATIVE_COLUMNS).reset_index(drop=True)
    out["message_zh"] = [f"计量器具{m}在{_fmt(t)}的区间量为负值（{_num(q)}{'' if u is None or pd.isna(u) else u}）{_where(f, ln)}。"
                         for m, t, q, u, f, ln in zip(out["meter_id"], out["timestamp"], out["quantity"], out["unit"],
                                                      out["file"], out["line"])]
    return out


def rollbacks(quantities: pd.DataFrame) -> pd.DataFrame:
    """Cumulative registers (累计值) that decreased: v_i < v_(i−1), except at a documented
    meter change (whose difference is NaN in ``quantities``).

    A register rolling over its last digit (e.g. 999 999 → 000 012) is also a decrease and
    is listed: the reviewer decides whether it is a rollover.

    Parameters
    ----------
    quantities : DataFrame
        As returned by :func:`interval_quantities`.

    Returns
    -------
    DataFrame
        meter_id, interval_start (previous reading), timestamp (the lower reading),
        register_start, register_end, quantity (= register_end − register_start < 0)
        [reading unit], unit, file, line, message_zh.
    """
    sel = quantities[(quantities["reading_kind"] == CUMULATIVE) & (quantities["quantity"] < 0)]
    out = sel.reindex(columns=ROLLBACK_COLUMNS).reset_index(drop=True)
    out["message_zh"] = [
        f"计量器具{m}的累计值在{_fmt(t)}由{_num(a)}回退到{_num(b)}（减少{_num(-q)}），该时刻无换表记录{_where(f, ln)}。"
        for m, t, a, b, q, f, ln in zip(out["meter_id"], out["timestamp"], out["register_start"], out["register_end"],
                                        out["quantity"], out["file"], out["line"])]
    return out


# --------------------------------------------------------------------------- outliers
def _hampel(x: np.ndarray, window: int, k: float, floor_fraction: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rolling median m_i, robust sigma s_i and outlier mask of x (centred window)."""
    n = len(x)
    w = min(window, n if n % 2 else n - 1)
    if w < 3:
        nan = np.full(n, np.nan)
        return nan, nan, np.zeros(n, dtype=bool)
    view = sliding_window_view(x, w)
    n_win = len(view)
    med, mad = np.empty(n_win), np.empty(n_win)
    for a in range(0, n_win, _CHUNK):
        block = view[a:a + _CHUNK]
        med[a:a + len(block)] = np.median(block, axis=1)
        mad[a:a + len(block)] = median_abs_deviation(block, axis=1, scale="normal")
    idx = np.clip(np.arange(n) - w // 2, 0, n_win - 1)  # edges use the first / last full window
    m = med[idx]
    s = np.maximum(mad[idx], floor_fraction * np.abs(m))
    return m, s, np.abs(x - m) > k * s


OUTLIER_COLUMNS = ["meter_id", "reading_kind", "timestamp", "interval_start", "interval_end", "quantity",
                   "quantity_per_interval", "rolling_median", "robust_sigma", "deviation_sigma", "threshold_sigma",
                   "window_readings", "unit", "file", "line", "message_zh"]


def hampel_outliers(quantities: pd.DataFrame, *, window: int | None = None, k: float | None = None,
                    min_scale_fraction: float | None = None) -> pd.DataFrame:
    """Robust outliers of the quantity per interval, by a Hampel filter per meter.

    For x_i = q_i / n_i (quantity per collection interval, :func:`interval_quantities`)
    and a centred window of W readings around i (the first / last full window at the
    edges):

    .. math::

        m_i = \\operatorname{median}(x_{i-h..i+h}), \\quad
        s_i = \\max\\big(1.4826 \\, \\operatorname{median}|x_j - m_i|,\\; f \\, |m_i|\\big),
        \\quad h = (W-1)/2

        \\text{outlier if } |x_i - m_i| > k \\, s_i

    1.4826 = 1/Φ⁻¹(3/4) makes the MAD a consistent estimate of σ for normal data
    (``scipy.stats.median_abs_deviation(scale="normal")``); the floor f·|m_i| keeps a
    window of identical values (MAD = 0) from flagging every small change. Quantities that
    are NaN (meter change) or negative (flagged by :func:`negative_quantities` /
    :func:`rollbacks`) are left out of the filter.

    Parameters
    ----------
    quantities : DataFrame
        As returned by :func:`interval_quantities`.
    window : int, optional
        W [readings], odd (an even value is raised by one); default
        ``hampel_window_readings``.
    k : float, optional
        [1]; default ``hampel_k``.
    min_scale_fraction : float, optional
        f [1]; default ``hampel_min_scale_fraction``.

    Returns
    -------
    DataFrame
        meter_id, reading_kind, timestamp, interval_start, interval_end, quantity,
        quantity_per_interval, rolling_median m_i, robust_sigma s_i [reading unit],
        deviation_sigma |x_i − m_i| / s_i [1], threshold_sigma k, window_readings W,
        unit, file, line, message_zh.
    """
    w = int(_pick(window, "hampel_window_readings"))
    w += 1 - w % 2
    kk = _pick(k, "hampel_k")
    f = _pick(min_scale_fraction, "hampel_min_scale_fraction")
    frames = []
    for _meter, part in _by_meter(quantities, "interval_start"):
        x = part["quantity_per_interval"].to_numpy(dtype=float)
        valid = np.isfinite(x) & (x >= 0)
        if valid.sum() < 3:
            continue
        xs = x[valid]
        m, s, flag = _hampel(xs, w, kk, f)
        if not flag.any():
            continue
        sel = part[valid][flag].copy()
        sel["rolling_median"] = m[flag]
        sel["robust_sigma"] = s[flag]
        with np.errstate(divide="ignore", invalid="ignore"):
            sel["deviation_sigma"] = np.abs(xs[flag] - m[flag]) / s[flag]
        frames.append(sel)
    if not frames:
        return pd.DataFrame(columns=OUTLIER_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["threshold_sigma"] = kk
    out["window_readings"] = w
    out["message_zh"] = [
        f"计量器具{mid}在{_fmt(t)}的{'区间增量（累计值之差）' if kind == CUMULATIVE else '区间量'}{_num(x)}"
        f"偏离局部中位数{_num(m)}达{d:.1f}倍稳健标准差（Hampel滤波：前后共{w}个读数，阈值{_num(kk)}倍），"
        f"疑似异常值{_where(fl, ln)}。"
        for mid, kind, t, x, m, d, fl, ln in zip(out["meter_id"], out["reading_kind"], out["timestamp"],
                                                 out["quantity_per_interval"], out["rolling_median"],
                                                 out["deviation_sigma"], out["file"], out["line"])]
    return out[OUTLIER_COLUMNS]


# --------------------------------------------------------------------------- daily vs monthly
DAILY_COLUMNS = ["meter_id", "month", "days_with_data", "daily_sum_total", "monthly_total", "deviation_fraction",
                 "threshold_fraction", "flagged", "message_zh"]


def daily_vs_monthly(quantities: pd.DataFrame, monthly_totals: pd.DataFrame, *,
                     max_fraction: float | None = None) -> pd.DataFrame:
    """Daily sums of a meter's interval quantities against the monthly totals reported for it.

    Each quantity is assigned to the day of its ``interval_start``; the daily sums D_d
    [reading unit] are added over the month and compared with the monthly total M:

    .. math::

        \\delta = \\frac{\\sum_{d \\in month} D_d - M}{M}
        \\qquad \\text{flagged when } |\\delta| > \\delta_{max}

    Parameters
    ----------
    quantities : DataFrame
        As returned by :func:`interval_quantities`.
    monthly_totals : DataFrame
        meter_id, month ('YYYY-MM'), monthly_total, in the unit of the meter's readings
        (convert 月度数据 values before: 万kWh → kWh, 万t → t).
    max_fraction : float, optional
        δ_max [1]; default ``daily_vs_monthly_max_fraction`` (0.05, review.md §7
        [secondary]).

    Returns
    -------
    DataFrame
        One row per meter-month of ``monthly_totals``: meter_id, month, days_with_data
        [d], daily_sum_total and monthly_total [reading unit], deviation_fraction δ [1]
        (NaN when M = 0 and the sum is not), threshold_fraction, flagged, message_zh
        (empty where not flagged).
    """
    d_max = _pick(max_fraction, "daily_vs_monthly_max_fraction")
    totals = monthly_totals[["meter_id", "month", "monthly_total"]].copy()
    totals["meter_id"] = totals["meter_id"].map(_norm_text)
    totals["month"] = totals["month"].astype(str).str.strip()
    totals["monthly_total"] = totals["monthly_total"].astype(float)
    q = quantities[quantities["meter_id"].isin(set(totals["meter_id"]))]
    start = pd.to_datetime(q["interval_start"])
    daily = (pd.DataFrame({"meter_id": q["meter_id"].to_numpy(), "day": start.dt.normalize().to_numpy(),
                           "quantity": q["quantity"].to_numpy(dtype=float)})
             .groupby(["meter_id", "day"], sort=True)["quantity"].sum(min_count=1).dropna().reset_index())
    daily["month"] = daily["day"].dt.strftime("%Y-%m")
    monthly = daily.groupby(["meter_id", "month"]).agg(days_with_data=("day", "size"),
                                                       daily_sum_total=("quantity", "sum")).reset_index()
    out = totals.merge(monthly, on=["meter_id", "month"], how="left")
    out["days_with_data"] = out["days_with_data"].fillna(0).astype("i8")
    out["daily_sum_total"] = out["daily_sum_total"].fillna(0.0)
    total, summed = out["monthly_total"].to_numpy(), out["daily_sum_total"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.where(total != 0, (summed - total) / total, np.where(summed == 0, 0.0, np.nan))
    out["deviation_fraction"] = dev
    out["threshold_fraction"] = d_max
    out["flagged"] = ~(np.abs(dev) <= d_max)
    msgs = []
    for m, mo, days, s, t, d, f in zip(out["meter_id"], out["month"], out["days_with_data"], out["daily_sum_total"],
                                       out["monthly_total"], out["deviation_fraction"], out["flagged"]):
        if not f:
            msgs.append("")
        elif days == 0:
            msgs.append(f"计量器具{m}在{mo}没有可累计的读数，无法用读数核对月度数据{_num(t)}。")
        elif np.isnan(d):
            msgs.append(f"计量器具{m}在{mo}的月度数据为0，但按日累计的读数合计为{_num(s)}。")
        else:
            msgs.append(f"计量器具{m}在{mo}按日累计的读数合计{_num(s)}（{days}天）与月度数据{_num(t)}相差{d:+.2%}，"
                        f"超过±{d_max:.0%}。")
    out["message_zh"] = msgs
    return out[DAILY_COLUMNS]


# --------------------------------------------------------------------------- all checks
@dataclass
class ReadingsQuality:
    """The data-quality checks of one review period.

    Attributes
    ----------
    flags : DataFrame
        One row per finding: meter_id, check (gap / completeness / stuck / negative /
        rollback / outlier / daily_vs_monthly), check_zh, period_start, period_end, value,
        value_unit, threshold, file, line (single-reading findings), message_zh.
    summary : DataFrame
        One row per meter (ledger meters not 停用, and meters seen in the readings).
    quantities, gaps, completeness, stuck, negatives, rollbacks, outliers, daily_vs_monthly : DataFrame
        The detail tables of the individual checks.
    thresholds : DataFrame
        The threshold rows used, with their value (overrides applied), source and confidence.
    """

    flags: pd.DataFrame
    summary: pd.DataFrame
    quantities: pd.DataFrame
    gaps: pd.DataFrame
    completeness: pd.DataFrame
    stuck: pd.DataFrame
    negatives: pd.DataFrame
    rollbacks: pd.DataFrame
    outliers: pd.DataFrame
    daily_vs_monthly: pd.DataFrame
    thresholds: pd.DataFrame


def _flags(frame: pd.DataFrame, check: str, start: str, end: str, value: str, unit, thr) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    out = pd.DataFrame({
        "meter_id": frame["meter_id"].to_numpy(),
        "check": check,
        "check_zh": CHECKS_ZH[check],
        "period_start": pd.to_datetime(frame[start]).to_numpy(),
        "period_end": pd.to_datetime(frame[end]).to_numpy(),
        "value": frame[value].to_numpy(dtype=float),
        "value_unit": frame[unit].to_numpy() if isinstance(unit, str) and unit in frame else unit,
        "threshold": thr,
        "file": frame["file"].to_numpy() if "file" in frame else None,
        "line": frame["line"].to_numpy() if "line" in frame else None,
        "message_zh": frame["message_zh"].to_numpy(),
    })
    return out[FLAG_COLUMNS]


def readings_quality(readings: pd.DataFrame, instruments: pd.DataFrame, year: int,
                     meter_changes: Iterable | pd.DataFrame = (), monthly_totals: pd.DataFrame | None = None, *,
                     thresholds: Mapping[str, float] | None = None) -> ReadingsQuality:
    """Run every data-quality check on the readings of one review year.

    Parameters
    ----------
    readings : DataFrame
        From :func:`cementnb.readings.load_readings`. Readings outside the year
        [year-01-01, year+1-01-01) are not used.
    instruments : DataFrame
        The 计量器具 ledger (instrument_id, collection_interval, reading_kind, status).
    year : int
        Review year.
    meter_changes : iterable of (meter_id, timestamp), or DataFrame
        Documented meter changes; a cumulative register may decrease there.
    monthly_totals : DataFrame, optional
        meter_id, month, monthly_total (reading unit) for :func:`daily_vs_monthly`.
    thresholds : mapping, optional
        Overrides of ``data_quality_thresholds.csv`` values by key.

    Returns
    -------
    ReadingsQuality
        Flags, per-meter summary, detail tables and the thresholds used.
    """
    over = dict(thresholds or {})
    table = threshold_table()
    unknown = sorted(set(over) - set(table["key"]))
    if unknown:
        raise KeyError("阈值覆盖中有未知的键：" + "、".join(unknown) + "（见 data_quality_thresholds.csv）")

    def t(key: str) -> float:
        return threshold(key, over)

    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1)
    ts = pd.to_datetime(readings["timestamp"])
    inside = readings[(ts >= start) & (ts < end)]
    gaps = find_gaps(inside, instruments, start, end, min_missing=int(t("gap_min_missing_readings")))
    comp = completeness(inside, instruments, start, end, min_fraction=t("completeness_min_fraction"))
    qty = interval_quantities(inside, instruments, meter_changes)
    stuck = stuck_runs(qty, min_intervals=int(t("stuck_min_intervals")))
    neg = negative_quantities(qty)
    back = rollbacks(qty)
    outl = hampel_outliers(qty, window=int(t("hampel_window_readings")), k=t("hampel_k"),
                           min_scale_fraction=t("hampel_min_scale_fraction"))
    dvm = (daily_vs_monthly(qty, monthly_totals, max_fraction=t("daily_vs_monthly_max_fraction"))
           if monthly_totals is not None else pd.DataFrame(columns=DAILY_COLUMNS))

    flagged_comp = comp[comp["flagged"].astype(bool)]
    flagged_dvm = dvm[dvm["flagged"].astype(bool)].copy()
    if not flagged_dvm.empty:
        month_start = pd.to_datetime(flagged_dvm["month"] + "-01")
        flagged_dvm["month_start"] = month_start
        flagged_dvm["month_end"] = month_start + pd.offsets.MonthBegin(1)
    else:
        flagged_dvm = flagged_dvm.assign(month_start=pd.NaT, month_end=pd.NaT)
    parts = [
        _flags(gaps.assign(value_unit="readings"), "gap", "gap_start", "gap_end", "missing_readings", "value_unit",
               t("gap_min_missing_readings")),
        _flags(flagged_comp, "completeness", "month_start", "month_end", "completeness_fraction", "1",
               t("completeness_min_fraction")),
        _flags(stuck, "stuck", "run_start", "run_end", "run_intervals", "intervals", t("stuck_min_intervals")),
        _flags(neg.assign(period_end=neg["timestamp"]), "negative", "timestamp", "period_end", "quantity", "unit", 0.0),
        _flags(back, "rollback", "interval_start", "timestamp", "quantity", "unit", 0.0),
        _flags(outl, "outlier", "interval_start", "interval_end", "deviation_sigma", "sigma", t("hampel_k")),
        _flags(flagged_dvm, "daily_vs_monthly", "month_start", "month_end", "deviation_fraction", "1",
               t("daily_vs_monthly_max_fraction")),
    ]
    parts = [p for p in parts if not p.empty]
    flags = (pd.concat(parts, ignore_index=True).sort_values(["meter_id", "period_start", "check"], kind="stable")
             .reset_index(drop=True) if parts else pd.DataFrame(columns=FLAG_COLUMNS))

    summary = _summary(inside, instruments, gaps, comp, flags)
    used = table.copy()
    for key, value in over.items():
        used.loc[used["key"] == key, ["value", "source", "confidence"]] = [float(value), "审查参数覆盖", "override"]
    return ReadingsQuality(flags=flags, summary=summary, quantities=qty, gaps=gaps, completeness=comp, stuck=stuck,
                           negatives=neg, rollbacks=back, outliers=outl, daily_vs_monthly=dvm, thresholds=used)


SUMMARY_COLUMNS = ["meter_id", "in_ledger", "reading_kind", "collection_interval", "readings_in_period",
                   "duplicate_timestamps", "expected_readings", "received_readings", "completeness_fraction",
                   "min_month_completeness_fraction", "longest_gap_minutes", "gap_count"] + \
                  [f"n_{c}" for c in CHECKS_ZH] + ["n_flags", "note_zh"]


def _summary(readings: pd.DataFrame, instruments: pd.DataFrame, gaps: pd.DataFrame, comp: pd.DataFrame,
             flags: pd.DataFrame) -> pd.DataFrame:
    ledger = _ledger(instruments)
    counts = readings.groupby("meter_id").agg(readings_in_period=("timestamp", "size"),
                                              distinct=("timestamp", "nunique"))
    meters = sorted(set(ledger) | set(counts.index.astype(str)))
    out = pd.DataFrame({"meter_id": meters})
    out["in_ledger"] = out["meter_id"].isin(set(ledger))
    out["reading_kind"] = [ledger[m].kind if m in ledger else "" for m in meters]
    out["collection_interval"] = [ledger[m].interval_text if m in ledger else "" for m in meters]
    out["readings_in_period"] = out["meter_id"].map(counts["readings_in_period"]).fillna(0).astype("i8")
    out["duplicate_timestamps"] = (out["readings_in_period"]
                                   - out["meter_id"].map(counts["distinct"]).fillna(0).astype("i8"))
    per = comp.groupby("meter_id").agg(expected_readings=("expected_readings", "sum"),
                                       received_readings=("received_readings", "sum"),
                                       min_month_completeness_fraction=("completeness_fraction", "min"))
    for col in ("expected_readings", "received_readings"):
        out[col] = out["meter_id"].map(per[col]).astype("Int64")
    out["completeness_fraction"] = (out["received_readings"] / out["expected_readings"]).astype(float)
    out["min_month_completeness_fraction"] = out["meter_id"].map(per["min_month_completeness_fraction"]).astype(float)
    longest = longest_gaps(gaps).set_index("meter_id")
    checked = out["expected_readings"].notna()
    out["longest_gap_minutes"] = out["meter_id"].map(longest["gap_minutes"]).astype(float)
    out.loc[checked & out["longest_gap_minutes"].isna(), "longest_gap_minutes"] = 0.0
    out["gap_count"] = out["meter_id"].map(longest["gap_count"]).fillna(0).astype("i8")
    by_check = flags.groupby(["meter_id", "check"]).size() if not flags.empty else pd.Series(dtype="i8")
    for check in CHECKS_ZH:
        out[f"n_{check}"] = [int(by_check.get((m, check), 0)) for m in meters]
    out["n_flags"] = out[[f"n_{c}" for c in CHECKS_ZH]].sum(axis=1).astype("i8")
    out["note_zh"] = [ledger[m].note_zh if m in ledger else "不在计量器具台账中（或已停用），未检查" for m in meters]
    return out[SUMMARY_COLUMNS]
