"""Known answers for the GB/T 32151.8 equations, computed by hand (emissions.md §5 and below)."""

import numpy as np
from numpy.testing import assert_allclose

from cementnb import formulas as f

CN_C, CN_CAO, CN_MGO = 44 / 12, 44 / 56, 44 / 40


def test_clinker_factor_reference_case():
    # 0.64 × 44/56 + 0.015 × 44/40 = 0.502857142 + 0.0165 = 0.5193571 tCO2/t
    assert_allclose(f.clinker_emission_factor(0.65, 0.01, 0.02, 0.005, CN_CAO, CN_MGO), 0.5193571, atol=5e-8)


def test_raw_meal_toc_reference_case():
    # 1.55 t raw meal per t clinker × 0.002 × 44/12 = 0.0113667 tCO2/t clinker
    assert_allclose(f.raw_meal_toc_emissions(1.55, 0.002, CN_C), 0.0113667, atol=5e-8)


def test_electricity_reference_case():
    # 80 000 MWh × 0.5703 = 45 624 t
    assert_allclose(f.electricity_emissions(80_000.0, 0.0, 0.0, 0.5703), 45_624.0, rtol=1e-12)


def test_electricity_subtracts_exports_and_nonfossil_direct_supply():
    # (80 000 − 5 000 − 3 000) × 0.5306 = 72 000 × 0.5306 = 38 203.2 t
    assert_allclose(f.electricity_emissions(80_000.0, 3_000.0, 5_000.0, 0.5306), 38_203.2, rtol=1e-12)


def test_altitude_reference_case():
    # PH = 101325 × (1 − 1800/44300)^5.25 ≈ 81 496 Pa; K = 101325 / PH ≈ 1.2433
    assert_allclose(f.altitude_pressure_pa(1800.0), 81_496.0, atol=0.5)
    assert_allclose(f.altitude_correction_factor(1800.0), 1.2433, atol=5e-5)
    assert f.altitude_correction_factor(1200.0) == 1.0  # below the 1 500 m threshold


def test_ipcc_tier1_reference_case():
    # 0.65 × 44.01/56.08 = 0.51010 tCO2/t; × CKD correction 1.02 = 0.5203
    ef = f.clinker_emission_factor(0.65, 0.0, 0.0, 0.0, 44.01 / 56.08, 44.01 / 40.30)
    assert_allclose(ef, 0.5101, atol=5e-5)
    assert_allclose(ef * 1.02, 0.5203, atol=5e-5)


def test_fuel_combustion_by_hand():
    # 1 000 t × 23.204 GJ/t = 23 204 GJ; × 0.02618 tC/GJ = 607.48072 tC; × 0.93 = 564.957070 tC;
    # × 44/12 = 2 071.50926 tCO2
    assert_allclose(f.fuel_combustion_emissions(1000.0, 23.204, 0.02618, 0.93, CN_C), 2071.50926, rtol=1e-8)


def test_fuel_combustion_from_element_carbon_by_hand():
    # 1 000 t × 0.62 tC/t × 0.98 × 44/12 = 607.6 × 3.6667 = 2 227.8667 tCO2
    assert_allclose(f.fuel_combustion_emissions_from_carbon(1000.0, 0.62, 0.98, CN_C), 2227.86667, rtol=1e-8)


def test_alternative_fuel_fossil_part_and_biomass_memo():
    # 100 t × 28 GJ/t × 0.085 tCO2/GJ = 238 t gross; fossil 72 % = 171.36 t, biomass memo 66.64 t
    fossil, bio = f.alternative_fuel_emissions(100.0, 28.0, 0.085, 0.72)
    assert_allclose([fossil, bio], [171.36, 66.64], rtol=1e-12)


def test_carbonate_includes_dust_leaving_the_system():
    # (100 000 + 400 + 1 000) t × 0.5193571 = 52 662.81 t
    assert_allclose(f.carbonate_emissions(100_000.0, 400.0, 1_000.0, 0.5193571), 52_662.81, rtol=1e-6)


def test_heat_conversions_by_hand():
    # hot water: 100 t × (80 − 20) K × 4.1868 kJ/(kg·K) / 1000 = 25.1208 GJ
    assert_allclose(f.hot_water_heat_gj(100.0, 80.0), 25.1208, rtol=1e-12)
    # steam: 10 t × (2780 − 83.74) kJ/kg / 1000 = 26.9626 GJ
    assert_allclose(f.steam_heat_gj(10.0, 2780.0), 26.9626, rtol=1e-12)
    # heat: (500 − 100) GJ × 0.11 = 44 t
    assert_allclose(f.heat_emissions(500.0, 100.0, 0.11), 44.0, rtol=1e-12)


def test_national_process_method_by_hand():
    # 100 000 t × 0.5274 − 5 000 t carbide slag × 0.48 = 52 740 − 2 400 = 50 340 t
    assert_allclose(f.national_process_emissions(100_000.0, 0.5274, 5_000.0 * 0.48), 50_340.0, rtol=1e-12)


def test_formulas_broadcast_over_arrays():
    out = f.fuel_combustion_emissions(np.array([1000.0, 0.0]), 23.204, 0.02618, 0.93, CN_C)
    assert_allclose(out, [2071.50926, 0.0], rtol=1e-8)
