"""Fresh kernels, started fast: a kernel *template* process forks one new kernel per notebook.

A kernel normally starts as a new Python process that imports IPython, ipykernel, and then, in
the notebook's first cells, pandas, pint, cementnb...: about a second of CPU per notebook before
any review work. The template process (:mod:`cementnb._kernel_template`, started once per batch
with the kernel spec's own interpreter and flags, ``PYTHONHASHSEED=0``) imports those modules once
and never runs notebook code. For each notebook it forks a child that becomes a brand-new kernel
(its own session, working directory, environment, connection file and log): a fresh process per
notebook, so no state passes from one notebook to another, only the already-imported modules.

Used by the local executor; when the template is not available (another kernel spec, Windows, a
failure), :func:`cementnb.runner.run` starts the kernel the usual way. The manifest records which
way each notebook's kernel was started.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["KernelTemplate", "ForkedKernel", "template_provisioner_class", "request_kernel"]


def _ipc_root() -> str:
    tmp = tempfile.gettempdir()
    return tmp if len(tmp) < 40 else ("/tmp" if os.path.isdir("/tmp") else tmp)


def _launcher_split(argv: list[str]) -> int | None:
    """Index of ``-m`` in ``[python, flags..., -m, ipykernel_launcher, ...]``, or None."""
    for i in range(1, len(argv) - 1):
        if argv[i] == "-m" and argv[i + 1] == "ipykernel_launcher":
            return i
    return None


class KernelTemplate:
    """The template process of one batch: start it, hand its socket to the workers, close it."""

    def __init__(self, kernel_name: str, cwd: str | Path):
        from jupyter_client.kernelspec import KernelSpecManager

        self.socket: str | None = None
        self.python: str | None = None
        self._proc: subprocess.Popen | None = None
        self._dir: str | None = None
        if not hasattr(os, "fork"):  # pragma: no cover - Windows
            return
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
        split = _launcher_split(list(spec.argv))
        if split is None:
            return
        self._dir = tempfile.mkdtemp(prefix="cnb-tpl-", dir=_ipc_root())
        path = os.path.join(self._dir, "template.sock")
        env = dict(os.environ)
        env.update(spec.env or {})
        env["PYTHONHASHSEED"] = "0"
        self._proc = subprocess.Popen([*spec.argv[:split], "-m", "cementnb._kernel_template", path], cwd=str(cwd),
                                      env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
        self.socket = path
        self.python = os.path.realpath(spec.argv[0])

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self._proc.kill()
                self._proc.wait(5)
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
        self.socket = None


def request_kernel(path: str, request: dict[str, Any], timeout: float = 60.0) -> int:
    """Ask the template at ``path`` to fork a kernel; return its pid. Raises OSError."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)  # the template may still be importing: requests wait in its backlog
        conn.connect(path)
        conn.sendall(json.dumps(request).encode("utf-8") + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    try:
        reply = json.loads(data.decode("utf-8"))
    except ValueError:
        raise OSError("kernel template gave no answer") from None
    if "pid" not in reply:
        raise OSError(f"kernel template: {reply.get('error', reply)}")
    return int(reply["pid"])


class ForkedKernel:
    """A ``Popen``-like handle on a kernel forked by the template (a process that is not our child)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1  # gone (its exit status belongs to the template)
            except PermissionError:  # pragma: no cover
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def template_provisioner_class():
    """A LocalProvisioner that asks the template to fork the kernel, or launches it as usual."""
    from jupyter_client.provisioning import LocalProvisioner

    class TemplateProvisioner(LocalProvisioner):
        template_socket: str | None = None
        template_python: str | None = None
        log_path: str | None = None
        launched_by = "process"

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            split = _launcher_split(cmd)
            usable = (self.template_socket and split is not None and self.template_python
                      and os.path.realpath(cmd[0]) == self.template_python)
            if usable:
                request = {"args": cmd[split + 2:], "cwd": str(kwargs.get("cwd") or os.getcwd()),
                           "env": dict(kwargs.get("env") or os.environ), "log": self.log_path}
                try:
                    pid = request_kernel(self.template_socket, request)  # type: ignore[arg-type]
                except OSError:
                    pass  # no template: start the kernel the usual way below
                else:
                    self.process = ForkedKernel(pid)
                    self.pid = self.pgid = pid  # the child made itself a session leader
                    self.cwd = request["cwd"]
                    self.launched_by = "template"
                    return self.connection_info
            if self.log_path:
                with open(self.log_path, "ab") as log:
                    kwargs.setdefault("stdout", log)
                    kwargs.setdefault("stderr", log)
                    return await super().launch_kernel(cmd, **kwargs)
            return await super().launch_kernel(cmd, **kwargs)

    return TemplateProvisioner
