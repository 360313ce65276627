"""Unit conversions of Chinese energy and emission statistics (cementnb.units)."""

import numpy as np
import pint
import pytest
from numpy.testing import assert_allclose

from cementnb.units import Q_, UnitError, conversion_factor, convert_values, normalize_unit


@pytest.mark.parametrize(
    ("values", "src", "dst", "expected"),
    [
        ([1.0, 2.5], "万t", "t", [10_000.0, 25_000.0]),
        ([1.0], "万kWh", "MWh", [10.0]),
        ([1_234_500.0], "kWh", "MWh", [1234.5]),
        ([3.0], "万Nm3", "Nm3", [30_000.0]),
        # international-table calorie: 5000 kcal/kg × 4.1868 kJ/kcal = 20 934 kJ/kg = 20.934 GJ/t
        ([5000.0], "kcal/kg", "GJ/t", [20.934]),
        ([23.5], "MJ/kg", "GJ/t", [23.5]),
        ([23_500.0], "kJ/kg", "GJ/t", [23.5]),
        # 38.931 MJ/Nm3 × 10^4 Nm3 = 389 310 MJ = 389.31 GJ per 10^4 Nm3
        ([38.931], "MJ/Nm3", "GJ/万Nm3", [389.31]),
        ([65.0, 98.0], "%", "1", [0.65, 0.98]),
        ([26.18], "kgC/GJ", "tC/GJ", [0.02618]),
        ([85.0], "kgCO2/GJ", "tCO2/GJ", [0.085]),
        ([1.0], "百万千焦", "GJ", [1.0]),
    ],
)
def test_column_conversions(values, src, dst, expected):
    assert_allclose(convert_values(values, src, dst), expected, rtol=1e-12)


def test_kcal_is_the_international_table_calorie_not_pints_thermochemical():
    # pint's own kcal is 4.184 kJ; Chinese statistics (GB/T 2589) use 4.1868 kJ.
    assert_allclose(conversion_factor("kcal/kg", "kJ/kg"), 4.1868, rtol=1e-12)
    assert_allclose(Q_(1, "kcal").to("kJ").magnitude, 4.184, rtol=1e-12)


def test_full_width_and_spaced_units_are_recognised():
    assert normalize_unit("ＧＪ／ｔ") == "GJ/t"
    assert normalize_unit(" 万 t ") == "wan_t"
    assert normalize_unit("％") == "percent"


def test_unknown_unit_is_an_error_not_a_guess():
    with pytest.raises(UnitError, match="未知单位“吨标煤”"):
        normalize_unit("吨标煤")


def test_incompatible_units_raise_in_chinese():
    with pytest.raises(UnitError, match="不能换算"):
        convert_values([1.0], "t", "MWh")


def test_tce_is_its_own_dimension_and_converts_only_in_the_statistics_context():
    with pytest.raises(pint.DimensionalityError):
        Q_(1.0, "kWh").to("tce")
    assert_allclose(Q_(1.0, "tce").to("GJ", "energy_statistics").magnitude, 29.3076, rtol=1e-12)
    assert_allclose(Q_(1000.0, "kgce").to("GJ", "energy_statistics").magnitude, 29.3076, rtol=1e-12)


def test_carbon_and_co2_never_convert_into_each_other():
    with pytest.raises(pint.DimensionalityError):
        Q_(1.0, "tC").to("tCO2")


def test_normal_cubic_metre_is_not_a_plain_volume():
    with pytest.raises(pint.DimensionalityError):
        Q_(1.0, "Nm3").to("m**3")


def test_whole_column_conversion_keeps_nan():
    out = convert_values(np.array([1.0, np.nan]), "万t", "t")
    assert out[0] == 10_000.0 and np.isnan(out[1])
