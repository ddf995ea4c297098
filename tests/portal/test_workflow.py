"""The typical-case workflow with roles and scope: a village nominates its closed case (texts
anonymised from the record), edits and submits; the city approves and publishes or returns with a
reason; a township or county cannot approve; other committees see nothing."""
import pytest
from django.core.exceptions import PermissionDenied

from tests.portal.conftest import texts
from tests.routing.helpers import register
from tiaojie.cases.models import Party
from tiaojie.core.errors import DomainError, StaleRecord
from tiaojie.portal import services
from tiaojie.portal.models import TypicalCase
from tiaojie.portal.selectors import review_queue, typical_for

S = TypicalCase.Status


def _every_field(t) -> str:
    return " ".join(str(getattr(t, f.attname)) for f in TypicalCase._meta.concrete_fields)


def test_nominating_anonymises_every_field(world, closed_case):
    t = services.nominate(world.users["v1"], closed_case)
    assert t.status == S.DRAFT and t.nominated_org == world.orgs["v1"] and t.nominated_by == world.users["v1"]
    text = _every_field(t)
    for p in closed_case.parties.all():
        assert p.name not in text
        assert p.id_number not in text and p.phone not in text
        assert p.address not in text
    for gone in ("王秀兰", "13912345678", "东安社区3号院", "大海", "小梅"):
        assert gone not in text, gone
    assert "刘某某" in t.facts and "孙某某" in t.outcome
    assert "1500元" in t.outcome and t.amount == 1500  # amounts kept
    assert "3000元" in t.facts


def test_only_closed_successful_cases(world):
    open_case = register(world, "v1", "v1")
    with pytest.raises(DomainError, match="调解成功"):
        services.nominate(world.users["v1"], open_case)
    assert not TypicalCase.objects.exists()


def test_a_case_is_nominated_once(world, nominated):
    with pytest.raises(DomainError, match="已推荐"):
        services.nominate(world.users["v1"], nominated.case)


def test_another_committee_cannot_nominate(world, closed_case):
    with pytest.raises(PermissionDenied, match="管辖"):
        services.nominate(world.users["v2"], closed_case)
    with pytest.raises(PermissionDenied, match="角色"):
        services.nominate(world.users["court"], closed_case)


def test_village_edits_submits_city_publishes(world, nominated):
    v1, city = world.users["v1"], world.users["city"]
    t = services.save(v1, nominated, version=nominated.version, **texts(nominated, title="排水沟引发的邻里纠纷"))
    assert t.status == S.DRAFT and t.title == "排水沟引发的邻里纠纷"
    t = services.save(v1, t, version=t.version, submit=True, **texts(t))
    assert t.status == S.PENDING and t.submitted_at
    assert list(review_queue(city)) == [t]
    assert list(review_queue(world.users["county2"])) == []
    with pytest.raises(DomainError, match="不能修改"):
        services.save(v1, t, version=t.version, **texts(t))
    t = services.approve(city, t, version=t.version)
    assert t.status == S.PUBLISHED and t.approved_by == city and t.published_at
    assert list(TypicalCase.objects.published()) == [t]


@pytest.mark.parametrize("who", ["township", "county", "v1"])
def test_only_the_city_approves(world, nominated, who):
    t = services.save(world.users["v1"], nominated, version=nominated.version, submit=True, **texts(nominated))
    with pytest.raises(PermissionDenied, match="角色"):
        services.approve(world.users[who], t, version=t.version)
    with pytest.raises(PermissionDenied, match="角色"):
        services.send_back(world.users[who], t, version=t.version, reason="不行")
    t.refresh_from_db()
    assert t.status == S.PENDING


def test_city_returns_with_a_reason_and_the_village_resubmits(world, nominated):
    v1, city = world.users["v1"], world.users["city"]
    t = services.save(v1, nominated, version=nominated.version, submit=True, **texts(nominated))
    with pytest.raises(DomainError, match="退回原因") as e:
        services.send_back(city, t, version=t.version, reason="  ")
    assert e.value.field == "reason"
    t = services.send_back(city, t, version=t.version, reason="调解过程过于简略")
    assert t.status == S.RETURNED and t.return_reason == "调解过程过于简略"
    t = services.save(v1, t, version=t.version, submit=True, **texts(t, process="调解员分别做双方工作……"))
    assert t.status == S.PENDING
    t = services.approve(city, t, version=t.version)
    # a published case found wanting is withdrawn from the public
    t = services.send_back(city, t, version=t.version, reason="仍含可识别信息")
    assert t.status == S.RETURNED and t.published_at is None
    assert not TypicalCase.objects.published().exists()


def test_stale_version_and_bad_input(world, nominated):
    v1 = world.users["v1"]
    services.save(v1, nominated, version=nominated.version, **texts(nominated))
    with pytest.raises(StaleRecord):
        services.save(v1, nominated, version=nominated.version, **texts(nominated))
    t = TypicalCase.objects.get()
    with pytest.raises(DomainError) as e:
        services.save(v1, t, version=t.version, **texts(t, facts=""))
    assert e.value.field == "facts"
    with pytest.raises(DomainError) as e:
        services.save(v1, t, version=t.version, **texts(t, title="长" * 101))
    assert e.value.field == "title"
    with pytest.raises(DomainError) as e:
        services.save(v1, t, version=t.version, **texts(t, amount="-5"))
    assert e.value.field == "amount"
    assert TypicalCase.objects.get().version == t.version  # nothing written


def test_scope(world, nominated):
    def seen(key):
        return list(TypicalCase.objects.visible_to(world.users[key]))

    for key in ("v1", "township", "county", "city"):
        assert seen(key) == [nominated], key
    for key in ("v2", "v3", "county2", "police"):
        assert seen(key) == [], key
    for key in ("v2", "county2"):
        with pytest.raises(PermissionDenied):
            services.save(world.users[key], nominated, version=nominated.version, **texts(nominated))


def test_typical_for_same_type(world, published):
    from tiaojie.cases.models import DisputeType

    assert typical_for(published.dispute_type) == [published]
    sub = DisputeType.objects.filter(parent=published.dispute_type.top).first()
    if sub is not None:
        assert typical_for(sub) == [published]
    other = DisputeType.objects.filter(parent__isnull=True).exclude(pk=published.dispute_type.top.pk).first()
    assert typical_for(other) == []
    assert typical_for(published.dispute_type, exclude_case=published.case) == []


def test_organization_parties_are_masked(world):
    from tests.routing.helpers import mediate_to_success
    from tiaojie.testing import sample_parties

    parties = sample_parties()
    parties[1] = {"role": "respondent", "kind": "org", "name": "卫东区鑫源物业服务有限公司", "credit_code": "",
                  "legal_rep": "钱多多", "address": "卫东区建设路88号"}
    case = register(world, "v1", "v1", facts="刘大海与卫东区鑫源物业服务有限公司因物业费发生纠纷，法定代表人钱多多拒绝协商。")
    Party.objects.filter(case=case, role="respondent").update(kind="org", name=parties[1]["name"],
                                                               legal_rep="钱多多", address="卫东区建设路88号")
    mediate_to_success(case, world.users["v1"], terms="卫东区鑫源物业服务有限公司退还刘大海物业费800元。", amount=800)
    t = services.nominate(world.users["v1"], case)
    text = _every_field(t)
    for gone in ("鑫源", "钱多多", "刘大海"):
        assert gone not in text
    assert "某公司" in t.facts and "800元" in t.outcome


def test_each_step_writes_a_line_on_the_case_timeline(world, closed_case):
    v1, city = world.users["v1"], world.users["city"]
    version = closed_case.version

    def lines():
        return [(e.kind, e.label, e.actor_id, e.reason) for e in closed_case.events.filter(kind__startswith="typical_")]

    t = services.nominate(v1, closed_case)
    assert lines() == [("typical_nominate", "推荐为典型案例（东安社区人民调解委员会）", v1.pk, "")]
    t = services.save(v1, t, version=t.version, **texts(t))  # a saved draft is no step of its own
    t = services.save(v1, t, version=t.version, submit=True, **texts(t))
    t = services.send_back(city, t, version=t.version, reason="调解过程过于简略")
    t = services.save(v1, t, version=t.version, submit=True, **texts(t))
    t = services.approve(city, t, version=t.version)
    services.send_back(city, t, version=t.version, reason="仍含可识别信息")
    assert [(k, label, actor, reason) for k, label, actor, reason in lines()[1:]] == [
        ("typical_submit", "典型案例报送审核", v1.pk, ""),
        ("typical_return", "典型案例退回修改", city.pk, "调解过程过于简略"),
        ("typical_submit", "典型案例报送审核", v1.pk, ""),
        ("typical_publish", "典型案例经审核发布", city.pk, ""),
        ("typical_withdraw", "典型案例撤回发布", city.pk, "仍含可识别信息"),
    ]
    assert all(e.data == {"typical": t.pk} for e in closed_case.events.filter(kind__startswith="typical_"))
    # notes, not changes: the case's version (the forms staff hold open) is untouched
    closed_case.refresh_from_db()
    assert closed_case.version == version
