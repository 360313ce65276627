"""Display helpers for the notebooks: each shows a library result to a person, in Chinese.

They only display; computing stays in the library modules, so the notebooks remain thin
(a parameters cell, a validation cell, then one call and one display per cell).
"""

from __future__ import annotations

import html
from typing import Iterable

import pandas as pd
from IPython.display import HTML, Markdown, display

from .display import emissions_chart, monthly_matrix, to_display
from .factors import GRID_SERIES_ZH

__all__ = ["show", "show_inputs", "show_emission_summary", "show_monthly", "show_defaults", "show_substitutions", "show_written",
           "show_chart"]

FUEL_COLUMNS = ["month", "line_id", "fuel", "fuel_category", "consumption_t", "consumption_10k_nm3", "ncv_gj_per_t",
                "ncv_gj_per_10k_nm3", "cc_tc_per_gj", "of_fraction", "ef_t_per_gj", "fossil_fraction", "emission_t",
                "biomass_memo_t", "substituted", "factor_origin"]


def show(frame: pd.DataFrame, title: str | None = None, columns: Iterable[str] | None = None, empty: str = "无。") -> None:
    """Display a tidy table with Chinese headers (or ``empty`` when it has no rows)."""
    if title:
        display(Markdown(f"**{title}**"))
    if frame.empty:
        display(Markdown(empty))
        return
    with pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.float_format", "{:,.4f}".format):
        display(to_display(frame, columns))


def show_inputs(sub) -> None:
    """Enterprise, input files with their SHA-256, and every problem found in the submission."""
    e = sub.enterprise
    # Enterprise text is shown as text, never as markup (it ends up in the HTML record).
    name = html.escape(str(e.get("enterprise_name") or "（未填）"))
    code = html.escape(str(e.get("credit_code") or "（无效或未填）"))
    display(HTML(f"<p><b>企业</b>：{name}　<b>统一社会信用代码</b>：{code}　<b>审查年度</b>：{sub.review_year}</p>"))
    show(sub.inputs, "输入文件指纹")
    counts = {k: len(v) for k, v in sub.tables.items()}
    display(Markdown("**读取的数据行数**：" + "，".join(f"{k} {v}" for k, v in counts.items())))
    errors = int((sub.problems["severity"] == "错误").sum())
    warnings = int((sub.problems["severity"] == "警告").sum())
    show(sub.problems, f"报送数据问题：{errors} 个错误，{warnings} 个警告",
         ["severity", "file", "sheet", "row", "column", "value", "expected", "message"], empty="未发现问题。")


def show_emission_summary(result) -> None:
    s = result.summary
    grid = GRID_SERIES_ZH.get(s["grid_series"], s["grid_series"])
    lines = [
        f"- 核算方法：{s['method_zh']}",
        f"- 电网排放因子：{grid}（{s['grid_year']}年数据）{s['grid_ef_t_per_mwh']} tCO2/MWh",
        f"- 化学计量比口径：{'44/12、44/56、44/40（国内文本整数比）' if s['stoichiometry'] == 'cn' else 'IPCC摩尔质量比'}",
        f"- 海拔修正系数 K = {s['altitude_k']:.4f}",
        f"- **年度排放总量（复核）：{s['total_t']:,.1f} tCO2**" + ("" if s["complete"] else "（**不完整**：部分排放无法计算，见下文）"),
        *([f"- **注意**：报送数据有 {s['input_errors']} 个错误，被拒绝的数据行未参与复核（见第1部分）"] if s.get("input_errors") else []),
        f"- 生物质CO2（仅记录，不计入总量）：{s['biomass_memo_t']:,.1f} tCO2",
        f"- 熟料产量：{s['clinker_t']:,.0f} t；替代值 {s['n_substitutions']} 个（其中无法替代 {s['n_unsubstituted']} 个）",
    ]
    display(Markdown("\n".join(lines)))


def show_monthly(result) -> None:
    matrix = monthly_matrix(result.monthly)
    with pd.option_context("display.float_format", "{:,.1f}".format):
        display(matrix)


def show_substitutions(result) -> None:
    show(result.substitutions, "缺失数据的替代值（每个替代值的方法、取值和原因）",
         ["line_id", "object", "parameter_zh", "month", "method", "value", "unit", "reason", "basis"],
         empty="无缺失数据，未使用替代值。")
    show(result.issues, "无法计算的项目", ["source", "line_id", "object", "month", "message"], empty="无。")


def show_defaults(result) -> None:
    used = result.defaults_used.copy()
    used["value"] = used["value"].map(lambda v: f"{v:.6g}")
    show(used, "使用的因子和缺省值（可信度“待核实”者须由审查员确认）",
         ["key", "subject", "value", "unit", "description_zh", "source", "edition", "clause", "confidence_zh", "origin",
          "purpose"])


def show_chart(result) -> None:
    display(emissions_chart(result.monthly))


def show_written(paths, folder) -> None:
    """List the result files written (names only: no machine-specific paths in the record)."""
    names = sorted(p.name for p in paths)
    display(Markdown(f"已写出 {len(names)} 个结果文件：" + "、".join(f"`{n}`" for n in names)))


ITEM_DISPLAY = ["item", "requirement_zh", "decided_by", "auto_verdict", "evidence", "facts"]
FINDING_DISPLAY = ["item", "check", "verdict", "evidence", "facts"]


def show_section(section) -> None:
    """A section's items (automatic verdicts; person-only items marked) and its findings."""
    counts = section.items["auto_verdict"].replace("", "待人工判定").value_counts()
    display(Markdown(f"**{section.title_zh}**：" + "，".join(f"{k} {v} 项" for k, v in counts.items())))
    show(section.items.replace({"decided_by": {"auto": "自动", "record": "人工", "auto+record": "自动+人工"}}),
         "逐项自动结论（“人工”项目由审查员在 record.xlsx 中判定）", ITEM_DISPLAY)
    show(section.findings, "各项检查", FINDING_DISPLAY)
    if section.problems is not None:
        show(section.problems, "读数文件问题", ["severity", "file", "row", "column", "value", "message"], empty="未发现问题。")


def show_conclusion(c) -> None:
    s = c["summary"]
    display(Markdown(
        f"## 审查结论：{s['conclusion_zh']}\n\n"
        f"审查项目 {s['total_count']} 项：已审查 {s['reviewed_count']} 项，符合 {s['conforming_count']} 项，"
        f"不适用 {s['not_applicable_count']} 项，**不符合 {s['nonconforming_count']} 项**，未审查 {s['not_reviewed_count']} 项。"
        f"\n\n结论规则：{s['rule_source']}（可信度：{'待核实' if s['rule_confidence'] == 'open' else s['rule_confidence']}）"
    ))
    show(c["origin"], "各部分结果来源", ["section_zh", "source"])
    show(c["nonconformities"], "不符合项报告",
         ["nc_number", "item", "area_zh", "method", "facts", "basis", "rectification", "closure"], empty="无不符合项。")
    show(c["items"], "逐项结论", ["item", "area", "requirement_zh", "auto_verdict", "person_verdict", "final_verdict",
                               "decision", "override_reason", "nc_number"])
    show(c["problems"], "审查记录的问题", ["severity", "file", "row", "column", "value", "message"], empty="无。")


def show_heatmap(completeness) -> None:
    from .display import completeness_heatmap

    if len(completeness):
        display(completeness_heatmap(completeness))


def show_calibration(section) -> None:
    from .display import calibration_chart

    stats = section.tables.get("calibration_statistics")
    if stats is None or stats.empty:
        display(Markdown("未报送校准结果。"))
        return
    show(stats, "校准结果统计（线性拟合、偏差检验、与最大允许误差比较）",
         ["instrument_id", "certificate_no", "n_points", "mpe_fraction", "max_abs_error_fraction", "slope",
          "slope_ci_low", "slope_ci_high", "mean_error_fraction", "mean_error_ci_low", "mean_error_ci_high", "p_value",
          "verdict"])
    display(calibration_chart(section.tables["calibration_points"]))
