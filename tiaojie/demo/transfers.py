"""Transfers (移交/转办) of the demo city, through ``routing.services`` as the logins would do them.

The demo logins' committees hand open cases up (东安社区 → 东安路街道 → 卫东区人民调解中心): one accepted,
one still waiting for the township (in its inbox), one returned with a reason, one waiting for the
county center. Each goes through ``transfer_out`` / ``accept_transfer`` / ``return_transfer``, so the
timeline, the scope and the deadlines are the real ones.
"""
from tiaojie.accounts.models import User
from tiaojie.cases.models import Case, Status
from tiaojie.core.errors import DomainError
from tiaojie.routing import services

OPEN = [Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING]
# (sender, receiver, answer: "accept" / "return" / None, reason, return reason)
PLAN = [
    ("village_dongan", "township_dongan", "accept", "涉及两个社区的居民，本社区调委会难以协调，申请街道调委会调解。", ""),
    ("village_dongan", "township_dongan", None, "当事人一方为外街道居民，需街道调委会统筹协调。", ""),
    ("village_guanghua", "township_dongan", "return", "双方分歧较大，申请街道调委会调解。",
     "纠纷事实清楚、标的不大，请社区调委会继续调解，街道调委会派员指导。"),
    ("township_dongan", "county_weidong", None, "涉及群众人数较多，街道调委会多次调解未果，申请区人民调解中心调解。", ""),
]


def build(using: str = "default", stderr=None) -> dict:
    users = {u.username: u for u in User.objects.using(using).select_related("organization")
             .filter(username__in={p[0] for p in PLAN} | {p[1] for p in PLAN})}
    used: set[int] = set()
    done = {"accepted": 0, "pending": 0, "returned": 0}
    for sender, receiver, answer, reason, back in PLAN:
        s, r = users.get(sender), users.get(receiver)
        if s is None or r is None or s.organization is None or r.organization is None:
            continue
        case = (Case.objects.using(using).filter(organization=s.organization, status__in=OPEN)
                .exclude(pk__in=used).exclude(transfers__isnull=False).order_by("-registered_at").first())
        if case is None:
            continue
        try:
            t = services.transfer_out(case, s, to_org=r.organization, reason=reason, version=case.version)
            used.add(case.pk)
            version = Case.objects.using(using).values_list("version", flat=True).get(pk=case.pk)
            if answer == "accept":
                services.accept_transfer(t, r, version=version, note="已接收，安排街道专职调解员办理。")
                done["accepted"] += 1
            elif answer == "return":
                services.return_transfer(t, r, version=version, reason=back)
                done["returned"] += 1
            else:
                done["pending"] += 1
        except DomainError as exc:  # a rule of the platform says no: leave that one out, say why
            if stderr:
                stderr.write(f"移交示例未生成（{case.number}）：{exc}\n")
    if stderr:
        stderr.write(f"案件移交：已接收 {done['accepted']}，待接收 {done['pending']}，已退回 {done['returned']}\n")
    return done
