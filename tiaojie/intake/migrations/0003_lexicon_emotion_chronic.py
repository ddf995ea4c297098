"""Issue 9: strong emotion (情绪激烈) and long-running or repeated disputes (长期反复) as Chinese
mediation writing tells them.

Strong emotion is intensity, not the dispute itself: "情绪非常激动", "吵得面红耳赤", "拍着桌子",
"怒气冲冲", "越吵越凶" raise it; a deadlock ("争执不下", "僵持不下"), a falling-out ("闹僵",
"翻脸不认") or plain discord ("不和") does not (every dispute has one).

Long-running or repeated means years, or help sought again and again without an end: "积怨",
"矛盾日深", "隔三差五", "多次到镇里反映", "村委会多次调解", "多次报警", "反复上访". The parties' own
attempts before they come to mediation ("双方多次协商未果", "多次催要", "多次上门沟通无果") are how
nearly every application begins and are not such a sign; those phrases are switched off. Durations
and counts with their numbers ("十年来", "多年来", "争了二十多年", "先后四次调解") are read by
``analysis._chronic_signal``, so "2019年" or "三年前" is not one, nor a duration in a sentence
that is not about the dispute ("多年来一直照顾母亲"); the phrase "多年来" is switched off for it.

"不再" becomes a negation cue ("双方已不再争吵"); a settlement in the same sentence resolves a
long-running dispute ("经多次调解，双方终于握手言和").

Rows are added if missing and switched off (``is_active``), never deleted: an official who edited
them keeps the edit and can switch a phrase back on in admin.
"""
from django.db import migrations

ADD = {
    "emotion": """
        情绪…激动 情绪…激烈 情绪…失控 情绪崩溃 情绪化 愤怒 怒不可遏 勃然大怒 怒气冲冲 气冲冲 恼羞成怒 气急败坏 暴跳如雷
        怨气 越吵越凶 越吵越 吵翻 面红耳赤 激烈争执 激烈指责 言辞激烈 言辞…激烈 反应激烈 反应强烈 火气…大 闹到
        拍着桌子 拍…桌子 猛拍 泄愤 一气之下 气愤 越想越气 憋着一口气 激烈对抗 矛盾…激化 急剧恶化 脾气很冲 哭喊 哭骂 吵闹不休 大声吵闹 上门吵闹 到…吵闹
        互不让步 骂街 大声嚷嚷 情绪失常 矛盾激烈
    """,
    "chronic": """
        多次…调解 调解…多次 几次…调解 数次…调解 多次…协调 协调…多次 多次…劝导 多次…上访 多次…投诉 多次…报警
        多次…反映 多次…起诉 多次…争吵 多次…冲突 多次…争执 多次…口角 多次…动手 多次…辱骂 多次…闹 反复…上访 反复…投诉
        反复…反映 反复诉讼 反复拉锯 拉锯 一再…投诉 三番五次 三番两次 隔三差五 三天两头 年年都 年年为 年年吵 年年争 每年都 每年…都要
        越积越深 矛盾日深 矛盾加深 一再升级 悬而未决 拖到现在 至今未解决 一直没解决 一直未解决 始终没有解决 始终未解决
        一直未能解决 一直得不到解决 一直没能解决 久拖 又起争执 再起争执 频繁冲突 冲突不断 常起争执 吵过几架 老问题 旧账 常年为 常年…吵 素来不和 历来不和 一向不和
        拖了很久 拖了很长时间 每次…都要…争 争议多年
        素有矛盾 素有积怨 素有嫌隙 早有矛盾 积怨颇深 长期得不到 长期未能解决 长期未解决 屡调屡败 久调未果 多年未果
    """,
}
OFF = {
    "emotion": "争执不下 僵持不下 不和 闹僵 翻脸",
    "chronic": "多次…未果 多次…无果 多次协商未果 多次协商无果 多次沟通无果 多次…没有结果 多次上门 多次找 多次讨要 多次催要 "
               "多次催讨 多次催款 一拖再拖 历时 多年来",
}
NEGATIONS = "不再"
RESOLUTIONS = {
    "chronic": "握手言和 重归于好 冰释前嫌 和好如初 终于化解 得以化解 成功化解 彻底化解 达成协议 达成调解协议 达成了调解协议 "
               "签订调解协议 签订了调解协议 达成和解",
}


def seed(apps, schema_editor):
    RiskCategory = apps.get_model("intake", "RiskCategory")
    RiskPhrase = apps.get_model("intake", "RiskPhrase")
    cats = {c.code: c for c in RiskCategory.objects.filter(code__in=set(ADD) | set(OFF) | set(RESOLUTIONS))}
    for code, words in ADD.items():
        if code in cats:
            for phrase in dict.fromkeys(words.split()):
                RiskPhrase.objects.get_or_create(category=cats[code], phrase=phrase, kind="trigger")
    for code, words in OFF.items():
        RiskPhrase.objects.filter(category__code=code, kind="trigger", phrase__in=words.split()).update(is_active=False)
    for code, words in RESOLUTIONS.items():
        if code in cats:
            for phrase in words.split():
                RiskPhrase.objects.get_or_create(category=cats[code], phrase=phrase, kind="resolution")
    for phrase in NEGATIONS.split():
        RiskPhrase.objects.get_or_create(category=None, phrase=phrase, kind="negation")


def unseed(apps, schema_editor):
    RiskPhrase = apps.get_model("intake", "RiskPhrase")
    for code, words in OFF.items():
        RiskPhrase.objects.filter(category__code=code, kind="trigger", phrase__in=words.split()).update(is_active=True)
    old = {code: set(w.partition(":")[0] for w in words.split())
           for code, _l, _lv, words in _initial().CATEGORIES}
    for code, words in ADD.items():
        new = [p for p in words.split() if p not in old.get(code, set())]
        RiskPhrase.objects.filter(category__code=code, kind="trigger", phrase__in=new).delete()
    for code, words in RESOLUTIONS.items():
        RiskPhrase.objects.filter(category__code=code, kind="resolution", phrase__in=words.split()).delete()
    RiskPhrase.objects.filter(category=None, kind="negation", phrase__in=NEGATIONS.split()).delete()


def _initial():
    import importlib

    return importlib.import_module("tiaojie.intake.migrations.0002_seed_lexicon")


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_seed_lexicon")]
    operations = [migrations.RunPython(seed, unseed)]
