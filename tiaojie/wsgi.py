import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
application = get_wsgi_application()
# What is loaded by now (Django, the apps and their modules: ~150,000 objects) lives as long as
# the worker. Moved out of the cyclic collector's reach, its full passes no longer stall one
# request in a few dozen by ~100 ms (the p95 of the case list at 1M: bench/README.md, paging13).
gc.freeze()
