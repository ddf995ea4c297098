"""Frozen submissions, corrections, aggregate reports and assessment."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.stats.helpers import make_case
from tiaojie.cases import transitions
from tiaojie.cases.models import Case
from tiaojie.stats import assessment, figures, services
from tiaojie.stats.models import Indicator, ReportSubmission
from tiaojie.testing import version_of


def _past_period(case):
    """Move the case's dates into last year so that the period is closed."""
    last = timezone.localdate().year - 1
    Case.objects.filter(pk=case.pk).update(accepted_on=dt.date(last, 6, 1), closed_on=dt.date(last, 6, 5))
    return figures.Period.year(last)


def test_submission_is_frozen_and_correction_needs_reason(world, login):
    c = make_case(world)
    p = _past_period(c)
    sub = services.submit_report(world.users["city"], world.orgs["city"], p)
    assert sub.version == 1
    # a later edit changes live figures, not the submitted one
    c2 = make_case(world)
    Case.objects.filter(pk=c2.pk).update(accepted_on=dt.date(p.start.year, 7, 1))
    client = login(world.users["city"])
    r = client.get(reverse("stats:report"), {"start": p.start.isoformat(), "end": p.end.isoformat()})
    assert r.context["tab"]["total"]["values"]["accepted_all"] == 1
    assert r.context["changed"] is True
    assert "已报送第1版" in r.content.decode()
    with pytest.raises(ValidationError):
        services.submit_report(world.users["city"], world.orgs["city"], p)
    v2 = services.submit_report(world.users["city"], world.orgs["city"], p, reason="补录漏报案件")
    assert v2.version == 2
    r = client.get(reverse("stats:report"), {"start": p.start.isoformat(), "end": p.end.isoformat()})
    assert r.context["tab"]["total"]["values"]["accepted_all"] == 2
    assert ReportSubmission.objects.get(version=1).figures["cells"]


def test_open_period_cannot_be_submitted(world, login):
    client = login(world.users["city"])
    y = timezone.localdate().year
    r = client.post(reverse("stats:submit"), {"organization": world.orgs["city"].pk, "start": f"{y}-01-01",
                                              "end": f"{y}-12-31"}, follow=True)
    assert "统计期间尚未结束" in r.content.decode()
    assert not ReportSubmission.objects.exists()


def test_aggregate_double_count_refused(world, login):
    make_case(world, org="v1")
    month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError) as e:
        services.save_aggregate(world.users["city"], organization=world.orgs["v1"], month=month, accepted=3,
                                successful=2, amount=Decimal(0), by_type={})
    assert "重复统计" in str(e.value)
    client = login(world.users["city"])
    r = client.post(reverse("stats:aggregates"), {"organization": world.orgs["v1"].pk, "month": f"{month:%Y-%m}",
                                                  "accepted": 3, "successful": 2, "amount": 0})
    assert "重复统计" in r.content.decode()
    # another committee without cases that month may report
    r = client.post(reverse("stats:aggregates"), {"organization": world.orgs["v3"].pk, "month": f"{month:%Y-%m}",
                                                  "accepted": 3, "successful": 2, "amount": 100, "type_01": 2})
    assert r.status_code == 302
    r = client.get(reverse("stats:aggregates"))
    assert world.orgs["v3"] in list(r.context["only"])
    assert world.orgs["v1"] not in list(r.context["only"])


def test_aggregate_bad_input(world, login):
    client = login(world.users["city"])
    r = client.post(reverse("stats:aggregates"), {"organization": world.orgs["v3"].pk, "month": "2020-03",
                                                  "accepted": 1, "successful": 2, "amount": -1})
    body = r.content.decode()
    assert "调解成功件数不能多于受理件数" in body and "金额不能为负数" in body


def test_assessment_scores(world):
    make_case(world, org="v1", performance="full")  # weidong: 1/1 success, followed
    make_case(world, org="v3", outcome="failed", user="county2", mediator="m3")  # baofeng: 0/1
    y = figures.Period.year(timezone.localdate().year)
    indicators, scores = assessment.assess(world.orgs["city"], y, "county")
    by = {s.org.name: s for s in scores}
    wd, bf = by["卫东区人民调解中心"], by["宝丰县人民调解中心"]
    assert wd.rank == 1 and bf.rank == 2
    w = {i.code: i for i in indicators}
    assert wd.values["success_rate"] == 1.0 and bf.values["success_rate"] == 0.0
    assert wd.parts["success_rate"] == float(w["success_rate"].weight)
    assert bf.parts["success_rate"] == 0
    assert wd.parts["warnings_on_time"] is None  # no warnings: not scored
    scored = [c for c, v in wd.parts.items() if v is not None]
    expected = sum(wd.parts[c] for c in scored) * 100 / sum(float(w[c].weight) for c in scored)
    assert wd.total == pytest.approx(expected, abs=0.01)
    Indicator.objects.filter(code="success_rate").update(weight=0)
    _, scores2 = assessment.assess(world.orgs["city"], y, "county")
    assert {s.org.name: s.parts["success_rate"] for s in scores2}["卫东区人民调解中心"] == 0


def test_assessment_page_and_export(world, login):
    make_case(world, org="v1")
    client = login(world.users["city"])
    r = client.get(reverse("stats:assessment"), {"level": "township"})
    assert r.status_code == 200 and "东安路街道人民调解委员会" in r.content.decode()
    r = client.get(reverse("stats:assessment"), {"level": "township", "export": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_transitions_still_work_with_statistics(world):
    from tiaojie.testing import provide_identity_proofs

    c = make_case(world, outcome="failed")
    provide_identity_proofs(c, world.users["city"])
    transitions.archive(c, world.users["city"], version=version_of(c))


def test_screening_on_time_counts_reports_never_filed(world):
    """A report never filed weighs against the unit like a late one."""
    import datetime as dt

    from django.utils import timezone

    from tiaojie.screening.models import ScreeningRound
    from tiaojie.screening.periods import Cadence, period_containing, periods_between
    from tiaojie.stats import figures as F
    from tiaojie.stats.assessment import assess

    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    period = F.Period(first, last)
    _, scores = assess(world.orgs["weidong"], period, "township")
    dongan = next(s for s in scores if s.org == world.orgs["dongan"])
    assert dongan.values["screening_on_time"] == 0  # nothing filed: 0, not "no data"

    def file_all(org, cadence):
        for p in periods_between(cadence, first, last):
            if p.start >= first and p.end <= last:
                ScreeningRound.objects.create(
                    organization=org, cadence=cadence, period_key=p.key, period_start=p.start, period_end=p.end,
                    screened_from=p.start, screened_to=p.end, screeners="x", places="y", is_zero_report=True)

    file_all(world.orgs["v1"], Cadence.WEEK)
    _, scores = assess(world.orgs["weidong"], period, "township")
    half = next(s for s in scores if s.org == world.orgs["dongan"]).values["screening_on_time"]
    assert 0 < half < 1
    file_all(world.orgs["v2"], Cadence.WEEK)
    file_all(world.orgs["dongan"], Cadence.XUN)
    _, scores = assess(world.orgs["weidong"], period, "township")
    assert next(s for s in scores if s.org == world.orgs["dongan"]).values["screening_on_time"] == 1
    assert period_containing(Cadence.XUN, first).start == first


def test_satisfaction_can_be_an_assessment_indicator(world):
    """群众满意率 (the parties' ratings on the public side) is seeded inactive; turned on, it scores
    each unit on the share of ratings of 4 or 5 given in the period on its cases."""
    from tiaojie.public.models import Rating

    wd_case = make_case(world, org="v1", performance="full")
    bf_case = make_case(world, org="v3", outcome="failed", user="county2", mediator="m3")
    y = figures.Period.year(timezone.localdate().year)
    ind = Indicator.objects.get(code="satisfaction")
    assert not ind.is_active and ind.get_code_display() == "群众满意率"
    indicators, scores = assessment.assess(world.orgs["city"], y, "county")
    assert "satisfaction" not in {i.code for i in indicators}
    for case, marks in ((wd_case, (5, 4)), (bf_case, (2, 5))):
        for party, score in zip(case.parties.all(), marks, strict=False):
            Rating.objects.create(case=case, party=party, score=score)
    Indicator.objects.filter(code="satisfaction").update(is_active=True)
    indicators, scores = assessment.assess(world.orgs["city"], y, "county")
    by = {s.org.name: s for s in scores}
    assert by["卫东区人民调解中心"].values["satisfaction"] == 1.0
    assert by["宝丰县人民调解中心"].values["satisfaction"] == 0.5
    weight, target = float(ind.weight), float(ind.target)
    assert by["宝丰县人民调解中心"].parts["satisfaction"] == pytest.approx(weight * 0.5 / target, abs=0.01)
    # a unit without ratings is not scored on it
    Rating.objects.filter(case=bf_case).delete()
    _, scores = assessment.assess(world.orgs["city"], y, "county")
    assert {s.org.name: s.parts["satisfaction"] for s in scores}["宝丰县人民调解中心"] is None
