"""The review report: HTML sections built from a run's result files, nbconvert, PDF, index.

The report follows a JJF 1356-2012 Appendix D report: cover; overall conclusion; summary of
items; one non-conformity report per finding; equipping rates (D.8); accuracy classes (D.9);
staff (D.10); the emission recalculation; data-quality figures; appendix with the run's
manifest. Every text that comes from the enterprise is escaped: it is shown, never run.

The ``report`` notebook calls :func:`report_sections` and displays each section's HTML; the
executed notebook is turned into a self-contained HTML file (no code, no prompts, no script
from the network, images inline) by :func:`render_html` with the package's nbconvert
template ``cementnb_report``, and into an A4 PDF with page numbers by headless Chromium
(:func:`render_pdf`).
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .display import calibration_chart, completeness_heatmap, emissions_chart, monthly_matrix, to_display

__all__ = ["report_sections", "report_exporter", "render_html", "render_pdf", "find_chromium", "build_index", "SECTION_TITLES"]

TEMPLATE_DIR = Path(__file__).parent / "templates"
SECTION_TITLES = ["一、审查结论", "二、审查情况汇总", "三、不符合项报告", "四、计量器具配备率", "五、计量器具准确度等级",
                  "六、碳排放计量人员", "七、碳排放量复核", "八、数据质量", "附录 运行记录"]


def _e(value: Any) -> str:
    """Escape any value for HTML text (enterprise data is shown, never interpreted)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _table(frame: pd.DataFrame, columns: list[str] | None = None, empty: str = "无。") -> str:
    if frame is None or frame.empty:
        return f"<p>{_e(empty)}</p>"
    shown = to_display(frame, columns)
    return shown.to_html(index=False, escape=True, na_rep="", border=0, float_format=lambda v: f"{v:,.4g}")


def _img(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}"/>'


def _read_csv(run_dir: Path, name: str) -> pd.DataFrame:
    path = run_dir / name
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else pd.DataFrame()


def _read_json(run_dir: Path, name: str) -> dict[str, Any]:
    path = run_dir / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _num(frame: pd.DataFrame, cols) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        if c in out:
            out[c] = pd.to_numeric(out[c], errors="coerce")
    return out


def _manifest(run_dir: Path) -> dict[str, Any]:
    for name in ("manifest.json", "run_inputs.json"):
        if (run_dir / name).is_file():
            return json.loads((run_dir / name).read_text(encoding="utf-8"))
    return {}


def report_sections(run_dir: str | Path, enterprise_dir: str | Path) -> list[tuple[str, str]]:
    """(title, HTML) of every report section, from the result files of one run folder."""
    from .loader import load_submission

    run = Path(run_dir)
    c = _read_json(run, "conclusion_summary.json")
    em = _read_json(run, "emissions_summary.json")
    year = int(c.get("parameters", {}).get("review_year") or em.get("summary", {}).get("review_year") or 0)
    info = c.get("record_info", {})
    sections: list[tuple[str, str]] = []

    # Cover -------------------------------------------------------------------------------
    cover_rows = [("企业名称", c.get("enterprise_name")), ("统一社会信用代码", c.get("credit_code") or "（无效或未填报）"),
                  ("审查年度", year), ("审查日期", info.get("review_date") or c.get("parameters", {}).get("review_date")),
                  ("审查组长", info.get("team_leader")), ("审查组成员", info.get("team_members")),
                  ("企业陪同人员", info.get("enterprise_contact"))]
    cover = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in cover_rows)
    sections.append(("封面", f'<div class="cover"><h1>水泥企业碳排放计量审查报告</h1>'
                             f'<p>依据《湖北省水泥行业碳计量技术规范 碳排放计量审查》（征求意见稿）和 JJF 1356-2012</p>'
                             f"<table>{cover}</table></div>"))

    # 1 Conclusion ------------------------------------------------------------------------
    conclusion = c.get("conclusion_zh", "（未生成结论：结论笔记本未运行）")
    rule = c.get("rule_source", "")
    tbc = '<span class="tbc">（结论规则待核实）</span>' if c.get("rule_confidence") == "open" else ""
    sections.append((SECTION_TITLES[0], f'<p class="conclusion" id="conclusion">{_e(conclusion)}</p>'
                                        f'<p class="note">结论规则：不符合项 0 项为符合规范要求；1～5 项为基本符合规范要求，需要整改；'
                                        f'6 项及以上为不符合规范要求。依据：{_e(rule)}{tbc}</p>'))

    # 2 Summary ---------------------------------------------------------------------------
    items = _read_csv(run, "conclusion_items.csv")
    counts = [("审查项目", c.get("total_count")), ("已审查", c.get("reviewed_count")), ("符合", c.get("conforming_count")),
              ("不适用", c.get("not_applicable_count")), ("不符合", c.get("nonconforming_count")),
              ("未审查", c.get("not_reviewed_count"))]
    head = "".join(f"<th>{_e(k)}</th>" for k, _ in counts)
    body = "".join(f'<td class="num" id="count-{i}">{_e(v)}</td>' for i, (_, v) in enumerate(counts))
    by_area = ""
    if len(items):
        pivot = pd.crosstab(items["area"], items["final_verdict"]).reset_index().rename(columns={"area": "区域"})
        by_area = pivot.to_html(index=False, escape=True, border=0)
    sections.append((SECTION_TITLES[1], f"<table><tr>{head}</tr><tr>{body}</tr></table><h3>按审查区域</h3>{by_area}"))

    # 3 Non-conformity reports ------------------------------------------------------------
    ncs = _read_csv(run, "conclusion_nonconformities.csv")
    if ncs.empty:
        nc_html = "<p>无不符合项。</p>"
    else:
        parts = []
        for _, nc in ncs.iterrows():
            rows = [("编号", nc["nc_number"]), ("审查项目", f"{nc['item']}　{nc['requirement_zh']}"), ("审查区域", nc["area_zh"]),
                    ("发现方式", nc["method"]), ("不符合事实", nc["facts"]), ("依据", nc["basis"]),
                    ("整改要求", nc["rectification"]), ("整改验证", nc["closure"])]
            parts.append('<div class="nc"><table>' + "".join(f"<tr><th style='width:18%'>{_e(k)}</th><td>{_e(v)}</td></tr>"
                                                              for k, v in rows) + "</table></div>")
        nc_html = "".join(parts)
    sections.append((SECTION_TITLES[2], nc_html))

    # 4-5 Instruments ---------------------------------------------------------------------
    equipping = _num(_read_csv(run, "instruments_equipping.csv"), ["needed", "installed", "rate_fraction", "required_fraction"])
    note = '<p class="note">配备率 Rp = Ns / Nl × 100 %（GB 17167-2006 4.3）。水泥工艺物料的要求 <span class="tbc">待核实</span>，暂按 100 % 执行。</p>'
    sections.append((SECTION_TITLES[3], note + _table(equipping, ["energy_type", "level", "needed", "installed",
                                                                  "rate_fraction", "required_fraction", "verdict", "missing_points"])))
    accuracy = _read_csv(run, "instruments_accuracy.csv")
    sections.append((SECTION_TITLES[4], _table(accuracy, ["instrument_id", "instrument_name", "instrument_type",
                                                          "metered_object", "level", "accuracy_class", "required_class",
                                                          "verdict", "note"])))

    # 6 Staff ------------------------------------------------------------------------------
    try:
        sub = load_submission(enterprise_dir, year or None)
        staff = sub.staff
    except Exception:  # the report must render even if the submission cannot be read again
        staff = pd.DataFrame()
    staff_labels = {"person_name": "姓名", "department": "部门", "post": "岗位", "title": "职称", "last_training_date": "最近培训",
                    "assessment_result": "考核", "certificate_no": "证书编号", "certificate_valid_until": "证书有效期至"}
    staff_html = "<p>无。</p>"
    if len(staff):
        shown = staff[list(staff_labels)].copy()
        for col in ("last_training_date", "certificate_valid_until"):
            shown[col] = pd.to_datetime(shown[col]).dt.strftime("%Y-%m-%d")
        staff_html = shown.rename(columns=staff_labels).to_html(index=False, escape=True, na_rep="", border=0)
    sections.append((SECTION_TITLES[5], staff_html))

    # 7 Emissions --------------------------------------------------------------------------
    s = em.get("summary", {})
    if s:
        monthly = _num(_read_csv(run, "emissions_monthly.csv"), ["emission_t", "substituted_t"])
        matrix = monthly_matrix(monthly).map(lambda v: f"{v:,.1f}")
        annual = _num(_read_csv(run, "emissions_annual.csv"), ["emission_t", "share", "substituted_t", "substituted_share"])
        annual["complete"] = annual["complete"].map({"True": True, "False": False})
        intens = _num(_read_csv(run, "emissions_intensities.csv"), ["value", "typical_min", "typical_max"])
        dev = _num(_read_csv(run, "emissions_deviation.csv"), ["reported_t", "recalculated_t", "deviation_t", "deviation_fraction"])
        defaults = _read_csv(run, "emissions_defaults_used.csv")
        if len(defaults):
            defaults["confidence_zh"] = [f"{z}" if c != "open" else "待核实" for z, c in zip(defaults["confidence_zh"], defaults["confidence"])]
        subs = _read_csv(run, "emissions_substitutions.csv")
        total = float(s.get("total_t") or 0)
        head = (f"<p>核算方法：{_e(s.get('method_zh'))}；电网排放因子 {_e(s.get('grid_ef_t_per_mwh'))} tCO2/MWh"
                f"（{_e(s.get('grid_series'))}，{_e(s.get('grid_year'))}年）。</p>"
                f'<p>年度排放总量（复核）：<b id="total-emissions">{total:,.1f}</b> tCO2'
                + ("" if s.get("complete", True) else '<span class="tbc">（不完整：部分排放无法计算）</span>')
                + f"；熟料 {float(s.get('clinker_t') or 0):,.0f} t；生物质CO2（仅记录）{float(s.get('biomass_memo_t') or 0):,.1f} tCO2。</p>")
        open_rows = defaults[defaults["confidence"] == "open"] if len(defaults) else defaults
        html_parts = [
            head,
            "<h3>按排放源</h3>", _table(annual, ["source_zh", "emission_t", "share", "complete", "substituted_share"]),
            "<h3>月度排放（tCO2）</h3>", matrix.reset_index().to_html(index=False, escape=True, border=0),
            _img(emissions_chart(monthly)),
            "<h3>排放强度</h3>", _table(intens, ["indicator_zh", "value", "unit", "typical_min", "typical_max", "plausibility"]),
            "<h3>与企业报告值的偏差（报告 − 复核）</h3>", _table(dev, ["item", "reported_t", "recalculated_t", "deviation_t",
                                                                  "deviation_fraction"]),
            "<h3>缺失数据的替代值</h3>", _table(subs, ["line_id", "object", "parameter_zh", "month", "method", "value", "unit",
                                                 "reason"], empty="无缺失数据，未使用替代值。"),
            "<h3>使用的因子和缺省值</h3>",
            f'<p class="note">可信度为<span class="tbc">待核实</span>的数值（{len(open_rows)}项）尚未经原文核对，须由审查员确认。</p>',
            _table(defaults, ["key", "subject", "value", "unit", "description_zh", "source", "clause", "confidence_zh"]),
        ]
        sections.append((SECTION_TITLES[6], "".join(html_parts)))
    else:
        sections.append((SECTION_TITLES[6], "<p>未运行排放量复核笔记本。</p>"))

    # 8 Data quality ------------------------------------------------------------------------
    parts = []
    comp = _num(_read_csv(run, "data_readings_completeness.csv"), ["completeness_fraction"])
    if len(comp):
        parts += ["<h3>计量器具逐月数据完整率</h3>", _img(completeness_heatmap(comp))]
    flags = _read_csv(run, "data_readings_flags.csv")
    if len(flags):
        parts += ["<h3>读数标记</h3>", _table(flags, ["meter_id", "check_zh", "period_start", "period_end", "message_zh"])]
    cal = _num(_read_csv(run, "instruments_calibration_points.csv"),
               ["reference_value", "error_fraction", "mpe_fraction"])
    if len(cal):
        parts += ["<h3>校准误差与最大允许误差</h3>", _img(calibration_chart(cal))]
    sections.append((SECTION_TITLES[7], "".join(parts) or "<p>无读数和校准结果。</p>"))

    # Appendix: manifest ------------------------------------------------------------------
    manifest = _manifest(run)
    inputs = manifest.get("inputs") or {i["file"]: i["sha256"] for part in (c, em) for i in part.get("inputs", [])}
    rows = "".join(f"<tr><td>{_e(k)}</td><td style='font-family:monospace;font-size:8pt'>{_e(v)}</td></tr>"
                   for k, v in sorted(inputs.items()))
    versions = (manifest.get("environment") or {}).get("packages") or {}
    vrows = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in sorted(versions.items()))
    git = manifest.get("git") or {}
    labels = {"run_id": "运行编号", "started": "开始（UTC）", "parameters_file": "参数文件"}
    meta = "".join(f"<tr><th>{_e(label)}</th><td>{_e(manifest.get(k))}</td></tr>"
                   for k, label in labels.items() if manifest.get(k) is not None)
    if git:
        meta += f"<tr><th>项目版本（git）</th><td>{_e(git.get('commit') or git.get('revision') or git)}</td></tr>"
    if not manifest:
        meta = "<tr><td>本报告不是由 cementnb batch 生成的运行记录（无运行清单）</td></tr>"
    sections.append((SECTION_TITLES[8], f"<table>{meta}</table><h3>输入文件（SHA-256）</h3><table><tr><th>文件</th><th>SHA-256</th></tr>{rows}</table>"
                                        + (f"<h3>软件版本</h3><table>{vrows}</table>" if vrows else "")))
    return sections


def section_html(title: str, body: str, first: bool = False) -> str:
    """One section as the report shows it (a page break before every main section)."""
    if first:
        return f'<div class="report">{body}</div>'
    return f'<div class="report"><section class="main"><h2>{_e(title)}</h2>{body}</section></div>'


def report_exporter():
    """nbconvert HTML exporter with the package's ``cementnb_report`` template."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="cementnb_report", extra_template_basedirs=[str(TEMPLATE_DIR)],
                        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, anchor_link_text="")


def render_html(notebook_path: str | Path, out: str | Path | None = None) -> Path:
    """The executed report notebook as a self-contained HTML report (no code, no prompts)."""
    import nbformat

    notebook_path = Path(notebook_path)
    body, _ = report_exporter().from_notebook_node(nbformat.read(notebook_path, as_version=4))
    out = Path(out) if out else notebook_path.with_suffix(".html")
    out.write_text(body, encoding="utf-8")
    return out


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def render_pdf(html_path: str | Path, out: str | Path | None = None, timeout: int = 120) -> Path:
    """Print an HTML report to an A4 PDF with page numbers, with headless Chromium."""
    html_path = Path(html_path).resolve()
    out = Path(out) if out else html_path.with_suffix(".pdf")
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("未找到 Chromium：请安装 Debian 软件包 chromium（apt-get install chromium fonts-noto-cjk）")
    with tempfile.TemporaryDirectory() as profile:
        # Page numbers: Chromium's own footer would print the file path; ours is in CSS (@page
        # counters are not supported by Chromium), so number pages with a footer template.
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic", f"--user-data-dir={profile}",
               "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
               f"--print-to-pdf={out}", html_path.as_uri()]
        tmp_html = _with_page_numbers(html_path)
        cmd[-1] = tmp_html.as_uri()
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env={**os.environ, "HOME": profile})
        finally:
            tmp_html.unlink(missing_ok=True)
    if not out.is_file():
        raise RuntimeError(f"Chromium 未生成 PDF：{out}")
    return out


def _with_page_numbers(html_path: Path) -> Path:
    """A copy of the report whose print CSS adds 第 N 页 at the foot of each page.

    Chromium prints CSS page-margin boxes (@bottom-center with counter(page)) since
    version 131; older versions ignore the rule and print no numbers."""
    text = html_path.read_text(encoding="utf-8")
    css = ("<style>@page { @bottom-center { content: \"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\"; "
           "font-family: 'Noto Sans CJK SC'; font-size: 9pt; color: #444; } }</style></head>")
    tmp = html_path.with_name(f".{html_path.stem}.print.html")
    tmp.write_text(text.replace("</head>", css, 1), encoding="utf-8")
    return tmp


def _index_row(r: dict[str, Any]) -> str:
    def num(value, fmt):
        return "" if value is None else format(value, fmt)

    def cell(value, fmt):
        data = "" if value is None else repr(float(value))
        return f"<td class='num' data-v='{data}'>{num(value, fmt)}</td>"

    links = " ".join(f'<a href="{html.escape(r[k])}">{label}</a>' for k, label in (("html", "HTML"), ("pdf", "PDF")) if r[k])
    return (f"<tr><td>{_e(r['name'])}<br/><span class='note'>{_e(r['enterprise'])}</span></td><td>{_e(r['year'])}</td>"
            f"<td class='conclusion'>{_e(r['conclusion'])}</td>{cell(r['nc'], 'd')}{cell(r['total'], ',.0f')}"
            f"{cell(r['intensity'], '.4f')}{cell(r['deviation'], '+.2%')}<td>{links}</td></tr>")


def build_index(reports_dir: str | Path) -> Path:
    """``reports/index.html``: every enterprise's latest run, sortable, with an intensity chart."""
    from .display import _done, _subplots

    reports = Path(reports_dir)
    rows = []
    for conclusion in sorted(reports.glob("*/*/*/conclusion_summary.json")):
        run = conclusion.parent
        if run.name == "latest":  # the link itself; its target is listed under its run id
            continue
        latest = run.parent / "latest"
        if latest.exists() and latest.resolve() != run.resolve():
            continue
        c = json.loads(conclusion.read_text(encoding="utf-8"))
        em = _read_json(run, "emissions_summary.json").get("summary", {})
        dev = _read_csv(run, "emissions_deviation.csv")
        total_dev = pd.to_numeric(dev.loc[dev["item"] == "合计", "deviation_fraction"], errors="coerce") if len(dev) else pd.Series(dtype=float)
        rel = lambda p: os.path.relpath(p, reports)  # noqa: E731
        rows.append(dict(enterprise=run.parent.parent.name, name=c.get("enterprise_name"), year=run.parent.name,
                         conclusion=c.get("conclusion_zh"), nc=c.get("nonconforming_count"),
                         total=em.get("total_t"), intensity=em.get("intensity_t_per_t_clinker"),
                         deviation=float(total_dev.iloc[0]) if len(total_dev) else None,
                         html=rel(run / "report.html") if (run / "report.html").exists() else "",
                         pdf=rel(run / "report.pdf") if (run / "report.pdf").exists() else ""))
    chart = ""
    if rows:
        fig, ax = _subplots(figsize=(8, 0.4 * len(rows) + 1.5))
        names = [r["name"] or r["enterprise"] for r in rows]
        ax.barh(names, [r["intensity"] or 0 for r in rows], color="#305496")
        ax.set_xlabel("单位熟料二氧化碳排放 (tCO2/t熟料)")
        ax.invert_yaxis()
        chart = _img(_done(fig))
    body = "".join(_index_row(r) for r in rows)
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"/><title>全省水泥企业碳排放计量审查总览</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #999;padding:4px 6px;font-size:10pt;overflow-wrap:anywhere}}th{{background:#e8edf5;cursor:pointer}}
td.num{{text-align:right;white-space:nowrap}}.note{{color:#555;font-size:8pt}}img{{max-width:100%}}</style></head>
<body><h1>全省水泥企业碳排放计量审查总览</h1><p>每家企业最近一次运行；点击列标题排序。</p>
<table id="overview"><thead><tr><th>企业</th><th>年度</th><th>审查结论</th><th>不符合项</th><th>排放总量 (tCO2)</th>
<th>单位熟料排放 (tCO2/t)</th><th>与报告值偏差</th><th>报告</th></tr></thead><tbody>{body}</tbody></table>
<h2>单位熟料二氧化碳排放</h2>{chart}
<script>
document.querySelectorAll('#overview th').forEach(function(th, col) {{
  th.addEventListener('click', function() {{
    var tbody = document.querySelector('#overview tbody');
    var rows = Array.from(tbody.rows), asc = th.dataset.asc !== 'true';
    rows.sort(function(a, b) {{
      var x = a.cells[col], y = b.cells[col];
      var u = x.dataset.v !== undefined ? parseFloat(x.dataset.v) : x.textContent;
      var v = y.dataset.v !== undefined ? parseFloat(y.dataset.v) : y.textContent;
      if (typeof u === 'number' && isNaN(u)) u = -Infinity; if (typeof v === 'number' && isNaN(v)) v = -Infinity;
      return (u > v ? 1 : u < v ? -1 : 0) * (asc ? 1 : -1);
    }});
    rows.forEach(function(r) {{ tbody.appendChild(r); }});
    th.dataset.asc = asc;
  }});
}});
</script></body></html>"""
    out = reports / "index.html"
    from .results import atomic_write_text

    atomic_write_text(out, page)
    return out
