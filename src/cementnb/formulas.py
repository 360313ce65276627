"""The emission equations of GB/T 32151.8-2023 for cement (clinker) production, as pure functions.

Every function takes scalars or arrays (numpy / pandas, broadcast element-wise) in the
units given in brackets and returns the same shape. They hold no defaults: factors come
from :mod:`cementnb.factors` and are passed in by the engine, so the same equation serves
both stoichiometric conventions and every override.

References
----------
.. [1] GB/T 32151.8-2023 碳排放核算与报告要求 第8部分：水泥生产企业 (in force 2024-07-01).
   The full text was not available; the equations follow the long-standing GB/T 32151.8 /
   NDRC-2013 structure as used by implementers (confidence ``impl``).
.. [2] 生态环境部 环办气候函〔2023〕332号 (electricity: green power bought on the market is
   counted at the grid average; off-grid non-fossil direct supply counts as zero).
.. [3] 全国碳市场水泥行业核算数据表 (2024): altitude correction above 1 500 m.
.. [4] CETS-AG-02.01-V01-2024 企业温室气体排放核算与报告指南 水泥行业 (national process method).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "fuel_combustion_emissions",
    "fuel_combustion_emissions_from_carbon",
    "alternative_fuel_emissions",
    "clinker_emission_factor",
    "carbonate_emissions",
    "raw_meal_toc_emissions",
    "electricity_emissions",
    "heat_emissions",
    "hot_water_heat_gj",
    "steam_heat_gj",
    "altitude_pressure_pa",
    "altitude_correction_factor",
    "national_process_emissions",
]


def fuel_combustion_emissions(fc, ncv, cc, of, ratio_co2_c):
    r"""F1: CO2 from burning a fossil fuel [tCO2] ([1], fuel combustion).

    .. math:: E_{fuel} = FC \times NCV \times CC \times OF \times \tfrac{44}{12}

    Parameters
    ----------
    fc : array-like
        Consumption FC [t] (gaseous fuels [10^4 Nm3]).
    ncv : array-like
        Net calorific value NCV [GJ/t] (gaseous fuels [GJ/10^4 Nm3]).
    cc : array-like
        Carbon content per unit heat CC [tC/GJ].
    of : array-like
        Carbon oxidation rate OF [fraction] (98 % is 0.98).
    ratio_co2_c : float
        Mass ratio CO2/C [tCO2/tC]: 44/12 in the Chinese texts.

    Returns
    -------
    array-like
        Emissions [tCO2].
    """
    return np.multiply(np.multiply(np.multiply(fc, ncv), cc), of) * ratio_co2_c


def fuel_combustion_emissions_from_carbon(fc, carbon_fraction, of, ratio_co2_c):
    r"""F1 with the measured element carbon content of the fuel [tCO2] ([1]).

    .. math:: E_{fuel} = FC \times C_{ar} \times OF \times \tfrac{44}{12}

    Parameters
    ----------
    fc : array-like
        Consumption [t].
    carbon_fraction : array-like
        Element carbon content, as received C_ar [tC/t, i.e. fraction].
    of : array-like
        Carbon oxidation rate [fraction].
    ratio_co2_c : float
        [tCO2/tC].
    """
    return np.multiply(np.multiply(fc, carbon_fraction), of) * ratio_co2_c


def alternative_fuel_emissions(q, ncv, ef, fossil_fraction):
    r"""F2: CO2 of alternative fuels, split into the fossil part and the biomass memo ([1]).

    .. math::
        E_{alt} = Q \times NCV \times EF \times \alpha, \quad
        E_{bio,memo} = Q \times NCV \times EF \times (1 - \alpha)

    Parameters
    ----------
    q : array-like
        Quantity burnt Q [t].
    ncv : array-like
        Net calorific value [GJ/t].
    ef : array-like
        Emission factor per unit heat EF [tCO2/GJ].
    fossil_fraction : array-like
        Fossil (non-biomass) share of the carbon α [fraction].

    Returns
    -------
    tuple of array-like
        (fossil emissions counted in the total [tCO2], biomass CO2 reported as memo [tCO2]).
    """
    gross = np.multiply(np.multiply(q, ncv), ef)
    return np.multiply(gross, fossil_fraction), np.multiply(gross, np.subtract(1.0, fossil_fraction))


def clinker_emission_factor(cao, cao_nc, mgo, mgo_nc, ratio_co2_cao, ratio_co2_mgo):
    r"""F3 factor: CO2 from carbonate decomposition per tonne of clinker [tCO2/t] ([1]).

    .. math:: EF_{cli} = (CaO - CaO_{nc}) \times \tfrac{44}{56} + (MgO - MgO_{nc}) \times \tfrac{44}{40}

    Parameters
    ----------
    cao, mgo : array-like
        Total CaO and MgO mass fractions in clinker [fraction].
    cao_nc, mgo_nc : array-like
        Fractions not from carbonates (slag, fly ash, carbide slag...) [fraction].
    ratio_co2_cao, ratio_co2_mgo : float
        44/56 and 44/40 (Chinese texts) or 44.01/56.08 and 44.01/40.30 (IPCC) [t/t].

    Examples
    --------
    >>> round(clinker_emission_factor(0.65, 0.01, 0.02, 0.005, 44/56, 44/40), 7)
    0.5193571
    """
    return np.subtract(cao, cao_nc) * ratio_co2_cao + np.subtract(mgo, mgo_nc) * ratio_co2_mgo


def carbonate_emissions(clinker_t, ckd_t, bypass_dust_t, ef_cli):
    r"""F3: CO2 from carbonate decomposition [tCO2] ([1]).

    .. math:: E_{carbonate} = (Q_{cli} + Q_{ckd} + Q_{bpd}) \times EF_{cli}

    Parameters
    ----------
    clinker_t : array-like
        Clinker produced Q_cli [t].
    ckd_t : array-like
        Kiln-head dust leaving the system Q_ckd [t].
    bypass_dust_t : array-like
        Bypass dust leaving the system Q_bpd [t].
    ef_cli : array-like
        Clinker emission factor [tCO2/t] (:func:`clinker_emission_factor`).
    """
    return np.multiply(np.add(np.add(clinker_t, ckd_t), bypass_dust_t), ef_cli)


def raw_meal_toc_emissions(raw_meal_t, toc_fraction, ratio_co2_c):
    r"""F4: CO2 from non-fuel (organic) carbon in raw meal [tCO2] ([1]).

    .. math:: E_{toc} = Q_{rm} \times TOC \times \tfrac{44}{12}

    Parameters
    ----------
    raw_meal_t : array-like
        Dry raw meal consumed Q_rm [t] (metered, or clinker × raw-meal/clinker ratio).
    toc_fraction : array-like
        Non-fuel carbon content TOC [fraction].
    ratio_co2_c : float
        [tCO2/tC].
    """
    return np.multiply(raw_meal_t, toc_fraction) * ratio_co2_c


def electricity_emissions(purchased_mwh, exported_mwh, nonfossil_direct_mwh, ef_grid):
    r"""F5: CO2 of net purchased electricity [tCO2] ([1], [2]).

    .. math:: E_{elec} = (AD_{purchased} - AD_{non-fossil\ direct} - AD_{exported}) \times EF_{grid}

    Non-fossil electricity supplied directly (not through the grid) and documented counts as
    zero; waste-heat power generated and used on site is not purchased and does not enter.
    A negative result (net export) is returned as is.

    Parameters
    ----------
    purchased_mwh, exported_mwh, nonfossil_direct_mwh : array-like
        [MWh].
    ef_grid : float
        Grid factor [tCO2/MWh].
    """
    return np.subtract(np.subtract(purchased_mwh, nonfossil_direct_mwh), exported_mwh) * ef_grid


def heat_emissions(purchased_gj, exported_gj, ef_heat):
    r"""F5: CO2 of net purchased heat [tCO2] ([1]).

    .. math:: E_{heat} = (AD_{purchased} - AD_{exported}) \times EF_{heat}

    Parameters
    ----------
    purchased_gj, exported_gj : array-like
        Heat [GJ].
    ef_heat : float
        [tCO2/GJ].
    """
    return np.subtract(purchased_gj, exported_gj) * ef_heat


def hot_water_heat_gj(mass_t, temp_c, base_temp_c=20.0, specific_heat=4.1868):
    r"""Heat in hot water [GJ] ([1]).

    .. math:: AD_{hw} = Ma_{w} \times (T_{w} - 20) \times 4.1868 \times 10^{-3}

    Parameters
    ----------
    mass_t : array-like
        Mass of hot water [t].
    temp_c : array-like
        Its temperature [°C].
    base_temp_c : float
        Reference temperature [°C].
    specific_heat : float
        [kJ/(kg·K)].
    """
    return np.multiply(mass_t, np.subtract(temp_c, base_temp_c)) * specific_heat / 1000.0


def steam_heat_gj(mass_t, enthalpy_kj_per_kg, base_enthalpy=83.74):
    r"""Heat in steam [GJ] ([1]).

    .. math:: AD_{st} = Ma_{st} \times (En_{st} - 83.74) \times 10^{-3}

    Parameters
    ----------
    mass_t : array-like
        Mass of steam [t].
    enthalpy_kj_per_kg : array-like
        Steam enthalpy [kJ/kg].
    base_enthalpy : float
        Enthalpy of the reference water [kJ/kg].
    """
    return np.multiply(mass_t, np.subtract(enthalpy_kj_per_kg, base_enthalpy)) / 1000.0


def altitude_pressure_pa(altitude_m, p0=101325.0, scale_m=44300.0, exponent=5.25):
    r"""Atmospheric pressure at altitude [Pa] ([3]).

    .. math:: P_H = 101325 \times (1 - H / 44300)^{5.25}

    Examples
    --------
    >>> round(float(altitude_pressure_pa(1800)))
    81496
    """
    return p0 * np.power(1.0 - np.divide(altitude_m, scale_m), exponent)


def altitude_correction_factor(altitude_m, threshold_m=1500.0, p0=101325.0, scale_m=44300.0, exponent=5.25):
    r"""Altitude correction K for fuel-combustion emissions [1] ([3]).

    .. math:: K = 101325 / P_H \ \text{above the threshold, else } 1

    Examples
    --------
    >>> round(float(altitude_correction_factor(1800)), 4)
    1.2433
    """
    k = p0 / altitude_pressure_pa(altitude_m, p0, scale_m, exponent)
    return np.where(np.asarray(altitude_m) > threshold_m, k, 1.0)


def national_process_emissions(clinker_t, ef_cli, deductions_t):
    r"""Process emissions by the 2024 national guideline's clinker method [tCO2] ([4]).

    .. math:: E_{process} = Q_{cli} \times EF_{cli} - \sum_j AD_j \times DF_j

    Parameters
    ----------
    clinker_t : array-like
        Clinker produced [t].
    ef_cli : float
        Clinker factor by clinker type, entered by the analyst [tCO2/t].
    deductions_t : array-like
        Σ AD_j × DF_j, the deduction for non-carbonate alternative raw materials [tCO2].
    """
    return np.subtract(np.multiply(clinker_t, ef_cli), deductions_t)
