"""One entry point per review section, their result files, and how the conclusion collects them.

Each section notebook calls :func:`run_section` and :func:`write_section_results`; the
conclusion notebook calls :func:`collect_items`, which reads every section's
``<section>_items.csv`` from the run folder, or — when a section has not been run there
(e.g. the conclusion notebook opened on its own) — computes it with the same library
function and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ..results import write_json, write_table
from .items import ITEM_COLUMNS, SECTION_ZH

__all__ = ["SECTIONS", "SectionResult", "run_section", "write_section_results", "read_section_items", "collect_items",
           "write_conclusion_results"]

SECTIONS = ["management", "personnel", "instruments", "data"]


@dataclass
class SectionResult:
    """Findings of one section: check-level findings, one row per item, and section tables."""

    section: str
    findings: pd.DataFrame
    items: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    inputs: pd.DataFrame | None = None  # extra input files read (meter readings)
    problems: pd.DataFrame | None = None  # problems in those extra inputs

    @property
    def title_zh(self) -> str:
        return SECTION_ZH[self.section]


def _readings(sub):
    from ..readings import load_readings

    return load_readings(sub.folder, known_meters=sub.instruments["instrument_id"])


def run_section(section: str, sub, review_date: pd.Timestamp) -> SectionResult:
    """Run every automatic check of a section on a loaded submission."""
    if section == "management":
        from .management import management_findings

        findings, items = management_findings(sub)
        return SectionResult(section, findings, items)
    if section == "personnel":
        from .personnel import personnel_findings

        findings, items = personnel_findings(sub, review_date)
        return SectionResult(section, findings, items)
    if section == "instruments":
        from .instruments import instruments_findings

        readings, problems, inputs = _readings(sub)
        findings, items, tables = instruments_findings(sub, readings)
        return SectionResult(section, findings, items, tables, inputs, problems)
    if section == "data":
        from .data import data_findings

        readings, problems, inputs = _readings(sub)
        findings, items, tables = data_findings(sub, readings)
        return SectionResult(section, findings, items, tables, inputs, problems)
    raise ValueError(f"unknown section {section!r}; sections: {SECTIONS}")


def write_section_results(out_dir: str | Path, parameters: Mapping[str, Any], sub, result: SectionResult) -> list[Path]:
    """``<section>_findings.csv``, ``<section>_items.csv``, one CSV per table, ``<section>_summary.json``."""
    out = Path(out_dir)
    s = result.section
    written = [write_table(out / f"{s}_findings.csv", result.findings), write_table(out / f"{s}_items.csv", result.items)]
    for name, frame in result.tables.items():
        written.append(write_table(out / f"{s}_{name}.csv", frame))
    inputs = sub.inputs if result.inputs is None else pd.concat([sub.inputs, result.inputs], ignore_index=True)
    verdicts = result.items["auto_verdict"].replace("", "待人工审查").value_counts().to_dict()
    summary = {
        "notebook": s,
        "parameters": {k: v for k, v in parameters.items() if k != "results_dir"},
        "inputs": inputs.to_dict("records"),
        "auto_verdicts": verdicts,
        "items": result.items[["item", "auto_verdict"]].to_dict("records"),
        "input_problems": 0 if result.problems is None else int(len(result.problems)),
    }
    written.append(write_json(out / f"{s}_summary.json", summary))
    return written


def read_section_items(path: str | Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["item"] = frame["item"].astype(int)
    frame["na_allowed"] = frame["na_allowed"].str.lower() == "true"
    return frame[ITEM_COLUMNS]


def collect_items(results_dir: str | Path, sub, review_date: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Automatic item verdicts of every section (files of this run, else computed now).

    Returns
    -------
    items : DataFrame
        One row per item of all sections.
    origin : DataFrame
        section, source ("本次运行的分部结果文件" or "结论笔记本直接计算").
    """
    parts, origin = [], []
    for section in SECTIONS:
        path = Path(results_dir) / f"{section}_items.csv"
        if path.is_file():
            parts.append(read_section_items(path))
            origin.append(dict(section=section, section_zh=SECTION_ZH[section], source=f"本次运行的分部结果文件 {path.name}"))
        else:
            parts.append(run_section(section, sub, review_date).items)
            origin.append(dict(section=section, section_zh=SECTION_ZH[section], source="未找到分部结果文件，由结论笔记本直接计算"))
    return pd.concat(parts, ignore_index=True), pd.DataFrame(origin)


def write_conclusion_results(out_dir: str | Path, parameters: Mapping[str, Any], sub, c: Mapping[str, Any]) -> list[Path]:
    """``conclusion_items.csv``, ``conclusion_nonconformities.csv``, ``conclusion_problems.csv``
    and ``conclusion_summary.json`` (with ``conclusion_zh`` and ``nonconforming_count``)."""
    out = Path(out_dir)
    written = [write_table(out / "conclusion_items.csv", c["items"]),
               write_table(out / "conclusion_nonconformities.csv", c["nonconformities"]),
               write_table(out / "conclusion_problems.csv", c["problems"])]
    info = {k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else v) for k, v in c["record_info"].items()}
    inputs = sub.inputs
    record = Path(sub.folder) / "record.xlsx"
    if record.is_file():
        from ..loader import sha256_file

        inputs = pd.concat([inputs, pd.DataFrame([{"file": record.name, "sha256": sha256_file(record), "encoding": "xlsx"}])],
                           ignore_index=True)
    summary = {
        "notebook": "conclusion",
        "parameters": {k: v for k, v in parameters.items() if k != "results_dir"},
        "inputs": inputs.to_dict("records"),
        "enterprise_name": sub.enterprise.get("enterprise_name"),
        "credit_code": sub.enterprise.get("credit_code"),
        "record_info": info,
        "sections": c["origin"].to_dict("records"),
        **c["summary"],
    }
    written.append(write_json(out / "conclusion_summary.json", summary))
    return written
