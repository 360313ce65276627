"""The analyst's record: written pre-filled, read back, merged; the conclusion on the samples."""

import openpyxl
import pandas as pd
import pytest

from cementnb.review.conclusion import conclude, review_conclusion
from cementnb.review.items import review_items
from cementnb.review.record import merge_record, read_record, write_record, write_record_for
from cementnb.loader import load_submission
from cementnb.samples import EXPECTED_CONCLUSION, REVIEW_DATE, REVIEW_DEFECTS

from conftest import ROOT


def auto_items(**verdicts):
    """Automatic verdicts for some items (the others have none)."""
    items = review_items()
    return pd.DataFrame([dict(item=i, auto_verdict=verdicts.get(f"i{i}", ""), evidence="证据", facts="事实" if verdicts.get(f"i{i}") == "不符合" else "",
                              basis="", rectification="") for i in items.index])


def record_with(tmp_path, auto, person):
    path = write_record(tmp_path / "record.xlsx", auto, person=person)
    return read_record(path)


def test_record_is_prefilled_with_every_item_and_automatic_verdicts(tmp_path):
    path = write_record(tmp_path / "record.xlsx", auto_items(i7="不符合"))
    ws = openpyxl.load_workbook(path)["审查记录"]
    header = [c.value for c in ws[1]]
    assert header[:9] == ["项目号", "审查区域", "条款", "审查要求", "判定方式", "自动结论", "自动依据", "审查方式", "结论"]
    assert ws.max_row == 53
    row7 = [c.value for c in ws[8]]
    assert row7[0] == 7 and row7[5] == "不符合" and row7[8] is None


def test_blank_items_are_not_reviewed_never_conforming(tmp_path):
    entries, _, problems = record_with(tmp_path, auto_items(), {})
    items, _ = merge_record(auto_items(), entries, problems)
    assert (items["final_verdict"] == "未审查").all()
    _, _, summary = conclude(items)
    assert summary["conforming_count"] == 0 and summary["not_reviewed_count"] == 52
    assert summary["conclusion_zh"] == "审查未完成：尚有52项未审查（按已审查项目暂定为：符合规范要求）"


def test_overrule_needs_a_reason_and_both_verdicts_are_kept(tmp_path):
    auto = auto_items(i31="不符合", i32="不符合")
    person = {31: dict(person_verdict="符合", override_reason="现场核实：周期计划已于审查前补充并批准"),
              32: dict(person_verdict="符合")}
    entries, _, problems = record_with(tmp_path, auto, person)
    items, problems = merge_record(auto, entries, problems)
    i = items.set_index("item")
    assert (i.at[31, "auto_verdict"], i.at[31, "person_verdict"], i.at[31, "final_verdict"], i.at[31, "decision"]) == \
        ("不符合", "符合", "符合", "人工改判")
    assert i.at[32, "final_verdict"] == "不符合" and i.at[32, "person_verdict"] == "符合"
    p = problems[problems["code"] == "override_without_reason"].iloc[0]
    assert p["row"] == 33 and p["message"] == "审查项目32：人工结论“符合”与自动结论“不符合”不同，改判须写明理由；已保留自动结论"


def test_not_applicable_on_an_item_that_forbids_it(tmp_path):
    entries, _, problems = record_with(tmp_path, auto_items(), {1: dict(person_verdict="不适用"), 30: dict(person_verdict="不适用")})
    p = problems.iloc[0]
    assert (p["code"], p["row"], p["column"]) == ("not_applicable_not_allowed", 2, "结论")
    assert p["message"] == "审查项目1不允许判为“不适用”（只有项目15、18、20、30、35、43、48可判为不适用），该结论未被采用"
    items, _ = merge_record(auto_items(), entries, problems)
    i = items.set_index("item")
    assert i.at[1, "final_verdict"] == "未审查" and i.at[30, "final_verdict"] == "不适用"


def test_nonconformities_are_numbered_in_item_order(tmp_path):
    auto = auto_items(i19="不符合", i7="不符合")
    entries, _, problems = record_with(tmp_path, auto, {16: dict(person_verdict="不符合", person_facts="无技术档案")})
    items, _ = merge_record(auto, entries, problems)
    _, ncs, summary = conclude(items)
    assert list(zip(ncs["nc_number"], ncs["item"])) == [("NC-01", 7), ("NC-02", 16), ("NC-03", 19)]
    assert ncs.set_index("item").at[16, "facts"] == "无技术档案"
    assert summary["nonconforming_count"] == 3


def test_record_for_never_overwrites(tmp_path):
    import shutil

    shutil.copytree(ROOT / "data" / "samples" / "sample-a", tmp_path / "e")
    with pytest.raises(FileExistsError, match="不会被覆盖"):
        write_record_for(tmp_path / "e", 2025, REVIEW_DATE)
    out = write_record_for(tmp_path / "e", 2025, REVIEW_DATE, out=tmp_path / "new.xlsx")
    entries, info, problems = read_record(out)
    assert problems.empty and info["review_date"] == pd.Timestamp(REVIEW_DATE) and (entries["person_verdict"] == "").all()


@pytest.mark.parametrize("enterprise", ["sample-a", "sample-b", "sample-c"])
def test_sample_conclusions_and_planted_review_defects(enterprise, tmp_path):
    sub = load_submission(ROOT / "data" / "samples" / enterprise, 2025)
    c = review_conclusion(sub, pd.Timestamp(REVIEW_DATE), tmp_path)
    assert c["summary"]["conclusion_zh"] == EXPECTED_CONCLUSION[enterprise]
    assert c["summary"]["not_reviewed_count"] == 0
    items = c["items"].set_index("item")
    nonconforming = set(items.index[items["final_verdict"] == "不符合"])
    assert nonconforming == set(REVIEW_DEFECTS[enterprise])  # every planted defect found, nothing else flagged
    assert c["problems"].empty


def test_each_planted_defect_is_found_by_its_check(tmp_path):
    from cementnb.review.sections import SECTIONS, run_section

    sub = load_submission(ROOT / "data" / "samples" / "sample-b", 2025)
    findings = pd.concat([run_section(s, sub, pd.Timestamp(REVIEW_DATE)).findings for s in SECTIONS])
    bad = set(zip(findings.loc[findings["verdict"] == "不符合", "item"], findings.loc[findings["verdict"] == "不符合", "check"]))
    for item, checks in REVIEW_DEFECTS["sample-b"].items():
        for check in (checks,) if isinstance(checks, str) else checks:
            if check != "record":
                assert (item, check) in bad, (item, check)
