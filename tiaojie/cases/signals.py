"""Signals other parts listen to, so that cases need not know them.

``case_changed(sender=Case, case=…, actor=…, kind=…)`` is sent after the transaction of every
registration and step commits (``transitions.after_commit``): receivers run their side effects
(risk, rollups, search index, notifications) outside the case's lock.
"""
from django.dispatch import Signal

case_changed = Signal()
