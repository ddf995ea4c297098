"""What a case must have before it is archived (归档), gathered from every part that knows.

Other apps register a requirement: a function ``case -> list[str]`` naming what is still
missing. The documents app checks the case file (DOMAIN.md §5); routing checks that every police
referral got its 回访. ``missing_items`` is what the archive page shows and what
the ``archive`` step enforces on the locked case (a supervisor may force it with a reason).
"""
from collections.abc import Callable

REQUIREMENTS: list[Callable] = []


def requirement(fn: Callable) -> Callable:
    """Decorator: register ``fn(case) -> list[str]`` as an archive requirement."""
    if fn not in REQUIREMENTS:
        REQUIREMENTS.append(fn)
    return fn


def missing_items(case) -> list[str]:
    return [item for fn in REQUIREMENTS for item in fn(case)]
