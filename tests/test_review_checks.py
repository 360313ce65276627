"""Review checks on small hand-built frames: exact verdicts and figures, worked out by hand."""

import pandas as pd
import pytest

from cementnb.review import instruments as ins
from cementnb.review.data import check_estimations, check_retention
from cementnb.review.items import conclusion_for, finding, fold_items, review_items
from cementnb.review.management import check_document_topics, check_posts
from cementnb.review.personnel import check_internal_calibration_staff, check_training_and_certificates

REVIEW_DATE = pd.Timestamp("2026-03-15")


def staff(*rows):
    base = dict(department="", title="", assessment_result="合格", certificate_no=None, certificate_valid_until=pd.NaT,
                last_training_date=pd.Timestamp("2025-05-01"))
    return pd.DataFrame([base | dict(excel_row=i + 2, **r) for i, r in enumerate(rows)])


FULL = [dict(person_name="甲", post="计量管理"), dict(person_name="乙", post="器具管理", certificate_no="C1",
        certificate_valid_until=pd.Timestamp("2027-01-01")), dict(person_name="丙", post="数据采集"),
        dict(person_name="丁", post="统计分析")]


def test_items_table_has_52_items_and_the_na_list_from_data():
    items = review_items()
    assert list(items.index) == list(range(1, 53))
    assert list(items.index[items["na_allowed"]]) == [15, 18, 20, 30, 35, 43, 48]
    assert set(items["area"]) == {"4.1", "4.2", "4.3", "4.4", "自查"}


def test_not_applicable_is_rejected_where_not_allowed():
    with pytest.raises(ValueError, match="审查项目5不允许判为不适用"):
        finding(5, "x", "不适用", "")


@pytest.mark.parametrize(("count", "conclusion"), [(0, "符合规范要求"), (1, "基本符合规范要求，需要整改"),
                                                   (5, "基本符合规范要求，需要整改"), (6, "不符合规范要求"),
                                                   (40, "不符合规范要求")])
def test_conclusion_rule(count, conclusion):
    assert conclusion_for(count) == conclusion


def test_posts_complete_and_missing():
    assert check_posts(staff(*FULL)).iloc[0]["verdict"] == "符合"
    f = check_posts(staff(*FULL[:3])).iloc[0]
    assert f["verdict"] == "不符合" and f["facts"] == "岗位人员表中没有以下岗位的人员：统计分析"
    assert "统计分析0人" in f["evidence"]


def test_document_topics():
    docs = pd.DataFrame([dict(document_no="D1", topics=("职责权限", "数据管理")),
                         dict(document_no="D2", topics=("器具配备使用维护", "周期检定校准", "人员配备培训"))])
    f = check_document_topics(docs).iloc[0]
    assert f["verdict"] == "不符合" and f["facts"] == "管理文件未覆盖：自查改进"
    docs.loc[len(docs)] = dict(document_no="D3", topics=("自查改进",))
    assert check_document_topics(docs).iloc[0]["verdict"] == "符合"


def test_training_and_certificate_on_the_review_date():
    rows = [dict(FULL[1], certificate_valid_until=REVIEW_DATE)]  # valid through the review date itself
    assert check_training_and_certificates(staff(*rows), 2025, REVIEW_DATE).iloc[0]["verdict"] == "符合"
    rows = [dict(FULL[1], certificate_valid_until=REVIEW_DATE - pd.Timedelta(days=1)),
            dict(person_name="戊", post="数据采集", last_training_date=pd.Timestamp("2024-12-31"))]
    f = check_training_and_certificates(staff(*rows), 2025, REVIEW_DATE).iloc[0]
    assert f["verdict"] == "不符合"
    assert f["facts"] == ("岗位人员表第2行 乙（器具管理）证书C1有效期至2026-03-14，审查日2026-03-15已无效；"
                          "岗位人员表第3行 戊（数据采集）最近培训日期2024-12-31不在审查期2025-01-01至2026-03-15内")


def test_internal_calibration_not_applicable_without_such_staff():
    assert check_internal_calibration_staff(staff(*FULL), REVIEW_DATE).iloc[0]["verdict"] == "不适用"
    f = check_internal_calibration_staff(staff(*FULL, dict(person_name="己", post="内部校准")), REVIEW_DATE).iloc[0]
    assert f["verdict"] == "不符合" and "己" in f["facts"]


def points(n_equipment: int, n_installed: int):
    rows = [dict(point_id=f"P{i}", metered_object="电力", level="主要用能设备", unit_or_equipment=f"电机{i}",
                 instrument_id=f"M{i}" if i < n_installed else None) for i in range(n_equipment)]
    return pd.DataFrame(rows)


def meters(n):
    return pd.DataFrame([dict(instrument_id=f"M{i}", status="合格") for i in range(n)])


@pytest.mark.parametrize(("installed", "verdict"), [(19, "符合"), (18, "不符合")])
def test_equipping_rate_at_the_95_percent_boundary(installed, verdict):
    rates = ins.equipping_rates(points(20, installed), meters(20), pd.DataFrame(columns=["fuel_name"]))
    row = rates.iloc[0]
    assert (row["energy_type"], row["level"], row["needed"], row["installed"]) == ("电能", "主要用能设备", 20, installed)
    assert row["rate_fraction"] == installed / 20 and row["required_fraction"] == 0.95 and row["verdict"] == verdict
    f = ins.check_equipping(rates)
    assert f.iloc[0]["verdict"] == verdict
    if verdict == "不符合":
        assert row["missing_points"] == "P18（电力，电机18）、P19（电力，电机19）"


def test_stopped_instruments_do_not_count_as_installed():
    m = meters(20)
    m.loc[0, "status"] = "停用"
    assert ins.equipping_rates(points(20, 20), m, pd.DataFrame(columns=["fuel_name"])).iloc[0]["installed"] == 19


@pytest.mark.parametrize(("text", "itype", "parsed"), [("0.5S", "", (0.5, True)), ("0.5s级", "", (0.5, True)),
                                                       ("1.0", "", (1.0, False)), ("2", "", (2.0, False)),
                                                       ("Ⅲ", "静态衡器", (0.1, False)), ("III级", "静态衡器", (0.1, False)),
                                                       ("—", "", None), ("III", "电能表", None)])
def test_parse_accuracy_class(text, itype, parsed):
    assert ins.parse_accuracy_class(text, itype) == parsed


def test_class_order():
    assert ins.class_at_least((0.2, True), (0.5, True))
    assert ins.class_at_least((0.5, True), (0.5, False))
    assert not ins.class_at_least((0.5, False), (0.5, True))
    assert not ins.class_at_least((1.0, False), (0.5, False))


def meter(**kw):
    base = dict(instrument_id="E1", instrument_name="电能表", instrument_type="电能表", metered_object="电力",
                level="进出用能单位", accuracy_class="0.5S")
    return base | kw


@pytest.mark.parametrize(("level", "cls", "required", "verdict"), [
    ("进出用能单位", "0.5S", "0.5S", "符合"),
    ("进出用能单位", "0.5", "0.5S", "不符合"),
    ("主要次级用能单位", "0.5", "0.5", "符合"),    # one class lower allowed below site level
    ("主要次级用能单位", "1.0", "0.5", "不符合"),
])
def test_electricity_meter_classes_for_a_class_I_user(level, cls, required, verdict):
    table = ins.accuracy_table(pd.DataFrame([meter(level=level, accuracy_class=cls)]), pd.DataFrame(columns=["fuel_name"]),
                               {"electricity_user_class": "I"})
    assert table.iloc[0]["required_class"] == required and table.iloc[0]["verdict"] == verdict


def test_user_class_derived_from_consumption_when_not_declared():
    assert ins.electricity_user_class({"monthly_electricity_kwh": 1_200_000, "transformer_capacity_kva": 500})[0] == "II"


def test_validity_overdue_days_by_hand():
    inst = pd.DataFrame([dict(instrument_id="C1", status="合格", last_calibration_date=pd.Timestamp("2024-03-01"),
                              interval_months=12, previous_certificate_no="P")])
    v = ins.validity_table(inst, 2025).iloc[0]
    # valid until 2025-03-01: overdue 1 March–31 December = 31+30+31+30+31+31+30+31+30+31 = 306 days
    assert v["valid_until"] == pd.Timestamp("2025-03-01") and v["overdue_days"] == 306
    monthly = pd.DataFrame([dict(instrument_id="C1", line_id="L1", object="烟煤", parameter_zh="低位发热量", month=m)
                            for m in ["2025-01", "2025-02", "2025-05", "2025-12"]])
    streams = ins.overdue_streams(ins.validity_table(inst, 2025), monthly)
    assert streams.iloc[0]["overdue_days"] == 31 + 31  # May and December carry data while overdue
    f = ins.check_validity(ins.validity_table(inst, 2025), streams).iloc[0]
    assert f["verdict"] == "不符合" and f["facts"] == "C1有效期至2025-03-01，超期使用306天（影响数据：L1 烟煤低位发热量62天）"


def test_validity_without_previous_certificate_starts_at_the_last_date():
    inst = pd.DataFrame([dict(instrument_id="C1", status="合格", last_calibration_date=pd.Timestamp("2025-02-01"),
                              interval_months=12, previous_certificate_no=None)])
    assert ins.validity_table(inst, 2025).iloc[0]["overdue_days"] == 31  # January is not covered


def test_retention_years():
    f = check_retention({"records_kept_since_year": 2021}, 2025).iloc[0]
    assert f["verdict"] == "符合" and f["evidence"] == "原始记录最早保存至2021年，共5年（要求≥5年）"
    assert check_retention({"records_kept_since_year": 2022}, 2025).iloc[0]["verdict"] == "不符合"


def test_estimations():
    empty = pd.DataFrame(columns=["data_source"])
    est_cols = ["instrument_id", "parameter", "start", "end", "estimated_by", "approved_by", "excel_row"]
    assert check_estimations(empty, pd.DataFrame(columns=est_cols)).iloc[0]["verdict"] == "不适用"
    monthly = pd.DataFrame([dict(data_source="估算", object="熟料", parameter_zh="熟料产量", month="2025-03",
                                 instrument_id="M1", excel_row=9)])
    records = pd.DataFrame([dict(instrument_id=None, parameter="熟料/熟料产量", start=pd.Timestamp("2025-03-01"),
                                 end=pd.Timestamp("2025-03-31"), estimated_by="张三", approved_by="李四", excel_row=2)])
    assert check_estimations(monthly, records).iloc[0]["verdict"] == "符合"
    records.loc[0, "approved_by"] = None
    f = check_estimations(monthly, records).iloc[0]
    assert f["verdict"] == "不符合" and f["facts"] == "估算记录第2行（熟料/熟料产量）缺少批准人"
    f = check_estimations(monthly, records.iloc[0:0]).iloc[0]
    assert f["facts"] == "月度数据第9行 2025-03 熟料/熟料产量 为估算值，但没有对应的估算记录"


def test_fold_items_never_marks_person_items_conforming():
    items = fold_items(pd.DataFrame(columns=["item", "verdict", "evidence", "facts", "basis", "rectification", "method"]),
                       "management")
    assert (items["auto_verdict"] == "").all()


def test_accuracy_class_with_plus_minus_and_unreadable_classes():
    assert ins.parse_accuracy_class("±0.5%") == (0.5, False)
    table = ins.accuracy_table(pd.DataFrame([meter(accuracy_class="优等")]), pd.DataFrame(columns=["fuel_name"]),
                               {"electricity_user_class": "I"})
    assert table.iloc[0]["verdict"] == "" and "无法识别" in table.iloc[0]["note"]


def test_empty_ledger_does_not_crash():
    empty = pd.DataFrame(columns=["instrument_id", "status", "last_calibration_date", "interval_months",
                                  "previous_certificate_no", "instrument_name", "instrument_type", "metered_object",
                                  "level", "accuracy_class"])
    v = ins.validity_table(empty, 2025)
    assert v.empty and ins.check_validity(v, ins.overdue_streams(v, pd.DataFrame(columns=["instrument_id"]))).iloc[0]["verdict"] == "符合"
    assert ins.check_accuracy(ins.accuracy_table(empty, pd.DataFrame(columns=["fuel_name"]), {})).iloc[0]["verdict"] == "符合"


def test_main_vs_submeters_with_interval_quantities():
    from cementnb.review.data import main_vs_submeters

    times = pd.date_range("2025-01-01", periods=48, freq="1h")
    readings = pd.concat([pd.DataFrame({"meter_id": m, "timestamp": times, "value": v, "unit": "kWh", "file": "r.csv",
                                        "line": range(2, 50)}) for m, v in (("M", 100.0), ("S1", 50.0), ("S2", 50.0))])
    instruments = pd.DataFrame([dict(instrument_id=m, level=lv, metered_object="电力", reading_kind="区间量",
                                     collection_interval="1h", status="合格")
                                for m, lv in (("M", "进出用能单位"), ("S1", "主要次级用能单位"), ("S2", "主要次级用能单位"))])
    row = main_vs_submeters(readings, instruments).iloc[0]
    # 48 h × 100 kWh on the main meter, 48 h × (50 + 50) on the sub-meters: no excess
    assert row["main_total"] == 4800.0 and row["sub_total"] == 4800.0 and row["excess_fraction"] == 0.0
