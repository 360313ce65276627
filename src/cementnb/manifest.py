"""Run records: one folder per run, SHA-256 fingerprints, the manifest, the ``latest`` pointer.

Layout::

    reports/<enterprise>/<year>/<run-id>/     one run, never written to by a later run
        <notebook>.ipynb, <notebook>.html      executed notebooks (kept when a cell fails)
        <notebook>_*.csv|json                  results written by the notebooks
        manifest.json                          written last but one: the run is complete
    reports/<enterprise>/<year>/latest         symlink to the newest run, updated last

Every file is written atomically (temporary file + rename), so a killed run leaves either a
complete file or a hidden ``.name.*.tmp`` / ``.name.part`` file, never half a file under its
real name. A run folder without ``manifest.json`` is an incomplete (killed) run.

The *results* of a run are the files the notebooks write (everything except the executed
notebooks, their HTML, logs and the manifest). They are deterministic, so :func:`compare_results`
between a run and its re-execution must find them byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import secrets
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

from .results import atomic_write_text

__all__ = [
    "MANIFEST_NAME",
    "LATEST_NAME",
    "sha256_file",
    "sha256_bytes",
    "utc_now",
    "new_run_id",
    "create_run_dir",
    "display_path",
    "resolve_recorded_path",
    "input_files",
    "hash_files",
    "result_files",
    "output_files",
    "package_versions",
    "package_digest",
    "git_revision",
    "write_manifest",
    "read_manifest",
    "update_latest",
    "resolve_latest",
    "check_inputs",
    "compare_results",
    "is_run_dir",
]

MANIFEST_NAME = "manifest.json"
LATEST_NAME = "latest"
#: Written when a run starts (inputs' fingerprints, parameters, versions): what the report's
#: appendix shows, since the manifest itself is sealed after the report is made.
RUN_INPUTS_NAME = "run_inputs.json"
MANIFEST_SCHEMA = 1
#: Run ids: UTC time to the microsecond plus a random suffix, sortable by start time.
RUN_ID_RE = re.compile(r"^\d{8}T\d{6}\d{6}Z-[0-9a-f]{6}$")
#: Files in a run folder that are records of the execution, not results.
_NOT_RESULTS = {".ipynb", ".html", ".log", ".pdf", ".png"}
#: Files of an enterprise folder that are not inputs (editor and OS debris).
_IGNORED_INPUTS = ("~$", ".")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def utc_now() -> str:
    """The current time, UTC, ISO 8601 with a ``Z``: for manifests and the register only."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_run_id() -> str:
    """A fresh run id such as ``20250301T081502123456Z-3fa9c1``."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def create_run_dir(parent: str | Path) -> tuple[str, Path]:
    """Create a new, empty run folder under ``parent``; return ``(run_id, path)``.

    ``mkdir`` without ``exist_ok`` is the guard: two runs (threads, processes, machines on a
    shared disk) can never get the same folder.
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        run_id = new_run_id()
        path = parent / run_id
        try:
            path.mkdir()
        except FileExistsError:  # pragma: no cover - needs the same microsecond and suffix
            continue
        return run_id, path


def is_run_dir(path: Path) -> bool:
    return path.is_dir() and (path / MANIFEST_NAME).is_file()


def display_path(path: str | Path, root: str | Path) -> str:
    """``path`` relative to ``root`` (POSIX) when it lies inside, absolute otherwise."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return path.as_posix()


def resolve_recorded_path(recorded: str, root: str | Path) -> Path:
    path = Path(recorded)
    return path if path.is_absolute() else Path(root) / path


def _walk(folder: Path) -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(_IGNORED_INPUTS))
        files += [Path(dirpath) / f for f in sorted(filenames) if not f.startswith(_IGNORED_INPUTS)]
    return files


def input_files(param_file: Path | None, enterprise_dir: Path | None, notebook_sources: Iterable[Path]) -> list[Path]:
    """Every input of a run: the parameters file, every file of the enterprise folder,
    the notebooks' sources and the package's data tables (factors, metadata)."""
    files: list[Path] = []
    if param_file is not None and param_file.is_file():
        files.append(param_file)
    if enterprise_dir is not None:
        if enterprise_dir.is_dir():
            files += _walk(enterprise_dir)
        elif enterprise_dir.is_file():
            files.append(enterprise_dir)
    files += [p for p in notebook_sources if p.is_file()]
    data = Path(__file__).resolve().parent / "data"
    if data.is_dir():
        files += _walk(data)
    return list(dict.fromkeys(files))


def hash_files(files: Iterable[Path], root: str | Path) -> dict[str, str]:
    """``{recorded path: sha256}``, paths relative to ``root`` where possible, sorted."""
    return dict(sorted((display_path(f, root), sha256_file(f)) for f in files))


def _run_files(run_dir: Path) -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(run_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files += [Path(dirpath) / f for f in sorted(filenames)
                  if not f.startswith(".") and f != MANIFEST_NAME]
    return files


def result_files(run_dir: str | Path) -> dict[str, str]:
    """``{name: sha256}`` of the results in a run folder (not notebooks, HTML, logs, manifest)."""
    run_dir = Path(run_dir)
    return {p.relative_to(run_dir).as_posix(): sha256_file(p) for p in _run_files(run_dir)
            if p.suffix not in _NOT_RESULTS and p.name != RUN_INPUTS_NAME}


def output_files(run_dir: str | Path) -> dict[str, str]:
    """``{name: sha256}`` of the execution records (executed notebooks, HTML, kernel logs)."""
    run_dir = Path(run_dir)
    return {p.relative_to(run_dir).as_posix(): sha256_file(p) for p in _run_files(run_dir)
            if p.suffix in _NOT_RESULTS or p.name == RUN_INPUTS_NAME}


_VERSIONS: dict[str, str] | None = None


def package_versions() -> dict[str, str]:
    """Versions of ``cementnb`` and of every package it depends on (transitively)."""
    global _VERSIONS
    if _VERSIONS is None:
        _VERSIONS = _dependency_closure("cementnb")
    return dict(_VERSIONS)


def _dependency_closure(root: str) -> dict[str, str]:
    try:
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:  # pragma: no cover - packaging comes with every Jupyter install
        return {root: metadata.version(root)}

    def canon(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    versions: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        if (canon(name), extras) in seen:
            continue
        seen.add((canon(name), extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            versions.setdefault(canon(name), "未安装")
            continue
        versions[canon(name)] = dist.version
        for text in dist.requires or []:
            try:
                req = Requirement(text)
            except InvalidRequirement:  # pragma: no cover
                continue
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in (*extras, "")):
                continue
            todo.append((req.name, frozenset(req.extras)))
    return dict(sorted(versions.items()))


def package_digest() -> str:
    """One SHA-256 over the package's own source and data files (path and content)."""
    pkg = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in pkg.rglob("*") if p.is_file() and p.suffix in {".py", ".csv", ".yaml"}
                       and "__pycache__" not in p.parts):
        digest.update(path.relative_to(pkg).as_posix().encode() + b"\0")
        digest.update(sha256_file(path).encode() + b"\n")
    return digest.hexdigest()


def git_revision(root: str | Path) -> dict[str, Any] | None:
    """``{"commit": sha, "dirty": bool}`` of the project's git checkout, or ``None``."""
    root = Path(root)
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())}


def environment(kernel_name: str) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "host": platform.node(),
        "kernel": kernel_name,
        "packages": package_versions(),
        "cementnb_sha256": package_digest(),
    }


def write_manifest(run_dir: str | Path, manifest: Mapping[str, Any]) -> str:
    """Write ``manifest.json`` atomically; return the SHA-256 of its bytes."""
    text = json.dumps({"schema": MANIFEST_SCHEMA, **manifest}, ensure_ascii=False, indent=1, sort_keys=True,
                      default=str) + "\n"
    atomic_write_text(Path(run_dir) / MANIFEST_NAME, text)
    return sha256_bytes(text.encode("utf-8"))


def read_manifest(run_dir: str | Path) -> tuple[dict[str, Any], str]:
    """The manifest of a run folder and the SHA-256 of its bytes."""
    raw = (Path(run_dir) / MANIFEST_NAME).read_bytes()
    return json.loads(raw.decode("utf-8")), sha256_bytes(raw)


def update_latest(parent: str | Path, run_id: str) -> Path:
    """Point ``parent/latest`` at ``run_id`` (a relative symlink, replaced atomically).

    Where symlinks are not available, ``latest`` is a text file holding the run id.
    """
    parent = Path(parent)
    link = parent / LATEST_NAME
    tmp = parent / f".{LATEST_NAME}.{secrets.token_hex(4)}.tmp"
    try:
        os.symlink(run_id, tmp, target_is_directory=True)
    except (OSError, NotImplementedError):  # pragma: no cover - Windows without privilege
        atomic_write_text(link, run_id + "\n")
        return link
    try:
        os.replace(tmp, link)
    except OSError:  # pragma: no cover
        tmp.unlink(missing_ok=True)
        raise
    return link


def resolve_latest(parent: str | Path) -> Path | None:
    """The run folder ``parent/latest`` points at, or ``None``."""
    link = Path(parent) / LATEST_NAME
    if link.is_symlink() or link.is_dir():
        target = link.resolve()
        return target if target.is_dir() else None
    if link.is_file():
        target = Path(parent) / link.read_text(encoding="utf-8").strip()
        return target if target.is_dir() else None
    return None


def check_inputs(recorded: Mapping[str, str], root: str | Path) -> list[dict[str, str]]:
    """Inputs whose SHA-256 no longer matches the manifest: ``[{path, problem, expected, found}]``."""
    problems = []
    for name, expected in sorted(recorded.items()):
        path = resolve_recorded_path(name, root)
        if not path.is_file():
            problems.append({"path": name, "problem": "缺失", "expected": expected, "found": ""})
            continue
        found = sha256_file(path)
        if found != expected:
            problems.append({"path": name, "problem": "已改变", "expected": expected, "found": found})
    return problems


def compare_results(expected: Mapping[str, str], actual: Mapping[str, str]) -> dict[str, list[str]]:
    """Compare two ``{name: sha256}`` maps: ``{"different": [...], "missing": [...], "extra": [...]}``."""
    return {
        "different": sorted(n for n in expected if n in actual and actual[n] != expected[n]),
        "missing": sorted(n for n in expected if n not in actual),
        "extra": sorted(n for n in actual if n not in expected),
    }
