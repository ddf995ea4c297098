"""Data migrations that move a clear identifier column into protected columns (and back).

``encrypt_column(...)`` returns a ``RunPython`` operation: forwards it encrypts every stored
value under the newest data key and fills the look-up hash and the masked text; backwards it
decrypts them into the clear column again (refusing, with nothing changed, when a value no
configured key decrypts). Rows are read and written in batches by primary key.
"""
from django.db import migrations

from tiaojie.core import identifiers
from tiaojie.security import crypto

MASKS = {"id": identifiers.mask_id, "phone": identifiers.mask_phone}
BATCH = 1000


def _batches(model, fields):
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def encrypt_column(app_label: str, model_name: str, *, clear: str, enc: str, masked: str, mask: str,
                   hash: str = "", upper: bool = False) -> migrations.RunPython:
    masker = MASKS[mask]

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        targets = [enc, masked] + ([hash] if hash else [])
        for rows in _batches(model, [clear]):
            changed = []
            for row in rows:
                value = str(getattr(row, clear) or "").strip()
                value = value.upper() if upper else value
                if not value:
                    continue
                setattr(row, enc, crypto.encrypt(value))
                setattr(row, masked, masker(value))
                if hash:
                    setattr(row, hash, crypto.lookup_hash(value))
                changed.append(row)
            model.objects.bulk_update(changed, targets)

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for rows in _batches(model, [enc]):
            changed = []
            for row in rows:
                token = getattr(row, enc)
                if not token:
                    continue
                try:
                    setattr(row, clear, crypto.decrypt_strict(token))
                except crypto.DecryptError as exc:
                    raise RuntimeError(f"{model._meta.label} #{row.pk} 的 {enc} 现有密钥均无法解密，无法回退迁移") from exc
                changed.append(row)
            model.objects.bulk_update(changed, [clear])

    return migrations.RunPython(forwards, backwards, elidable=False)
