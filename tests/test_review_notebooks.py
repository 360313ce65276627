"""Every review-section notebook and the conclusion, executed by the batch runner (papermill) for
every sample enterprise into one run folder: the conclusion reads the sections' result files."""

import json

import nbformat
import papermill as pm
import pytest

from cementnb.params import NOTEBOOK_PARAMETERS
from cementnb.samples import EXPECTED_CONCLUSION, REVIEW_DEFECTS

from conftest import ROOT

NOTEBOOKS = ["management", "personnel", "instruments", "data", "conclusion"]


@pytest.fixture(scope="module")
def runs(sample_batch):
    rows = sample_batch["rows"]
    for enterprise in EXPECTED_CONCLUSION:
        assert rows[enterprise]["status"] == "ok", rows[enterprise]["message"]
    return {e: rows[e]["out_dir"] for e in EXPECTED_CONCLUSION}


@pytest.mark.parametrize("enterprise", list(EXPECTED_CONCLUSION))
def test_review_notebooks_conclude_as_expected(runs, enterprise):
    folder = runs[enterprise]
    summary = json.loads((folder / "conclusion_summary.json").read_text(encoding="utf-8"))
    assert summary["conclusion_zh"] == EXPECTED_CONCLUSION[enterprise]
    assert summary["nonconforming_count"] == len(REVIEW_DEFECTS[enterprise])
    assert all(s["source"].startswith("本次运行的分部结果文件") for s in summary["sections"])
    assert {i["file"] for i in summary["inputs"]} == {"submission.xlsx", "record.xlsx"}
    for notebook in NOTEBOOKS[:-1]:
        assert (folder / f"{notebook}_items.csv").is_file() and (folder / f"{notebook}_summary.json").is_file()


def test_instruments_notebook_writes_the_d8_d9_tables(runs):
    folder = runs["sample-b"]
    for name in ("equipping", "accuracy", "validity", "overdue_streams"):
        assert (folder / f"instruments_{name}.csv").is_file()
    data = json.loads((folder / "data_summary.json").read_text(encoding="utf-8"))
    assert any(i["file"] == "readings/meters.csv.gz" for i in data["inputs"])


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_review_notebooks_declare_their_parameters(notebook):
    declared = pm.inspect_notebook(str(ROOT / "notebooks" / f"{notebook}.ipynb"))
    assert list(declared) == [s.name for s in NOTEBOOK_PARAMETERS[notebook]]
    nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "cementnb"
    assert "validate_parameters" in nb.cells[2].source  # the first cell after the parameters validates them
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
