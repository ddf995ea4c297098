"""Rule tables read once per process and kept for a few minutes.

An admin edit clears this process's copy at once (the tables' ``post_save``/``post_delete``
signals call ``clear``) and reaches the other worker processes within ``SECONDS``. Used for the
holiday calendar, the time limits and the risk and routing rule tables, which every
registration and step reads.
"""
import time
from collections.abc import Callable

SECONDS = 300
_store: dict = {}


def cached(key, load: Callable):
    hit = _store.get(key)
    if hit is not None and time.monotonic() - hit[0] < SECONDS:
        return hit[1]
    value = load()
    _store[key] = (time.monotonic(), value)
    return value


def clear(prefix=None) -> None:
    """Forget everything, or the keys that are (or start with) ``prefix``."""
    if prefix is None:
        _store.clear()
        return
    for key in list(_store):
        if key == prefix or (isinstance(key, tuple) and key and key[0] == prefix):
            del _store[key]


def clear_on_change(*models, prefix) -> None:
    """Connect ``post_save``/``post_delete`` of ``models`` to ``clear(prefix)``."""
    from django.db.models.signals import post_delete, post_save

    def handler(sender, **kwargs):
        clear(prefix)

    for model in models:
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"cache-{prefix}-{model.__name__}-save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"cache-{prefix}-{model.__name__}-del")
