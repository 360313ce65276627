"""Hubei 4.2 碳排放计量人员: staffing, named persons, training and certificates (items 11–15).

Training must fall within the review period, which runs from 1 January of the review year
to the review date; certificates must be present for the posts that require one
(``review_rules.csv`` certificate_required_posts, [open]) and valid on the review date.
"""

from __future__ import annotations

import pandas as pd

from ..parsing import is_blank

from .items import (CONFORMING, NONCONFORMING, NOT_APPLICABLE, finding, findings_frame, fold_items, rule,
                    rule_list, rule_source)

__all__ = ["check_staffing", "check_named_persons", "check_training_and_certificates",
           "check_internal_calibration_staff", "personnel_findings"]


def _row_ref(row) -> str:
    return f"岗位人员表第{row['excel_row']}行 {row['person_name']}（{row['post']}）"


def check_staffing(staff: pd.DataFrame) -> pd.DataFrame:
    """Item 11: every required post has at least one person not assessed 不合格."""
    required = rule_list("required_posts")
    ok = staff[staff["assessment_result"] != "不合格"]
    lacking = [p for p in required if not (ok["post"] == p).any()]
    counts = "，".join(f"{p}{int((ok['post'] == p).sum())}人" for p in required)
    if lacking:
        return findings_frame([finding(11, "staffing", NONCONFORMING, f"考核合格人员：{counts}",
                                       facts=f"以下岗位没有考核合格的人员：{'、'.join(lacking)}",
                                       basis=rule_source("required_posts"))])
    return findings_frame([finding(11, "staffing", CONFORMING, f"考核合格人员：{counts}")])


def check_named_persons(staff: pd.DataFrame) -> pd.DataFrame:
    """Items 12 and 13: named persons for instruments and for data."""
    rows = []
    for item, key, what in ((12, "instrument_posts", "计量器具管理"), (13, "data_posts", "计量数据管理")):
        posts = rule_list(key)
        named = {p: sorted(staff.loc[staff["post"] == p, "person_name"].dropna()) for p in posts}
        evidence = "；".join(f"{p}：{'、'.join(n) if n else '无'}" for p, n in named.items())
        missing = [p for p, n in named.items() if not n]
        if missing:
            rows.append(finding(item, key, NONCONFORMING, evidence,
                                facts=f"未指定{what}专人：{'、'.join(missing)}岗位无人", basis=rule_source(key)))
        else:
            rows.append(finding(item, key, CONFORMING, evidence))
    return findings_frame(rows)


def check_training_and_certificates(staff: pd.DataFrame, review_year: int, review_date: pd.Timestamp) -> pd.DataFrame:
    """Item 14: training within [1 Jan of the review year, review date]; certificates present
    and valid on the review date for the posts that require one."""
    start = pd.Timestamp(review_year, 1, 1)
    need_cert = set(rule_list("certificate_required_posts"))
    problems = []
    for _, row in staff.iterrows():
        trained = row["last_training_date"]
        if pd.isna(trained):
            problems.append(f"{_row_ref(row)}无培训记录")
        elif not (start <= trained <= review_date):
            problems.append(f"{_row_ref(row)}最近培训日期{trained:%Y-%m-%d}不在审查期{start:%Y-%m-%d}至{review_date:%Y-%m-%d}内")
        if row["post"] in need_cert:
            if is_blank(row["certificate_no"]):
                problems.append(f"{_row_ref(row)}岗位须持证，但未填写证书编号")
            elif pd.isna(row["certificate_valid_until"]) or row["certificate_valid_until"] < review_date:
                until = "未填写有效期" if pd.isna(row["certificate_valid_until"]) else f"有效期至{row['certificate_valid_until']:%Y-%m-%d}"
                problems.append(f"{_row_ref(row)}证书{row['certificate_no']}{until}，审查日{review_date:%Y-%m-%d}已无效")
    evidence = f"共{len(staff)}人；培训须在{start:%Y-%m-%d}至{review_date:%Y-%m-%d}之间；须持证岗位：{'、'.join(sorted(need_cert))}"
    if problems:
        return findings_frame([finding(14, "training_certificates", NONCONFORMING, evidence, facts="；".join(problems),
                                       basis=rule_source("certificate_required_posts"))])
    return findings_frame([finding(14, "training_certificates", CONFORMING, evidence + "；均符合")])


def check_internal_calibration_staff(staff: pd.DataFrame, review_date: pd.Timestamp) -> pd.DataFrame:
    """Item 15 (不适用 allowed): persons doing in-house calibration hold a valid certificate."""
    post = rule("internal_calibration_post")
    people = staff[staff["post"] == post]
    if people.empty:
        return findings_frame([finding(15, "internal_calibration", NOT_APPLICABLE, f"岗位人员表中无{post}人员，企业不开展内部校准")])
    bad = [_row_ref(r) for _, r in people.iterrows()
           if is_blank(r["certificate_no"]) or pd.isna(r["certificate_valid_until"]) or r["certificate_valid_until"] < review_date]
    evidence = f"{post}人员{len(people)}人"
    if bad:
        return findings_frame([finding(15, "internal_calibration", NONCONFORMING, evidence,
                                       facts="以下内部校准人员无有效资质证书：" + "；".join(bad))])
    return findings_frame([finding(15, "internal_calibration", CONFORMING, evidence + "，均持有有效证书")])


def personnel_findings(sub, review_date: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(check-level findings, one row per item) of section 4.2."""
    staff = sub.staff
    findings = pd.concat([
        check_staffing(staff), check_named_persons(staff),
        check_training_and_certificates(staff, sub.review_year, review_date),
        check_internal_calibration_staff(staff, review_date),
    ], ignore_index=True)
    return findings, fold_items(findings, "personnel")
