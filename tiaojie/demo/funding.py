"""Funding of the demo city (经费保障): subsidy standards, fixed and committee subsidies, budgets
and payment runs.

The standards are set through ``funding.services.save_standard`` (by ``city_admin``, as the city
bureau would), the payment runs through ``compute`` and ``approve`` (by the two county logins,
month by month this year, the current month left as a draft). Fixed subsidies, committee
subsidies and budgets have no service of their own (they are entered in the admin), so they are
bulk-created. This year's standard (平司〔2025〕号) is the first: cases closed before it were
never payable and ``compute`` skips them.
"""
import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q

from tiaojie.accounts.models import User
from tiaojie.cases.models import Case
from tiaojie.funding import services
from tiaojie.funding.forms import SubsidyStandardForm
from tiaojie.funding.models import Budget, CommitteeSubsidy, FixedSubsidy, SubsidyStandard, Tier
from tiaojie.orgs.models import Mediator, Organization, OrgKind

# yuan per case by organization kind and tier (DOMAIN.md §7: 以案定补 seen in practice)
STANDARDS = {
    OrgKind.VILLAGE: (30, 60, 120, 200),
    OrgKind.TOWNSHIP: (50, 100, 200, 400),
    OrgKind.COUNTY_CENTER: (100, 200, 400, 800),
    OrgKind.TRADE: (100, 200, 400, 800),
    OrgKind.COURT_ROOM: (80, 150, 300, 500),
    OrgKind.LAWYER_ROOM: (80, 150, 300, 500),
    OrgKind.POLICE_ROOM: (50, 100, 200, 400),
}
TIERS = (Tier.SIMPLE, Tier.GENERAL, Tier.DIFFICULT, Tier.MAJOR)
COMMITTEE_MONTHLY = {OrgKind.COUNTY_CENTER: 3000, OrgKind.TOWNSHIP: 800, OrgKind.VILLAGE: 200, OrgKind.TRADE: 1500}
FIXED_MONTHLY = {Mediator.Employment.PURCHASED: Decimal(1500), Mediator.Employment.APPOINTED: Decimal(1000)}
NOTE = "平司〔2025〕31号《平顶山市人民调解以案定补实施办法》"
RUN_USERS = ("county_weidong", "county_baofeng")


def build(today: dt.date, using: str = "default", stderr=None) -> dict:
    say = (lambda m: stderr.write(m + "\n")) if stderr else (lambda m: None)
    city_admin = User.objects.using(using).get(username="city_admin")
    first = dt.date(today.year, 1, 1)
    n_std = 0
    # City-wide standards belong to no organization, so ``demo --reset`` keeps them: set them once.
    kept = SubsidyStandard.objects.using(using).filter(note=NOTE, county__isnull=True).exists()
    for kind, amounts in {} if kept else STANDARDS.items():
        for tier, amount in zip(TIERS, amounts, strict=True):
            form = SubsidyStandardForm(data={
                "county": "", "org_kind": kind, "tier": tier, "amount": str(amount), "requires_success": "on",
                "requires_performed": "on" if tier in (Tier.DIFFICULT, Tier.MAJOR) else "",
                "requires_complete_file": "", "oral_counts": "on" if kind == OrgKind.VILLAGE else "",
                "valid_from": first.isoformat(), "valid_to": "", "note": NOTE}, user=city_admin)
            if not form.is_valid():
                raise RuntimeError(f"补贴标准无效：{form.errors.as_text()}")
            services.save_standard(city_admin, form)
            n_std += 1
    since = dt.date(2021, 1, 1)
    mediators = (Mediator.objects.using(using).filter(full_time=True, status=Mediator.Status.ACTIVE)
                 .values_list("id", "employment", "joined_on"))
    fixed = [FixedSubsidy(mediator_id=m, monthly_amount=FIXED_MONTHLY.get(emp, Decimal(800)),
                          valid_from=max(since, joined or since)) for m, emp, joined in mediators]
    FixedSubsidy.objects.using(using).bulk_create(fixed, batch_size=1000)
    orgs = list(Organization.objects.using(using).filter(kind__in=list(COMMITTEE_MONTHLY))
                .values_list("id", "kind"))
    CommitteeSubsidy.objects.using(using).bulk_create(
        [CommitteeSubsidy(organization_id=o, monthly_amount=Decimal(COMMITTEE_MONTHLY[k]), valid_from=since)
         for o, k in orgs], batch_size=1000)
    # Budgets: a year's fixed and committee subsidies plus the expected case subsidies, with a margin.
    counties = list(Organization.objects.using(using).filter(kind=OrgKind.COUNTY_CENTER).order_by("path"))
    budgets = []
    for c in counties:
        sub = Q(organization__path__startswith=c.path)
        monthly = sum(f.monthly_amount for f in FixedSubsidy.objects.using(using)
                      .filter(mediator__organization__path__startswith=c.path).only("monthly_amount"))
        monthly += sum(s.monthly_amount for s in CommitteeSubsidy.objects.using(using).filter(sub)
                       .only("monthly_amount"))
        per_year = dict(Case.objects.using(using).filter(sub).values_list("year").annotate(n=Count("id")))
        for year in range(2021, today.year + 1):
            cases = per_year.get(year, 0) * (1.0 if year < today.year else 365 / today.timetuple().tm_yday)
            allocated = (monthly * 12 + Decimal(int(cases * 80))) * Decimal("1.08")
            budgets.append(Budget(county=c, year=year, allocated=(allocated / 10000).quantize(Decimal(1)) * 10000,
                                  note=f"{year}年度人民调解工作经费（本级财政预算）"))
    Budget.objects.using(using).bulk_create(budgets)
    # Payment runs of this year for the two demo counties: approved month by month, this month a draft.
    runs = approved = 0
    for username in RUN_USERS:
        user = User.objects.using(using).filter(username=username).select_related("organization").first()
        if user is None or user.organization is None:
            continue
        for month in range(1, today.month + 1):
            run = services.compute(user, user.organization, today.year, month)
            runs += 1
            if month < today.month:
                services.approve(user, run)
                approved += 1
    say(f"经费保障：以案定补标准 {n_std} 项，固定补贴 {len(fixed)} 人，调委会补助 {len(orgs)} 个，"
        f"预算 {len(budgets)} 项，发放核算 {runs} 次（已审核 {approved}）")
    return {"standards": n_std, "fixed": len(fixed), "committees": len(orgs), "budgets": len(budgets),
            "runs": runs, "approved": approved}
