"""One pint registry for the units of Chinese energy and emission statistics.

All unit conversions in cementnb go through :data:`ureg` at the boundaries (reading a
submission, writing a report); inside the library, quantities are plain floats whose unit
is in the column name (``clinker_output_t``, ``ncv_gj_per_t``).

Definitions that pint does not have, or has differently:

- ``万t``, ``万kWh``, ``万Nm3``: 10^4 of the base unit (pint does not stack a 万 prefix).
- ``kcal``: Chinese energy statistics use the international-table calorie, 4.1868 J
  (GB/T 2589-2020 §3.3); pint's ``kcal`` is the thermochemical 4.184 J. We map ``kcal`` in
  submissions to ``kcal_IT`` explicitly.
- ``Nm3`` (normal cubic metre, gas at standard conditions) is its own dimension, so a
  volume at operating conditions never converts to it silently.
- ``tC`` (carbon) and ``tCO2`` are their own dimensions: 1 tC is 44/12 tCO2 by stoichiometry,
  applied explicitly in formulas, never by unit conversion.
- ``tce``/``kgce`` (standard coal equivalent) are their own dimension. The equivalence
  1 kgce = 29.3076 MJ is a statistical convention, available only inside the
  ``energy_statistics`` context, so kWh never turns into tce by accident.

References
----------
.. [1] GB/T 2589-2020 综合能耗计算通则, §3.3 (1 kgce = 29 307.6 kJ; 1 kcal = 4.1868 kJ).
"""

from __future__ import annotations

import unicodedata
from typing import Iterable

import numpy as np
import pint

__all__ = ["ureg", "Q_", "normalize_unit", "convert_values", "conversion_factor", "known_units", "UnitError"]

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
Q_ = ureg.Quantity

_DEFINITIONS = """
kcal_IT = 4.1868 * kJ
normal_cubic_meter = [normal_volume] = Nm3
ten_thousand_Nm3 = 10000 * Nm3 = wan_Nm3
thousand_Nm3 = 1000 * Nm3 = k_Nm3
ten_thousand_tonne = 10000 * t = wan_t
ten_thousand_kWh = 10000 * kWh = wan_kWh
tonne_carbon = [carbon_mass] = tC
kilogram_carbon = 0.001 * tC = kgC
tonne_CO2 = [co2_mass] = tCO2
kilogram_CO2 = 0.001 * tCO2 = kgCO2
tonne_coal_equivalent = [coal_equivalent] = tce
kilogram_coal_equivalent = 0.001 * tce = kgce
fraction = [] = frac
"""
for _line in _DEFINITIONS.strip().splitlines():
    ureg.define(_line)

_energy_statistics = pint.Context("energy_statistics")
_energy_statistics.add_transformation(
    "[coal_equivalent]", "[mass] * [length] ** 2 / [time] ** 2", lambda ureg, x: x * ureg("29.3076 GJ/tce")
)
_energy_statistics.add_transformation(
    "[mass] * [length] ** 2 / [time] ** 2", "[coal_equivalent]", lambda ureg, x: x / ureg("29.3076 GJ/tce")
)
ureg.add_context(_energy_statistics)

# How units are written in submissions -> the pint expression. Keys are compared after
# NFKC normalisation (full-width letters and digits become ASCII) and with spaces removed.
_ALIASES: dict[str, str] = {
    "t": "t",
    "吨": "t",
    "万t": "wan_t",
    "万吨": "wan_t",
    "kg": "kg",
    "千克": "kg",
    "公斤": "kg",
    "kWh": "kWh",
    "千瓦时": "kWh",
    "度": "kWh",
    "MWh": "MWh",
    "兆瓦时": "MWh",
    "万kWh": "wan_kWh",
    "万千瓦时": "wan_kWh",
    "万度": "wan_kWh",
    "GJ": "GJ",
    "吉焦": "GJ",
    "MJ": "MJ",
    "百万千焦": "GJ",
    "Nm3": "Nm3",
    "Nm³": "Nm3",
    "标立方米": "Nm3",
    "千Nm3": "k_Nm3",
    "万Nm3": "wan_Nm3",
    "万Nm³": "wan_Nm3",
    "万标立方米": "wan_Nm3",
    "GJ/t": "GJ/t",
    "MJ/kg": "MJ/kg",
    "kJ/kg": "kJ/kg",
    "kcal/kg": "kcal_IT/kg",
    "GJ/万Nm3": "GJ/wan_Nm3",
    "GJ/万Nm³": "GJ/wan_Nm3",
    "MJ/Nm3": "MJ/Nm3",
    "MJ/Nm³": "MJ/Nm3",
    "kJ/Nm3": "kJ/Nm3",
    "kJ/Nm³": "kJ/Nm3",
    "tC/GJ": "tC/GJ",
    "kgC/GJ": "kgC/GJ",
    "tCO2/GJ": "tCO2/GJ",
    "kgCO2/GJ": "kgCO2/GJ",
    "tCO2": "tCO2",
    "tCO2/t": "tCO2/t",
    "tCO2/MWh": "tCO2/MWh",
    "%": "percent",
    "％": "percent",
    "1": "frac",
    "小数": "frac",
    "无量纲": "frac",
    "℃": "degC",
    "°C": "degC",
    "degC": "degC",
    "m": "m",
    "米": "m",
    "t/d": "t/d",
    "kW": "kW",
    "kVA": "kVA",
    "tce": "tce",
    "kgce": "kgce",
}
# Canonical unit names used in cementnb's metadata tables -> pint expression.
_CANONICAL = {**_ALIASES, "万Nm3": "wan_Nm3", "GJ/万Nm3": "GJ/wan_Nm3"}
ureg.define("kVA = 1000 * V * A")


class UnitError(ValueError):
    """A unit string that cementnb does not know, or an impossible conversion."""


def _key(unit: str) -> str:
    return unicodedata.normalize("NFKC", str(unit)).replace(" ", "").replace("³", "3")


_ALIAS_KEYS = {_key(k): v for k, v in _ALIASES.items()}


def normalize_unit(unit: str) -> str:
    """Return the pint expression for a unit as written in a submission.

    Full-width characters and spaces are tolerated (``ＧＪ／ｔ`` -> ``GJ/t``). Raises
    :class:`UnitError` for a unit not in the alias table: we never guess.
    """
    key = _key(unit)
    if key in _ALIAS_KEYS:
        return _ALIAS_KEYS[key]
    raise UnitError(f"未知单位“{unit}”")


def known_units() -> list[str]:
    """The unit spellings accepted in submissions (for messages and the template)."""
    return list(_ALIASES)


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplicative factor from ``from_unit`` to ``to_unit`` (both as written in tables).

    Offset units (°C) are not multiplicative; use :func:`convert_values` for them.
    """
    src, dst = normalize_unit(from_unit), normalize_unit(to_unit)
    try:
        return float(Q_(1.0, src).to(dst).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitError(f"单位“{from_unit}”不能换算为“{to_unit}”") from exc


def convert_values(values: Iterable[float] | np.ndarray, from_unit: str, to_unit: str) -> np.ndarray:
    """Convert a whole column from ``from_unit`` to ``to_unit`` in one pint call.

    Parameters
    ----------
    values : array-like of float
        Magnitudes in ``from_unit``.
    from_unit, to_unit : str
        Units as written in submissions or metadata (``万t``, ``kcal/kg``, ``%``...).

    Returns
    -------
    numpy.ndarray
        Magnitudes in ``to_unit``.

    Raises
    ------
    UnitError
        Unknown unit, or units of different dimensions.
    """
    src, dst = normalize_unit(from_unit), normalize_unit(to_unit)
    arr = np.asarray(values, dtype=float)
    try:
        return np.asarray(Q_(arr, src).to(dst).magnitude, dtype=float)
    except pint.DimensionalityError as exc:
        raise UnitError(f"单位“{from_unit}”不能换算为“{to_unit}”") from exc
