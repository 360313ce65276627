"""Synthetic but realistic sample enterprises, generated (never hand-edited) and reproducible.

Three reference enterprises, plus any number of extra ones for batch runs and benchmarks:

- ``sample-a`` 清江水泥: one 5 000 t/d line, clean and complete.
- ``sample-b`` 汉川建材: one 5 000 t/d line with planted defects and data gaps (listed in
  :data:`PLANTED_DEFECTS`, which the tests check one by one).
- ``sample-c`` 荆楚水泥: two lines (5 000 and 2 500 t/d), alternative fuels with a biomass
  share, bypass dust, carbide-slag raw material, natural gas, waste-heat power and
  exported electricity, purchased steam.

Everything is drawn from ``numpy.random.default_rng(seed)``: the same seed gives the same
data. Magnitudes follow a modern dry-process line (emissions.md §5): ≈ 0.52 tCO2/t process,
≈ 0.30 tCO2/t fuel, ≈ 60 kWh/t power, raw meal/clinker ≈ 1.55.
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from stdnum.cn import uscc

from .gaps import review_months
from .template import write_workbook

__all__ = ["SAMPLES", "PLANTED_DEFECTS", "build_sample", "write_sample", "generate_samples"]

YEAR = 2025


@dataclass(frozen=True)
class SampleSpec:
    enterprise_id: str
    kind: str  # clean / defective / multi
    name: str
    city: str
    seed: int
    credit_body: str  # first 17 characters of the credit code


SAMPLES = [
    SampleSpec("sample-a", "clean", "清江水泥有限公司（样例）", "宜昌市", 11, "91420500MA4F00001"),
    SampleSpec("sample-b", "defective", "汉川建材有限公司（样例）", "孝感市", 22, "91420900MA4F00002"),
    SampleSpec("sample-c", "multi", "荆楚水泥股份有限公司（样例）", "荆门市", 33, "91420800MA4F00003"),
]

#: What sample-b gets wrong, and where the loader must find it: (sheet, Excel row or None, column, code).
PLANTED_DEFECTS = [
    ("企业信息", 3, "内容", "uscc_checksum"),
    ("计量器具", 4, "管理编号", "duplicate_key"),
    ("月度数据", None, "数值", "percent_fraction_mixup"),
    ("月度数据", None, "数值", "not_a_number"),
    ("月度数据", None, "数值", "fullwidth_digits"),
    ("月度数据", None, "对象", "unknown_object"),
    ("月度数据", None, "器具管理编号", "unknown_reference"),
    ("月度数据", None, "月份", "missing_month"),
    ("月度数据", None, "月份", "duplicate_month"),
    ("岗位人员", None, "最近培训日期", "date_as_text"),
]


def _credit_code(body: str, *, corrupt: bool = False) -> str:
    check = uscc.calc_check_digit(body)
    if corrupt:  # a plausible typo: the neighbouring character of the alphabet
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        check = alphabet[(alphabet.index(check) + 1) % len(alphabet)]
    return body + check


def _month_days(month: str) -> int:
    y, m = map(int, month.split("-"))
    return calendar.monthrange(y, m)[1]


def _line_months(rng: np.random.Generator, capacity: float, months: list[str]) -> np.ndarray:
    """Clinker per month [t]: ~88 % utilisation, one maintenance month at ~45 %."""
    util = rng.normal(0.88, 0.03, len(months)).clip(0.75, 0.98)
    util[int(rng.integers(0, 3))] *= 0.5  # winter maintenance stop (Jan-Mar)
    days = np.array([_month_days(m) for m in months])
    return np.round(capacity * days * util, 0)


def _row(month, line, obj, param, value, unit, source="实测", instrument=None, remark=None) -> dict[str, Any]:
    return dict(month=month, line_id=line, object=obj, parameter=param, value=value, unit=unit, data_source=source,
                instrument_id=instrument, remark=remark)


def build_sample(spec: SampleSpec, year: int = YEAR) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """(enterprise items, rows by sheet, review parameters) of one sample enterprise."""
    rng = np.random.default_rng(spec.seed)
    months = review_months(year)
    multi = spec.kind == "multi"
    lines = [dict(line_id="L1", line_name="1号熟料线", design_capacity_t_per_d=5000, clinker_type="硅酸盐水泥熟料")]
    if multi:
        lines.append(dict(line_id="L2", line_name="2号熟料线", design_capacity_t_per_d=2500, clinker_type="硅酸盐水泥熟料"))
    enterprise = dict(
        enterprise_name=spec.name,
        credit_code=_credit_code(spec.credit_body, corrupt=spec.kind == "defective"),
        city=spec.city,
        review_year=year,
        altitude_m=round(float(rng.uniform(40, 180)), 0),
        electricity_user_class="I",
        monthly_electricity_kwh=0,  # filled below
        transformer_capacity_kva=40000 if multi else 25000,
        records_kept_since_year=year - (7 if spec.kind != "defective" else 3),
    )

    fuels = [dict(fuel_name="烟煤", fuel_category="化石燃料", fuel_form="固", fuel_kind="烟煤"),
             dict(fuel_name="柴油", fuel_category="化石燃料", fuel_form="液", fuel_kind="柴油")]
    alt_materials = []
    if multi:
        fuels += [dict(fuel_name="天然气", fuel_category="化石燃料", fuel_form="气", fuel_kind="天然气"),
                  dict(fuel_name="废轮胎", fuel_category="替代燃料", fuel_form="固", fuel_kind="其他"),
                  dict(fuel_name="生物质颗粒", fuel_category="生物质燃料", fuel_form="固", fuel_kind="其他")]
        alt_materials = [dict(material_name="电石渣", material_category="电石渣")]

    monthly: list[dict[str, Any]] = []
    emissions_true = {"化石燃料燃烧": 0.0, "替代燃料": 0.0, "碳酸盐分解": 0.0, "生料非燃料碳": 0.0, "净购入电力": 0.0, "净购入热力": 0.0}
    total_power_kwh = 0.0
    for line in lines:
        lid = line["line_id"]
        clinker = _line_months(rng, line["design_capacity_t_per_d"], months)
        for i, month in enumerate(months):
            q = float(clinker[i])
            cao = round(float(rng.normal(65.2, 0.4)), 2)
            mgo = round(float(rng.normal(2.4, 0.15)), 2)
            cao_nc = round(float(rng.normal(2.1 if multi else 0.6, 0.1)), 2)
            mgo_nc = round(float(rng.normal(0.12, 0.02)), 2)
            raw_meal = round(q * float(rng.normal(1.55, 0.01)), 0)
            toc = round(float(rng.normal(0.15, 0.02)), 3)
            ckd = round(q * 0.004, 0)
            monthly += [
                _row(month, lid, "熟料", "熟料产量", q, "t", instrument=f"{lid}-BS-CLK"),
                _row(month, lid, "熟料", "CaO含量", cao, "%", instrument="LAB-XRF"),
                _row(month, lid, "熟料", "MgO含量", mgo, "%", instrument="LAB-XRF"),
                _row(month, lid, "熟料", "非碳酸盐CaO含量", cao_nc, "%", source="计算"),
                _row(month, lid, "熟料", "非碳酸盐MgO含量", mgo_nc, "%", source="计算"),
                _row(month, lid, "熟料", "窑头粉尘量", ckd, "t", source="计算"),
                _row(month, lid, "熟料", "生料消耗量", raw_meal, "t", instrument=f"{lid}-BS-RM"),
                _row(month, lid, "熟料", "生料TOC含量", toc, "%", instrument="LAB-TOC"),
            ]
            ef_cli = (cao - cao_nc) / 100 * 44 / 56 + (mgo - mgo_nc) / 100 * 44 / 40
            dust = ckd
            if multi and lid == "L1":
                bpd = round(q * 0.01, 0)
                dust += bpd
                monthly.append(_row(month, lid, "熟料", "旁路放风粉尘量", bpd, "t", source="计算"))
            emissions_true["碳酸盐分解"] += (q + dust) * ef_cli
            emissions_true["生料非燃料碳"] += raw_meal * toc / 100 * 44 / 12

            heat_need = q * float(rng.normal(3.05, 0.04))  # GJ of kiln heat
            ncv = round(float(rng.normal(23.3, 0.4)), 2)
            alt_share = 0.18 if multi and lid == "L1" else 0.0
            coal = round(heat_need * (1 - alt_share) / ncv, 1)
            monthly += [
                _row(month, lid, "烟煤", "消耗量", coal, "t", instrument=f"{lid}-BS-COAL"),
                _row(month, lid, "烟煤", "低位发热量", ncv, "GJ/t", instrument="LAB-CAL"),
            ]
            emissions_true["化石燃料燃烧"] += coal * ncv * 0.02618 * 0.93 * 44 / 12
            if alt_share:
                tyre_heat, bio_heat = heat_need * 0.12, heat_need * 0.06
                tyre_ncv, bio_ncv = round(float(rng.normal(28.0, 0.5)), 2), round(float(rng.normal(15.8, 0.4)), 2)
                tyre, bio = round(tyre_heat / tyre_ncv, 1), round(bio_heat / bio_ncv, 1)
                monthly += [
                    _row(month, lid, "废轮胎", "消耗量", tyre, "t", instrument="L1-LIW-ALT"),
                    _row(month, lid, "废轮胎", "低位发热量", tyre_ncv, "GJ/t", instrument="LAB-CAL"),
                    _row(month, lid, "废轮胎", "排放因子", 0.085, "tCO2/GJ", source="缺省"),
                    _row(month, lid, "废轮胎", "化石碳比例", 72, "%", source="实测", instrument="LAB-C14"),
                    _row(month, lid, "生物质颗粒", "消耗量", bio, "t", instrument="L1-LIW-ALT"),
                    _row(month, lid, "生物质颗粒", "低位发热量", bio_ncv, "GJ/t", instrument="LAB-CAL"),
                    _row(month, lid, "生物质颗粒", "排放因子", 0.1, "tCO2/GJ", source="缺省"),
                ]
                emissions_true["替代燃料"] += tyre * tyre_ncv * 0.085 * 0.72
            if multi:
                gas = round(float(rng.normal(1.2, 0.1)), 2)  # 万Nm3, kiln ignition and dryers
                monthly += [_row(month, lid, "天然气", "消耗量", gas, "万Nm3", instrument=f"{lid}-FM-GAS"),
                            _row(month, lid, "天然气", "低位发热量", 389.31, "GJ/万Nm3", source="缺省")]
                emissions_true["化石燃料燃烧"] += gas * 389.31 * 0.01532 * 0.99 * 44 / 12
                slag = round(q * 0.05, 0)
                monthly.append(_row(month, lid, "电石渣", "消耗量", slag, "t", instrument=f"{lid}-BS-SLAG"))

            power_kwh = q * float(rng.normal(58.0, 1.5))
            whr_kwh = q * 28.0 if multi else 0.0
            total_power_kwh += power_kwh
            if multi:
                purchased = round((power_kwh - whr_kwh) / 1000, 1)  # MWh
                monthly += [_row(month, lid, "电力", "购入电量", purchased, "MWh", instrument=f"{lid}-EM-MAIN"),
                            _row(month, lid, "电力", "余热发电量", round(whr_kwh / 1000, 1), "MWh", instrument=f"{lid}-EM-WHR")]
                emissions_true["净购入电力"] += purchased * 0.5703
    site = "全厂"
    diesel_total = 0.0
    for i, month in enumerate(months):
        diesel = round(float(rng.normal(28.0, 3.0)), 2)
        diesel_total += diesel
        monthly += [_row(month, site, "柴油", "消耗量", diesel, "t", instrument="SITE-FM-DSL"),
                    _row(month, site, "柴油", "低位发热量", 43.33, "GJ/t", source="缺省")]
        emissions_true["化石燃料燃烧"] += diesel * 43.33 * 0.0202 * 0.98 * 44 / 12
        cement = round(float(rng.normal(1.25, 0.03)) * sum(r["value"] for r in monthly
                       if r["month"] == month and r["parameter"] == "熟料产量"), 0)
        monthly.append(_row(month, site, "水泥", "水泥产量", cement, "t", instrument="SITE-WB-CEM"))
        if not multi:
            clinker_m = sum(r["value"] for r in monthly if r["month"] == month and r["parameter"] == "熟料产量")
            purchased_kwh = round(clinker_m * float(rng.normal(60.0, 1.5)) + 350000, -2)
            monthly.append(_row(month, site, "电力", "购入电量", purchased_kwh, "kWh", instrument="SITE-EM-MAIN"))
            emissions_true["净购入电力"] += purchased_kwh / 1000 * 0.5703
        else:
            exported = round(float(rng.normal(300.0, 20.0)), 1)
            monthly.append(_row(month, site, "电力", "输出电量", exported, "MWh", instrument="SITE-EM-EXP"))
            emissions_true["净购入电力"] -= exported * 0.5703
            steam = round(float(rng.normal(400.0, 30.0)), 1)
            monthly += [_row(month, site, "热力", "购入蒸汽量", steam, "t", instrument="SITE-FM-STM"),
                        _row(month, site, "热力", "购入蒸汽焓值", 2780.0, "kJ/kg", source="计算")]
            emissions_true["净购入热力"] += steam * (2780.0 - 83.74) / 1000 * 0.11
    enterprise["monthly_electricity_kwh"] = round(total_power_kwh / 12, -3)
    # Coal purchases (weighbridge) and stocks (month-end stocktake) at site level: they balance
    # with the belt scales' consumption within the weighing uncertainty.
    stock = round(float(rng.uniform(8000, 12000)), 1)
    for month in months:
        burnt = sum(r["value"] for r in monthly if r["month"] == month and r["object"] == "烟煤" and r["parameter"] == "消耗量")
        closing = round(max(2000.0, stock + float(rng.normal(0, 1500))), 1)
        bought = round((burnt + closing - stock) * float(rng.normal(1.0, 0.003)), 1)
        monthly += [_row(month, site, "烟煤", "购入量", bought, "t", instrument="SITE-WB-COAL"),
                    _row(month, site, "烟煤", "期初库存", stock, "t", source="计算", remark="月度盘点"),
                    _row(month, site, "烟煤", "期末库存", closing, "t", source="计算", remark="月度盘点")]
        stock = closing

    # The enterprise's own report: close to the truth, a few percent off on some items.
    bias = {"化石燃料燃烧": 0.985, "替代燃料": 0.9, "碳酸盐分解": 0.99, "生料非燃料碳": 1.0, "净购入电力": 1.0, "净购入热力": 1.0}
    reported = [dict(item=k, emission_t=round(v * bias[k], 0)) for k, v in emissions_true.items()]
    reported.append(dict(item="合计", emission_t=sum(r["emission_t"] for r in reported)))

    staff, documents, instruments, points, calibrations = _management(spec, lines, multi, year)
    rows = {"生产线": lines, "岗位人员": staff, "管理文件": documents, "计量器具": instruments, "计量点": points,
            "校准结果": calibrations, "月度数据": monthly, "燃料": fuels, "替代原料": alt_materials, "报告排放": reported,
            "估算记录": []}
    if spec.kind == "defective":
        _plant_defects(rows, rng)
    _plant_review_defects(rows, enterprise, spec.kind, year)
    params = dict(
        enterprise_id=spec.enterprise_id,
        enterprise_dir=f"data/samples/{spec.enterprise_id}",
        review_year=year,
        review_date=REVIEW_DATE.isoformat(),
        grid_factor_series="ets_national",
        grid_factor_year=2022,
        method="gbt32151",
        stoichiometry="cn",
        raw_meal_basis="metered",
        raw_meal_clinker_ratio=1.55,
        factor_overrides={},
    )
    return enterprise, rows, params


def _management(spec: SampleSpec, lines, multi: bool, year: int):
    staff = [
        dict(person_name="王建国", department="生产技术部", post="计量管理", title="高级工程师", last_training_date=date(year, 3, 12),
             assessment_result="合格", certificate_no="HBJL-2023-0112", certificate_valid_until=date(year + 2, 6, 30)),
        dict(person_name="李敏", department="质量控制部", post="器具管理", title="工程师", last_training_date=date(year, 4, 8),
             assessment_result="合格", certificate_no="HBJL-2024-0345", certificate_valid_until=date(year + 3, 4, 30)),
        dict(person_name="张伟", department="生产技术部", post="数据采集", title="技术员", last_training_date=date(year, 5, 20),
             assessment_result="合格", certificate_no=None, certificate_valid_until=None),
        dict(person_name="陈静", department="财务部", post="统计分析", title="统计师", last_training_date=date(year, 6, 2),
             assessment_result="合格", certificate_no=None, certificate_valid_until=None),
    ]
    topics = ["职责权限", "器具配备使用维护", "周期检定校准", "人员配备培训", "数据管理", "自查改进"]
    documents = [
        dict(document_no="QG/JL-01", document_title="碳排放计量管理办法", topics=tuple(topics[:2]), issued_date=date(year - 1, 12, 1), approved_by="总经理"),
        dict(document_no="QG/JL-02", document_title="计量器具周期检定/校准管理规定", topics=(topics[2],), issued_date=date(year - 1, 12, 1), approved_by="总经理"),
        dict(document_no="QG/JL-03", document_title="计量人员培训与考核制度", topics=(topics[3],), issued_date=date(year - 1, 12, 1), approved_by="总经理"),
        dict(document_no="QG/JL-04", document_title="碳排放数据采集与统计管理规定", topics=(topics[4],), issued_date=date(year - 1, 12, 1), approved_by="总经理"),
        dict(document_no="QG/JL-05", document_title="碳排放计量自查与改进程序", topics=(topics[5],), issued_date=date(year - 1, 12, 1), approved_by="总经理"),
    ]

    def inst(iid, name, model, cls, rng_text, obj, level, itype, kind, interval, last, cert, prev, interval_code, reading):
        return dict(instrument_id=iid, instrument_name=name, model=model, accuracy_class=cls, measuring_range=rng_text,
                    manufacturer="某计量仪器有限公司", serial_no=f"SN{abs(hash(iid)) % 10**8:08d}" if False else f"SN-{iid}",
                    location=obj + "计量", metered_object=obj, level=level, instrument_type=itype, verification_kind=kind,
                    interval_months=interval, last_calibration_date=last, certificate_no=cert, previous_certificate_no=prev,
                    status="合格", responsible_person="李敏", collection_interval=interval_code, reading_kind=reading)

    instruments = [
        inst("SITE-WB-COAL", "汽车衡", "SCS-100", "III", "0-100 t", "烟煤", "进出用能单位", "静态衡器", "检定", 12, date(year, 3, 1), f"JD{year}-0101", f"JD{year-1}-0088", "按批次", "区间量"),
        inst("SITE-WB-CEM", "汽车衡", "SCS-100", "III", "0-100 t", "水泥", "进出用能单位", "静态衡器", "检定", 12, date(year, 3, 1), f"JD{year}-0102", f"JD{year-1}-0089", "按批次", "区间量"),
        inst("SITE-EM-MAIN", "关口电能表", "DTZ341", "0.2S", "3×57.7/100V 3×1.5(6)A", "电力", "进出用能单位", "电能表", "检定", 72, date(year - 2, 5, 10), f"JD{year-2}-0301", f"JD{year-8}-0120", "15min", "累计值"),
        inst("SITE-FM-DSL", "柴油流量计", "LC-25", "0.5", "1-10 m3/h", "柴油", "进出用能单位", "流量计", "校准", 12, date(year, 2, 15), f"JZ{year}-0410", f"JZ{year-1}-0398", "1d", "累计值"),
        inst("LAB-CAL", "氧弹量热仪", "ZDHW-5000", "0.2%", "0-40 MJ", "烟煤", "其他", "分析仪器", "检定", 12, date(year, 1, 10), f"JD{year}-0007", f"JD{year-1}-0006", "按批次", "区间量"),
        inst("LAB-XRF", "X荧光分析仪", "ARL 9900", "—", "—", "熟料", "其他", "分析仪器", "校准", 12, date(year, 2, 20), f"JZ{year}-0050", f"JZ{year-1}-0047", "按批次", "区间量"),
        inst("LAB-TOC", "总有机碳分析仪", "TOC-L", "—", "—", "生料", "其他", "分析仪器", "校准", 12, date(year, 2, 20), f"JZ{year}-0051", f"JZ{year-1}-0048", "按批次", "区间量"),
    ]
    for line in lines:
        lid = line["line_id"]
        instruments += [
            inst(f"{lid}-BS-COAL", "煤粉计量秤", "DEM-2", "0.5", "0-30 t/h", "烟煤", "主要次级用能单位", "动态衡器", "检定", 12, date(year, 4, 2), f"JD{year}-{lid}01", f"JD{year-1}-{lid}01", "1min", "累计值"),
            inst(f"{lid}-BS-RM", "生料计量秤", "DEM-3", "0.5", "0-450 t/h", "生料", "主要次级用能单位", "动态衡器", "检定", 12, date(year, 4, 2), f"JD{year}-{lid}02", f"JD{year-1}-{lid}02", "1min", "累计值"),
            inst(f"{lid}-BS-CLK", "熟料皮带秤", "ICS-20", "0.5", "0-300 t/h", "熟料", "主要次级用能单位", "动态衡器", "检定", 12, date(year, 4, 3), f"JD{year}-{lid}03", f"JD{year-1}-{lid}03", "1h", "累计值"),
            inst(f"{lid}-EM-MAIN", "生产线总电能表", "DTZ341", "0.5S", "3×57.7/100V 3×1.5(6)A", "电力", "主要次级用能单位", "电能表", "检定", 72, date(year - 1, 9, 1), f"JD{year-1}-{lid}04", f"JD{year-7}-{lid}04", "15min", "累计值"),
        ]
        if multi:
            instruments += [inst(f"{lid}-FM-GAS", "天然气流量计", "TBQM-100", "1.5", "20-400 m3/h", "天然气", "主要次级用能单位", "流量计", "检定", 24, date(year - 1, 6, 1), f"JD{year-1}-{lid}05", f"JD{year-3}-{lid}05", "1h", "累计值"),
                            inst(f"{lid}-BS-SLAG", "电石渣计量秤", "DEM-2", "0.5", "0-60 t/h", "电石渣", "主要次级用能单位", "动态衡器", "检定", 12, date(year, 4, 5), f"JD{year}-{lid}06", f"JD{year-1}-{lid}06", "1min", "累计值")]
    if multi:
        instruments += [
            inst("L1-LIW-ALT", "替代燃料失重秤", "LIW-5", "0.5", "0-10 t/h", "废轮胎", "主要次级用能单位", "动态衡器", "检定", 12, date(year, 4, 6), f"JD{year}-L107", f"JD{year-1}-L107", "1min", "累计值"),
            inst("L1-EM-WHR", "余热发电计量表", "DTZ341", "0.5S", "3×57.7/100V", "电力", "主要次级用能单位", "电能表", "检定", 72, date(year - 1, 9, 1), f"JD{year-1}-L108", f"JD{year-7}-L108", "15min", "累计值"),
            inst("L2-EM-WHR", "余热发电计量表", "DTZ341", "0.5S", "3×57.7/100V", "电力", "主要次级用能单位", "电能表", "检定", 72, date(year - 1, 9, 1), f"JD{year-1}-L208", f"JD{year-7}-L208", "15min", "累计值"),
            inst("SITE-EM-EXP", "上网关口电能表", "DTZ341", "0.2S", "3×57.7/100V", "电力", "进出用能单位", "电能表", "检定", 72, date(year - 2, 5, 10), f"JD{year-2}-0302", f"JD{year-8}-0121", "15min", "累计值"),
            inst("SITE-FM-STM", "蒸汽流量计", "VFM-80", "2.5", "0-5 t/h", "蒸汽", "进出用能单位", "流量计", "检定", 24, date(year - 1, 7, 1), f"JD{year-1}-0505", f"JD{year-3}-0505", "1h", "累计值"),
            inst("LAB-C14", "生物质碳含量测定（委托）", "—", "—", "—", "废轮胎", "其他", "分析仪器", "校准", 12, date(year, 3, 3), f"WT{year}-0001", f"WT{year-1}-0001", "按批次", "区间量"),
        ]
    points = [dict(point_id=f"P{i:02d}", metered_object=it["metered_object"], level=it["level"],
                   unit_or_equipment=it["location"], capacity_or_consumption=None, capacity_unit=None,
                   instrument_id=it["instrument_id"])
              for i, it in enumerate((x for x in instruments if x["level"] != "其他"), start=1)]
    for it in instruments:
        if it["instrument_type"] == "静态衡器":
            it["verification_scale_interval"] = 0.02  # e = 20 kg
    # Calibration points: belt scale within ±0.5 % (small seeded scatter); weighbridge within
    # its in-service MPE per load band (OIML R76: 0.5e/1e/1.5e at verification, twice in service).
    noise = np.random.default_rng(spec.seed + 7)
    calibrations = []
    by_id = {x["instrument_id"]: x for x in instruments}
    for ref in (50.0, 100.0, 150.0, 200.0, 250.0):
        calibrations.append(dict(instrument_id="L1-BS-CLK", certificate_no=by_id["L1-BS-CLK"]["certificate_no"],
                                 calibration_date=by_id["L1-BS-CLK"]["last_calibration_date"], reference_value=ref,
                                 indicated_value=round(ref * (1 + noise.normal(0.0008, 0.0006)), 3), unit="t/h"))
    for ref, err in ((10.0, 0.0), (30.0, 0.0), (50.0, 0.02), (80.0, 0.0)):
        calibrations.append(dict(instrument_id="SITE-WB-COAL", certificate_no=by_id["SITE-WB-COAL"]["certificate_no"],
                                 calibration_date=by_id["SITE-WB-COAL"]["last_calibration_date"], reference_value=ref,
                                 indicated_value=ref + err, unit="t"))
    return staff, documents, instruments, points, calibrations


def _plant_defects(rows: dict[str, list[dict[str, Any]]], rng: np.random.Generator) -> None:
    """Sample-b's defects (see PLANTED_DEFECTS). Row numbers: header is Excel row 1."""
    inst = rows["计量器具"]
    # A spare weighbridge entered under the ledger number of the one above it: Excel row 4
    # repeats row 3's ID.
    inst.insert(2, dict(inst[1], serial_no="SN-SPARE-01", location="备用汽车衡"))
    monthly = rows["月度数据"]

    def find(month, obj, param):
        return next(i for i, r in enumerate(monthly) if r["month"] == month and r["object"] == obj and r["parameter"] == param)

    i = find(f"{YEAR}-05", "熟料", "CaO含量")
    monthly[i] = dict(monthly[i], value=round(monthly[i]["value"] / 100, 4))  # fraction written under unit %
    i = find(f"{YEAR}-07", "烟煤", "消耗量")
    monthly[i] = dict(monthly[i], value=f"约{monthly[i]['value']:.0f}")  # text in a numeric cell
    i = find(f"{YEAR}-08", "烟煤", "消耗量")
    full = str(monthly[i]["value"]).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    monthly[i] = dict(monthly[i], value=full)  # full-width digits
    i = find(f"{YEAR}-09", "柴油", "消耗量")
    monthly[i] = dict(monthly[i], object="柴由")  # misspelt fuel
    i = find(f"{YEAR}-06", "熟料", "MgO含量")
    monthly.insert(i + 1, dict(monthly[i], value=round(monthly[i]["value"] + 0.3, 2)))  # June MgO entered twice
    i = find(f"{YEAR}-10", "熟料", "熟料产量")
    monthly[i] = dict(monthly[i], instrument_id="L1-BS-CLK-X")  # instrument not in the ledger
    for month, obj, param in ((f"{YEAR}-03", "烟煤", "低位发热量"), (f"{YEAR}-04", "烟煤", "低位发热量"),
                              (f"{YEAR}-11", "熟料", "熟料产量")):
        monthly.pop(find(month, obj, param))  # data gaps
    staff = rows["岗位人员"]
    staff[2] = dict(staff[2], last_training_date=f"{YEAR}/5/20")  # a date typed as text
    rows["估算记录"].append(dict(instrument_id="LAB-CAL", parameter="烟煤/低位发热量", start=datetime(YEAR, 3, 1),
                              end=datetime(YEAR, 4, 30, 23, 59), method="取上年同期平均值", estimated_value=23.1, unit="GJ/t",
                              estimated_by="张伟", approved_by=None))


#: What each sample must conclude, and the items (with the check) where its planted review
#: defects must be found. sample-a: none.
REVIEW_DEFECTS = {
    "sample-a": {},
    "sample-b": {5: "required_posts", 7: "document_topics", 11: "staffing", 13: "data_posts",
                 14: "training_certificates", 16: "record", 19: ("accuracy_class", "calibration_results"),
                 26: "ledger_fields",
                 27: "two_certificates", 32: "validity", 37: "retention", 38: "collection_stability",
                 42: "traceability", 43: "estimations"},
    "sample-c": {17: "classified_metering", 27: "two_certificates"},
}
EXPECTED_CONCLUSION = {"sample-a": "符合规范要求", "sample-b": "不符合规范要求", "sample-c": "基本符合规范要求，需要整改"}
REVIEW_DATE = date(YEAR + 1, 3, 15)


def _plant_review_defects(rows: dict[str, list[dict[str, Any]]], enterprise: dict[str, Any], kind: str, year: int) -> None:
    """Review-level defects (REVIEW_DEFECTS); the readings faults are planted in _readings."""
    def inst(iid: str) -> dict[str, Any]:
        return next(x for x in rows["计量器具"] if x["instrument_id"] == iid)

    if kind == "defective":
        rows["管理文件"][:] = [d for d in rows["管理文件"] if d["document_no"] != "QG/JL-05"]  # item 7
        rows["岗位人员"][:] = [p for p in rows["岗位人员"] if p["post"] != "统计分析"]  # items 5, 11, 13
        next(p for p in rows["岗位人员"] if p["post"] == "器具管理")["certificate_valid_until"] = date(year, 12, 31)  # 14
        inst("L1-BS-COAL")["accuracy_class"] = "1.0"  # item 19: belt scale for fuel must be 0.5
        inst("LAB-TOC")["model"] = None  # item 26
        inst("SITE-FM-DSL")["previous_certificate_no"] = None  # item 27
        inst("LAB-CAL")["last_calibration_date"] = date(year - 1, 3, 1)  # item 32: overdue from 1 March
        for c in rows["校准结果"]:  # item 19: the clinker belt scale reads 0.8 % high, beyond its 0.5 % MPE
            if c["instrument_id"] == "L1-BS-CLK":
                c["indicated_value"] = round(c["reference_value"] * 1.008 + (c["indicated_value"] - c["reference_value"] * 1.0008), 3)
        aug = next(r for r in rows["月度数据"] if r["month"] == f"{year}-08" and r["parameter"] == "购入电量")
        aug["value"] = round(aug["value"] * 1.08, -2)  # item 42: 8 % more than the meter's readings
    elif kind == "multi":
        inst("L2-FM-GAS")["previous_certificate_no"] = None  # item 27 (item 17: biomass has no metering point)


def _person_entries(kind: str) -> dict[int, dict[str, Any]]:
    """The analyst's verdicts on the items only a person can judge."""
    from .review.items import review_items

    entries = {}
    for item, meta in review_items().iterrows():
        if meta["decided_by"] != "record":
            continue
        if item == 30:
            entries[item] = dict(person_verdict="不适用", record_note="企业无内部计量标准")
        else:
            entries[item] = dict(person_verdict="符合", record_note="查阅文件、现场查看，符合要求")
    if kind == "defective":
        entries[16] = dict(person_verdict="不符合", record_note="抽查3名计量人员的技术档案",
                           person_facts="计量人员技术档案中无培训和考核记录", person_rectification="补建人员技术档案")
    return entries


def _readings(rows: dict[str, list[dict[str, Any]]], kind: str, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Cumulative registers of the electricity meters (15 min) and the clinker belt scales (1 h),
    consistent with the monthly data; sample-b gets an outage, a rollback, a stuck belt scale,
    a spike and a monthly total that disagrees with its meter."""
    monthly = rows["月度数据"]
    series = []
    for meter, step, unit, param in (("SITE-EM-MAIN", "15min", "kWh", "购入电量"), ("L1-EM-MAIN", "15min", "kWh", "购入电量"),
                                     ("L2-EM-MAIN", "15min", "kWh", "购入电量"), ("L1-BS-CLK", "1h", "t", "熟料产量")):
        data = [r for r in monthly if r.get("instrument_id") == meter and r["parameter"] == param]
        if not data:
            continue
        stamps, values = [], []
        register = float(rng.uniform(1e6, 5e6))
        for r in sorted(data, key=lambda r: r["month"]):
            total = float(r["value"]) * (1000.0 if r["unit"] == "MWh" else 1.0)
            start = pd.Timestamp(f"{r['month']}-01")
            slots = pd.date_range(start, start + pd.offsets.MonthBegin(1), freq=step, inclusive="left")
            hours = slots.hour.to_numpy() + slots.minute.to_numpy() / 60
            weight = (1 + 0.15 * np.sin(2 * np.pi * (hours - 6) / 24)) * rng.uniform(0.9, 1.1, len(slots))
            quantity = total * weight / weight.sum()
            stamps.append(slots)
            values.append(register + np.concatenate([[0.0], np.cumsum(quantity)[:-1]]))
            register += total
        frame = pd.DataFrame({"管理编号": meter, "时间": np.concatenate([s.to_numpy() for s in stamps]),
                              "数值": np.round(np.concatenate(values), 1), "单位": unit})
        series.append(frame)
    readings = pd.concat(series, ignore_index=True)
    if kind != "multi":
        # The line's own meter (a sub-meter of the site meter) carries ~90 % of the site load.
        site = readings[readings["管理编号"] == "SITE-EM-MAIN"]
        q = site["数值"].diff().fillna(0.0).to_numpy() * rng.uniform(0.88, 0.92, len(site))
        if kind == "defective":  # item 42: in October the sub-meter reads 5 % more than the site meter
            q = np.where(pd.to_datetime(site["时间"]).dt.strftime("%m").to_numpy() == "10", q / 0.9 * 1.05, q)
        line = pd.DataFrame({"管理编号": "L1-EM-MAIN", "时间": site["时间"].to_numpy(), "数值": np.round(2.0e6 + np.cumsum(q), 1),
                             "单位": "kWh"})
        readings = pd.concat([readings, line], ignore_index=True)
    if kind == "defective":
        em = readings["管理编号"] == "SITE-EM-MAIN"
        t = readings["时间"]
        outage = em & (t >= pd.Timestamp(f"{year}-03-10")) & (t < pd.Timestamp(f"{year}-03-16"))  # 6 days: items 37, 38
        rollback = readings.index[em & (t == pd.Timestamp(f"{year}-06-12 10:00"))]  # item 42
        readings.loc[rollback, "数值"] -= 5000.0
        spike = readings.index[em & (t == pd.Timestamp(f"{year}-07-20 14:00"))]  # evidence only
        readings.loc[readings.index[em & (t > pd.Timestamp(f"{year}-07-20 14:00"))], "数值"] += 30000.0
        readings.loc[spike, "数值"] += 30000.0
        clk = readings["管理编号"] == "L1-BS-CLK"
        stuck = clk & (t >= pd.Timestamp(f"{year}-09-05")) & (t < pd.Timestamp(f"{year}-09-10"))  # item 37
        readings.loc[stuck, "数值"] = readings.loc[readings.index[stuck][0], "数值"]
        readings = readings[~outage].reset_index(drop=True)
    readings["时间"] = pd.to_datetime(readings["时间"]).dt.strftime("%Y-%m-%d %H:%M")
    return readings


def write_sample(spec: SampleSpec, samples_dir: str | Path, params_dir: str | Path | None = None, year: int = YEAR) -> Path:
    """Write one sample's ``submission.xlsx``, ``readings/``, ``record.xlsx`` (and its
    parameters YAML); return its folder."""
    enterprise, rows, params = build_sample(spec, year)
    folder = Path(samples_dir) / spec.enterprise_id
    write_workbook(folder / "submission.xlsx", rows, enterprise=enterprise)
    # Meters record what really happened: readings come from the data before sample-b's
    # submission defects were planted (same seed, so the same numbers).
    truth = rows if spec.kind != "defective" else build_sample(dataclasses.replace(spec, kind="clean"), year)[1]
    readings = _readings(truth, spec.kind, year, np.random.default_rng(spec.seed + 1))
    (folder / "readings").mkdir(parents=True, exist_ok=True)
    readings.to_csv(folder / "readings" / "meters.csv.gz", index=False, compression={"method": "gzip", "mtime": 0})
    _write_record(folder, spec.kind, year)
    if params_dir is not None:
        params["enterprise_dir"] = str(Path(samples_dir) / spec.enterprise_id)
        path = Path(params_dir) / f"{spec.enterprise_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        header = f"# 审查参数：{spec.name}（由 cementnb samples 生成）\n"
        path.write_text(header + yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def generate_samples(samples_dir: str | Path, params_dir: str | Path | None = None, *, extra: int = 0,
                     year: int = YEAR) -> list[Path]:
    """Write the three reference samples and ``extra`` more (clean or two-line, seeded)."""
    specs = list(SAMPLES)
    for i in range(extra):
        kind = "multi" if i % 2 else "clean"
        specs.append(SampleSpec(f"synthetic-{i + 1:03d}", kind, f"合成水泥企业{i + 1:03d}（样例）", "武汉市", 1000 + i,
                                f"91420100MA4G{i + 1:05d}"))
    return [write_sample(spec, samples_dir, params_dir, year) for spec in specs]


def _write_record(folder: Path, kind: str, year: int) -> Path:
    """The analyst's record of a sample: automatic verdicts from the checks, person verdicts
    on the record items (see :func:`_person_entries`)."""
    from .loader import load_submission
    from .review.record import write_record
    from .review.sections import SECTIONS, run_section

    sub = load_submission(folder, year)
    review_date = pd.Timestamp(REVIEW_DATE)
    auto = pd.concat([run_section(s, sub, review_date).items for s in SECTIONS], ignore_index=True)
    info = dict(review_date=REVIEW_DATE, team_leader="赵明（审查组长）", team_members="钱丽、孙强", enterprise_contact="王建国")
    return write_record(folder / "record.xlsx", auto, enterprise=sub.enterprise, person=_person_entries(kind), info=info)
