"""Fast bulk inserts for the big case tables.

The demo writes about two million rows; Django's ``bulk_create`` spends most of its time
building model instances and preparing each value, so the case tables are written here as
plain tuples: ``executemany`` on SQLite, ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.
Primary keys are assigned by the generator (``IdPool``) so children can point at parents
without a round trip; ``finish()`` moves PostgreSQL's sequences past them.

Values must already be what the database stores: datetimes come from ``Clock.ts`` (naive UTC
text on SQLite, aware UTC on PostgreSQL), JSON as a ``json.dumps`` string.

On SQLite outside any transaction (the full demo from the command line) the inserts can run in a
second process (``RowWriter.child_process``): this one draws the rows, the other executes them,
so the two cores share the load (the inserts are about a third of the build's CPU).
"""
import datetime as dt
import multiprocessing
import pickle
import queue
import sqlite3
import threading
import time
import traceback
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connections

PAGE_SIZE = 16384  # SQLite page size of a database the demo builds (SQLite's default is 4096)


@contextmanager
def sqlite_bulk_mode(using: str):
    """For a build outside any transaction on SQLite: no foreign-key enforcement, a rollback
    journal instead of WAL (a one-transaction load through WAL writes every page twice), no
    fsync until the end and 16 KB pages. Restores WAL, NORMAL sync and foreign keys afterwards. The generator
    assigns every key itself; the small city (its tests) is built with enforcement on, inside a
    transaction, so a wrong key fails there."""
    conn = connections[using]
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        yield False
        return
    conn.ensure_connection()
    with conn.cursor() as cur:
        cur.execute("PRAGMA foreign_keys = OFF")
        cur.execute("PRAGMA journal_mode = DELETE")
        cur.execute("PRAGMA synchronous = OFF")
        cur.execute("PRAGMA page_size")
        if cur.fetchone()[0] < PAGE_SIZE:
            # Larger pages waste less at each page's end (rows of a few hundred bytes): about 3.5 % of
            # the full city. Set before the load, when the database holds little: the VACUUM is cheap.
            cur.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            cur.execute("VACUUM")
    try:
        yield True
    finally:
        with conn.cursor() as cur:
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")


class IdPool:
    """Explicit primary keys, continuing after whatever the table already holds."""

    def __init__(self, model, using: str):
        from django.db.models import Max

        self.next = (model._base_manager.using(using).aggregate(m=Max("pk"))["m"] or 0) + 1

    def take(self) -> int:
        n = self.next
        self.next += 1
        return n


class Clock:
    """Turn local (Asia/Shanghai, UTC+8 without DST since 1991) naive datetimes into stored values:
    aware UTC datetimes, or on SQLite the text Django's adapter would store (``isoformat(" ")`` of
    the naive UTC time), made here once instead of by an adapter call per value in the inserting
    process."""

    OFFSET = dt.timedelta(hours=8)

    def __init__(self, vendor: str):
        self.aware = vendor != "sqlite"

    def ts(self, local: dt.datetime):
        utc = local - self.OFFSET
        return utc.replace(tzinfo=dt.UTC) if self.aware else utc.isoformat(" ")


class RowWriter:
    """Buffer rows per model and flush them in batches (call inside ``transaction.atomic``)."""

    BATCH = 5000

    def __init__(self, using: str = "default"):
        self.using = using
        self.connection = connections[using]
        self.vendor = self.connection.vendor
        self.buffers: dict = {}
        self.columns: dict = {}
        self.counts: dict = {}
        self.touched: list = []
        self.deferred: list[str] = []
        self.child: ChildInserter | None = None  # while set, another process inserts: write nothing through the ORM
        self.child_timings: dict = {}

    def tune(self) -> None:
        """Give SQLite a big page cache for the load (indexes of large tables are updated out of order)."""
        if self.vendor == "sqlite":
            with self.connection.cursor() as cur:
                cur.execute("PRAGMA cache_size = -262144")  # 256 MB, this connection only

    def defer_indexes(self, models) -> None:
        """SQLite: drop the secondary indexes of ``models`` for the load; ``restore_indexes``
        builds them again in one sorted pass each (much cheaper than keeping them up to date
        row by row, out of order). Unique indexes come back too, so a duplicate still fails."""
        if self.vendor != "sqlite":
            return
        tables = [m._meta.db_table for m in models]
        with self.connection.cursor() as cur:
            cur.execute(f"SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})", tables)
            rows = cur.fetchall()
            for name, sql, table in rows:
                cur.execute(f'DROP INDEX "{name}"')
                self.deferred.append((table, sql))

    def restore_indexes(self, models=None) -> None:
        """Build the deferred indexes again (of ``models`` only, once their rows are all written:
        with an inserting process it builds them while this one draws the next tables' rows)."""
        tables = None if models is None else {m._meta.db_table for m in models}
        now = [(t, sql) for t, sql in self.deferred if tables is None or t in tables]
        self.deferred = [x for x in self.deferred if x not in now]
        for model in models or list(self.buffers):
            self.flush(model)
        if self.child is not None:
            for _, sql in now:
                self.child.send(sql, None)
            return
        with self.connection.cursor() as cur:
            for _, sql in now:
                cur.execute(sql)

    def register(self, model, fields: list[str]) -> None:
        """Declare the column order for ``model``; every concrete column must be listed. Register
        a table after the tables it refers to."""
        concrete = {f.attname for f in model._meta.concrete_fields}
        missing, extra = concrete - set(fields), set(fields) - concrete
        if missing or extra:
            raise ValueError(f"{model.__name__}: missing {sorted(missing)}, unknown {sorted(extra)}")
        self.columns[model] = fields
        self.buffers[model] = []
        self.counts[model] = 0
        self.touched.append(model)

    def add(self, model, row: tuple) -> None:
        buf = self.buffers[model]
        buf.append(row)
        if len(buf) >= self.BATCH:
            # The tables registered before it too (their parents): a child row written before its
            # parent row is a deferred foreign-key violation, and while one is outstanding SQLite
            # looks for children of every parent row inserted — in tables whose indexes are dropped.
            for m in self.touched[:self.touched.index(model) + 1]:
                self.flush(m)

    def flush(self, model=None) -> None:
        for m in [model] if model is not None else list(self.buffers):
            rows = self.buffers[m]
            if rows:
                self._write(m, rows)
                self.counts[m] += len(rows)
                self.buffers[m] = []

    def _write(self, model, rows: list[tuple]) -> None:
        fields = self.columns[model]
        meta = model._meta
        attmap = {f.attname: f.column for f in meta.concrete_fields}
        cols = [attmap[f] for f in fields]
        table = self.connection.ops.quote_name(meta.db_table)
        qcols = ", ".join(self.connection.ops.quote_name(c) for c in cols)
        if self.child is not None:
            self.child.send(f"INSERT INTO {table} ({qcols}) VALUES ({', '.join('?' * len(cols))})", rows)
            return
        self.connection.ensure_connection()
        raw = self.connection.connection
        if self.vendor == "sqlite":
            raw.executemany(f"INSERT INTO {table} ({qcols}) VALUES ({', '.join('?' * len(cols))})", rows)
        elif self.vendor == "postgresql":
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({qcols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
        else:  # any other backend: the ORM's bulk_create
            model._base_manager.using(self.using).bulk_create(
                [model(**dict(zip(fields, r, strict=True))) for r in rows], batch_size=1000)

    def finish(self) -> None:
        """Flush everything and move PostgreSQL sequences past the explicit keys."""
        self.flush()
        reset_sequences(self.using, self.touched)

    @contextmanager
    def child_process(self):
        """Let a second process execute the inserts until the block ends (SQLite, no open transaction).

        The database runs in WAL mode meanwhile, so whatever this process reads (rule tables, the
        lexicon) never waits for the other's long write transaction; this process must not write.
        Leaving the block flushes what is buffered, waits for the other process to commit and raises
        its error if it failed; the rows are then visible here."""
        if self.vendor != "sqlite" or self.connection.in_atomic_block:
            raise RuntimeError("child_process: SQLite outside a transaction only")
        with self.connection.cursor() as cur:
            cur.execute("PRAGMA journal_mode = WAL")
        self.child = ChildInserter(self.connection.settings_dict["NAME"])
        try:
            yield
            self.flush()
            rows, busy, idle = self.child.close()
            self.child_timings = {"rows": rows, "busy": busy, "idle": idle, "blocked": self.child.blocked}
        except BaseException:
            self.child.abort()
            raise
        finally:
            self.child = None
            with self.connection.cursor() as cur:
                cur.execute("PRAGMA journal_mode = DELETE")


class ChildInserter:
    """A forked process that executes ``(sql, rows)`` batches (``rows`` None: one statement) in one
    transaction on its own connection. Batches travel pickled through a pipe, at most ``QUEUED``
    ahead. ``close`` commits there and raises here if anything failed."""

    def __init__(self, path: str):
        ctx = multiprocessing.get_context("fork")
        rows_in, self._rows_out = ctx.Pipe(duplex=False)
        self._result_in, result_out = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_insert_batches, args=(str(path), rows_in, result_out, self._rows_out),
                                   name="demo-inserter", daemon=True)
        self.process.start()
        rows_in.close()  # only the other process reads rows, only it writes the result
        result_out.close()
        # Batches come in bursts (a timeline batch, then a case batch…): a thread feeds the pipe from
        # a queue of up to QUEUED batches, so this process goes on drawing while the other catches up.
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self._broken = False
        self._feeder = threading.Thread(target=self._feed, name="demo-inserter-feed", daemon=True)
        self._feeder.start()

    QUEUED = 48
    blocked = 0.0  # seconds this process waited because the queue was full

    def _feed(self) -> None:
        while True:
            data = self._queue.get()
            if data is None:
                return
            try:
                self._rows_out.send_bytes(data)
            except OSError:  # the other process has gone; send() and close() say why
                self._broken = True
                return

    def _put(self, item) -> bool:
        """Queue ``item`` for the feeder; False if the other process has gone."""
        while not self._broken:
            try:
                self._queue.put(item, timeout=1)
                return True
            except queue.Full:
                continue
        return False

    def send(self, sql: str, rows: list) -> None:
        data = pickle.dumps((sql, rows), protocol=pickle.HIGHEST_PROTOCOL)
        t = time.monotonic()
        queued = self._put(data)
        self.blocked += time.monotonic() - t
        if not queued:
            self._stop_feeding()
            raise RuntimeError(f"演示数据写入进程失败：{self._result()[1]}")

    def _stop_feeding(self) -> None:
        self._put(None)
        self._feeder.join()
        if not self._rows_out.closed:
            self._rows_out.close()

    def close(self) -> tuple[int, float, float]:
        """Rows inserted, seconds the other process was busy and idle."""
        self._put(b"")  # the end: the other process commits
        self._stop_feeding()
        status, value = self._result()
        if status != "ok":
            raise RuntimeError(f"演示数据写入进程失败：{value}")
        return value

    def abort(self) -> None:
        if self.process.is_alive():
            self.process.terminate()  # its blocked write, if any, fails: the feeder ends
        self._broken = True
        while True:  # let a feeder waiting on an empty queue see the end
            try:
                self._queue.put_nowait(None)
                break
            except queue.Full:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    pass
        self._feeder.join()
        if not self._rows_out.closed:
            self._rows_out.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()

    def _result(self) -> tuple[str, object]:
        try:
            result = self._result_in.recv()
        except EOFError:
            result = ("error", "写入进程意外退出")
        self.process.join()
        return result


def _insert_batches(path: str, rows_in, result_out, parents_end) -> None:
    """The inserting process: its own connection, one transaction, no foreign-key enforcement (the
    generator assigns every key); adapters for dates are the ones Django registered in the parent."""
    parents_end.close()  # so that a parent that dies ends the loop below instead of leaving it waiting
    try:
        db = sqlite3.connect(path, timeout=600, isolation_level=None)
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -262144")
        db.execute("BEGIN IMMEDIATE")
        n, idle, started = 0, 0.0, time.monotonic()
        while True:
            t = time.monotonic()
            msg = rows_in.recv_bytes()  # EOFError if the parent died: nothing is committed
            idle += time.monotonic() - t
            if not msg:
                break
            sql, rows = pickle.loads(msg)
            if rows is None:  # an index to build
                db.execute(sql)
                continue
            db.executemany(sql, rows)
            n += len(rows)
        db.execute("COMMIT")
        db.close()
        result_out.send(("ok", (n, time.monotonic() - started - idle, idle)))
    except BaseException:
        result_out.send(("error", traceback.format_exc(limit=3)))
        raise SystemExit(1)


def reset_sequences(using: str, models) -> None:
    conn = connections[using]
    sql = conn.ops.sequence_reset_sql(no_style(), list(models))
    if sql:
        with conn.cursor() as cur:
            for stmt in sql:
                cur.execute(stmt)
