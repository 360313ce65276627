"""Hubei 4.4 碳排放数据管理: completeness, retention, readings quality, estimations (items 37–43).

- Item 37: every required monthly parameter present for all 12 months and every line
  (:func:`cementnb.gaps.find_monthly_gaps`); original records kept ≥ 5 years
  (碳排放权交易管理暂行条例 Art. 11); meter readings complete (≥ 90 % per meter and month)
  and not stuck.
- Item 38: collection stable in time: no meter gap longer than ``max_gap_hours`` [open].
- Item 42: statistics trace to instrument results: the monthly totals of 月度数据 agree with
  the sums of the readings of the meter that produced them (within 5 %), cumulative registers
  never run backwards and interval quantities are never negative. Robust outliers (Hampel)
  are listed as evidence to check, not as a non-conformity.
- Item 43 (不适用 allowed): every estimated value (数据来源 = 估算) has an estimation record,
  and every record names its estimator and approver.

Without meter readings, items 38 and 42 are left to the analyst (no automatic verdict).
"""

from __future__ import annotations

import pandas as pd

from ..parsing import is_blank

from ..gaps import find_monthly_gaps
from ..quality import readings_quality
from ..units import UnitError, convert_values
from .items import CONFORMING, NONCONFORMING, NOT_APPLICABLE, finding, findings_frame, fold_items, rule, rule_source

__all__ = ["monthly_totals_for_meters", "check_monthly_completeness", "check_retention", "check_readings",
           "check_estimations", "data_findings"]


def check_monthly_completeness(sub) -> pd.DataFrame:
    """Item 37: every required monthly value present (the gaps also listed by the loader)."""
    gaps = find_monthly_gaps(sub.monthly, sub.lines, sub.fuels, sub.review_year, alt_materials=sub.tables.get("alt_materials"))
    n = len(sub.monthly)
    if len(gaps):
        parts = [f"{line} {obj}“{p}”缺{len(g)}个月（{'、'.join(g['month'])}）"
                 for (line, obj, p), g in gaps.groupby(["line_id", "object", "parameter_zh"], sort=False)]
        return findings_frame([finding(37, "monthly_completeness", NONCONFORMING, f"月度数据{n}行，缺{len(gaps)}个月度值",
                                       facts="；".join(parts))])
    return findings_frame([finding(37, "monthly_completeness", CONFORMING, f"月度数据{n}行，审查年度内各参数逐月齐全")])


def check_retention(enterprise: dict, year: int) -> pd.DataFrame:
    """Item 37: original records kept for at least ``retention_years`` (5) years."""
    need = int(rule("retention_years"))
    since = enterprise.get("records_kept_since_year")
    if since is None:
        return findings_frame([])
    kept = year - int(since) + 1
    evidence = f"原始记录最早保存至{since}年，共{kept}年（要求≥{need}年）"
    if kept < need:
        return findings_frame([finding(37, "retention", NONCONFORMING, evidence,
                                       facts=f"原始记录仅保存{kept}年（{since}—{year}年），少于{need}年",
                                       basis=rule_source("retention_years"))])
    return findings_frame([finding(37, "retention", CONFORMING, evidence)])


def monthly_totals_for_meters(monthly: pd.DataFrame, readings: pd.DataFrame) -> pd.DataFrame:
    """Monthly totals of 月度数据 per meter, in the unit of that meter's readings.

    Only quantities (not contents or calorific values) whose unit converts to the readings'
    unit are compared: meter_id, month, monthly_total, parameter_zh.
    """
    if readings.empty or "unit" not in readings:
        return pd.DataFrame(columns=["meter_id", "month", "monthly_total", "parameter_zh"])
    unit_of = readings.dropna(subset=["unit"]).groupby("meter_id")["unit"].first()
    rows = []
    m = monthly[monthly["instrument_id"].isin(unit_of.index)]
    for (meter, param, unit), group in m.groupby(["instrument_id", "parameter_zh", "unit"]):
        try:
            values = convert_values(group["value"].to_numpy(), unit, unit_of[meter])
        except UnitError:
            continue  # e.g. a content [%] from an analyser: not a metered quantity
        rows += [dict(meter_id=meter, month=month, monthly_total=v, parameter_zh=param)
                 for month, v in zip(group["month"], values)]
    return pd.DataFrame(rows, columns=["meter_id", "month", "monthly_total", "parameter_zh"])


def check_readings(sub, readings: pd.DataFrame):
    """Items 37, 38 and 42 from meter readings. Returns (findings, ReadingsQuality or None)."""
    if readings.empty:
        return findings_frame([]), None
    totals = monthly_totals_for_meters(sub.monthly, readings)
    meter_changes = ()  # documented meter changes are not part of the submission yet
    # Only meters that export readings are judged on them (readings/ is optional per meter).
    meters_with_data = sub.instruments[sub.instruments["instrument_id"].isin(set(readings["meter_id"]))]
    q = readings_quality(readings, meters_with_data, sub.review_year, meter_changes, totals)
    f = q.flags
    meters = q.summary["meter_id"].nunique()
    rows = []

    def verdict_for(item, check, checks, evidence, what):
        hits = f[f["check"].isin(checks)]
        if len(hits):
            shown = "；".join(hits["message_zh"].head(10)) + (f"；等共{len(hits)}处" if len(hits) > 10 else "")
            rows.append(finding(item, check, NONCONFORMING, evidence, facts=f"{what}：{shown}"))
        else:
            rows.append(finding(item, check, CONFORMING, evidence + "，未发现问题"))

    verdict_for(37, "readings_completeness", ["completeness", "stuck"],
                f"{meters}台计量器具的读数：逐月数据完整率、停走检查", "读数不完整或疑似停走")
    long_gaps = q.gaps[q.gaps["gap_minutes"] > float(rule("max_gap_hours")) * 60] if len(q.gaps) else q.gaps
    evidence = f"{meters}台计量器具的读数：缺数{len(q.gaps)}处，最长{q.gaps['gap_minutes'].max() / 60 if len(q.gaps) else 0:.1f}小时"
    if len(long_gaps):
        rows.append(finding(38, "collection_stability", NONCONFORMING, evidence,
                            facts="；".join(long_gaps["message_zh"].head(10)), basis=rule_source("max_gap_hours")))
    else:
        rows.append(finding(38, "collection_stability", CONFORMING, evidence + f"，均不超过{rule('max_gap_hours')}小时"))
    outliers = f[f["check"] == "outlier"]
    note = f"；稳健异常值{len(outliers)}个，需核实（不作为不符合）" if len(outliers) else ""
    compared = len(totals)
    verdict_for(42, "traceability", ["daily_vs_monthly", "rollback", "negative"],
                f"月度数据与读数逐日累计值比对{compared}个月次；累计值回退、区间量为负检查{note}",
                "统计数据与计量结果不一致或原始数据异常")
    return findings_frame(rows), q


def fuel_balance(monthly: pd.DataFrame) -> pd.DataFrame:
    r"""Monthly balance of each fuel with purchases: purchases − consumption − stock change [t].

    .. math:: \delta = (P - C - (S_{close} - S_{open})) / P

    P purchases (进厂计量, e.g. weighbridge), C consumption summed over lines and site (入炉计量,
    e.g. belt scales), S stocks. Months without all four values are listed with δ = NaN.
    """
    fuels = monthly[monthly["object_kind"] == "燃料"]
    buy = fuels[fuels["parameter"] == "purchases_t"]
    rows = []
    for (fuel, month), g in buy.groupby(["object", "month"]):
        f = fuels[(fuels["object"] == fuel) & (fuels["month"] == month)]
        get = lambda p: f.loc[f["parameter"] == p, "value"]  # noqa: E731
        cons, opening, closing = get("consumption_t"), get("opening_stock_t"), get("closing_stock_t")
        purchases = float(g["value"].sum())
        complete = len(cons) and len(opening) and len(closing)
        imbalance = purchases - float(cons.sum()) - (float(closing.sum()) - float(opening.sum())) if complete else float("nan")
        rows.append(dict(fuel=fuel, month=month, purchases_t=purchases, consumption_t=float(cons.sum()) if len(cons) else float("nan"),
                         stock_change_t=float(closing.sum()) - float(opening.sum()) if complete else float("nan"),
                         imbalance_t=imbalance, imbalance_fraction=imbalance / purchases if purchases else float("nan"),
                         purchase_meters="、".join(sorted(set(g["instrument_id"].dropna()))),
                         consumption_meters="、".join(sorted(set(f.loc[f["parameter"] == "consumption_t", "instrument_id"].dropna())))))
    return pd.DataFrame(rows, columns=["fuel", "month", "purchases_t", "consumption_t", "stock_change_t", "imbalance_t",
                                       "imbalance_fraction", "purchase_meters", "consumption_meters"])


def check_fuel_balance(balance: pd.DataFrame) -> pd.DataFrame:
    """Item 42: purchases (weighbridge) and consumption (belt scales) of a fuel agree, stock change
    accounted for, within ``fuel_balance_max_fraction`` [open]."""
    if balance.empty:
        return findings_frame([])
    limit = float(rule("fuel_balance_max_fraction"))
    judged = balance.dropna(subset=["imbalance_fraction"])
    bad = judged[judged["imbalance_fraction"].abs() > limit]
    evidence = (f"燃料进出平衡（购入−消耗−库存变化）{len(judged)}个月次，允许±{limit:.0%}"
                + (f"；{len(balance) - len(judged)}个月次数据不全未核" if len(judged) < len(balance) else ""))
    if len(bad):
        facts = "；".join(f"{r.fuel}{r.month}：购入{r.purchases_t:,.1f} t（{r.purchase_meters}），消耗{r.consumption_t:,.1f} t"
                         f"（{r.consumption_meters}），库存变化{r.stock_change_t:+,.1f} t，不平衡{r.imbalance_fraction:+.1%}"
                         for r in bad.itertuples())
        return findings_frame([finding(42, "fuel_balance", NONCONFORMING, evidence, facts=facts,
                                       basis=rule_source("fuel_balance_max_fraction"))])
    return findings_frame([finding(42, "fuel_balance", CONFORMING, evidence + "，均在允许范围内")])


def main_vs_submeters(readings: pd.DataFrame, instruments: pd.DataFrame) -> pd.DataFrame:
    """Monthly reading totals of each site-level meter (进出用能单位) against the sum of the
    lower-level meters of the same object that export readings. Cumulative registers are
    differenced per meter."""
    if readings.empty:
        return pd.DataFrame(columns=["metered_object", "month", "main_meters", "sub_meters", "main_total", "sub_total",
                                     "excess_fraction"])
    from ..quality import interval_quantities

    inst = instruments.set_index("instrument_id")
    r = readings[readings["meter_id"].isin(inst.index)]
    # cumulative registers differenced, interval quantities as they are (the meter's 读数类型)
    quantities = interval_quantities(r, instruments)
    q = quantities.assign(q=quantities["quantity"], month=pd.to_datetime(quantities["interval_start"]).dt.strftime("%Y-%m"))
    q["level"] = q["meter_id"].map(inst["level"])
    q["object"] = q["meter_id"].map(inst["metered_object"])
    rows = []
    for (obj, month), g in q.groupby(["object", "month"]):
        main, sub = g[g["level"] == "进出用能单位"], g[g["level"].isin(["主要次级用能单位", "主要用能设备"])]
        if main.empty or sub.empty:
            continue
        mt, st = float(main["q"].sum()), float(sub["q"].sum())
        rows.append(dict(metered_object=obj, month=month, main_meters="、".join(sorted(main["meter_id"].unique())),
                         sub_meters="、".join(sorted(sub["meter_id"].unique())), main_total=mt, sub_total=st,
                         excess_fraction=(st - mt) / mt if mt else float("nan")))
    return pd.DataFrame(rows, columns=["metered_object", "month", "main_meters", "sub_meters", "main_total", "sub_total",
                                       "excess_fraction"])


def check_main_vs_submeters(table: pd.DataFrame) -> pd.DataFrame:
    """Item 42: lower-level meters never add up to more than their site-level meter (+ tolerance)."""
    if table.empty:
        return findings_frame([])
    limit = float(rule("submeter_excess_max_fraction"))
    bad = table[table["excess_fraction"] > limit]
    evidence = f"上下级计量器具读数比对{len(table)}个月次（下级合计不应超过上级{limit:.0%}以上）"
    if len(bad):
        facts = "；".join(f"{r.metered_object}{r.month}：下级（{r.sub_meters}）合计{r.sub_total:,.0f}超过上级（{r.main_meters}）"
                         f"{r.main_total:,.0f}达{r.excess_fraction:.1%}" for r in bad.itertuples())
        return findings_frame([finding(42, "main_vs_submeters", NONCONFORMING, evidence, facts=facts,
                                       basis=rule_source("submeter_excess_max_fraction"))])
    return findings_frame([finding(42, "main_vs_submeters", CONFORMING, evidence + "，均一致")])


def raw_meal_ratio(monthly: pd.DataFrame) -> pd.DataFrame:
    """Raw meal / clinker per line and month against the typical range (plausibility.csv, [open])."""
    from .. import metadata as md

    m = monthly[monthly["object"] == "熟料"].pivot_table(index=["line_id", "month"], columns="parameter", values="value",
                                                         aggfunc="first")
    if "raw_meal_t" not in m or "clinker_output_t" not in m:
        return pd.DataFrame(columns=["line_id", "month", "ratio", "typical_min", "typical_max", "plausible"])
    typical = md.read_table("plausibility.csv").set_index("indicator").loc["raw_meal_ratio"]
    lo, hi = float(typical["min"]), float(typical["max"])
    out = (m["raw_meal_t"] / m["clinker_output_t"]).rename("ratio").reset_index().dropna()
    return out.assign(typical_min=lo, typical_max=hi, plausible=out["ratio"].between(lo, hi))


def check_estimations(monthly: pd.DataFrame, estimations: pd.DataFrame) -> pd.DataFrame:
    """Item 43: estimated values have estimation records with estimator and approver."""
    estimated = monthly[monthly["data_source"] == "估算"]
    if estimated.empty and estimations.empty:
        return findings_frame([finding(43, "estimations", NOT_APPLICABLE, "月度数据中没有估算值，也没有估算记录")])
    problems = []
    for _, e in estimations.iterrows():
        missing = [label for col, label in (("estimated_by", "估算人"), ("approved_by", "批准人")) if is_blank(e[col])]
        if missing:
            problems.append(f"估算记录第{e['excel_row']}行（{e['parameter'] or e['instrument_id']}）缺少{'、'.join(missing)}")
    for _, m in estimated.iterrows():
        key = f"{m['object']}/{m['parameter_zh']}"
        start = pd.Timestamp(f"{m['month']}-01")
        end = start + pd.offsets.MonthEnd(1)
        cover = estimations[((estimations["parameter"] == key) | (estimations["instrument_id"] == m["instrument_id"]))
                            & (estimations["start"] <= end) & (estimations["end"] >= start)]
        if cover.empty:
            problems.append(f"月度数据第{m['excel_row']}行 {m['month']} {key} 为估算值，但没有对应的估算记录")
    evidence = f"估算值{len(estimated)}个，估算记录{len(estimations)}条"
    if problems:
        return findings_frame([finding(43, "estimations", NONCONFORMING, evidence, facts="；".join(problems))])
    return findings_frame([finding(43, "estimations", CONFORMING, evidence + "，记录齐全并经批准")])


def check_raw_meal_ratio(ratios: pd.DataFrame) -> pd.DataFrame:
    """Item 37 (evidence only): implausible raw meal / clinker ratios are listed to be checked."""
    if ratios.empty:
        return findings_frame([])
    odd = ratios[~ratios["plausible"]]
    lo, hi = ratios["typical_min"].iloc[0], ratios["typical_max"].iloc[0]
    text = (f"生料/熟料比{len(ratios)}个月次，典型范围{lo:g}～{hi:g}（待核实）"
            + ("，均在范围内" if odd.empty else "；超出范围、需核实：" + "、".join(f"{r.line_id} {r.month} {r.ratio:.3f}" for r in odd.itertuples())))
    return findings_frame([finding(37, "raw_meal_ratio", CONFORMING, text)])


def data_findings(sub, readings: pd.DataFrame):
    """Section 4.4: (findings, items, tables)."""
    readings_findings, quality = check_readings(sub, readings)
    balance = fuel_balance(sub.monthly)
    hierarchy = main_vs_submeters(readings, sub.instruments)
    ratios = raw_meal_ratio(sub.monthly)
    findings = pd.concat([check_monthly_completeness(sub), check_retention(sub.enterprise, sub.review_year),
                          check_raw_meal_ratio(ratios), readings_findings, check_fuel_balance(balance),
                          check_main_vs_submeters(hierarchy), check_estimations(sub.monthly, sub.estimations)],
                         ignore_index=True)
    tables = {"fuel_balance": balance, "main_vs_submeters": hierarchy, "raw_meal_ratio": ratios}
    if quality is not None:
        tables |= {"readings_flags": quality.flags, "readings_summary": quality.summary,
                  "readings_completeness": quality.completeness, "readings_thresholds": quality.thresholds}
    return findings, fold_items(findings, "data"), tables
