"""The kernel template process: ``python -m cementnb._kernel_template SOCKET`` (see :mod:`cementnb.kernels`).

It imports ipykernel and the libraries the notebooks use, never runs notebook code, and for each
request on its Unix socket forks a child that becomes a new kernel: own session, working
directory, environment (the one jupyter_client prepared), stdout/stderr to the run's kernel log,
fresh random seeds, then ``ipykernel_launcher`` with the given arguments. It reaps its children
and exits when its parent (the batch) is gone.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import signal
import socket
import sys

#: Imported once here, so that each kernel starts with them loaded. matplotlib.pyplot is left out
#: on purpose: the kernel selects its inline backend when the notebook imports pyplot.
PRELOAD = [
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython", "IPython.display",
    "matplotlib_inline", "numpy", "pandas", "scipy", "pint", "openpyxl", "python_calamine", "yaml", "pyarrow",
    "matplotlib", "matplotlib.font_manager",
]
#: Modules of cementnb that belong to the batch machinery, not to the notebooks.
_NOT_NOTEBOOK_MODULES = {"cementnb.cli", "cementnb.runner", "cementnb.executors", "cementnb.kernels",
                         "cementnb._kernel_template", "cementnb._preload", "cementnb.manifest", "cementnb.register"}


def _preload() -> None:
    # As ipykernel does before any user code: the inline backend is matplotlib's default.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    names = list(PRELOAD)
    try:
        import cementnb

        names += [m.name for m in pkgutil.walk_packages(cementnb.__path__, "cementnb.")
                  if m.name not in _NOT_NOTEBOOK_MODULES]
    except Exception:  # noqa: BLE001
        pass
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that does not import is imported by the notebook, or fails there
            pass


def _reap(signum, frame) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict, server: socket.socket, conn: socket.socket) -> None:
    server.close()
    conn.close()
    os.setsid()
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    log = request.get("log")
    out = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644) if log else os.open(os.devnull, os.O_WRONLY)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    cwd = request.get("cwd") or os.getcwd()
    os.chdir(cwd)
    if sys.path:
        sys.path[0] = cwd  # as `python -m ipykernel_launcher` started in cwd would have it
    env = dict(request.get("env") or {})
    env["JPY_PARENT_PID"] = str(os.getppid())  # ipykernel exits when the template is gone
    os.environ.clear()
    os.environ.update(env)
    import random

    random.seed()  # the fork copied the template's random state: draw fresh seeds as a new process would
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    # ipykernel read JPY_PARENT_PID when the template imported it: say it again, so that the kernel
    # watches the template (and prints no banner) as a launched kernel watches its launcher.
    sys.argv = ["ipykernel_launcher", *request.get("args", []), f"--IPKernelApp.parent_handle={os.getppid()}"]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def main(path: str) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(128)  # requests wait here while the modules import
    _preload()
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    parent = os.getppid()
    server.settimeout(1.0)
    while True:
        if os.getppid() != parent:
            os._exit(0)
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        with conn:
            conn.settimeout(30)
            try:
                data = b""
                while not data.endswith(b"\n"):
                    chunk = conn.recv(1 << 20)
                    if not chunk:
                        break
                    data += chunk
                request = json.loads(data.decode("utf-8"))
            except (OSError, ValueError) as exc:
                try:
                    conn.sendall(json.dumps({"error": str(exc)}).encode() + b"\n")
                except OSError:
                    pass
                continue
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    _become_kernel(request, server, conn)
                except BaseException:  # noqa: BLE001 - into the kernel log
                    import traceback

                    traceback.print_exc()
                    code = 1
                finally:
                    try:
                        sys.stdout.flush()
                        sys.stderr.flush()
                    finally:
                        os._exit(code)
            try:
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
            except OSError:
                pass


if __name__ == "__main__":
    main(sys.argv[1])
