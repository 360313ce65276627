"""The analyst's record (record.xlsx): pre-filled by the tool, completed by a person, merged back.

One row per review item: the tool writes the item, its requirement, who decides it, and the
automatic verdict with its evidence; the person writes 结论 (符合 / 不符合 / 不适用), the
method, the record, the facts of a non-conformity, the rectification requirement, and — to
overrule an automatic verdict — a written reason. Reading it back:

- a blank 结论 keeps the automatic verdict, or leaves a person-only item 未审查 (never 符合);
- 结论 different from the automatic verdict without a reason is rejected (the automatic one
  stands) and reported; with a reason, the person's verdict stands and both are kept;
- 不适用 on an item that does not allow it is rejected with a clear message.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..parsing import is_blank, parse_date
from ..problems import ERROR, WARNING, ProblemLog
from .items import NONCONFORMING, NOT_APPLICABLE, NOT_REVIEWED, VERDICTS, review_items

__all__ = ["RECORD_FILE", "RECORD_COLUMNS", "write_record", "read_record", "merge_record"]

RECORD_FILE = "record.xlsx"
RECORD_SHEET = "审查记录"
INFO_SHEET = "审查信息"
#: Record columns: (Chinese header, English name, filled by the tool?)
RECORD_COLUMNS = [
    ("项目号", "item", True), ("审查区域", "area", True), ("条款", "clause", True), ("审查要求", "requirement_zh", True),
    ("判定方式", "decided_by_zh", True), ("自动结论", "auto_verdict", True), ("自动依据", "evidence", True),
    ("审查方式", "method", False), ("结论", "person_verdict", False), ("审查记录", "record_note", False),
    ("不符合事实", "person_facts", False), ("整改要求", "person_rectification", False), ("改判理由", "override_reason", False),
]
INFO_ITEMS = [("审查日期", "review_date"), ("审查组长", "team_leader"), ("审查组成员", "team_members"),
              ("企业陪同人员", "enterprise_contact")]
DECIDED_BY_ZH = {"auto": "自动", "record": "人工", "auto+record": "自动+人工"}
_GREY = PatternFill("solid", fgColor="EDEDED")
_HEAD = PatternFill("solid", fgColor="305496")


def write_record(path: str | Path, auto_items: pd.DataFrame, *, enterprise: Mapping[str, Any] | None = None,
                 person: Mapping[int, Mapping[str, Any]] | None = None, info: Mapping[str, Any] | None = None) -> Path:
    """Write record.xlsx pre-filled with every item and the automatic verdicts.

    Parameters
    ----------
    auto_items : DataFrame
        One row per item (all sections), columns of :data:`cementnb.review.items.ITEM_COLUMNS`;
        items missing from it are written with an empty automatic verdict.
    person : mapping, optional
        Person entries by item (keys: person_verdict, method, record_note, person_facts,
        person_rectification, override_reason); used for the sample enterprises and tests.
    info : mapping, optional
        审查信息 values (review_date, team_leader, team_members, enterprise_contact).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    items = review_items()
    auto = auto_items.set_index("item") if len(auto_items) else pd.DataFrame()
    person = person or {}
    wb = Workbook()
    wb.properties.creator = "cementnb"
    wb.properties.created = wb.properties.modified = datetime(2025, 1, 1)  # no wall-clock time in the file
    ws = wb.active
    ws.title = RECORD_SHEET
    ws.append([h for h, _, _ in RECORD_COLUMNS])
    for item, meta in items.iterrows():
        a = auto.loc[item] if item in auto.index else None
        values = dict(item=item, area=meta["area"], clause=meta["clause"], requirement_zh=meta["requirement_zh"],
                      decided_by_zh=DECIDED_BY_ZH[meta["decided_by"]],
                      auto_verdict=(a["auto_verdict"] if a is not None else "") or "",
                      evidence=(a["evidence"] if a is not None else "") or "", method=meta["method"])
        values.update(person.get(item, {}))
        ws.append([values.get(name, "") for _, name, _ in RECORD_COLUMNS])
    for c, (_, _, tool) in enumerate(RECORD_COLUMNS, start=1):
        ws.cell(row=1, column=c).font = Font(bold=True, color="FFFFFF")
        ws.cell(row=1, column=c).fill = _HEAD
        if tool:
            for r in range(2, len(items) + 2):
                ws.cell(row=r, column=c).fill = _GREY
        ws.column_dimensions[get_column_letter(c)].width = {4: 50, 7: 60, 10: 40, 11: 40, 12: 30, 13: 30}.get(c, 12)
    for r in range(2, len(items) + 2):
        for c in (4, 7, 10, 11):
            ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
    lists = wb.create_sheet("_lists")
    lists.sheet_state = "hidden"
    for col, values in enumerate((list(VERDICTS), ["资料审查", "现场审查"]), start=1):
        for i, v in enumerate(values, start=1):
            lists.cell(row=i, column=col, value=v)
        letter = get_column_letter(col)
        dv = DataValidation(type="list", formula1=f"{quote_sheetname('_lists')}!${letter}$1:${letter}${len(values)}",
                            allow_blank=True)
        ws.add_data_validation(dv)
        target = 9 if col == 1 else 8
        dv.add(f"{get_column_letter(target)}2:{get_column_letter(target)}{len(items) + 1}")
    ws.freeze_panes = "B2"
    info_ws = wb.create_sheet(INFO_SHEET, 0)
    info_ws.append(["项目", "内容"])
    info_ws.append(["企业名称", (enterprise or {}).get("enterprise_name") or ""])
    info_ws.append(["统一社会信用代码", (enterprise or {}).get("credit_code") or ""])
    info_ws.append(["审查年度", (enterprise or {}).get("review_year") or ""])
    for label, key in INFO_ITEMS:
        info_ws.append([label, (info or {}).get(key, "")])
    info_ws.column_dimensions["A"].width = 18
    info_ws.column_dimensions["B"].width = 40
    wb.save(path)
    return path


def _text(value: Any) -> str:
    return "" if is_blank(value) else str(value).strip()


def read_record(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
    """Read a record.xlsx back.

    Returns
    -------
    entries : DataFrame
        item, method, person_verdict, record_note, person_facts, person_rectification,
        override_reason, excel_row (only valid verdicts are kept; invalid ones are blanked).
    info : dict
        审查信息 (review_date as Timestamp, team...).
    problems : DataFrame
        Located problems (Chinese).
    """
    path = Path(path)
    log = ProblemLog(file=path.name)
    sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="calamine")
    info: dict[str, Any] = {}
    if INFO_SHEET in sheets:
        raw = sheets[INFO_SHEET]
        labels = {_text(raw.iat[r, 0]): (r, raw.iat[r, 1] if raw.shape[1] > 1 else None) for r in range(1, len(raw))}
        for label, key in INFO_ITEMS:
            if label in labels:
                row, value = labels[label]
                if key == "review_date":
                    parsed = parse_date(value)
                    if parsed.note is not None and parsed.note.severity == ERROR:
                        log.add(parsed.note.message, code=parsed.note.code, sheet=INFO_SHEET, row=row + 1, column="内容",
                                value=value, expected=parsed.note.expected)
                    info[key] = parsed.value
                else:
                    info[key] = _text(value)
    if RECORD_SHEET not in sheets:
        log.add(f"缺少工作表“{RECORD_SHEET}”", code="missing_sheet", sheet=RECORD_SHEET, expected=RECORD_SHEET)
        return pd.DataFrame(columns=["item"]), info, log.to_frame()
    raw = sheets[RECORD_SHEET]
    header = [_text(h) for h in raw.iloc[0]]
    col_of = {name: header.index(h) for h, name, _ in RECORD_COLUMNS if h in header}
    for h, name, _ in RECORD_COLUMNS:
        if name not in col_of and name in ("item", "person_verdict", "override_reason"):
            log.add(f"缺少列“{h}”", code="missing_column", sheet=RECORD_SHEET, column=h, expected=h)
    if "item" not in col_of or "person_verdict" not in col_of:
        return pd.DataFrame(columns=["item"]), info, log.to_frame()
    items = review_items()
    rows, seen = [], {}
    for r in range(1, len(raw)):
        excel_row = r + 1
        get = lambda name: raw.iat[r, col_of[name]] if name in col_of else None  # noqa: E731
        raw_item = get("item")
        if is_blank(raw_item):
            continue
        try:
            item = int(float(raw_item))
        except (TypeError, ValueError):
            log.add(f"项目号“{raw_item}”不是数字", code="not_a_number", sheet=RECORD_SHEET, row=excel_row, column="项目号",
                    value=raw_item, expected="1～52")
            continue
        if item not in items.index:
            log.add(f"项目号{item}不存在", code="unknown_item", sheet=RECORD_SHEET, row=excel_row, column="项目号",
                    value=raw_item, expected="1～52")
            continue
        if item in seen:
            log.add(f"项目号{item}重复（第{seen[item]}、{excel_row}行），仅使用第{seen[item]}行", code="duplicate_key",
                    sheet=RECORD_SHEET, row=excel_row, column="项目号", value=item, expected="每项一行")
            continue
        seen[item] = excel_row
        verdict = _text(get("person_verdict"))
        if verdict and verdict not in VERDICTS:
            log.add(f"结论“{verdict}”无效", code="not_allowed", sheet=RECORD_SHEET, row=excel_row, column="结论",
                    value=verdict, expected="、".join(VERDICTS))
            verdict = ""
        if verdict == NOT_APPLICABLE and not items.at[item, "na_allowed"]:
            allowed = "、".join(str(i) for i in items.index[items["na_allowed"]])
            log.add(f"审查项目{item}不允许判为“不适用”（只有项目{allowed}可判为不适用），该结论未被采用",
                    code="not_applicable_not_allowed", sheet=RECORD_SHEET, row=excel_row, column="结论", value=verdict,
                    expected="符合或不符合")
            verdict = ""
        facts = _text(get("person_facts"))
        if verdict == NONCONFORMING and not facts:
            log.add(f"审查项目{item}判为不符合，但未写明不符合事实", code="facts_missing", sheet=RECORD_SHEET,
                    row=excel_row, column="不符合事实", expected="不符合事实的描述", severity=WARNING)
        rows.append(dict(item=item, method=_text(get("method")), person_verdict=verdict,
                         record_note=_text(get("record_note")), person_facts=facts,
                         person_rectification=_text(get("person_rectification")),
                         override_reason=_text(get("override_reason")), excel_row=excel_row))
    return pd.DataFrame(rows), info, log.to_frame()


def merge_record(auto_items: pd.DataFrame, entries: pd.DataFrame, problems: pd.DataFrame | None = None,
                 record_file: str = RECORD_FILE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge the person's verdicts with the automatic ones.

    Returns
    -------
    items : DataFrame
        One row per item 1–52: auto_verdict, person_verdict, final_verdict, decision (自动 /
        人工 / 人工确认 / 人工改判 / 未审查), override_reason, evidence, record_note, facts,
        rectification, basis, method.
    problems : DataFrame
        ``problems`` plus overrules without a reason.
    """
    log = ProblemLog(file=record_file)
    items = review_items()
    auto = auto_items.set_index("item") if len(auto_items) else pd.DataFrame()
    person = entries.set_index("item") if len(entries) else pd.DataFrame()
    rows = []
    for item, meta in items.iterrows():
        a = auto.loc[item] if item in auto.index else None
        p = person.loc[item] if item in person.index else None
        auto_v = (a["auto_verdict"] if a is not None and isinstance(a["auto_verdict"], str) else "") or ""
        person_v = p["person_verdict"] if p is not None else ""
        reason = p["override_reason"] if p is not None else ""
        if not person_v:
            final, decision = (auto_v, "自动") if auto_v else (NOT_REVIEWED, "未审查")
        elif not auto_v:
            final, decision = person_v, "人工"
        elif person_v == auto_v:
            final, decision = auto_v, "人工确认"
        elif reason:
            final, decision = person_v, "人工改判"
        else:
            final, decision = auto_v, "自动（改判无理由，未采用）"
            log.add(f"审查项目{item}：人工结论“{person_v}”与自动结论“{auto_v}”不同，改判须写明理由；已保留自动结论",
                    code="override_without_reason", sheet=RECORD_SHEET, row=p["excel_row"], column="改判理由",
                    value=person_v, expected="改判理由")
        person_facts = p["person_facts"] if p is not None else ""
        auto_facts = (a["facts"] if a is not None and isinstance(a["facts"], str) else "") or ""
        rect = (p["person_rectification"] if p is not None else "") or (
            (a["rectification"] if a is not None and isinstance(a["rectification"], str) else "") or meta["rectification_zh"])
        rows.append(dict(
            item=item, area=meta["area"], section=meta["section"], clause=meta["clause"],
            requirement_zh=meta["requirement_zh"], decided_by=meta["decided_by"],
            method=(p["method"] if p is not None and p["method"] else meta["method"]),
            auto_verdict=auto_v, person_verdict=person_v, final_verdict=final, decision=decision,
            override_reason=reason,
            evidence=(a["evidence"] if a is not None and isinstance(a["evidence"], str) else "") or "",
            record_note=p["record_note"] if p is not None else "",
            facts=(person_facts or auto_facts) if final == NONCONFORMING else "",
            basis=((a["basis"] if a is not None and isinstance(a["basis"], str) else "") or meta["clause"])
            if final == NONCONFORMING else "",
            rectification=rect if final == NONCONFORMING else "",
        ))
    merged_problems = pd.concat([p for p in (problems, log.to_frame()) if p is not None and len(p)], ignore_index=True) \
        if (problems is not None and len(problems)) or log.problems else log.to_frame()
    return pd.DataFrame(rows), merged_problems


def write_record_for(folder, review_year: int, review_date, out=None) -> Path:
    """Pre-fill a record for a review folder: run every section's checks, write the record.

    Never overwrites: when ``out`` exists, raises FileExistsError (a person's record is input).
    """
    from ..loader import load_submission
    from .sections import SECTIONS, run_section

    folder = Path(folder)
    out = Path(out) if out else folder / RECORD_FILE
    if out.exists():
        raise FileExistsError(f"{out} 已存在：审查记录是审查员的输入，不会被覆盖。请指定另一个输出文件。")
    sub = load_submission(folder, review_year)
    review_date = pd.Timestamp(review_date)
    auto = pd.concat([run_section(s, sub, review_date).items for s in SECTIONS], ignore_index=True)
    return write_record(out, auto, enterprise=sub.enterprise, info=dict(review_date=review_date.date()))
