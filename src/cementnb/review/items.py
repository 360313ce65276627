"""Review items, verdicts, findings and the conclusion rule, all driven by data tables.

- ``data/review_items.csv``: the JJF 1356-2012 items 1–52 mapped onto the Hubei areas
  4.1–4.4 (and the self-check items 49–52), each with its requirement (Chinese), whether
  不适用 is allowed, who decides it (``auto``: the tool from submitted data; ``record``: a
  person, recorded in record.xlsx; ``auto+record``: both), the usual review method and the
  default rectification requirement.
- ``data/conclusion_rules.csv``: non-conformity count → overall conclusion.
- ``data/review_rules.csv``: posts, topics, retention years... every threshold with its source.

A **finding** is one row of a tidy table: item, check, clause, area, verdict, method,
evidence (Chinese, with the figures and rows behind it), facts (不符合事实), basis (依据),
rectification (整改要求). Checks return findings; :func:`fold_items` turns them into one
verdict per item.

References
----------
.. [1] JJF 1356-2012 重点用能单位能源计量审查规范, §9 and Appendix B (the review items).
.. [2] 湖北省水泥行业碳计量技术规范 碳排放计量审查（征求意见稿）编制说明, §四.4 (areas 4.1–4.4).
"""

from __future__ import annotations

from functools import cache
from typing import Iterable

import pandas as pd

from .. import metadata as md

__all__ = [
    "CONFORMING", "NONCONFORMING", "NOT_APPLICABLE", "NOT_REVIEWED", "VERDICTS",
    "review_items", "conclusion_rules", "rule", "rule_list", "finding", "findings_frame", "fold_items",
    "conclusion_for", "item_clause", "FINDING_COLUMNS", "ITEM_COLUMNS", "AREA_ZH", "SECTION_ZH",
]

CONFORMING = "符合"
NONCONFORMING = "不符合"
NOT_APPLICABLE = "不适用"
NOT_REVIEWED = "未审查"
VERDICTS = (CONFORMING, NONCONFORMING, NOT_APPLICABLE)

AREA_ZH = {"4.1": "碳排放计量管理", "4.2": "碳排放计量人员", "4.3": "碳排放计量器具", "4.4": "碳排放数据管理",
           "自查": "自查与改进"}
SECTION_ZH = {"management": "4.1 碳排放计量管理（含自查）", "personnel": "4.2 碳排放计量人员",
              "instruments": "4.3 碳排放计量器具", "data": "4.4 碳排放数据管理"}

FINDING_COLUMNS = ["item", "check", "clause", "area", "verdict", "method", "evidence", "facts", "basis", "rectification"]
ITEM_COLUMNS = ["item", "area", "section", "clause", "requirement_zh", "decided_by", "na_allowed", "auto_verdict",
                "method", "evidence", "facts", "basis", "rectification"]


@cache
def review_items() -> pd.DataFrame:
    """The 52 review items (see module docstring), indexed by item number."""
    frame = md.read_table("review_items.csv").copy()
    frame["item"] = frame["item"].astype(int)
    frame["na_allowed"] = frame["na_allowed"].str.lower() == "true"
    frame["clause"] = [f"JJF 1356-2012 审查项目{i}；湖北规范草案{a if a != '自查' else '（自查）'}"
                       for i, a in zip(frame["item"], frame["area"])]
    return frame.set_index("item", drop=False)


def item_clause(item: int) -> str:
    return review_items().at[item, "clause"]


@cache
def conclusion_rules() -> pd.DataFrame:
    frame = md.read_table("conclusion_rules.csv").copy()
    frame["min_nonconforming"] = frame["min_nonconforming"].astype(int)
    frame["max_nonconforming"] = pd.to_numeric(frame["max_nonconforming"].replace("", None))
    return frame


@cache
def _rules() -> pd.DataFrame:
    return md.read_table("review_rules.csv").set_index("key")


def rule(key: str) -> str:
    """A review rule's value as written in ``review_rules.csv``."""
    return _rules().at[key, "value"]


def rule_list(key: str) -> list[str]:
    return md.allowed_values(rule(key))


def rule_source(key: str) -> str:
    row = _rules().loc[key]
    return f"{row['source']}（{row['edition']}）{row['clause']}"


def finding(item: int, check: str, verdict: str, evidence: str, *, facts: str = "", basis: str = "",
            method: str | None = None, rectification: str | None = None) -> dict:
    """One finding of a check on ``item`` (a dict; collect them with :func:`findings_frame`)."""
    meta = review_items().loc[item]
    if verdict not in VERDICTS:
        raise ValueError(f"verdict {verdict!r} is not one of {VERDICTS}")
    if verdict == NOT_APPLICABLE and not meta["na_allowed"]:
        raise ValueError(f"审查项目{item}不允许判为不适用")
    return dict(item=item, check=check, clause=meta["clause"], area=meta["area"], verdict=verdict,
                method=method or meta["method"], evidence=evidence,
                facts=facts if verdict == NONCONFORMING else "", basis=basis or meta["clause"],
                rectification=(rectification or meta["rectification_zh"]) if verdict == NONCONFORMING else "")


def findings_frame(rows: Iterable[dict]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=FINDING_COLUMNS)


def fold_items(findings: pd.DataFrame, section: str) -> pd.DataFrame:
    """One row per item of ``section``: the automatic verdict folded from its findings.

    不符合 if any check is 不符合; 不适用 if every check is 不适用; 符合 otherwise. Items that
    only a person can judge (``record``) get no automatic verdict (empty), never 符合.
    """
    items = review_items()
    rows = []
    for item, meta in items[items["section"] == section].iterrows():
        f = findings[findings["item"] == item]
        if f.empty:
            verdict, evidence = "", "需审查员根据文件或现场审查判定"
        elif (f["verdict"] == NONCONFORMING).any():
            verdict = NONCONFORMING
        elif (f["verdict"] == NOT_APPLICABLE).all():
            verdict = NOT_APPLICABLE
        else:
            verdict = CONFORMING
        if not f.empty:
            evidence = "；".join(f["evidence"])
        bad = f[f["verdict"] == NONCONFORMING]
        rows.append(dict(
            item=item, area=meta["area"], section=section, clause=meta["clause"],
            requirement_zh=meta["requirement_zh"], decided_by=meta["decided_by"], na_allowed=meta["na_allowed"],
            auto_verdict=verdict, method=f["method"].iloc[0] if len(f) else meta["method"], evidence=evidence,
            facts="；".join(x for x in bad["facts"] if x), basis="；".join(dict.fromkeys(bad["basis"])) if len(bad) else "",
            rectification="；".join(dict.fromkeys(x for x in bad["rectification"] if x)),
        ))
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def conclusion_for(nonconforming: int) -> str:
    """Overall conclusion for a count of 不符合 items (``conclusion_rules.csv``)."""
    for _, r in conclusion_rules().iterrows():
        hi = r["max_nonconforming"]
        if nonconforming >= r["min_nonconforming"] and (pd.isna(hi) or nonconforming <= hi):
            return r["conclusion_zh"]
    raise ValueError(f"no conclusion rule for {nonconforming} non-conforming items")
