"""``core.fixedsql``: the fixed queries and inserts of a registration, compiled once, write and read
what the ORM does (branch regfast13)."""
import pytest
from django.db.models.signals import post_save
from django.forms.models import model_to_dict

from tiaojie.cases.models import Case, CaseEvent, Party
from tiaojie.core import fixedsql
from tiaojie.stats.models import RollupChange
from tiaojie.testing import effects, register_case, sample_case_fields, sample_parties

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    fixedsql.clear()
    yield
    fixedsql.clear()


def test_rows_refuses_parameters_in_another_order(world):
    with effects():
        c = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                          **sample_case_fields(world))

    def qs():
        return Case.objects.filter(number=c.number, status="registered").order_by().values_list("pk")

    with pytest.raises(ValueError):
        fixedsql.rows("t-order", Case, qs, ["registered", c.number])
    assert fixedsql.rows("t-order", Case, qs, [c.number, "registered"]) == [(c.pk,)]
    # compiled once: later calls run the kept SQL with their own parameters
    assert fixedsql.rows("t-order", Case, qs, ["（2099）无此号", "registered"]) == []
    n = fixedsql.rows("t-count", Party, lambda: Party.objects.filter(case_id=c.pk).order_by().values("case_id")
                      .distinct(), [c.pk], count=True)
    assert n == [(1,)]


def test_inserts_write_what_the_orm_writes(world):
    with effects():
        c = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                          **sample_case_fields(world))
    skip = {"id", "at"}

    def event(label):
        return CaseEvent(case=c, kind="note", label=label, to_status=c.status, actor_name="系统", data={"k": [1, "二"]})

    for _ in range(2):   # the first call compiles, the second runs the kept statement
        ours, orm = event("甲"), event("甲")
        fixedsql.insert(ours)
        orm.save(force_insert=True)
        assert ours.pk and not ours._state.adding and ours._state.db == "default"
        a, b = (model_to_dict(CaseEvent.objects.get(pk=x.pk)) for x in (ours, orm))
        assert {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}
        many = fixedsql.insert_many([event("乙"), event("丙")])
        assert all(e.pk for e in many) and many[0].pk != many[1].pk
        assert [e.label for e in CaseEvent.objects.filter(pk__in=[e.pk for e in many]).order_by("pk")] == ["乙", "丙"]


def test_insert_goes_through_save_with_receivers(world):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append(created)

    post_save.connect(receiver, sender=RollupChange, dispatch_uid="test-fixedsql")
    try:
        import datetime as dt

        fixedsql.insert(RollupChange(month=dt.date(2026, 1, 1)))
    finally:
        post_save.disconnect(dispatch_uid="test-fixedsql", sender=RollupChange)
    assert seen == [True]
