"""Notebook and review parameters: declared once, validated strictly, in Chinese.

papermill only *warns* on an unknown parameter name, so a misspelt ``reveiw_year`` would
silently run the review with the default year. Each notebook therefore calls
:func:`validate_parameters` in its first cell: unknown names (with the nearest valid one),
wrong types and values outside their choices stop the notebook with a Chinese message and
no Python traceback. The same specs validate the ``parameters/*.yaml`` files of a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, Mapping

import yaml

from .problems import nearest

__all__ = [
    "ParameterError",
    "ParamSpec",
    "NOTEBOOK_PARAMETERS",
    "Parameters",
    "validate_parameters",
    "load_parameters_file",
    "project_root",
    "resolve_path",
]


class ParameterError(ValueError):
    """Invalid parameters; the message lists every problem in Chinese."""

    def __init__(self, problems: list[str], where: str = "参数"):
        self.problems = problems
        super().__init__(f"{where}有误：\n" + "\n".join(f"  {i}. {p}" for i, p in enumerate(problems, 1)))

    def _render_traceback_(self) -> list[str]:  # shown by IPython instead of a traceback
        return str(self).splitlines()


@dataclass(frozen=True)
class ParamSpec:
    name: str
    types: tuple[type, ...]
    default: Any
    help_zh: str
    choices: tuple[Any, ...] | None = None
    optional: bool = False
    is_date: bool = False  # a 'YYYY-MM-DD' string


_COMMON = (
    ParamSpec("enterprise_id", (str,), "sample-a", "企业标识（报告目录名），如 sample-a"),
    ParamSpec("enterprise_dir", (str,), "data/samples/sample-a", "企业审查文件夹：相对项目根目录或绝对路径"),
    ParamSpec("review_year", (int,), 2025, "审查年度"),
    ParamSpec("results_dir", (str,), "", "结果文件输出目录；空字符串表示 reports/<企业标识>/<审查年度>/interactive"),
)
_EMISSIONS = (
    ParamSpec("grid_factor_series", (str,), "ets_national", "电网排放因子系列",
              ("ets_national", "stat_national", "stat_national_excl_market_nonfossil", "stat_national_fossil_only",
               "stat_regional_central")),
    ParamSpec("grid_factor_year", (int,), 2022, "电网排放因子的数据年份"),
    ParamSpec("method", (str,), "gbt32151", "过程排放核算方法", ("gbt32151", "national_2024")),
    ParamSpec("stoichiometry", (str,), "cn", "化学计量比口径：cn=44/12、44/56、44/40；ipcc=摩尔质量比", ("cn", "ipcc")),
    ParamSpec("raw_meal_basis", (str,), "metered", "生料量口径：metered=实测；clinker_ratio=熟料×生料/熟料比",
              ("metered", "clinker_ratio")),
    ParamSpec("raw_meal_clinker_ratio", (float, int), 1.55, "生料/熟料比 [t/t]；也用于替代缺失的生料实测值", optional=True),
    ParamSpec("national_clinker_ef_t_per_t", (float, int), None, "2024指南熟料法的熟料排放因子 [tCO2/t]，由审查员输入",
              optional=True),
    ParamSpec("national_deduction_factors", (dict,), {}, "2024指南熟料法的替代原料扣减因子 {名称或类别: tCO2/t}"),
    ParamSpec("factor_overrides", (dict,), {}, "覆盖缺省因子 {“键”或“键:对象”: 数值}，见 factors.csv"),
)

_REVIEW = (
    ParamSpec("review_date", (str,), "2026-03-15", "审查日期 YYYY-MM-DD：证书有效性、培训期限按此日判定", is_date=True),
)

#: Parameters of each notebook, by notebook name.
NOTEBOOK_PARAMETERS: dict[str, tuple[ParamSpec, ...]] = {
    "emissions": _COMMON + _EMISSIONS,
    "management": _COMMON + _REVIEW,
    "personnel": _COMMON + _REVIEW,
    "instruments": _COMMON + _REVIEW,
    "data": _COMMON + _REVIEW,
    "conclusion": _COMMON + _REVIEW,
    "report": _COMMON + _REVIEW,
}

# Names IPython puts in a notebook's namespace.
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


@dataclass(frozen=True)
class Parameters:
    """Validated parameters of one notebook run."""

    notebook: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.values)

    @property
    def enterprise_path(self) -> Path:
        return resolve_path(self.values["enterprise_dir"])

    @property
    def results_path(self) -> Path:
        given = self.values.get("results_dir") or ""
        if given:
            return resolve_path(given)
        return project_root() / "reports" / self.values["enterprise_id"] / str(self.values["review_year"]) / "interactive"

    @property
    def review_timestamp(self):
        import pandas as pd

        return pd.Timestamp(self.values["review_date"])

    def emission_config(self):
        from .emissions import EmissionConfig

        v = self.values
        try:
            return EmissionConfig(
                method=v["method"], grid_series=v["grid_factor_series"], grid_year=v["grid_factor_year"],
                stoichiometry=v["stoichiometry"], raw_meal_basis=v["raw_meal_basis"],
                raw_meal_clinker_ratio=v["raw_meal_clinker_ratio"],
                national_clinker_ef_t_per_t=v["national_clinker_ef_t_per_t"],
                national_deduction_factors=v["national_deduction_factors"], factor_overrides=v["factor_overrides"],
            )
        except ValueError as exc:
            raise ParameterError(str(exc).split("；")) from None


def _type_name(types: tuple[type, ...]) -> str:
    names = {int: "整数", float: "数值", str: "文本", dict: "字典", bool: "是/否", list: "列表"}
    return "或".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


def _check(specs: tuple[ParamSpec, ...], given: Mapping[str, Any], where: str) -> dict[str, Any]:
    by_name = {s.name: s for s in specs}
    problems = []
    for name in given:
        if name not in by_name:
            hint = nearest(name, by_name, cutoff=0.6)
            problems.append(f"未知参数“{name}”" + (f"，是否应为“{hint}”？" if hint else f"。可用参数：{'、'.join(by_name)}"))
    values = {}
    for spec in specs:
        value = given.get(spec.name, spec.default)
        if value is None and (spec.optional or spec.default is None):
            values[spec.name] = None
            continue
        ok = isinstance(value, spec.types) and not (isinstance(value, bool) and bool not in spec.types)
        if not ok:
            problems.append(f"参数“{spec.name}”应为{_type_name(spec.types)}，实为{type(value).__name__}（{value!r}）：{spec.help_zh}")
            continue
        if spec.choices is not None and value not in spec.choices:
            hint = nearest(str(value), [str(c) for c in spec.choices])
            problems.append(f"参数“{spec.name}”的值“{value}”无效，可选：{'、'.join(map(str, spec.choices))}"
                            + (f"（是否应为“{hint}”？）" if hint else ""))
            continue
        if spec.is_date:
            try:
                if len(value) != 10:
                    raise ValueError(value)
                date.fromisoformat(value)
            except ValueError:
                problems.append(f"参数“{spec.name}”应为日期 YYYY-MM-DD，实为“{value}”")
                continue
        values[spec.name] = float(value) if float in spec.types and isinstance(value, int) else value
    if problems:
        raise ParameterError(problems, where)
    return values


def validate_parameters(notebook: str, namespace: Mapping[str, Any]) -> Parameters:
    """Validate a notebook's parameters from its namespace (call it with ``globals()``).

    Every user-level name in the namespace must be a declared parameter of ``notebook``:
    call this in the first cell after the parameters cell (and papermill's injected cell),
    before defining anything else.

    Raises
    ------
    ParameterError
        Unknown or misspelt names (with the nearest valid one), wrong types, bad choices.
    """
    specs = NOTEBOOK_PARAMETERS[notebook]
    given = {
        k: v for k, v in namespace.items()
        if not k.startswith("_") and k not in _IPYTHON_NAMES and not isinstance(v, ModuleType) and not callable(v)
    }
    return Parameters(notebook, _check(specs, given, f"笔记本“{notebook}”的参数"))


def all_parameter_specs() -> tuple[ParamSpec, ...]:
    seen: dict[str, ParamSpec] = {}
    for specs in NOTEBOOK_PARAMETERS.values():
        for spec in specs:
            seen.setdefault(spec.name, spec)
    return tuple(seen.values())


def load_parameters_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a review's ``parameters/<enterprise>.yaml`` (all notebooks' parameters)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError([f"无法读取：{exc}"], f"参数文件 {path}") from None
    if not isinstance(data, dict):
        raise ParameterError(["内容应为“参数名: 值”的映射"], f"参数文件 {path}")
    return _check(all_parameter_specs(), data, f"参数文件 {path}")


def notebook_parameters(notebook: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of a review's parameters that ``notebook`` declares."""
    names = {s.name for s in NOTEBOOK_PARAMETERS[notebook]}
    return {k: v for k, v in values.items() if k in names}


def project_root(start: Path | None = None) -> Path:
    """The project folder: the nearest parent of ``start`` (default: cwd) holding
    ``pyproject.toml`` and ``notebooks/``; the cwd when there is none."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "notebooks").is_dir():
            return candidate
    return here


def resolve_path(path: str | Path) -> Path:
    """A path from parameters: absolute as given, relative to the project root otherwise."""
    path = Path(path)
    return path if path.is_absolute() else project_root() / path
