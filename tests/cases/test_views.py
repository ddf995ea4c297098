"""Workbench pages: rendering, registration validation, each transition form, staleness, scope."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tiaojie.accounts.models import PersonalDataAccess
from tiaojie.cases import transitions
from tiaojie.cases.models import Case, DisputeType, Party, Status
from tiaojie.testing import (
    earlier_today,
    make_id,
    register_case,
    sample_case_fields,
    sample_parties,
    version_of,
)

TODAY = timezone.localdate()


def new_case(world, user_key="v1", org_key="v1", **over):
    u = world.users[user_key]
    return register_case(u, organization=world.orgs[org_key], parties=sample_parties(),
                                  **sample_case_fields(world, arose_on=TODAY - dt.timedelta(days=3), **over))


def mediating_case(world):
    u = world.users["v1"]
    case = new_case(world)
    case = transitions.accept(case, u, version=case.version)
    return transitions.assign(case, u, version=case.version, mediators=[world.mediators["m1"]])


def register_data(world, **over):
    data = {
        "source": "application", "channel": "window",
        "dispute_type": DisputeType.objects.get(code="02").pk,
        "organization": world.orgs["v1"].pk, "region": "410403001001", "place_detail": "东安社区3号院",
        "arose_on": (TODAY - dt.timedelta(days=2)).isoformat(), "people_count": "2", "amount_at_stake": "3000",
        "facts": "申请人与被申请人系邻居，因院墙排水问题发生争执。", "claims": "请求被申请人改建排水沟。",
        "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "20",
        "parties-0-role": "applicant", "parties-0-kind": "person", "parties-0-name": "刘大海",
        "parties-0-gender": "男", "parties-0-ethnicity": "汉族", "parties-0-birth_date": "1980-01-01",
        "parties-0-id_type": "resident", "parties-0-id_number": make_id(), "parties-0-phone": "13912345678",
        "parties-0-address": "卫东区东安社区3号院",
        "parties-1-role": "respondent", "parties-1-kind": "person", "parties-1-name": "孙小梅",
        "parties-1-gender": "女", "parties-1-birth_date": "", "parties-1-id_type": "resident",
        "parties-1-id_number": make_id(birth="19850505", seq="002"), "parties-1-phone": "13987654321",
        "parties-1-address": "卫东区东安社区4号院",
    }
    data.update(over)
    return data


# ---------------------------------------------------------------- pages render


def test_pages_render_for_mediator(world, login):
    client = login(world.users["v1"])
    case = new_case(world)
    for url in [reverse("cases:todo"), reverse("cases:list"), reverse("cases:register"),
                reverse("cases:detail", args=[case.pk]), reverse("cases:act", args=[case.pk, "accept"]),
                reverse("cases:act", args=[case.pk, "reject"])]:
        r = client.get(url)
        assert r.status_code == 200, url
        assert "我的待办" in r.content.decode()
    r = client.get(reverse("cases:detail", args=[case.pk]))
    html = r.content.decode()
    assert case.number in html and "刘大海" in html and "受理" in html
    assert make_id() not in html  # masked
    assert "显示完整证件号" in html


def test_every_transition_form_renders(world, login):
    client = login(world.users["v1"])
    case = mediating_case(world)
    for name in transitions.TRANSITIONS:
        r = client.get(reverse("cases:act", args=[case.pk, name]))
        assert r.status_code == 200, name
        assert 'name="version"' in r.content.decode()


def test_todo_counts_and_links(world, login):
    client = login(world.users["v1"])
    new_case(world)
    c2 = mediating_case(world)
    Case.objects.filter(pk=c2.pk).update(due_on=TODAY - dt.timedelta(days=1))
    new_case(world, user_key="v2", org_key="v2")  # out of scope for v1
    r = client.get(reverse("cases:todo"))
    blocks = {b["key"]: b["count"] for b in r.context["blocks"]}
    assert blocks == {"registered": 1, "accepted": 0, "mediating": 1, "follow_up": 0, "overdue": 1}
    html = r.content.decode()
    assert "?status=registered" in html and "?overdue=1" in html
    assert "超期" in html


def test_list_filters_paging_and_overdue_badge(world, login, django_assert_max_num_queries):
    client = login(world.users["township"])
    cases = [new_case(world) for _ in range(3)] + [new_case(world, user_key="v2", org_key="v2")]
    late = mediating_case(world)
    Case.objects.filter(pk=late.pk).update(due_on=TODAY - dt.timedelta(days=2))
    with django_assert_max_num_queries(12):
        r = client.get(reverse("cases:list"))
    assert r.status_code == 200
    assert r.context["page"].paginator.count == 5
    html = r.content.decode()
    assert "badge-overdue" in html
    r = client.get(reverse("cases:list"), {"overdue": "1"})
    assert [c.pk for c in r.context["page"]] == [late.pk]
    r = client.get(reverse("cases:list"), {"organization": world.orgs["v2"].pk})
    assert [c.pk for c in r.context["page"]] == [cases[3].pk]
    r = client.get(reverse("cases:list"), {"status": "mediating"})
    assert [c.pk for c in r.context["page"]] == [late.pk]
    r = client.get(reverse("cases:list"), {"q": "孙小梅", "dispute_type": DisputeType.objects.get(code="02").pk})
    assert r.context["page"].paginator.count == 5
    r = client.get(reverse("cases:list"), {"q": cases[1].number})
    assert [c.pk for c in r.context["page"]] == [cases[1].pk]
    r = client.get(reverse("cases:list"), {"date_from": TODAY.isoformat(), "date_to": TODAY.isoformat(),
                                           "source": "application"})
    assert r.context["page"].paginator.count == 5
    r = client.get(reverse("cases:list"), {"date_to": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert r.context["page"].paginator.count == 0
    r = client.get(reverse("cases:list"), {"page": "99"})
    assert r.status_code == 200


def test_list_paginates_by_30(world, login):
    client = login(world.users["v1"])
    for _ in range(31):
        new_case(world)
    r = client.get(reverse("cases:list"))
    assert len(r.context["page"].object_list) == 30
    r = client.get(reverse("cases:list"), {"page": 2})
    assert len(r.context["page"].object_list) == 1


@pytest.mark.parametrize("params, message", [
    ({"date_from": "abc"}, "请输入有效的日期"),
    ({"date_from": "2026-02-30"}, "请输入有效的日期"),
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "结束日期不能早于开始日期"),
    ({"organization": "999999"}, "所选单位不在您的管辖范围内"),
    ({"status": "nonsense"}, "选择一个有效的选项"),
])
def test_bad_filter_shows_chinese_error(world, login, params, message):
    client = login(world.users["v1"])
    new_case(world)
    r = client.get(reverse("cases:list"), params)
    assert r.status_code == 200
    assert message in r.content.decode()
    r = client.get(reverse("cases:export"), params)
    assert r.status_code == 200 and "筛选条件有误" in r.content.decode()


def test_list_org_filter_refuses_out_of_scope_org(world, login):
    client = login(world.users["v1"])
    new_case(world, user_key="v2", org_key="v2")
    r = client.get(reverse("cases:list"), {"organization": world.orgs["v2"].pk})
    assert "所选单位不在您的管辖范围内" in r.content.decode()
    assert r.context["page"].paginator.count == 0


# ---------------------------------------------------------------- registration


def test_register_creates_case_with_parties(world, login):
    client = login(world.users["v1"])
    data = register_data(world, **{
        "parties-TOTAL_FORMS": "4",
        "parties-2-role": "agent", "parties-2-kind": "person", "parties-2-name": "周律师",
        "parties-2-agent_for": "0", "parties-2-id_type": "", "parties-2-phone": "0375-1234567",
        "parties-3-role": "third", "parties-3-kind": "org", "parties-3-name": "平顶山某物业公司",
        "parties-3-credit_code": "91410400MA44XXXX0A", "parties-3-legal_rep": "钱总",
    })
    r = client.post(reverse("cases:register"), data)
    assert r.status_code == 302, r.context and (r.context["form"].errors, r.context["parties"].errors)
    case = Case.objects.get()
    assert r["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.status == Status.REGISTERED and case.amount_at_stake == Decimal("3000")
    assert case.organization == world.orgs["v1"] and case.region == world.regions["v1"]
    parties = {p.name: p for p in case.parties.all()}
    assert set(parties) == {"刘大海", "孙小梅", "周律师", "平顶山某物业公司"}
    assert parties["周律师"].agent_for == parties["刘大海"]
    assert parties["孙小梅"].birth_date == dt.date(1985, 5, 5)  # taken from the ID number
    assert parties["刘大海"].id_number == make_id() and parties["刘大海"].id_masked.startswith("410")
    assert [e.label for e in case.events.exclude(kind="risk")][0] == "登记"
    assert case.events.filter(kind="route").exists()
    r = client.get(r["Location"])
    html = r.content.decode()
    assert case.number in html
    assert "统一社会信用代码校验位不符" in html  # warning shown, not blocked


def test_register_warns_duplicate_id_in_open_case(world, login):
    client = login(world.users["v1"])
    first = new_case(world)
    r = client.post(reverse("cases:register"), register_data(world), follow=True)
    assert Case.objects.count() == 2
    html = r.content.decode()
    assert "已出现在未结案件中" in html and first.number in html


def test_register_ignores_empty_rows_and_keeps_added_rows(world, login):
    client = login(world.users["v1"])
    data = register_data(world, **{"parties-TOTAL_FORMS": "3", "parties-2-role": "third",
                                   "parties-2-kind": "person", "parties-2-id_type": "resident"})
    r = client.post(reverse("cases:register"), data)
    assert r.status_code == 302
    assert Case.objects.get().parties.count() == 2


@pytest.mark.parametrize("over, field, message", [
    ({"parties-0-id_number": make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1")},
     "id_number", "身份证号校验位错误"),
    ({"parties-0-id_number": "410403198002300014"}, "id_number", "出生日期不存在"),
    ({"parties-0-birth_date": "1980-02-30"}, "birth_date", "请输入有效的日期"),
    ({"parties-0-birth_date": "1981-01-01"}, "birth_date", "出生日期与身份证号中的出生日期"),
    ({"parties-0-birth_date": (TODAY + dt.timedelta(days=1)).isoformat(), "parties-0-id_number": ""},
     "birth_date", "出生日期不能晚于今天"),
    ({"parties-0-phone": "13912abc"}, "phone", "联系电话格式不正确"),
    ({"parties-0-kind": "org", "parties-0-credit_code": "91410400MA44XXXXOA"}, "credit_code", "不允许的字符"),
])
def test_register_bad_party_shows_error_at_field(world, login, over, field, message):
    client = login(world.users["v1"])
    r = client.post(reverse("cases:register"), register_data(world, **over))
    assert r.status_code == 200
    assert Case.objects.count() == 0 and Party.objects.count() == 0
    errors = r.context["parties"].forms[0].errors
    assert any(message in e for e in errors[field]), errors
    html = r.content.decode()
    assert message in html
    assert "孙小梅" in html and "申请人与被申请人系邻居" in html  # what was typed is kept


@pytest.mark.parametrize("over, field, message", [
    ({"amount_at_stake": "12ab"}, "amount_at_stake", "涉及金额只能填写数字"),
    ({"amount_at_stake": "-5"}, "amount_at_stake", "涉及金额不能为负数"),
    ({"arose_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "arose_on", "纠纷发生日期不能晚于今天"),
    ({"arose_on": "abc"}, "arose_on", "请输入有效的日期"),
    ({"people_count": "0"}, "people_count", "涉及人数至少为1"),
    ({"region": "999999999999"}, "region", "区划代码不存在或不在本单位辖区内"),
    ({"region": "410421100201"}, "region", "区划代码不存在或不在本单位辖区内"),
    ({"facts": ""}, "facts", "请填写纠纷简要情况"),
])
def test_register_bad_case_field_shows_error_at_field(world, login, over, field, message):
    client = login(world.users["v1"])
    r = client.post(reverse("cases:register"), register_data(world, **over))
    assert r.status_code == 200
    assert Case.objects.count() == 0
    assert any(message in e for e in r.context["form"].errors[field]), r.context["form"].errors
    html = r.content.decode()
    assert message in html and "刘大海" in html


def test_register_out_of_scope_org_refused(world, login):
    client = login(world.users["v1"])
    r = client.post(reverse("cases:register"), register_data(world, organization=world.orgs["v2"].pk))
    assert r.status_code == 200 and Case.objects.count() == 0
    assert "所选单位不在您的管辖范围内" in r.content.decode()


def test_register_without_party(world, login):
    client = login(world.users["v1"])
    data = {k: v for k, v in register_data(world).items() if not k.startswith("parties-0-")
            and not k.startswith("parties-1-")}
    r = client.post(reverse("cases:register"), data)
    assert r.status_code == 200 and Case.objects.count() == 0
    assert "请至少填写一名当事人" in r.content.decode()
    data = register_data(world, **{"parties-0-role": "agent", "parties-0-agent_for": "1",
                                   "parties-1-name": "", "parties-1-id_number": "", "parties-1-phone": "",
                                   "parties-1-address": ""})
    r = client.post(reverse("cases:register"), data)
    assert r.status_code == 200 and Case.objects.count() == 0
    assert "请至少填写一名当事人" in r.content.decode()


def test_register_agent_needs_principal(world, login):
    client = login(world.users["v1"])
    data = register_data(world, **{"parties-TOTAL_FORMS": "3", "parties-2-role": "agent",
                                   "parties-2-kind": "person", "parties-2-name": "周律师"})
    r = client.post(reverse("cases:register"), data)
    assert r.status_code == 200 and Case.objects.count() == 0
    assert "请选择代理人所代理的当事人" in r.content.decode()


def test_register_forbidden_for_liaison(world, login):
    client = login(world.users["court"])
    assert client.get(reverse("cases:register")).status_code == 403


# ---------------------------------------------------------------- transitions through the forms


def act(client, case, name, data=None, version=None):
    case.refresh_from_db()
    payload = {"version": case.version if version is None else version, **(data or {})}
    return client.post(reverse("cases:act", args=[case.pk, name]), payload)


def test_full_life_through_forms(world, login):
    client = login(world.users["v1"])
    case = new_case(world)
    now = timezone.localtime(earlier_today(hours=1)).replace(second=0, microsecond=0)
    steps = [
        ("accept", {"note": "当事人申请，符合受理条件", "time_limit_days": "30"}, Status.ACCEPTED),
        ("record_investigation", {"held_at": now.strftime("%Y-%m-%dT%H:%M"), "place": "东安社区",
                                  "subject": "邻居王某", "investigators": "王秀兰", "content": "了解排水沟情况"},
         Status.ACCEPTED),
        ("assign", {"mediators": [world.mediators["m1"].pk, world.mediators["m1b"].pk],
                    "lead": world.mediators["m1"].pk}, Status.MEDIATING),
        ("replace_mediator", {"old": world.mediators["m1b"].pk, "new": world.mediators["mt"].pk,
                              "reason": "被申请人申请回避", "recused": "on"}, Status.MEDIATING),
        ("extend", {"days": "10", "reason": "需等待测量结果"}, Status.MEDIATING),
        ("record_session", {"held_at": now.strftime("%Y-%m-%dT%H:%M"), "place": "东安社区调解室",
                            "participants": "刘大海、孙小梅、王秀兰", "content": "双方同意改建排水沟",
                            "recorder": "王秀兰"}, Status.MEDIATING),
        ("succeed", {"kind": "written", "facts": "排水纠纷", "issues": "排水沟位置",
                     "responsibilities": "双方各担一半", "terms": "被申请人改建排水沟，申请人补偿1500元",
                     "performance_method": "现金", "performance_deadline": (TODAY + dt.timedelta(days=10)).isoformat(),
                     "amount": "1500.50", "effective_on": TODAY.isoformat()}, Status.SUCCEEDED),
        ("follow_up", {"visited_on": TODAY.isoformat(), "visitor": "王秀兰", "method": "上门",
                       "performance": "full", "satisfaction": "satisfied", "notes": "已履行"}, Status.FOLLOWED_UP),
    ]
    for name, data, status in steps:
        r = act(client, case, name, data)
        assert r.status_code == 302, (name, r.context and (r.context["form"].errors, r.context["error"]))
        case.refresh_from_db()
        assert case.status == status, name
    # The case file lacks the parties' identity proofs: a village mediator cannot archive it.
    r = act(client, case, "archive", {"note": "卷宗齐全"})
    assert r.status_code == 200 and "当事人身份证明" in r.content.decode()
    case.refresh_from_db()
    assert case.status == Status.FOLLOWED_UP
    _upload_identity_proofs(case, world.users["v1"])
    r = act(client, case, "archive", {"note": "卷宗齐全"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ARCHIVED
    assert case.agreement.amount == Decimal("1500.50")
    assert case.extended_days == 10
    assert case.assignments.filter(active=True).count() == 2
    assert case.events.exclude(kind__in=["risk", "route", "attachment", "attach"]).count() == 10
    r = client.get(reverse("cases:detail", args=[case.pk]))
    html = r.content.decode()
    assert "已归档，只读" in html and 'id="case-actions"' not in html
    assert "回避：赵建国 → 陈志刚" in html and "1500.50" in html
    r = client.get(reverse("cases:act", args=[case.pk, "follow_up"]))
    assert "已归档，只读" in r.content.decode() and 'id="transition-form"' not in r.content.decode()
    version = case.version
    r = act(client, case, "follow_up", {"visited_on": TODAY.isoformat(), "visitor": "x", "performance": "full",
                                        "satisfaction": "satisfied"})
    case.refresh_from_db()
    assert r.status_code == 200 and case.version == version


@pytest.mark.parametrize("name, data, status", [
    ("reject", {"reason": "已进入诉讼程序"}, Status.REJECTED),
])
def test_reject(world, login, name, data, status):
    client = login(world.users["v1"])
    case = new_case(world)
    assert act(client, case, name, data).status_code == 302
    case.refresh_from_db()
    assert case.status == status and case.close_reason == "已进入诉讼程序"


@pytest.mark.parametrize("name, status", [("fail", Status.FAILED), ("terminate", Status.TERMINATED)])
def test_fail_and_terminate_need_routes_notice(world, login, name, status):
    client = login(world.users["v1"])
    case = mediating_case(world)
    r = act(client, case, name, {"reason": "双方分歧过大"})
    assert r.status_code == 200
    assert "人民调解法第26条" in r.content.decode()
    assert "双方分歧过大" in r.content.decode()
    case.refresh_from_db()
    assert case.status == Status.MEDIATING
    r = act(client, case, name, {"reason": "双方分歧过大", "routes_informed": "on"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == status and case.routes_informed


def test_oral_agreement_and_written_requirements(world, login):
    client = login(world.users["v1"])
    case = mediating_case(world)
    transitions.record_session(case, world.users["v1"], version=version_of(case), held_at=timezone.now(), place="调解室",
                               participants="双方", content="达成口头协议")
    r = act(client, case, "succeed", {"kind": "written", "terms": "赔偿", "amount": "100"})
    assert r.status_code == 200 and "书面协议须写明纠纷主要事实" in r.content.decode()
    r = act(client, case, "succeed", {"kind": "oral", "terms": "赔偿", "amount": "-1"})
    assert r.status_code == 200 and "协议金额（元）不能为负数" in r.content.decode()
    r = act(client, case, "succeed", {"kind": "oral", "terms": "赔偿", "amount": "abc"})
    assert r.status_code == 200 and "只能填写数字" in r.content.decode()
    r = act(client, case, "succeed", {"kind": "oral", "terms": "当场赔偿200元", "amount": "200"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.agreement.kind == "oral" and case.agreement.amount == 200


def test_wrong_state_post_shows_error(world, login):
    client = login(world.users["v1"])
    case = mediating_case(world)
    version = case.version
    r = act(client, case, "archive", {"note": ""})
    assert r.status_code == 200
    assert "案件仍在调解中，须先记录调解结果" in r.content.decode()
    case.refresh_from_db()
    assert case.status == Status.MEDIATING and case.version == version
    r = client.get(reverse("cases:act", args=[case.pk, "archive"]))
    assert "案件仍在调解中" in r.content.decode()


def test_transition_field_error_lands_at_field(world, login):
    client = login(world.users["v1"])
    case = mediating_case(world)
    r = act(client, case, "assign", {"mediators": [world.mediators["m3"].pk]})  # another county's mediator
    assert r.status_code == 200 and "所选调解员不能承办本案" in r.content.decode()
    r = act(client, case, "extend", {"days": "200", "reason": "x"})
    assert "延长天数应在1到90天之间" in r.context["form"].errors["days"][0]
    r = act(client, case, "record_session", {"held_at": "abc", "place": "x", "participants": "x", "content": "x"})
    assert "请输入有效的日期和时间" in r.context["form"].errors["held_at"][0]


def test_stale_form_is_refused_and_nothing_changes(world, login):
    client = login(world.users["v1"])
    case = mediating_case(world)
    stale_version = case.version
    transitions.extend(case, world.users["township"], version=case.version, days=5, reason="他人先办理")
    case.refresh_from_db()
    r = act(client, case, "record_session", {
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "place": "调解室", "participants": "双方",
        "content": "我的调解记录内容"}, version=stale_version)
    assert r.status_code == 200
    html = r.content.decode()
    assert "该案件已被修改" in html and "我的调解记录内容" in html
    after = Case.objects.get(pk=case.pk)
    assert after.version == case.version and case.sessions.count() == 0


def test_missing_version_is_refused(world, login):
    client = login(world.users["v1"])
    case = new_case(world)
    r = client.post(reverse("cases:act", args=[case.pk, "accept"]), {"note": "x"})
    assert r.status_code == 200 and "刷新页面" in r.content.decode()
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_unknown_transition_is_404(world, login):
    client = login(world.users["v1"])
    case = new_case(world)
    assert client.get(reverse("cases:act", args=[case.pk, "explode"])).status_code == 404


def test_liaison_role_gets_403_on_act(world, login):
    case = new_case(world, user_key="county", org_key="court")
    client = login(world.users["court"])
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    r = client.get(reverse("cases:act", args=[case.pk, "accept"]))
    assert r.status_code == 403 and "法院联络员）不能受理" in r.content.decode()
    assert act(client, case, "accept").status_code == 403
    r = client.post(reverse("cases:unmask", args=[case.pk, case.parties.first().pk]))
    assert r.status_code == 403


# ---------------------------------------------------------------- personal data


def test_unmask_shows_full_id_and_logs(world, login):
    client = login(world.users["v1"])
    case = new_case(world)
    p = case.parties.get(role="applicant")
    url = reverse("cases:unmask", args=[case.pk, p.pk])
    assert client.get(url).status_code == 405
    r = client.post(url, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and make_id() in r.content.decode() and "13912345678" in r.content.decode()
    r = client.post(url)
    assert make_id() in r.content.decode() and case.number in r.content.decode()
    log = PersonalDataAccess.objects.filter(user=world.users["v1"])
    assert log.count() == 2 and case.number in log.first().object_repr


# ---------------------------------------------------------------- scope


def test_out_of_scope_user_sees_nothing(world, login):
    case = new_case(world)
    p = case.parties.first()
    client = login(world.users["v2"])
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    r = client.get(reverse("cases:act", args=[case.pk, "accept"]))
    assert r.status_code == 404 and "找不到" in r.content.decode()
    assert act(client, case, "accept").status_code == 404
    assert client.post(reverse("cases:unmask", args=[case.pk, p.pk])).status_code == 404
    for params in ({}, {"q": case.number}, {"q": "刘大海"}):
        r = client.get(reverse("cases:list"), params)
        assert r.context["page"].paginator.count == 0
        assert reverse("cases:detail", args=[case.pk]) not in r.content.decode()
        r = client.get(reverse("cases:export"), params)
        ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
        assert [row[0] for row in ws.iter_rows(min_row=2, values_only=True)] == []
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    r = client.get(reverse("cases:todo"))
    assert case.number not in r.content.decode()


def test_export_is_valid_xlsx_with_masked_ids(world, login):
    client = login(world.users["township"])
    c1 = new_case(world)
    c2 = new_case(world, user_key="v2", org_key="v2")
    new_case(world, user_key="county2", org_key="v3")  # another county
    r = client.get(reverse("cases:export"))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "案号"
    assert {row[0] for row in rows[1:]} == {c1.number, c2.number}
    text = "".join(str(v) for row in rows for v in row if v is not None)
    assert make_id() not in text and "13912345678" not in text
    assert c1.parties.get(role="applicant").id_masked in text and "139****5678" in text
    r = client.get(reverse("cases:export"), {"organization": world.orgs["v2"].pk})
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [c2.number]


def _upload_identity_proofs(case, user):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from tiaojie.documents.models import Attachment
    from tiaojie.documents.services import save_attachment

    for p in case.parties.exclude(role="agent"):
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), "white").save(buf, "PNG")
        save_attachment(case, user, SimpleUploadedFile(f"id-{p.pk}.png", buf.getvalue(), "image/png"),
                        kind=Attachment.Kind.IDENTITY, party=p, version=version_of(case))


def test_supervisor_may_archive_incomplete_file_with_reason(world, login):
    from tiaojie.cases import transitions as tr

    case = new_case(world)
    case = tr.reject(case, world.users["v1"], version=case.version, reason="双方已向法院起诉")
    client = login(world.users["township"])
    r = act(client, case, "archive", {"note": ""})
    assert r.status_code == 200 and "强制归档" in r.content.decode()
    r = act(client, case, "archive", {"note": "", "force_reason": "当事人拒绝提供身份证复印件"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ARCHIVED
    assert "当事人拒绝提供身份证复印件" in case.events.get(kind="archive").reason


def test_accept_and_assign_in_one_form_two_timeline_entries(world, login):
    from tiaojie.testing import version_of

    case = new_case(world)
    client = login(world.users["v1"])
    url = reverse("cases:act", args=[case.pk, "accept"])
    r = client.post(url, {"version": version_of(case), "time_limit_days": 30,
                          "mediators": [world.mediators["m1"].pk, world.mediators["m1b"].pk],
                          "lead": world.mediators["m1b"].pk})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.MEDIATING
    assert list(case.events.values_list("kind", flat=True))[-2:] == ["accept", "assign"]
    assert case.assignments.get(lead=True).mediator == world.mediators["m1b"]
    # a lead outside the chosen ones is refused at the field, and nothing changes
    other = new_case(world)
    r = client.post(reverse("cases:act", args=[other.pk, "accept"]),
                    {"version": version_of(other), "mediators": [world.mediators["m1"].pk],
                     "lead": world.mediators["m1b"].pk})
    assert r.status_code == 200 and "主办调解员须在所选调解员之中" in r.content.decode()
    other.refresh_from_db()
    assert other.status == Status.REGISTERED


def test_success_stays_in_the_todo_as_awaiting_follow_up(world, login):
    from tiaojie.cases import transitions as tr
    from tiaojie.testing import version_of

    case = new_case(world)
    u = world.users["v1"]
    tr.accept(case, u, version=version_of(case))
    tr.assign(case, u, version=version_of(case), mediators=[world.mediators["m1"]])
    tr.record_session(case, u, version=version_of(case), held_at=timezone.now(), place="调解室",
                      participants="双方", content="陈述")
    tr.succeed(case, u, version=version_of(case), kind="oral", terms="口头约定")
    html = login(u).get(reverse("cases:todo")).content.decode()
    block = html[html.index('id="todo-follow_up"'):]
    assert case.number in block and "回访期限" in block


def test_registration_asks_for_identity_proofs(world, login):
    case = new_case(world)
    html = login(world.users["v1"]).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="proofs-missing"' in html and "刘大海" in html


def test_a_refusal_points_the_applicant_somewhere(world, login):
    client = login(world.users["v1"])
    case = new_case(world)
    r = act(client, case, "reject", {"reason": "双方已就该纠纷向法院起诉", "pointer": "", "pointer_detail": "卫东区人民法院"})
    assert r.status_code == 200 and "请同时选择建议的途径" in r.content.decode()
    case.refresh_from_db()
    assert case.outcome == ""  # nothing written
    r = act(client, case, "reject", {"reason": "双方已就该纠纷向法院起诉。", "pointer": "人民法院",
                                     "pointer_detail": "卫东区人民法院"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.close_reason == "双方已就该纠纷向法院起诉；建议向卫东区人民法院寻求解决"
    other = new_case(world)
    act(client, other, "reject", {"reason": "不属于民间纠纷", "pointer": "有关行政机关"})
    other.refresh_from_db()
    assert other.close_reason == "不属于民间纠纷；建议向有关行政机关寻求解决"
