"""Signals other parts listen to, so that cases need not know them.

``case_changed(sender=Case, case=…, actor=…, kind=…)`` is sent inside the transaction of every
registration and transition (and of edits that change what the case says).
"""
from django.dispatch import Signal

case_changed = Signal()
