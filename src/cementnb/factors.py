"""Emission factors, constants and defaults as versioned, sourced data.

Every number the emission engine uses that is not in the enterprise's submission comes
from ``data/factors.csv``: one row per value with its unit, source document, edition,
clause and confidence mark (``read``: confirmed in a primary or official text; ``impl``:
seen in several implementations, not checked against the official text; ``open``: not
confirmed, shown as 待核实 in reports). A review's parameters choose the grid-factor
series and data year and may override any row; :class:`FactorSet` records every value it
hands out, so the results can list every default actually used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from . import metadata as md
from .problems import nearest

__all__ = ["factor_table", "FactorSet", "FactorError", "CONFIDENCE_ZH", "GRID_SERIES_ZH"]

CONFIDENCE_ZH = {
    "read": "已核实（原文）",
    "impl": "通行做法（未核对原文）",
    "open": "待核实",
    "override": "审查员确认",
}
GRID_SERIES_ZH = {
    "ets_national": "全国电网平均排放因子（碳市场履约口径）",
    "stat_national": "全国电力平均二氧化碳排放因子（统计口径）",
    "stat_national_excl_market_nonfossil": "全国电力平均二氧化碳排放因子（不含市场化非化石电量）",
    "stat_national_fossil_only": "全国化石能源电力二氧化碳排放因子",
    "stat_regional_central": "华中区域电力平均二氧化碳排放因子",
}
USED_COLUMNS = ["key", "subject", "series", "data_year", "value", "unit", "description_zh", "source", "edition",
                "clause", "confidence", "confidence_zh", "origin", "purpose"]


class FactorError(ValueError):
    """A factor that does not exist, or an override that names none (Chinese message)."""


def factor_table() -> pd.DataFrame:
    """The packaged factor table, one row per value (see module docstring)."""
    frame = md.read_table("factors.csv").copy()
    frame["value"] = frame["value"].astype(float)
    return frame


def override_key(key: str, subject: str = "") -> str:
    """How an override names a factor: ``key`` or ``key:subject`` (e.g. ``fuel_ncv:烟煤``)."""
    return f"{key}:{subject}" if subject else key


@dataclass
class FactorSet:
    """The factors of one review: the table, the review's choices and overrides, and a log.

    Parameters
    ----------
    grid_series, grid_year : str, int
        Which grid electricity factor (series and data year, see ``GRID_SERIES_ZH``).
    stoichiometry : {"cn", "ipcc"}
        Integer ratios 44/12, 44/56, 44/40 of the Chinese texts, or the molar-mass ratios of
        IPCC/GCCA. Never mixed.
    overrides : mapping
        ``{"fuel_ncv:烟煤": 23.5}`` or ``{"heat_ef_t_per_gj": {"value": 0.1, "source": "..."}}``.
    """

    grid_series: str = "ets_national"
    grid_year: int = 2022
    stoichiometry: str = "cn"
    overrides: Mapping[str, Any] = field(default_factory=dict)
    _used: dict[tuple, dict] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        table = factor_table()
        self._table = table
        valid = {override_key(k, s) for k, s in zip(table["key"], table["subject"])}
        bad = [k for k in self.overrides if k not in valid]
        if bad:
            msgs = [f"“{k}”" + (f"（是否应为“{nearest(k, valid)}”？）" if nearest(k, valid) else "") for k in bad]
            raise FactorError("因子覆盖中有未知的因子名称：" + "、".join(msgs) + "。因子名称格式为“键”或“键:对象”，见 factors.csv。")
        if self.stoichiometry not in ("cn", "ipcc"):
            raise FactorError(f"化学计量比口径“{self.stoichiometry}”无效，应为 cn（44/12、44/56、44/40）或 ipcc（摩尔质量比）")
        grid = table[(table["key"] == "grid_ef_t_per_mwh")]
        match = grid[(grid["series"] == self.grid_series) & (grid["data_year"] == str(self.grid_year))]
        if match.empty:
            options = "、".join(f"{s} {y}" for s, y in zip(grid["series"], grid["data_year"]))
            raise FactorError(f"没有电网排放因子“{self.grid_series} {self.grid_year}”。可选：{options}")

    def _row(self, key: str, subject: str = "", series: str = "", data_year: str = "") -> pd.Series | None:
        t = self._table
        rows = t[(t["key"] == key) & (t["subject"] == subject)]
        if series:
            rows = rows[rows["series"] == series]
        if data_year:
            rows = rows[rows["data_year"] == data_year]
        return None if rows.empty else rows.iloc[0]

    def has(self, key: str, subject: str = "") -> bool:
        return self._row(key, subject) is not None or override_key(key, subject) in self.overrides

    def get(self, key: str, subject: str = "", *, purpose: str = "", series: str = "", data_year: str = "") -> float:
        """The value of a factor, logged as used (with ``purpose``, in Chinese)."""
        row = self._row(key, subject, series, data_year)
        if row is None:
            raise FactorError(f"因子表中没有“{override_key(key, subject)}”")
        record = row.to_dict()
        okey = override_key(key, subject)
        if okey in self.overrides:
            given = self.overrides[okey]
            value = float(given["value"] if isinstance(given, Mapping) else given)
            source = given.get("source", "审查参数") if isinstance(given, Mapping) else "审查参数"
            record.update(value=value, source=source, edition="", clause="", confidence="override",
                          origin=f"审查参数覆盖（缺省值{row['value']:g}）")
        else:
            record["origin"] = "缺省值表"
        record["confidence_zh"] = CONFIDENCE_ZH[record["confidence"]]
        ident = (key, subject, record["series"], record["data_year"], purpose)
        record["purpose"] = purpose
        self._used.setdefault(ident, record)
        return float(record["value"])

    # Convenience accessors -------------------------------------------------------------
    def ratio(self, which: str) -> float:
        """Stoichiometric ratio ``co2_c``, ``co2_cao`` or ``co2_mgo`` in the chosen convention."""
        return self.get(f"ratio_{which}", series=self.stoichiometry, purpose="化学计量比")

    def grid_factor(self) -> float:
        """Grid electricity factor [tCO2/MWh] of the chosen series and data year."""
        return self.get("grid_ef_t_per_mwh", series=self.grid_series, data_year=str(self.grid_year),
                        purpose="净购入电力排放因子")

    def note(self, key: str, value: float, unit: str, description: str, source: str, confidence: str, purpose: str) -> None:
        """Log a value that is not in the factor table (a review parameter, a conservative rule)."""
        self._used.setdefault(
            (key, "", "", "", purpose),
            dict(key=key, subject="", series="", data_year="", value=value, unit=unit, description_zh=description,
                 source=source, edition="", clause="", confidence=confidence,
                 confidence_zh=CONFIDENCE_ZH[confidence], origin="审查参数" if confidence == "override" else "规则",
                 purpose=purpose),
        )

    def used(self) -> pd.DataFrame:
        """Every factor handed out so far, one row each, in a stable order."""
        frame = pd.DataFrame(list(self._used.values()), columns=USED_COLUMNS)
        return frame.sort_values(["key", "subject", "purpose"], kind="stable").reset_index(drop=True)
