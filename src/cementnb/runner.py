"""Execute the review notebooks with papermill and keep a transparent, verifiable record.

Unit of work
------------
:func:`run` ``(notebook, parameters, out_dir) -> status``: one notebook, executed with papermill's
Python API in a **fresh kernel** (IPC transport, so that many kernels started at once cannot
race for TCP ports), under a **hard timeout** (the kernel is killed when it runs out), with one
retry when the kernel fails to start. It never raises for a failing notebook: the executed
notebook is written in any case (atomically, under its real name only once complete) because a
failure is evidence. It returns a plain, picklable ``dict``; the same function runs in a local
worker process or on a Dask worker (``--scheduler``).

Notebooks of a review
---------------------
:data:`NOTEBOOKS` maps each notebook to the notebooks whose results it reads. Notebooks without
a dependency between them run concurrently; a notebook runs once its dependencies finished
without error (otherwise it is not run, and the reason says which dependency failed). Each
notebook receives only the parameters it declares (:func:`cementnb.params.notebook_parameters`),
plus ``results_dir`` = the run folder, where every notebook writes its results and where the
conclusion notebook reads the others'.

Batches and run records
-----------------------
:func:`run_batch` reviews many enterprises: each gets a new run folder
``reports/<enterprise>/<year>/<run-id>/`` (see :mod:`cementnb.manifest`), its notebooks go to an
executor (:class:`cementnb.executors.LocalExecutor`: worker processes on this machine, or
:class:`cementnb.executors.DaskExecutor`), and when its last notebook finishes the run is sealed:
results hashed, ``manifest.json`` written, the run entered in the register
(:mod:`cementnb.register`), and ``latest`` moved to it. One enterprise's failure never stops the
others. :func:`verify_run` re-executes a recorded run and compares every result.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .manifest import (
    MANIFEST_NAME,
    check_inputs,
    compare_results,
    create_run_dir,
    display_path,
    environment,
    git_revision,
    hash_files,
    input_files,
    new_run_id,
    output_files,
    read_manifest,
    resolve_latest,
    resolve_recorded_path,
    result_files,
    sha256_file,
    update_latest,
    utc_now,
    write_manifest,
)
from .params import NOTEBOOK_PARAMETERS, ParameterError, load_parameters_file, notebook_parameters, project_root
from .register import DEFAULT_REGISTER_NAME, Register
from .results import atomic_write_text

__all__ = [
    "KERNEL_NAME",
    "NOTEBOOKS",
    "DEFAULT_TIMEOUT",
    "RunError",
    "BatchProgress",
    "run",
    "run_notebook",
    "render_html",
    "notebook_order",
    "default_jobs",
    "run_batch",
    "run_enterprise",
    "verify_run",
    "find_run",
]

KERNEL_NAME = "cementnb"

#: The notebooks of a review: name -> the notebooks it depends on (whose result files it reads
#: from the run folder). Add a notebook by adding its entry once ``notebooks/<name>.ipynb`` exists
#: and its parameters are declared in ``cementnb.params.NOTEBOOK_PARAMETERS``, e.g.
#: ``"management": ()`` ... and
#: ``"conclusion": ("management", "personnel", "instruments", "data", "emissions")``.
NOTEBOOKS: dict[str, tuple[str, ...]] = {
    "management": (),
    "personnel": (),
    "instruments": (),
    "data": (),
    "emissions": (),
    "conclusion": ("management", "personnel", "instruments", "data"),
    "report": ("conclusion", "emissions"),
}

#: Seconds one notebook may take, kernel start included, before its kernel is killed.
DEFAULT_TIMEOUT = 600
#: Seconds to wait for a kernel to answer after its start (then: one retry).
KERNEL_START_TIMEOUT = 60
#: Retries when a kernel fails to start.
START_RETRIES = 1

_SAFE_ID = re.compile(r"[\w\-][\w.\-]*")


class RunError(Exception):
    """A user-facing problem (bad run folder, unknown run id...): the message is in Chinese."""


# --------------------------------------------------------------------------------------------
# The notebook graph


def notebook_order(notebooks: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """The notebooks in an order where each comes after its dependencies.

    Raises
    ------
    ValueError
        A dependency that is not itself in the graph, or a cycle.
    """
    graph = NOTEBOOKS if notebooks is None else notebooks
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise ValueError("笔记本依赖关系有循环：" + " → ".join((*path, name)))
        state[name] = 1
        for dep in graph[name]:
            if dep not in graph:
                raise ValueError(f"笔记本“{name}”依赖的“{dep}”不在笔记本列表中")
            visit(dep, (*path, name))
        state[name] = 2
        order.append(name)

    for name in graph:
        visit(name, ())
    return order


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------------------------
# The unit of work: one notebook, one fresh kernel

#: Kernel managers alive in this process (for the worker's SIGTERM handler).
_LIVE_KERNELS: "weakref.WeakSet[Any]" = weakref.WeakSet()


def _ipc_root() -> str:
    # Unix socket paths are limited to ~104 bytes: keep the folder short.
    tmp = tempfile.gettempdir()
    return tmp if len(tmp) < 40 else ("/tmp" if os.path.isdir("/tmp") else tmp)


def _kernel_manager_class(ipc_dir: Path, cwd: Path, started: list, log_path: Path,
                          template: Mapping[str, str] | None = None):
    """A kernel manager on the IPC transport in ``ipc_dir``, started in ``cwd`` with a fixed hash
    seed and its output to ``log_path``, forked by the kernel template when one is given (see
    :mod:`cementnb.kernels`); every kernel it starts is listed in ``started``."""
    from jupyter_client.manager import AsyncKernelManager

    from .kernels import template_provisioner_class

    class IPCKernelManager(AsyncKernelManager):
        launched_by = "process"
        kernel_pid: int | None = None
        kernel_pgid: int | None = None

        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(ipc_dir / "kernel"))
            super().__init__(**kwargs)

        async def start_kernel(self, **kwargs):
            kwargs.setdefault("cwd", str(cwd))
            env = dict(kwargs.pop("env", None) or os.environ)
            env["PYTHONHASHSEED"] = "0"  # no hash randomisation inside results
            kwargs["env"] = env
            if self.provisioner is None:
                import uuid

                self.kernel_id = self.kernel_id or str(uuid.uuid4())
                provisioner = template_provisioner_class()(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                           parent=self)
                provisioner.log_path = str(log_path)
                if template:
                    provisioner.template_socket = template.get("socket")
                    provisioner.template_python = template.get("python")
                self.provisioner = provisioner
            result = await super().start_kernel(**kwargs)
            self.launched_by = getattr(self.provisioner, "launched_by", "process")
            self.kernel_pid = getattr(self.provisioner, "pid", None)
            self.kernel_pgid = getattr(self.provisioner, "pgid", None)
            started.append(self)
            _LIVE_KERNELS.add(self)
            return result

    return IPCKernelManager


def _kill_kernel(km) -> None:
    """Kill a kernel's process group at once (the kernel runs in a session of its own)."""
    pid = getattr(km, "kernel_pid", None)
    pgid = getattr(km, "kernel_pgid", None)
    try:
        if pgid and hasattr(os, "killpg") and pgid != os.getpgrp():
            os.killpg(pgid, signal.SIGKILL)
        elif pid:
            os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _alive(km) -> bool:
    pid = getattr(km, "kernel_pid", None)
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def kill_live_kernels() -> None:
    """Kill every kernel this process started and has not shut down (SIGTERM handler)."""
    for km in list(_LIVE_KERNELS):
        _kill_kernel(km)


def _first_line(source: str, width: int = 36) -> str:
    line = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def one_line(text: str) -> str:
    """A multi-line message on one line: lines joined by "；" (by a space after a colon)."""
    out = ""
    for part in (p.strip() for p in str(text).splitlines()):
        if part:
            out += ("" if not out else " " if out.endswith(("：", ":")) else "；") + part
    return out


_oneline = one_line


def _error_message(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    evalue = str(exc) if evalue is None else evalue
    return f"{ename}：{_oneline(evalue)}".rstrip("：")


def _execute_once(source: Path, part: Path, parameters: Mapping[str, Any], project: Path, kernel_name: str,
                  deadline: float, template: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One papermill execution into ``part``; classify what happened."""
    import papermill as pm
    from nbclient.exceptions import DeadKernelError

    name = source.stem
    remaining = max(1.0, deadline - time.monotonic())
    ipc_dir = Path(tempfile.mkdtemp(prefix="cnb-", dir=_ipc_root()))
    log_path = ipc_dir / "kernel.log"
    kernels: list = []
    state = {"ready": False, "timed_out": False}

    def on_ready(**_):
        state["ready"] = True

    def expire():
        state["timed_out"] = True
        for km in list(kernels):
            _kill_kernel(km)

    timer = threading.Timer(remaining, expire)
    timer.daemon = True
    outcome: dict[str, Any] = {"reason": None, "message": "", "cell": None, "ename": None}
    timer.start()
    try:
        pm.execute_notebook(
            str(source), str(part), parameters=dict(parameters), kernel_name=kernel_name,
            progress_bar=False, log_output=False, start_timeout=int(min(KERNEL_START_TIMEOUT, remaining)) or 1,
            kernel_manager_class=_kernel_manager_class(ipc_dir, project, kernels, log_path, template),
            on_notebook_start=on_ready,
            # Outputs and result files are complete when the last cell has finished: stop the
            # kernel at once rather than wait for its graceful exit (~0.2 s idle per notebook).
            shutdown_kernel="immediate",
        )
    except pm.PapermillExecutionError as exc:
        outcome.update(reason="cell_error", cell=exc.exec_count, ename=exc.ename,
                       message=f"{name}.ipynb In [{exc.exec_count}] “{_first_line(exc.source)}”："
                               f"{_error_message(exc)}")
    except Exception as exc:  # noqa: BLE001 - every failure becomes a status
        if state["timed_out"]:
            outcome.update(reason="timeout", ename="Timeout")
        elif not state["ready"]:
            hint = "；请先运行 scripts/setup.sh 注册内核" if type(exc).__name__ == "NoSuchKernel" else ""
            outcome.update(reason="kernel_start", ename=type(exc).__name__,
                           message=f"{name}.ipynb：内核未能启动（{_error_message(exc)}{hint}）")
        elif isinstance(exc, DeadKernelError):
            outcome.update(reason="kernel_died", ename="DeadKernelError")
        else:
            outcome.update(reason="internal", ename=type(exc).__name__,
                           message=f"{name}.ipynb：执行中断（{_error_message(exc)}）")
    finally:
        timer.cancel()
        for km in kernels:  # normally shut down by nbclient already; make sure
            if _alive(km):
                _kill_kernel(km)
        outcome["kernel"] = kernels[-1].launched_by if kernels else None
        try:
            outcome["kernel_log"] = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
        finally:
            shutil.rmtree(ipc_dir, ignore_errors=True)
    return outcome


_REASON_TEXT = {
    "timeout": "执行超时，内核已被终止",
    "kernel_died": "内核意外退出",
    "kernel_start": "内核未能启动",
    "worker_died": "工作进程意外退出",
}


def _stopped_cell(nb) -> tuple[Any, str]:
    """The code cell that was running when the kernel stopped (the last one started), and where it is."""
    started = [(i, c) for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return None, "启动时"
    index, cell = started[-1]
    where = f"In [{cell.execution_count}]" if cell.get("execution_count") else f"第 {index + 1} 个单元格"
    return cell, f"{where} “{_first_line(cell.source)}”"


def _seal_notebook(part: Path, final: Path, status: Mapping[str, Any], timeout: float | None = None):
    """Annotate the executed notebook with the outcome and move it to its real name."""
    import nbformat

    nb = nbformat.read(part, as_version=4)
    reason = status.get("reason")
    if reason in ("timeout", "kernel_died", "worker_died", "interrupted"):
        cell, where = _stopped_cell(nb)
        if reason == "timeout":
            text = f"执行超时：超过 {timeout:g} 秒，内核已被终止（停在 {where}）" if timeout else f"执行超时，内核已被终止（停在 {where}）"
        elif reason == "kernel_died":
            text = f"内核意外退出（在 {where}）"
        elif reason == "interrupted":
            text = f"运行被中断（在 {where}）"
        else:
            text = f"工作进程意外退出（在 {where}）"
        if cell is not None:
            cell.outputs.append(nbformat.v4.new_output("error", ename=status.get("ename") or reason, evalue=text,
                                                       traceback=[text]))
            cell.metadata.setdefault("papermill", {}).update(status="failed", exception=True)
        banner = nbformat.v4.new_markdown_cell(f'<span style="color:red; font-size:1.5em;">{text}</span>',
                                               metadata={"tags": ["cementnb-error"]})
        nb.cells.insert(0, banner)
        if not status.get("message"):
            status = dict(status, message=f"{final.stem}.ipynb：{text}")
    nb.metadata.setdefault("papermill", {})["output_path"] = final.name
    nb.metadata["cementnb"] = {k: status.get(k) for k in ("status", "reason", "message", "attempts")}
    nbformat.write(nb, str(part))
    os.replace(part, final)
    return nb, status


_HTML_EXPORTERS: dict[str, Any] = {}
_HTML_LOCK = threading.Lock()
#: The notebook rendered with the audit-report template (cementnb.report) instead of the default.
REPORT_NOTEBOOK = "report"


def _html_exporter(kind: str = "default"):
    if kind not in _HTML_EXPORTERS:
        from nbconvert import HTMLExporter

        if kind == REPORT_NOTEBOOK:
            from .report import report_exporter

            _HTML_EXPORTERS[kind] = report_exporter()
        else:
            _HTML_EXPORTERS[kind] = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                                                 exclude_output_prompt=True)
    return _HTML_EXPORTERS[kind]


def warm_up() -> None:
    """Import and compile what every notebook run needs (the local workers' forkserver calls
    this once, so each worker starts with the HTML templates compiled)."""
    import nbformat
    import papermill  # noqa: F401
    from jupyter_client.manager import AsyncKernelManager  # noqa: F401

    with _HTML_LOCK:
        for kind in ("default", REPORT_NOTEBOOK):
            _html_exporter(kind).from_notebook_node(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("")]))


def render_html(notebook: str | Path | Any, html_path: str | Path | None = None) -> Path:
    """The executed notebook as HTML without code cells (beside it, same name), written atomically."""
    import nbformat

    if isinstance(notebook, (str, Path)):
        nb = nbformat.read(Path(notebook), as_version=4)
        html_path = Path(html_path) if html_path else Path(notebook).with_suffix(".html")
    else:
        nb = notebook
        if html_path is None:
            raise ValueError("html_path is required for an in-memory notebook")
        html_path = Path(html_path)
    kind = REPORT_NOTEBOOK if html_path.stem == REPORT_NOTEBOOK else "default"
    with _HTML_LOCK:  # one compiled exporter per process, reused
        body, _ = _html_exporter(kind).from_notebook_node(nb)
    return atomic_write_text(html_path, body)


def _source_path(notebook: str | Path, notebooks_dir: Path) -> Path:
    text = str(notebook)
    if text.endswith(".ipynb") or os.sep in text or "/" in text:
        return Path(notebook)
    return notebooks_dir / f"{text}.ipynb"


def run(notebook: str | Path, parameters: Mapping[str, Any], out_dir: str | Path, *,
        timeout: float = DEFAULT_TIMEOUT, project_dir: str | Path | None = None,
        notebooks_dir: str | Path | None = None, kernel_name: str = KERNEL_NAME, html: bool = True,
        start_retries: int = START_RETRIES, kernel_template: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Execute one notebook in a fresh kernel into ``out_dir``: the unit of work of a review.

    Parameters
    ----------
    notebook : str or path
        A notebook name (``notebooks_dir/<name>.ipynb``) or the path of an ``.ipynb``.
    parameters : mapping
        Values injected by papermill; pass only names the notebook declares.
    out_dir : path
        Where ``<name>.ipynb`` (and ``<name>.html``) are written. Must be reachable by the process
        that runs this (on a cluster: a shared path).
    timeout : seconds
        Hard limit for the whole notebook, kernel start included: the kernel is then killed.
    project_dir : path
        The project folder: the kernel's working directory (relative paths in parameters are
        relative to it). Default: :func:`cementnb.params.project_root`.
    notebooks_dir : path
        Where notebooks are looked up by name. Default: ``project_dir/notebooks``.
    html : bool
        Also write the notebook as HTML without code cells.
    start_retries : int
        How many times to start a new kernel when the kernel fails to start.
    kernel_template : mapping
        ``{"socket", "python"}`` of a running :class:`cementnb.kernels.KernelTemplate`: the
        kernel is then forked from it (a new process with the libraries already imported);
        without it, or if that fails, the kernel starts as a new Python process.

    Returns
    -------
    dict
        ``status`` ("ok" or "failed"), ``reason`` (None, "cell_error", "timeout", "kernel_died",
        "kernel_start", "missing_notebook", "internal"), ``message`` (Chinese, locating the
        failure: notebook, cell, error), ``cell`` (execution count of the failing cell),
        ``output`` and ``html`` (paths or None), ``source`` and ``source_sha256`` (the notebook
        executed), ``kernel`` ("template" or "process": how the kernel was started),
        ``attempts``, ``started``/``ended`` (UTC) and ``seconds``. Never raises for a failing
        notebook.
    """
    t0 = time.monotonic()
    project = Path(project_dir) if project_dir else project_root()
    source = _source_path(notebook, Path(notebooks_dir) if notebooks_dir else project / "notebooks")
    name = source.stem
    status: dict[str, Any] = {
        "notebook": name, "status": "failed", "reason": None, "message": "", "cell": None, "ename": None,
        "output": None, "html": None, "kernel_log": None, "kernel": None, "source": str(source), "source_sha256": None,
        "attempts": 0, "started": utc_now(), "ended": None, "seconds": None,
    }
    try:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        try:
            status["source_sha256"] = sha256_file(source)
        except OSError:
            status.update(reason="missing_notebook", message=f"找不到笔记本 {source}")
            return _finish(status, t0)
        try:
            import nbformat

            nbformat.read(source, as_version=4)
        except Exception as exc:  # noqa: BLE001
            status.update(reason="bad_notebook", message=f"{name}.ipynb：无法读取笔记本（{_error_message(exc)}）")
            return _finish(status, t0)
        final, part = out / f"{name}.ipynb", out / f".{name}.part.ipynb"
        deadline = t0 + timeout
        logs = []
        while True:
            status["attempts"] += 1
            outcome = _execute_once(source, part, parameters, project, kernel_name, deadline, kernel_template)
            text = outcome.pop("kernel_log", "")
            if text.strip():
                logs.append(f"--- 第 {status['attempts']} 次启动 / attempt {status['attempts']} ---\n{text}")
            status.update(outcome)
            if (outcome["reason"] == "kernel_start" and status["attempts"] <= start_retries
                    and time.monotonic() < deadline):
                part.unlink(missing_ok=True)
                continue
            break
        if status["reason"] == "kernel_start" and status["attempts"] > 1:
            status["message"] += f"（已重试 {status['attempts'] - 1} 次）"
        status["status"] = "ok" if status["reason"] is None else "failed"
        if logs:
            status["kernel_log"] = atomic_write_text(out / f"{name}.kernel.log", "".join(logs))
        if part.is_file():
            nb, status = _seal_notebook(part, final, status, timeout)
            status["output"] = final
            if html:
                status["html"] = render_html(nb, final.with_suffix(".html"))
        elif status["status"] == "ok":  # pragma: no cover - papermill always writes
            status.update(status="failed", reason="internal", message=f"{name}.ipynb：没有写出执行后的笔记本")
        if status["status"] != "ok" and not status["message"]:
            status["message"] = f"{name}.ipynb：{_REASON_TEXT.get(status['reason'], '执行失败')}"
    except Exception as exc:  # noqa: BLE001 - the unit of work reports, it does not raise
        status.update(status="failed", reason=status.get("reason") or "internal",
                      message=status.get("message") or f"{name}.ipynb：{_error_message(exc)}")
    return _finish(status, t0)


def _finish(status: dict[str, Any], t0: float) -> dict[str, Any]:
    status["ended"] = utc_now()
    status["seconds"] = round(time.monotonic() - t0, 3)
    return status


#: The previous name of :func:`run`.
run_notebook = run


# --------------------------------------------------------------------------------------------
# Batches


class BatchProgress:
    """Receives a batch's events (the CLI draws progress bars from them). Override what you need."""

    def batch_started(self, reviews: Sequence[Mapping[str, Any]]) -> None:
        """``reviews``: one ``{"index", "enterprise_id", "notebooks"}`` per enterprise."""

    def notebook_started(self, index: int, notebook: str) -> None:
        pass

    def notebook_finished(self, index: int, notebook: str, status: Mapping[str, Any]) -> None:
        pass

    def enterprise_finished(self, row: Mapping[str, Any]) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class _Review:
    """One enterprise's run in a batch."""

    index: int
    enterprise_id: str
    review_year: int | None
    param_file: Path | None
    values: dict[str, Any] | None
    graph: dict[str, tuple[str, ...]]
    notebooks_dir: Path
    verifies: str | None = None
    expected_results: dict[str, str] | None = None
    recorded_calls: dict[str, dict[str, Any]] | None = None
    failure: str | None = None
    order: list[str] = field(default_factory=list)
    run_id: str = ""
    run_dir: Path | None = None
    started: str = ""
    t0: float = 0.0
    inputs: dict[str, str] = field(default_factory=dict)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)
    row: dict[str, Any] | None = None

    @property
    def done(self) -> bool:
        return len(self.statuses) == len(self.order)


def _declared_parameters(name: str, values: Mapping[str, Any], source: Path) -> dict[str, Any]:
    if name in NOTEBOOK_PARAMETERS:
        return notebook_parameters(name, values)
    # A notebook not (yet) declared in params: the names its parameters cell defines.
    import papermill as pm

    declared = pm.inspect_notebook(str(source))
    return {k: v for k, v in values.items() if k in declared}


def _best_effort_identity(path: Path) -> tuple[str, int | None]:
    """Enterprise id and year from a parameters file that did not validate, where readable."""
    import yaml

    enterprise_id, year = path.stem, None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - unreadable: fall back to the file name
        return enterprise_id, year
    if isinstance(data, dict):
        if isinstance(data.get("enterprise_id"), str) and _SAFE_ID.fullmatch(data["enterprise_id"]):
            enterprise_id = data["enterprise_id"]
        if isinstance(data.get("review_year"), int) and not isinstance(data.get("review_year"), bool):
            year = data["review_year"]
    return enterprise_id, year


def _review_from_file(index: int, path: Path, graph: Mapping[str, Sequence[str]], notebooks_dir: Path) -> _Review:
    path = Path(path)
    graph = {k: tuple(v) for k, v in graph.items()}
    try:
        values = load_parameters_file(path)
    except ParameterError as exc:
        eid, year = _best_effort_identity(path)
        return _Review(index, eid, year, path, None, graph, notebooks_dir, failure=_oneline(str(exc)))
    review = _Review(index, values["enterprise_id"], values["review_year"], path, values, graph, notebooks_dir)
    if not _SAFE_ID.fullmatch(values["enterprise_id"]):
        review.failure = (f"参数文件 {path}：企业标识“{values['enterprise_id']}”不能用作目录名"
                          "（只能含文字、数字、-、_、.，且不以 . 开头）")
    return review


def _open_review(review: _Review, reports: Path, project: Path) -> None:
    """Create the run folder, fingerprint the inputs, prepare each notebook's parameters."""
    review.started, review.t0 = utc_now(), time.monotonic()
    if review.review_year is None or not _SAFE_ID.fullmatch(review.enterprise_id):
        review.run_id = new_run_id()  # no folder: nowhere sensible to put it
        return
    review.run_id, review.run_dir = create_run_dir(reports / review.enterprise_id / str(review.review_year))
    sources = [review.notebooks_dir / f"{n}.ipynb" for n in review.graph]
    enterprise_dir = None
    if review.values is not None:
        given = Path(review.values["enterprise_dir"])
        enterprise_dir = given if given.is_absolute() else project / given
    review.inputs = hash_files(input_files(review.param_file, enterprise_dir, sources), project)
    if review.failure:
        return
    try:
        review.order = notebook_order(review.graph)
        for name in review.order:
            if review.recorded_calls and review.recorded_calls.get(name) is not None:
                params = dict(review.recorded_calls[name])  # verify: exactly what the notebook received
            else:
                params = _declared_parameters(name, review.values, review.notebooks_dir / f"{name}.ipynb")
            review.calls[name] = params | {"results_dir": str(review.run_dir)}
    except Exception as exc:  # noqa: BLE001 - a bad graph or notebook fails this enterprise only
        review.order, review.calls = [], {}
        review.failure = _oneline(str(exc)) if isinstance(exc, ValueError) else f"准备笔记本时出错：{_error_message(exc)}"


def _read_json(path: Path) -> dict[str, Any] | None:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _figures(run_dir: Path | None) -> dict[str, Any]:
    """Headline figures from the results files, read defensively (a file may be missing)."""
    figures: dict[str, Any] = {"total_t": None, "emission_totals": None, "conclusion": None,
                               "nonconforming_count": None, "info": ""}
    if run_dir is None:
        return figures
    emissions = _read_json(run_dir / "emissions_summary.json")
    if emissions:
        summary = emissions.get("summary") or {}
        total = summary.get("total_t")
        figures["total_t"] = total if isinstance(total, (int, float)) else None
        by_source = {r.get("source_zh") or r.get("source"): r.get("emission_t")
                     for r in emissions.get("annual") or [] if isinstance(r, dict)}
        figures["emission_totals"] = {"total_t": figures["total_t"], "reported_total_t": summary.get("reported_total_t"),
                                      "by_source": by_source}
        problems = emissions.get("problems") or {}
        figures["info"] = (f"报送数据 {problems.get('errors', '?')} 个错误，{problems.get('warnings', '?')} 个警告；"
                           f"替代值 {summary.get('n_substitutions', '?')} 个")
    conclusion = _read_json(run_dir / "conclusion_summary.json")
    if conclusion:
        text = conclusion.get("conclusion_zh")
        count = conclusion.get("nonconforming_count")
        figures["conclusion"] = text if isinstance(text, str) and text else None
        figures["nonconforming_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
    return figures


def _failure_text(review: _Review) -> str | None:
    if review.failure:
        return review.failure
    messages = [s["message"] for n in review.order if (s := review.statuses.get(n)) and s["status"] != "ok"
                and s.get("reason") != "dependency"]
    skipped = [n for n in review.order if review.statuses.get(n, {}).get("reason") == "dependency"]
    if skipped:
        messages.append("未执行：" + "、".join(f"{n}.ipynb" for n in skipped) + "（其依赖的笔记本失败）")
    return "；".join(messages) or None


class _Batch:
    """Drives reviews' notebooks through an executor, in dependency order, and seals each run."""

    def __init__(self, reviews: list[_Review], *, executor, reports: Path, project: Path, register_path: Path | None,
                 timeout: float, html: bool, kernel_name: str, progress: BatchProgress, update_latest_link: bool,
                 execution: dict[str, Any], kernel_template: Mapping[str, str] | None = None, pdf: bool = False):
        self.pdf = pdf
        self.reviews = reviews
        self.executor = executor
        self.reports = reports
        self.project = project
        self.register_path = register_path
        self.timeout = timeout
        self.html = html
        self.kernel_name = kernel_name
        self.progress = progress
        self.update_latest_link = update_latest_link
        self.execution = execution
        self.kernel_template = dict(kernel_template) if kernel_template else None
        self.batch_id = new_run_id()
        self._env: dict[str, Any] | None = None
        self._git: dict[str, Any] | None | bool = False

    # -- bookkeeping

    @property
    def env(self) -> dict[str, Any]:
        if self._env is None:
            self._env = environment(self.kernel_name)
        return self._env

    @property
    def git(self) -> dict[str, Any] | None:
        if self._git is False:
            self._git = git_revision(self.project)
        return self._git  # type: ignore[return-value]

    def _submit_ready(self, review: _Review) -> None:
        for position, name in enumerate(review.order):
            if name in review.submitted or name in review.statuses:
                continue
            deps = review.graph[name]
            if any(d not in review.statuses for d in deps):
                continue
            failed = [d for d in deps if review.statuses[d]["status"] != "ok"]
            if failed:
                review.statuses[name] = {
                    "notebook": name, "status": "failed", "reason": "dependency", "attempts": 0,
                    "message": f"{name}.ipynb 未执行：依赖的 " + "、".join(f"{d}.ipynb" for d in failed) + " 失败",
                }
                self.progress.notebook_finished(review.index, name, review.statuses[name])
                continue
            review.submitted.add(name)
            kwargs = dict(notebook=name, parameters=review.calls[name], out_dir=review.run_dir, timeout=self.timeout,
                          project_dir=self.project, notebooks_dir=review.notebooks_dir, kernel_name=self.kernel_name,
                          html=self.html, kernel_template=self.kernel_template)
            self.executor.submit((review.index, name), (review.index, position), kwargs)

    def _dependents_resolved(self, review: _Review) -> None:
        # Submitting may resolve dependents as "not run" in cascade; repeat until stable.
        before = -1
        while before != len(review.statuses):
            before = len(review.statuses)
            self._submit_ready(review)

    # -- the loop

    def execute(self) -> list[dict[str, Any]]:
        from .manifest import RUN_INPUTS_NAME
        from .results import write_json

        for review in self.reviews:  # what the report's appendix shows (the manifest is sealed later)
            if review.run_dir is not None and review.order:
                write_json(review.run_dir / RUN_INPUTS_NAME, {
                    "run_id": review.run_id, "enterprise_id": review.enterprise_id, "review_year": review.review_year,
                    "started": review.started, "parameters": review.values, "inputs": review.inputs,
                    "environment": self.env, "git": self.git})
        self.progress.batch_started([{"index": r.index, "enterprise_id": r.enterprise_id, "notebooks": r.order}
                                     for r in self.reviews])
        try:
            for review in self.reviews:
                if not review.order:
                    self._seal(review)
                else:
                    self._dependents_resolved(review)
                    if review.done:
                        self._seal(review)
            while any(r.row is None for r in self.reviews):
                for event, key, result in self.executor.poll(0.5):
                    review = self.reviews[key[0]]
                    if event == "started":
                        self.progress.notebook_started(review.index, key[1])
                        continue
                    review.statuses[key[1]] = self._settle(review, key[1], result)
                    self.progress.notebook_finished(review.index, key[1], review.statuses[key[1]])
                    self._dependents_resolved(review)
                    if review.done:
                        self._seal(review)
        except BaseException:
            self.executor.shutdown(kill=True)
            for review in self.reviews:
                if review.row is None and review.run_dir is not None:
                    for name in review.order:
                        if name not in review.statuses:  # keep what the notebook had done, as evidence
                            review.statuses[name] = self._settle(review, name, {
                                "notebook": name, "status": "failed", "reason": "interrupted",
                                "message": f"{name}.ipynb：运行被中断"})
                    review.failure = "运行被中断"
                    try:
                        self._seal(review, status="interrupted")
                    except Exception:  # noqa: BLE001 - best effort while stopping
                        pass
            raise
        else:
            self.executor.shutdown()
        finally:
            self.progress.close()
        return [r.row for r in self.reviews]  # type: ignore[misc]

    def _settle(self, review: _Review, name: str, result: Mapping[str, Any] | None) -> dict[str, Any]:
        """A finished task's status; seal a notebook left behind by a worker that was killed."""
        status = dict(result or {})
        status.setdefault("notebook", name)
        status.setdefault("status", "failed")
        status.setdefault("message", f"{name}.ipynb：没有返回结果")
        part = review.run_dir / f".{name}.part.ipynb" if review.run_dir else None
        if part is not None and part.is_file() and not status.get("output"):
            try:
                _nb, status = _seal_notebook(part, review.run_dir / f"{name}.ipynb", status, self.timeout)
                status["output"] = review.run_dir / f"{name}.ipynb"
            except Exception:  # noqa: BLE001 - unreadable partial notebook: leave it hidden
                pass
        return status

    def _seal(self, review: _Review, status: str | None = None) -> None:
        """Hash results, write the manifest, enter the run in the register, move ``latest``."""
        if not review.started:
            review.started, review.t0 = utc_now(), time.monotonic()
        ok = review.failure is None and all(s["status"] == "ok" for s in review.statuses.values())
        status = status or ("ok" if ok else "failed")
        failure = None if status == "ok" else (_failure_text(review) or "失败")
        if self.pdf and status == "ok" and review.run_dir is not None and (review.run_dir / "report.html").is_file():
            from .report import render_pdf

            try:
                render_pdf(review.run_dir / "report.html")
            except Exception as exc:  # noqa: BLE001 - the run stands; the missing PDF is its failure
                status, failure = "failed", f"PDF 报告生成失败：{_error_message(exc)}"
        figures = _figures(review.run_dir) if review.run_dir else _figures(None)
        ended = utc_now()
        manifest_sha = None
        results: dict[str, str] = {}
        verification = None
        if review.run_dir is not None:
            results = result_files(review.run_dir)
            if review.verifies is not None:
                comparison = compare_results(review.expected_results or {}, results)
                verification = {"verifies": review.verifies, "identical": not any(comparison.values()),
                                "comparison": comparison}
            notebooks = {}
            for name in review.graph:
                st = review.statuses.get(name, {})
                source = review.notebooks_dir / f"{name}.ipynb"
                notebooks[name] = {
                    "depends_on": list(review.graph[name]),
                    "parameters": review.calls.get(name),
                    "source": display_path(source, self.project),
                    "source_sha256": st.get("source_sha256"),
                    "status": st.get("status", "not_run"),
                    "reason": st.get("reason"),
                    "message": st.get("message") or None,
                    "cell": st.get("cell"),
                    "attempts": st.get("attempts"),
                    "kernel": st.get("kernel"),
                    "started": st.get("started"),
                    "ended": st.get("ended"),
                    "seconds": st.get("seconds"),
                    "output": Path(st["output"]).name if st.get("output") else None,
                    "html": Path(st["html"]).name if st.get("html") else None,
                }
            manifest = {
                "run_id": review.run_id,
                "enterprise_id": review.enterprise_id,
                "review_year": review.review_year,
                "status": status,
                "failure": failure,
                "started": review.started,
                "ended": ended,
                "seconds": round(time.monotonic() - review.t0, 3),
                "batch_id": self.batch_id,
                "verifies": review.verifies,
                "verification": verification,
                "parameters_file": display_path(review.param_file, self.project) if review.param_file else None,
                "parameters": review.values,
                "notebooks": notebooks,
                "inputs": review.inputs,
                "results": results,
                "outputs": output_files(review.run_dir),
                "figures": {k: figures[k] for k in ("total_t", "conclusion", "nonconforming_count")},
                "environment": self.env,
                "git": self.git,
                "project_dir": str(self.project),
                "execution": self.execution | {"timeout_s": self.timeout, "html": self.html},
            }
            manifest_sha = write_manifest(review.run_dir, manifest)
        row = {
            "index": review.index,
            "enterprise_id": review.enterprise_id,
            "review_year": review.review_year,
            "status": status,
            "run_id": review.run_id,
            "out_dir": review.run_dir,
            "param_file": review.param_file,
            "conclusion": figures["conclusion"],
            "nonconforming_count": figures["nonconforming_count"],
            "total_t": figures["total_t"],
            "emission_totals": figures["emission_totals"],
            "failure": failure,
            "message": failure if failure else figures["info"],
            "notebooks": {n: {k: s.get(k) for k in ("status", "reason", "message", "seconds", "attempts")}
                          for n, s in review.statuses.items()},
            "results": results,
            "manifest_sha256": manifest_sha,
            "verifies": review.verifies,
            "identical": verification["identical"] if verification else None,
            "started": review.started,
            "ended": ended,
        }
        if self.register_path is not None:
            try:
                with Register(self.register_path) as register:
                    register.record_run({
                        **row, "total_emission_t": figures["total_t"], "run_dir": str(review.run_dir) if review.run_dir else None,
                        "batch_id": self.batch_id,
                    })
            except Exception as exc:  # noqa: BLE001 - the run record on disk stands; say so
                row["register_error"] = f"登记库写入失败（{self.register_path}）：{_error_message(exc)}"
        if review.run_dir is not None and self.update_latest_link and status != "interrupted":
            update_latest(review.run_dir.parent, review.run_id)
        review.row = row
        self.progress.enterprise_finished(row)


def _make_executor(scheduler: str | None, jobs: int | None, timeout: float):
    from .executors import DaskExecutor, LocalExecutor

    if scheduler:
        return DaskExecutor(scheduler, timeout=timeout)
    return LocalExecutor(jobs or default_jobs(), timeout=timeout)


def _reports_dir(reports_dir: str | Path | None, project: Path) -> Path:
    if reports_dir is None:
        return project / "reports"
    return Path(os.path.abspath(reports_dir))


def _project_for(param_files: Sequence[Path], project_dir: str | Path | None) -> Path:
    if project_dir is not None:
        return Path(os.path.abspath(project_dir))
    here = project_root()
    if (here / "notebooks").is_dir() or not param_files:
        return here
    return project_root(Path(param_files[0]).resolve().parent)


def _execute(reviews: list[_Review], *, project: Path, reports: Path, register: str | Path | bool | None,
             jobs: int | None, scheduler: str | None, timeout: float, html: bool, kernel_name: str,
             progress: BatchProgress | None, update_latest_link: bool = True,
             kernel_template: bool = True, pdf: bool = False) -> list[dict[str, Any]]:
    register_path = None if register is False else (
        reports / DEFAULT_REGISTER_NAME if register in (None, True) else Path(os.path.abspath(register)))  # type: ignore[arg-type]
    executor = _make_executor(scheduler, jobs, timeout)
    template = None
    try:
        if scheduler is None and kernel_template and any(not r.failure for r in reviews):
            from .kernels import KernelTemplate

            try:
                template = KernelTemplate(kernel_name, project)
            except Exception:  # noqa: BLE001 - kernels then start as new processes
                template = None
        for review in reviews:
            try:
                _open_review(review, reports, project)
            except OSError as exc:  # e.g. --reports names a file, or no permission
                review.order, review.calls, review.run_dir = [], {}, None
                review.failure = f"无法创建运行目录（{reports}）：{_error_message(exc)}"
        info = {"socket": template.socket, "python": template.python} if template and template.socket else None
        execution = {"backend": executor.name, "scheduler": scheduler, "jobs": getattr(executor, "jobs", None),
                     "kernel_template": bool(info)}
        batch = _Batch(reviews, executor=executor, reports=reports, project=project, register_path=register_path,
                       timeout=timeout, html=html, kernel_name=kernel_name, progress=progress or BatchProgress(),
                       update_latest_link=update_latest_link, execution=execution, kernel_template=info, pdf=pdf)
        batch.env, batch.git  # noqa: B018 - computed while the workers' forkserver warms up
        rows = batch.execute()
        if pdf:
            from .report import build_index

            build_index(reports)
        return rows
    finally:
        if template is not None:
            template.close()


def run_batch(param_files: Iterable[str | Path], *, reports_dir: str | Path | None = None,
              register: str | Path | bool | None = None, jobs: int | None = None, scheduler: str | None = None,
              timeout: float = DEFAULT_TIMEOUT, html: bool = True,
              notebooks: Mapping[str, Sequence[str]] | None = None, notebooks_dir: str | Path | None = None,
              project_dir: str | Path | None = None, kernel_name: str = KERNEL_NAME,
              progress: BatchProgress | None = None, kernel_template: bool = True,
              pdf: bool = False) -> list[dict[str, Any]]:
    """Review every enterprise of ``param_files`` (``parameters/<enterprise>.yaml``) in parallel.

    Parameters
    ----------
    reports_dir : path
        Run folders go to ``reports_dir/<enterprise>/<year>/<run-id>/``. Default: ``<project>/reports``.
    register : path, True/None or False
        The SQLite register; default ``reports_dir/register.sqlite``; ``False``: none.
    jobs : int
        Notebooks executed at once on this machine (default: the cores available).
    scheduler : str
        ``tcp://host:port`` of a Dask distributed scheduler: the notebooks run on its workers
        (which need this package installed and the project, inputs and reports at the same paths).
    timeout : seconds
        Hard limit per notebook.
    notebooks, notebooks_dir :
        The notebook graph (default :data:`NOTEBOOKS`) and where the notebooks are.
    kernel_template : bool
        Fork each notebook's fresh kernel from a template process that has the libraries
        imported (:mod:`cementnb.kernels`; local runs only). ``False``: every kernel is a new
        Python process.
    pdf : bool
        Also print each run's ``report.html`` to ``report.pdf`` (headless Chromium), and
        rebuild ``reports_dir/index.html``.

    Returns
    -------
    list of dict
        One row per parameter file, in order: ``enterprise_id``, ``review_year``, ``status``
        ("ok"/"failed"), ``run_id``, ``out_dir`` (the run folder), ``conclusion``,
        ``nonconforming_count``, ``total_t``, ``failure`` (located reason), ``message``,
        ``notebooks`` (status of each), ``results`` (``{file: sha256}``), ``manifest_sha256``.
    """
    files = [Path(p) for p in param_files]
    project = _project_for(files, project_dir)
    graph = dict(NOTEBOOKS if notebooks is None else notebooks)
    nb_dir = Path(os.path.abspath(notebooks_dir)) if notebooks_dir else project / "notebooks"
    reviews = [_review_from_file(i, path, graph, nb_dir) for i, path in enumerate(files)]
    return _execute(reviews, project=project, reports=_reports_dir(reports_dir, project), register=register,
                    jobs=jobs, scheduler=scheduler, timeout=timeout, html=html, kernel_name=kernel_name,
                    progress=progress, kernel_template=kernel_template, pdf=pdf)


def run_enterprise(param_file: str | Path, **kwargs: Any) -> dict[str, Any]:
    """Review one enterprise (see :func:`run_batch` for the options); return its summary row."""
    return run_batch([param_file], **kwargs)[0]


# --------------------------------------------------------------------------------------------
# Verification


def find_run(target: str | Path, reports_dir: str | Path | None = None) -> Path:
    """A run folder from a path (a run folder or a ``latest`` link) or a run id under ``reports_dir``."""
    path = Path(target)
    if (path / MANIFEST_NAME).is_file():
        return path.resolve()
    if path.is_dir() and (latest := resolve_latest(path)) is not None and (latest / MANIFEST_NAME).is_file():
        return latest
    reports = _reports_dir(reports_dir, project_root())
    name = path.name
    if reports.is_dir() and _SAFE_ID.fullmatch(name):
        matches = sorted(reports.glob(f"*/*/{name}/{MANIFEST_NAME}"))
        if len(matches) == 1:
            return matches[0].parent.resolve()
        if len(matches) > 1:  # pragma: no cover - run ids are unique
            raise RunError(f"运行编号“{name}”对应多个运行记录：" + "、".join(str(m.parent) for m in matches))
    if path.is_dir():
        raise RunError(f"{path} 不是运行记录（其中没有 {MANIFEST_NAME}，可能是被中断的运行）")
    raise RunError(f"找不到运行记录“{target}”：请给出运行目录（reports/<企业>/<年度>/<运行编号>）"
                   f"或 {reports} 中的运行编号")


def verify_run(target: str | Path, *, reports_dir: str | Path | None = None,
               register: str | Path | bool | None = None, jobs: int | None = None, scheduler: str | None = None,
               timeout: float | None = None, progress: BatchProgress | None = None,
               kernel_template: bool = True) -> dict[str, Any]:
    """Re-execute a recorded run from its manifest and compare every result.

    First the inputs recorded in the manifest are hashed again: if one changed or is missing, the
    run is not re-executed (``status`` "inputs_changed", ``inputs`` lists them). Otherwise the
    notebooks run again with the recorded parameters into a new run folder (beside the original,
    its manifest ``verifies`` the original; ``latest`` is not moved) and each result file is
    compared by SHA-256 with the manifest's.

    Returns
    -------
    dict
        ``status``: "identical", "different", "inputs_changed"; ``run_dir``, ``run_id``,
        ``inputs`` (changed inputs), ``comparison`` (``different``/``missing``/``extra`` file
        names), ``record`` (problems with the stored record itself), ``warnings``, ``new_run``.

    Raises
    ------
    RunError
        ``target`` is not a run, or its manifest is unreadable.
    """
    run_dir = find_run(target, reports_dir)
    try:
        manifest, manifest_sha = read_manifest(run_dir)
        enterprise_id, year = manifest["enterprise_id"], manifest["review_year"]
        recorded_inputs, recorded_results = dict(manifest["inputs"]), dict(manifest["results"])
        graph = {n: tuple(info["depends_on"]) for n, info in manifest["notebooks"].items()}
        values = manifest["parameters"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RunError(f"无法读取运行清单 {run_dir / MANIFEST_NAME}：{_error_message(exc)}") from None
    if values is None or not graph:
        raise RunError(f"运行 {run_dir.name} 没有执行任何笔记本（参数文件有误），无法复核")
    project = Path(manifest.get("project_dir") or project_root())
    if not project.is_dir():
        project = project_root()
    reports = run_dir.parent.parent.parent
    register_path = None if register is False else (
        reports / DEFAULT_REGISTER_NAME if register in (None, True) else Path(os.path.abspath(register)))  # type: ignore[arg-type]
    report: dict[str, Any] = {"run_dir": run_dir, "run_id": manifest.get("run_id", run_dir.name),
                              "enterprise_id": enterprise_id, "review_year": year, "inputs": [], "record": [],
                              "warnings": [], "comparison": None, "new_run": None}

    # The record itself: manifest as registered, results as in the manifest.
    if register_path is not None and register_path.is_file():
        try:
            with Register(register_path) as reg:
                entry = reg.get_run(report["run_id"])
        except Exception as exc:  # noqa: BLE001 - sqlite3.Error and friends: say so, go on
            report["warnings"].append(f"无法读取登记库 {register_path}：{_error_message(exc)}")
            entry = False
        if entry is False:
            pass
        elif entry is None:
            report["warnings"].append(f"登记库 {register_path} 中没有这次运行")
        elif entry.get("manifest_sha256") and entry["manifest_sha256"] != manifest_sha:
            report["record"].append(f"{MANIFEST_NAME} 与登记库中记录的 SHA-256 不一致：清单在运行后被改动")
    stored = compare_results(recorded_results, result_files(run_dir))
    for key, label in (("different", "已被改动"), ("missing", "已缺失"), ("extra", "不在清单中")):
        report["record"] += [f"运行记录中的结果文件 {n} {label}" for n in stored[key]]

    report["inputs"] = check_inputs(recorded_inputs, project)
    if report["inputs"]:
        report["status"] = "inputs_changed"
        return report

    env = manifest.get("environment") or {}
    current = environment(env.get("kernel") or KERNEL_NAME)
    if env.get("cementnb_sha256") and env["cementnb_sha256"] != current["cementnb_sha256"]:
        report["warnings"].append("cementnb 程序文件与原运行时不同（结果仍逐一比较）")
    changed = sorted(k for k, v in (env.get("packages") or {}).items() if current["packages"].get(k) != v)
    if changed:
        report["warnings"].append("依赖包版本与原运行时不同：" + "、".join(
            f"{k} {env['packages'][k]}→{current['packages'].get(k, '未安装')}" for k in changed[:10])
            + ("……" if len(changed) > 10 else ""))

    param_file = manifest.get("parameters_file")
    first_source = next(iter(manifest["notebooks"].values()))["source"]
    review = _Review(0, enterprise_id, year, resolve_recorded_path(param_file, project) if param_file else None,
                     dict(values), graph, resolve_recorded_path(first_source, project).parent,
                     verifies=report["run_id"], expected_results=recorded_results,
                     recorded_calls={n: info.get("parameters") for n, info in manifest["notebooks"].items()})
    execution = manifest.get("execution") or {}
    rows = _execute([review], project=project, reports=reports, register=register_path or False, jobs=jobs,
                    scheduler=scheduler, timeout=timeout or execution.get("timeout_s") or DEFAULT_TIMEOUT,
                    html=bool(execution.get("html", False)), kernel_name=env.get("kernel") or KERNEL_NAME,
                    progress=progress, update_latest_link=False, kernel_template=kernel_template)
    new = rows[0]
    report["new_run"] = new
    report["comparison"] = compare_results(recorded_results, new["results"])
    same = not any(report["comparison"].values())
    report["status"] = "identical" if same else "different"
    return report
