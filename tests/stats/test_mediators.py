"""Per-mediator figures (tiaojie.stats.mediators) on hand-built cases, and the honours ranking."""
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.funding.helpers import make_case
from tiaojie.cases import transitions
from tiaojie.cases.models import Case
from tiaojie.orgs.models import Honour, Mediator
from tiaojie.orgs.selectors import visible_mediators
from tiaojie.stats.mediators import honour_candidates, mediator_figures
from tiaojie.testing import version_of


def test_figures_on_hand_built_cases(world):
    m1, mt = world.mediators["m1"], world.mediators["mt"]
    make_case(world, performance="full", satisfaction="satisfied", days=10)
    make_case(world, performance="full", satisfaction="unsatisfied", days=20)
    make_case(world, outcome="failed", days=3)
    make_case(world, outcome="mediating")
    # m1 assisting mt: counts for both; mt leads
    make_case(world, mediators=("mt", "m1"), performance="partial", satisfaction="basic", days=6)
    figs = mediator_figures([m1.pk, mt.pk, world.mediators["m2"].pk])
    f = figs[m1.pk]
    assert f.caseload == 5
    assert f.mediated == 4 and f.success == 3
    assert f.success_rate == 0.75
    assert f.avg_days == (10 + 20 + 3 + 6) / 4
    assert f.follow_ups == 3 and f.satisfied == 2 and f.complaints == 1
    assert abs(f.satisfaction - 2 / 3) < 1e-9
    g = figs[mt.pk]
    assert (g.caseload, g.success, g.follow_ups, g.complaints) == (1, 1, 1, 0)
    empty = figs[world.mediators["m2"].pk]
    assert empty.caseload == 0 and empty.success_rate is None and empty.avg_days is None


def test_replaced_mediator_loses_the_case(world):
    case = make_case(world, outcome="mediating")
    u = world.users["city"]
    transitions.replace_mediator(case, u, version=version_of(case), old=world.mediators["m1"], new=world.mediators["m1b"], reason="当事人申请回避")
    figs = mediator_figures([world.mediators["m1"].pk, world.mediators["m1b"].pk])
    assert figs[world.mediators["m1"].pk].caseload == 0
    assert figs[world.mediators["m1b"].pk].caseload == 1


def test_period_and_scope(world):
    make_case(world, performance="full")
    today = timezone.localdate()
    m1 = world.mediators["m1"].pk
    assert mediator_figures([m1], date_from=today)[m1].caseload == 1
    assert mediator_figures([m1], date_to=today - dt.timedelta(days=1))[m1].caseload == 0
    # the other county's staff sees none of these cases
    assert mediator_figures([m1], user=world.users["county2"])[m1].caseload == 0
    assert mediator_figures([m1], user=world.users["county"])[m1].caseload == 1


def test_few_queries_whatever_the_number_of_mediators(world):
    for _ in range(2):
        make_case(world, performance="full")
    make_case(world, org="v2", mediators=("m2",), performance="full")
    ids = list(Mediator.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        mediator_figures(ids, user=world.users["city"])
    assert len(ctx.captured_queries) <= 5  # the cases, those in scope, counts, dates, follow-ups


def test_honour_ranking(world):
    year = timezone.localdate().year
    for _ in range(3):
        make_case(world, performance="full")                                  # m1: 3/3
    make_case(world, org="v2", mediators=("m2",), performance="full")        # m2: 2/3
    make_case(world, org="v2", mediators=("m2",), performance="full")
    make_case(world, org="v2", mediators=("m2",), outcome="failed")
    make_case(world, org="v3", mediators=("m3",), performance="full", satisfaction="unsatisfied")  # complaint
    make_case(world, org="v3", mediators=("m3",), performance="full")
    make_case(world, org="v3", mediators=("m3",), performance="full")
    make_case(world, mediators=("m1b",), performance="full")                  # 1/1 but too few cases
    Honour.objects.create(mediator=world.mediators["m1"], title=Honour.Title.GOLD, year=year,
                          awarded_by=world.orgs["weidong"])
    ranked = honour_candidates(Mediator.objects.all(), year=year, min_cases=2)
    names = [c.mediator.name for c in ranked]
    assert names == ["王秀兰", "李国强"]
    assert ranked[0].rank == 1 and ranked[0].honours[0].title == Honour.Title.GOLD
    # left mediators are not candidates; scope narrows the list
    Mediator.objects.filter(pk=world.mediators["m1"].pk).update(status=Mediator.Status.LEFT)
    assert [c.mediator.name for c in honour_candidates(Mediator.objects.all(), year=year, min_cases=2)] == ["李国强"]
    assert honour_candidates(Mediator.objects.all(), user=world.users["county2"], year=year, min_cases=1) == []


def test_figures_keep_to_the_scope_and_period_on_the_short_path(world):
    """The mediators' own cases are looked up first; the scope and the period still apply."""
    make_case(world, org="v1", performance="full")
    make_case(world, org="v2", mediators=("m2",), performance="full")
    ids = [world.mediators["m1"].pk, world.mediators["m2"].pk]
    township = mediator_figures(ids, user=world.users["township"])
    village = mediator_figures(ids, user=world.users["v1"])
    assert township[world.mediators["m2"].pk].caseload == 1
    assert village[world.mediators["m2"].pk].caseload == 0 and village[world.mediators["m1"].pk].caseload == 1
    last_year = timezone.localdate().year - 1
    old = mediator_figures(ids, user=world.users["city"], date_from=dt.date(last_year, 1, 1),
                           date_to=dt.date(last_year, 12, 31))
    assert all(f.caseload == 0 for f in old.values())


def _reference(user, year, mediator_ids):
    """The straightforward computation, case by case in Python (what the database's sums must equal)."""
    from tiaojie.cases.models import Assignment, Case, FollowUp
    from tiaojie.stats.mediators import MediatorFigures

    seen = set(Case.objects.visible_to(user).values_list("pk", flat=True))
    out = {pk: MediatorFigures() for pk in mediator_ids}
    for a in Assignment.objects.filter(active=True).select_related("case"):
        c = a.case
        if a.mediator_id not in out or c.pk not in seen or timezone.localtime(c.registered_at).year != year:
            continue
        f = out[a.mediator_id]
        f.caseload += 1
        f.mediated += c.outcome in ("success", "failed")
        f.success += c.outcome == "success"
        if c.accepted_on and c.closed_on:
            f.closed_with_dates += 1
            f.total_days += max((c.closed_on - c.accepted_on).days, 0)
        for fu in FollowUp.objects.filter(case=c):
            f.follow_ups += 1
            f.satisfied += fu.satisfaction in ("satisfied", "basic")
            f.complaints += fu.satisfaction == "unsatisfied"
    return out


def test_database_sums_and_ranking_equal_the_straightforward_computation(world):
    year = timezone.localdate().year
    make_case(world, performance="full", satisfaction="satisfied", days=10)
    make_case(world, performance="full", satisfaction="basic", days=0)
    make_case(world, outcome="failed", days=4)
    make_case(world, outcome="mediating")
    make_case(world, mediators=("mt", "m1"), performance="partial", satisfaction="basic", days=6)
    make_case(world, mediators=("m1b",), performance="full", satisfaction="satisfied", days=5)   # ties with m2
    make_case(world, org="v2", mediators=("m2",), performance="full", satisfaction="satisfied", days=5)
    make_case(world, org="v2", mediators=("m2",), outcome="mediating")  # as m1b's replaced case below
    make_case(world, org="v3", mediators=("m3",), performance="full", satisfaction="unsatisfied", days=2)
    make_case(world, org="v3", mediators=("m3",), outcome="failed", days=30)
    old = make_case(world, org="v2", mediators=("m2",), outcome="failed", days=3)  # last year: outside the period
    Case.objects.filter(pk=old.pk).update(registered_at=timezone.now() - dt.timedelta(days=400))
    replaced = make_case(world, outcome="mediating")
    transitions.replace_mediator(replaced, world.users["city"], version=version_of(replaced),
                                 old=world.mediators["m1"], new=world.mediators["m1b"], reason="当事人申请回避")
    # m3 (of the other county) also serves on v1's committee: both counties see m3, each counts only
    # the cases in its own scope
    world.mediators["m3"].committees.add(world.orgs["v1"])
    make_case(world, org="v1", mediators=("m3",), performance="full", satisfaction="satisfied", days=7)
    ids = list(Mediator.objects.values_list("pk", flat=True))
    names = dict(Mediator.objects.values_list("pk", "name"))
    for key in ("city", "county", "county2", "township", "v1"):
        user = world.users[key]
        expected = _reference(user, year, ids)
        got = mediator_figures(ids, user=user, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
        assert got == expected, key
        # many mediators given as a queryset: the period-led form gives the same sums
        many = mediator_figures(ids, user=user, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31),
                                mediators=Mediator.objects.all())
        assert many == expected, key
        for min_cases in (1, 2):
            ranked = sorted((pk for pk, f in expected.items() if f.caseload >= min_cases and f.complaints == 0),
                            key=lambda pk: (-(expected[pk].success_rate or 0), -expected[pk].caseload,
                                            -(expected[pk].satisfaction or 0),
                                            10 ** 6 if expected[pk].avg_days is None else expected[pk].avg_days,
                                            names[pk], pk))
            candidates = honour_candidates(Mediator.objects.all(), user=user, year=year, min_cases=min_cases)
            assert [c.mediator.pk for c in candidates] == ranked, (key, min_cases)
            assert [c.figures for c in candidates] == [expected[pk] for pk in ranked]
            assert [c.rank for c in candidates] == list(range(1, len(ranked) + 1))
            top = honour_candidates(Mediator.objects.all(), user=user, year=year, min_cases=min_cases, limit=2)
            assert [c.mediator.pk for c in top] == ranked[:2]
            # the honours page's own list: the mediators the user sees (a county's), read from the
            # user's cases of the year only
            seen = set(visible_mediators(user).values_list("pk", flat=True))
            page = honour_candidates(visible_mediators(user), user=user, year=year, min_cases=min_cases, limit=100)
            assert [c.mediator.pk for c in page] == [pk for pk in ranked if pk in seen], (key, min_cases)
            assert [c.figures for c in page] == [expected[pk] for pk in ranked if pk in seen]
    city = honour_candidates(Mediator.objects.all(), user=world.users["city"], year=year, min_cases=1)
    assert len(city) >= 4  # the data set ranks several mediators, ties broken by name (李 before 赵)
    pos = {c.mediator.name: c.rank for c in city}
    assert pos["李国强"] + 1 == pos["赵建国"]
