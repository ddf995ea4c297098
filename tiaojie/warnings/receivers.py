"""Recompute risk whenever a case changes."""
from django.dispatch import receiver

from tiaojie.cases.signals import case_changed


@receiver(case_changed)
def reassess_case(sender, case, actor=None, **kwargs):
    from tiaojie.warnings.services import reassess

    reassess(case=case, actor=actor)
