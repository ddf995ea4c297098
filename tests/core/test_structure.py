"""Rules of the code's shape that keep the core's rules true by construction (issue 10):

* apps depend downwards only, in the layering written in the README;
* no import cycle between modules at import time;
* only ``cases/transitions.py`` assigns ``Case.status``;
* dates are Beijing dates (``timezone.localdate()`` / ``core.dates``), never the server's UTC date;
* every scoped model declares its scope rule, so ``visible_to`` applies to it.
"""
import ast
from pathlib import Path

import pytest

from tiaojie.testing import assigned_attributes

ROOT = Path(__file__).resolve().parents[2] / "tiaojie"
# The layering, lowest first (README, "Architecture"). An app may import the ones before it;
# apps of one layer (a tuple) may import each other (no cycle at import time, checked below).
LAYERS = ["core", ("accounts", "security"), "notify", "orgs", "intake", "cases", "warnings", "screening", "routing",
          "documents", "public", "funding", "stats", "api", "portal", "demo"]


def _modules():
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text())


def _imports(tree, top_level_only=False):
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno


def test_apps_depend_downwards_only():
    rank = {app: i for i, layer in enumerate(LAYERS) for app in (layer if isinstance(layer, tuple) else (layer,))}
    upward = []
    for path, tree in _modules():
        rel = path.relative_to(ROOT).parts
        app = rel[0] if len(rel) > 1 else None
        if app not in rank:
            continue
        for module, line in _imports(tree):
            parts = module.split(".")
            if parts[0] == "tiaojie" and len(parts) > 1 and parts[1] in rank and rank[parts[1]] > rank[app]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert upward == []


def test_no_import_cycle():
    graph: dict[str, set[str]] = {}
    names = {}
    for path, tree in _modules():
        rel = path.relative_to(ROOT.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        names[name] = tree
    for name, tree in names.items():
        graph[name] = set()
        for module, _line in _imports(tree, top_level_only=True):
            if module in names and module != name:
                graph[name].add(module)
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    assert cycles == []


def _assigns_status(tree) -> list[int]:
    """Lines assigning ``<case>.status = …`` or creating/updating cases with a status."""
    lines = [line for line, t in assigned_attributes(tree)
             if t.attr == "status" and isinstance(t.value, ast.Name) and "case" in t.value.id.lower()]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "update", "create", "bulk_update"):
            receiver = ast.unparse(node.func.value)
            if ("Case.objects" in receiver or receiver.endswith("cases")) and any(
                    k.arg == "status" for k in node.keywords):
                lines.append(node.lineno)
    return lines


def test_only_the_state_machine_assigns_case_status():
    found = []
    for path, tree in _modules():
        rel = path.relative_to(ROOT)
        # the demo generator writes historical records in bulk, like a fixture (documented)
        if rel.as_posix() == "cases/transitions.py" or rel.parts[0] == "demo":
            continue
        found += [f"{rel}:{line}" for line in _assigns_status(tree)]
    assert found == []


def test_the_status_check_finds_a_violation():
    """The check above is not blind: it catches each way of writing a status."""
    for code in ("case.status = 'archived'", "locked_case.status = x", "Case.objects.filter(pk=1).update(status='x')",
                 "Case.objects.create(number='1', status='archived')"):
        assert _assigns_status(ast.parse(code)), code


def test_no_server_date():
    """``date.today()`` and naive ``datetime.now()`` give the server's (UTC) date; Beijing time is meant."""
    bad = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "today", "now", "utcnow"):
                owner = ast.unparse(node.func.value)
                if owner in ("date", "dt.date", "datetime.date", "datetime", "dt.datetime", "datetime.datetime"):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert bad == []


@pytest.mark.django_db
def test_scoped_models_declare_their_rule():
    from django.apps import apps

    from tiaojie.core.scope import ScopedQuerySet, ScopeRule

    for model in apps.get_models():
        if not model.__module__.startswith("tiaojie."):
            continue
        has_rule = isinstance(getattr(model, "scope", None), ScopeRule)
        has_qs = isinstance(model._default_manager.all(), ScopedQuerySet)
        assert has_rule == has_qs, model
        if any(f.name == "case" and f.concrete and f.is_relation for f in model._meta.get_fields()):
            assert has_rule, f"{model.__name__} belongs to a case and must declare a ScopeRule"
