"""Hubei 4.1 碳排放计量管理: checks the tool can decide from the submission (items 5 and 7).

Items 1–4, 6, 8–10 and the self-check items 49–52 are judged by a person from documents and
recorded in record.xlsx (see :mod:`cementnb.review.record`).
"""

from __future__ import annotations

import pandas as pd

from .items import CONFORMING, NONCONFORMING, findings_frame, finding, fold_items, rule_list, rule_source

__all__ = ["check_posts", "check_document_topics", "management_findings"]


def check_posts(staff: pd.DataFrame) -> pd.DataFrame:
    """Item 5: every required post (``review_rules.csv`` required_posts) appears in the staff list."""
    required = rule_list("required_posts")
    present = set(staff["post"].dropna())
    missing = [p for p in required if p not in present]
    counts = "，".join(f"{p}{int((staff['post'] == p).sum())}人" for p in required)
    if missing:
        return findings_frame([finding(
            5, "required_posts", NONCONFORMING, f"岗位人员表：{counts}",
            facts=f"岗位人员表中没有以下岗位的人员：{'、'.join(missing)}", basis=rule_source("required_posts"))])
    return findings_frame([finding(5, "required_posts", CONFORMING, f"岗位人员表：{counts}，应设岗位齐全")])


def check_document_topics(documents: pd.DataFrame) -> pd.DataFrame:
    """Item 7: the management documents together cover the six required topics."""
    required = rule_list("required_topics")
    covered: dict[str, list[str]] = {t: [] for t in required}
    for _, doc in documents.iterrows():
        for topic in doc["topics"] or ():
            if topic in covered:
                covered[topic].append(str(doc["document_no"]))
    missing = [t for t, docs in covered.items() if not docs]
    evidence = "；".join(f"{t}：{'、'.join(d) if d else '无'}" for t, d in covered.items())
    if missing:
        return findings_frame([finding(
            7, "document_topics", NONCONFORMING, f"管理文件覆盖情况——{evidence}",
            facts=f"管理文件未覆盖：{'、'.join(missing)}", basis=rule_source("required_topics"))])
    return findings_frame([finding(7, "document_topics", CONFORMING, f"六个主题均有文件覆盖——{evidence}")])


def management_findings(sub) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(check-level findings, one row per item) of section 4.1 and the self-check items."""
    findings = pd.concat([check_posts(sub.staff), check_document_topics(sub.documents)], ignore_index=True)
    return findings, fold_items(findings, "management")
