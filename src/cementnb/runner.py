"""Execute the notebooks of one enterprise with papermill and keep the executed record.

The unit of work is :func:`run_notebook`: one notebook, its parameters, an output folder;
it returns a status and never raises for a failing notebook (the executed notebook with its
error is kept: it is evidence). :func:`run_enterprise` runs an enterprise's notebooks from
its ``parameters/<enterprise>.yaml``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from .params import ParameterError, load_parameters_file, notebook_parameters, project_root

__all__ = ["run_notebook", "run_enterprise", "render_html", "NOTEBOOKS"]

KERNEL_NAME = "cementnb"
#: Notebooks of a review, in execution order.
NOTEBOOKS = ["emissions"]


def _error_message(exc: BaseException) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return f"{ename}: {evalue}".strip()


def run_notebook(notebook: str, parameters: Mapping[str, Any], out_dir: str | Path, *,
                 timeout: int = 900) -> dict[str, Any]:
    """Execute ``notebooks/<notebook>.ipynb`` into ``out_dir`` with a fresh kernel.

    Returns
    -------
    dict
        ``status`` ("ok" / "failed"), ``message``, ``output`` (the executed notebook path).
    """
    import papermill as pm

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = project_root() / "notebooks" / f"{notebook}.ipynb"
    output = out_dir / f"{notebook}.ipynb"
    try:
        pm.execute_notebook(
            str(source), str(output), parameters=dict(parameters), kernel_name=KERNEL_NAME,
            cwd=str(project_root()), progress_bar=False, log_output=False, execution_timeout=timeout,
        )
    except pm.PapermillExecutionError as exc:
        return {"status": "failed", "message": _error_message(exc), "output": output}
    except Exception as exc:  # kernel could not start, notebook missing...
        return {"status": "failed", "message": _error_message(exc), "output": output}
    return {"status": "ok", "message": "", "output": output}


def render_html(notebook_path: str | Path) -> Path:
    """The executed notebook as HTML without code cells (beside it, same name)."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook_path = Path(notebook_path)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook_path, as_version=4))
    html = notebook_path.with_suffix(".html")
    html.write_text(body, encoding="utf-8")
    return html


def run_enterprise(param_file: str | Path, *, reports_dir: str | Path = "reports", html: bool = True) -> dict[str, Any]:
    """Run every notebook of one enterprise; return a summary row for the batch table."""
    param_file = Path(param_file)
    row: dict[str, Any] = {"enterprise_id": param_file.stem, "status": "failed", "message": "", "total_t": None}
    try:
        values = load_parameters_file(param_file)
    except ParameterError as exc:
        row["message"] = str(exc).replace("\n", " ")
        return row
    row["enterprise_id"] = values["enterprise_id"]
    reports = Path(reports_dir)
    reports = reports if reports.is_absolute() else project_root() / reports
    out_dir = reports / values["enterprise_id"] / str(values["review_year"])
    row["out_dir"] = out_dir
    for notebook in NOTEBOOKS:
        params = notebook_parameters(notebook, values) | {"results_dir": str(out_dir)}
        outcome = run_notebook(notebook, params, out_dir)
        if html and outcome["output"].exists():
            render_html(outcome["output"])
        if outcome["status"] != "ok":
            row["message"] = f"{notebook}: {outcome['message']}"
            return row
    summary = json.loads((out_dir / "emissions_summary.json").read_text(encoding="utf-8"))
    row.update(status="ok", total_t=summary["summary"]["total_t"],
               message=f"报送数据 {summary['problems']['errors']} 个错误，{summary['problems']['warnings']} 个警告；"
                       f"替代值 {summary['summary']['n_substitutions']} 个")
    return row
