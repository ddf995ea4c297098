"""Keep the per-process caches of the calendar and the time limits in step with the tables."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tiaojie.core import dates
from tiaojie.core.models import Holiday, TimeLimit


@receiver([post_save, post_delete], sender=Holiday)
@receiver([post_save, post_delete], sender=TimeLimit)
def _clear(sender, **kwargs):
    dates.clear_calendar_cache()
