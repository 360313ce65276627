"""The emission engine on hand-built submissions: every expected number is worked out by hand
in the comments (see conftest.minimal_rows for the base case)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cementnb.emissions import EmissionConfig, calculate_emissions
from cementnb.loader import load_submission

from conftest import ENTERPRISE, minimal_rows

CARBONATE = 12 * 100_000 * (0.64 * 44 / 56 + 0.015 * 44 / 40)  # 623 228.5714
TOC = 12 * 155_000 * 0.002 * 44 / 12  # 13 640
COAL_MONTH = 10_000 * 23.204 * 0.02618 * 0.93 * 44 / 12  # 20 715.0926
POWER = 12 * 8_000 * 0.5703  # 54 748.8
RTOL = 1e-9


def annual(result):
    return dict(zip(result.annual["source"], result.annual["emission_t"]))


def test_base_case_by_hand(make_submission):
    sub = load_submission(make_submission(), 2025)
    assert sub.problems.empty, sub.problems.to_string()
    result = calculate_emissions(sub)
    a = annual(result)
    assert_allclose(a["carbonate"], CARBONATE, rtol=RTOL)
    assert_allclose(a["raw_meal_toc"], TOC, rtol=RTOL)
    assert_allclose(a["fuel"], 12 * COAL_MONTH, rtol=RTOL)
    assert_allclose(a["electricity"], POWER, rtol=RTOL)
    assert a["alt_fuel"] == 0.0 and a["heat"] == 0.0
    total = CARBONATE + TOC + 12 * COAL_MONTH + POWER  # 940 198.4826
    assert_allclose(result.summary["total_t"], total, rtol=RTOL)
    assert_allclose(result.summary["intensity_t_per_t_clinker"], total / 1.2e6, rtol=RTOL)
    assert result.substitutions.empty and result.issues.empty
    # deviation = reported − recalculated = 950 000 − 940 198.4826
    dev = result.deviation.set_index("item").loc["合计"]
    assert_allclose(dev["deviation_t"], 950_000 - total, rtol=RTOL)
    assert_allclose(dev["deviation_fraction"], (950_000 - total) / total, rtol=RTOL)


def test_monthly_table_adds_up_to_annual(make_submission):
    result = calculate_emissions(load_submission(make_submission(), 2025))
    jan = result.monthly[result.monthly["month"] == "2025-01"].set_index("source")["emission_t"]
    assert_allclose(jan["fuel"], COAL_MONTH, rtol=RTOL)
    assert_allclose(jan["electricity"], 8_000 * 0.5703, rtol=RTOL)
    assert_allclose(result.monthly["emission_t"].sum(), result.summary["total_t"], rtol=RTOL)


def test_defaults_used_are_listed_with_source_and_confidence(make_submission):
    result = calculate_emissions(load_submission(make_submission(), 2025))
    used = result.defaults_used.set_index(["key", "subject"])
    assert used.loc[("fuel_cc_tc_per_gj", "烟煤"), "value"] == 0.02618
    assert used.loc[("fuel_cc_tc_per_gj", "烟煤"), "confidence_zh"] == "待核实"
    assert used.loc[("fuel_of_fraction", "烟煤"), "value"] == 0.93
    grid = used.loc[("grid_ef_t_per_mwh", "")]
    assert grid["value"] == 0.5703 and grid["confidence"] == "read" and "2023〕43号" in grid["source"]
    assert set(used["confidence"]) <= {"read", "impl", "open", "override"}
    assert (used["source"] != "").all()


def test_gaps_are_substituted_with_a_record(make_submission):
    rows = minimal_rows()
    rows["月度数据"] = [r for r in rows["月度数据"]
                    if not (r["month"] == "2025-03" and r["parameter"] == "低位发热量")
                    and not (r["month"] == "2025-11" and r["parameter"] == "熟料产量")]
    sub = load_submission(make_submission(rows), 2025)
    assert set(sub.problems["code"]) == {"missing_month"}
    result = calculate_emissions(sub)
    subs = result.substitutions.set_index(["parameter", "month"])
    # coal NCV March → 26.7 GJ/t (ETS rule); emission 10 000 × 26.7 × 0.02618 × 0.93 × 44/12 = 23 836.1046
    assert subs.loc[("ncv_gj_per_t", "2025-03"), "value"] == 26.7
    assert subs.loc[("ncv_gj_per_t", "2025-03"), "method"] == "碳市场替代值"
    # clinker November → design capacity 5 000 t/d × 30 days = 150 000 t (40 CFR 98.85)
    assert subs.loc[("clinker_output_t", "2025-11"), "value"] == 150_000.0
    assert subs.loc[("clinker_output_t", "2025-11"), "basis"] == "40 CFR 98.85"
    a = annual(result)
    coal_march = 10_000 * 26.7 * 0.02618 * 0.93 * 44 / 12
    assert_allclose(a["fuel"], 11 * COAL_MONTH + coal_march, rtol=RTOL)
    ef_cli = 0.64 * 44 / 56 + 0.015 * 44 / 40
    assert_allclose(a["carbonate"], (11 * 100_000 + 150_000) * ef_cli, rtol=RTOL)
    flagged = result.clinker_detail.set_index("month")["substituted"]
    assert flagged["2025-11"] and not flagged["2025-10"]


def test_a_value_without_substitute_is_listed_not_filled(make_submission):
    rows = minimal_rows()
    rows["燃料"][0]["fuel_kind"] = "其他"  # no default factors for "其他"
    sub = load_submission(make_submission(rows), 2025)
    result = calculate_emissions(sub)
    assert not result.summary["complete"]
    assert len(result.issues) == 12 and set(result.issues["source"]) == {"fuel"}
    assert annual(result)["fuel"] == 0.0 or np.isnan(annual(result)["fuel"])
    assert not result.annual.set_index("source").loc["fuel", "complete"]


def test_altitude_correction_above_1500_m(make_submission):
    sub = load_submission(make_submission(enterprise=dict(ENTERPRISE, altitude_m=1800)), 2025)
    result = calculate_emissions(sub)
    # K = 101325 / (101325 × (1 − 1800/44300)^5.25) = 1.2433 (emissions.md §5)
    assert_allclose(result.summary["altitude_k"], 1.2433, atol=5e-5)
    assert_allclose(annual(result)["fuel"], 12 * COAL_MONTH * result.summary["altitude_k"], rtol=RTOL)
    assert_allclose(annual(result)["carbonate"], CARBONATE, rtol=RTOL)  # process emissions are not corrected


def test_ipcc_stoichiometry_is_a_separate_choice(make_submission):
    sub = load_submission(make_submission(), 2025)
    result = calculate_emissions(sub, EmissionConfig(stoichiometry="ipcc"))
    ef = 0.64 * 44.01 / 56.08 + 0.015 * 44.01 / 40.30
    assert_allclose(annual(result)["carbonate"], 1.2e6 * ef, rtol=RTOL)
    assert set(result.defaults_used.loc[result.defaults_used["key"].str.startswith("ratio_"), "series"]) == {"ipcc"}


def test_grid_series_and_year_are_parameters(make_submission):
    sub = load_submission(make_submission(), 2025)
    result = calculate_emissions(sub, EmissionConfig(grid_series="stat_regional_central", grid_year=2023))
    assert_allclose(annual(result)["electricity"], 12 * 8_000 * 0.5271, rtol=RTOL)


def test_factor_override_replaces_default_and_is_recorded(make_submission):
    sub = load_submission(make_submission(), 2025)
    cfg = EmissionConfig(factor_overrides={"fuel_cc_tc_per_gj:烟煤": {"value": 0.0260, "source": "企业实测报告"}})
    result = calculate_emissions(sub, cfg)
    assert_allclose(annual(result)["fuel"], 12 * 10_000 * 23.204 * 0.0260 * 0.93 * 44 / 12, rtol=RTOL)
    row = result.defaults_used.set_index(["key", "subject"]).loc[("fuel_cc_tc_per_gj", "烟煤")]
    assert row["confidence"] == "override" and row["source"] == "企业实测报告" and "0.02618" in row["origin"]


def test_unknown_override_names_the_nearest_factor():
    from cementnb.factors import FactorError, FactorSet

    with pytest.raises(FactorError, match="fuel_ncv:烟煤"):
        FactorSet(overrides={"fuel_ncv:烟媒": 23.0})


def test_exports_and_nonfossil_supply_reduce_electricity(make_submission):
    rows = minimal_rows()
    for m in ("2025-01", "2025-02"):
        rows["月度数据"].append(dict(month=m, line_id="全厂", object="电力", parameter="输出电量", value=500.0, unit="MWh"))
    sub = load_submission(make_submission(rows), 2025)
    # exports reported for two months only: the other ten are gaps, substituted by 0 and listed
    result = calculate_emissions(sub)
    assert_allclose(annual(result)["electricity"], (12 * 8_000 - 2 * 500) * 0.5703, rtol=RTOL)
    assert (result.substitutions["parameter"] == "exported_mwh").sum() == 10


def test_national_2024_method_with_analyst_factors(make_submission):
    rows = minimal_rows()
    rows["替代原料"] = [dict(material_name="电石渣", material_category="电石渣")]
    for m in [r["month"] for r in rows["月度数据"] if r["parameter"] == "熟料产量"]:
        rows["月度数据"].append(dict(month=m, line_id="L1", object="电石渣", parameter="消耗量", value=5_000.0, unit="t"))
    sub = load_submission(make_submission(rows), 2025)
    cfg = EmissionConfig(method="national_2024", national_clinker_ef_t_per_t=0.5274,
                         national_deduction_factors={"电石渣": 0.48})
    result = calculate_emissions(sub, cfg)
    # 12 × (100 000 × 0.5274 − 5 000 × 0.48) = 12 × 50 340 = 604 080 t
    assert_allclose(annual(result)["process_national"], 604_080.0, rtol=RTOL)
    assert "carbonate" not in annual(result)


def test_national_method_has_no_default_factor():
    with pytest.raises(ValueError, match="不提供缺省值"):
        EmissionConfig(method="national_2024")


def test_alternative_and_biomass_fuels(make_submission):
    rows = minimal_rows()
    rows["燃料"] += [dict(fuel_name="废轮胎", fuel_category="替代燃料", fuel_form="固", fuel_kind="其他"),
                   dict(fuel_name="秸秆", fuel_category="生物质燃料", fuel_form="固", fuel_kind="其他")]
    for m in [f"2025-{i:02d}" for i in range(1, 13)]:
        rows["月度数据"] += [
            dict(month=m, line_id="L1", object="废轮胎", parameter="消耗量", value=100.0, unit="t"),
            dict(month=m, line_id="L1", object="废轮胎", parameter="低位发热量", value=28.0, unit="GJ/t"),
            dict(month=m, line_id="L1", object="废轮胎", parameter="排放因子", value=85.0, unit="kgCO2/GJ"),
            dict(month=m, line_id="L1", object="废轮胎", parameter="化石碳比例", value=72.0, unit="%"),
            dict(month=m, line_id="L1", object="秸秆", parameter="消耗量", value=50.0, unit="t"),
            dict(month=m, line_id="L1", object="秸秆", parameter="低位发热量", value=15.0, unit="GJ/t"),
            dict(month=m, line_id="L1", object="秸秆", parameter="排放因子", value=0.1, unit="tCO2/GJ"),
        ]
    result = calculate_emissions(load_submission(make_submission(rows), 2025))
    # tyres: 100 × 28 × 0.085 × 0.72 = 171.36 t/month counted; 66.64 t biomass memo
    # straw: 50 × 15 × 0.1 = 75 t/month, all memo
    assert_allclose(annual(result)["alt_fuel"], 12 * 171.36, rtol=RTOL)
    assert_allclose(result.summary["biomass_memo_t"], 12 * (66.64 + 75.0), rtol=RTOL)


def test_the_submission_is_not_modified(make_submission):
    sub = load_submission(make_submission(), 2025)
    before = {k: v.copy() for k, v in sub.tables.items()}
    calculate_emissions(sub, EmissionConfig(raw_meal_basis="clinker_ratio", raw_meal_clinker_ratio=1.6))
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, sub.tables[name])


def test_raw_meal_from_clinker_ratio(make_submission):
    result = calculate_emissions(load_submission(make_submission(), 2025),
                                 EmissionConfig(raw_meal_basis="clinker_ratio", raw_meal_clinker_ratio=1.6))
    # 12 × 100 000 × 1.6 × 0.002 × 44/12 = 14 080 t
    assert_allclose(annual(result)["raw_meal_toc"], 14_080.0, rtol=RTOL)


def test_substituted_share_per_source(make_submission):
    rows = minimal_rows()
    rows["月度数据"] = [r for r in rows["月度数据"] if not (r["month"] == "2025-03" and r["parameter"] == "低位发热量")]
    result = calculate_emissions(load_submission(make_submission(rows), 2025))
    a = result.annual.set_index("source")
    coal_march = 10_000 * 26.7 * 0.02618 * 0.93 * 44 / 12
    assert_allclose(a.loc["fuel", "substituted_t"], coal_march, rtol=RTOL)
    assert_allclose(a.loc["fuel", "substituted_share"], coal_march / (11 * COAL_MONTH + coal_march), rtol=RTOL)
    assert a.loc["carbonate", "substituted_t"] == 0.0


def test_intensities_carry_a_plausibility_hint(make_submission):
    result = calculate_emissions(load_submission(make_submission(), 2025))
    i = result.intensities.set_index("indicator")
    # process: (623 228.5714 + 13 640) / 1.2e6 = 0.530724 → inside 0.50–0.54
    assert_allclose(i.loc["process_per_clinker", "value"], (CARBONATE + TOC) / 1.2e6, rtol=RTOL)
    assert i.loc["process_per_clinker", "plausibility"] == "在典型范围内"
    # fuel: 248 581.11 / 1.2e6 = 0.20715 → below 0.28
    assert i.loc["fuel_per_clinker", "plausibility"] == "低于典型范围"
    # power: 96 000 MWh × 1000 / 1.2e6 t = 80 kWh/t → above 65
    assert_allclose(i.loc["power_per_clinker", "value"], 80.0, rtol=RTOL)
    assert i.loc["power_per_clinker", "plausibility"] == "高于典型范围"


def test_site_level_purchases_and_stocks_do_not_make_the_result_incomplete(make_submission):
    rows = minimal_rows()
    for m in [f"2025-{i:02d}" for i in range(1, 13)]:
        rows["月度数据"] += [dict(month=m, line_id="全厂", object="烟煤", parameter=p, value=v, unit="t")
                         for p, v in (("购入量", 10_000.0), ("期初库存", 5_000.0), ("期末库存", 5_000.0))]
    result = calculate_emissions(load_submission(make_submission(rows), 2025))
    assert result.summary["complete"] and result.issues.empty
    assert_allclose(annual(result)["fuel"], 12 * COAL_MONTH, rtol=RTOL)


def test_unsubstitutable_composition_marks_the_source_incomplete(make_submission):
    rows = minimal_rows()
    rows["月度数据"] = [r for r in rows["月度数据"] if r["parameter"] != "CaO含量"]  # no CaO at all: nothing to substitute
    result = calculate_emissions(load_submission(make_submission(rows), 2025))
    assert not result.summary["complete"]
    assert not result.annual.set_index("source").loc["carbonate", "complete"]
    assert set(result.issues["source"]) == {"carbonate"} and len(result.issues) >= 12
    assert result.substitutions.set_index(["parameter", "month"]).loc[("cao_fraction", "2025-01"), "method"] == "无法替代"


def test_coal_substitute_only_for_coal(make_submission):
    rows = minimal_rows()
    rows["燃料"].append(dict(fuel_name="焦炉煤气", fuel_category="化石燃料", fuel_form="气", fuel_kind="其他"))
    for m in [f"2025-{i:02d}" for i in range(1, 13)]:
        rows["月度数据"].append(dict(month=m, line_id="L1", object="焦炉煤气", parameter="消耗量", value=10.0, unit="万Nm3"))
        if m != "2025-03":
            rows["月度数据"].append(dict(month=m, line_id="L1", object="焦炉煤气", parameter="低位发热量", value=170.0,
                                     unit="GJ/万Nm3"))
    result = calculate_emissions(load_submission(make_submission(rows), 2025))
    sub = result.substitutions.set_index(["object", "month"]).loc[("焦炉煤气", "2025-03")]
    assert sub["method"] == "无法替代" and "coal_ncv_substitute_gj_per_t" not in set(result.defaults_used["key"])
