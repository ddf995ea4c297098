"""Full-text search over cases (tiaojie.cases.search) and the registration form's preview panel:
the index follows registration and 更正; similar cases are closed and in scope; duplicates outside
the scope reveal only the other unit; the preview writes nothing and survives bad input."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiaojie.cases import intake, search, transitions
from tiaojie.cases.models import CaseSearch, DisputeType
from tiaojie.testing import (
    earlier_today,
    effects,
    make_id,
    register_case,
    sample_case_fields,
    sample_parties,
    version_of,
)

pytestmark = pytest.mark.django_db

FIGHT = ("申请人与被申请人系邻居，因宅基地边界的院墙问题发生争执，被申请人将申请人推搡打倒在地，"
         "申请人随即报警，派出所出警后将双方带回询问。")
DRAIN = "双方系邻居，被申请人院墙排水流入申请人院内，申请人要求改建排水沟并赔偿损失。"


def register(world, user="v1", org="v1", parties=None, **over):
    with effects():
        return register_case(world.users[user], organization=world.orgs[org],
                             parties=parties or sample_parties(), **sample_case_fields(world, **over))


def close_successfully(case, user, mediator, terms="被申请人改建排水沟，赔偿申请人损失2000元。"):
    with effects():
        transitions.accept_and_assign(case, user, version=version_of(case), mediators=[mediator])
        transitions.record_session(case, user, version=version_of(case), held_at=earlier_today(hours=1),
                                   place="调解室", participants="双方当事人", content="双方陈述，经调解达成一致。")
        transitions.succeed(case, user, version=version_of(case), kind="oral", terms=terms, amount=Decimal("2000"))
    return case


def other_parties(name_a="周文斌", name_b="吴桂英", seq="011"):
    return [
        {"role": "applicant", "kind": "person", "name": name_a, "id_type": "resident",
         "id_number": make_id(birth="19700101", seq=seq), "phone": "13700000001"},
        {"role": "respondent", "kind": "person", "name": name_b, "id_type": "resident",
         "id_number": make_id(birth="19720202", seq=str(int(seq) + 1).zfill(3)), "phone": "13700000002"},
    ]


# --- the index ---------------------------------------------------------------------------------

def test_registration_writes_the_index_without_identifiers_in_clear(world):
    case = register(world, facts=FIGHT)
    row = CaseSearch.objects.get(case=case)
    words = row.body.split()
    assert "院墙" in words and "报警" in words and "肢体" not in words
    for p in sample_parties():
        assert p["name"] not in row.keys and p["id_number"] not in row.keys and p["id_number"] not in row.body
        assert search.name_key(p["name"]) in row.keys.split()
        assert search.id_key(search.id_hash_of(p["id_number"])) in row.keys.split()


def test_the_index_keeps_each_searchable_word_once():
    words = search.index_words("2023年，申请人王建国的院墙被雨水冲倒，院墙倒塌砸坏王建国的三轮车，双方协商未果。",
                               names=["王建国"])
    assert len(words) == len(set(words)) and "院墙" in words and "三轮车" in words
    assert "王建国" not in words and "2023" not in words
    assert not set(words) & {"申请人", "双方", "协商", "未果"}    # never asked for (query_terms drops them)


def test_a_facts_correction_updates_the_index(world):
    case = register(world, facts=DRAIN)
    assert search.similar_cases(world.users["v1"], "宠物狗咬伤") == []
    with effects():
        transitions.correct_record(case, world.users["v1"], version=version_of(case), reason="登记时案情写错",
                                   fields={"facts": "被申请人饲养的宠物狗咬伤申请人，申请人要求赔偿医药费。"})
    words = CaseSearch.objects.get(case=case).body.split()
    assert "宠物狗" in words and "院墙" not in words
    dups = search.possible_duplicates(world.users["v1"], names=["刘大海"], region=world.regions["v1"],
                                      text="宠物狗咬伤")
    assert [d.case for d in dups] == [case]


def test_reindex_rebuilds_every_row(world):
    a = register(world, facts=DRAIN)
    b = register(world, facts=FIGHT, parties=other_parties())
    CaseSearch.objects.all().delete()
    assert search.reindex_cases(batch=1) == 2
    assert set(CaseSearch.objects.values_list("case_id", flat=True)) == {a.pk, b.pk}
    from django.core.management import call_command

    call_command("reindex_cases", "--batch", "1")
    assert CaseSearch.objects.count() == 2


def test_only_open_cases_keep_name_and_id_keys(world):
    # the keys serve the look-up of duplicates among open cases: closing a case empties them, and
    # the rebuild writes none for a closed case
    closed = close_successfully(register(world, facts=DRAIN), world.users["v1"], world.mediators["m1"])
    still_open = register(world, facts=FIGHT, parties=other_parties())
    assert CaseSearch.objects.get(case=closed).keys == "" and CaseSearch.objects.get(case=still_open).keys
    assert "院墙" in CaseSearch.objects.get(case=closed).body.split()      # the facts stay searchable
    CaseSearch.objects.all().delete()
    search.reindex_cases()
    assert CaseSearch.objects.get(case=closed).keys == "" and CaseSearch.objects.get(case=still_open).keys
    dups = search.possible_duplicates(world.users["v1"], names=["周文斌"], region=world.regions["v1"], text=FIGHT)
    assert [d.case for d in dups] == [still_open]


# --- similar cases -------------------------------------------------------------------------------

@pytest.mark.parametrize("scope_first", [20000, 0], ids=["scope-first", "index-first"])
def test_similar_cases_are_closed_and_in_scope(world, monkeypatch, scope_first):
    # PostgreSQL reads a small scope case by case and follows the index's matches for a large one,
    # SQLite reads a small scope's rows and asks FTS5 for a large one: both give the same cases
    monkeypatch.setattr(search, "SCOPE_FIRST", scope_first)
    monkeypatch.setattr(search, "SMALL_SCOPE", 5000 if scope_first else 0)
    v1, v2 = world.users["v1"], world.users["v2"]
    mine_closed = close_successfully(register(world, facts=DRAIN), v1, world.mediators["m1"])
    register(world, facts=DRAIN + "另案。", parties=other_parties())        # open: not a past case
    theirs = register(world, user="v2", org="v2", region=world.regions["v2"], facts=DRAIN,
                      parties=other_parties("郑明", "冯丽", "021"))
    close_successfully(theirs, v2, world.mediators["m2"])
    found = search.similar_cases(v1, "邻居院墙排水流进院内，要求改建排水沟")
    assert [s.case for s in found] == [mine_closed]
    assert found[0].outcome == "调解成功" and "排水沟" in found[0].agreement and found[0].amount == 2000
    # the township above both villages sees both, best first
    township = search.similar_cases(world.users["township"], "院墙排水 排水沟", limit=5)
    assert {s.case.pk for s in township} == {mine_closed.pk, theirs.pk}
    assert search.similar_cases(v1, "") == [] and search.similar_cases(v1, "，。！") == []


def test_party_names_do_not_make_cases_similar(world):
    v1 = world.users["v1"]
    past = close_successfully(register(world, facts="周文斌承包的鱼塘被邻村放水淹没，鱼苗损失。", parties=other_parties()),
                              v1, world.mediators["m1"])
    text = "被申请人周文斌饲养的宠物狗咬伤路人，路人要求赔偿医药费。"
    # the name is the only shared word: the index leaves the parties' names out of the body, and the
    # query leaves out the names it is given
    assert "周文斌" not in CaseSearch.objects.get(case=past).body.split()
    assert search.similar_cases(v1, text) == []
    assert search.similar_cases(v1, text, names=["周文斌", "某人"]) == []
    assert search.without_names("申请人周文斌与被申请人吴桂英系邻居", ["吴桂英", "周文斌", "", "x"]).count("，") == 2


def test_a_rarer_shared_word_ranks_before_a_common_one(world):
    """Cases sharing the query's rare word come first, the ones sharing only a word most cases
    hold after them (PostgreSQL: weights from its statistics, the common word selecting last;
    SQLite: FTS5's bm25)."""
    v1, m1 = world.users["v1"], world.mediators["m1"]
    dog = close_successfully(register(world, facts="邻居饲养的宠物狗咬伤申请人。", parties=other_parties(seq="031")), v1, m1)
    walls = [close_successfully(register(world, facts=f"邻居之间因院墙高度发生争执，第{i}次。",
                                         parties=other_parties(seq=f"0{41 + 2 * i}")), v1, m1) for i in range(4)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE cases_casesearch")
        search._stats["at"] = -search.STATS_TTL    # read the fresh statistics
        shares, floor = search.word_shares()
        assert shares["邻居"] == 1.0 and floor is not None
        weights = search.term_weights(["邻居", "宠物狗"])
        assert weights["宠物狗"] > weights["邻居"] > 0 or weights["邻居"] == 0
    found = [s.case for s in search.similar_cases(v1, "邻居家的宠物狗夜里咬伤了申请人的孩子")]
    assert found[0] == dog and set(found[1:]) <= set(walls)
    search._stats["at"] = -search.STATS_TTL


# --- duplicates ----------------------------------------------------------------------------------

def test_duplicates_in_scope_link_the_case_with_reasons(world):
    case = register(world, facts=FIGHT)
    dups = search.possible_duplicates(world.users["v1"], names=["刘大海", "某某"], region=world.regions["v1"],
                                      text="邻居院墙争执推搡打倒在地报警")
    assert len(dups) == 1 and dups[0].visible and dups[0].case == case
    assert "当事人同名：刘大海" in dups[0].reasons and "同一地点（东安社区）" in dups[0].reasons
    # a name alone somewhere else with other facts is no duplicate; the same ID number is
    assert search.possible_duplicates(world.users["v1"], names=["刘大海"], region=world.regions["v3"],
                                      text="劳务费拖欠") == []
    by_id = search.possible_duplicates(world.users["v1"], id_hashes=[search.id_hash_of(make_id())])
    assert [d.case for d in by_id] == [case] and by_id[0].reasons == ["当事人证件号码相同"]
    # closed cases are not duplicates
    close_successfully(case, world.users["v1"], world.mediators["m1"])
    assert search.possible_duplicates(world.users["v1"], id_hashes=[search.id_hash_of(make_id())]) == []


def test_duplicates_outside_the_scope_reveal_only_the_unit_and_its_phone(world, client):
    org2 = world.orgs["v2"]
    org2.contact_phone = "0375-1234567"
    org2.save()
    secret_facts = "被申请人光华社区某某因宅基地院墙推搡打倒申请人，并报警处理，机密细节ABC。"
    theirs = register(world, user="v2", org="v2", region=world.regions["v2"], facts=secret_facts)
    far = register(world, user="v3", org="v3", region=world.regions["v3"], facts="拖欠劳务费，工地纠纷。",
                   dispute_type=DisputeType.objects.get(code="02"))
    dups = search.possible_duplicates(world.users["v1"], names=["刘大海", "孙小梅"], region=world.regions["v1"],
                                      id_hashes=[search.id_hash_of(make_id())], text=FIGHT)
    assert {(d.visible, d.org_name, d.org_phone, d.case) for d in dups} == {
        (False, org2.name, "0375-1234567", None), (False, world.orgs["v3"].name, "", None)}
    assert all(d.reasons == [] for d in dups)
    # the page: the other units by name and phone; no number, no party, no facts
    client.force_login(world.users["v1"])
    html = client.post("/cases/register/preview/", {
        "facts": FIGHT, "region": world.regions["v1"].code, "parties-TOTAL_FORMS": "2",
        "parties-0-name": "刘大海", "parties-0-id_number": make_id(), "parties-1-name": "孙小梅"}).content.decode()
    assert "另一单位（光华社区人民调解委员会）有相符的在办案件，联系电话 0375-1234567" in html
    assert "另一单位（周庄村人民调解委员会）有相符的在办案件" in html
    for leak in (theirs.number, far.number, "机密细节", "光华社区某某", "拖欠劳务费", "孙小梅", "刘大海",
                 f"/cases/{theirs.pk}/", f"/cases/{far.pk}/", make_id()):
        assert leak not in html, leak
    # the other village's mediator sees her own case as a duplicate, with its link
    client.force_login(world.users["v2"])
    html = client.post("/cases/register/preview/", {"facts": FIGHT, "region": world.regions["v2"].code,
                                                     "parties-TOTAL_FORMS": "1", "parties-0-name": "刘大海"}).content.decode()
    assert theirs.number in html and f"/cases/{theirs.pk}/" in html


# --- the preview ---------------------------------------------------------------------------------

def _form(world, **over):
    data = {"source": "application", "channel": "window", "region": world.regions["v1"].code,
            "dispute_type": str(DisputeType.objects.get(code="02").pk), "facts": FIGHT, "claims": "要求赔礼道歉",
            "people_count": "2", "amount_at_stake": "", "parties-TOTAL_FORMS": "2",
            "parties-0-name": "刘大海", "parties-0-id_number": make_id(), "parties-1-name": "孙小梅"}
    data.update(over)
    return data


def test_the_preview_writes_nothing(world, client):
    case = register(world, facts=FIGHT)
    close_successfully(register(world, facts=FIGHT, parties=other_parties()), world.users["v1"],
                       world.mediators["m1"])
    client.force_login(world.users["v1"])
    before = {m: m.objects.count() for m in (CaseSearch, DisputeType)}
    with CaptureQueriesContext(connection) as q:
        r = client.post("/cases/register/preview/", _form(world))
    assert r.status_code == 200
    writes = [x["sql"][:80] for x in q.captured_queries
              if x["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in x["sql"]]
    assert writes == []
    assert before == {m: m.objects.count() for m in before}
    html = r.content.decode()
    assert case.number in html and 'id="possible-duplicates"' in html and 'id="similar-cases"' in html
    assert 'id="preview-routing"' in html
    assert len(q.captured_queries) <= 25
    # the registration form has its own 分流 section: the panel does not repeat the proposal there
    own = client.post("/cases/register/preview/", {**_form(world), "own_routing": "1"}).content.decode()
    assert 'id="similar-cases"' in own and 'id="preview-routing"' not in own
    page = client.get("/cases/register/").content.decode()
    assert page.count('"own_routing": "1"') == 1 and 'id="routing-proposal"' in page


def test_preview_of_a_referral_form_reads_its_parties(world, client):
    case = register(world, facts=FIGHT)
    client.force_login(world.users["county"])
    html = client.post("/cases/register/preview/", {"facts": FIGHT, "region": world.regions["v1"].code,
                                                     "applicant_name": "刘大海", "respondent_id": make_id()}).content.decode()
    assert case.number in html and "当事人证件号码相同" in html


@pytest.mark.parametrize("over", [
    {"facts": ""}, {"facts": "   \n "}, {"facts": "好"}, {"facts": "x" * 60000}, {"facts": "ＡＢＣ１２３ 鄰居打架 報警 English text"},
    {"region": "not-a-code", "dispute_type": "abc", "people_count": "-3", "amount_at_stake": "十万"},
    {"parties-TOTAL_FORMS": "9999999999", "parties-0-id_number": "123"}, {"source": "<script>", "claims": "x" * 60000},
])
def test_bad_input_gives_a_panel_never_an_error(world, client, over):
    client.force_login(world.users["v1"])
    r = client.post("/cases/register/preview/", _form(world, **over))
    assert r.status_code == 200
    if not (over.get("facts") or "").strip() and "facts" in over:
        assert r.content.decode().strip() == ""
    if over.get("facts", "").startswith("xxx") or "claims" in over:
        assert "字" in r.content.decode()


def test_preview_refuses_administrators_and_get(world, client):
    from tiaojie.accounts.models import Role, User

    client.force_login(world.users["v1"])
    assert client.get("/cases/register/preview/").status_code == 405
    auditor = User.objects.create_user(username="aud", password="x-Passw0rd-1", role=Role.AUDIT_ADMIN)
    client.force_login(auditor)
    assert client.post("/cases/register/preview/", {"facts": FIGHT}).status_code == 403


def test_the_register_page_hosts_the_panel(world, client):
    client.force_login(world.users["v1"])
    html = client.get("/cases/register/").content.decode()
    assert 'id="intake-preview"' in html and 'hx-post="/cases/register/preview/"' in html


def test_preview_uses_the_text_analysis_when_present(world, client, monkeypatch):
    """The intake app (tiaojie.intake) may not be merged yet: the panel shows what ``analyze`` gives."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class T:
        code: str
        name: str
        score: float

    @dataclass(frozen=True)
    class S:
        category: str
        label: str
        level: str
        evidence: str
        source: str = "facts"
        count: int | None = None

    @dataclass
    class A:
        types: list
        signals: list
        people_count: int | None
        amount_yuan: Decimal | None
        level: str

        def as_dict(self):
            return {}

    fake = A([T("02", "邻里", 0.81), T("ZZ9", "未知", 0.1)], [S("violence", "暴力伤害", "orange", "推搡打倒在地")], 3,
             Decimal("12000"), "orange")
    monkeypatch.setattr(intake, "analyze", lambda texts: fake)
    client.force_login(world.users["v1"])
    html = client.post("/cases/register/preview/", _form(world)).content.decode()
    neighbour = DisputeType.objects.get(code="02")
    assert f'data-fill-value="{neighbour.pk}"' in html and "81%" in html
    assert 'class="badge risk-orange">暴力伤害</span>' in html and "“推搡打倒在地”" in html
    assert 'data-fill-value="12000"' in html and 'data-fill-value="3"' in html
    assert "未知" in html  # an unknown code is shown, without a button


def test_document_words_cut_run_by_run_equal_jieba_on_the_whole_text():
    """``document_words`` cuts each run of characters jieba would cut on its own, remembering runs
    seen before: the same words, in the same order, as jieba's search mode on the whole text — for
    every text of the intake corpus, and for mixed scripts, full-width forms, numbers and breaks."""
    import jieba

    from tiaojie.intake.classifier import read_corpus

    def whole(text):
        return [w.lower() for w in jieba.cut_for_search(search._normalize(text)) if search._WORD.fullmatch(w)]

    texts = [line.text for line in read_corpus()]
    texts += ["ＡＢＣ公司欠款１２３４５元，张三于2024年5月3日在Ｘ市打人；e-mail: a_b@x.com 电话13800000000\r\n第二段①②",
              "", "  \n", "和解", "C++与C#（3.5%）", "——邻居王某某、李某某因宅基地界址发生纠纷。" * 3]
    assert len(texts) > 2000
    for text in texts:
        assert search.document_words(text) == whole(text), text
    assert search.document_words("邻里纠纷，邻里纠纷") == whole("邻里纠纷") * 2  # a repeated run, from memory
