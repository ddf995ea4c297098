"""What the intake function needs from parts above ``cases`` (filled in at start-up).

``cases`` sits below routing in the layering (routing reads cases, never the other way round),
yet registration must record a routing proposal. The routing app provides it here in its
``AppConfig.ready``; ``cases`` calls it without importing routing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class RouteProposal:
    org: object | None           # an Organization, or None when no rule applies
    rule_code: str = ""
    rule_name: str = ""
    explanation: str = ""
    facts: dict = field(default_factory=dict)
    risk_level: str = "none"     # the provisional risk level the rules saw
    handle: object = None        # the provider's own proposal object, handed back to ``record``


class RoutingPort(Protocol):
    def propose(self, prepared) -> RouteProposal: ...

    def record(self, case, user, proposal: RouteProposal, chosen, reason: str) -> None: ...


_routing: RoutingPort | None = None


def provide_routing(port: RoutingPort) -> None:
    global _routing
    _routing = port


def routing() -> RoutingPort:
    if _routing is None:
        raise RuntimeError("no routing provider: tiaojie.routing must be in INSTALLED_APPS")
    return _routing
