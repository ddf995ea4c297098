"""Keep the per-process caches of the calendar and the time limits in step with the tables."""
from tiaojie.core.cache import clear_on_change
from tiaojie.core.models import Holiday, TimeLimit

clear_on_change(Holiday, prefix="calendar")
clear_on_change(TimeLimit, prefix="time_limits")
