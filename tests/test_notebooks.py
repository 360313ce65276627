"""The emissions notebook executed with papermill for every sample enterprise, and its failure
modes: a misspelt parameter and a broken workbook stop it with a Chinese message, no traceback."""

import json

import nbformat
import papermill as pm
import pytest
from numpy.testing import assert_allclose

from cementnb.emissions import EmissionConfig, calculate_emissions
from cementnb.loader import load_submission
from cementnb.runner import KERNEL_NAME, run_enterprise, run_notebook

from conftest import ROOT

SAMPLES = ["sample-a", "sample-b", "sample-c"]


@pytest.fixture(scope="module")
def batch(sample_batch):
    return sample_batch["rows"]


@pytest.mark.parametrize("enterprise", SAMPLES)
def test_notebook_runs_for_every_sample(batch, enterprise):
    row = batch[enterprise]
    assert row["status"] == "ok", row["message"]
    out = row["out_dir"]
    summary = json.loads((out / "emissions_summary.json").read_text(encoding="utf-8"))
    # the notebook's figure is the library's figure
    sub = load_submission(ROOT / "data" / "samples" / enterprise, 2025)
    expected = calculate_emissions(sub, EmissionConfig()).summary["total_t"]
    assert_allclose(summary["summary"]["total_t"], expected, rtol=1e-12)
    assert summary["inputs"][0]["sha256"] == sub.inputs.iloc[0]["sha256"]
    for name in ("monthly", "annual", "deviation", "defaults_used", "substitutions"):
        assert (out / f"emissions_{name}.csv").is_file()
    html = (out / "emissions.html").read_text(encoding="utf-8")
    assert "年度排放总量（复核）" in html and "def " not in html  # no code cells in the HTML


def test_results_are_deterministic(batch, tmp_path):
    first = batch["sample-c"]["out_dir"]
    again = run_enterprise(ROOT / "parameters" / "sample-c.yaml", reports_dir=tmp_path)
    for path in sorted(first.glob("emissions_*")):
        assert path.read_bytes() == (again["out_dir"] / path.name).read_bytes(), path.name


def test_defective_sample_lists_its_substitutions(batch):
    summary = json.loads((batch["sample-b"]["out_dir"] / "emissions_summary.json").read_text(encoding="utf-8"))
    assert summary["problems"]["errors"] > 0
    methods = {(s["parameter"], s["month"]): s["method"] for s in summary["substitutions"]}
    assert methods[("ncv_gj_per_t", "2025-03")] == "碳市场替代值"
    assert methods[("clinker_output_t", "2025-11")] == "设计产能×当月天数"


def _error_output(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return out
    return None


def test_misspelt_parameter_stops_with_chinese_message(tmp_path):
    out = run_notebook("emissions", {"reveiw_year": 2024, "results_dir": str(tmp_path)}, tmp_path)
    assert out["status"] == "failed"
    error = _error_output(out["output"])
    assert error["ename"] == "ParameterError"
    text = "\n".join(error["traceback"])
    assert "未知参数“reveiw_year”，是否应为“review_year”？" in text
    assert "Traceback" not in text and "File " not in text


def test_broken_workbook_stops_with_located_chinese_message(tmp_path):
    out = run_notebook("emissions", {"enterprise_dir": str(tmp_path / "nothing-here"), "results_dir": str(tmp_path)},
                       tmp_path)
    assert out["status"] == "failed"
    error = _error_output(out["output"])
    assert error["ename"] == "SubmissionError"
    text = "\n".join(error["traceback"])
    assert "找不到报送文件" in text and "submission.xlsx" in text and "Traceback" not in text
    assert out["output"].is_file()  # the failed notebook is kept as evidence


def test_parameters_cell_matches_the_declared_parameters():
    from cementnb.params import NOTEBOOK_PARAMETERS

    declared = pm.inspect_notebook(str(ROOT / "notebooks" / "emissions.ipynb"))
    specs = {s.name: s for s in NOTEBOOK_PARAMETERS["emissions"]}
    assert list(declared) == list(specs)
    for name, info in declared.items():
        assert eval(info["default"]) == specs[name].default, name  # noqa: S307 - our own notebook
        assert info["help"], f"parameter {name} has no comment"


def test_notebook_names_the_project_kernel():
    nb = nbformat.read(ROOT / "notebooks" / "emissions.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == KERNEL_NAME
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # committed without outputs
