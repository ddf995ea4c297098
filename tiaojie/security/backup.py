"""Backup and restore: the database (PostgreSQL ``pg_dump -Fc`` / SQLite online backup API) and the
uploaded files, in one timestamped directory with a manifest of SHA-256 checksums.

Layout of ``<TIAOJIE_BACKUP_DIR>/tiaojie-YYYYmmdd-HHMMSS/``::

    manifest.json    what, when, which database engine, row counts per table, checksums
    db.dump          PostgreSQL custom format (pg_restore)   — or —   db.sqlite3
    media/…          uploaded files (evidence, documents, templates)

A backup is written to ``….partial`` and renamed when complete, so a directory without that
suffix is always whole. ``restore`` verifies every checksum first and writes only into an
empty database (no tables at all) — it never overwrites data.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

PREFIX = "tiaojie-"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def backup_root() -> Path:
    return Path(settings.TIAOJIE_BACKUP_DIR)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pg_env(s: dict) -> dict:
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return env


def _pg_args(s: dict) -> list[str]:
    args = []
    if s.get("HOST"):
        args += ["-h", str(s["HOST"])]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    if s.get("USER"):
        args += ["-U", str(s["USER"])]
    return args


def table_counts(alias: str = "default") -> dict[str, int]:
    conn = connections[alias]
    out = {}
    with conn.cursor() as cur:
        for table in sorted(conn.introspection.table_names(cur)):
            cur.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
            out[table] = cur.fetchone()[0]
    return out


def key_fingerprint() -> str:
    """Identifies the look-up hash key (not the key): restore warns when the keys differ."""
    from tiaojie.security import crypto

    return crypto.lookup_hash("tiaojie-backup-key-check")[:16]


def backup(dest: Path | None = None, alias: str = "default", media: bool = True, progress=None) -> Path:
    root = Path(dest) if dest else backup_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    final = root / f"{PREFIX}{stamp}"
    n = 1
    while final.exists():
        n += 1
        final = root / f"{PREFIX}{stamp}-{n}"
    work = final.with_name(final.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    say = progress or (lambda msg: None)
    conn = connections[alias]
    s = conn.settings_dict
    say("统计各表行数…")
    counts = table_counts(alias)
    if conn.vendor == "postgresql":
        db_file = "db.dump"
        say("pg_dump（custom 格式）…")
        cmd = ["pg_dump", "-Fc", "--no-owner", "--no-privileges", *_pg_args(s), "-f", str(work / db_file), s["NAME"]]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_pg_env(s))
        if proc.returncode != 0:
            shutil.rmtree(work, ignore_errors=True)
            raise BackupError(f"pg_dump 失败：{proc.stderr.strip()[:500]}")
    elif conn.vendor == "sqlite":
        db_file = "db.sqlite3"
        say("SQLite 在线备份…")
        src = sqlite3.connect(str(s["NAME"]))
        dst = sqlite3.connect(str(work / db_file))
        try:
            with dst:
                src.backup(dst, pages=4096)
        finally:
            dst.close()
            src.close()
    else:
        raise BackupError(f"不支持的数据库：{conn.vendor}")
    files = {db_file: sha256(work / db_file)}
    media_root = Path(settings.MEDIA_ROOT)
    if media and media_root.is_dir():
        say("复制上传文件…")
        shutil.copytree(media_root, work / "media", symlinks=False)
        for p in sorted((work / "media").rglob("*")):
            if p.is_file():
                files[p.relative_to(work).as_posix()] = sha256(p)
    manifest = {
        "format": 1, "created_at": timezone.now().isoformat(), "vendor": conn.vendor, "database": db_file,
        "tables": counts, "files": files, "key_fingerprint": key_fingerprint(),
    }
    (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    work.rename(final)
    return final


def read_manifest(path: Path) -> dict:
    try:
        return json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} 不是完整的备份（manifest.json 无法读取：{exc}）")


def verify(path: Path) -> dict:
    path = Path(path)
    manifest = read_manifest(path)
    for rel, digest in manifest["files"].items():
        f = path / rel
        if not f.is_file():
            raise BackupError(f"备份缺少文件：{rel}")
        if sha256(f) != digest:
            raise BackupError(f"备份文件校验失败（SHA-256 不符，可能已损坏或被改动）：{rel}")
    return manifest


def database_is_empty(alias: str = "default") -> bool:
    conn = connections[alias]
    with conn.cursor() as cur:
        return not conn.introspection.table_names(cur)


def restore(path: Path, alias: str = "default", media: bool = True, progress=None) -> dict:
    path = Path(path)
    say = progress or (lambda msg: None)
    say("校验备份文件…")
    manifest = verify(path)
    conn = connections[alias]
    s = conn.settings_dict
    if manifest["vendor"] != conn.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']}，目标数据库是 {conn.vendor}，不能直接恢复")
    if not database_is_empty(alias):
        raise BackupError("拒绝恢复：目标数据库不是空库（已有数据表）。请新建一个空数据库，把 DATABASE_URL 指向它后再恢复。")
    media_root = Path(settings.MEDIA_ROOT)
    if media and media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"拒绝恢复：上传文件目录 {media_root} 不是空的")
    db_file = path / manifest["database"]
    if conn.vendor == "postgresql":
        say("pg_restore…")
        cmd = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-j", str(os.cpu_count() or 1),
               *_pg_args(s), "-d", s["NAME"], str(db_file)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_pg_env(s))
        if proc.returncode != 0:
            raise BackupError(f"pg_restore 失败：{proc.stderr.strip()[:500]}")
    else:
        say("SQLite 恢复…")
        conn.close()
        src = sqlite3.connect(str(db_file))
        dst = sqlite3.connect(str(s["NAME"]))
        try:
            with dst:
                src.backup(dst, pages=4096)
        finally:
            dst.close()
            src.close()
    if media and (path / "media").is_dir():
        say("恢复上传文件…")
        shutil.copytree(path / "media", media_root, dirs_exist_ok=True)
    say("核对各表行数…")
    counts = table_counts(alias)
    diff = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if diff:
        raise BackupError(f"恢复后行数与备份不符：{diff}")
    return {"manifest": manifest, "tables": len(counts), "rows": sum(counts.values()),
            "same_keys": manifest.get("key_fingerprint") == key_fingerprint()}


def list_backups(root: Path | None = None) -> list[Path]:
    root = Path(root) if root else backup_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(PREFIX)
                  and not p.name.endswith(".partial") and (p / MANIFEST).exists())


def prune(keep: int, root: Path | None = None) -> list[Path]:
    """Remove the oldest complete backups beyond ``keep`` (and stale partial ones)."""
    root = Path(root) if root else backup_root()
    removed = []
    for p in list_backups(root)[:-keep] if keep > 0 else []:
        shutil.rmtree(p)
        removed.append(p)
    if root.is_dir():
        for p in root.glob(f"{PREFIX}*.partial"):
            if (timezone.now().timestamp() - p.stat().st_mtime) > 86400:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed
