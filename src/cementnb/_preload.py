"""Imported once by the local workers' forkserver (see :mod:`cementnb.executors`): papermill,
nbclient, jupyter_client and nbconvert loaded and the HTML templates compiled, so that every
worker forked from it starts ready. Not for other use."""

try:
    from .runner import warm_up

    warm_up()
except Exception:  # pragma: no cover - a failure here must not take the forkserver down;
    pass  # the worker then imports what it needs itself
