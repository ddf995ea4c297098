"""Read the facts of a dispute (INTAKE_SEAM.md): type suggestions, risk signals with the phrase
quoted from the text, the people count and the amount at stake.

``analyze(texts)`` is pure over its input: the lexicon (``RiskCategory``/``RiskPhrase``, admin
data) and the trained type model come from per-process caches. It never raises on odd text:
traditional characters and full-width forms are folded one character for one character
(``normalize``), so every quoted phrase is a substring of the input it came from.

Risk signals: a trigger phrase raises its category unless a negation cue stands just before it
in the same clause ("未发生肢体冲突", "没有报警"; only filler words such as 发生/造成/人员 may lie
between), or a resolution cue of the category follows in the same clause or a later clause of the
same sentence ("双方发生推搡，经劝解已和好"). A group sign carries the people count of its text
("上千名村民聚集": 1000, red from 100 people); a count of 10 or more in a sentence that tells of
acting together ("带着十多人到工地讨要"), or of 20 or more in any sentence ("30多名工人被欠薪"), is
a group sign by itself. A phrase may hold a gap "…" of up to six characters
of the same clause ("推了…一把", "争吵…年"). A dispute's duration and the times help was sought
are read with their numbers (``CHRONIC_RE``: "十年来", "僵持了四年", "先后四次调解"), so that a
calendar year, a time ago or one attempt is not a long-running dispute.
"""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from tiaojie.intake import numbers

log = logging.getLogger("tiaojie.intake")

CATEGORIES = {
    "violence": "暴力伤害", "weapon": "持械凶器", "group": "群体聚集", "threat": "极端言行", "suicide": "自杀自伤",
    "police": "警情", "petition": "信访", "death": "非正常死亡", "vulnerable": "弱势群体", "emotion": "情绪激烈",
    "chronic": "长期反复",
}
LEVELS = ("none", "blue", "yellow", "orange", "red")
RANK = {lv: i for i, lv in enumerate(LEVELS)}
KEYS = ("facts", "claims", "sessions", "investigations")
GROUP_COUNT, GROUP_RED = 10, 100   # a people count given in a form field that is a group sign; a red one
GROUP_ALONE = 20                   # a people count read from the text that is a group sign by itself
MAX_CHARS = 60000                  # longer input is cut (the fields refuse far less; this guards the batch)


@dataclass(frozen=True)
class TypeSuggestion:
    code: str
    name: str
    score: float


@dataclass(frozen=True)
class Signal:
    category: str
    label: str
    level: str
    evidence: str
    source: str
    count: int | None = None


@dataclass
class Analysis:
    types: list[TypeSuggestion] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    people_count: int | None = None
    amount_yuan: Decimal | None = None
    level: str = "none"

    def as_dict(self) -> dict:
        amount = self.amount_yuan
        if amount is not None:
            amount = int(amount) if amount == amount.to_integral_value() else float(amount)
        return {
            "types": [{"code": t.code, "name": t.name, "score": round(float(t.score), 4)} for t in self.types],
            "risk": {"level": self.level,
                     "factors": [{"category": s.category, "level": s.level, "evidence": s.evidence}
                                 for s in self.signals]},
            "people_count": self.people_count,
            "amount_yuan": amount,
        }

    def signal_dicts(self) -> list[dict]:
        return [asdict(s) for s in self.signals]


# --- normalization (one character for one character) ---------------------------------------

# traditional → simplified for the characters dispute write-ups use most (one for one)
_TRAD = ("與專業東絲兩嚴喪個豐臨為麗舉義樂習鄉書買亂爭於雲亞產畝親億僅從們價眾優會傷倫偽傳債傾僱儀兒黨內"
         "兩冊凍減湊幾鳳憑凱擊劃則剛創別劉勁動務勝勞勢勵區醫華協單賣衛卻廠廳歷壓厭參雙變敘葉號嘆嚇嗎嚴嘯團園圍"
         "國圖場壞塊壇墳墾壩壯聲處備複夠頭夾奪奮獎婦媽嫻孫學寧實審寫寶將專對導層屆屬島嶺嶼歲幹廣庫應廟廢開異彈"
         "張強歸當錄徵從後徑態憂懷懶戀戰戲戶擔拋護報擁擋據擠擴擺擾攜敵數斷於時晝顯曬書會樂條來楊極構槍標樣樹橋機"
         "檢權欄歡歐殺殼毀毆氣漢湯溝滅漲滿漁災為無煙熱燒爭爺牆狀獨獲猶獄獻環現瑪產畢畫異當療癥發盜盡監盤眾睜礦確碼"
         "禍禮離種稱穩窮竊競筆築籌簡糧糾紀約紅紛紙級細終組結絕絡給統絲經綁綜綠網緊線緣編緩練縣總績繳繼續纏罰罵羅"
         "職聯聽腳膽臉興舊艱藝節莊華萬葬蔣藥蘇處號蟲補裝製複見規視親覺觀計訂認討訓議記訟設許訴診詞證評識詐試詳誠"
         "話該認語誤說請諸課調談論謀謝證護讓貝負財責貨貧購貸費賃資賠賬賣質賴贈贍趕趙車軌軟較載輕輛輸轄轉辦農迴這"
         "連進過運還遠違遷選遺邊鄉鄰醫釋鐵錢錯鍵長門閉開間閒閣關陣陰陳陸陽隊際險隨隱雖雙難雞電霸靜面頂順須頓預領頭"
         "題額顧風飛飯養餘館馬驗驚體髮鬥鬧魚鳥麥點齊齒龍")
_SIMP = ("与专业东丝两严丧个丰临为丽举义乐习乡书买乱争于云亚产亩亲亿仅从们价众优会伤伦伪传债倾雇仪儿党内"
         "两册冻减凑几凤凭凯击划则刚创别刘劲动务胜劳势励区医华协单卖卫却厂厅历压厌参双变叙叶号叹吓吗严啸团园围"
         "国图场坏块坛坟垦坝壮声处备复够头夹夺奋奖妇妈娴孙学宁实审写宝将专对导层届属岛岭屿岁干广库应庙废开异弹"
         "张强归当录征从后径态忧怀懒恋战戏户担抛护报拥挡据挤扩摆扰携敌数断于时昼显晒书会乐条来杨极构枪标样树桥机"
         "检权栏欢欧杀壳毁殴气汉汤沟灭涨满渔灾为无烟热烧争爷墙状独获犹狱献环现玛产毕画异当疗症发盗尽监盘众睁矿确码"
         "祸礼离种称稳穷窃竞笔筑筹简粮纠纪约红纷纸级细终组结绝络给统丝经绑综绿网紧线缘编缓练县总绩缴继续缠罚骂罗"
         "职联听脚胆脸兴旧艰艺节庄华万葬蒋药苏处号虫补装制复见规视亲觉观计订认讨训议记讼设许诉诊词证评识诈试详诚"
         "话该认语误说请诸课调谈论谋谢证护让贝负财责货贫购贷费赁资赔账卖质赖赠赡赶赵车轨软较载轻辆输辖转办农回这"
         "连进过运还远违迁选遗边乡邻医释铁钱错键长门闭开间闲阁关阵阴陈陆阳队际险随隐虽双难鸡电霸静面顶顺须顿预领头"
         "题额顾风飞饭养余馆马验惊体发斗闹鱼鸟麦点齐齿龙")
assert len(_TRAD) == len(_SIMP)
_FOLD = {ord(t): s for t, s in zip(_TRAD, _SIMP, strict=True) if t != s}
_FOLD.update({0x3000: " ", 0x3007: "〇"})


def _fold_char(c: str) -> str:
    f = _FOLD.get(ord(c))
    if f is not None:
        return f
    if "\uff01" <= c <= "\uff5e":  # full-width ASCII → ASCII
        return chr(ord(c) - 0xFEE0).lower()
    if c.isascii():
        return c.lower()
    n = unicodedata.normalize("NFKC", c)
    return n if len(n) == 1 else c


@functools.lru_cache(maxsize=256)
def normalize(text: str) -> str:
    """Simplified, half-width, lower-case text of exactly the same length as ``text`` (kept for
    the last texts: the signal finders and the type model each read the same text normalized)."""
    return "".join(_fold_char(c) for c in text)


# --- the lexicon ---------------------------------------------------------------------------

@dataclass
class Lexicon:
    categories: dict          # code -> (label, level)
    triggers: list            # (phrase, category, level), longest first
    negations: list           # phrases
    resolutions: dict         # category -> [compiled patterns]

    def __post_init__(self):
        # derived once per lexicon (``find_signals`` ran over every trigger of every text):
        # each category's plain phrases, and the triggers by their first character, in order
        self.by_cat: dict[str, list[str]] = {}
        self.by_first: dict[str, list[int]] = {}
        for i, (phrase, cat, _lv) in enumerate(self.triggers):
            if GAP not in phrase:
                self.by_cat.setdefault(cat, []).append(phrase)
            self.by_first.setdefault(phrase[0], []).append(i)
        # the text part of recent analyses (signals, people, amount) by their texts: registration
        # reads the facts as the preview did, and the risk assessment after it reads them again;
        # it lives and dies with this lexicon, so an edited lexicon is never answered from it
        self.memo: dict = {}


def _compile_resolution(phrase: str):
    # a cue "已和好" also matches "已与李某和好": 已 then up to six characters in the clause
    if phrase.startswith("已") and len(phrase) > 2:
        return re.compile("已[^，。；！？,.;!?\n]{0,6}?" + re.escape(phrase[1:]))
    return re.compile(re.escape(phrase))


def build_lexicon(categories, phrases) -> Lexicon:
    """``categories``: (code, label, level); ``phrases``: (category code or None, phrase, kind, level)."""
    cats = {code: (label, level) for code, label, level in categories}
    triggers, negations, resolutions = [], [], {}
    for cat, phrase, kind, level in phrases:
        phrase = normalize((phrase or "").strip())
        if not phrase:
            continue
        if kind == "trigger" and cat in cats:
            triggers.append((phrase, cat, level or cats[cat][1]))
        elif kind == "negation":
            negations.append(phrase)
        elif kind == "resolution":
            for c in ([cat] if cat else list(cats)):
                resolutions.setdefault(c, []).append(_compile_resolution(phrase))
    triggers.sort(key=lambda t: (-len(t[0]), t[0]))
    negations.sort(key=lambda p: (-len(p), p))
    return Lexicon(cats, triggers, negations, resolutions)


def _seed_lexicon() -> Lexicon:
    """The lexicon exactly as a fresh ``migrate`` seeds it: ``0002_seed_lexicon`` and the data
    migrations after it (``ADD`` triggers, ``OFF`` triggers switched off, ``NEGATIONS``,
    ``RESOLUTIONS``), in order."""
    import importlib
    import pkgutil

    from tiaojie.intake import migrations as package

    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name[:4].isdigit())
    cats: list[tuple[str, str, str]] = []
    rows: dict[tuple, str | None] = {}   # (category, phrase, kind) -> level; None: switched off
    for name in names:
        seed = importlib.import_module(f"{package.__name__}.{name}")
        for code, label, level, words in getattr(seed, "CATEGORIES", ()):
            cats.append((code, label, level))
            for item in words.split():
                p, _, lv = item.partition(":")
                rows.setdefault((code, p, "trigger"), lv)
        for code, words in getattr(seed, "ADD", {}).items():
            for p in words.split():
                rows.setdefault((code, p, "trigger"), "")
        for code, words in getattr(seed, "OFF", {}).items():
            for p in words.split():
                if (code, p, "trigger") in rows:
                    rows[(code, p, "trigger")] = None
        resolutions = getattr(seed, "RESOLUTIONS", {})
        for code, words in (resolutions.items() if isinstance(resolutions, dict) else ()):
            for p in words.split():
                rows.setdefault((code, p, "resolution"), "")
        for p in getattr(seed, "NEGATIONS", "").split():
            rows.setdefault((None, p, "negation"), "")
    phrases = [(c, p, k, lv) for (c, p, k), lv in rows.items() if lv is not None]
    return build_lexicon(cats, phrases)


def _load_lexicon() -> Lexicon:
    from django.db import DatabaseError

    from tiaojie.intake.models import RiskCategory, RiskPhrase

    try:
        cats = list(RiskCategory.objects.filter(is_active=True).values_list("code", "label", "level"))
        active = {c for c, _, _ in cats}
        phrases = [(c, p, k, lv) for c, p, k, lv in RiskPhrase.objects.filter(is_active=True)
                   .values_list("category__code", "phrase", "kind", "level") if c is None or c in active]
    except DatabaseError:  # tables not migrated yet (a bare checkout): the seeded lexicon
        log.warning("intake lexicon tables unavailable; using the seeded lexicon")
        return _seed_lexicon()
    if not cats:
        return _seed_lexicon()
    return build_lexicon(cats, phrases)


def lexicon() -> Lexicon:
    from tiaojie.core import cache

    return cache.cached("intake_lexicon", _load_lexicon)


# --- clauses, negation, resolution ---------------------------------------------------------

CLAUSE_END = set("，。；！？,;!?\n\r、：:（）()【】“”\"\x00")
SENTENCE_END = set("。；！？;!?\n\r")
# words that look like a negation cue but are not one ("未成年人被打伤", "无法支付")
NOT_NEGATION = re.compile(r"未成年|未婚|未果|未付|未支付|未还|未结|未经|未按|未及时|无法|无奈|无业|无故|无力|无果|无证|"
                          r"无理|无人机|无偿|无息|无赖|没收|没钱|不得不|未予理睬|未予理会|无视")
# words that look like a trigger but are not one
NOT_TRIGGER = re.compile(r"动手术|打了欠条|打欠条|打了借条|安全威胁|构成威胁|威胁到|极端天气|法院立案|立案庭|诉前|立案登记|"
                         r"起诉立案|申请立案|登记立案|调解立案|立案调解|110kv|110千伏|老人家|上访户口|拉扯孩子|拉扯大|"
                         r"拉扯长大|死亡赔偿金标准|气死|累死|笑死|饿死人|手持欠条|手持借条|被打捞|巴掌大|虽有争吵|虽然有争吵|"
                         r"虽发生争吵|虽有口角|"
                         r"(?:牛|狗|鸡|猫|羊|鸭|鹅)[^，。；]{0,4}打架|"
                         r"(?:掉落|倒塌|坠落|掉下|落下|刮落|吹落|花盆|树枝|砖块|石块|高空)[^。；]{0,8}砸(?:坏|毁|伤|烂|碎|了|穿)")
FILLER = re.compile(r"(?:发生|造成|出现|引发|导致|有过|有|再次|再|任何|人员|过|曾经|曾|被|与|对方|对|其|双方|彼此|互相|相互|"
                    r"进行|采取|实施|到|了|均|都|也|并|明显|直接|真正|继续|因此|去|来|向|人|他|她|他人|将|把|一起|一次|"
                    r"过激|什么|严重|大的|的|激烈|当事人|家人|向其|予以|要|就|会|引起)*")


def _clause_bounds(text: str, i: int) -> tuple[int, int]:
    s = i
    while s > 0 and text[s - 1] not in CLAUSE_END:
        s -= 1
    e = i
    while e < len(text) and text[e] not in CLAUSE_END:
        e += 1
    return s, e


def _sentence_end(text: str, i: int) -> int:
    e = i
    while e < len(text) and text[e] not in SENTENCE_END:
        e += 1
    return e


def _negated(norm: str, start: int, clause_start: int, same_cat: list[str], negations: list[str]) -> bool:
    window = norm[max(clause_start, start - 12):start]
    masked = NOT_NEGATION.sub(lambda m: "\x00" * len(m.group()), norm[max(clause_start, start - 16):start + 8])
    offset = max(clause_start, start - 16)
    for cue in negations:
        pos = window.rfind(cue)
        while pos >= 0:
            abs_pos = max(clause_start, start - 12) + pos
            if "\x00" not in masked[abs_pos - offset:abs_pos - offset + len(cue)]:
                gap = norm[abs_pos + len(cue):start]
                for p in same_cat:
                    gap = gap.replace(p, "")
                if FILLER.fullmatch(gap):
                    return True
            pos = window.rfind(cue, 0, pos)
    return False


def _resolved(norm: str, clause_start: int, end: int, patterns) -> bool:
    if not patterns:
        return False
    stop = _sentence_end(norm, end)
    seg = norm[clause_start:stop]
    return any(p.search(seg) for p in patterns)


def _quote(original: str, start: int, end: int) -> str:
    """The phrase with its clause (a short clause whole, else a little on each side), as it
    stands in ``original``."""
    cs, ce = _clause_bounds(original, start)
    if ce - cs <= 24:
        s, e = cs, ce
    else:
        s, e = max(cs, start - 8), min(ce, end + 8)
    quote = original[s:e].strip()
    return quote or original[start:end]


GAP = "…"   # in a phrase: up to six characters of the same clause ("推了…一把", "争吵…年")
_GAP_RE = "[^，。；！？,;!?\n\r、：:（）()\x00]{0,6}?"
_gap_cache: dict[str, re.Pattern] = {}


def _occurrences(masked: str, phrase: str):
    """(start, end) of each occurrence of ``phrase`` in ``masked``."""
    if GAP in phrase:
        rx = _gap_cache.get(phrase)
        if rx is None:
            rx = _gap_cache[phrase] = re.compile(_GAP_RE.join(re.escape(p) for p in phrase.split(GAP)))
        for m in rx.finditer(masked):
            yield m.start(), m.end()
        return
    pos = masked.find(phrase)
    while pos >= 0:
        yield pos, pos + len(phrase)
        pos = masked.find(phrase, pos + len(phrase))


@functools.lru_cache(maxsize=256)
def _masked(norm: str) -> str:
    """``norm`` with the words that look like a trigger but are not one blanked out."""
    return NOT_TRIGGER.sub(lambda m: "\x00" * len(m.group()), norm)


def find_signals(text: str, source: str, lex: Lexicon) -> list[Signal]:
    norm = normalize(text)
    masked = _masked(norm)
    by_cat = lex.by_cat
    found: dict[str, tuple[Signal, int]] = {}
    taken: dict[str, list[tuple[int, int]]] = {}
    # the triggers whose first character is in the text, in the lexicon's order
    candidates = sorted(i for c in set(masked) for i in lex.by_first.get(c, ()))
    for i in candidates:   # longest first: a longer phrase claims its span
        phrase, cat, level = lex.triggers[i]
        for pos, end in _occurrences(masked, phrase):
            ok = True
            if phrase.isascii() and phrase.isalnum():
                before = masked[pos - 1] if pos else " "
                after = masked[end] if end < len(masked) else " "
                ok = not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii())
            spans = taken.setdefault(cat, [])
            if ok and any(s <= pos and end <= e for s, e in spans):
                ok = False
            if ok:
                cs, _ce = _clause_bounds(norm, pos)
                spans.append((pos, end))
                if not (_negated(norm, pos, cs, by_cat.get(cat, []), lex.negations)
                        or _resolved(norm, cs, end, lex.resolutions.get(cat))):
                    old = found.get(cat)
                    # the strongest; of equal level, the first in the text
                    if old is None or RANK[level] > RANK[old[0].level] or \
                            (level == old[0].level and pos < old[1]):
                        found[cat] = (Signal(cat, lex.categories[cat][0], level, _quote(text, pos, end), source), pos)
    return [s for s, _pos in found.values()]


# a people count of 10 or more is a group sign when the same sentence tells of acting together
GROUP_ACTIONS = re.compile(r"到场|来到|赶到|赶来|带着|带了|带领|一起|一同|集体|对峙|讨要|讨薪|讨说法|讨钱|维权|聚集|围堵|围住|"
                           r"堵|拦|找到|冲进|冲到|闹|上访|拒交|拒缴|吵|涌|阻止|阻拦|阻挠|声援|前往|跑到|来了")


def _count_signal(text: str, lex: Lexicon, source: str) -> Signal | None:
    if "group" not in lex.categories:
        return None
    norm = normalize(text)
    best = None
    for n, start, end in numbers.people_mentions(norm):
        if n < GROUP_COUNT:
            continue
        s = start
        while s > 0 and norm[s - 1] not in SENTENCE_END:
            s -= 1
        e = _sentence_end(norm, end)
        if (n >= GROUP_ALONE or GROUP_ACTIONS.search(norm, s, e)) and (best is None or n > best[0]):
            best = (n, start, end)
    if best is None:
        return None
    n, start, end = best
    label, level = lex.categories["group"]
    return Signal("group", label, "red" if n >= GROUP_RED else level, _quote(text, start, end), source, n)


# an age of 60 or more, or of 14 or less, makes a party vulnerable ("84岁的许阿婆", "10岁的王某")
AGE_RE = re.compile(r"(?<![\d.年月日号第])(\d{1,3}|[一二三四五六七八九十]{1,3})(?:多|余)?(?:周)?岁")


def _age_signal(text: str, lex: Lexicon, source: str) -> Signal | None:
    if "vulnerable" not in lex.categories:
        return None
    norm = normalize(text)
    for m in AGE_RE.finditer(norm):
        age = int(m.group(1)) if m.group(1).isdigit() else numbers.cn_to_int(m.group(1))
        if age is not None and (60 <= age <= 120 or 0 < age <= 14):
            label, level = lex.categories["vulnerable"]
            return Signal("vulnerable", label, level, _quote(text, m.start(), m.end()), source)
    return None


# A dispute that has lasted years or been taken to others again and again (长期反复), read with
# its number: "十年来", "两年多来", "争了二十多年", "一争就是十余年", "僵持了四年", "四年讨要未果";
# "先后四次调解", "第五次调解", "调解了三次", "两次起诉". A calendar year ("2019年"), a time ago
# ("三年前"), one year, or the parties' own attempts ("三次协商") are not such a sign.
_N = r"(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3}|几十|十几|二十几|三十几|好几|几|数|多)"
_YEARS = rf"(?<![\d.年])(?:近|长达|整整|足足)?{_N}(?:多|余|来)?个?年(?:多|余)?"
_AGAIN = r"(?:调解|调处|协调|调停|劝导|劝解|上访|信访|投诉|报警|出警|起诉|诉讼|仲裁|反映|复议)"
# a duration of a life, a job or care ("多年来一直照顾母亲", "在外打工十多年来") is not a long-running
# dispute unless its sentence speaks of the dispute
LIFE_WORDS = re.compile(r"照顾|照料|伺候|打工|务工|工作|上班|生活|居住|住在|经营|种植|耕种|经商|供货|相处|交往|任职|服务|养育|抚养")
DISPUTE_WORDS = re.compile(r"纠纷|矛盾|争|吵|闹|骂|打架|打人|动手|上访|信访|投诉|反映|讨|催|要求|拒|不给|不还|未还|没还|拖欠|欠|调解|调处|协调|"
                           r"官司|诉|仲裁|积怨|不和|不睦|来往|往来|说话|僵|扯皮|对峙|纠缠|解决|未果|无果|赔")
CHRONIC_RE = [
    re.compile(_YEARS + r"(?:来|之久|有余|未果|无果|未决|未解决|没解决|没有解决|没能解决|未能解决|悬而未决|都没|也没|仍未|"
                        r"还没|一直|始终|官司|不说话|没说过话|不来往|不往来|没有来往|讨要未果|讨要无果|追讨无果|未还|没还)"),
    re.compile(r"(?:长达|持续|连续|历时|延续|前后|已有|已经|拖了|拖延了?|争了|吵了|闹了|讨了|讨要了|追讨了|告了|僵持了?|纠缠了?|"
               r"对峙了?|上访了?|扯皮|不和|不睦|一争就是|一拖就是|一闹就是|一吵就是|一告就是)(?:了|近|整整|足足|长达)?"
               + _YEARS.replace("(?<![\\d.年])", "")),
    re.compile(rf"(?<![第这此本首上下每])(?P<c>\d{{1,2}}|[两二三四五六七八九十几数多]{{1,2}})次[^，。；！？,;!?\n]{{0,8}}?{_AGAIN}"),
    re.compile(rf"第(?P<c>\d{{1,2}}|[二三四五六七八九十]{{1,2}})次[^，。；！？,;!?\n]{{0,4}}?{_AGAIN}"),
    re.compile(rf"{_AGAIN}(?:了|过)?(?P<c>\d{{1,2}}|[两二三四五六七八九十几数多好]{{1,2}})(?:次|回)"),
]


def _at_least_two(word: str | None) -> bool:
    if not word:
        return True
    if word in ("几", "数", "多", "好", "好几", "几十", "十几", "二十几", "三十几"):
        return True
    n = int(word) if word.isdigit() else numbers.cn_to_int(word)
    return n is not None and n >= 2


def _chronic_signal(text: str, lex: Lexicon, source: str) -> Signal | None:
    if "chronic" not in lex.categories:
        return None
    norm = normalize(text)
    masked = _masked(norm)
    for i, rx in enumerate(CHRONIC_RE):
        for m in rx.finditer(masked):
            if i < 2:   # a duration of a life or a job, in a sentence not about the dispute
                start, end = _clause_bounds(norm, m.start())
                if LIFE_WORDS.search(norm, start, end):
                    start = m.start()
                    while start > 0 and norm[start - 1] not in SENTENCE_END:
                        start -= 1
                    if not DISPUTE_WORDS.search(norm, start, _sentence_end(norm, m.end())):
                        continue
            groups = m.groupdict()
            if not _at_least_two(groups.get("n") if "n" in groups else groups.get("c")):
                continue
            cs, _ce = _clause_bounds(norm, m.start())
            if _negated(norm, m.start(), cs, [], lex.negations) or \
                    _resolved(norm, cs, m.end(), lex.resolutions.get("chronic")):
                continue
            label, level = lex.categories["chronic"]
            return Signal("chronic", label, level, _quote(text, m.start(), m.end()), source)
    return None


def _with_count(sig: Signal, text: str) -> Signal:
    """A group signal with the largest people count of its text ("上千名村民聚集" → 1000)."""
    counts = [n for n, _s, _e in numbers.people_mentions(text)]
    if not counts:
        return sig
    n = max(counts)
    level = "red" if n >= GROUP_RED else sig.level
    return Signal(sig.category, sig.label, max(level, sig.level, key=RANK.get), sig.evidence, sig.source, n)


# --- the analysis --------------------------------------------------------------------------

def _clean_texts(texts) -> dict[str, str]:
    out = {}
    if not isinstance(texts, dict):
        texts = {"facts": texts}
    for key, value in texts.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = "\n".join(str(v) for v in value if v)
        value = str(value)[:MAX_CHARS]
        if value.strip():
            out[str(key)] = value
    return out


def analyze(texts: dict[str, str]) -> Analysis:
    try:
        return _analyze(texts)
    except Exception:  # never fail a registration or a batch on odd text
        log.exception("intake analysis failed")
        return Analysis()


def analyze_many(items: list[dict[str, str]]) -> list[Analysis]:
    """``analyze`` over many inputs, the type model run once per batch (the batch command)."""
    from tiaojie.intake import classifier

    out = [analyze_text_only(t) for t in items]
    try:
        suggestions = classifier.suggest_many([normalize(_type_text(_clean_texts(t))) for t in items])
    except Exception:
        log.exception("intake type model failed")
        return out
    for a, s in zip(out, suggestions, strict=True):
        a.types = [TypeSuggestion(c, n, sc) for c, n, sc in s]
    return out


def analyze_text_only(texts) -> Analysis:
    """Signals, people and amount without the type model."""
    try:
        return _analyze(texts, types=False)
    except Exception:
        log.exception("intake analysis failed")
        return Analysis()


def _type_text(texts: dict[str, str]) -> str:
    ordered = [texts[k] for k in ("facts", "claims") if k in texts]
    return " ".join(ordered) or " ".join(texts.values())


MEMO_SIZE = 256   # analyses kept per lexicon (``Lexicon.memo``); emptied when full


def _analyze(texts, types: bool = True) -> Analysis:
    texts = _clean_texts(texts)
    if not texts:
        return Analysis()
    lex = lexicon()
    key = tuple(sorted(texts.items()))
    part = lex.memo.get(key)
    if part is None:
        part = _read_texts(texts, lex)
        if len(lex.memo) >= MEMO_SIZE:
            lex.memo.clear()
        lex.memo[key] = part
    signals, people, amount, level = part
    suggestions = suggest_types(_type_text(texts)) if types else []
    return Analysis(types=suggestions, signals=list(signals), people_count=people, amount_yuan=amount, level=level)


def _read_texts(texts: dict[str, str], lex: Lexicon) -> tuple:
    """(signals, people count, amount, level) of the cleaned ``texts``: everything but the types."""
    ordered = sorted(texts.items(), key=lambda kv: (KEYS.index(kv[0]) if kv[0] in KEYS else len(KEYS), kv[0]))
    strongest: dict[str, Signal] = {}
    people = amount = None
    for key, text in ordered:
        sigs = [_with_count(s, text) if s.category == "group" else s for s in find_signals(text, key, lex)]
        if not any(s.category == "group" for s in sigs):
            cs = _count_signal(text, lex, key)
            if cs is not None:
                sigs.append(cs)
        if not any(s.category == "chronic" for s in sigs):
            chronic = _chronic_signal(text, lex, key)
            if chronic is not None:
                sigs.append(chronic)
        if not any(s.category == "vulnerable" for s in sigs):
            age = _age_signal(text, lex, key)
            if age is not None:
                sigs.append(age)
        for s in sigs:
            old = strongest.get(s.category)
            if old is None or RANK[s.level] > RANK[old.level]:
                strongest[s.category] = s
        p = numbers.people_count(text)
        if p is not None and (people is None or p > people):
            people = p
        a = numbers.amount(text)
        if a is not None and (amount is None or a > amount):
            amount = a
    order = list(CATEGORIES)
    signals = sorted(strongest.values(), key=lambda s: (-RANK[s.level], order.index(s.category)
                                                        if s.category in order else 99))
    level = signals[0].level if signals else "none"
    return tuple(signals), people, amount, level


def suggest_types(text: str) -> list[TypeSuggestion]:
    from tiaojie.intake import classifier

    try:
        return [TypeSuggestion(code, name, score) for code, name, score in classifier.suggest(normalize(text))]
    except Exception:  # the signals and numbers stand without the model
        log.exception("intake type model failed")
        return []



def with_people_signal(a: Analysis, people: int) -> Analysis:
    """``a`` with a group sign for a people count given in a form field (not read from the text)."""
    lex = lexicon()
    if "group" not in lex.categories or people < GROUP_COUNT:
        return a
    label, level = lex.categories["group"]
    sig = Signal("group", label, "red" if people >= GROUP_RED else level, f"涉及{people}人", "people_count", people)
    signals = sorted([*a.signals, sig], key=lambda s: -RANK[s.level])
    return Analysis(a.types, signals, a.people_count, a.amount_yuan, signals[0].level)
