"""Run one step of the demo build in a second process while this one goes on with others.

After the city's rows are committed, the statistics rollups (reading every case) and the search
index of this year's cases (segmenting texts) need nothing from each other: each takes a core.
The step's process gets its own database connections (this process closes its own before the
fork, and both reopen them); its result or its error comes back through a pipe. Inside a
transaction (the tests' small city) the step simply runs here, first.
"""
import multiprocessing
import time
import traceback

from django.db import connections


class Beside:
    def __init__(self, func, *args, using: str = "default", **kwargs):
        self.func, self.args, self.kwargs = func, args, kwargs
        self.process = None
        self.started = time.monotonic()
        if connections[using].in_atomic_block:  # a second process would not see this transaction
            self.outcome = ("ok", (func(*args, **kwargs), time.monotonic() - self.started))
            return
        connections.close_all()
        ctx = multiprocessing.get_context("fork")
        self._result_in, result_out = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=self._run, args=(result_out,), name=f"demo-{func.__name__}", daemon=True)
        self.process.start()
        result_out.close()

    def _run(self, result_out) -> None:
        try:
            value = self.func(*self.args, **self.kwargs)
            result_out.send(("ok", (value, time.monotonic() - self.started)))
        except BaseException:
            result_out.send(("error", traceback.format_exc(limit=4)))
            raise SystemExit(1)
        finally:
            connections.close_all()

    def wait(self) -> tuple:
        """(the step's return value, its wall seconds); raises if it failed."""
        if self.process is not None:
            try:
                self.outcome = self._result_in.recv()
            except EOFError:
                self.outcome = ("error", "进程意外退出")
            self.process.join()
            self.process = None
        status, value = self.outcome
        if status != "ok":
            raise RuntimeError(f"演示数据生成步骤 {self.func.__name__} 失败：{value}")
        return value


def parallel_map(func, items: list, *, using: str = "default", processes: int = 2, chunksize: int = 100) -> list:
    """``[func(x) for x in items]`` on ``processes`` forked workers, in order — for pure functions
    of their argument (the text analysis of tens of thousands of demo texts). Here, one by one,
    inside a transaction, off SQLite or for a short list: the workers must not share a
    PostgreSQL session, and a few hundred items are not worth two forks."""
    conn = connections[using]
    if conn.vendor != "sqlite" or conn.in_atomic_block or len(items) < 400:
        return [func(x) for x in items]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes, initializer=_own_connections) as pool:
        return pool.map(func, items, chunksize)


def _own_connections() -> None:
    """A worker opens its own database connection if it needs one (a rule table read again after
    the cache's minutes): the copy of this process's SQLite handle is closed, never used."""
    connections.close_all()
