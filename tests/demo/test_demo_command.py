"""The demo city generator (``manage.py demo``), run once in --small mode for the module."""
import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Count, Max, Sum
from django.test import override_settings
from django.utils import timezone

from tiaojie.accounts.models import Role, User
from tiaojie.cases import intake
from tiaojie.cases.models import Agreement, Case, CaseEvent, CaseNumberCounter, Outcome, Party, Status
from tiaojie.core.identifiers import check_credit_code, check_id_number
from tiaojie.core.permissions import ADMINISTRATORS
from tiaojie.demo.build import DEMO_USERNAMES, PASSWORD
from tiaojie.demo.geography import SEED, plan
from tiaojie.orgs.models import Mediator, Organization, OrgKind, Region
from tiaojie.screening.models import Finding, HiddenDanger, ScreeningCadence, ScreeningRound
from tiaojie.screening.periods import period_containing
from tiaojie.screening.services import overdue_children, recent_periods
from tiaojie.testing import register_case
from tiaojie.warnings import risk
from tiaojie.warnings.models import Escalation, PreventionOutcome, RiskAssessment, Warning
from tiaojie.warnings.services import facts_for_hazard, load_rules, visible_warnings

HISTORY = (2016, 2020)
FIVE_YEARS = (dt.date(2016, 1, 1), dt.date(2020, 12, 31))
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """Build the small city once; everything is rolled back after the module."""
    # A fast hasher for the demo logins here; the command itself uses the project's default.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            out = StringIO()
            call_command("demo", "--small", "--seed", "7", stdout=out, stderr=StringIO())
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def history(city, db):
    return Case.objects.filter(year__gte=HISTORY[0], year__lte=HISTORY[1])


def test_organization_counts_follow_the_small_plan(city, db):
    expected = plan(small=True).counts
    got = dict(Organization.objects.values_list("kind").annotate(n=Count("id")))
    assert got == expected
    assert expected["county_center"] == 10
    assert 0.01 <= expected["village"] / SEED["villages"] <= 0.02
    assert Region.objects.filter(level="county").count() == 10
    assert Region.objects.filter(level="village").count() == expected["village"]
    # Codes nest: 6-digit counties, 9-digit townships, 12-digit villages under their parent.
    for r in Region.objects.select_related("parent").exclude(level="city"):
        prefix = r.parent.code[:4] if r.level == "county" else r.parent.code
        assert r.code.startswith(prefix) and len(r.code) == {"county": 6, "township": 9, "village": 12}[r.level]
    # Every organization sits under the one it reports to, and the path says so.
    for o in Organization.objects.select_related("parent").exclude(kind=OrgKind.CITY_BUREAU):
        assert o.path == f"{o.parent.path}{o.pk}/"
    assert Organization.objects.filter(kind=OrgKind.TRADE, trade="").count() == 0


def test_full_plan_matches_the_seed():
    p = plan(small=False)
    assert p.counts["county_center"] == 10
    assert p.counts["township"] == SEED["townships"] == 129
    assert p.counts["village"] == SEED["villages"] == 2347
    assert p.counts["trade"] == SEED["trades"] == 26
    assert p.cases >= 146_000 and p.success >= 144_600 and p.amount_yuan == 597_006_300


def test_case_numbers_are_unique_and_match_org_year_seq(city, db):
    cases = list(Case.objects.select_related("numbered_by"))
    assert len({c.number for c in cases}) == len(cases)
    for c in cases:
        assert c.number == intake.format_number(c.numbered_by, c.year, c.seq)
        assert timezone.localtime(c.registered_at).year == c.year
    # Sequences are 1..n per organization and year, and the counters hold n.
    seqs = Counter((c.numbered_by_id, c.year) for c in cases)
    maxes = {(r["numbered_by_id"], r["year"]): r["m"]
             for r in Case.objects.values("numbered_by_id", "year").annotate(m=Max("seq"))}
    assert maxes == dict(seqs)
    counters = {(c.organization_id, c.year): c.last for c in CaseNumberCounter.objects.all()}
    assert counters == maxes


def test_totals_scale_with_the_seed(city, history):
    p = plan(small=True)
    n = history.count()
    ok = history.filter(outcome=Outcome.SUCCESS).count()
    assert n == p.cases and 0.01 <= n / SEED["cases"] <= 0.02
    assert 0.985 <= ok / n <= 0.995  # the seed: 144,600 / 146,000 ≈ 99.0 %
    amount = Agreement.objects.filter(case__in=history).aggregate(s=Sum("amount"))["s"]
    assert amount == Decimal(p.amount_yuan)
    per_case = SEED["amount_yuan"] / SEED["success"]
    assert abs(float(amount) / ok - per_case) / per_case < 0.01
    assert not history.exclude(status=Status.ARCHIVED).exists()
    assert "协议金额" in city and "万元" in city


def test_history_cases_have_a_full_record(city, history):
    sample = history.order_by("?")[:40]
    for c in sample:
        kinds = list(c.events.values_list("kind", flat=True))
        assert kinds[:3] == ["register", "accept", "assign"] and kinds[-1] == "archive"
        assert c.version == len(kinds)
        assert 2 <= c.parties.count() <= 3
        assert c.sessions.exists() and c.assignments.filter(lead=True).count() == 1
        ats = list(c.events.values_list("at", flat=True))
        assert ats == sorted(ats)
        if c.outcome == Outcome.SUCCESS:
            assert "succeed" in kinds and "follow_up" in kinds and c.follow_ups.exists()
            assert c.agreement.effective_on == c.closed_on
        else:
            assert c.routes_informed and c.close_reason
    # Types are weighted: the common ones lead.
    top = [name for name, _ in Counter(
        (c.dispute_type.parent or c.dispute_type).name for c in history.select_related("dispute_type__parent")
    ).most_common(6)]
    assert "邻里" in top and "婚姻家庭" in top and "房屋宅基地" in top
    sources = set(history.values_list("source", flat=True))
    assert {"court", "police", "application", "initiative"} <= sources


def test_parties_hold_valid_protected_identifiers(city, db):
    persons = Party.objects.filter(kind=Party.Kind.PERSON)[:60]
    for p in persons:
        assert p.id_number_enc and p.id_number not in p.id_number_enc
        check_id_number(p.id_number)
        assert p.id_masked.endswith(p.id_number[-4:]) and "*" in p.id_masked
        assert p.phone and p.phone_masked[:3] == p.phone[:3]
    for p in Party.objects.filter(kind=Party.Kind.ORG)[:30]:
        assert not check_credit_code(p.credit_code)[1]


def test_mediators_meet_henan_minimums(city, db):
    full_time = Counter(Mediator.objects.filter(full_time=True).values_list("organization__kind", "organization_id"))
    per_kind = {OrgKind.COUNTY_CENTER: 5, OrgKind.TOWNSHIP: 2, OrgKind.TRADE: 3}
    for kind, minimum in per_kind.items():
        for org_id in Organization.objects.filter(kind=kind).values_list("id", flat=True):
            assert full_time[(kind, org_id)] >= minimum
    for m in Mediator.objects.all()[:50]:
        check_id_number(m.id_number)
    assert Mediator.objects.filter(committees__isnull=False).exists()  # some serve on several committees


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_demo_users_exist_for_every_role_and_log_in(city, db, client):
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert set(users) == set(DEMO_USERNAMES)
    # the three administrator roles of 等保 (三员分立) get their demo logins with issue 11's work
    assert {u.role for u in users.values() if not u.is_superuser} >= set(Role.values) - ADMINISTRATORS
    assert users["admin"].is_superuser
    for name in DEMO_USERNAMES:
        assert client.login(username=name, password=PASSWORD), name
        client.logout()
    assert PASSWORD in city and "village_dongan" in city


def test_workbench_has_open_cases_for_the_demo_logins(city, db):
    today = timezone.localdate()
    mediator = User.objects.get(username="village_dongan")
    township = User.objects.get(username="township_dongan")
    mine = Case.objects.visible_to(mediator).filter(year=today.year)
    assert mine.filter(status=Status.REGISTERED).exists()
    assert mine.filter(status=Status.MEDIATING).exists()
    assert mine.overdue().exists()
    assert mine.follow_up_due().exists()
    assert mine.filter(status=Status.MEDIATING, assignments__mediator=mediator.mediator).exists()
    other = User.objects.get(username="village_guanghua")
    assert not Case.objects.visible_to(other).filter(organization=mediator.organization).exists()
    assert Case.objects.visible_to(township).filter(year=today.year).count() > mine.count()
    # Timelines of open cases end where the status says (risk re-assessments change no status).
    for c in mine.filter(status__in=[Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING]):
        last = c.events.exclude(kind="risk").order_by("-at", "-id").first()
        assert last.to_status == c.status and last.at <= timezone.now()
    assert CaseEvent.objects.filter(at__gt=timezone.now() + dt.timedelta(minutes=1)).count() == 0


def test_registration_after_the_demo_continues_the_numbering(city, db):
    user = User.objects.get(username="village_dongan")
    org = user.organization
    year = timezone.localdate().year
    last = CaseNumberCounter.objects.get(organization=org, year=year).last
    village = Region.objects.get(pk=org.region_id)
    case = register_case(
        user, organization=org,
        parties=[{"role": "applicant", "kind": "person", "name": "测试甲", "id_number": "", "phone": ""},
                 {"role": "respondent", "kind": "person", "name": "测试乙", "id_number": "", "phone": ""}],
        source="application", channel="window", dispute_type=Case.objects.first().dispute_type,
        facts="测试", claims="", region=village, place_detail="", arose_on=timezone.localdate(),
        people_count=2, amount_at_stake=Decimal("0"),
    )
    assert case.seq == last + 1
    assert case.number == intake.format_number(org, year, last + 1)


# ---------------------------------------------------------------- screening and warnings
def _small_ratio() -> float:
    return plan(small=True).counts["village"] / SEED["villages"]


def _five_year_findings():
    return Finding.objects.filter(round__period_start__gte=FIVE_YEARS[0], round__period_end__lte=FIVE_YEARS[1])


def test_screening_totals_scale_with_the_seed(city, db):
    ratio = _small_ratio()
    findings = _five_year_findings()
    found = findings.count()
    prevented = HiddenDanger.objects.filter(status=HiddenDanger.Status.RESOLVED,
                                            finding__in=findings).count()
    assert abs(found - SEED["found"] * ratio) <= 0.05 * SEED["found"] * ratio
    assert abs(prevented - SEED["prevented"] * ratio) <= 0.05 * SEED["prevented"] * ratio
    assert found >= SEED["found"] * ratio and prevented >= SEED["prevented"] * ratio  # "…余件"
    # About 8,000 × ratio findings point at existing cases, all of them 排查发现 (initiative) cases.
    as_cases = findings.filter(case__isnull=False)
    assert abs(as_cases.count() - 8_000 * ratio) <= 0.15 * 8_000 * ratio
    assert not as_cases.exclude(case__source="initiative").exists()
    assert not findings.filter(case__isnull=True, hazard__isnull=True).exists()
    five = HiddenDanger.objects.filter(finding__in=findings)
    converted = five.filter(status=HiddenDanger.Status.CONVERTED)
    assert converted.exists() and not converted.filter(case__isnull=True).exists()
    assert not converted.exclude(case__source="initiative").exists()
    for h in converted.select_related("case"):
        assert h.found_on < timezone.localtime(h.case.registered_at).date() and h.case.number in h.close_note
    assert five.filter(status=HiddenDanger.Status.ESCALATED).exists()
    assert "排查发现" in city and "预防纠纷" in city


def test_every_hazard_is_assessed_by_the_seeded_rules(city, db):
    rules, combos = load_rules()
    hazards = HiddenDanger.objects.select_related("dispute_type__parent", "risk")
    assert not HiddenDanger.objects.filter(risk__isnull=True).exists()
    assert not HiddenDanger.objects.filter(finding__isnull=True).exists()
    levels = Counter()
    for h in hazards:
        a = h.risk
        result = risk.assess(facts_for_hazard(h, a), rules, combos)
        assert (a.level, a.computed_level, a.explanation) == (result.level, result.level, result.explanation)
        assert [f["code"] for f in a.factors] == [f.code for f in result.factors]
        levels[a.level] += 1
        if a.level in ("orange", "red"):
            assert h.emergency_plan.strip(), h.facts
        assert h.responsible_person and h.parties and h.measures and h.review_on
        assert (h.status == HiddenDanger.Status.OPEN) == (h.closed_on is None)
    assert levels["none"] and levels["yellow"] and levels["orange"] and levels["red"]
    assert levels["red"] < levels["orange"] < levels["yellow"] + levels["none"]


def test_rounds_follow_the_cadence_with_zero_and_late_reports(city, db):
    expected = {OrgKind.VILLAGE: "week", OrgKind.TOWNSHIP: "xun", OrgKind.COUNTY_CENTER: "month"}
    for kind, cadence in expected.items():
        assert set(ScreeningRound.objects.filter(organization__kind=kind).values_list("cadence", flat=True)) == {cadence}
    # Every 旬 of the five years for every township: 36 a year.
    per_township = Counter(ScreeningRound.objects.filter(
        organization__kind=OrgKind.TOWNSHIP, period_start__gte=FIVE_YEARS[0], period_end__lte=FIVE_YEARS[1],
    ).values_list("organization_id", flat=True))
    assert set(per_township.values()) == {180}
    assert len(per_township) == plan(small=True).counts["township"]
    rounds = ScreeningRound.objects.annotate(n=Count("findings"))
    assert rounds.filter(is_zero_report=True).exists() and rounds.filter(is_zero_report=False).exists()
    assert not rounds.filter(is_zero_report=True, n__gt=0).exists()
    assert not rounds.filter(is_zero_report=False, n=0).exists()
    late = ScreeningRound.objects.filter(late=True)
    assert late.filter(period_end__gte=timezone.localdate() - dt.timedelta(days=60)).exists()
    grace = dict(ScreeningCadence.objects.values_list("org_kind", "grace_days"))
    sample = list(late.select_related("organization")[:30])
    sample += list(ScreeningRound.objects.filter(late=False).select_related("organization").order_by("?")[:30])
    for r in sample:
        assert r.period == period_containing(r.cadence, r.period_start) and r.period.key == r.period_key
        assert r.late == (timezone.localtime(r.filed_at).date() > r.period.due(grace[r.organization.kind]))
        assert r.filed_at <= timezone.now() and r.screened_to <= r.period_end


def test_current_year_has_open_and_overdue_periods(city, db):
    today = timezone.localdate()
    village = User.objects.get(username="village_dongan").organization
    states = [ps.state for ps in recent_periods(village, today=today)]
    assert states[0] == "本期进行中" and "逾期未报" not in states
    assert not ScreeningRound.objects.filter(organization=village, period_end__gte=today).exists()
    township = User.objects.get(username="township_dongan").organization
    overdue = [o.name for o, _ in overdue_children(township, today)]
    assert "光华社区人民调解委员会" in overdue
    year = ScreeningRound.objects.filter(period_end__gte=today - dt.timedelta(days=60))
    assert year.filter(is_zero_report=True).count() > year.filter(is_zero_report=False).count()
    assert HiddenDanger.objects.open().filter(organization=village).exists()
    assert HiddenDanger.objects.open().filter(organization=township).exists()


def test_demo_township_sees_an_orange_or_red_warning(city, db):
    user = User.objects.get(username="township_dongan")
    mine = visible_warnings(user).filter(level__in=["orange", "red"]).exclude(status=Warning.Status.RESOLVED)
    assert mine.filter(level="orange", status=Warning.Status.OPEN, responsible=user.organization).exists()
    assert mine.filter(assessment__hazard__organization__kind=OrgKind.VILLAGE).exists()
    now = timezone.now()
    assert Warning.objects.filter(status=Warning.Status.OPEN, respond_by__lt=now).exists()  # for the escalation job
    assert Warning.objects.filter(status=Warning.Status.OPEN, respond_by__gte=now).exists()
    for status in Warning.Status.values:
        assert Warning.objects.filter(status=status).exists(), status
    for w in Warning.objects.prefetch_related("events"):
        events = list(w.events.all())
        assert events and events[0].label.startswith("生成") and w.raised_at <= now
        assert [e.at for e in events] == sorted(e.at for e in events)
        if w.level == "red" and w.status in (Warning.Status.MEASURES, Warning.Status.RESOLVED):
            assert w.leader and w.police_notified
        assert (w.status == Warning.Status.RESOLVED) == (w.resolved_at is not None)


def test_current_year_cases_escalations_and_prevention(city, db):
    year = timezone.localdate().year
    cases = Case.objects.filter(year=year)
    assert not cases.filter(risk__isnull=True).exists()
    assert RiskAssessment.objects.filter(case__in=cases).exclude(level="none").exists()
    escalations = Escalation.objects.annotate(n=Count("notes"))
    assert escalations.count() >= 2 and not escalations.filter(n=0).exists()
    assert escalations.filter(closed_at__isnull=True).exists()
    for e in escalations:
        assert e.case.events.filter(kind="escalate").exists()
    outcomes = PreventionOutcome.objects.all()
    assert outcomes.filter(hazard__isnull=False).exists()
    for p in outcomes:
        p.full_clean(exclude=["case", "hazard"])
    totals = outcomes.aggregate(s=Count("id", filter=models.Q(suicide=True)),
                                c=Count("id", filter=models.Q(criminal=True)),
                                p=Count("id", filter=models.Q(petition=True)))
    assert totals["c"] + totals["p"] + totals["s"] > 0
    assert HiddenDanger.objects.filter(status=HiddenDanger.Status.RESOLVED).count() > 10 * outcomes.count()


def test_running_again_says_so_and_changes_nothing(city, db):
    before = Case.objects.count()
    out = StringIO()
    call_command("demo", "--small", stdout=out, stderr=StringIO())
    assert "--reset" in out.getvalue()
    assert Case.objects.count() == before


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_reset_rebuilds_the_same_city_deterministically(city, db):
    numbers = sorted(Case.objects.values_list("number", flat=True))[:50]
    amount = Agreement.objects.aggregate(s=Sum("amount"))["s"]
    call_command("demo", "--small", "--reset", "--seed", "7", stdout=StringIO(), stderr=StringIO())
    assert sorted(Case.objects.values_list("number", flat=True))[:50] == numbers
    hist = Agreement.objects.filter(case__year__lte=HISTORY[1]).aggregate(s=Sum("amount"))["s"]
    assert hist == Decimal(plan(small=True).amount_yuan)
    assert amount is not None
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)


# ---------------------------------------------------------------- figures that add up (issue 13 §2)
ADDITIVE = [k for k in ("rounds", "found", "prevented", "accepted_all", "accepted", "agg_accepted", "acc_initiative",
                        "acc_application", "acc_referred", "succeeded_all", "succeeded", "agg_succeeded", "oral",
                        "written", "performed", "confirmed", "amount_fen", "agg_amount_fen")]


def _drill_count(user, url: str) -> int:
    """Cases behind a drill-down link, through the case list's own form and filters."""
    from urllib.parse import parse_qsl, urlsplit

    from tiaojie.cases.forms import CaseFilterForm
    from tiaojie.cases.selectors import filter_cases, visible_cases

    form = CaseFilterForm(dict(parse_qsl(urlsplit(url).query)), user=user)
    assert form.is_valid(), form.errors
    return filter_cases(visible_cases(user), form.cleaned_data).count()


def test_report_tables_add_up_and_agree_with_dashboard_and_drill_downs(city, db, client):
    from tiaojie.stats import figures, reports
    from tiaojie.stats.models import AggregateReport

    admin = User.objects.get(username="city_admin")
    node = admin.organization
    village = Organization.objects.filter(kind=OrgKind.VILLAGE).order_by("id").first()
    # 汇总上报: one split by type (accepted, successful and amount), one not (its own row, both columns).
    AggregateReport.objects.create(organization=village, month=dt.date(2018, 3, 1), accepted=5, successful=4,
                                   amount=Decimal("1200"), by_type={"02": 3, "01": 2},
                                   success_by_type={"02": 3, "01": 1}, amount_by_type={"02": "1000", "01": "200"})
    AggregateReport.objects.create(organization=village, month=dt.date(2018, 4, 1), accepted=3, successful=3,
                                   amount=Decimal("300"), by_type={"02": 3})
    from tiaojie.stats import rollups
    rollups.rebuild_due(full=True)  # the dashboard reads rollups: they must say what a live count says
    today = timezone.localdate()
    for period in (figures.Period(*FIVE_YEARS), figures.Period.year(today.year)):
        fig = figures.compute(node, period, live=True)
        tab = reports.table(fig)
        total = tab["total"]["values"]
        for name in ("rows", "by_kind", "by_type"):
            for key in ADDITIVE:
                assert sum(r["values"][key] for r in tab[name]) == total[key], (period, name, key)
        for r in tab["by_type"]:
            v = r["values"]
            assert v["succeeded_all"] <= v["accepted_all"], r["label"]  # same population in one row
            assert (v["agg_succeeded"] == 0) == (v["agg_accepted"] == 0) or v["agg_accepted"] > 0, r["label"]
        # Drill-downs list exactly the individually recorded part of each figure.
        for key, measure in (("accepted", "accepted"), ("succeeded", "succeeded"), ("confirmed", "confirmed"),
                             ("written", "written"), ("acc_referred", "acc_referred")):
            url = figures.drill_url(measure, node, period)
            assert _drill_count(admin, url) == total[key], (period, key)
        amount_cases = Case.objects.filter(organization__path__startswith=node.path, outcome=Outcome.SUCCESS,
                                           accepted_on__gte=period.start, accepted_on__lte=period.end,
                                           agreement__amount__gt=0)
        assert _drill_count(admin, figures.drill_url("amount", node, period)) == amount_cases.count()
        amount = amount_cases.aggregate(s=Sum("agreement__amount"))["s"] or 0
        assert int(amount * 100) == total["amount_fen"]
        assert "aggregates" in figures.drill_url("agg_accepted", node, period)
        # The dashboard shows the same totals.
        client.force_login(admin)
        resp = client.get("/stats/", {"organization": node.pk, "start": period.start, "end": period.end})
        assert resp.status_code == 200
        tot = resp.context["tot"]
        for key in ("accepted_all", "succeeded_all", "confirmed", "amount_fen", "agg_accepted"):
            assert tot[key] == total[key], (period, key)
    five = figures.compute(node, figures.Period(*FIVE_YEARS), live=True).total
    assert five["confirmed"] > 0  # 司法确认 is counted
    assert figures.compute(node, figures.Period.year(today.year), live=True).total["confirmed"] > 0
    # 行业性专业性 in the report is the trade committees of the organization list, nothing else.
    from tiaojie.orgs.models import kinds_in_group
    assert kinds_in_group("行业性专业性") == [OrgKind.TRADE]


def test_court_and_police_logins_see_their_own_work(city, db):
    from tiaojie.routing.models import JudicialConfirmation, Referral

    court = User.objects.get(username="court_weidong")
    police = User.objects.get(username="police_dongan")
    mine = Referral.objects.visible_to(court).filter(kind="court")
    assert mine.exists() and mine.filter(mode="delegated").exists()
    assert Referral.objects.visible_to(police).filter(kind="police", feedback_at__isnull=False).exists()
    assert Referral.objects.filter(kind="police", revisits__isnull=False).exists()
    assert JudicialConfirmation.objects.filter(status="confirmed").exclude(number="").exists()
    refs = list(Referral.objects.exclude(external_ref="").values_list("kind", "external_ref"))
    assert len(refs) == len(set(refs))
    for r in Referral.objects.select_related("case")[:200]:
        assert r.kind == r.case.source


def test_this_years_cases_are_searchable_and_the_rest_is_queued(city, db):
    from django_q.models import OrmQ

    from tiaojie.cases.models import Case, CaseSearch
    from tiaojie.core import dates

    this_year = Case.objects.filter(registered_at__date__gte=dates.today().replace(month=1, day=1))
    assert this_year.exists()
    assert CaseSearch.objects.filter(case__in=this_year).count() == this_year.count()
    assert "案件检索索引" in [q.name() for q in OrmQ.objects.all()]


def test_police_revisits_come_before_the_archive(city, history):
    from tiaojie.cases.models import CaseEvent

    revisited = CaseEvent.objects.filter(kind="referral_revisit").values_list("case_id", flat=True)
    for c in history.filter(pk__in=revisited, status="archived"):
        kinds = list(c.events.values_list("kind", flat=True))
        assert kinds[-1] == "archive" and kinds.index("referral_revisit") < kinds.index("archive"), c.number


# ---------------------------------------------------------------- 2021 to today (issue 13 §1)
def test_screening_goes_on_after_2020_at_the_reports_pace(city, db):
    from tiaojie.demo.screening import HISTORY_END

    today = timezone.localdate()
    p = plan(small=True)
    townships = p.counts["township"]
    for year in range(HISTORY_END.year + 1, today.year):
        rounds = ScreeningRound.objects.filter(period_start__year=year)
        # every 旬 of every township, and village rounds where something was found
        assert rounds.filter(organization__kind=OrgKind.TOWNSHIP).count() == 36 * townships, year
        assert rounds.filter(organization__kind=OrgKind.VILLAGE, is_zero_report=False).exists(), year
        found = Finding.objects.filter(round__in=rounds).count()
        expected = p.per_case(p.found, year, today)
        assert abs(found - expected) <= 0.25 * expected + 5, (year, found, expected)
    later = HiddenDanger.objects.filter(found_on__year__gt=HISTORY_END.year, found_on__year__lt=today.year)
    assert later.filter(status=HiddenDanger.Status.RESOLVED).count() >= 0.9 * later.count() > 0
    assert not later.filter(status=HiddenDanger.Status.OPEN).exists()
    this_year = HiddenDanger.objects.filter(found_on__year=today.year).count()
    assert this_year >= 0.7 * p.per_case(p.hazards, today.year, today)
    # warnings of those years' hidden dangers, all dealt with by now, in words that vary
    warnings = Warning.objects.filter(assessment__hazard__in=later)
    assert warnings.exists() and not warnings.exclude(status=Warning.Status.RESOLVED).exists()
    from tiaojie.warnings.models import WarningEvent
    notes = WarningEvent.objects.filter(warning__in=warnings).exclude(label__startswith="生成")
    assert notes.values("note").distinct().count() >= 8
    # hidden dangers read differently: no ending (template and how things stand) is common
    endings = Counter(h.facts[-20:] for h in later)
    assert endings.most_common(1)[0][1] <= 0.05 * later.count()
    assert later.values("close_note").distinct().count() >= 8


def test_parties_rate_closed_cases_once_the_public_channel_is_open(city, db, client):
    from tiaojie.cases.panels import step_notes
    from tiaojie.demo.ratings import PUBLIC_SINCE
    from tiaojie.public.models import Rating
    from tiaojie.stats import figures
    from tiaojie.stats.satisfaction import satisfaction

    ratings = Rating.objects.select_related("case", "party")
    assert ratings.exists()
    closed = Case.objects.filter(closed_on__gte=PUBLIC_SINCE)
    rated = closed.filter(ratings__isnull=False).distinct().count()
    assert 0.15 <= rated / closed.count() <= 0.5
    assert not Rating.objects.filter(case__closed_on__lt=PUBLIC_SINCE).exists()
    now = timezone.now()
    for r in ratings[:300]:
        assert r.party.case_id == r.case_id and r.party.kind == Party.Kind.PERSON
        assert 1 <= r.score <= 5 and r.rated_at <= now
        assert timezone.localtime(r.rated_at).date() >= r.case.closed_on
        visit = r.case.follow_ups.first()
        if visit is not None:
            assert timezone.localtime(r.rated_at).date() <= visit.visited_on
    scores = Counter(Rating.objects.values_list("score", flat=True))
    assert scores[5] > scores[4] > scores[2] and len(scores) >= 4
    # the statistics' satisfaction figure and the 回访 form show them
    node = User.objects.get(username="city_admin").organization
    s = satisfaction(node, figures.Period(PUBLIC_SINCE, timezone.localdate()))
    assert s.ratings == Rating.objects.count() and 0.7 < s.rate < 1
    waiting = Case.objects.filter(status=Status.SUCCEEDED, ratings__isnull=False).first()
    if waiting is not None:
        notes = step_notes(waiting, User.objects.get(username="city_admin"), "follow_up")
        assert any("当事人网上评价" in n for n in notes)


def test_warning_titles_end_at_a_word_boundary(city, db):
    """A seeded case warning's title is the case number and the facts cut at a punctuation mark (…),
    as the risk engine titles them, never in the middle of a word."""
    from tiaojie.warnings.models import Warning
    from tiaojie.warnings.services import short_title

    rows = list(Warning.objects.filter(assessment__case__isnull=False)
                .values_list("title", "assessment__case__number", "assessment__case__facts")[:2000])
    assert rows
    cut = 0
    for title, number, facts in rows:
        assert title == f"{number} {short_title(facts)}", title
        cut += title.endswith("…")
    assert cut  # long facts were cut


def test_most_cases_read_calm_and_warnings_stay_a_minority(city, db):
    """Templates with a sign of escalation have a calm retelling that raises none (most cases of such
    a type are told that way): this year's case warnings are a minority of this year's cases."""
    from tiaojie.demo import texts
    from tiaojie.intake import analysis

    ctx = {"a": "张三", "b": "李四", "vil": "王庄村", "twp": "", "month": "2026年3月", "road": "建设路与人民路交叉口",
           "n": 5, "stake": "20,000"}
    for code, i in texts.CALM_FACTS:
        tpl = texts.TEMPLATES[code][i]
        assert tpl["calm"]["facts"] != tpl["facts"]
        assert analysis.analyze_text_only({"facts": tpl["calm"]["facts"].format_map(ctx)}).signals == [], (code, i)
    year = timezone.localdate().year
    cases = Case.objects.filter(registered_at__year=year).count()
    warned = Warning.objects.filter(assessment__case__registered_at__year=year).count()
    assert 0 < warned < 0.6 * cases


def test_the_command_line_build_in_two_processes_writes_the_same_city(city, history, tmp_path):
    """``manage.py demo`` on a SQLite file from the command line draws the rows in one process and
    inserts them in another (``RowWriter.child_process``), and builds the rollups beside the search
    index (``demo.beside``). Its 2016–2020 cases are the ones the single-transaction build (this
    module's, seed 7) writes — later years depend on the minute of the build — every table is filled,
    every index is there and the database is back in WAL mode."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the two-process build is SQLite's")
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "TIAOJIE_TEST"))}
    env.update({"TIAOJIE_VAR_DIR": str(tmp_path), "TIAOJIE_DEMO": "1", "DEBUG": "1"})
    for args in (["migrate", "-v0"], ["demo", "--small", "--seed", "7"]):
        proc = subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True, env=env,
                              cwd=root, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert "统计汇总表（同时进行）" in proc.stdout
    with sqlite3.connect(next(tmp_path.glob("*.sqlite3"))) as other:
        def one(sql):
            return other.execute(sql).fetchone()

        old = "FROM cases_case WHERE year <= 2020"
        assert one(f"SELECT count(*), sum(length(facts)), sum(id) {old}") == (
            history.count(), sum(len(f) for f in history.values_list("facts", flat=True)),
            sum(history.values_list("id", flat=True)))
        assert one(f"SELECT count(*) FROM cases_party WHERE case_id IN (SELECT id {old})")[0] == (
            Party.objects.filter(case__in=history).count())
        for table in ("cases_caseevent", "cases_agreement", "screening_screeninground", "screening_hiddendanger",
                      "warnings_warning", "stats_rollup", "cases_casesearch"):
            assert one(f"SELECT count(*) > 0 FROM {table}") == (1,), table
        assert one("PRAGMA journal_mode")[0] == "wal"
        assert one("PRAGMA integrity_check")[0] == "ok"
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'")
            assert one("SELECT count(*) FROM sqlite_master WHERE type = 'index'") == cur.fetchone()


def test_cases_keep_their_agreements_form_and_amount(city, db):
    """The generator writes each case's copy of its agreement as ``transitions.succeed`` does."""
    from django.db.models import F, Q

    from tiaojie.cases.models import Agreement, Case

    with_ag = Case.objects.filter(agreement__isnull=False)
    assert with_ag.count() == Agreement.objects.count() > 0
    assert not with_ag.filter(~Q(agreement_kind=F("agreement__kind")) | ~Q(agreement_amount=F("agreement__amount"))
                              | Q(agreement_kind__isnull=True) | Q(agreement_amount__isnull=True)).exists()
    assert not Case.objects.filter(agreement__isnull=True).filter(
        Q(agreement_kind__isnull=False) | Q(agreement_amount__isnull=False)).exists()


def test_cases_keep_their_follow_up_and_confirmation_copies(city, db):
    """The generator writes each case's copies of its follow-ups and judicial confirmation as
    ``transitions.follow_up`` and ``routing.services.record_court_result`` do (the statistics and
    drill-downs count 回访, 履行 and 司法确认 from them)."""
    from django.db.models import Exists, OuterRef, Q

    from tiaojie.cases.models import Case, FollowUp
    from tiaojie.routing.models import JudicialConfirmation

    fu = FollowUp.objects.filter(case=OuterRef("pk"))
    full = fu.filter(performance="full")
    ok = JudicialConfirmation.objects.filter(case=OuterRef("pk"), status="confirmed")
    cases = Case.objects.annotate(f=Exists(fu), p=Exists(full), j=Exists(ok))
    assert cases.filter(f=True).count() > 0 and cases.filter(j=True).count() > 0
    for flag, has in (("followed_up", "f"), ("fully_performed", "p"), ("judicially_confirmed", "j")):
        assert not cases.filter(Q(**{has: True}) & ~Q(**{flag: True})).exists(), flag
        assert not cases.filter(Q(**{has: False}) & Q(**{flag + "__isnull": False})).exists(), flag
