"""Benchmark: ``cementnb batch`` against the naive loop, and against a bare kernel start.

    .venv/bin/python benchmarks/bench_batch.py            # 20 synthetic enterprises
    .venv/bin/python benchmarks/bench_batch.py -n 8 --jobs 2

In one run, on the same freshly generated synthetic enterprises (``cementnb samples --extra N``):

(a) naive: a sequential loop that, for each enterprise and notebook, calls the ``papermill`` CLI
    and then ``jupyter nbconvert --to html --no-input`` (the same output as the batch: an executed
    notebook and its HTML without code);
(b) ``cementnb batch`` (CLI, a fresh kernel per notebook, ``--jobs`` default: the cores);
floor: a bare kernel start (IPC transport) that runs ``import cementnb`` and shuts down, measured
    one at a time and ``jobs`` at a time.

Prints seconds per enterprise for (a) and (b) and their ratio, then the cost per notebook of (b)
against the floor. Not a test: nothing is asserted; the figures go into the README.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def generate(n: int, where: Path) -> list[Path]:
    from cementnb.samples import generate_samples

    params = where / "params-all"
    generate_samples(where / "samples", params, extra=n)
    chosen = where / "params"
    chosen.mkdir()
    files = []
    for path in sorted(params.glob("synthetic-*.yaml")):
        files.append(Path(shutil.copy(path, chosen / path.name)))
    return files


def naive(files: list[Path], out: Path) -> float:
    from cementnb.params import load_parameters_file, notebook_parameters
    from cementnb.runner import KERNEL_NAME, notebook_order

    t0 = time.perf_counter()
    for path in files:
        values = load_parameters_file(path)
        folder = out / values["enterprise_id"]
        folder.mkdir(parents=True)
        for name in notebook_order():
            params = notebook_parameters(name, values) | {"results_dir": str(folder)}
            pfile = folder / f"{name}.params.yaml"
            pfile.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
            executed = folder / f"{name}.ipynb"
            subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / f"{name}.ipynb"), str(executed),
                            "-f", str(pfile), "-k", KERNEL_NAME, "--cwd", str(ROOT)],
                           check=True, cwd=ROOT, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - t0


def batch(params_dir: Path, reports: Path, jobs: int | None) -> float:
    cmd = [str(BIN / "cementnb"), "batch", str(params_dir), "--reports", str(reports), "--no-progress"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
        raise SystemExit("cementnb batch failed")
    return seconds


def cell_seconds(reports: Path) -> float:
    """Mean time per notebook spent in its own cells (papermill's cell durations), batch run."""
    import nbformat

    totals = []
    for path in reports.glob("*/*/latest/*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        totals.append(sum((c.metadata.get("papermill", {}).get("duration") or 0.0) for c in nb.cells))
    return sum(totals) / len(totals) if totals else float("nan")


def load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:  # pragma: no cover
        return "?"


def bare_kernel() -> None:
    from jupyter_client.manager import KernelManager

    from cementnb.runner import KERNEL_NAME

    ipc = tempfile.mkdtemp(prefix="cnb-bench-", dir="/tmp" if os.path.isdir("/tmp") else None)
    km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(ipc, "k"))
    km.start_kernel(cwd=str(ROOT))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive("import cementnb", timeout=60)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        shutil.rmtree(ipc, ignore_errors=True)


def floor(count: int, jobs: int) -> tuple[float, float]:
    """Seconds per bare kernel: one at a time, and ``jobs`` at a time (wall / kernels)."""
    bare_kernel()  # warm the file cache
    t0 = time.perf_counter()
    for _ in range(count):
        bare_kernel()
    sequential = (time.perf_counter() - t0) / count

    todo = list(range(count * jobs))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            bare_kernel()

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    parallel = (time.perf_counter() - t0) / (count * jobs)
    return sequential, parallel


def main() -> None:
    from cementnb.runner import default_jobs, notebook_order

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=20, help="synthetic enterprises (default 20)")
    ap.add_argument("--jobs", type=int, default=None, help="cementnb batch --jobs (default: the cores)")
    ap.add_argument("--floor-kernels", type=int, default=10, help="bare kernel starts for the floor")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    jobs = args.jobs or default_jobs()
    notebooks = notebook_order()
    where = Path(tempfile.mkdtemp(prefix="cementnb-bench-"))
    try:
        files = generate(args.n, where)
        n_nb = len(files) * len(notebooks)
        print(f"开始时负载 {load()}；", end="")
        print(f"{len(files)} 家合成企业 × {len(notebooks)} 个笔记本（{', '.join(notebooks)}）= {n_nb} 次执行；"
              f"{os.cpu_count()} 核，--jobs {jobs}", flush=True)
        t_naive = naive(files, where / "naive")
        print(f"(a) 顺序调用 papermill CLI + jupyter nbconvert --to html：{t_naive:8.1f} s", flush=True)
        t_batch = batch(where / "params", where / "reports", args.jobs)
        print(f"(b) cementnb batch：                                 {t_batch:8.1f} s", flush=True)
        cells = cell_seconds(where / "reports")
        seq, par = floor(args.floor_kernels, jobs)
        per_nb = t_batch / n_nb
        print()
        print(f"每家企业：(a) {t_naive / len(files):.2f} s   (b) {t_batch / len(files):.2f} s   "
              f"(a)/(b) = {t_naive / t_batch:.1f}×")
        print(f"每个笔记本：(a) {t_naive / n_nb:.2f} s   (b) {per_nb:.2f} s（墙钟时间 / 笔记本数）")
        print(f"下限（裸内核启动并 import cementnb）：逐个 {seq:.2f} s/个，{jobs} 个并行 {par:.2f} s/个")
        print(f"(b) 每个笔记本 / 下限：对逐个 {per_nb / seq:.2f}×，对 {jobs} 个并行 {per_nb / par:.2f}×")
        print(f"其中笔记本自身各单元格的执行时间（批处理中，papermill 记录）：平均 {cells:.2f} s/个")
        print(f"结束时负载 {load()}")
    finally:
        if args.keep:
            print(f"保留：{where}")
        else:
            shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    main()
