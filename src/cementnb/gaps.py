"""Which monthly values are missing: one rule, used by validation and by the emission engine.

Monthly data are the backbone of the national carbon market ("以日保月、以月保年"): every
parameter needs a value for every month of the review year (review.md §7). A series is
*required* when the vocabulary (``monthly_parameters.csv``, column ``required``) says so for
its object kind; an optional series that was reported for some months must be reported for
all of them. Fuel calorific values are required only in months with consumption.
"""

from __future__ import annotations

import pandas as pd

from . import metadata as md

__all__ = ["review_months", "find_monthly_gaps"]

STOCK_PARAMETERS = ("purchases_t", "opening_stock_t", "closing_stock_t")
GAP_COLUMNS = ["line_id", "object", "object_kind", "parameter", "parameter_zh", "month", "gap_rule"]


def review_months(year: int) -> list[str]:
    """The twelve months of a review year as 'YYYY-MM'."""
    return [f"{year:04d}-{m:02d}" for m in range(1, 13)]


def _spec_rows(kind: str, form: str = "") -> pd.DataFrame:
    vocab = md.monthly_parameters()
    rows = vocab[vocab["object_kind"] == kind]
    if kind == "燃料":
        form_key = "气" if form == "气" else "固液"
        rows = rows[rows["form"].isin(["", form_key])]
    return rows


def find_monthly_gaps(
    monthly: pd.DataFrame,
    lines: pd.DataFrame,
    fuels: pd.DataFrame,
    year: int,
    *,
    alt_materials: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """List the (line, object, parameter, month) values that are missing.

    Parameters
    ----------
    monthly : DataFrame
        Canonical monthly data (columns ``month``, ``line_id``, ``object``, ``object_kind``,
        ``parameter``, ``value``), as returned by the loader.
    lines, fuels : DataFrame
        The 生产线 and 燃料 tables.
    year : int
        Review year.

    Returns
    -------
    DataFrame
        One row per missing value: line_id, object, object_kind, parameter, parameter_zh,
        month, gap_rule. Empty when nothing is missing.
    """
    months = review_months(year)
    have = set(zip(monthly["line_id"], monthly["object"], monthly["parameter"], monthly["month"]))
    form_of = dict(zip(fuels["fuel_name"], fuels["fuel_form"])) if len(fuels) else {}
    series: dict[tuple[str, str, str], pd.Series] = {}  # (line, object, parameter) -> vocab row
    kinds: dict[str, str] = {}  # object -> object kind

    def want(line: str, obj: str, kind: str, spec: pd.Series) -> None:
        series.setdefault((line, obj, spec["name"]), spec)
        kinds[obj] = kind

    # Clinker: every required parameter for every line.
    for line in lines["line_id"]:
        for _, spec in _spec_rows("熟料").iterrows():
            if spec["required"]:
                want(line, "熟料", "熟料", spec)
    # Fuels and alternative raw materials: required parameters wherever the pair appears.
    # (purchases and stocks are booked at site level: they do not make a line burn the fuel)
    used = monthly[monthly["object_kind"].isin(["燃料", "替代原料"]) & ~monthly["parameter"].isin(STOCK_PARAMETERS)]
    pairs = used[["line_id", "object", "object_kind"]].drop_duplicates()
    for pair in pairs.itertuples(index=False):
        for _, spec in _spec_rows(pair.object_kind, form_of.get(pair.object, "")).iterrows():
            if spec["required"]:
                want(pair.line_id, pair.object, pair.object_kind, spec)
    # Electricity purchased: every month, at the lines (or site) that report it; site if none.
    elec = monthly[monthly["object"] == "电力"]
    purchased = _spec_rows("电力").set_index("name", drop=False).loc["purchased_mwh"]
    elec_lines = sorted(set(elec.loc[elec["parameter"] == "purchased_mwh", "line_id"])) or [md.SITE_LINE]
    for line in elec_lines:
        want(line, "电力", "电力", purchased)
    # Optional series reported for some months must be reported for all.
    vocab = md.monthly_parameters()
    for key, _ in monthly.groupby(["line_id", "object", "object_kind", "parameter"], sort=False):
        line, obj, kind, name = key
        rows = vocab[(vocab["object_kind"] == kind) & (vocab["name"] == name)]
        if len(rows):
            want(line, obj, kind, rows.iloc[0])

    consumption = monthly[monthly["parameter"].isin(["consumption_t", "consumption_10k_nm3"])]
    unused = consumption[consumption["value"] == 0]
    zero_use = set(zip(unused["line_id"], unused["object"], unused["month"]))
    gaps = []
    for (line, obj, name), spec in series.items():
        kind = kinds[obj]
        for month in months:
            if (line, obj, name, month) in have:
                continue
            if kind == "燃料" and name not in ("consumption_t", "consumption_10k_nm3") and (line, obj, month) in zero_use:
                continue  # nothing burnt that month: no calorific value needed
            gaps.append((line, obj, kind, name, spec["parameter_zh"], month, spec["gap_rule"]))
    frame = pd.DataFrame(gaps, columns=GAP_COLUMNS)
    return frame.sort_values(["line_id", "object", "parameter", "month"], kind="stable").reset_index(drop=True)
