"""After a case changes (``case_changed`` is sent after commit): recompute its risk, and let its
open warnings follow it when it moved to another committee."""
from django.dispatch import receiver

from tiaojie.cases.signals import case_changed

MOVES = {"transfer_out", "transfer_return"}


@receiver(case_changed)
def reassess_case(sender, case, actor=None, kind="", **kwargs):
    from tiaojie.warnings.services import follow_case, reassess

    if kind in MOVES:
        follow_case(case)
    reassess(case=case, actor=actor)
