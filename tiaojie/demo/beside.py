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


class BackgroundMap:
    """Lists of items mapped by two forked workers while this process goes on composing the next
    ones (the text analysis of the demo's hidden dangers and cases: pure functions of their
    argument); ``result`` gives each list's results in order. Inside a transaction or off SQLite
    (the workers must not share a PostgreSQL session) each list is mapped here, when its result is
    asked for — the same results either way."""

    def __init__(self, using: str = "default", processes: int = 2, chunksize: int = 100):
        conn = connections[using]
        self.chunksize = chunksize
        self.pool = None
        if conn.vendor == "sqlite" and not conn.in_atomic_block:
            self.pool = multiprocessing.get_context("fork").Pool(processes, initializer=_own_connections)

    def submit(self, func, items: list):
        if self.pool is None:
            return func, items
        return self.pool.map_async(func, items, self.chunksize)

    def result(self, job) -> list:
        if self.pool is None:
            func, items = job
            return [func(x) for x in items]
        return job.get()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


def _own_connections() -> None:
    """A worker opens its own database connection if it needs one (a rule table read again after
    the cache's minutes): the copy of this process's SQLite handle is closed, never used."""
    connections.close_all()
