"""Statistics on calibration results (review items 19 and 32; Hubei 4.3).

The 校准结果 sheet holds one row per calibration point (instrument_id, certificate_no,
calibration_date, reference_value 标准值, indicated_value 示值, unit). This module gives,
per point, the error and relative error against the maximum permissible error (MPE) of the
instrument's accuracy class, and per instrument and certificate a linear fit of indicated
against reference values and a bias test on the relative errors, with a verdict and a
Chinese evidence sentence.

The MPE of a class comes from ``data/accuracy_mpe.csv`` (one row per instrument type ×
class × basis, with source, edition, clause and confidence); a class that is not there has
no MPE (NaN), the evidence says so, and nothing is guessed. Two kinds of rows:

* ``unit = fraction``: MPE relative to the reference value (belt scales per OIML R 50 /
  JJG 195, electricity meters per their class index, flow meters per their class);
* ``unit = e``: MPE in verification scale intervals e, by load band (non-automatic weighing
  instruments such as weighbridges, OIML R 76 / JJG 539, classes II, III, IIII). It needs e
  [unit of the calibration values] from the ledger column ``verification_scale_interval``;
  without it the MPE stays NaN.

``basis`` selects the MPE of in-service inspection (``in_service``, the default, as
review.md §4 states: class 0.5 scale → ±0.5 % of the load) or of initial / subsequent
verification (``verification``, half of it for scales); rows with an empty basis apply to
both.

References
----------
.. [1] JJF 1356-2012 重点用能单位能源计量审查规范, items 19 (accuracy class) and 32 (valid
   verification / calibration).
.. [2] GB 17167-2006 用能单位能源计量器具配备和管理通则, Table 4.
.. [3] JJF 1094-2002 测量仪器特性评定 (conformity with an MPE, taking the measurement
   uncertainty into account) — the motivation for the bias-interval check.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from . import metadata as md
from .quality import threshold

__all__ = [
    "BASES",
    "VERDICT_PASS",
    "VERDICT_FAIL",
    "VERDICT_UNDECIDED",
    "Mpe",
    "mpe_table",
    "normalize_class",
    "mpe_fraction",
    "point_errors",
    "instrument_statistics",
]

BASES = ("in_service", "verification")
BASIS_ZH = {"in_service": "使用中检查", "verification": "首次/后续检定"}
VERDICT_PASS, VERDICT_FAIL, VERDICT_UNDECIDED = "符合", "不符合", "无法判定"
#: Chinese names of the OIML weighing classes (R 76).
_CLASS_NAMES = {"特种准确度级": "I", "高准确度级": "II", "中准确度级": "III", "普通准确度级": "IIII"}
_NUMERIC_CLASS = re.compile(r"^(\d+(?:\.\d+)?)(S?)$")
_ROUNDOFF = 1e-12  # relative slack in |error| ≤ MPE for binary round-off (0.005 × 100 ≠ 0.5 exactly)
GROUP_KEYS = ["instrument_id", "certificate_no", "calibration_date"]


class Mpe(NamedTuple):
    """Maximum permissible error of one instrument at one load.

    Attributes
    ----------
    fraction : float
        MPE relative to the load [1]; NaN when it cannot be determined.
    absolute : float
        MPE [unit of the load]; NaN when it cannot be determined.
    basis : str
        in_service / verification / "" (row applies to both).
    source, confidence : str
        Source (document, edition, clause) and confidence mark of the row used.
    message_zh : str
        Chinese sentence: where the MPE comes from, or why there is none.
    """

    fraction: float
    absolute: float
    basis: str
    source: str
    confidence: str
    message_zh: str


def mpe_table() -> pd.DataFrame:
    """The packaged MPE table (``data/accuracy_mpe.csv``).

    Returns
    -------
    DataFrame
        instrument_type, accuracy_class, basis, load_min_e, load_max_e [e], value, unit
        (fraction / e), description_zh, source, edition, clause, confidence.
    """
    frame = md.read_table("accuracy_mpe.csv").copy()
    frame["value"] = frame["value"].astype(float)
    for col in ("load_min_e", "load_max_e"):
        frame[col] = pd.to_numeric(frame[col].replace("", None))
    return frame


def _text(x: object) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x)):
        return ""
    return unicodedata.normalize("NFKC", str(x)).strip()


def normalize_class(accuracy_class: object) -> str:
    """An accuracy class as written on a certificate, in the spelling of the MPE table.

    ``0.5级`` → ``0.5``, ``1.0`` → ``1``, ``0.5s`` → ``0.5S``, ``Ⅲ`` / ``III级`` /
    ``中准确度级`` → ``III``. Anything else is returned stripped and upper-cased.
    """
    text = _text(accuracy_class).replace(" ", "")
    for name, roman in _CLASS_NAMES.items():
        if text.startswith(name):
            return roman
    text = text.upper().removeprefix("CLASS").removesuffix("级").removesuffix("等")
    match = _NUMERIC_CLASS.match(text)
    if match:
        return f"{float(match.group(1)):g}{match.group(2)}"
    return text


def _rows(instrument_type: str, accuracy_class: str, basis: str) -> pd.DataFrame:
    table = mpe_table()
    return table[(table["instrument_type"] == instrument_type) & (table["accuracy_class"] == accuracy_class)
                 & table["basis"].isin([basis, ""])]


def _source(row: pd.Series) -> str:
    return f"{row['source']}（{row['edition']}）{row['clause']}"


def _banded_mpe(rows: pd.DataFrame, load: np.ndarray, e: float) -> np.ndarray:
    """Absolute MPE [load unit] of load-banded (``e``) rows: a(m/e) × e, NaN above the last band.

    Band j holds lo_j < m/e ≤ hi_j; m = 0 belongs to the band starting at 0.
    """
    n_e = np.abs(np.asarray(load, dtype=float)) / e  # load in verification scale intervals
    lo, hi = rows["load_min_e"].to_numpy(float), rows["load_max_e"].to_numpy(float)
    inside = ((n_e[:, None] > lo) | ((n_e[:, None] == 0) & (lo == 0))) & (n_e[:, None] <= hi)
    found = inside.any(axis=1)
    return np.where(found, rows["value"].to_numpy(float)[inside.argmax(axis=1)] * e, np.nan)


def _lookup(instrument_type: object, accuracy_class: object, basis: str, load: np.ndarray,
            scale_interval: float | None) -> tuple[np.ndarray, np.ndarray, str, str, str, str, bool]:
    """Vectorised MPE lookup: (absolute MPE, fraction MPE, basis, source, confidence, message, usable).

    ``usable`` is False when the instrument has no MPE at all (class not in the table, no e);
    the message then says why. Otherwise single points may still lack one (zero load for a
    relative MPE, a load beyond the last band)."""
    if basis not in BASES:
        raise ValueError(f"最大允许误差的依据“{basis}”无效，应为 in_service（使用中检查）或 verification（检定）")
    load = np.asarray(load, dtype=float)
    nan = np.full(load.shape, np.nan)
    itype, cls = _text(instrument_type), normalize_class(accuracy_class)
    if not itype or not cls:
        what = "器具类型" if not itype else "准确度等级"
        return nan, nan, "", "", "", f"台账未填{what}，无法确定最大允许误差。", False
    rows = _rows(itype, cls, basis)
    if rows.empty:
        return nan, nan, "", "", "", (f"{itype}的准确度等级“{cls}”在最大允许误差表（accuracy_mpe.csv）中没有对应值，"
                                      f"无法确定最大允许误差，未判定。"), False
    first = rows.iloc[0]
    src, conf = _source(first), first["confidence"]
    if first["unit"] == "e":
        e = np.nan if scale_interval is None else float(scale_interval)
        if not np.isfinite(e) or e <= 0:
            return nan, nan, first["basis"], src, conf, (
                f"{itype}{cls}级的最大允许误差按检定分度值e和载荷分段确定（{first['clause']}），"
                f"台账未提供检定分度值e（verification_scale_interval），无法换算为相对误差，未判定。"), False
        absolute = _banded_mpe(rows, load, e)
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.where(load == 0, np.nan, absolute / np.abs(load))
        msg = f"{itype}{cls}级（e={e:g}）{BASIS_ZH.get(basis)}最大允许误差按载荷分段为±{rows['value'].min():g}e～±{rows['value'].max():g}e（{src}）。"
        if np.isnan(absolute).any():
            msg += f"部分载荷超出{rows['load_max_e'].max():g}e，无对应最大允许误差。"
        return absolute, fraction, first["basis"], src, conf, msg, True
    absolute = first["value"] * np.abs(load)
    fraction = np.full(load.shape, first["value"])
    with np.errstate(invalid="ignore"):
        fraction = np.where(load == 0, np.nan, fraction)
        absolute = np.where(load == 0, np.nan, absolute)
    word = BASIS_ZH.get(first["basis"], "")
    msg = f"{itype}{cls}级{word}最大允许误差±{first['value']:.4g}（即±{first['value'] * 100:g}%，相对示值/载荷；{src}）。"
    return absolute, fraction, first["basis"], src, conf, msg, True


def mpe_fraction(instrument_type: object, accuracy_class: object, *, basis: str = "in_service",
                 load: float | None = None, scale_interval: float | None = None) -> Mpe:
    """The maximum permissible error of an accuracy class, as a fraction of the load.

    .. math::

        \\text{MPE}_{rel} = c \\qquad \\text{(unit = fraction: class index c, e.g. 0.005 for 0.5)}

        \\text{MPE}_{rel} = a(m/e) \\, e / m \\qquad \\text{(unit = e: a from the load band of } m/e)

    with m the load [unit], e the verification scale interval [unit] and a(·) [e] the MPE
    of the band (OIML R 76-1 3.5.1: class III 0.5e up to 500e, 1e up to 2000e, 1.5e up
    to 10000e on verification, twice that in service).

    Parameters
    ----------
    instrument_type : str
        Ledger 器具类型 (动态衡器, 静态衡器, 电能表, 流量计, …).
    accuracy_class : str
        Class from the certificate (normalised by :func:`normalize_class`).
    basis : {"in_service", "verification"}
        MPE of in-service inspection (default, review.md §4) or of verification.
    load : float, optional
        m [unit]; needed for load-dependent (``e``) classes.
    scale_interval : float, optional
        e [unit]; needed for ``e`` classes.

    Returns
    -------
    Mpe
        fraction and absolute MPE (NaN when they cannot be determined), basis, source,
        confidence and a Chinese sentence saying where the value comes from or why there
        is none.

    Examples
    --------
    >>> mpe_fraction("电能表", "0.5S").fraction
    0.005
    """
    m = np.array([np.nan if load is None else float(load)])
    itype_rows = _rows(_text(instrument_type), normalize_class(accuracy_class), basis)
    if load is None and not itype_rows.empty and itype_rows.iloc[0]["unit"] == "fraction":
        m = np.array([1.0])  # a relative MPE does not depend on the load
    absolute, fraction, b, src, conf, msg, _ = _lookup(instrument_type, accuracy_class, basis, m, scale_interval)
    if load is None:
        absolute = np.array([np.nan])
    return Mpe(float(fraction[0]), float(absolute[0]), b, src, conf, msg)


# --------------------------------------------------------------------------- per point
POINT_COLUMNS = ["instrument_id", "certificate_no", "calibration_date", "instrument_type", "accuracy_class",
                 "reference_value", "indicated_value", "unit", "error", "error_fraction", "mpe", "mpe_fraction",
                 "within_mpe", "mpe_basis", "mpe_source", "mpe_confidence", "message_zh"]


def _ledger(instruments: pd.DataFrame) -> pd.DataFrame:
    cols = ["instrument_id", "instrument_type", "accuracy_class", "verification_scale_interval"]
    frame = instruments.reindex(columns=cols).copy()
    frame["instrument_id"] = frame["instrument_id"].map(_text)
    frame["verification_scale_interval"] = pd.to_numeric(frame["verification_scale_interval"], errors="coerce")
    return frame.drop_duplicates("instrument_id").set_index("instrument_id")


def point_errors(results: pd.DataFrame, instruments: pd.DataFrame, *, basis: str = "in_service") -> pd.DataFrame:
    """Error, relative error and MPE of every calibration point.

    .. math::

        E = x_{ind} - x_{ref} \\;[\\text{unit}], \\qquad
        \\varepsilon = E / x_{ref} \\;[1], \\qquad
        \\text{within} \\iff |E| \\le \\text{MPE}

    Parameters
    ----------
    results : DataFrame
        校准结果: instrument_id, certificate_no, calibration_date, reference_value,
        indicated_value, unit.
    instruments : DataFrame
        The ledger: instrument_id, instrument_type, accuracy_class, optionally
        verification_scale_interval (e, in the unit of the calibration values).
    basis : {"in_service", "verification"}
        Which MPE (see :func:`mpe_fraction`).

    Returns
    -------
    DataFrame
        The point columns plus instrument_type, accuracy_class, error [unit],
        error_fraction [1] (NaN at x_ref = 0), mpe [unit], mpe_fraction [1], within_mpe
        (nullable boolean: NA where the MPE is unknown), mpe_basis, mpe_source,
        mpe_confidence, message_zh (for points outside the MPE or without one; empty
        otherwise).
    """
    ledger = _ledger(instruments)
    pts = results.reindex(columns=["instrument_id", "certificate_no", "calibration_date", "reference_value",
                                   "indicated_value", "unit"]).copy()
    pts["instrument_id"] = pts["instrument_id"].map(_text)
    pts["certificate_no"] = pts["certificate_no"].map(_text)
    pts["calibration_date"] = pd.to_datetime(pts["calibration_date"])
    pts["unit"] = pts["unit"].map(_text)
    ref = pts["reference_value"].astype(float).to_numpy()
    ind = pts["indicated_value"].astype(float).to_numpy()
    pts["reference_value"], pts["indicated_value"] = ref, ind
    pts["instrument_type"] = pts["instrument_id"].map(ledger["instrument_type"]).map(_text)
    pts["accuracy_class"] = pts["instrument_id"].map(ledger["accuracy_class"]).map(normalize_class)
    err = ind - ref
    pts["error"] = err
    with np.errstate(divide="ignore", invalid="ignore"):
        pts["error_fraction"] = np.where(ref != 0, err / ref, np.nan)
    mpe, mpe_f = np.full(len(pts), np.nan), np.full(len(pts), np.nan)
    basis_col, src_col, conf_col, why = ([""] * len(pts) for _ in range(4))
    for inst, pos in pts.groupby("instrument_id", sort=False).indices.items():
        if inst not in ledger.index:
            for p in pos:
                why[p] = f"计量器具{inst}不在计量器具台账中，无法确定准确度等级和最大允许误差。"
            continue
        row = ledger.loc[inst]
        a, f, b, s, c, msg, usable = _lookup(row["instrument_type"], row["accuracy_class"], basis, ref[pos],
                                             row["verification_scale_interval"])
        mpe[pos], mpe_f[pos] = a, f
        for p in pos:
            basis_col[p], src_col[p], conf_col[p] = b, s, c
            if np.isfinite(mpe[p]):
                why[p] = ""
            elif not usable:
                why[p] = msg
            elif ref[p] == 0:
                why[p] = "标准值为0，按相对值规定的最大允许误差不适用。"
            else:
                why[p] = "该载荷超出分段范围，无对应的最大允许误差。"
    pts["mpe"], pts["mpe_fraction"] = mpe, mpe_f
    known = np.isfinite(mpe)
    within = np.abs(err) <= mpe * (1 + _ROUNDOFF)
    pts["within_mpe"] = pd.array(np.where(known, within, False), dtype="boolean")
    pts.loc[~known, "within_mpe"] = pd.NA
    pts["mpe_basis"], pts["mpe_source"], pts["mpe_confidence"] = basis_col, src_col, conf_col
    msgs = []
    for i, (inst, r, x, e, ef, m, mf) in enumerate(zip(pts["instrument_id"], ref, ind, err, pts["error_fraction"],
                                                         mpe, mpe_f)):
        if not known[i]:
            msgs.append(f"计量器具{inst}校准点（标准值{r:g}）：{why[i]}")
        elif not within[i]:
            rel = "" if np.isnan(ef) else f"，相对误差{ef:+.3%}"
            lim = "" if np.isnan(mf) else f"（±{mf:.3%}）"
            msgs.append(f"计量器具{inst}校准点标准值{r:g}、示值{x:g}：误差{e:+.6g}{rel}，超出最大允许误差±{m:.6g}{lim}。")
        else:
            msgs.append("")
    pts["message_zh"] = msgs
    return pts[POINT_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- per instrument
STAT_COLUMNS = GROUP_KEYS + [
    "instrument_type", "accuracy_class", "unit", "n_points", "mpe_fraction", "max_abs_error_fraction",
    "points_exceeding_mpe", "points_without_mpe", "slope", "slope_ci_low", "slope_ci_high", "intercept",
    "intercept_ci_low", "intercept_ci_high", "r_squared", "mean_error_fraction", "mean_error_ci_low",
    "mean_error_ci_high", "t_statistic", "p_value", "confidence_level", "bias_significant", "point_exceeds_mpe",
    "bias_ci_beyond_mpe", "verdict", "message_zh"]


def _fit(x: np.ndarray, y: np.ndarray, t_crit: float) -> dict:
    """Least-squares line y = a + b x with t-based confidence intervals (n − 2 dof)."""
    res = stats.linregress(x, y)
    return {"slope": res.slope, "slope_ci_low": res.slope - t_crit * res.stderr,
            "slope_ci_high": res.slope + t_crit * res.stderr, "intercept": res.intercept,
            "intercept_ci_low": res.intercept - t_crit * res.intercept_stderr,
            "intercept_ci_high": res.intercept + t_crit * res.intercept_stderr, "r_squared": res.rvalue ** 2}


def _bias(r: np.ndarray, level: float) -> dict:
    """One-sample t test of the relative errors against 0, with the CI of their mean."""
    mean = float(np.mean(r))
    if np.ptp(r) <= _ROUNDOFF * np.max(np.abs(r)):  # no scatter beyond round-off: t undefined
        return {"mean_error_fraction": mean, "mean_error_ci_low": mean, "mean_error_ci_high": mean,
                "t_statistic": np.nan, "p_value": np.nan}
    res = stats.ttest_1samp(r, 0.0)
    ci = res.confidence_interval(confidence_level=level)
    return {"mean_error_fraction": mean, "mean_error_ci_low": float(ci.low), "mean_error_ci_high": float(ci.high),
            "t_statistic": float(res.statistic), "p_value": float(res.pvalue)}


def _pct(x: float) -> str:
    return f"{x:+.3%}"


def instrument_statistics(results: pd.DataFrame, instruments: pd.DataFrame, *, basis: str = "in_service",
                          confidence_level: float | None = None, min_points: int | None = None) -> pd.DataFrame:
    """Per instrument and certificate: points against the MPE, linear fit, bias test, verdict.

    With n calibration points (x_ref,i, x_ind,i), relative errors ε_i [1] and
    t* = t_{(1+p)/2, ν} the Student quantile at confidence p:

    * linear fit (``scipy.stats.linregress``), ν = n − 2:

      .. math:: x_{ind} = a + b\\,x_{ref}, \\quad b \\pm t^* s_b, \\quad a \\pm t^* s_a

      (b [1] = 1 and a [unit] = 0 for a perfect instrument);
    * bias test (``scipy.stats.ttest_1samp``), ν = n − 1:

      .. math:: \\bar\\varepsilon \\pm t^* s_\\varepsilon/\\sqrt{n}, \\qquad H_0: \\mu_\\varepsilon = 0

    * ``point_exceeds_mpe``: some |E_i| > MPE_i;
    * ``bias_ci_beyond_mpe``: the interval of ε̄ reaches beyond ±MPE_rel, with MPE_rel the
      smallest relative MPE over the points (the strictest): the points cannot show, at
      confidence p, that the systematic error lies within the MPE (JJF 1094-2002:
      conformity must account for the uncertainty of the measured error).

    Verdict: 不符合 when either flag is set; 无法判定 when no point has an MPE; else 符合.
    With fewer than ``min_points`` points no fit and no test are made, and the evidence says
    so; the verdict then rests on the points alone.

    Parameters
    ----------
    results, instruments : DataFrame
        As for :func:`point_errors`.
    basis : {"in_service", "verification"}
        Which MPE.
    confidence_level : float, optional
        p [1]; default ``calibration_confidence_level`` (0.95) of the threshold table.
    min_points : int, optional
        Least n for fit and test; default ``calibration_min_points`` (3).

    Returns
    -------
    DataFrame
        One row per instrument_id × certificate_no × calibration_date: instrument_type,
        accuracy_class, unit, n_points, mpe_fraction [1], max_abs_error_fraction [1],
        points_exceeding_mpe, points_without_mpe, slope [1] and intercept [unit] with their
        CIs, r_squared, mean_error_fraction [1] with its CI, t_statistic, p_value,
        confidence_level, bias_significant (p_value < 1 − p), point_exceeds_mpe,
        bias_ci_beyond_mpe, verdict (符合 / 不符合 / 无法判定), message_zh.
    """
    level = threshold("calibration_confidence_level") if confidence_level is None else float(confidence_level)
    n_min = int(threshold("calibration_min_points") if min_points is None else min_points)
    pts = point_errors(results, instruments, basis=basis)
    rows = []
    for keys, g in pts.groupby(GROUP_KEYS, sort=True, dropna=False):
        inst, cert, date = keys
        x, y = g["reference_value"].to_numpy(float), g["indicated_value"].to_numpy(float)
        r = g["error_fraction"].to_numpy(float)
        r = r[np.isfinite(r)]
        known = g["within_mpe"].notna().to_numpy()
        exceed = int((~g["within_mpe"].fillna(True)).sum())
        mpe_rel = float(np.nanmin(g["mpe_fraction"])) if np.isfinite(g["mpe_fraction"]).any() else np.nan
        rec = {"instrument_id": inst, "certificate_no": cert, "calibration_date": date,
               "instrument_type": g["instrument_type"].iloc[0], "accuracy_class": g["accuracy_class"].iloc[0],
               "unit": "、".join(dict.fromkeys(u for u in g["unit"] if u)), "n_points": len(g),
               "mpe_fraction": mpe_rel,
               "max_abs_error_fraction": float(np.max(np.abs(r))) if len(r) else np.nan,
               "points_exceeding_mpe": exceed, "points_without_mpe": int((~known).sum()),
               "confidence_level": level}
        notes = []
        fit = dict.fromkeys(["slope", "slope_ci_low", "slope_ci_high", "intercept", "intercept_ci_low",
                             "intercept_ci_high", "r_squared"], np.nan)
        if len(g) < n_min:
            notes.append(f"仅{len(g)}个校准点，少于{n_min}个，未作线性拟合与偏差检验")
        elif np.ptp(x) == 0:
            notes.append("各校准点标准值相同，无法作线性拟合")
        else:
            fit = _fit(x, y, stats.t.ppf((1 + level) / 2, len(g) - 2))
        bias = dict.fromkeys(["mean_error_fraction", "mean_error_ci_low", "mean_error_ci_high", "t_statistic",
                              "p_value"], np.nan)
        if len(r) >= n_min:
            bias = _bias(r, level)
        elif len(g) >= n_min:
            notes.append(f"可计算相对误差的点（标准值不为0）仅{len(r)}个，未作偏差检验")
        rec.update(fit)
        rec.update(bias)
        rec["bias_significant"] = bool(bias["p_value"] < 1 - level) if np.isfinite(bias["p_value"]) else (
            bool(np.isfinite(bias["mean_error_fraction"]) and bias["mean_error_fraction"] != 0))
        rec["point_exceeds_mpe"] = exceed > 0
        rec["bias_ci_beyond_mpe"] = bool(np.isfinite(mpe_rel) and np.isfinite(bias["mean_error_ci_low"])
                                         and (bias["mean_error_ci_low"] < -mpe_rel * (1 + _ROUNDOFF)
                                              or bias["mean_error_ci_high"] > mpe_rel * (1 + _ROUNDOFF)))
        if rec["point_exceeds_mpe"] or rec["bias_ci_beyond_mpe"]:
            rec["verdict"] = VERDICT_FAIL
        elif not known.any():
            rec["verdict"] = VERDICT_UNDECIDED
        else:
            rec["verdict"] = VERDICT_PASS
        rec["message_zh"] = _evidence(rec, g, notes)
        rows.append(rec)
    if not rows:
        return pd.DataFrame(columns=STAT_COLUMNS)
    return pd.DataFrame(rows)[STAT_COLUMNS]


def _evidence(rec: dict, g: pd.DataFrame, notes: list[str]) -> str:
    """The Chinese evidence sentence of one instrument × certificate."""
    unit = rec["unit"]
    head = (f"计量器具{rec['instrument_id']}（{rec['instrument_type'] or '类型未填'}，"
            f"{rec['accuracy_class'] + '级' if rec['accuracy_class'] else '等级未填'}"
            f"{'，证书' + rec['certificate_no'] if rec['certificate_no'] else ''}"
            f"{'，' + pd.Timestamp(rec['calibration_date']).strftime('%Y-%m-%d') if pd.notna(rec['calibration_date']) else ''}）")
    parts = [f"{rec['n_points']}个校准点"]
    if np.isfinite(rec["max_abs_error_fraction"]):
        parts.append(f"最大相对误差绝对值{rec['max_abs_error_fraction']:.3%}")
    mpe_rel = rec["mpe_fraction"]
    lim = f"±{mpe_rel:.3%}" if np.isfinite(mpe_rel) else "最大允许误差"
    if rec["points_without_mpe"] == rec["n_points"]:
        reason = next((m for m in g["message_zh"] if m), "")
        parts.append("无法确定最大允许误差：" + reason.split("：", 1)[-1].rstrip("。"))
    else:
        parts.append(f"{rec['points_exceeding_mpe']}个点超出最大允许误差" if rec["points_exceeding_mpe"]
                     else "各点误差均在最大允许误差内")
        if rec["points_without_mpe"]:
            parts.append(f"{rec['points_without_mpe']}个点无对应最大允许误差")
    pct = round(rec["confidence_level"] * 100, 6)
    if np.isfinite(rec["mean_error_fraction"]):
        p = "" if not np.isfinite(rec["p_value"]) else f"，t检验p={rec['p_value']:.3g}"
        s = (f"平均相对误差{_pct(rec['mean_error_fraction'])}（{pct:g}%置信区间{_pct(rec['mean_error_ci_low'])}～"
             f"{_pct(rec['mean_error_ci_high'])}{p}）")
        if np.isfinite(mpe_rel):
            s += f"，置信区间超出{lim}" if rec["bias_ci_beyond_mpe"] else f"，置信区间在{lim}以内"
        parts.append(s)
    if np.isfinite(rec["slope"]):
        parts.append(f"示值对标准值线性拟合斜率{rec['slope']:.5f}（{pct:g}%置信区间{rec['slope_ci_low']:.5f}～"
                     f"{rec['slope_ci_high']:.5f}），截距{rec['intercept']:.4g} {unit}（{rec['intercept_ci_low']:.4g}～"
                     f"{rec['intercept_ci_high']:.4g} {unit}）")
    parts += notes
    return f"{head}：" + "；".join(parts) + f"。结论：{rec['verdict']}。"
