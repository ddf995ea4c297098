"""What the organization pages need from parts above ``orgs`` (filled in at start-up).

The mediator roster, a mediator's page and the honours list show case figures (caseload,
success rate, satisfaction) that the statistics part computes from the cases; ``orgs`` sits
below both, so statistics provides them here in its ``AppConfig.ready``.
"""
from collections.abc import Callable

_figures: dict[str, Callable] = {}


def provide_mediator_figures(*, figures: Callable, honour_candidates: Callable) -> None:
    _figures["figures"] = figures
    _figures["honour_candidates"] = honour_candidates


def mediator_figures(*args, **kwargs):
    return _figures["figures"](*args, **kwargs)


def honour_candidates(*args, **kwargs):
    return _figures["honour_candidates"](*args, **kwargs)
