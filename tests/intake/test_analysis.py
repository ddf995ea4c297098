"""The text analysis (tiaojie.intake.analysis): each risk category positive, negated and resolved,
quoted evidence, odd input, the lexicon as admin data."""
import pytest

from tiaojie.intake.analysis import CATEGORIES, analyze, normalize

pytestmark = pytest.mark.django_db

# category: (positive text, its evidence must contain, negated text, resolved text or None)
CASES = {
    "violence": ("因宅基地界址发生争执，王某将李某打伤，李某头部缝了三针。", "打伤",
                 "双方虽有争吵但未动手，也未发生肢体冲突。", "双方发生推搡，经村干部劝解后已和好。"),
    "weapon": ("争执中张某手持菜刀追赶邻居。", "菜刀", "经查，当事人并未持刀，只是言语威胁较多。"[:12] + "。", None),
    "group": ("二十余户村民聚集在工地门口阻止施工。", "聚集", "此事没有引发聚集，双方各自回家。", "围堵的人群经劝导已自行散去。"),
    "threat": ("王某扬言要与对方同归于尽。", "同归于尽", "被申请人从未威胁过申请人。", "李某曾放狠话，后已赔礼道歉并表示不再滋事。"),
    "suicide": ("女方父亲以死相逼，要求男方退还彩礼。", "以死相逼", "当事人情绪稳定，没有轻生念头。", None),
    "police": ("李某当即报警，派出所民警出警到场。", "报警", "双方均没有报警。", None),
    "petition": ("申请人多次到县信访局上访。", "上访", "申请人表示不会上访，愿意通过调解解决。"[:7] + "。", None),
    "death": ("三轮车驾驶人经抢救无效死亡。", "死亡", "事故未造成人员死亡。", None),
    "vulnerable": ("申请人系残疾人，生活困难。", "残疾", "家中无老人需要照顾。", None),
    "emotion": ("双方在村部激烈争吵，情绪激动。", "激烈争吵", "双方没有激烈争吵，均表示愿意协商。", "双方一度情绪激动，经劝解后情绪平复。"),
    "chronic": ("两家矛盾由来已久，村里多次调解未果。", "由来已久", None, None),
}


def categories(text):
    return {s.category for s in analyze({"facts": text}).signals}


def test_every_category_has_a_case():
    assert set(CASES) == set(CATEGORIES)


@pytest.mark.parametrize("category", sorted(CASES))
def test_positive(category):
    text, word, _neg, _res = CASES[category]
    a = analyze({"facts": text})
    sig = next((s for s in a.signals if s.category == category), None)
    assert sig is not None, (text, a.signals)
    assert word in sig.evidence and sig.evidence in text
    assert sig.source == "facts" and sig.label == CATEGORIES[category]
    assert a.level != "none"


@pytest.mark.parametrize("category", sorted(c for c in CASES if CASES[c][2]))
def test_negated(category):
    assert category not in categories(CASES[category][2])


@pytest.mark.parametrize("category", sorted(c for c in CASES if CASES[c][3]))
def test_resolved(category):
    assert category not in categories(CASES[category][3])


@pytest.mark.parametrize("text, present, absent", [
    ("经民警劝解后已和好。", {"police"}, {"violence"}),                       # police present, nothing else
    ("双方虽有争吵但未动手。", set(), {"violence", "emotion"}),
    ("张某爬上楼顶扬言要跳下去，被民警劝下。", {"suicide", "police"}, set()),   # talked down: still a sign
    ("未成年人小王被同学打伤。", {"violence", "vulnerable"}, set()),            # 未 of 未成年 is no negation
    ("双方已和好，但次日王某又将李某打伤。", {"violence"}, set()),               # resolution before the fight
    ("王某动手术后需要护理。", set(), {"violence"}),                           # 动手术 is not 动手
    ("李某向法院起诉立案。", set(), {"police"}),                               # a court's 立案
    ("欠款1100元，拨打110报警。", {"police"}, set()),
    ("欠款1100元未还。", set(), {"police"}),
    ("未向公安机关报案。", set(), {"police"}),
    ("王某要求对方赔礼道歉，此前对方将其打伤。", {"violence"}, set()),          # a claim is no resolution
])
def test_scope_of_negation_and_resolution(text, present, absent):
    found = categories(text)
    assert present <= found, found
    assert not (absent & found), found


@pytest.mark.parametrize("text, present, absent", [
    # strong emotion is intensity, not a deadlock
    ("调解时双方情绪非常激动，吵得面红耳赤。", {"emotion"}, set()),
    ("王某怒气冲冲地拍着桌子质问对方。", {"emotion"}, set()),
    ("双方对赔偿金额争执不下，僵持不下。", set(), {"emotion"}),
    ("双方已不再争吵，同意坐下来协商。", set(), {"emotion"}),
    ("两人一度情绪激动，经劝解后情绪平复。", set(), {"emotion"}),
    # long-running: years and repeated help sought, read with their numbers
    ("两家为地界一争就是十余年。", {"chronic"}, set()),
    ("刘某十年来多次到镇里和县里反映。", {"chronic"}, set()),
    ("司法所先后组织了四次调解都不欢而散。", {"chronic"}, set()),
    ("村委会多次调解未果。", {"chronic"}, set()),
    ("婆媳二人隔三差五吵架，矛盾日深。", {"chronic"}, set()),
    ("与征收部门僵持了四年。", {"chronic"}, set()),
    # the parties' own attempts, a calendar year, a time ago, one year: not a sign
    ("借款到期后张某多次催要，双方多次协商未果，现申请调解。", set(), {"chronic"}),
    ("2019年调解未果，三年前借款2万元。", set(), {"chronic"}),
    ("近年来效益好，双方经一次调解达成协议。", set(), {"chronic"}),
    ("经三次调解，双方终于握手言和。", set(), {"chronic"}),
    ("邻里之间从未有过矛盾。", set(), {"chronic"}),
    ("王某多年来一直照顾母亲，他在外打工十多年来第一次回家。", set(), {"chronic"}),   # a life, not a dispute
    ("两家多年来矛盾不断。", {"chronic"}, set()),
    ("两家因宅基地问题素有矛盾。调解员先后五次上门调解，最终双方达成协议。", {"chronic"}, set()),
    ("调解员先后五次上门调解，最终双方达成协议。", set(), {"chronic"}),           # settled in the sentence
])
def test_emotion_and_long_running(text, present, absent):
    found = categories(text)
    assert present <= found, (text, found)
    assert not (absent & found), (text, found)


def test_one_signal_per_category_strongest_first():
    a = analyze({"facts": "双方推搡。王某持刀砍伤李某，李某报警，王某被刑事拘留。"})
    cats = [s.category for s in a.signals]
    assert len(cats) == len(set(cats))
    ranks = ["none", "blue", "yellow", "orange", "red"]
    assert [ranks.index(s.level) for s in a.signals] == sorted((ranks.index(s.level) for s in a.signals), reverse=True)
    assert a.level == "red"


def test_group_count_read_with_the_signal():
    a = analyze({"facts": "上千名村民聚集在镇政府门口，要求提高补偿标准。"})
    group = next(s for s in a.signals if s.category == "group")
    assert group.count == 1000 and group.level == "red"
    assert a.people_count == 1000


def test_people_count_alone_is_a_group_sign():
    a = analyze({"facts": "某工地30多名工人被拖欠工资共计45万元。"})
    assert a.people_count == 30 and a.amount_yuan == 450000
    assert any(s.category == "group" and s.count == 30 for s in a.signals)


def test_sources_are_kept_and_the_strongest_wins():
    a = analyze({"facts": "双方因通行发生争执。", "sessions": "调解时被申请人扬言要放火烧了对方的房子。"})
    threat = next(s for s in a.signals if s.category == "threat")
    assert threat.source == "sessions" and threat.level == "red"


@pytest.mark.parametrize("texts", [{}, {"facts": ""}, {"facts": "   \n\t "}, {"facts": None}, {"claims": "  "}])
def test_empty_input_gives_nothing(texts):
    a = analyze(texts)
    assert a.types == [] and a.signals == [] and a.level == "none"
    assert a.people_count is None and a.amount_yuan is None
    assert a.as_dict() == {"types": [], "risk": {"level": "none", "factors": []}, "people_count": None,
                           "amount_yuan": None}


@pytest.mark.parametrize("text", [
    "王某與李某因宅基地發生衝突，王某將其打傷，李某報警，派出所出警。欠款１２０００元，涉及３０名工人。",
    "The neighbours had a fight (打架) and called the police, damage ＵＳＤ 500, 损失 ８０００ 元.",
    "\x00\ud7ff￿🙂" * 10 + "殴打",
    "１２３４５６７８９０" * 500,
    "元" * 3000 + "万" * 3000,
])
def test_odd_text_is_analysed_not_crashed(text):
    a = analyze({"facts": text})
    for s in a.signals:
        assert s.evidence in text
    a.as_dict()


def test_traditional_and_full_width_are_read():
    a = analyze({"facts": "王某與李某發生衝突，王某將其打傷，李某報警。欠款１２０００元，涉及３０名工人。"})
    cats = {s.category for s in a.signals}
    assert {"violence", "police", "group"} <= cats
    assert a.amount_yuan == 12000 and a.people_count == 30
    assert next(s for s in a.signals if s.category == "violence").evidence in "王某將其打傷"


def test_normalize_is_one_for_one():
    for text in ["王某與李某發生衝突１２３ＡＢＣ　", "ﬀ㎡①", "abc"]:
        assert len(normalize(text)) == len(text)


def test_fifty_thousand_characters_analysed_quickly():
    import time

    text = ("双方因琐事发生争执，" * 5000)[:50000]
    t0 = time.perf_counter()
    a = analyze({"facts": text})
    assert time.perf_counter() - t0 < 10
    assert a.level in ("none", "blue", "yellow", "orange", "red")


def test_lexicon_edit_takes_effect_at_once():
    from tiaojie.intake.models import RiskCategory, RiskPhrase

    assert "threat" not in categories("他说要让对方吃不了兜着走。")
    RiskPhrase.objects.create(category=RiskCategory.objects.get(code="threat"), phrase="吃不了兜着走")
    assert "threat" in categories("他说要让对方吃不了兜着走。")
    RiskPhrase.objects.filter(phrase="吃不了兜着走").update(is_active=False)   # update() sends no signal
    from tiaojie.core import cache

    cache.clear("intake_lexicon")
    assert "threat" not in categories("他说要让对方吃不了兜着走。")


def test_phrase_level_overrides_the_category_level():
    a = analyze({"facts": "王某被行政拘留十日。"})
    assert next(s for s in a.signals if s.category == "police").level == "orange"


def test_admin_refuses_an_empty_phrase_in_chinese(admin_client):
    from django.urls import reverse

    from tiaojie.intake.models import RiskCategory, RiskPhrase

    cat = RiskCategory.objects.get(code="violence")
    phrase = RiskPhrase.objects.filter(category=cat, kind="trigger").first()
    url = reverse("admin:intake_riskphrase_change", args=[phrase.pk])
    r = admin_client.post(url, {"category": cat.pk, "phrase": "   ", "kind": "trigger", "level": "",
                                "is_active": "on"})
    assert r.status_code == 200
    assert "词语不能为空" in r.content.decode()
    phrase.refresh_from_db()
    assert phrase.phrase.strip()


def test_model_clean_refuses_empty_and_orphan_trigger():
    from django.core.exceptions import ValidationError

    from tiaojie.intake.models import RiskPhrase

    with pytest.raises(ValidationError) as e:
        RiskPhrase(phrase=" ", kind="trigger").clean()
    assert "词语不能为空" in str(e.value)
    with pytest.raises(ValidationError):
        RiskPhrase(phrase="打人", kind="trigger").clean()


def test_type_names_agree_with_the_seeded_dispute_types():
    from tiaojie.cases.models import DisputeType
    from tiaojie.core.dispute_types import NAMES

    assert dict(DisputeType.objects.values_list("code", "name")) == NAMES


def test_the_migrated_lexicon_is_the_seeded_one():
    """bench/intake_eval.py measures ``_seed_lexicon`` (the lexicon a fresh migrate gives): it must
    equal what the migrations wrote to the tables."""
    from tiaojie.intake import analysis

    db, seed = analysis._load_lexicon(), analysis._seed_lexicon()
    assert sorted(db.triggers) == sorted(seed.triggers)
    assert sorted(db.negations) == sorted(seed.negations)
    assert {c: sorted(p.pattern for p in ps) for c, ps in db.resolutions.items()} == \
        {c: sorted(p.pattern for p in ps) for c, ps in seed.resolutions.items()}
