"""Panels other parts add to the case page, so that ``cases`` shows them without importing them.

An app above ``cases`` registers a panel in its ``AppConfig.ready``:
``register_panel("risk", order=10, template="warnings/_case_panel.html", context=fn)`` where
``fn(case, user) -> dict | None`` gives the panel's context (None: no panel for this case or
user). The case page renders the side column from these, in order, in one request.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    template: str
    context: Callable


PANELS: dict[str, Panel] = {}


def register_panel(name: str, *, order: int, template: str, context: Callable) -> None:
    PANELS[name] = Panel(name, order, template, context)


def panels_for(case, user) -> list[dict]:
    out = []
    for panel in sorted(PANELS.values(), key=lambda p: p.order):
        ctx = panel.context(case, user)
        if ctx is not None:
            out.append({"name": panel.name, "template": panel.template, "ctx": ctx})
    return out


# Notes other parts show above a step's form (the parties' own online ratings on the 回访 form):
# ``register_step_note("follow_up", fn)`` with ``fn(case, user) -> list[str]``.
STEP_NOTES: dict[str, list[Callable]] = {}


def register_step_note(step: str, fn: Callable) -> None:
    fns = STEP_NOTES.setdefault(step, [])
    if fn not in fns:
        fns.append(fn)


def step_notes(case, user, step: str) -> list[str]:
    return [line for fn in STEP_NOTES.get(step, []) for line in (fn(case, user) or [])]
