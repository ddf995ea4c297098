"""The bell's unread count for a user with many unread notices: the exact count against the
bounded one (``notify.services.bell_count``). Adds N notices to a demo user, times both, removes them.

    DEBUG=1 TIAOJIE_DEMO=1 TIAOJIE_VAR_DIR=var .venv/bin/python bench/bell_count.py 20000
"""
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from tiaojie.accounts.models import User
    from tiaojie.notify import services
    from tiaojie.notify.models import Notice

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    user = User.objects.get(username="village_dongan")
    Notice.objects.bulk_create([Notice(user=user, kind="bench", text="x") for _ in range(n)], batch_size=5000)
    try:
        for label, count in (("exact count", lambda: services.unread(user).count()),
                             ("bell_count", lambda: services.bell_count(user))):
            times = []
            for _ in range(50):
                t = time.perf_counter()
                got = count()
                times.append((time.perf_counter() - t) * 1000)
            print(f"{label:12} -> {got:6}  median {statistics.median(times):.2f} ms  max {max(times):.2f} ms")
    finally:
        Notice.objects.filter(user=user, kind="bench").delete()
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
