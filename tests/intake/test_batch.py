"""analyze_disputes: JSON lines in, one JSON line out per input (issue 9 §6)."""
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(lines, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(lines)))
    out = io.StringIO()
    call_command("analyze_disputes", stdout=out)
    return [json.loads(x) for x in out.getvalue().splitlines()]


def test_io_shape(monkeypatch):
    rows = [
        {"id": "a", "text": "王某与邻居因排水沟发生争执，王某将其打伤，邻居报警，要求赔偿医药费8000元。"},
        {"id": "b", "text": "", "people_count": 30},
        {"id": 7, "text": "二十余户村民聚集阻止施工", "amount_yuan": "1.2万"},
        {"id": "d", "text": "申请人借给被申请人1.2万元，到期未还。", "amount_yuan": 15000},
    ]
    out = run([json.dumps(r, ensure_ascii=False) + "\n" for r in rows] + ["not json\n", "\n", "[1, 2]\n"], monkeypatch)
    assert len(out) == 6
    a = out[0]
    assert set(a) == {"id", "types", "risk", "people_count", "amount_yuan"}
    assert a["id"] == "a" and len(a["types"]) == 3
    assert set(a["types"][0]) == {"code", "name", "score"}
    assert a["risk"]["level"] == "orange"
    assert {f["category"] for f in a["risk"]["factors"]} >= {"violence", "police"}
    for f in a["risk"]["factors"]:
        assert set(f) == {"category", "level", "evidence"} and f["evidence"] in rows[0]["text"]
    assert a["amount_yuan"] == 8000 and a["people_count"] is None
    assert out[1]["types"] == [] and out[1]["people_count"] == 30 and out[1]["risk"]["level"] == "orange"
    assert out[2]["id"] == 7 and out[2]["people_count"] == 20 and out[2]["amount_yuan"] is None
    assert out[3]["amount_yuan"] == 15000
    assert out[4]["id"] is None and "error" in out[4]
    assert out[5]["id"] is None and "error" in out[5]


def test_throughput_is_reasonable(monkeypatch):
    import time

    from tiaojie.intake import classifier

    lines = [json.dumps({"id": x.id, "text": x.text}, ensure_ascii=False) + "\n" for x in classifier.read_corpus()]
    run(lines[:5], monkeypatch)    # model and dictionary loaded
    t0 = time.perf_counter()
    out = run(lines, monkeypatch)
    rate = len(out) / (time.perf_counter() - t0)
    assert rate > 50, rate   # bench/README.md has the measured figure (≥ 200/s); this only guards a collapse
