"""Shared test helpers: a small hand-built submission whose emissions are computed by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cementnb.template import write_workbook

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]


def minimal_rows(*, coal_t=10_000.0, clinker_t=100_000.0, purchased_mwh=8_000.0):
    """One 5 000 t/d line, bituminous coal, electricity at site level: every month the same.

    By hand (Chinese integer ratios, default CC 0.02618 tC/GJ and OF 0.93 for 烟煤):
      carbonate  12 × 100 000 × (0.64 × 44/56 + 0.015 × 44/40)   = 623 228.5714 t
      raw meal   12 × 155 000 × 0.002 × 44/12                    =  13 640.0000 t
      coal       12 × 10 000 × 23.204 × 0.02618 × 0.93 × 44/12   = 248 581.1112 t
      power      12 × 8 000 × 0.5703                             =  54 748.8000 t
      total                                                      = 940 198.4826 t
    """
    monthly = []
    for m in MONTHS:
        monthly += [
            dict(month=m, line_id="L1", object="熟料", parameter="熟料产量", value=clinker_t, unit="t", data_source="实测"),
            dict(month=m, line_id="L1", object="熟料", parameter="CaO含量", value=65.0, unit="%"),
            dict(month=m, line_id="L1", object="熟料", parameter="非碳酸盐CaO含量", value=1.0, unit="%"),
            dict(month=m, line_id="L1", object="熟料", parameter="MgO含量", value=0.02, unit="1"),
            dict(month=m, line_id="L1", object="熟料", parameter="非碳酸盐MgO含量", value=0.5, unit="%"),
            dict(month=m, line_id="L1", object="熟料", parameter="生料消耗量", value=15.5, unit="万t"),
            dict(month=m, line_id="L1", object="熟料", parameter="生料TOC含量", value=0.2, unit="%"),
            dict(month=m, line_id="L1", object="烟煤", parameter="消耗量", value=coal_t, unit="t"),
            dict(month=m, line_id="L1", object="烟煤", parameter="低位发热量", value=23_204.0, unit="kJ/kg"),
            dict(month=m, line_id="全厂", object="电力", parameter="购入电量", value=purchased_mwh * 1000, unit="kWh"),
        ]
    return {
        "生产线": [dict(line_id="L1", line_name="1号线", design_capacity_t_per_d=5000, clinker_type="硅酸盐水泥熟料")],
        "岗位人员": [dict(person_name="王工", post="计量管理", last_training_date=date(YEAR, 3, 1))],
        "管理文件": [dict(document_no="D1", document_title="管理办法", topics=("职责权限",))],
        "计量器具": [dict(instrument_id="M1", instrument_name="皮带秤", metered_object="熟料", level="主要次级用能单位",
                      instrument_type="动态衡器", status="合格")],
        "计量点": [dict(point_id="P1", metered_object="熟料", level="主要次级用能单位", instrument_id="M1")],
        "月度数据": monthly,
        "燃料": [dict(fuel_name="烟煤", fuel_category="化石燃料", fuel_form="固", fuel_kind="烟煤")],
        "报告排放": [dict(item="合计", emission_t=950_000.0)],
    }


ENTERPRISE = dict(enterprise_name="测试水泥有限公司", credit_code="91420500MA4F000016", review_year=YEAR, altitude_m=50)


@pytest.fixture
def make_submission(tmp_path):
    """Write a workbook from rows (default: minimal_rows()) and return its path."""

    def make(rows=None, enterprise=None, name="submission.xlsx"):
        path = tmp_path / name
        write_workbook(path, rows or minimal_rows(), enterprise=enterprise or ENTERPRISE)
        return path

    return make


EVIL_NAME = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def sample_batch(tmp_path_factory):
    """One ``cementnb`` batch (with PDF reports and the index page) over the three sample
    enterprises and a fourth whose name is an attack (sample-x, a copy of sample-a): shared by
    the notebook, review and report tests, as ``make review`` would leave them."""
    import shutil

    import openpyxl
    import yaml

    from cementnb.runner import run_batch

    work = tmp_path_factory.mktemp("batch")
    evil = work / "sample-x"
    shutil.copytree(ROOT / "data" / "samples" / "sample-a", evil)
    wb = openpyxl.load_workbook(evil / "submission.xlsx")
    wb["企业信息"]["B2"] = EVIL_NAME
    wb.save(evil / "submission.xlsx")
    params = yaml.safe_load((ROOT / "parameters" / "sample-a.yaml").read_text(encoding="utf-8"))
    params.update(enterprise_id="sample-x", enterprise_dir=str(evil))
    evil_params = work / "sample-x.yaml"
    evil_params.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    files = [ROOT / "parameters" / f"{e}.yaml" for e in ("sample-a", "sample-b", "sample-c")] + [evil_params]
    rows = run_batch(files, reports_dir=work / "reports", pdf=True)
    return {"reports": work / "reports", "rows": {r["enterprise_id"]: r for r in rows}}
