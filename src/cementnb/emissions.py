"""Recalculation of an enterprise's CO2 emissions per GB/T 32151.8-2023, month × line.

:func:`calculate_emissions` takes a loaded :class:`~cementnb.loader.Submission` and an
:class:`EmissionConfig` (the review's parameters) and returns an :class:`EmissionResult`
of tidy tables: per-fuel and per-line details, the monthly table by source, annual totals,
intensities, the deviation against what the enterprise reported, every substituted value
with its method and reason, and every default used with its source and confidence.

Nothing is filled silently: a missing monthly value is substituted by the rule of its
parameter (``monthly_parameters.csv``, column ``gap_rule``) and listed in
``substitutions``; a value that cannot be substituted leaves its emission uncomputed and
listed in ``issues``, and the totals say they are incomplete.

References
----------
.. [1] GB/T 32151.8-2023 碳排放核算与报告要求 第8部分：水泥生产企业.
.. [2] 40 CFR 98.85 (missing clinker quantity: kiln capacity × days).
.. [3] EU MRR 2018/2066 Art. 66 (conservative surrogate data).
.. [4] 全国碳市场核算数据表: missing coal NCV batch → 26.7 GJ/t.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import formulas as f
from . import metadata as md
from .factors import FactorSet
from .gaps import STOCK_PARAMETERS, find_monthly_gaps, review_months
from .loader import Submission

__all__ = ["EmissionConfig", "EmissionResult", "calculate_emissions", "SOURCES_ZH", "METHODS"]

SOURCES_ZH = {
    "fuel": "化石燃料燃烧",
    "alt_fuel": "替代燃料",
    "carbonate": "碳酸盐分解",
    "raw_meal_toc": "生料非燃料碳",
    "process_national": "工业生产过程（2024指南熟料法）",
    "electricity": "净购入电力",
    "heat": "净购入热力",
}
METHODS = {
    "gbt32151": "GB/T 32151.8-2023（碳酸盐分解按熟料CaO/MgO计算）",
    "national_2024": "CETS-AG-02.01-V01-2024 熟料排放因子法（因子由审查员输入）",
}
COAL_KINDS = {"无烟煤", "烟煤", "褐煤", "洗精煤"}


@dataclass
class EmissionConfig:
    """The review's choices for the recalculation (from the notebook's parameters).

    Attributes
    ----------
    method : {"gbt32151", "national_2024"}
        Process-emission method. ``national_2024`` replaces carbonate decomposition and
        raw-meal TOC by Q_cli × EF_cli − Σ AD_j × DF_j with factors entered by the analyst.
    grid_series, grid_year : str, int
        Grid electricity factor (see :data:`cementnb.factors.GRID_SERIES_ZH`).
    stoichiometry : {"cn", "ipcc"}
        44/12, 44/56, 44/40 (Chinese texts) or IPCC molar-mass ratios.
    raw_meal_basis : {"metered", "clinker_ratio"}
        F4 raw meal: metered monthly values, or clinker × ``raw_meal_clinker_ratio``.
    raw_meal_clinker_ratio : float, optional
        Raw meal / clinker [t/t]; also the substitute for missing metered raw meal.
    national_clinker_ef_t_per_t : float, optional
        EF_cli for ``national_2024`` [tCO2/t clinker].
    national_deduction_factors : mapping
        DF_j [tCO2/t] by alternative raw material name or category (``{"电石渣": 0.48}``).
    factor_overrides : mapping
        Overrides of ``factors.csv`` rows (``{"fuel_ncv:烟煤": 23.5}``).
    altitude_correction : bool
        Apply K above the altitude threshold to fuel-combustion emissions.
    """

    method: str = "gbt32151"
    grid_series: str = "ets_national"
    grid_year: int = 2022
    stoichiometry: str = "cn"
    raw_meal_basis: str = "metered"
    raw_meal_clinker_ratio: float | None = None
    national_clinker_ef_t_per_t: float | None = None
    national_deduction_factors: Mapping[str, float] = field(default_factory=dict)
    factor_overrides: Mapping[str, Any] = field(default_factory=dict)
    altitude_correction: bool = True

    def __post_init__(self) -> None:
        errors = []
        if self.method not in METHODS:
            errors.append(f"核算方法“{self.method}”无效，应为：" + "、".join(METHODS))
        if self.raw_meal_basis not in ("metered", "clinker_ratio"):
            errors.append(f"生料量口径“{self.raw_meal_basis}”无效，应为 metered 或 clinker_ratio")
        if self.raw_meal_basis == "clinker_ratio" and not self.raw_meal_clinker_ratio:
            errors.append("生料量口径为 clinker_ratio 时必须给出 raw_meal_clinker_ratio（生料/熟料比）")
        if self.method == "national_2024" and not self.national_clinker_ef_t_per_t:
            errors.append("national_2024 方法必须由审查员给出 national_clinker_ef_t_per_t（熟料排放因子），本工具不提供缺省值")
        if errors:
            raise ValueError("；".join(errors))


@dataclass
class EmissionResult:
    """Tables of one recalculation (English column names with units; see :mod:`cementnb.display`)."""

    config: EmissionConfig
    monthly: pd.DataFrame
    annual: pd.DataFrame
    by_line: pd.DataFrame
    fuel_detail: pd.DataFrame
    clinker_detail: pd.DataFrame
    electricity_detail: pd.DataFrame
    heat_detail: pd.DataFrame
    intensities: pd.DataFrame
    deviation: pd.DataFrame
    substitutions: pd.DataFrame
    defaults_used: pd.DataFrame
    issues: pd.DataFrame
    summary: dict[str, Any]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in (
            "monthly", "annual", "by_line", "fuel_detail", "clinker_detail", "electricity_detail", "heat_detail",
            "intensities", "deviation", "substitutions", "defaults_used", "issues")}


SUBSTITUTION_COLUMNS = ["line_id", "object", "parameter", "parameter_zh", "month", "method", "value", "unit",
                        "reason", "basis", "confidence"]
ISSUE_COLUMNS = ["source", "line_id", "object", "month", "message"]


def _days(month: str) -> int:
    year, mon = map(int, month.split("-"))
    return calendar.monthrange(year, mon)[1]


class _Calc:
    """State of one calculation: the data with its substitutions, the factors, the log."""

    def __init__(self, sub: Submission, cfg: EmissionConfig, year: int):
        self.sub, self.cfg, self.year = sub, cfg, year
        self.factors = FactorSet(grid_series=cfg.grid_series, grid_year=cfg.grid_year,
                                 stoichiometry=cfg.stoichiometry, overrides=dict(cfg.factor_overrides))
        self.substitutions: list[dict] = []
        self.issues: list[dict] = []
        fuels = sub.fuels.set_index("fuel_name") if len(sub.fuels) else pd.DataFrame()
        self.fuels = fuels
        self.long = sub.monthly[["month", "line_id", "object", "object_kind", "parameter", "value"]].copy()
        self.long["origin"] = sub.monthly["data_source"].fillna("实测")

    # -- substitutions ------------------------------------------------------------------
    def _reported(self, line: str, obj: str, param: str) -> pd.Series:
        m = self.long
        return m.loc[(m["line_id"] == line) & (m["object"] == obj) & (m["parameter"] == param) & (m["origin"] != "替代"), "value"]

    def _fuel_kind(self, fuel: str) -> str:
        if fuel in self.fuels.index and isinstance(self.fuels.at[fuel, "fuel_kind"], str):
            return self.fuels.at[fuel, "fuel_kind"]
        return ""

    def _substitute(self, gap: pd.Series) -> tuple[float, str, str, str, str]:
        """(value, method, reason, basis, confidence) for one missing monthly value."""
        line, obj, param, month, rule = gap["line_id"], gap["object"], gap["parameter"], gap["month"], gap["gap_rule"]
        reported = self._reported(line, obj, param)
        if rule == "capacity_days":
            lines = self.sub.lines.set_index("line_id")
            capacity = float(lines.at[line, "design_capacity_t_per_d"]) if line in lines.index else np.nan
            return (capacity * _days(month), "设计产能×当月天数", "熟料产量缺失，按窑设计能力×日历天数取保守上限",
                    "40 CFR 98.85", "read")
        if rule == "max_of_year" and len(reported):
            return (float(reported.max()), "年内最大值", f"缺失，取本年已报{len(reported)}个月中的最大值（保守）",
                    "EU MRR 2018/2066 Art. 66", "impl")
        if rule == "ncv_substitute":
            kind = self._fuel_kind(obj)
            if kind in COAL_KINDS and param == "ncv_gj_per_t":
                value = self.factors.get("coal_ncv_substitute_gj_per_t", purpose="入炉煤低位发热量缺失替代")
                return (value, "碳市场替代值", "入炉煤低位发热量缺失，取26.7 GJ/t", "全国碳市场核算数据表", "read")
            if kind and self.factors.has("fuel_ncv", kind):
                value = self.factors.get("fuel_ncv", kind, purpose="低位发热量缺失替代")
                return (value, "缺省值", f"低位发热量缺失，取{kind}缺省值", "factors.csv", "open")
        if rule == "zero":
            return (0.0, "按0计", "缺失，按0计（对非碳酸盐组分为保守取值；对粉尘、输出量为非保守取值，需核实）",
                    "审查规则", "open")
        if rule == "clinker_ratio":
            ratio = self.cfg.raw_meal_clinker_ratio
            clinker = self.long[(self.long["line_id"] == line) & (self.long["object"] == "熟料")
                                & (self.long["parameter"] == "clinker_output_t") & (self.long["month"] == month)]["value"]
            if ratio and len(clinker):
                return (float(clinker.iloc[0]) * ratio, "熟料×生料/熟料比", f"生料消耗量缺失，按熟料产量×{ratio:g}计",
                        "审查参数 raw_meal_clinker_ratio", "override")
        if rule == "factor_default":
            key = {"toc_fraction": ("toc_default_fraction", ""), "cc_tc_per_gj": ("fuel_cc_tc_per_gj", self._fuel_kind(obj)),
                   "of_fraction": ("fuel_of_fraction", self._fuel_kind(obj))}.get(param)
            if key and self.factors.has(*key):
                value = self.factors.get(*key, purpose=f"{gap['parameter_zh']}缺失替代")
                return (value, "缺省值", f"{gap['parameter_zh']}缺失，取缺省值", "factors.csv", "open")
        if rule == "one":
            value = self.factors.get("alt_fuel_fossil_fraction_default", purpose="化石碳比例缺失替代")
            return (value, "按100%计", "化石碳比例缺失，全部按化石碳计（保守）", "EU MRR 2018/2066 Art. 66", "open")
        return (np.nan, "无法替代", "缺失且没有可用的替代规则或数据，该项排放未计算", "", "")

    def fill_gaps(self) -> None:
        sub = self.sub
        gaps = find_monthly_gaps(sub.monthly, sub.lines, sub.fuels, self.year, alt_materials=sub.alt_materials)
        gaps = gaps[gaps["gap_rule"] != "none"]
        if self.cfg.raw_meal_basis == "metered" and self.cfg.method == "gbt32151":
            have = set(zip(self.long.loc[self.long["parameter"] == "raw_meal_t", "line_id"],
                           self.long.loc[self.long["parameter"] == "raw_meal_t", "month"]))
            extra = [(line, "熟料", "熟料", "raw_meal_t", "生料消耗量", month, "clinker_ratio")
                     for line in sub.lines["line_id"] for month in review_months(self.year) if (line, month) not in have]
            extra = pd.DataFrame(extra, columns=gaps.columns)
            gaps = pd.concat([gaps[gaps["parameter"] != "raw_meal_t"], extra], ignore_index=True)
        # Clinker first: the raw-meal substitute depends on it.
        gaps = gaps.assign(_order=(gaps["parameter"] != "clinker_output_t").astype(int)).sort_values(
            ["_order", "line_id", "object", "parameter", "month"], kind="stable")
        for _, gap in gaps.iterrows():
            value, method, reason, basis, confidence = self._substitute(gap)
            spec = md.monthly_parameters()
            unit = spec.loc[spec["name"] == gap["parameter"], "canonical_unit"].iloc[0]
            self.substitutions.append(dict(line_id=gap["line_id"], object=gap["object"], parameter=gap["parameter"],
                                           parameter_zh=gap["parameter_zh"], month=gap["month"], method=method,
                                           value=value, unit=unit, reason=reason, basis=basis, confidence=confidence))
            if not np.isnan(value):
                self.long.loc[len(self.long)] = [gap["month"], gap["line_id"], gap["object"], gap["object_kind"],
                                                 gap["parameter"], value, "替代"]
            else:
                self.issue(self._source_of(gap), gap["line_id"], gap["object"], gap["month"],
                           f"{gap['parameter_zh']}缺失且无法替代，该项排放未计算或不完整")

    # -- tables -------------------------------------------------------------------------
    def wide(self, kinds: list[str]) -> pd.DataFrame:
        # Purchases and stocks (fuel balance, item 42) are not burnt: they take no part here.
        rows = self.long[self.long["object_kind"].isin(kinds) & ~self.long["parameter"].isin(STOCK_PARAMETERS)]
        if rows.empty:
            return pd.DataFrame(columns=["month", "line_id", "object", "substituted"])
        wide = rows.pivot_table(index=["month", "line_id", "object"], columns="parameter", values="value",
                                aggfunc="first").reset_index()
        wide.columns.name = None
        flags = rows.assign(sub=rows["origin"] == "替代").groupby(["month", "line_id", "object"])["sub"].any()
        wide["substituted"] = wide.set_index(["month", "line_id", "object"]).index.map(flags).astype(bool)
        return wide

    def _source_of(self, gap: pd.Series) -> str:
        """The emission source a monthly parameter feeds (for the completeness flags)."""
        param, kind = gap["parameter"], gap["object_kind"]
        if kind == "电力":
            return "electricity"
        if kind == "热力":
            return "heat"
        if kind == "燃料":
            cat = self.fuels.at[gap["object"], "fuel_category"] if gap["object"] in self.fuels.index else "化石燃料"
            return "fuel" if cat == "化石燃料" else "alt_fuel"
        if self.cfg.method == "national_2024":
            return "process_national"
        return "raw_meal_toc" if param in ("raw_meal_t", "toc_fraction") else "carbonate"

    def issue(self, source: str, line: str, obj: str, month: str, message: str) -> None:
        self.issues.append(dict(source=source, line_id=line, object=obj, month=month, message=message))


def _col(frame: pd.DataFrame, name: str, default: float = np.nan) -> pd.Series:
    return frame[name].astype(float) if name in frame else pd.Series(default, index=frame.index, dtype=float)


_LABELS = {"cc_tc_per_gj": "单位热值含碳量", "of_fraction": "碳氧化率"}


def _fuel_table(calc: _Calc, k_altitude: float) -> pd.DataFrame:
    fs = calc.factors
    w = calc.wide(["燃料"])
    cols = ["month", "line_id", "fuel", "fuel_category", "fuel_form", "consumption_t", "consumption_10k_nm3",
            "ncv_gj_per_t", "ncv_gj_per_10k_nm3", "heat_gj", "cc_tc_per_gj", "carbon_content_fraction", "of_fraction",
            "ef_t_per_gj", "fossil_fraction", "altitude_k", "emission_t", "biomass_memo_t", "substituted", "factor_origin"]
    if w.empty:
        return pd.DataFrame(columns=cols)
    w = w.rename(columns={"object": "fuel"})
    fuels = calc.fuels
    w["fuel_category"] = w["fuel"].map(fuels["fuel_category"])
    w["fuel_form"] = w["fuel"].map(fuels["fuel_form"])
    qty = _col(w, "consumption_t").fillna(_col(w, "consumption_10k_nm3"))
    ncv = _col(w, "ncv_gj_per_t").fillna(_col(w, "ncv_gj_per_10k_nm3"))
    w["heat_gj"] = qty * ncv
    r = fs.ratio("co2_c")
    origins = []
    cc_out, of_out, ef_out, alpha_out, e_out, bio_out = [], [], [], [], [], []
    for i, row in w.iterrows():
        fuel, cat = row["fuel"], row["fuel_category"]
        kind = calc._fuel_kind(fuel)
        sheet = fuels.loc[fuel] if fuel in fuels.index else pd.Series(dtype=object)
        origin = []

        def pick(param: str, sheet_col: str, key: str) -> float:
            value = row.get(param, np.nan)
            if not pd.isna(value):
                return float(value)
            sheet_value = sheet.get(sheet_col, np.nan)
            if not pd.isna(sheet_value):
                origin.append(f"{_LABELS[param]}取燃料表确认值")
                return float(sheet_value)
            if key and kind and fs.has(key, kind):
                origin.append(f"{_LABELS[param]}取{kind}缺省值")
                return fs.get(key, kind, purpose=f"{fuel}（{kind}）缺省值")
            return np.nan

        cc = pick("cc_tc_per_gj", "cc_tc_per_gj", "fuel_cc_tc_per_gj")
        of = pick("of_fraction", "of_fraction", "fuel_of_fraction")
        ef, alpha, emission, bio = np.nan, np.nan, np.nan, 0.0
        q = qty.at[i]
        if cat == "化石燃料":
            carbon = row.get("carbon_content_fraction", np.nan)
            if not pd.isna(carbon):
                emission = f.fuel_combustion_emissions_from_carbon(q, carbon, of, r)
                origin.append("按元素碳含量计算")
            else:
                emission = f.fuel_combustion_emissions(q, ncv.at[i], cc, of, r)
            alpha = 1.0
        else:
            ef = row.get("ef_t_per_gj", np.nan)
            if pd.isna(ef) and not pd.isna(cc):
                ef = cc * (1.0 if pd.isna(of) else of) * r
                origin.append("排放因子=单位热值含碳量×碳氧化率×44/12" + ("（碳氧化率缺失，按100%计）" if pd.isna(of) else ""))
            if cat == "生物质燃料":
                alpha = 0.0
            else:
                alpha = row.get("fossil_fraction", np.nan)
                if pd.isna(alpha):
                    alpha = sheet.get("fossil_fraction", np.nan)
                if pd.isna(alpha):
                    alpha = fs.get("alt_fuel_fossil_fraction_default", purpose=f"{fuel}化石碳比例")
                    origin.append("化石碳比例按100%（保守）")
            emission, bio = f.alternative_fuel_emissions(q, ncv.at[i], ef, alpha)
        if pd.isna(emission) and not (q == 0):
            calc.issue("fuel" if cat == "化石燃料" else "alt_fuel", row["line_id"], fuel, row["month"],
                       "缺少消耗量、低位发热量、含碳量或排放因子，且无缺省值，排放未计算")
        cc_out.append(cc); of_out.append(of); ef_out.append(ef); alpha_out.append(alpha)
        e_out.append(emission * k_altitude if not pd.isna(emission) else np.nan)
        bio_out.append(bio)
        origins.append("；".join(dict.fromkeys(origin)))
    w["cc_tc_per_gj"], w["of_fraction"], w["ef_t_per_gj"], w["fossil_fraction"] = cc_out, of_out, ef_out, alpha_out
    w["altitude_k"] = k_altitude
    w["emission_t"], w["biomass_memo_t"], w["factor_origin"] = e_out, bio_out, origins
    for c in cols:
        if c not in w:
            w[c] = np.nan
    return w[cols].sort_values(["line_id", "fuel", "month"], kind="stable").reset_index(drop=True)


def _clinker_table(calc: _Calc) -> pd.DataFrame:
    cfg, fs = calc.cfg, calc.factors
    w = calc.wide(["熟料"])
    months = review_months(calc.year)
    grid = pd.MultiIndex.from_product([months, list(calc.sub.lines["line_id"])], names=["month", "line_id"]).to_frame(index=False)
    w = grid.merge(w.drop(columns=["object"], errors="ignore"), on=["month", "line_id"], how="left")
    w["substituted"] = w["substituted"].fillna(False).astype(bool)
    for name, label in (("cao_nc_fraction", "非碳酸盐CaO含量"), ("mgo_nc_fraction", "非碳酸盐MgO含量"),
                        ("ckd_t", "窑头粉尘量"), ("bypass_dust_t", "旁路放风粉尘量")):
        if name not in w or w[name].isna().all():
            fs.note(f"{name}=0", 0.0, "t" if name.endswith("_t") else "1", f"{label}未报送，按0计",
                    "审查规则（未报送视为不存在）", "open", f"{label}")
        w[name] = _col(w, name).fillna(0.0) if name in w else 0.0
    r_cao, r_mgo, r_c = fs.ratio("co2_cao"), fs.ratio("co2_mgo"), fs.ratio("co2_c")
    w["ef_cli_t_per_t"] = f.clinker_emission_factor(_col(w, "cao_fraction"), w["cao_nc_fraction"], _col(w, "mgo_fraction"),
                                                    w["mgo_nc_fraction"], r_cao, r_mgo)
    clinker = _col(w, "clinker_output_t")
    if cfg.raw_meal_basis == "clinker_ratio":
        fs.note("raw_meal_clinker_ratio", cfg.raw_meal_clinker_ratio, "t/t", "生料/熟料比（生料量=熟料产量×该比值）",
                "审查参数", "override", "生料非燃料碳")
        w["raw_meal_t"] = clinker * cfg.raw_meal_clinker_ratio
    toc = _col(w, "toc_fraction")
    if toc.isna().all():
        toc = pd.Series(fs.get("toc_default_fraction", purpose="生料TOC含量（未报送）"), index=w.index)
    w["toc_fraction"] = toc
    if cfg.method == "gbt32151":
        w["carbonate_t"] = f.carbonate_emissions(clinker, w["ckd_t"], w["bypass_dust_t"], w["ef_cli_t_per_t"])
        w["raw_meal_toc_t"] = f.raw_meal_toc_emissions(_col(w, "raw_meal_t"), w["toc_fraction"], r_c)
        w["process_national_t"] = np.nan
    else:
        fs.note("national_clinker_ef_t_per_t", cfg.national_clinker_ef_t_per_t, "tCO2/t", "熟料排放因子（2024指南熟料法）",
                "审查参数（审查员输入）", "override", "工业生产过程")
        deductions = _deductions(calc)
        w = w.merge(deductions, on=["month", "line_id"], how="left")
        w["deduction_t"] = w["deduction_t"].fillna(0.0)
        w["carbonate_t"] = np.nan
        w["raw_meal_toc_t"] = np.nan
        w["process_national_t"] = f.national_process_emissions(clinker, cfg.national_clinker_ef_t_per_t, w["deduction_t"])
    for src in (("carbonate", "raw_meal_toc") if cfg.method == "gbt32151" else ("process_national",)):
        for _, row in w[w[f"{src}_t"].isna()].iterrows():
            calc.issue(src, row["line_id"], "熟料", row["month"], "缺少熟料产量、成分或生料量，该月过程排放未计算")
    cols = ["month", "line_id", "clinker_output_t", "cao_fraction", "cao_nc_fraction", "mgo_fraction", "mgo_nc_fraction",
            "ckd_t", "bypass_dust_t", "ef_cli_t_per_t", "carbonate_t", "raw_meal_t", "toc_fraction", "raw_meal_toc_t",
            "process_national_t", "substituted"]
    for c in cols:
        if c not in w:
            w[c] = np.nan
    return w[cols].sort_values(["line_id", "month"], kind="stable").reset_index(drop=True)


def _deductions(calc: _Calc) -> pd.DataFrame:
    """Σ AD_j × DF_j per month and line for the national method (factors from the analyst)."""
    w = calc.wide(["替代原料"])
    if w.empty:
        return pd.DataFrame(columns=["month", "line_id", "deduction_t"])
    alt = calc.sub.alt_materials.set_index("material_name")
    dfs = calc.cfg.national_deduction_factors
    missing = []
    factors = []
    for name in w["object"]:
        category = alt.at[name, "material_category"] if name in alt.index else ""
        df = dfs.get(name, dfs.get(category))
        if df is None:
            missing.append(f"{name}（{category}）")
            df = np.nan
        factors.append(df)
    if missing:
        raise ValueError("national_2024 方法缺少替代原料扣减因子 national_deduction_factors：" + "、".join(dict.fromkeys(missing)))
    for name, df in dict(zip(w["object"], factors)).items():
        calc.factors.note(f"deduction_factor:{name}", df, "tCO2/t", f"{name}扣减因子DF", "审查参数（审查员输入）",
                          "override", "工业生产过程扣减")
    w["deduction_t"] = _col(w, "consumption_t") * np.asarray(factors, dtype=float)
    return w.groupby(["month", "line_id"], as_index=False)["deduction_t"].sum()


def _electricity_table(calc: _Calc) -> pd.DataFrame:
    w = calc.wide(["电力"])
    cols = ["month", "line_id", "purchased_mwh", "nonfossil_direct_mwh", "exported_mwh", "net_mwh", "whr_generation_mwh",
            "grid_ef_t_per_mwh", "emission_t", "substituted"]
    if w.empty:
        return pd.DataFrame(columns=cols)
    ef = calc.factors.grid_factor()
    for name in ("exported_mwh", "nonfossil_direct_mwh"):
        w[name] = _col(w, name).fillna(0.0)
    # A row without purchases is a line or the site that only exports or generates: the
    # required purchase series were completed (or listed as unsubstitutable) by fill_gaps.
    w["purchased_mwh"] = _col(w, "purchased_mwh").fillna(0.0)
    w["whr_generation_mwh"] = _col(w, "whr_generation_mwh")
    w["net_mwh"] = w["purchased_mwh"] - w["nonfossil_direct_mwh"] - w["exported_mwh"]
    w["grid_ef_t_per_mwh"] = ef
    w["emission_t"] = f.electricity_emissions(w["purchased_mwh"], w["exported_mwh"], w["nonfossil_direct_mwh"], ef)
    return w[cols].sort_values(["line_id", "month"], kind="stable").reset_index(drop=True)


def _heat_table(calc: _Calc) -> pd.DataFrame:
    w = calc.wide(["热力"])
    cols = ["month", "line_id", "purchased_gj", "exported_gj", "net_gj", "heat_ef_t_per_gj", "emission_t", "substituted"]
    if w.empty:
        return pd.DataFrame(columns=cols)
    fs = calc.factors
    base_t = fs.get("hot_water_base_temp_c", purpose="热水热量换算")
    cp = fs.get("water_specific_heat_kj_per_kg_k", purpose="热水热量换算")
    h0 = fs.get("steam_base_enthalpy_kj_per_kg", purpose="蒸汽热量换算")
    for side in ("purchased", "exported"):
        steam = f.steam_heat_gj(_col(w, f"{side}_steam_t", 0.0).fillna(0.0), _col(w, f"{side}_steam_enthalpy_kj_per_kg"), h0)
        water = f.hot_water_heat_gj(_col(w, f"{side}_hot_water_t", 0.0).fillna(0.0), _col(w, f"{side}_hot_water_temp_c"), base_t, cp)
        steam = steam.where(_col(w, f"{side}_steam_t", 0.0).fillna(0.0) != 0, 0.0)
        water = water.where(_col(w, f"{side}_hot_water_t", 0.0).fillna(0.0) != 0, 0.0)
        for kind, values in (("蒸汽", steam), ("热水", water)):
            for i in values[values.isna()].index:
                calc.issue("heat", w.at[i, "line_id"], "热力", w.at[i, "month"], f"{kind}缺少焓值或温度，热量未计算")
        w[f"{side}_gj"] = _col(w, f"{side}_heat_gj", 0.0).fillna(0.0) + steam + water
    ef = fs.get("heat_ef_t_per_gj", purpose="净购入热力排放因子")
    w["net_gj"] = w["purchased_gj"] - w["exported_gj"]
    w["heat_ef_t_per_gj"] = ef
    w["emission_t"] = f.heat_emissions(w["purchased_gj"], w["exported_gj"], ef)
    return w[cols].sort_values(["line_id", "month"], kind="stable").reset_index(drop=True)


def _sum(series: pd.Series) -> float:
    return float(series.sum(min_count=1)) if len(series) else 0.0


def calculate_emissions(sub: Submission, config: EmissionConfig | None = None, *, review_year: int | None = None) -> EmissionResult:
    """Recalculate annual CO2 emissions of one enterprise, month × line, per GB/T 32151.8-2023.

    E = E_fuel + E_altfuel + E_carbonate + E_toc + E_elec + E_heat  [tCO2]

    (with ``method="national_2024"``, E_carbonate + E_toc is replaced by the clinker-factor
    process emissions). See :mod:`cementnb.formulas` for each equation and its symbols.

    Parameters
    ----------
    sub : Submission
        A loaded submission (:func:`cementnb.loader.load_submission`); not modified.
    config : EmissionConfig, optional
        The review's choices; defaults to :class:`EmissionConfig()`.
    review_year : int, optional
        Defaults to the submission's review year.

    Returns
    -------
    EmissionResult
    """
    cfg = config or EmissionConfig()
    year = review_year or sub.review_year
    if year is None:
        raise ValueError("审查年度未知：请在参数中给出 review_year，或在企业信息中填写审查年度")
    calc = _Calc(sub, cfg, int(year))
    calc.fill_gaps()

    altitude = sub.enterprise.get("altitude_m")
    k = 1.0
    if cfg.altitude_correction and altitude is not None and not pd.isna(altitude):
        fs = calc.factors
        threshold = fs.get("altitude_threshold_m", purpose="海拔修正")
        if altitude > threshold:
            k = float(f.altitude_correction_factor(altitude, threshold, fs.get("standard_pressure_pa", purpose="海拔修正"),
                                                   fs.get("altitude_scale_m", purpose="海拔修正"),
                                                   fs.get("altitude_exponent", purpose="海拔修正")))
    fuel = _fuel_table(calc, k)
    clinker = _clinker_table(calc)
    elec = _electricity_table(calc)
    heat = _heat_table(calc)

    keep = ["month", "line_id", "source", "emission_t", "substituted"]
    parts = [
        fuel[fuel["fuel_category"] == "化石燃料"].assign(source="fuel")[keep],
        fuel[fuel["fuel_category"] != "化石燃料"].assign(source="alt_fuel")[keep],
        elec.assign(source="electricity")[keep],
        heat.assign(source="heat")[keep],
    ]
    process_sources = ["carbonate", "raw_meal_toc"] if cfg.method == "gbt32151" else ["process_national"]
    for src in process_sources:
        parts.append(clinker.assign(source=src, emission_t=clinker[f"{src}_t"])[keep])
    long = pd.concat([p for p in parts if len(p)], ignore_index=True)
    long["substituted_t"] = long["emission_t"].where(long["substituted"].astype(bool), 0.0)
    monthly = long.groupby(["month", "line_id", "source"], as_index=False)[["emission_t", "substituted_t"]].sum(min_count=1)
    monthly["substituted_t"] = monthly["substituted_t"].fillna(0.0)
    monthly["source_zh"] = monthly["source"].map(SOURCES_ZH)
    order = list(SOURCES_ZH)
    monthly["_o"] = monthly["source"].map(order.index)
    monthly = monthly.sort_values(["month", "line_id", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)

    sources = ["fuel", "alt_fuel", *process_sources, "electricity", "heat"]
    incomplete = {i["source"] for i in calc.issues}
    annual = pd.DataFrame({
        "source": sources,
        "source_zh": [SOURCES_ZH[s] for s in sources],
        "emission_t": [_sum(monthly.loc[monthly["source"] == s, "emission_t"]) if (monthly["source"] == s).any() else 0.0
                       for s in sources],
        "complete": [s not in incomplete for s in sources],
        # emissions of the month × line rows that hold at least one substituted input
        "substituted_t": [float(monthly.loc[monthly["source"] == s, "substituted_t"].sum()) for s in sources],
    })
    annual["substituted_share"] = (annual["substituted_t"] / annual["emission_t"]).where(annual["emission_t"] != 0)
    total = float(annual["emission_t"].sum())
    annual["share"] = annual["emission_t"] / total if total else np.nan
    by_line = monthly.pivot_table(index="line_id", columns="source", values="emission_t", aggfunc="sum").reindex(columns=sources).fillna(0.0)
    by_line["total"] = by_line.sum(axis=1)
    by_line.columns = [f"{c}_t" for c in by_line.columns]
    by_line = by_line.reset_index()
    by_line.columns.name = None

    clinker_t = _sum(clinker["clinker_output_t"])
    cement_rows = calc.wide(["水泥"])
    cement_t = _sum(cement_rows["cement_output_t"]) if "cement_output_t" in cement_rows else np.nan
    biomass = _sum(fuel["biomass_memo_t"]) if len(fuel) else 0.0
    intensities = _intensities(annual, clinker_t, cement_t, elec, clinker, cfg)
    deviation = _deviation(sub.reported, annual, total, cfg)

    substitutions = pd.DataFrame(calc.substitutions, columns=SUBSTITUTION_COLUMNS)
    issues = pd.DataFrame(calc.issues, columns=ISSUE_COLUMNS)
    summary = {
        "enterprise_name": sub.enterprise.get("enterprise_name"),
        "credit_code": sub.enterprise.get("credit_code"),
        "review_year": int(year),
        "method": cfg.method,
        "method_zh": METHODS[cfg.method],
        "grid_series": cfg.grid_series,
        "grid_year": cfg.grid_year,
        "grid_ef_t_per_mwh": calc.factors.grid_factor(),
        "stoichiometry": cfg.stoichiometry,
        "altitude_m": None if altitude is None or pd.isna(altitude) else float(altitude),
        "altitude_k": k,
        "total_t": total,
        "biomass_memo_t": biomass,
        "clinker_t": clinker_t,
        "cement_t": None if pd.isna(cement_t) else cement_t,
        "intensity_t_per_t_clinker": total / clinker_t if clinker_t else None,
        "n_substitutions": int(len(substitutions)),
        "n_unsubstituted": int(substitutions["value"].isna().sum()),
        "complete": bool(annual["complete"].all()),
        # rows the loader rejected are not in the recalculation: the analyst must see how many
        "input_errors": int((sub.problems["severity"] == "错误").sum()),
        "reported_total_t": _reported_total(sub.reported),
    }
    return EmissionResult(
        config=cfg, monthly=monthly, annual=annual, by_line=by_line, fuel_detail=fuel, clinker_detail=clinker,
        electricity_detail=elec, heat_detail=heat, intensities=intensities, deviation=deviation,
        substitutions=substitutions, defaults_used=calc.factors.used(), issues=issues, summary=summary,
    )


def _reported_total(reported: pd.DataFrame) -> float | None:
    rows = reported.loc[reported["item"] == "合计", "emission_t"]
    return float(rows.iloc[0]) if len(rows) else None


def _intensities(annual, clinker_t, cement_t, elec, clinker, cfg) -> pd.DataFrame:
    e = dict(zip(annual["source"], annual["emission_t"]))
    total = float(annual["emission_t"].sum())
    process = e.get("carbonate", 0.0) + e.get("raw_meal_toc", 0.0) + e.get("process_national", 0.0)
    power_mwh = _sum(elec["purchased_mwh"] - elec["exported_mwh"]) + _sum(elec["whr_generation_mwh"].fillna(0)) if len(elec) else np.nan
    rows = [  # (indicator, Chinese name, value, unit)
        ("total_per_clinker", "单位熟料二氧化碳排放（合计）", total / clinker_t if clinker_t else np.nan, "tCO2/t熟料"),
        ("process_per_clinker", "单位熟料过程排放", process / clinker_t if clinker_t else np.nan, "tCO2/t熟料"),
        ("fuel_per_clinker", "单位熟料燃料燃烧排放（含替代燃料）", (e.get("fuel", 0) + e.get("alt_fuel", 0)) / clinker_t if clinker_t else np.nan, "tCO2/t熟料"),
        ("electricity_per_clinker", "单位熟料净购入电力排放", e.get("electricity", 0) / clinker_t if clinker_t else np.nan, "tCO2/t熟料"),
        ("total_per_cement", "单位水泥二氧化碳排放（合计）", total / cement_t if cement_t and not pd.isna(cement_t) else np.nan, "tCO2/t水泥"),
        ("power_per_clinker", "吨熟料用电量（净购入+余热发电）", power_mwh * 1000 / clinker_t if clinker_t else np.nan, "kWh/t熟料"),
        ("raw_meal_ratio", "生料/熟料比", _sum(clinker["raw_meal_t"]) / clinker_t if clinker_t and cfg.method == "gbt32151" else np.nan, "t/t"),
    ]
    frame = pd.DataFrame(rows, columns=["indicator", "indicator_zh", "value", "unit"])
    # Typical magnitudes of a modern dry-process line: a hint for the analyst, never a verdict
    # (the ranges themselves are [open]).
    typical = md.read_table("plausibility.csv").set_index("indicator")
    frame["typical_min"] = frame["indicator"].map(pd.to_numeric(typical["min"]))
    frame["typical_max"] = frame["indicator"].map(pd.to_numeric(typical["max"]))
    frame["plausibility"] = [
        "" if pd.isna(lo) or pd.isna(v) else "低于典型范围" if v < lo else "高于典型范围" if v > hi else "在典型范围内"
        for v, lo, hi in zip(frame["value"], frame["typical_min"], frame["typical_max"])
    ]
    return frame


def _deviation(reported: pd.DataFrame, annual: pd.DataFrame, total: float, cfg: EmissionConfig) -> pd.DataFrame:
    rec = dict(zip(annual["source_zh"], annual["emission_t"]))
    rep = dict(zip(reported["item"], reported["emission_t"])) if len(reported) else {}
    items = ["化石燃料燃烧", "替代燃料", "碳酸盐分解", "生料非燃料碳", "净购入电力", "净购入热力", "合计"]
    if cfg.method == "national_2024":
        rep = dict(rep)
        if "碳酸盐分解" in rep or "生料非燃料碳" in rep:
            rep[SOURCES_ZH["process_national"]] = rep.pop("碳酸盐分解", 0.0) + rep.pop("生料非燃料碳", 0.0)
        items = ["化石燃料燃烧", "替代燃料", SOURCES_ZH["process_national"], "净购入电力", "净购入热力", "合计"]
    rec["合计"] = total
    rows = []
    for item in items:
        r, c = rep.get(item, np.nan), rec.get(item, np.nan)
        dev = r - c
        rows.append((item, r, c, dev, dev / c if c else np.nan))
    return pd.DataFrame(rows, columns=["item", "reported_t", "recalculated_t", "deviation_t", "deviation_fraction"])
