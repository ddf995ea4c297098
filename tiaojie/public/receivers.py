"""What the public side adds to the rest without being imported by it: a tracking code for every
registered case, the applicant told of acceptance or refusal, the code's QR and the online
signatures on the documents, the 群众端 panel on the case page and the 在线签名 step."""
from django.dispatch import receiver

from tiaojie.cases.models import Case, Party
from tiaojie.cases.panels import register_panel, register_step_note
from tiaojie.cases.signals import case_changed
from tiaojie.cases.transitions import Step, register_step
from tiaojie.documents.context import register_provider
from tiaojie.notify import services as notify
from tiaojie.public import services

register_step(Step("sign_ready", "发出协议在线签名", ("succeeded", "followed_up"), action="case.succeed"))
register_step(Step("schedule_session", "安排调解时间地点", ("accepted", "mediating"), action="case.record_session"))


@receiver(case_changed, dispatch_uid="public_case_changed")
def on_case_changed(sender, case, actor, kind, **kwargs):
    if kind == "register":
        services.ensure_tracking_code(case, new=True)
    elif kind in ("accept", "reject"):
        tell_applicants(case, kind)
    elif kind == "transfer_out":
        tell_receiving_committee(case)


def tell_applicants(case: Case, kind: str) -> None:
    """受理 / 不予受理 of an online application: its applicant is told by SMS."""
    if not hasattr(case, "online_application"):
        return
    tc = services.ensure_tracking_code(case)
    for p in case.parties.filter(role=Party.Role.APPLICANT):
        if kind == "accept":
            notify.queue("application_accepted", p.phone, org_name=case.organization.name, case_number=case.number,
                         code=tc.code, org_phone=case.organization.contact_phone)
        else:
            notify.queue("application_declined", p.phone, org_name=case.organization.name, reason=case.close_reason,
                         code=tc.code)


def tell_receiving_committee(case: Case) -> None:
    from django.urls import reverse

    t = case.transfers.filter(status="pending").select_related("to_org", "from_org").order_by("-sent_at").first()
    if t is not None:
        notify.notify_users(services.staff_of(t.to_org), "transfer",
                            f"待接收的移交案件：{case.number}（{t.from_org.name}移交）", reverse("cases:detail", args=[case.pk]))


def document_values(case: Case, ctx: dict) -> dict:
    tc = getattr(case, "tracking", None) if hasattr(case, "tracking") else None
    out = {}
    if tc is not None:
        out.update(tracking_code=tc.code, tracking_qr=services.qr_data_uri(services.track_url(tc.code)))
    import base64

    from django.utils import timezone

    sigs = {s.party_id: s for s in services.valid_signatures(case)}
    if sigs:
        for p in ctx.get("principals", []):
            s = sigs.get(p.get("pk"))
            if s is not None:
                p["signature"] = {"image": "data:image/png;base64," + base64.b64encode(bytes(s.image)).decode(),
                                  "at": timezone.localtime(s.signed_at).strftime("%Y-%m-%d %H:%M")}
    return out


register_provider(document_values)


def case_panel(case: Case, user):
    from tiaojie.cases.transitions import may

    tc = getattr(case, "tracking", None) if hasattr(case, "tracking") else None
    ag = services.current_agreement(case)
    sigs = {s.party_id: s for s in services.valid_signatures(case)}
    principals = [p for p in case.parties.all() if p.role != Party.Role.AGENT]
    signing = services.signing_open(case)
    return {
        "case": case, "tracking": tc, "online": hasattr(case, "online_application"),
        "written": ag is not None and ag.kind == "written",
        "signing": signing, "may_mark": ag is not None and ag.kind == "written" and signing is None
        and may(case, user, "sign_ready"),
        "signers": [{"name": p.name, "role": p.get_role_display(), "sig": sigs.get(p.pk)} for p in principals],
        "ratings": list(case.ratings.select_related("party")),
        "next_session": getattr(case, "next_session", None) if hasattr(case, "next_session") else None,
        "may_schedule": may(case, user, "schedule_session"),
    }


register_panel("public", order=25, template="public/_case_panel.html", context=case_panel)


def rating_notes(case: Case, user) -> list[str]:
    return [f"当事人网上评价：{r.party.name} {r.score}分（满分5分）" + (f"，意见：{r.comment}" if r.comment else "")
            for r in case.ratings.select_related("party")]


register_step_note("follow_up", rating_notes)


def application_notes(case: Case, user) -> list[str]:
    if case.numbered:
        return []
    return [f"网上申请（申请编号{case.number}）：受理时取得{case.organization.name}本年度的下一个案号；"
            "不予受理的不占用案号，申请人都会收到短信通知"]


register_step_note("accept", application_notes)
register_step_note("reject", application_notes)


# --- staff notices for records of other parts (this is the lowest app above them all) -------------

def _on_warning(sender, instance, created, **kwargs):
    if not created:
        return
    from django.db import transaction
    from django.urls import reverse

    pk, org, title, level = instance.pk, instance.responsible, instance.title, instance.get_level_display()
    transaction.on_commit(lambda: notify.notify_users(
        services.staff_of(org), "warning", f"{level}预警待签收：{title}", reverse("warnings:detail", args=[pk])),
        robust=True)


def _on_referral(sender, instance, created, **kwargs):
    if not created:
        return
    from django.db import transaction
    from django.urls import reverse

    case = instance.case
    due = f"，反馈期限{timezone_label(instance.feedback_due_at)}" if instance.feedback_due_at else ""
    org, pk, text = case.organization, case.pk, f"移送案件待反馈：{case.number}（{instance.referrer_name}）{due}"
    transaction.on_commit(lambda: notify.notify_users(services.staff_of(org), "referral", text,
                                                      reverse("cases:detail", args=[pk])), robust=True)


def timezone_label(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%m-%d %H:%M")


def _connect():
    from django.db.models.signals import post_save

    from tiaojie.routing.models import Referral
    from tiaojie.warnings.models import Warning

    post_save.connect(_on_warning, sender=Warning, dispatch_uid="public_notice_warning")
    post_save.connect(_on_referral, sender=Referral, dispatch_uid="public_notice_referral")


_connect()
