"""Time whole pages (middleware, view, template) as one demo user sees them, in-process.

    DEBUG=1 TIAOJIE_DEMO=1 TIAOJIE_VAR_DIR=var .venv/bin/python bench/page_times.py --user city_admin \
        /orgs/honours/ /orgs/mediators/ /screening/board/ /cases/ /stats/ /warnings/ /routing/

Prints, per page: the status, the query count of one request, and the median / max of ``--runs``
requests in ms after one warm-up; then ``uptime``'s load average (record it beside the figures).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--user", default="city_admin")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("pages", nargs="+")
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from contextlib import ExitStack

    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tiaojie.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=args.user))
    print(f"user {args.user}, {args.runs} runs after a warm-up")
    for url in args.pages:
        client.get(url, secure=True)
        with ExitStack() as stack:  # every database alias (the read-replica router may send reads elsewhere)
            caught = [stack.enter_context(CaptureQueriesContext(connections[a])) for a in connections]
            status = client.get(url, secure=True).status_code
        queries = sum(len(c.captured_queries) for c in caught)
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            client.get(url, secure=True)
            times.append((time.perf_counter() - t) * 1000)
        print(f"{url:40} {status}  {queries:3d} queries  median {statistics.median(times):7.0f} ms"
              f"  max {max(times):7.0f} ms")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
