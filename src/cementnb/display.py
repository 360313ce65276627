"""Presentation: Chinese column labels with units, number formats, charts.

Library tables keep English column names with units (``emission_t``); what a person reads
gets Chinese headers (``排放量 (tCO2)``). One label table serves notebooks and reports.
"""

from __future__ import annotations

import warnings
from typing import Iterable

import numpy as np
import pandas as pd

from .emissions import SOURCES_ZH
from .factors import CONFIDENCE_ZH
from .problems import PROBLEM_HEADERS_ZH

__all__ = ["LABELS_ZH", "to_display", "monthly_matrix", "emissions_chart", "setup_fonts"]

LABELS_ZH = {
    "month": "月份",
    "line_id": "生产线",
    "object": "对象",
    "parameter_zh": "参数",
    "fuel": "燃料",
    "fuel_category": "类别",
    "fuel_form": "形态",
    "source_zh": "排放源",
    "emission_t": "排放量 (tCO2)",
    "share": "占比",
    "substituted_t": "其中含替代值的排放 (tCO2)",
    "substituted_share": "含替代值占比",
    "typical_min": "典型下限",
    "typical_max": "典型上限",
    "plausibility": "合理性提示（范围待核实）",
    "complete": "完整",
    "consumption_t": "消耗量 (t)",
    "consumption_10k_nm3": "消耗量 (万Nm3)",
    "ncv_gj_per_t": "低位发热量 (GJ/t)",
    "ncv_gj_per_10k_nm3": "低位发热量 (GJ/万Nm3)",
    "heat_gj": "热量 (GJ)",
    "cc_tc_per_gj": "单位热值含碳量 (tC/GJ)",
    "carbon_content_fraction": "元素碳含量",
    "of_fraction": "碳氧化率",
    "ef_t_per_gj": "排放因子 (tCO2/GJ)",
    "fossil_fraction": "化石碳比例",
    "altitude_k": "海拔修正系数",
    "biomass_memo_t": "生物质CO2（仅记录）(tCO2)",
    "substituted": "含替代值",
    "factor_origin": "因子来源说明",
    "clinker_output_t": "熟料产量 (t)",
    "cao_fraction": "CaO",
    "cao_nc_fraction": "非碳酸盐CaO",
    "mgo_fraction": "MgO",
    "mgo_nc_fraction": "非碳酸盐MgO",
    "ckd_t": "窑头粉尘 (t)",
    "bypass_dust_t": "旁路粉尘 (t)",
    "ef_cli_t_per_t": "熟料排放因子 (tCO2/t)",
    "carbonate_t": "碳酸盐分解 (tCO2)",
    "raw_meal_t": "生料 (t)",
    "toc_fraction": "生料TOC",
    "raw_meal_toc_t": "生料非燃料碳 (tCO2)",
    "process_national_t": "过程排放（2024指南）(tCO2)",
    "purchased_mwh": "购入电量 (MWh)",
    "nonfossil_direct_mwh": "非化石直供 (MWh)",
    "exported_mwh": "输出电量 (MWh)",
    "net_mwh": "净购入电量 (MWh)",
    "whr_generation_mwh": "余热发电 (MWh)",
    "grid_ef_t_per_mwh": "电网排放因子 (tCO2/MWh)",
    "purchased_gj": "购入热力 (GJ)",
    "exported_gj": "输出热力 (GJ)",
    "net_gj": "净购入热力 (GJ)",
    "heat_ef_t_per_gj": "热力排放因子 (tCO2/GJ)",
    "indicator_zh": "指标",
    "value": "数值",
    "unit": "单位",
    "item": "项目",
    "reported_t": "企业报告 (tCO2)",
    "recalculated_t": "复核计算 (tCO2)",
    "deviation_t": "偏差 报告−复核 (tCO2)",
    "deviation_fraction": "相对偏差",
    "method": "方法",
    "reason": "原因",
    "basis": "依据",
    "confidence_zh": "可信度",
    "description_zh": "说明",
    "source": "来源",
    "key": "因子",
    "subject": "适用对象",
    "edition": "版本",
    "clause": "条款",
    "origin": "取值方式",
    "purpose": "用途",
    "message": "说明",
    "total_t": "合计 (tCO2)",
    "file": "文件",
    "sha256": "SHA-256",
    "encoding": "编码",
    **{f"{k}": v for k, v in PROBLEM_HEADERS_ZH.items() if k not in ("message", "value")},
    **{f"{k}_t": f"{v} (tCO2)" for k, v in SOURCES_ZH.items()},
    # review
    "requirement_zh": "审查要求",
    "decided_by": "判定方式",
    "auto_verdict": "自动结论",
    "person_verdict": "人工结论",
    "final_verdict": "结论",
    "decision": "判定",
    "override_reason": "改判理由",
    "record_note": "审查记录",
    "evidence": "依据与证据",
    "facts": "不符合事实",
    "rectification": "整改要求",
    "nc_number": "不符合项编号",
    "area": "区域",
    "area_zh": "审查区域",
    "closure": "整改验证方式",
    "check": "检查",
    "verdict": "结论",
    "energy_type": "能源种类",
    "level": "计量层级",
    "needed": "应配数量",
    "installed": "实配数量",
    "rate_fraction": "配备率",
    "required_fraction": "要求配备率",
    "missing_points": "未配备的计量点",
    "instrument_id": "管理编号",
    "instrument_name": "器具名称",
    "instrument_type": "器具类型",
    "metered_object": "计量对象",
    "accuracy_class": "准确度等级",
    "required_class": "要求等级（不低于）",
    "note": "说明",
    "valid_from": "有效期起",
    "valid_until": "有效期至",
    "days_in_use": "使用天数",
    "overdue_days": "超期使用天数",
    "first_overdue_day": "开始超期日",
    "determinable": "可判定",
    "meter_id": "计量器具",
    "check_zh": "检查项",
    "period_start": "起",
    "period_end": "止",
    "threshold": "阈值",
    "message_zh": "说明",
    "completeness_fraction": "数据完整率",
    "min_month_completeness_fraction": "最低月完整率",
    "longest_gap_minutes": "最长缺数 (min)",
    "gap_count": "缺数段数",
    "n_flags": "标记数",
    "section_zh": "审查部分",
    "certificate_no": "证书编号",
    "n_points": "校准点数",
    "mpe_fraction": "最大允许误差",
    "max_abs_error_fraction": "最大相对误差",
    "slope": "斜率",
    "slope_ci_low": "斜率下限(95%)",
    "slope_ci_high": "斜率上限(95%)",
    "mean_error_fraction": "平均相对误差",
    "mean_error_ci_low": "均值下限(95%)",
    "mean_error_ci_high": "均值上限(95%)",
    "p_value": "p值",
    "purchases_t": "购入量 (t)",
    "stock_change_t": "库存变化 (t)",
    "imbalance_t": "不平衡量 (t)",
    "imbalance_fraction": "不平衡率",
    "purchase_meters": "购入计量器具",
    "consumption_meters": "消耗计量器具",
    "main_meters": "上级计量器具",
    "sub_meters": "下级计量器具",
    "main_total": "上级合计",
    "sub_total": "下级合计",
    "excess_fraction": "下级超出比例",
    "ratio": "比值",
    "plausible": "在典型范围内",
}
_PERCENT_COLUMNS = {"imbalance_fraction", "excess_fraction", "mpe_fraction", "max_abs_error_fraction", "mean_error_fraction", "mean_error_ci_low",
                    "mean_error_ci_high", "share", "substituted_share", "rate_fraction", "required_fraction", "completeness_fraction",
                    "min_month_completeness_fraction", "deviation_fraction", "cao_fraction", "cao_nc_fraction", "mgo_fraction", "mgo_nc_fraction",
                    "toc_fraction", "of_fraction", "fossil_fraction", "carbon_content_fraction"}


def to_display(frame: pd.DataFrame, columns: Iterable[str] | None = None, *, percent: bool = True) -> pd.DataFrame:
    """A copy of ``frame`` for people: chosen columns, fractions as percent text, Chinese headers."""
    out = frame[list(columns)].copy() if columns is not None else frame.copy()
    for col in out.columns:
        if percent and col in _PERCENT_COLUMNS:
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v * 100:.2f}%")
        elif col.endswith(("_t", "_mwh", "_gj", "_10k_nm3")) and pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:,.1f}")
        elif col in ("complete", "substituted"):
            out[col] = out[col].map({True: "是", False: "否"})
    if "confidence" in out.columns and "confidence_zh" not in out.columns:
        out["confidence"] = out["confidence"].map(lambda c: CONFIDENCE_ZH.get(c, c))
    return out.rename(columns=LABELS_ZH)


def monthly_matrix(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly emissions: one row per month, one column per source, plus the total [tCO2]."""
    matrix = monthly.pivot_table(index="month", columns="source_zh", values="emission_t", aggfunc="sum", sort=False)
    order = [s for s in monthly["source_zh"].drop_duplicates()]
    matrix = matrix.reindex(columns=order).fillna(0.0)
    matrix["合计"] = matrix.sum(axis=1)
    matrix.loc["全年"] = matrix.sum(axis=0)
    matrix.index.name = "月份"
    matrix.columns.name = None
    return matrix


def setup_fonts() -> None:
    """Use Noto Sans CJK SC for Chinese labels when installed (Debian fonts-noto-cjk)."""
    import matplotlib
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    preferred = [n for n in ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei") if n in names]
    matplotlib.rcParams["font.sans-serif"] = preferred + ["DejaVu Sans"]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["svg.hashsalt"] = "cementnb"  # deterministic SVG ids
    if not preferred:  # labels fall back to boxes; say so once instead of per glyph
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")


def _subplots(*args, **kwargs):
    """A matplotlib figure off screen (Agg), with the Chinese font set up."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    setup_fonts()
    return plt.subplots(*args, dpi=100, **kwargs)


def _done(fig):
    import matplotlib.pyplot as plt

    fig.tight_layout()
    plt.close(fig)
    return fig


def emissions_chart(monthly: pd.DataFrame, title: str = "月度排放（按排放源）"):
    """Stacked monthly bars by source [tCO2]; returns the matplotlib Figure."""
    matrix = monthly_matrix(monthly).drop(index="全年").drop(columns="合计")
    fig, ax = _subplots(figsize=(9, 4.2))
    bottom = None
    for col in matrix.columns:
        values = matrix[col] / 1e4
        ax.bar(matrix.index, values, bottom=bottom, label=col)
        bottom = values if bottom is None else bottom + values
    ax.set_ylabel("排放量 (万tCO2)")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    return _done(fig)


def completeness_heatmap(completeness: pd.DataFrame, title: str = "计量器具逐月数据完整率"):
    """Heat map meter × month of the readings' completeness (red below the 90 % line)."""
    matrix = completeness.pivot_table(index="meter_id", columns="month", values="completeness_fraction", aggfunc="first")
    fig, ax = _subplots(figsize=(9, 0.5 * len(matrix) + 1.6))
    image = ax.imshow(matrix.to_numpy(dtype=float), cmap="RdYlGn", vmin=0.5, vmax=1.0, aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), [str(c)[-2:] + "月" for c in matrix.columns])
    ax.set_yticks(range(matrix.shape[0]), matrix.index)
    for (r, c), v in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if not np.isnan(v):
            ax.text(c, r, f"{v:.0%}", ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, fraction=0.03, label="完整率")
    ax.set_title(title)
    return _done(fig)


def calibration_chart(points: pd.DataFrame, title: str = "校准误差与最大允许误差"):
    """Relative error of each calibration point [%] against ±MPE, one panel per instrument."""
    groups = list(points.groupby("instrument_id", sort=True))
    fig, axes = _subplots(1, max(len(groups), 1), figsize=(4.2 * max(len(groups), 1), 3.2), squeeze=False)
    for ax, (meter, g) in zip(axes[0], groups):
        ax.plot(g["reference_value"], g["error_fraction"] * 100, "o", color="tab:blue", label="相对误差")
        if g["mpe_fraction"].notna().any():
            ax.plot(g["reference_value"], g["mpe_fraction"] * 100, "--", color="tab:red", label="±最大允许误差")
            ax.plot(g["reference_value"], -g["mpe_fraction"] * 100, "--", color="tab:red")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(str(meter), fontsize=10)
        ax.set_xlabel(f"标准值 ({g['unit'].iloc[0]})")
        ax.set_ylabel("相对误差 (%)")
        ax.legend(fontsize=7)
    fig.suptitle(title)
    return _done(fig)
