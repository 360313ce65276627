"""Hubei 4.3 碳排放计量器具: equipping, accuracy, ledger, certificates, validity (items 17–33).

Equipping rate (GB 17167-2006 §4.3, JJF 1356 Table A.3), per energy type × level:

.. math:: R_p = N_s / N_l \\times 100\\%

N_s instruments actually installed (the metering points with an instrument of the ledger that
is not 停用), N_l instruments needed (the metering points listed in 计量点). Cement process
materials are not in GB 17167's table; GB/T 35461 covers them, its numbers are [open], so
they are required at 100 % until configured otherwise (item 20).

Accuracy (GB 17167-2006 Table 4 = JJF 1356 Table A.4): the class on the certificate (ledger)
must be at least the required one; electricity meters below site level may be one class
lower. Validity (GB 17167 §5.3.6): an instrument in use must be within its period on every
day it was used: ``valid_from <= day < last + interval``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd

from ..parsing import is_blank

from .. import metadata as md
from ..calibration import instrument_statistics, point_errors
from .items import (CONFORMING, NONCONFORMING, NOT_APPLICABLE, finding, findings_frame, fold_items, rule_list, rule_source)

__all__ = [
    "energy_type_of", "equipping_rates", "accuracy_table", "validity_table", "parse_accuracy_class",
    "class_at_least", "electricity_user_class", "check_classified_metering", "check_equipping", "check_accuracy",
    "check_points_vs_ledger", "check_ledger_fields", "check_certificates", "check_calibration_plan",
    "check_validity", "check_responsible", "check_calibration_results", "instruments_findings", "GB_LEVELS", "PROCESS_MATERIALS",
]

GB_LEVELS = ["进出用能单位", "主要次级用能单位", "主要用能设备"]
PROCESS_MATERIALS = "水泥工艺物料"
_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}


@cache
def _energy_types() -> dict[str, str]:
    t = md.read_table("energy_types.csv")
    return dict(zip(t["metered_object"], t["energy_type"]))


def energy_type_of(obj: str, fuels: pd.DataFrame, alt_materials: pd.DataFrame | None = None) -> str:
    """GB 17167 energy type of a metered object (or 水泥工艺物料, or 其他)."""
    types = _energy_types()
    if obj in types:
        return types[obj]
    if len(fuels) and obj in set(fuels["fuel_name"]):
        fuel = fuels.set_index("fuel_name").loc[obj]
        if fuel["fuel_category"] != "化石燃料":
            return PROCESS_MATERIALS  # alternative and biomass fuels carry carbon into the kiln
        return types.get(fuel["fuel_kind"] or "", "其他")
    if alt_materials is not None and len(alt_materials) and obj in set(alt_materials["material_name"]):
        return PROCESS_MATERIALS
    return "其他"


def _objects_of(sub) -> pd.Series:
    """Metered object per monthly-data row (raw meal is metered as 生料 under object 熟料)."""
    m = sub.monthly
    return m["object"].where(m["parameter"] != "raw_meal_t", "生料")


# -- equipping ------------------------------------------------------------------------------

def equipping_rates(points: pd.DataFrame, instruments: pd.DataFrame, fuels: pd.DataFrame,
                    alt_materials: pd.DataFrame | None = None) -> pd.DataFrame:
    """Equipping rate per energy type × level (the D.8 table).

    Returns
    -------
    DataFrame
        energy_type, level, needed (N_l), installed (N_s), rate_fraction (R_p), required_fraction,
        verdict, missing_points (the points without a usable instrument), source, confidence.
    """
    req = md.read_table("equipping_requirements.csv").copy()
    req["required_fraction"] = req["required_fraction"].astype(float)
    usable = set(instruments.loc[instruments["status"] != "停用", "instrument_id"])
    p = points[points["level"].isin(GB_LEVELS)].copy()
    p["energy_type"] = [energy_type_of(o, fuels, alt_materials) for o in p["metered_object"]]
    p["installed"] = p["instrument_id"].isin(usable)
    rows = []
    for (etype, level), group in p.groupby(["energy_type", "level"], sort=True):
        r = req[(req["energy_type"] == etype) & (req["level"] == level)]
        needed, installed = len(group), int(group["installed"].sum())
        rate = installed / needed
        required = float(r["required_fraction"].iloc[0]) if len(r) else np.nan
        verdict = "" if np.isnan(required) else CONFORMING if rate >= required - 1e-12 else NONCONFORMING
        missing = "、".join(f"{x.point_id}（{x.metered_object}，{x.unit_or_equipment or ''}）".replace("，）", "）")
                           for x in group[~group["installed"]].itertuples())
        rows.append(dict(energy_type=etype, level=level, needed=needed, installed=installed, rate_fraction=rate,
                         required_fraction=required, verdict=verdict, missing_points=missing,
                         source=f"{r['source'].iloc[0]} {r['clause'].iloc[0]}" if len(r) else "无配备率要求",
                         confidence=r["confidence"].iloc[0] if len(r) else ""))
    order = {lv: i for i, lv in enumerate(GB_LEVELS)}
    frame = pd.DataFrame(rows, columns=["energy_type", "level", "needed", "installed", "rate_fraction",
                                        "required_fraction", "verdict", "missing_points", "source", "confidence"])
    return frame.sort_values(["energy_type", "level"], key=lambda s: s.map(order) if s.name == "level" else s,
                             kind="stable").reset_index(drop=True)


def check_equipping(rates: pd.DataFrame) -> pd.DataFrame:
    """Items 19 (energy, GB 17167) and 20 (cement process materials, GB/T 35461 [open])."""
    rows = []
    for item, subset, what in ((19, rates[rates["energy_type"] != PROCESS_MATERIALS], "能源"),
                               (20, rates[rates["energy_type"] == PROCESS_MATERIALS], "含碳工艺物料")):
        judged = subset[subset["verdict"] != ""]
        if judged.empty:
            if item == 20:
                rows.append(finding(20, "equipping_process", NOT_APPLICABLE, "计量点表中没有含碳工艺物料的计量点"))
            continue
        text = "；".join(f"{r.energy_type}/{r.level} {r.installed}/{r.needed}={r.rate_fraction:.0%}（要求{r.required_fraction:.0%}）"
                        for r in judged.itertuples())
        bad = judged[judged["verdict"] == NONCONFORMING]
        note = "（工艺物料要求按100%执行，GB/T 35461数值待核实）" if item == 20 else ""
        if len(bad):
            facts = "；".join(f"{r.energy_type}{r.level}配备率{r.rate_fraction:.1%}低于{r.required_fraction:.0%}，未配备：{r.missing_points}"
                             for r in bad.itertuples())
            rows.append(finding(item, f"equipping_{'energy' if item == 19 else 'process'}", NONCONFORMING,
                                f"{what}配备率：{text}{note}", facts=facts, basis=bad["source"].iloc[0]))
        else:
            rows.append(finding(item, f"equipping_{'energy' if item == 19 else 'process'}", CONFORMING,
                                f"{what}配备率：{text}{note}"))
    return findings_frame(rows)


def check_classified_metering(sub) -> pd.DataFrame:
    """Item 17: every emission stream of the monthly data has at least one equipped metering point."""
    streams = sorted(set(_objects_of(sub)) - {"热力"})
    equipped = set(sub.points.loc[sub.points["instrument_id"].notna(), "metered_object"])
    listed = set(sub.points["metered_object"])
    missing = [s for s in streams if s not in equipped]
    evidence = f"月度数据中的排放源流：{'、'.join(streams)}"
    if missing:
        detail = "；".join(f"{s}{'（计量点表中无计量点）' if s not in listed else '（计量点未配备器具）'}" for s in missing)
        return findings_frame([finding(17, "classified_metering", NONCONFORMING, evidence,
                                       facts=f"以下源流没有配备计量器具的计量点：{detail}")])
    return findings_frame([finding(17, "classified_metering", CONFORMING, evidence + "，均有配备器具的计量点")])


# -- accuracy -------------------------------------------------------------------------------

def parse_accuracy_class(text, instrument_type: str = "") -> tuple[float, bool] | None:
    """'0.5S' -> (0.5, True); '1.0级' -> (1.0, False); 'Ⅲ' on a static scale -> its equivalent
    (``accuracy_equivalents.csv``, [open]); '—' or unknown -> None."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    s = unicodedata.normalize("NFKC", str(text)).strip().upper().replace("级", "").replace("CLASS", "").strip()
    s = "".join(_ROMAN.get(ch, ch) for ch in s).replace("±", "").replace("%", "").strip()
    eq = md.read_table("accuracy_equivalents.csv")
    hit = eq[(eq["instrument_type"] == instrument_type) & (eq["accuracy_class"] == s)]
    if len(hit):
        s = hit["equivalent_class"].iloc[0]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(S?)%?", s)
    if not m:
        return None
    return float(m.group(1)), m.group(2) == "S"


def class_at_least(actual: tuple[float, bool], required: tuple[float, bool]) -> bool:
    """True if ``actual`` is as good as ``required`` or better (smaller number; S beats plain)."""
    if actual[0] != required[0]:
        return actual[0] < required[0]
    return actual[1] or not required[1]


def _fmt_class(c: tuple[float, bool]) -> str:
    return f"{c[0]:g}{'S' if c[1] else ''}"


def electricity_user_class(enterprise: dict) -> tuple[str, str]:
    """(user class I–V, how it was obtained): declared, else from kWh/month and kVA (Table 4 note)."""
    declared = enterprise.get("electricity_user_class")
    if declared:
        return declared, "企业信息中填报"
    t = md.read_table("electricity_user_classes.csv")
    kwh = enterprise.get("monthly_electricity_kwh") or 0
    kva = enterprise.get("transformer_capacity_kva") or 0
    for _, r in t.iterrows():
        if kwh >= float(r["min_monthly_kwh"]) or kva >= float(r["min_capacity_kva"]):
            return r["user_class"], f"按月均用电量{kwh:g} kWh、变压器容量{kva:g} kVA推定"
    return "IV", "按GB 17167表4推定"


def accuracy_table(instruments: pd.DataFrame, fuels: pd.DataFrame, enterprise: dict,
                   alt_materials: pd.DataFrame | None = None) -> pd.DataFrame:
    """Required and actual accuracy class per instrument (the D.9 table).

    Returns
    -------
    DataFrame
        instrument_id, instrument_name, instrument_type, metered_object, energy_type, level, accuracy_class,
        required_class, verdict (符合/不符合/'' when Table 4 has no requirement or the class is unreadable),
        note, source, confidence.
    """
    req = md.read_table("accuracy_requirements.csv")
    user_class, how = electricity_user_class(enterprise)
    ladder = rule_list("electricity_class_ladder")
    rows = []
    for _, inst in instruments.iterrows():
        etype = energy_type_of(inst["metered_object"], fuels, alt_materials)
        itype = inst["instrument_type"]
        cand = req[req["instrument_type"] == itype]
        if itype == "电能表":
            cand = cand[cand["condition"] == user_class]
        elif (cand["energy_type"] != "").any():
            cand = cand[cand["energy_type"] == etype]
        base = dict(instrument_id=inst["instrument_id"], instrument_name=inst["instrument_name"], instrument_type=itype,
                    metered_object=inst["metered_object"], energy_type=etype, level=inst["level"],
                    accuracy_class=inst["accuracy_class"], required_class="", verdict="", note="", source="", confidence="")
        if cand.empty or inst["level"] == "其他":
            rows.append(base | dict(note="GB 17167表4无要求，不判定"))
            continue
        r = cand.iloc[0]
        required = r["required_class"]
        note = ""
        if itype == "电能表":
            note = f"电力用户类别{user_class}（{how}）"
            if inst["level"] != "进出用能单位" and required in ladder and ladder.index(required) + 1 < len(ladder):
                required = ladder[ladder.index(required) + 1]
                note += f"；非进出用能单位可低一个档次（{rule_source('electricity_lower_class_below_site')}）"
        if etype == PROCESS_MATERIALS or etype == "其他":
            note = (note + "；" if note else "") + "工艺物料参照燃料要求（待核实）"
        actual = parse_accuracy_class(inst["accuracy_class"], itype)
        req_parsed = parse_accuracy_class(required)
        if actual is None:  # undecided, said so; the analyst judges it (never a silent non-conformity)
            verdict = ""
            note = (note + "；" if note else "") + f"准确度等级“{inst['accuracy_class']}”无法识别，未判定，需人工核实"
        else:
            verdict = CONFORMING if class_at_least(actual, req_parsed) else NONCONFORMING
        conf = "open" if etype in (PROCESS_MATERIALS, "其他") else r["confidence"]
        rows.append(base | dict(required_class=required, verdict=verdict, note=note,
                                source=f"{r['source']}（{r['edition']}）{r['clause']}", confidence=conf))
    return pd.DataFrame(rows, columns=["instrument_id", "instrument_name", "instrument_type", "metered_object", "energy_type",
                                       "level", "accuracy_class", "required_class", "verdict", "note", "source",
                                       "confidence"])


def check_accuracy(table: pd.DataFrame) -> pd.DataFrame:
    """Item 19 (accuracy part): every judged instrument meets its required class."""
    judged = table[table["verdict"] != ""]
    bad = judged[judged["verdict"] == NONCONFORMING]
    evidence = f"按GB 17167表4判定{len(judged)}台器具的准确度等级"
    if len(bad):
        facts = "；".join(f"{r.instrument_id}（{r.instrument_name}，{r.metered_object}）等级{r.accuracy_class}，要求不低于{r.required_class}"
                         for r in bad.itertuples())
        return findings_frame([finding(19, "accuracy_class", NONCONFORMING, evidence, facts=facts,
                                       basis=bad["source"].iloc[0])])
    return findings_frame([finding(19, "accuracy_class", CONFORMING, evidence + "，均满足要求")])


# -- ledger, certificates, plan, validity ---------------------------------------------------

def check_points_vs_ledger(points: pd.DataFrame, instruments: pd.DataFrame) -> pd.DataFrame:
    """Item 23 (automatic part): the point list and the ledger agree both ways."""
    ledger = set(instruments["instrument_id"])
    on_points = set(points["instrument_id"].dropna())
    unknown = sorted(on_points - ledger)
    metering = instruments[instruments["level"].isin(GB_LEVELS)]
    unplaced = sorted(set(metering["instrument_id"]) - on_points)
    evidence = f"计量点{len(points)}个，台账中分级计量器具{len(metering)}台"
    facts = []
    if unknown:
        facts.append(f"计量点引用了台账中没有的器具：{'、'.join(unknown)}")
    if unplaced:
        facts.append(f"台账中的分级计量器具未出现在计量点（采集点网络）中：{'、'.join(unplaced)}")
    if facts:
        return findings_frame([finding(23, "points_vs_ledger", NONCONFORMING, evidence, facts="；".join(facts))])
    return findings_frame([finding(23, "points_vs_ledger", CONFORMING, evidence + "，二者一致")])


_FIELD_ZH = {r["name"]: r["header_zh"] for _, r in md.sheet_columns("计量器具").iterrows()}


def check_ledger_fields(instruments: pd.DataFrame) -> pd.DataFrame:
    """Item 26: every ledger row holds the mandatory fields of GB 17167 §5.3.1."""
    fields = rule_list("ledger_mandatory_fields")
    problems = []
    for _, inst in instruments.iterrows():
        empty = [_FIELD_ZH[f] for f in fields if inst[f] is None or (isinstance(inst[f], float) and np.isnan(inst[f]))
                 or str(inst[f]).strip() == ""]
        if empty:
            problems.append(f"第{inst['excel_row']}行 {inst['instrument_id']} 缺少：{'、'.join(empty)}")
    levels = "、".join(f"{lv}{int((instruments['level'] == lv).sum())}台" for lv in GB_LEVELS + ["其他"])
    evidence = f"台账{len(instruments)}台（{levels}）"
    if problems:
        return findings_frame([finding(26, "ledger_fields", NONCONFORMING, evidence, facts="；".join(problems),
                                       basis=rule_source("ledger_mandatory_fields"))])
    return findings_frame([finding(26, "ledger_fields", CONFORMING, evidence + "，必备信息齐全")])


def check_certificates(instruments: pd.DataFrame) -> pd.DataFrame:
    """Item 27: the current and the previous certificate numbers are both on file."""
    in_use = instruments[instruments["status"] != "停用"]
    bad = in_use[in_use["certificate_no"].isna() | in_use["previous_certificate_no"].isna()]
    evidence = f"在用器具{len(in_use)}台"
    if len(bad):
        facts = "；".join(f"{r.instrument_id}缺少{'本次' if is_blank(r.certificate_no) else '上次'}证书编号" for r in bad.itertuples())
        return findings_frame([finding(27, "two_certificates", NONCONFORMING, evidence, facts=facts)])
    return findings_frame([finding(27, "two_certificates", CONFORMING, evidence + "，均有连续两次证书编号")])


def check_calibration_plan(instruments: pd.DataFrame) -> pd.DataFrame:
    """Item 31: every instrument has an interval and a last verification/calibration date."""
    in_use = instruments[instruments["status"] != "停用"]
    bad = in_use[in_use["interval_months"].isna() | in_use["last_calibration_date"].isna()]
    evidence = f"在用器具{len(in_use)}台"
    if len(bad):
        facts = "；".join(f"{r.instrument_id}未规定{'检定周期/校准间隔' if pd.isna(r.interval_months) else '最近检定校准日期'}"
                         for r in bad.itertuples())
        return findings_frame([finding(31, "calibration_plan", NONCONFORMING, evidence, facts=facts)])
    return findings_frame([finding(31, "calibration_plan", CONFORMING, evidence + "，均有周期和下次到期日")])


def validity_table(instruments: pd.DataFrame, year: int, readings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validity of every instrument on every day of the review year it was used.

    valid_until = last date + interval; valid_from = last date − interval when the previous
    certificate is on file (the earlier period is then taken as covered), else the last date.
    Days of use: the days with readings when the meter has readings, else every day of the
    year for an instrument not 停用.

    Returns
    -------
    DataFrame
        instrument_id, valid_from, valid_until, days_in_use, overdue_days, first_overdue_day, determinable.
    """
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    reading_days = {}
    if readings is not None and len(readings):
        for meter, ts in readings.groupby("meter_id")["timestamp"]:
            reading_days[meter] = pd.DatetimeIndex(ts.dt.normalize().unique())
    rows = []
    for _, inst in instruments.iterrows():
        used = days if inst["status"] != "停用" else days[:0]
        if inst["instrument_id"] in reading_days:
            used = used.intersection(reading_days[inst["instrument_id"]])
        last, interval = inst["last_calibration_date"], inst["interval_months"]
        if pd.isna(last) or pd.isna(interval):
            rows.append(dict(instrument_id=inst["instrument_id"], valid_from=pd.NaT, valid_until=pd.NaT,
                             days_in_use=len(used), overdue_days=np.nan, first_overdue_day=pd.NaT, determinable=False))
            continue
        until = last + pd.DateOffset(months=int(interval))
        start = last - pd.DateOffset(months=int(interval)) if not is_blank(inst["previous_certificate_no"]) else last
        overdue = used[(used < start) | (used >= until)]
        rows.append(dict(instrument_id=inst["instrument_id"], valid_from=start, valid_until=until, days_in_use=len(used),
                         overdue_days=len(overdue), first_overdue_day=overdue.min() if len(overdue) else pd.NaT,
                         determinable=True))
    return pd.DataFrame(rows, columns=["instrument_id", "valid_from", "valid_until", "days_in_use", "overdue_days",
                                       "first_overdue_day", "determinable"])


def overdue_streams(validity: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Overdue days per emission stream: the monthly data an overdue instrument produced."""
    rows = []
    for v in validity[validity["overdue_days"] > 0].itertuples():
        data = monthly[monthly["instrument_id"] == v.instrument_id]
        for (line, obj, param), group in data.groupby(["line_id", "object", "parameter_zh"]):
            months = set(group["month"])
            overdue = pd.date_range(v.first_overdue_day, f"{v.first_overdue_day.year}-12-31", freq="D")
            overdue = overdue[(overdue < v.valid_from) | (overdue >= v.valid_until)]
            n = int(sum(d.strftime("%Y-%m") in months for d in overdue))
            rows.append(dict(instrument_id=v.instrument_id, line_id=line, object=obj, parameter_zh=param, overdue_days=n))
    return pd.DataFrame(rows, columns=["instrument_id", "line_id", "object", "parameter_zh", "overdue_days"])


def check_validity(validity: pd.DataFrame, streams: pd.DataFrame) -> pd.DataFrame:
    """Item 32: no in-use instrument was overdue on a day of use."""
    bad = validity[validity["overdue_days"] > 0]
    unknown = validity[~validity["determinable"]]
    evidence = f"判定{int(validity['determinable'].sum())}台器具在审查年度内每个使用日的有效期"
    if len(unknown):
        evidence += f"；{len(unknown)}台缺少周期或日期，无法判定（见审查项目31）：{'、'.join(unknown['instrument_id'])}"
    if len(bad):
        facts = []
        for r in bad.itertuples():
            s = streams[streams["instrument_id"] == r.instrument_id]
            affected = "、".join(f"{x.line_id} {x.object}{x.parameter_zh}{x.overdue_days}天" for x in s.itertuples())
            facts.append(f"{r.instrument_id}有效期至{r.valid_until:%Y-%m-%d}，超期使用{r.overdue_days}天"
                         + (f"（影响数据：{affected}）" if affected else ""))
        return findings_frame([finding(32, "validity", NONCONFORMING, evidence, facts="；".join(facts),
                                       basis="GB 17167-2006 5.3.6")])
    return findings_frame([finding(32, "validity", CONFORMING, evidence + "，均在有效期内")])


def check_responsible(instruments: pd.DataFrame) -> pd.DataFrame:
    """Item 33 (automatic part): every in-use instrument has a named responsible person."""
    in_use = instruments[instruments["status"] != "停用"]
    bad = in_use[in_use["responsible_person"].isna()]
    evidence = f"在用器具{len(in_use)}台"
    if len(bad):
        return findings_frame([finding(33, "responsible_person", NONCONFORMING, evidence,
                                       facts=f"未指定责任人：{'、'.join(bad['instrument_id'])}")])
    return findings_frame([finding(33, "responsible_person", CONFORMING, evidence + "，均有责任人")])


def check_calibration_results(statistics: pd.DataFrame) -> pd.DataFrame:
    """Item 19 (calibration part): calibration results within the MPE of the certified class,
    without a bias whose confidence interval reaches beyond the MPE (see :mod:`cementnb.calibration`)."""
    if statistics.empty:
        return findings_frame([])
    bad = statistics[statistics["verdict"] == NONCONFORMING]
    undecided = statistics[~statistics["verdict"].isin([CONFORMING, NONCONFORMING])]
    evidence = f"校准结果{int(statistics['n_points'].sum())}个校准点、{len(statistics)}份证书"
    if len(undecided):
        evidence += f"；{len(undecided)}台无法判定（{'、'.join(undecided['instrument_id'])}），见校准结果表"
    if len(bad):
        return findings_frame([finding(19, "calibration_results", NONCONFORMING, evidence,
                                       facts="；".join(bad["message_zh"]), basis="JJF 1356-2012 审查项目19；GB 17167-2006 表4")])
    return findings_frame([finding(19, "calibration_results", CONFORMING, evidence + "，可判定的均在最大允许误差内")])


def instruments_findings(sub, readings: pd.DataFrame | None = None):
    """Section 4.3: (findings, items, tables) where tables holds the D.8/D.9 and validity tables."""
    alt = sub.tables.get("alt_materials")
    rates = equipping_rates(sub.points, sub.instruments, sub.fuels, alt)
    accuracy = accuracy_table(sub.instruments, sub.fuels, sub.enterprise, alt)
    validity = validity_table(sub.instruments, sub.review_year, readings)
    streams = overdue_streams(validity, sub.monthly)
    statistics = instrument_statistics(sub.calibrations, sub.instruments)
    parts = [
        check_classified_metering(sub), check_equipping(rates), check_accuracy(accuracy),
        check_points_vs_ledger(sub.points, sub.instruments), check_ledger_fields(sub.instruments),
        check_certificates(sub.instruments), check_calibration_plan(sub.instruments),
        check_validity(validity, streams), check_responsible(sub.instruments), check_calibration_results(statistics),
    ]
    findings = pd.concat(parts, ignore_index=True)
    tables = {"equipping": rates, "accuracy": accuracy, "validity": validity, "overdue_streams": streams,
              "calibration_points": point_errors(sub.calibrations, sub.instruments), "calibration_statistics": statistics}
    return findings, fold_items(findings, "instruments"), tables
