"""The review's conclusion: every item's final verdict, numbered non-conformities, counts.

Conclusion rule (``conclusion_rules.csv``, JJF 1356-2012 §9; the carbon specs' own rule is
[open]): 0 non-conforming items → 符合规范要求; 1–5 → 基本符合规范要求，需要整改;
≥ 6 → 不符合规范要求. Items not yet reviewed are never counted as 符合: while any remain, the
conclusion is provisional and says so.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .items import AREA_ZH, CONFORMING, NONCONFORMING, NOT_APPLICABLE, NOT_REVIEWED, conclusion_for, conclusion_rules

__all__ = ["conclude", "NC_COLUMNS"]

NC_COLUMNS = ["nc_number", "item", "area", "area_zh", "method", "requirement_zh", "facts", "basis", "rectification",
              "closure", "decision"]
CLOSURE_ZH = "企业完成整改后提交整改报告及证明材料，审查组书面确认；必要时现场复查"


def conclude(items: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Number the non-conformities and state the conclusion.

    Parameters
    ----------
    items : DataFrame
        One row per item with ``final_verdict`` (see :func:`cementnb.review.record.merge_record`).

    Returns
    -------
    items : DataFrame
        With ``nc_number`` (NC-01, NC-02… in item order) on the 不符合 items.
    nonconformities : DataFrame
        One non-conformity report per 不符合 item (:data:`NC_COLUMNS`).
    summary : dict
        counts (total, reviewed, conforming, not_applicable, nonconforming, not_reviewed),
        conclusion_zh, provisional, rule source.
    """
    items = items.sort_values("item").reset_index(drop=True).copy()
    bad = items["final_verdict"] == NONCONFORMING
    items["nc_number"] = ""
    items.loc[bad, "nc_number"] = [f"NC-{i:02d}" for i in range(1, int(bad.sum()) + 1)]
    ncs = items[bad].assign(area_zh=lambda f: f["area"].map(AREA_ZH), closure=CLOSURE_ZH)[NC_COLUMNS].reset_index(drop=True)
    counts = {
        "total": int(len(items)),
        "conforming": int((items["final_verdict"] == CONFORMING).sum()),
        "not_applicable": int((items["final_verdict"] == NOT_APPLICABLE).sum()),
        "nonconforming": int(bad.sum()),
        "not_reviewed": int((items["final_verdict"] == NOT_REVIEWED).sum()),
    }
    counts["reviewed"] = counts["total"] - counts["not_reviewed"]
    by_rule = conclusion_for(counts["nonconforming"])
    provisional = counts["not_reviewed"] > 0
    text = by_rule if not provisional else f"审查未完成：尚有{counts['not_reviewed']}项未审查（按已审查项目暂定为：{by_rule}）"
    rules = conclusion_rules()
    summary = {
        **{f"{k}_count": v for k, v in counts.items()},
        "nonconforming_count": counts["nonconforming"],
        "conclusion_zh": text,
        "conclusion_by_rule_zh": by_rule,
        "provisional": provisional,
        "nc_numbers": list(ncs["nc_number"]),
        "rule_source": f"{rules['source'].iloc[0]}（{rules['edition'].iloc[0]}）{rules['clause'].iloc[0]}",
        "rule_confidence": rules["confidence"].iloc[0],
    }
    return items, ncs, summary


def review_conclusion(sub, review_date: pd.Timestamp, results_dir, record_path=None) -> dict[str, Any]:
    """Collect every section's items, merge the analyst's record, number and conclude.

    Returns a dict with items, nonconformities, summary, problems (record problems), origin
    (where each section's items came from) and record_info (审查信息 of the record).
    """
    from pathlib import Path

    from ..problems import WARNING, ProblemLog
    from .record import RECORD_FILE, merge_record, read_record
    from .sections import collect_items

    auto, origin = collect_items(results_dir, sub, review_date)
    record_path = Path(record_path) if record_path else Path(sub.folder) / RECORD_FILE
    if record_path.is_file():
        entries, info, problems = read_record(record_path)
    else:
        log = ProblemLog(file=RECORD_FILE)
        log.add("未找到审查记录：需人工判定的项目均为“未审查”。可用命令 cementnb record 生成预填的审查记录",
                code="no_record", severity=WARNING, expected=str(record_path))
        entries, info, problems = pd.DataFrame(columns=["item"]), {}, log.to_frame()
    merged, problems = merge_record(auto, entries, problems, record_file=record_path.name)
    items, ncs, summary = conclude(merged)
    summary["record_problems"] = int(len(problems))
    return dict(items=items, nonconformities=ncs, summary=summary, problems=problems, origin=origin,
                record_info=info)
