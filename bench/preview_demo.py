"""Time the registration form's preview panel (POST /cases/register/preview/) on the demo city.

    DEBUG=1 TIAOJIE_DEMO=1 .venv/bin/python bench/preview_demo.py [--runs 20]

Runs inside one process with Django's test client (the server's own time for the request: view,
analysis, routing proposal, duplicates and similar cases, template; no network), for a village
mediator, a county centre and the city administrator of the demo, over a few typical facts.
Prints median / p95 / max in ms. The demo database must have its search index (``manage.py demo``
builds it; ``manage.py reindex_cases`` otherwise).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FACTS = [
    "申请人与被申请人系邻居，因院墙排水问题多次争吵，昨日双方发生推搡，申请人报警，派出所出警处理。",
    "申请人在被申请人工地务工三个月，被申请人拖欠工资一万二千元至今未付，申请人多次索要无果。",
    "申请人驾驶电动车与被申请人的轿车在路口相撞，申请人腿部受伤住院，双方就医疗费和误工费赔偿协商不成。",
    "兄弟二人因父母留下的老宅继承问题产生矛盾，哥哥认为弟弟应承担父母的赡养费用，双方情绪激动。",
    "小区业主认为物业公司服务不到位，电梯长期故障，拒交物业费，物业公司要求补交两年物业费。",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tiaojie.accounts.models import User
    from tiaojie.cases.models import Case, CaseSearch

    setup_test_environment()
    print(f"cases: {Case.objects.count():,}; search rows: {CaseSearch.objects.count():,}; "
          f"load average: {os.getloadavg()}")
    print("| user | median ms | p95 ms | max ms | duplicates shown | similar shown |")
    print("|---|---|---|---|---|---|")
    for username in ("village_dongan", "township_dongan", "county_weidong", "city_admin"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        region = user.organization.region.code
        client.post("/cases/register/preview/", {"facts": FACTS[0], "region": region})  # warm: jieba, caches
        times, dups, sims = [], 0, 0
        for i in range(args.runs):
            data = {"facts": FACTS[i % len(FACTS)], "region": region, "source": "application",
                    "parties-TOTAL_FORMS": "2", "parties-0-name": "王建国", "parties-1-name": "李秀英"}
            t = time.perf_counter()
            r = client.post("/cases/register/preview/", data)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.status_code
            html = r.content.decode()
            dups += 'id="possible-duplicates"' in html
            sims += html.count('class="similar-case"')
        times.sort()
        print(f"| {username} | {statistics.median(times):.0f} | {times[int(0.95 * (len(times) - 1))]:.0f} | "
              f"{times[-1]:.0f} | {dups}/{args.runs} | {sims / args.runs:.1f} |", flush=True)


if __name__ == "__main__":
    main()
