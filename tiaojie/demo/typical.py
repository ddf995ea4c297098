"""A few published typical cases for the demo city: one closed, successful case of each main
dispute type goes the real way (nominated, anonymised, submitted, approved by the city)."""
from django.db.models import Q

from tiaojie.accounts.models import User
from tiaojie.cases.models import Case, DisputeType, Outcome
from tiaojie.portal import services
from tiaojie.portal.models import TypicalCase

COUNT = 8
COMMENT = "本案经人民调解委员会耐心细致的工作，双方互谅互让达成协议，矛盾就地化解，避免了诉讼成本。"


def publish_examples(count: int = COUNT) -> int:
    city = User.objects.filter(username="city_admin").first()
    if city is None:
        return 0
    done = 0
    for top in DisputeType.objects.filter(parent__isnull=True).order_by("sort_order", "code"):
        if done >= count:
            break
        case = (Case.objects.filter(Q(dispute_type=top) | Q(dispute_type__parent=top), outcome=Outcome.SUCCESS,
                                    status__in=services.CLOSED_SUCCESS, typical_cases__isnull=True)
                .select_related("dispute_type__parent").order_by("-closed_on", "-id").first())
        if case is None:
            continue
        t = services.nominate(city, case)
        t = services.save(city, t, version=t.version, submit=True, title=f"{top.name}纠纷就地化解案例",
                          dispute_type=t.dispute_type, facts=t.facts, process=t.process, outcome=t.outcome,
                          comment=COMMENT, amount=t.amount)
        services.approve(city, t, version=t.version)
        done += 1
    return TypicalCase.objects.published().count() if done else 0
