"""The metadata tables that drive the template, the loader and the validation.

One table describes every column of every sheet of the submission workbook
(``data/columns.csv``): Chinese header, English name with unit, dtype, unit, allowed
values, required, unique, reference, description. A second one describes the sheets
(``data/sheets.csv``), a third the parameters of the long ``月度数据`` sheet
(``data/monthly_parameters.csv``: object kind, parameter, canonical unit, accepted units,
hard bounds, whether every month is required, and the gap rule). Change the tables, not
the code, when the submission format changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

__all__ = [
    "read_table",
    "sheets",
    "columns",
    "sheet_columns",
    "monthly_parameters",
    "lookup_parameter",
    "allowed_values",
    "FIXED_OBJECTS",
    "SITE_LINE",
    "LIST_SEPARATOR",
]

#: Separator of multi-valued cells and of the ``allowed`` lists in the metadata tables.
LIST_SEPARATOR = "；"
#: Line id for site-level monthly data (electricity, heat, cement...).
SITE_LINE = "全厂"
#: Monthly-data objects that are not fuels or raw materials, and their object kind.
FIXED_OBJECTS = {"熟料": "熟料", "电力": "电力", "热力": "热力", "水泥": "水泥"}


@cache
def read_table(name: str) -> pd.DataFrame:
    """Read one of the package's metadata CSV tables (UTF-8), as strings with '' for empty."""
    with resources.files("cementnb.data").joinpath(name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def _bool(series: pd.Series) -> pd.Series:
    return series.str.lower().isin(["true", "yes", "1"])


@cache
def sheets() -> pd.DataFrame:
    """One row per sheet: sheet (Chinese), name, layout (table/key_value), required, description."""
    frame = read_table("sheets.csv").copy()
    frame["required"] = _bool(frame["required"])
    return frame


@cache
def columns() -> pd.DataFrame:
    """One row per column of every sheet (see module docstring)."""
    frame = read_table("columns.csv").copy()
    for col in ("required", "unique"):
        frame[col] = _bool(frame[col])
    return frame


def sheet_columns(sheet: str) -> pd.DataFrame:
    """The column metadata of one sheet, in template order."""
    frame = columns()
    return frame[frame["sheet"] == sheet].reset_index(drop=True)


def allowed_values(allowed: str) -> list[str]:
    """Split an ``allowed`` cell of the metadata into its values."""
    return [v for v in allowed.split(LIST_SEPARATOR) if v] if allowed else []


def header_label(row: pd.Series) -> str:
    """The template header of a column: Chinese name plus unit in parentheses."""
    return f"{row['header_zh']}({row['unit']})" if row["unit"] else row["header_zh"]


@cache
def monthly_parameters() -> pd.DataFrame:
    """Vocabulary of the ``月度数据`` sheet: one row per object kind × parameter (× form)."""
    frame = read_table("monthly_parameters.csv").copy()
    for col in ("min", "max"):
        frame[col] = pd.to_numeric(frame[col].replace("", None))
    frame["required"] = _bool(frame["required"])
    return frame


@dataclass(frozen=True)
class ParameterSpec:
    object_kind: str
    parameter_zh: str
    name: str
    canonical_unit: str
    accepted_units: tuple[str, ...]
    min: float | None
    max: float | None
    required: bool
    gap_rule: str
    description: str


@cache
def lookup_parameter(object_kind: str, parameter_zh: str, form: str = "") -> ParameterSpec | None:
    """The vocabulary entry for a parameter of an object kind; ``form`` (固/液/气) picks
    the solid/liquid or gas variant where the vocabulary distinguishes them."""
    vocab = monthly_parameters()
    rows = vocab[(vocab["object_kind"] == object_kind) & (vocab["parameter_zh"] == parameter_zh)]
    if rows.empty:
        return None
    form_key = "气" if form == "气" else "固液"
    specific = rows[rows["form"] == form_key]
    chosen = specific if not specific.empty else rows[rows["form"] == ""]
    if chosen.empty:
        return None
    row = chosen.iloc[0]
    return ParameterSpec(
        object_kind=row["object_kind"],
        parameter_zh=row["parameter_zh"],
        name=row["name"],
        canonical_unit=row["canonical_unit"],
        accepted_units=tuple(allowed_values(row["accepted_units"])),
        min=None if pd.isna(row["min"]) else float(row["min"]),
        max=None if pd.isna(row["max"]) else float(row["max"]),
        required=bool(row["required"]),
        gap_rule=row["gap_rule"],
        description=row["description"],
    )


def parameters_of_kind(object_kind: str) -> list[str]:
    """Chinese parameter names valid for an object kind (for suggestions)."""
    vocab = monthly_parameters()
    return list(dict.fromkeys(vocab.loc[vocab["object_kind"] == object_kind, "parameter_zh"]))
