"""Calibration results: MPE from the class, point errors by hand, fit and bias test by hand, planted bias."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cementnb import calibration as cal

T_975_2 = 4.302653  # Student t, 97.5 % quantile, 2 dof (tables)
T_975_3 = 3.182446  # 3 dof

LEDGER = pd.DataFrame([
    dict(instrument_id="B1", instrument_type="动态衡器", accuracy_class="0.5级"),
    dict(instrument_id="E1", instrument_type="电能表", accuracy_class="1.0"),
    dict(instrument_id="W1", instrument_type="静态衡器", accuracy_class="Ⅲ"),
    dict(instrument_id="W2", instrument_type="静态衡器", accuracy_class="III", verification_scale_interval=20.0),
    dict(instrument_id="T1", instrument_type="温度仪表", accuracy_class="2.0"),
])


def results(instrument, refs, inds, cert="C1", date="2025-03-01", unit="t"):
    return pd.DataFrame({"instrument_id": instrument, "certificate_no": cert, "calibration_date": date,
                         "reference_value": np.asarray(refs, float), "indicated_value": np.asarray(inds, float),
                         "unit": unit})


# ---------------------------------------------------------------- MPE
@pytest.mark.parametrize(("itype", "cls", "basis", "expected"), [
    ("动态衡器", "0.5", "in_service", 0.005),
    ("动态衡器", "0.5级", "verification", 0.0025),
    ("动态衡器", "1", "in_service", 0.01),
    ("电能表", "0.5S", "in_service", 0.005),
    ("电能表", "0.5s", "verification", 0.005),
    ("电能表", "0.2S", "in_service", 0.002),
    ("电能表", "1", "in_service", 0.01),
    ("电能表", "2.0", "in_service", 0.02),
    ("流量计", "1.5", "in_service", 0.015),
])
def test_mpe_from_class(itype, cls, basis, expected):
    mpe = cal.mpe_fraction(itype, cls, basis=basis)
    assert_allclose(mpe.fraction, expected, rtol=1e-12)
    assert mpe.source and mpe.confidence in {"read", "impl", "secondary", "open"}


@pytest.mark.parametrize(("itype", "cls", "says"), [
    ("静态衡器", "III", "台账未提供检定分度值e"),        # load-dependent: needs e, never guessed
    ("温度仪表", "2.0", "没有对应值"),
    ("电能表", "A", "没有对应值"),
    ("动态衡器", "", "台账未填准确度等级"),
])
def test_unmapped_class_is_nan_and_said(itype, cls, says):
    mpe = cal.mpe_fraction(itype, cls)
    assert np.isnan(mpe.fraction) and np.isnan(mpe.absolute)
    assert says in mpe.message_zh


@pytest.mark.parametrize(("load_kg", "basis", "mpe_kg"), [
    (0.0, "in_service", 20.0),          # 0e: first band, 2 × 0.5e
    (5_000.0, "in_service", 20.0),      # 250e ≤ 500e: 1e
    (10_000.0, "in_service", 20.0),     # 500e, upper edge of the first band
    (30_000.0, "in_service", 40.0),     # 1500e: 2e
    (30_000.0, "verification", 20.0),   # 1500e: 1e on verification
    (100_000.0, "in_service", 60.0),    # 5000e: 3e
    (250_000.0, "in_service", np.nan),  # 12 500e: beyond class III's 10 000e
])
def test_weighbridge_mpe_by_load_band(load_kg, basis, mpe_kg):
    mpe = cal.mpe_fraction("静态衡器", "III", basis=basis, load=load_kg, scale_interval=20.0)
    assert_allclose(mpe.absolute, mpe_kg, rtol=1e-12)
    if load_kg and np.isfinite(mpe_kg):
        assert_allclose(mpe.fraction, mpe_kg / load_kg, rtol=1e-12)


def test_normalize_class():
    assert [cal.normalize_class(c) for c in ["0.5级", "1.0", "0.50s", "Ⅲ", "III级", "中准确度级", " 2 "]] == \
        ["0.5", "1", "0.5S", "III", "III", "III", "2"]


def test_mpe_table_rows_have_sources():
    table = cal.mpe_table()
    assert table["source"].str.len().gt(0).all() and table["clause"].str.len().gt(0).all()
    assert set(table["confidence"]) <= {"read", "impl", "secondary", "open"}
    assert set(table["unit"]) == {"fraction", "e"}


# ---------------------------------------------------------------- per point
def test_point_errors_by_hand():
    res = pd.concat([
        results("B1", [100, 200, 100], [100.3, 201.2, 100.5]),
        results("E1", [1000, 1000], [1009, 989], unit="kWh"),
        results("ZZ", [10], [10.1]),
        results("W2", [30_000, 0], [30_050, 10], unit="kg"),
    ], ignore_index=True)
    pts = cal.point_errors(res, LEDGER)
    assert_allclose(pts["error"], [0.3, 1.2, 0.5, 9, -11, 0.1, 50, 10], rtol=1e-9)
    assert_allclose(pts["error_fraction"], [0.003, 0.006, 0.005, 0.009, -0.011, 0.01, 50 / 30_000, np.nan], rtol=1e-9)
    assert_allclose(pts["mpe"], [0.5, 1.0, 0.5, 10, 10, np.nan, 40, 20], rtol=1e-12)
    assert_allclose(pts["mpe_fraction"], [0.005, 0.005, 0.005, 0.01, 0.01, np.nan, 40 / 30_000, np.nan], rtol=1e-12)
    # 100.5 is exactly at the MPE: within; 201.2, 989 and 30 050 are outside; ZZ is not in the ledger
    assert pts["within_mpe"].tolist() == [True, False, True, True, False, pd.NA, False, True]
    assert pts["message_zh"][1] == "计量器具B1校准点标准值200、示值201.2：误差+1.2，相对误差+0.600%，超出最大允许误差±1（±0.500%）。"
    assert "不在计量器具台账中" in pts["message_zh"][5]
    assert (pts.loc[pts["within_mpe"].fillna(False).astype(bool), "message_zh"] == "").all()


# ---------------------------------------------------------------- per instrument
def test_fit_by_hand():
    # x̄ = ȳ = 2.5, Sxx = 5, Sxy = 4.7, SSE = 0.082, s² = 0.041
    stats_ = cal.instrument_statistics(results("E1", [1, 2, 3, 4], [1.1, 1.9, 3.2, 3.8]), LEDGER)
    row = stats_.iloc[0]
    assert_allclose(row["slope"], 0.94, rtol=1e-12)
    assert_allclose([row["slope_ci_low"], row["slope_ci_high"]],
                    [0.94 - T_975_2 * np.sqrt(0.041 / 5), 0.94 + T_975_2 * np.sqrt(0.041 / 5)], rtol=1e-6)  # 0.5504, 1.3296
    se_a = np.sqrt(0.041 * (1 / 4 + 2.5**2 / 5))  # 0.247992
    assert_allclose(row["intercept"], 0.15, atol=1e-12)
    assert_allclose([row["intercept_ci_low"], row["intercept_ci_high"]],
                    [0.15 - T_975_2 * se_a, 0.15 + T_975_2 * se_a], rtol=1e-6)  # −0.9170, 1.2170
    assert_allclose(row["r_squared"], 4.7**2 / (5 * 4.5), rtol=1e-12)  # 0.981778


def test_bias_test_by_hand():
    # relative errors 0.001, 0.002, 0.003: mean 0.002, s = 0.001, n = 3
    row = cal.instrument_statistics(results("B1", [100, 200, 300], [100.1, 200.4, 300.9]), LEDGER).iloc[0]
    half = T_975_2 * 0.001 / np.sqrt(3)  # 0.0024841
    assert_allclose(row["mean_error_fraction"], 0.002, rtol=1e-9)
    assert_allclose([row["mean_error_ci_low"], row["mean_error_ci_high"]], [0.002 - half, 0.002 + half], rtol=1e-5)
    t = 0.002 / (0.001 / np.sqrt(3))  # 3.4641
    assert_allclose(row["t_statistic"], t, rtol=1e-9)
    assert_allclose(row["p_value"], 1 - t / np.sqrt(t**2 + 2), rtol=1e-9)  # 2 dof closed form: 0.07418
    assert not row["bias_significant"] and not row["bias_ci_beyond_mpe"] and not row["point_exceeds_mpe"]
    assert row["verdict"] == "符合" and row["mpe_fraction"] == 0.005


def test_planted_bias_found():
    rng = np.random.default_rng(20250301)
    ref = np.linspace(10, 100, 10)
    ind = ref * 1.008 * (1 + 0.0005 * rng.standard_normal(10))  # +0.8 % on a class 0.5 belt scale
    row = cal.instrument_statistics(results("B1", ref, ind), LEDGER).iloc[0]
    assert row["bias_significant"] and row["p_value"] < 1e-6
    assert row["mean_error_ci_low"] > 0.005  # the whole interval lies beyond +MPE
    assert row["bias_ci_beyond_mpe"] and row["point_exceeds_mpe"] and row["points_exceeding_mpe"] == 10
    assert row["slope_ci_low"] > 1.0 and row["slope_ci_low"] < 1.008 < row["slope_ci_high"]
    assert row["verdict"] == "不符合"
    assert row["message_zh"].startswith("计量器具B1（动态衡器，0.5级，证书C1，2025-03-01）：10个校准点")
    assert "10个点超出最大允许误差" in row["message_zh"] and "置信区间超出±0.500%" in row["message_zh"]
    assert row["message_zh"].endswith("结论：不符合。")


def test_unbiased_within_mpe_not_flagged():
    rng = np.random.default_rng(7)
    ref = np.linspace(10, 100, 10)
    ind = ref * (1 + 0.001 * rng.standard_normal(10))
    pts = cal.point_errors(results("B1", ref, ind), LEDGER)
    assert pts["within_mpe"].all()
    row = cal.instrument_statistics(results("B1", ref, ind), LEDGER).iloc[0]
    assert row["slope_ci_low"] < 1.0 < row["slope_ci_high"]
    assert row["intercept_ci_low"] < 0.0 < row["intercept_ci_high"]
    assert -0.005 < row["mean_error_ci_low"] < 0 < row["mean_error_ci_high"] < 0.005
    assert not row["bias_significant"] and not row["bias_ci_beyond_mpe"] and not row["point_exceeds_mpe"]
    assert row["verdict"] == "符合" and "置信区间在±0.500%以内" in row["message_zh"]


def test_bias_interval_beyond_mpe_though_every_point_within():
    # relative errors 0.40 %, 0.48 %, 0.42 %, 0.49 %: mean 0.4475 %, s = 0.04425 %, n = 4
    ref = np.array([100.0, 100.0, 100.0, 100.0]) * [1, 2, 3, 4]
    r = np.array([0.0040, 0.0048, 0.0042, 0.0049])
    row = cal.instrument_statistics(results("B1", ref, ref * (1 + r)), LEDGER).iloc[0]
    s = np.sqrt(5.875e-7 / 3)
    assert_allclose(row["mean_error_ci_high"], 0.004475 + T_975_3 * s / 2, rtol=1e-5)  # 0.0051792 > 0.005
    assert not row["point_exceeds_mpe"] and row["bias_ci_beyond_mpe"] and row["verdict"] == "不符合"


def test_fewer_than_three_points_no_fit():
    row = cal.instrument_statistics(results("B1", [50, 100], [50.1, 100.1]), LEDGER).iloc[0]
    assert np.isnan(row["slope"]) and np.isnan(row["mean_error_ci_low"])
    assert "仅2个校准点，少于3个，未作线性拟合与偏差检验" in row["message_zh"]
    assert row["verdict"] == "符合"  # judged on the points alone


def test_unknown_mpe_is_undecided_never_guessed():
    stats_ = cal.instrument_statistics(pd.concat([results("W1", [1000, 5000, 20000], [1000, 5010, 20020]),
                                                  results("T1", [0, 50, 100], [0.2, 50.3, 100.1], unit="℃")]),
                                       LEDGER).set_index("instrument_id")
    assert (stats_["verdict"] == "无法判定").all() and stats_["mpe_fraction"].isna().all()
    assert "检定分度值e" in stats_.loc["W1", "message_zh"]
    assert "没有对应值" in stats_.loc["T1", "message_zh"]


def test_groups_per_certificate_and_inputs_untouched():
    res = pd.concat([results("B1", [100, 200, 300], [100.1, 200.4, 300.9], cert="C1", date="2024-03-01"),
                     results("B1", [100, 200, 300], [101, 202, 303], cert="C2", date="2025-03-01")], ignore_index=True)
    before, ledger_before = res.copy(), LEDGER.copy()
    out = cal.instrument_statistics(res, LEDGER)
    assert list(out["certificate_no"]) == ["C1", "C2"] and list(out["verdict"]) == ["符合", "不符合"]
    pd.testing.assert_frame_equal(res, before)
    pd.testing.assert_frame_equal(LEDGER, ledger_before)


def test_confidence_level_from_data_and_override():
    res = results("B1", [100, 200, 300], [100.1, 200.4, 300.9])
    wide = cal.instrument_statistics(res, LEDGER, confidence_level=0.99).iloc[0]
    assert wide["confidence_level"] == 0.99
    assert_allclose(wide["mean_error_ci_high"] - 0.002, 9.924843 * 0.001 / np.sqrt(3), rtol=1e-5)  # t(0.995, 2)


def test_no_scatter_gives_exact_mean_and_no_t_test():
    # every point exactly +0.1 %: the mean is exact, the t statistic undefined (not a tiny p from round-off)
    ref = np.array([100.0, 200.0, 300.0, 400.0])
    row = cal.instrument_statistics(results("B1", ref, ref * 1.001), LEDGER).iloc[0]
    assert_allclose([row["mean_error_ci_low"], row["mean_error_fraction"], row["mean_error_ci_high"]], [0.001] * 3,
                    rtol=1e-9)
    assert np.isnan(row["p_value"]) and row["verdict"] == "符合" and "t检验" not in row["message_zh"]


def test_points_without_mpe_say_why():
    res = pd.concat([results("B1", [0, 10], [0.1, 10]), results("W2", [300_000], [300_010], unit="kg"),
                     results("W1", [0], [0], unit="kg")], ignore_index=True)
    pts = cal.point_errors(res, LEDGER)
    assert pts["within_mpe"].tolist() == [pd.NA, True, pd.NA, pd.NA]
    assert pts["message_zh"][0].endswith("标准值为0，按相对值规定的最大允许误差不适用。")
    assert pts["message_zh"][2].endswith("该载荷超出分段范围，无对应的最大允许误差。")  # 15 000e > 10 000e
    assert "台账未提供检定分度值e" in pts["message_zh"][3]
