"""One access helper per kind of object: every view, export, htmx partial and API endpoint
fetches a record through these, never with a bare ``get_object_or_404``.

``*_for(user, pk, acting=False)`` returns the object when the user's scope sees it (owned or
linked, ``tiaojie.core.scope``), raises ``Http404`` when it does not (its existence is not
revealed), and with ``acting=True`` raises ``Refused`` (403, in Chinese) when the user only
sees it through a link (read-only) — so a page that writes cannot be reached by a reader.
"""
from django.apps import apps
from django.http import Http404

from tiaojie.core.errors import Refused
from tiaojie.core.scope import Scope

NOT_FOUND = "没有这个记录，或不在您的管辖范围内"


def get_for(user, queryset, pk, *, acting: bool = False, what: str = "该记录"):
    """The object ``pk`` of ``queryset`` (a queryset or a model) as ``user`` may reach it."""
    if not hasattr(queryset, "model"):
        queryset = queryset._default_manager.all()
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND)
    scope = Scope.of(user)
    obj = scope.filter(queryset).filter(pk=pk).first()
    if obj is None:
        raise Http404(NOT_FOUND)
    if acting and not scope.owns(obj):
        raise Refused(f"{what}不在您的管辖范围内，只能查看，不能办理")
    return obj


def _model(label: str):
    return apps.get_model(label)


def case_for(user, pk, *, acting: bool = False, select=("organization", "region", "dispute_type__parent")):
    qs = _model("cases.Case").objects.select_related(*select)
    return get_for(user, qs, pk, acting=acting, what="该案件")


def party_for(user, pk, *, acting: bool = False):
    return get_for(user, _model("cases.Party").objects.select_related("case"), pk, acting=acting, what="该当事人")


def attachment_for(user, pk, *, acting: bool = False):
    return get_for(user, _model("documents.Attachment").objects.select_related("case"), pk, acting=acting,
                   what="该材料")


def transfer_for(user, pk, *, acting: bool = False):
    qs = _model("routing.Transfer").objects.select_related("case", "from_org", "to_org")
    return get_for(user, qs, pk, acting=acting, what="该移交")


def referral_for(user, pk, *, acting: bool = False):
    qs = _model("routing.Referral").objects.select_related("case", "case__organization", "referring_org")
    return get_for(user, qs, pk, acting=acting, what="该移送案件")


def confirmation_for(user, pk, *, acting: bool = False):
    qs = _model("routing.JudicialConfirmation").objects.select_related("case", "court_org")
    return get_for(user, qs, pk, acting=acting, what="该司法确认")


def warning_for(user, pk, *, acting: bool = False):
    qs = _model("warnings.Warning").objects.select_related("responsible", "origin", "assessment")
    return get_for(user, qs, pk, acting=acting, what="该预警")


def escalation_for(user, pk, *, acting: bool = False):
    qs = _model("warnings.Escalation").objects.select_related("case", "supervisor", "case__organization")
    return get_for(user, qs, pk, acting=acting, what="该督办事项")


def hazard_for(user, pk, *, acting: bool = False):
    qs = _model("screening.HiddenDanger").objects.select_related("organization", "dispute_type", "region")
    return get_for(user, qs, pk, acting=acting, what="该隐患")


def round_for(user, pk, *, acting: bool = False):
    qs = _model("screening.ScreeningRound").objects.select_related("organization")
    return get_for(user, qs, pk, acting=acting, what="该排查报告")


def org_for(user, pk, *, acting: bool = False):
    return get_for(user, _model("orgs.Organization").objects.select_related("region", "parent"), pk, acting=acting,
                   what="该单位")


def mediator_for(user, pk, *, acting: bool = False):
    qs = _model("orgs.Mediator").objects.select_related("organization")
    return get_for(user, qs, pk, acting=acting, what="该调解员")


def typical_case_for(user, pk, *, acting: bool = False):
    qs = _model("portal.TypicalCase").objects.select_related("case", "dispute_type__parent", "nominated_org")
    return get_for(user, qs, pk, acting=acting, what="该典型案例")
