"""Machine-readable results written beside an executed notebook.

Each notebook writes ``<notebook>_summary.json`` (parameters, input fingerprints, headline
figures and small tables) and one CSV per tidy table (``<notebook>_<table>.csv``, UTF-8).
Contents are deterministic: no wall-clock time, no absolute paths, sorted keys, so two
runs on the same inputs give byte-identical files. Files are written atomically.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

_UMASK = os.umask(0)
os.umask(_UMASK)

__all__ = ["atomic_write_text", "write_table", "write_json", "write_emission_results", "read_summary"]


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file and rename: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; results are shared like any file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def write_json(path: Path, data: Mapping[str, Any]) -> Path:
    return atomic_write_text(path, json.dumps(_jsonable(data), ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def write_table(path: Path, frame: pd.DataFrame) -> Path:
    return atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n", float_format="%.10g"))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return _jsonable(frame.to_dict("records"))


def write_emission_results(out_dir: str | Path, parameters: Mapping[str, Any], submission, result) -> list[Path]:
    """Write the emissions notebook's results; return the files written.

    Parameters
    ----------
    out_dir : path
        Folder beside the executed notebook.
    parameters : mapping
        The validated notebook parameters.
    submission : cementnb.loader.Submission
    result : cementnb.emissions.EmissionResult
    """
    out = Path(out_dir)
    written = []
    for name, frame in result.tables().items():
        written.append(write_table(out / f"emissions_{name}.csv", frame))
    written.append(write_table(out / "emissions_problems.csv", submission.problems))
    params = {k: v for k, v in parameters.items() if k not in ("results_dir",)}
    summary = {
        "notebook": "emissions",
        "parameters": params,
        "inputs": _records(submission.inputs),
        "problems": {"errors": int((submission.problems["severity"] == "错误").sum()),
                     "warnings": int((submission.problems["severity"] == "警告").sum())},
        "summary": result.summary,
        "annual": _records(result.annual),
        "intensities": _records(result.intensities),
        "deviation": _records(result.deviation),
        "defaults_used": _records(result.defaults_used),
        "substitutions": _records(result.substitutions),
        "issues": _records(result.issues),
    }
    written.append(write_json(out / "emissions_summary.json", summary))
    return written


def read_summary(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
