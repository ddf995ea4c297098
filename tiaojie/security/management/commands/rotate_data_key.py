"""``manage.py rotate_data_key``: re-encrypt every encrypted column under the newest data key.

Put the new key first in TIAOJIE_DATA_KEY (``new,old``), run this, then the old key may be
dropped (keep TIAOJIE_HASH_KEY set to the key the look-up hashes were made with: the hashes do
not change). Works in batches by primary key, each batch in its own transaction; values already
under the newest key are left alone, so it is safe to stop and to run again.
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tiaojie.security import crypto


class Command(BaseCommand):
    help = "用最新的数据密钥重新加密所有加密字段（可中断、可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="每批行数（默认 2000）")
        parser.add_argument("--dry-run", action="store_true", help="只统计需要重新加密的值，不写入")

    def handle(self, *args, batch, dry_run, **options):
        keys = crypto.data_keys()
        if not keys:
            raise CommandError("未设置 TIAOJIE_DATA_KEY")
        columns = crypto.encrypted_columns()
        by_model: dict = {}
        for model, name in columns:
            by_model.setdefault(model, []).append(name)
        self.stdout.write(f"数据密钥 {len(keys)} 个（最新的在前）；加密字段："
                          + "，".join(f"{m._meta.label}.{'/'.join(f)}" for m, f in by_model.items()))
        totals = {"rows": 0, "rotated": 0, "failed": 0}
        started = time.monotonic()
        for model, fields in by_model.items():
            self._model(model, fields, batch, dry_run, totals)
        verb = "需要重新加密" if dry_run else "已重新加密"
        self.stdout.write(self.style.SUCCESS(
            f"完成：检查 {totals['rows']:,} 行，{verb} {totals['rotated']:,} 个值，"
            f"无法解密 {totals['failed']:,} 个（用时 {time.monotonic() - started:.1f} 秒）"))
        if totals["failed"]:
            raise CommandError(f"有 {totals['failed']} 个值现有密钥均无法解密，未改动；请检查 TIAOJIE_DATA_KEY 是否缺少旧密钥")

    def _model(self, model, fields, batch, dry_run, totals):
        label = model._meta.label
        manager = model._base_manager
        total = manager.count()
        done = 0
        last_pk = None
        t0 = time.monotonic()
        while True:
            qs = manager.order_by("pk")
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            with transaction.atomic():
                rows = list(qs.select_for_update().values_list("pk", *fields)[:batch]) if not dry_run \
                    else list(qs.values_list("pk", *fields)[:batch])
                if not rows:
                    break
                changed = []
                for pk, *values in rows:
                    new = {}
                    for name, token in zip(fields, values, strict=True):
                        if not token or crypto.is_current(token):
                            continue
                        try:
                            new[name] = crypto.rotate(token)
                        except crypto.DecryptError:
                            totals["failed"] += 1
                            crypto.log.error("rotate_data_key: %s #%s %s 无法解密", label, pk, name)
                    if new:
                        changed.append(model(pk=pk, **{f: new.get(f, v) for f, v in zip(fields, values, strict=True)}))
                        totals["rotated"] += len(new)
                if changed and not dry_run:
                    manager.bulk_update(changed, fields, batch_size=500)
            last_pk = rows[-1][0]
            done += len(rows)
            totals["rows"] += len(rows)
            rate = done / max(time.monotonic() - t0, 1e-6)
            self.stderr.write(f"\r  {label}: {done:,}/{total:,} 行（{done * 100 // max(total, 1)}%，{rate:,.0f} 行/秒）",
                              ending="")
            self.stderr.flush()
        self.stderr.write(f"\r  {label}: {done:,}/{total:,} 行 完成" + " " * 20)
