"""The documents part of the case page (``cases.panels``): the way to the documents and the case
file, and — from registration on — which parties' identity proofs (身份证明) are still missing."""
from tiaojie.cases import transitions
from tiaojie.cases.models import Party
from tiaojie.documents.models import Attachment


def case_panel(case, user) -> dict:
    principals = [p for p in case.parties.all() if p.role != Party.Role.AGENT]
    proofs = set(Attachment.objects.filter(case=case, kind=Attachment.Kind.IDENTITY, voided_at__isnull=True)
                 .values_list("party_id", flat=True))
    unlinked = sum(1 for p in proofs if p is None)
    lacking = [p.name for p in principals if p.pk not in proofs]
    if len(lacking) <= unlinked:
        lacking = []
    return {"case": case, "lacking_proofs": lacking, "may_upload": transitions.may(case, user, "attach")}
