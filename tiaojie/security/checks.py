"""System checks: key independence (``check --deploy``) and declared encrypted columns."""
from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from tiaojie.security import crypto, keys


@register(Tags.security, deploy=True)
def check_key_independence(app_configs=None, **kwargs):
    errors = []
    secret = settings.SECRET_KEY or ""
    data = keys.split_keys(settings.TIAOJIE_DATA_KEY or "")
    for i, k in enumerate(data):
        if keys.derived_from(k, secret):
            errors.append(Error(
                f"TIAOJIE_DATA_KEY 的第 {i + 1} 个密钥与 SECRET_KEY 相同或由其派生：知道 SECRET_KEY 就能解密全部个人信息。",
                hint="用 `python -c \"from tiaojie.security.keys import new_key; print(new_key())\"` 生成独立的密钥，"
                     "放在列表最前，再运行 manage.py rotate_data_key。",
                id="tiaojie.E001"))
        if len(k) < 16:
            errors.append(Error(f"TIAOJIE_DATA_KEY 的第 {i + 1} 个密钥太短（至少 16 个字符，建议用 new_key() 生成）。",
                                id="tiaojie.E002"))
    hash_key = getattr(settings, "TIAOJIE_HASH_KEY", "") or (data or [""])[-1]
    if keys.derived_from(hash_key, secret):
        errors.append(Error("查找哈希的密钥（TIAOJIE_HASH_KEY，默认为最早的数据密钥）与 SECRET_KEY 相同或由其派生。",
                            id="tiaojie.E003"))
    if len(set(data)) != len(data):
        errors.append(Warning("TIAOJIE_DATA_KEY 中有重复的密钥。", id="tiaojie.W001"))
    dev = settings.VAR_DIR / "dev-data-key"
    if dev.exists() and dev.read_text().strip() in data:
        errors.append(Warning("正在使用开发用的数据密钥（var/dev-data-key）。", id="tiaojie.W002"))
    return errors


@register(Tags.models)
def check_encrypted_fields(app_configs=None, **kwargs):
    """A column named ``*_enc`` that its model does not declare would be missed by rotation."""
    out = []
    for model in apps.get_models():
        declared = set(crypto.declared_encrypted(model))
        for f in model._meta.concrete_fields:
            if f.name.endswith("_enc") and f.name not in declared:
                out.append(Warning(f"{model._meta.label}.{f.name} 看起来是加密字段，但未列入 encrypted_fields。",
                                   hint="用 tiaojie.security.protected.Protected 声明该字段（或列入 encrypted_fields），否则轮换密钥时不会重新加密。",
                                   obj=model, id="tiaojie.W003"))
        for name in declared:
            try:
                model._meta.get_field(name)
            except Exception:
                out.append(Error(f"{model._meta.label} 声明的加密字段 {name} 不是该模型的字段。",
                                 obj=model, id="tiaojie.E004"))
    return out
