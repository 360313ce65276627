"""Batch review runner: parallel batch with a broken enterprise, isolation (a failing cell, a kernel
that dies, a notebook that hangs), run records (manifest, atomic files, ``latest``), the register,
``verify``, and the Dask path. A small probe notebook keeps most of this fast: it is stored as
tests/fixtures/probe_notebook.json (so that nbval does not collect it: it hangs or kills its kernel
on purpose) and copied to ``probe.ipynb`` for the tests."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from cementnb import runner
from cementnb.cli import main
from cementnb.manifest import compare_results, create_run_dir, result_files, sha256_file
from cementnb.register import Register

from conftest import ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = ["sample-a", "sample-b", "sample-c"]
PROBE = {"probe": ()}


@pytest.fixture(scope="module")
def probe_dir(tmp_path_factory) -> Path:
    """A notebooks folder holding the probe notebook as ``probe.ipynb``."""
    folder = tmp_path_factory.mktemp("notebooks")
    shutil.copy(FIXTURES / "probe_notebook.json", folder / "probe.ipynb")
    return folder


def cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def write_params(folder: Path, enterprise_id: str, enterprise_dir: Path, **extra) -> Path:
    path = folder / f"{enterprise_id}.yaml"
    values = {"enterprise_id": enterprise_id, "enterprise_dir": str(enterprise_dir), "review_year": 2025, **extra}
    path.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    return path


def run_dirs(reports: Path, enterprise: str, year: int = 2025) -> list[Path]:
    return sorted(p for p in (reports / enterprise / str(year)).iterdir() if p.name != "latest")


# --------------------------------------------------------------------------------------------
# The batch of the sample enterprises plus a broken workbook, through the CLI


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    params = base / "parameters"
    params.mkdir()
    for name in SAMPLES:
        shutil.copy(ROOT / "parameters" / f"{name}.yaml", params)
    broken = base / "enterprises" / "broken-x"
    broken.mkdir(parents=True)
    (broken / "submission.xlsx").write_bytes(b"this is not an Excel workbook")
    write_params(params, "broken-x", broken)
    reports = base / "reports"
    t0 = time.monotonic()
    code, out, err = cli("batch", params, "--reports", reports, "--jobs", 2, "--no-progress")
    return {"code": code, "out": out, "err": err, "reports": reports, "params": params,
            "seconds": time.monotonic() - t0}


def test_batch_summary_locates_the_failure_and_completes_the_others(batch):
    assert batch["code"] == 1, batch["out"] + batch["err"]  # one enterprise failed
    out = batch["out"]
    assert "Traceback" not in out + batch["err"]
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith(("sample-", "broken-x"))}
    for name in SAMPLES:
        assert "完成" in lines[name], out
    assert "失败" in lines["broken-x"]
    # the located reason: notebook, cell, error, file
    reason = next(line for line in out.splitlines() if line.strip().startswith("broken-x：") and "运行记录" in line)
    assert "emissions.ipynb In [" in reason and "SubmissionError" in reason and "submission.xlsx" in reason
    assert "共 4 家企业，3 家完成，1 家失败。" in out
    for header in ("企业", "状态", "结论", "不符合项", "排放总量 (tCO2)"):
        assert header in out
    assert "符合规范要求" in lines["sample-a"] and "不符合规范要求" in lines["sample-b"]  # from the conclusion notebook


def test_manifests_record_inputs_parameters_versions_and_times(batch):
    reports = batch["reports"]
    git = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    for name in SAMPLES:
        (run,) = run_dirs(reports, name)
        assert (reports / name / "2025" / "latest").resolve() == run.resolve()
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "ok" and manifest["failure"] is None
        assert manifest["run_id"] == run.name and manifest["enterprise_id"] == name
        # inputs: every one hashed, with today's content
        inputs = manifest["inputs"]
        submission = f"data/samples/{name}/submission.xlsx"
        assert inputs[submission] == sha256_file(ROOT / submission)
        assert inputs["notebooks/emissions.ipynb"] == sha256_file(ROOT / "notebooks" / "emissions.ipynb")
        param_file = batch["params"] / f"{name}.yaml"
        assert inputs[param_file.as_posix()] == sha256_file(param_file)
        assert any(k.endswith("cementnb/data/factors.csv") for k in inputs)
        assert manifest["parameters"]["enterprise_id"] == name and manifest["parameters"]["review_year"] == 2025
        # each notebook gets only the parameters it declares, and the run folder as results_dir
        passed = manifest["notebooks"]["emissions"]["parameters"]
        assert passed["results_dir"] == str(run)
        assert set(passed) <= {s.name for s in runner.NOTEBOOK_PARAMETERS["emissions"]}
        versions = manifest["environment"]["packages"]
        for package in ("cementnb", "papermill", "pandas", "ipykernel", "dask", "distributed"):
            assert versions.get(package), package
        if git.returncode == 0:
            assert manifest["git"]["commit"] == git.stdout.strip()
        assert manifest["started"] < manifest["ended"]
        # fresh kernel per notebook, forked from the kernel template (libraries pre-imported)
        assert manifest["execution"]["kernel_template"] is True
        assert manifest["notebooks"]["emissions"]["kernel"] == "template"
        # results: hashed, and the files on disk match; records kept beside them
        assert manifest["results"] == result_files(run)
        assert "emissions_summary.json" in manifest["results"]
        assert {"emissions.ipynb", "emissions.html"} <= set(manifest["outputs"])
        assert not [p for p in run.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_results_files_hold_no_clock_time(batch):
    (run,) = run_dirs(batch["reports"], "sample-c")
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    for name in result_files(run):
        text = (run / name).read_text(encoding="utf-8")
        for stamp in (manifest["started"][:16], manifest["ended"][:16], run.name[:13]):
            assert stamp not in text, (name, stamp)


def test_failed_enterprise_keeps_its_executed_notebook_as_evidence(batch):
    (run,) = run_dirs(batch["reports"], "broken-x")
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"
    assert "SubmissionError" in manifest["failure"]
    assert manifest["notebooks"]["emissions"]["reason"] == "cell_error"
    nb = nbformat.read(run / "emissions.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "SubmissionError"
    assert nb.metadata["cementnb"]["status"] == "failed"
    assert (run / "emissions.html").is_file()


def test_register_rows(batch):
    path = batch["reports"] / "register.sqlite"
    with Register(path) as register:
        assert register.journal_mode == "wal"
        rows = {r["enterprise_id"]: r for r in register.runs()}
    assert set(rows) == {*SAMPLES, "broken-x"}
    for name in SAMPLES:
        row = rows[name]
        run = Path(row["run_dir"])
        summary = json.loads((run / "emissions_summary.json").read_text(encoding="utf-8"))
        assert row["status"] == "ok" and row["review_year"] == 2025 and row["run_id"] == run.name
        assert row["total_emission_t"] == summary["summary"]["total_t"]
        assert row["emission_totals"]["by_source"]
        conclusion = json.loads((run / "conclusion_summary.json").read_text(encoding="utf-8"))
        assert row["conclusion"] == conclusion["conclusion_zh"]
        assert row["nonconforming_count"] == conclusion["nonconforming_count"]
        assert row["manifest_sha256"] == sha256_file(run / "manifest.json")
    assert rows["broken-x"]["status"] == "failed" and "SubmissionError" in rows["broken-x"]["failure"]


def test_history_command(batch):
    code, out, _ = cli("history", "--reports", batch["reports"])
    assert code == 0
    for name in (*SAMPLES, "broken-x"):
        assert name in out
    assert "共 4 次运行" in out
    code, out, _ = cli("history", "sample-b", "--reports", batch["reports"])
    assert code == 0 and "sample-b" in out and "sample-a" not in out
    code, _, err = cli("history", "sample-x", "--reports", batch["reports"])
    assert code == 2 and "sample-x" in err and "Traceback" not in err
    code, _, err = cli("history", "--reports", batch["reports"] / "nowhere")
    assert code == 2 and "找不到登记库" in err


def test_verify_untouched_run_is_identical(batch):
    run = batch["reports"] / "sample-a" / "2025" / "latest"
    code, out, err = cli("verify", run, "--no-progress")
    assert code == 0, out + err
    assert "逐字节一致" in out
    with Register(batch["reports"] / "register.sqlite") as register:
        rows = register.runs("sample-a")
    check = next(r for r in rows if r["verifies"])
    assert check["identical"] == 1 and check["verifies"] == run.resolve().name
    # the re-execution is a run of its own; latest still points at the verified run
    assert len(run_dirs(batch["reports"], "sample-a")) >= 2
    assert run.resolve().name == check["verifies"]


def test_two_runs_never_overwrite_each_other(batch):
    reports = batch["reports"]
    first = (reports / "sample-b" / "2025" / "latest").resolve()
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    code, out, err = cli("review", batch["params"] / "sample-b.yaml", "--reports", reports, "--no-progress")
    assert code == 0, out + err
    second = (reports / "sample-b" / "2025" / "latest").resolve()
    assert second != first
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before  # the earlier run is untouched
    results = set(json.loads((second / "manifest.json").read_text(encoding="utf-8"))["results"])
    assert results == {n for n in before if n.endswith((".csv", ".json")) and n not in ("manifest.json", "run_inputs.json")}


def test_run_folders_are_unique_under_concurrency(tmp_path):
    made = []

    def make():
        for _ in range(25):
            made.append(create_run_dir(tmp_path))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({run_id for run_id, _ in made}) == 100 and len(list(tmp_path.iterdir())) == 100


# --------------------------------------------------------------------------------------------
# Isolation with the probe notebook: a failing cell, a kernel that dies, a notebook that hangs


@pytest.fixture(scope="module")
def probes(tmp_path_factory, probe_dir):
    base = tmp_path_factory.mktemp("probes")
    params = base / "parameters"
    params.mkdir()
    files = []
    for name in ("hang-x", "ok-1", "crash-x", "fail-x", "ok-2"):
        folder = base / "enterprises" / name
        folder.mkdir(parents=True)
        (folder / "submission.txt").write_text(f"{name}\n", encoding="utf-8")
        files.append(write_params(params, name, folder))
    reports = base / "reports"
    t0 = time.monotonic()
    rows = runner.run_batch(files, reports_dir=reports, jobs=2, timeout=5, notebooks=PROBE,
                            notebooks_dir=probe_dir, html=False)
    return {"rows": {r["enterprise_id"]: r for r in rows}, "reports": reports, "base": base,
            "seconds": time.monotonic() - t0}


def test_one_failure_never_stops_the_others(probes):
    rows = probes["rows"]
    assert rows["ok-1"]["status"] == "ok" and rows["ok-2"]["status"] == "ok"
    assert json.loads((rows["ok-1"]["out_dir"] / "probe_summary.json").read_text(encoding="utf-8"))["enterprise_id"] == "ok-1"
    assert "超时" in rows["hang-x"]["failure"] and "probe.ipynb" in rows["hang-x"]["failure"]
    assert rows["hang-x"]["notebooks"]["probe"]["reason"] == "timeout"
    assert "内核意外退出" in rows["crash-x"]["failure"]
    assert rows["crash-x"]["notebooks"]["probe"]["reason"] == "kernel_died"
    assert "ValueError：探针笔记本按要求出错" in rows["fail-x"]["failure"] and "In [" in rows["fail-x"]["failure"]
    # the hang cost its timeout, not the batch: the others ran meanwhile
    assert probes["seconds"] < 60
    with Register(probes["reports"] / "register.sqlite") as register:
        status = {r["enterprise_id"]: (r["status"], r["failure"]) for r in register.runs()}
    assert status["hang-x"][0] == "failed" and "超时" in status["hang-x"][1]
    assert status["ok-1"] == ("ok", None)


def test_hung_notebook_is_killed_at_its_timeout_and_kept(probes):
    run = probes["rows"]["hang-x"]["out_dir"]
    seconds = json.loads((run / "manifest.json").read_text(encoding="utf-8"))["notebooks"]["probe"]["seconds"]
    assert 5 <= seconds < 20
    nb = nbformat.read(run / "probe.ipynb", as_version=4)
    assert nb.metadata["cementnb"]["reason"] == "timeout"
    hung = [c for c in nb.cells if any(o.get("ename") == "Timeout" for o in c.get("outputs", []))]
    assert len(hung) == 1 and "time.sleep(3600)" in hung[0].source
    assert "超过 5 秒" in nb.cells[0].source  # banner for the reader


def test_worker_outliving_its_timeout_is_terminated(tmp_path, probe_dir):
    """The coordinator's backstop: a worker still running past timeout + grace is terminated."""
    from cementnb.executors import LocalExecutor

    executor = LocalExecutor(1, timeout=30, grace=-28.0)  # backstop after 2 s, before run()'s own 30 s
    params = {"enterprise_id": "hang-w", "enterprise_dir": str(tmp_path), "review_year": 2025,
              "results_dir": str(tmp_path)}
    executor.submit("k", (0, 0), dict(notebook="probe", parameters=params, out_dir=tmp_path, timeout=30,
                                      notebooks_dir=probe_dir, project_dir=ROOT, html=False))
    t0, events = time.monotonic(), []
    try:
        while not any(e[0] == "done" for e in events) and time.monotonic() - t0 < 60:
            events += executor.poll(0.5)
    finally:
        executor.shutdown(kill=True)
    done = next(e[2] for e in events if e[0] == "done")
    assert done["status"] == "failed" and done["reason"] == "timeout" and "强制终止" in done["message"]
    assert time.monotonic() - t0 < 20


def test_dependents_of_a_failed_notebook_are_not_run(tmp_path, probe_dir):
    folder = tmp_path / "fail-dep"
    folder.mkdir()
    param = write_params(tmp_path, "fail-dep", folder)
    shutil.copy(probe_dir / "probe.ipynb", tmp_path / "probe.ipynb")
    shutil.copy(probe_dir / "probe.ipynb", tmp_path / "after.ipynb")
    row = runner.run_enterprise(param, reports_dir=tmp_path / "reports", notebooks={"probe": (), "after": ("probe",)},
                                notebooks_dir=tmp_path, html=False, register=False)
    assert row["status"] == "failed"
    assert row["notebooks"]["after"]["reason"] == "dependency"
    assert "after.ipynb" in row["failure"] and "probe.ipynb" in row["failure"]
    assert not (row["out_dir"] / "after.ipynb").exists()


def test_notebook_order_follows_dependencies():
    graph = {"conclusion": ("a", "b"), "a": (), "b": ("a",)}
    assert runner.notebook_order(graph) == ["a", "b", "conclusion"]
    with pytest.raises(ValueError, match="循环"):
        runner.notebook_order({"a": ("b",), "b": ("a",)})
    with pytest.raises(ValueError, match="不在笔记本列表中"):
        runner.notebook_order({"a": ("missing",)})
    # the notebooks listed exist, with declared parameters
    for name in runner.notebook_order():
        assert (ROOT / "notebooks" / f"{name}.ipynb").is_file(), name
        assert name in runner.NOTEBOOK_PARAMETERS, name


def test_kernel_start_failure_is_retried_once(tmp_path, monkeypatch, probe_dir):
    real = runner._kernel_manager_class
    failures = {"left": 1}

    def flaky(*args, **kwargs):
        cls = real(*args, **kwargs)

        class Flaky(cls):
            async def start_kernel(self, **kw):
                if failures["left"] > 0:
                    failures["left"] -= 1
                    raise RuntimeError("simulated: Address already in use")
                return await super().start_kernel(**kw)

        return Flaky

    monkeypatch.setattr(runner, "_kernel_manager_class", flaky)
    params = {"enterprise_id": "ok-r", "enterprise_dir": str(tmp_path), "review_year": 2025, "results_dir": str(tmp_path)}
    status = runner.run(probe_dir / "probe.ipynb", params, tmp_path, timeout=60, html=False)
    assert status["status"] == "ok" and status["attempts"] == 2
    failures["left"] = 5
    status = runner.run(probe_dir / "probe.ipynb", params, tmp_path, timeout=60, html=False)
    assert status["status"] == "failed" and status["reason"] == "kernel_start" and status["attempts"] == 2
    assert "内核未能启动" in status["message"] and "已重试 1 次" in status["message"]
    assert (tmp_path / "probe.ipynb").is_file()


def test_verify_names_a_changed_input(probes):
    base, reports = probes["base"], probes["reports"]
    run_id = probes["rows"]["ok-2"]["run_id"]
    param = base / "parameters" / "ok-2.yaml"
    param.write_text(param.read_text(encoding="utf-8") + "# edited after the run\n", encoding="utf-8")
    code, out, err = cli("verify", run_id, "--reports", reports, "--no-progress")
    assert code == 1, out + err
    assert "ok-2.yaml" in out and "已改变" in out and "未重新执行" in out


def test_verify_names_the_result_that_differs(probes):
    base, reports = probes["base"], probes["reports"]
    run = probes["rows"]["ok-1"]["out_dir"]
    # A file the notebook reads but that is not a recorded input changes: the result differs.
    (base / "enterprises" / "outside.txt").write_text("changed", encoding="utf-8")
    try:
        code, out, err = cli("verify", run, "--no-progress")
    finally:
        (base / "enterprises" / "outside.txt").unlink()
    assert code == 1, out + err
    assert "probe_summary.json：内容不同" in out and "结果不一致" in out
    with Register(reports / "register.sqlite") as register:
        check = next(r for r in register.runs("ok-1") if r["verifies"])
    assert check["verifies"] == run.name and check["identical"] == 0


def test_verify_rejects_what_is_not_a_run(tmp_path):
    code, _, err = cli("verify", tmp_path, "--reports", tmp_path)
    assert code == 2 and "不是运行记录" in err and "Traceback" not in err
    code, _, err = cli("verify", "20990101T000000000000Z-abcdef", "--reports", tmp_path)
    assert code == 2 and "找不到运行记录" in err


def test_compare_results():
    assert compare_results({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "9", "d": "4"}) == {
        "different": ["b"], "missing": ["c"], "extra": ["d"]}


# --------------------------------------------------------------------------------------------
# Command line


def test_bad_input_is_a_message_not_a_traceback(tmp_path):
    code, _, err = cli("batch", tmp_path / "nothing")
    assert code == 2 and "没有找到参数文件" in err
    code, _, err = cli("review", tmp_path)
    assert code == 2 and "review 只审查一家企业" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("enterprise_id: bad\nreveiw_year: 2025\n", encoding="utf-8")
    code, out, err = cli("review", bad, "--reports", tmp_path / "reports", "--no-progress")
    assert code == 1 and "未知参数“reveiw_year”，是否应为“review_year”？" in out and "Traceback" not in out + err
    proc = subprocess.run([sys.executable, "-m", "cementnb.cli", "batch", "parameters", "--jobs", "0"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "正整数" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["review", "batch", "history", "verify"])
def test_help_is_bilingual(command):
    proc = subprocess.run([sys.executable, "-m", "cementnb.cli", command, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in proc.stdout)
    assert "register" in proc.stdout or "run" in proc.stdout


# --------------------------------------------------------------------------------------------
# Dask


def test_dask_cluster_gives_the_same_results_as_a_local_run(batch, tmp_path):
    distributed = pytest.importorskip("distributed")
    params = tmp_path / "parameters"
    params.mkdir()
    for name in ("sample-a", "sample-c"):
        shutil.copy(batch["params"] / f"{name}.yaml", params)
    reports = tmp_path / "reports"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        code, out, err = cli("batch", params, "--reports", reports, "--scheduler", cluster.scheduler_address,
                             "--no-progress")
    assert code == 0, out + err
    for name in ("sample-a", "sample-c"):
        remote = json.loads((reports / name / "2025" / "latest" / "manifest.json").read_text(encoding="utf-8"))
        local = json.loads((run_dirs(batch["reports"], name)[0] / "manifest.json").read_text(encoding="utf-8"))
        assert remote["execution"]["backend"] == "dask"
        assert remote["notebooks"]["emissions"]["kernel"] == "process"  # a plain kernel: same results
        assert remote["results"] == local["results"]  # byte-identical results
        submission = f"data/samples/{name}/submission.xlsx"
        assert remote["inputs"][submission] == local["inputs"][submission]
