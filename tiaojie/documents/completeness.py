"""Is the case file (卷宗) complete? The required items of DOMAIN.md §5 still missing.

Registered as an archive requirement (``cases.archiving``): the ``archive`` step refuses an
incomplete file unless a supervisor forces it with a reason.
"""
from tiaojie.cases.models import Agreement, Case, Outcome, Party
from tiaojie.documents.models import Attachment

MEDIATED = (Outcome.SUCCESS, Outcome.FAILED)


def check_complete(case: Case) -> list[str]:
    """Missing required items of the case file (DOMAIN.md §5), in filing order; [] when complete.

    Documents Tiaojie fills from the record (申请书/登记表, 告知书, 封底 …) are present as soon as
    the record allows them; what can be missing is what people must record or upload.
    """
    missing: list[str] = []
    parties = list(case.parties.all())
    principals = [p for p in parties if p.role != Party.Role.AGENT]
    atts = list(case.attachments.filter(voided_at__isnull=True))
    proofs = [a for a in atts if a.kind == Attachment.Kind.IDENTITY]
    linked = {a.party_id for a in proofs if a.party_id}
    unlinked = sum(1 for a in proofs if not a.party_id)
    lacking = [p.name for p in principals if p.pk not in linked]
    if len(lacking) > unlinked:
        missing.append(f"当事人身份证明（缺{len(lacking) - unlinked}份：" + "、".join(lacking) + "）")
    agents = [p for p in parties if p.role == Party.Role.AGENT]
    if agents and not any(a.kind == Attachment.Kind.POWER_OF_ATTORNEY for a in atts):
        missing.append("授权委托书（本案有代理人：" + "、".join(p.name for p in agents) + "）")
    if case.outcome in MEDIATED and not case.sessions.exists():
        missing.append("人民调解记录（至少一次调解的记录）")
    if case.outcome == Outcome.SUCCESS:
        if not Agreement.objects.filter(case=case).exists():
            missing.append("人民调解协议书或口头协议登记表")
    return missing


