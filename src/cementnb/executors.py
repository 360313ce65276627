"""Where the unit of work (:func:`cementnb.runner.run`) executes.

Both executors offer the same three calls to the batch coordinator:

``submit(key, priority, kwargs)``
    queue ``run(**kwargs)``; lower ``priority`` tuples first.
``poll(timeout) -> [(event, key, result)]``
    ``("started", key, None)`` when a task starts, ``("done", key, status)`` when it ends
    (``status`` is ``run``'s dict, or one made up here when the worker itself was lost).
``shutdown(kill=False)``

:class:`LocalExecutor` runs each notebook in its own worker process on this machine, forked
from a *forkserver* that has papermill, nbclient and nbconvert already imported (so a worker
costs milliseconds, not a Python start-up), at most ``jobs`` at a time. On top of ``run``'s own
timeout (which kills the kernel), a worker still alive ``grace`` seconds after its notebook's
timeout is terminated: a hung kernel or a hung worker never holds the batch.

:class:`DaskExecutor` sends the same calls to an existing Dask distributed cluster. The workers
need ``cementnb`` installed (with its Jupyter kernel ``cementnb``) and must see the project, the
inputs and the reports folder at the same paths (a shared file system).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import multiprocessing as mp
import os
import signal
import time
from multiprocessing.connection import wait as wait_for
from typing import Any, Hashable, Mapping

__all__ = ["LocalExecutor", "DaskExecutor", "ExecutorError"]

#: Modules the forkserver imports once, so that every worker starts with them loaded.
PRELOAD = ["cementnb._preload"]


class ExecutorError(Exception):
    """The executor cannot start (e.g. the Dask scheduler is unreachable): message in Chinese."""


def _lost(name: str, reason: str, message: str) -> dict[str, Any]:
    return {"notebook": name, "status": "failed", "reason": reason, "message": message, "output": None,
            "html": None, "attempts": 1}


def _worker_main(conn, kwargs: Mapping[str, Any]) -> None:
    """Entry point of a local worker process: run one notebook, send its status back."""
    from . import runner

    def terminate(signum, frame):  # the coordinator gave up on us: take our kernels along
        runner.kill_live_kernels()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    # nbclient logs through papermill's logger ("Kernel died while..."): the status says it.
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    try:
        result = runner.run(**kwargs)
    except BaseException as exc:  # pragma: no cover - run() does not raise
        result = _lost(str(kwargs.get("notebook")), "internal", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    finally:
        conn.close()


def _context():
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")  # pragma: no cover - Windows


if "forkserver" in mp.get_all_start_methods():
    from multiprocessing import popen_forkserver as _popen_forkserver
    from multiprocessing import spawn as _spawn
    from multiprocessing.context import ForkServerProcess as _ForkServerProcess

    class _NoMainPopen(_popen_forkserver.Popen):
        """A forkserver child that does not re-import the caller's ``__main__``.

        multiprocessing normally runs the main script again in each child (which is why
        scripts need ``if __name__ == "__main__":``). Our workers only need
        :func:`_worker_main` and plain data, so a script or notebook calling
        :func:`cementnb.runner.run_batch` works unguarded.
        """

        def _launch(self, process_obj):
            original = _spawn.get_preparation_data

            def without_main(name):
                data = original(name)
                data.pop("init_main_from_path", None)
                data.pop("init_main_from_name", None)
                return data

            _spawn.get_preparation_data = without_main
            try:
                super()._launch(process_obj)
            finally:
                _spawn.get_preparation_data = original

    class _WorkerProcess(_ForkServerProcess):
        @staticmethod
        def _Popen(process_obj):
            return _NoMainPopen(process_obj)
else:  # pragma: no cover - Windows
    _WorkerProcess = None


class LocalExecutor:
    """At most ``jobs`` notebooks at once, each in a fresh worker process of this machine."""

    name = "local"

    def __init__(self, jobs: int, *, timeout: float, grace: float = 30.0, kill_after: float = 5.0):
        self.jobs = max(1, int(jobs))
        self.timeout = timeout
        self.grace = grace
        self.kill_after = kill_after
        self._ctx = _context()
        self._pending: list[tuple[Any, int, Hashable, dict[str, Any]]] = []
        self._running: dict[Hashable, dict[str, Any]] = {}
        self._seq = itertools.count()
        if self._ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()  # import the preloads while the coordinator prepares

    def submit(self, key: Hashable, priority: Any, kwargs: Mapping[str, Any]) -> None:
        heapq.heappush(self._pending, (priority, next(self._seq), key, dict(kwargs)))

    def _start(self) -> list[tuple[str, Hashable, Any]]:
        events = []
        while self._pending and len(self._running) < self.jobs:
            _prio, _seq, key, kwargs = heapq.heappop(self._pending)
            reader, writer = self._ctx.Pipe(duplex=False)
            process_class = _WorkerProcess if self._ctx.get_start_method() == "forkserver" else self._ctx.Process
            proc = process_class(target=_worker_main, args=(writer, kwargs), name=f"cementnb-{key}", daemon=True)
            proc.start()
            writer.close()
            timeout = float(kwargs.get("timeout") or self.timeout)
            self._running[key] = {"proc": proc, "conn": reader, "result": None, "name": str(kwargs.get("notebook")),
                                  "deadline": time.monotonic() + timeout + self.grace, "terminated": None,
                                  "timeout": timeout}
            events.append(("started", key, None))
        return events

    def poll(self, timeout: float) -> list[tuple[str, Hashable, Any]]:
        events = self._start()
        if not self._running:
            return events
        handles = [t["conn"] for t in self._running.values() if t["result"] is None]
        handles += [t["proc"].sentinel for t in self._running.values()]
        wait_for(handles, timeout)
        now = time.monotonic()
        for key, task in list(self._running.items()):
            conn, proc = task["conn"], task["proc"]
            if task["result"] is None:
                try:
                    if conn.poll():
                        task["result"] = conn.recv()
                except (EOFError, OSError):
                    task["result"] = False  # the worker closed the pipe without an answer
            if proc.exitcode is None and task["result"] is not None and task["result"] is not False:
                proc.join(1.0)  # it has answered and is exiting
            if proc.exitcode is not None:
                proc.join()
                conn.close()
                result = task["result"] or None
                if result is None:
                    if task["terminated"] is not None:
                        result = _lost(task["name"], "timeout",
                                       f"{task['name']}.ipynb：超过 {task['timeout']:g} 秒仍未结束，工作进程已被强制终止")
                    else:
                        result = _lost(task["name"], "worker_died",
                                       f"{task['name']}.ipynb：工作进程意外退出（退出码 {proc.exitcode}）")
                del self._running[key]
                events.append(("done", key, result))
            elif now > task["deadline"]:
                if task["terminated"] is None:
                    task["terminated"] = now
                    proc.terminate()
                elif now > task["terminated"] + self.kill_after:
                    proc.kill()
        return events + self._start()

    def shutdown(self, kill: bool = False) -> None:
        self._pending.clear()
        for task in self._running.values():
            if kill:
                task["proc"].terminate()
        deadline = time.monotonic() + self.kill_after
        for task in self._running.values():
            task["proc"].join(max(0.1, deadline - time.monotonic()))
            if task["proc"].exitcode is None:
                task["proc"].kill()
                task["proc"].join(1.0)
            task["conn"].close()
        self._running.clear()


class DaskExecutor:
    """The same work on the workers of an existing Dask distributed cluster."""

    name = "dask"

    def __init__(self, address: str, *, timeout: float, grace: float = 60.0, connect_timeout: float = 15.0):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ExecutorError(f"未安装 dask.distributed，无法使用 --scheduler（{exc}）") from None
        self.address = address
        self.timeout = timeout
        self.grace = grace
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(f"无法连接 Dask 调度器 {address}：{exc}") from None
        self.jobs = sum(w.get("nthreads", 1) for w in self.client.scheduler_info().get("workers", {}).values()) or None
        self._futures: dict[Any, dict[str, Any]] = {}

    def submit(self, key: Hashable, priority: Any, kwargs: Mapping[str, Any]) -> None:
        from .runner import run

        index, position = priority if isinstance(priority, tuple) else (priority, 0)
        kwargs = dict(kwargs)
        kwargs["out_dir"] = str(kwargs["out_dir"])
        future = self.client.submit(run, **kwargs, pure=False, priority=-(int(index) * 1000 + int(position)),
                                    key=f"cementnb-run-{os.getpid()}-{next(_KEYS)}-{kwargs['notebook']}")
        timeout = float(kwargs.get("timeout") or self.timeout)
        self._futures[future] = {"key": key, "name": str(kwargs["notebook"]), "timeout": timeout,
                                 "deadline": time.monotonic() + timeout + self.grace, "announced": False}

    def poll(self, timeout: float) -> list[tuple[str, Hashable, Any]]:
        from distributed import wait

        events = []
        for info in self._futures.values():
            if not info["announced"]:
                info["announced"] = True
                events.append(("started", info["key"], None))
        if not self._futures:
            return events
        try:
            wait(list(self._futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except Exception:  # noqa: BLE001 - distributed's TimeoutError: nothing finished yet
            pass
        now = time.monotonic()
        for future, info in list(self._futures.items()):
            name = info["name"]
            if future.done():
                if future.status == "finished":
                    result = future.result()
                else:
                    try:
                        exc = future.exception(timeout=5)
                        text = f"{type(exc).__name__}: {exc}"
                    except Exception as other:  # noqa: BLE001
                        text = f"{future.status}（{other}）"
                    result = _lost(name, "worker_died", f"{name}.ipynb：Dask 工作节点未能执行：{text}")
                del self._futures[future]
                events.append(("done", info["key"], result))
            elif now > info["deadline"]:
                future.cancel()
                del self._futures[future]
                events.append(("done", info["key"], _lost(
                    name, "timeout", f"{name}.ipynb：超过 {info['timeout']:g} 秒仍未结束，已取消 Dask 任务")))
        return events

    def shutdown(self, kill: bool = False) -> None:
        if self._futures:
            self.client.cancel(list(self._futures))
            self._futures.clear()
        self.client.close()


_KEYS = itertools.count()
