"""The warnings part of the case page: risk, risk inputs, 督办 and 预防成效 (``cases.panels``)."""
from tiaojie.cases import transitions
from tiaojie.warnings.forms import LevelForm, RiskInputsForm
from tiaojie.warnings.services import RISK_INPUTS, assessment_of


def case_panel(case, user) -> dict:
    a = assessment_of(case=case)
    may_level = transitions.may(case, user, "risk_level")
    may_inputs = transitions.may(case, user, "risk_inputs")
    escalations = list(case.escalations.all())
    return {
        "case": case,
        "a": a,
        "level_form": LevelForm(initial={"level": a.level}) if may_level else None,
        "risk_inputs": RiskInputsForm(initial={k: getattr(a, k) for k in RISK_INPUTS}) if may_inputs else None,
        "escalations": escalations,
        "can_escalate": transitions.may(case, user, "escalate") and not any(e.closed_at is None for e in escalations),
        "may_prevention": bool(case.outcome) and transitions.may(case, user, "prevention"),
    }
