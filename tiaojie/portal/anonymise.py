"""Automatic anonymisation of a typical case's texts (a pure function, no database).

``anonymise(text, known=Known(...))`` returns the text with
* the names of the case's people (parties, agents, legal representatives, mediators — known from
  the record, replaced reliably, longest first) turned into surname + 某 (张某, 李某某), keeping the
  surname (compound surnames too); different people who would read alike get 甲/乙/丙;
* other people's names found in the text (a common surname after a word that introduces a
  person — 邻居、村民、儿子、调解员… — or before ，男/，女) masked the same way;
* the names of private organizations (known parties, and names ending in 公司/厂/商店/超市/饭店…)
  turned into 某公司/某厂…; unified social credit codes removed;
* identity card numbers (18 and 15 digits), bank card numbers, mobile and landline phone numbers
  (with +86, spaces or hyphens), licence plates and exact addresses (门牌号, 小区楼栋单元室, and the
  known addresses of the parties and the place) removed;
* amounts of money, dates and everything else kept.

It is a first pass: staff read and edit the result by hand before it is submitted for review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
                     "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "呼延", "澹台")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Words after which a person's name usually follows in a record.
PERSON_INTRO = ("邻居", "村民", "居民", "业主", "租户", "房东", "同事", "朋友", "亲戚", "儿子", "女儿", "之子", "之女",
                "长子", "次子", "长女", "次女", "妻子", "丈夫", "其妻", "其夫", "前妻", "前夫", "父亲", "母亲", "哥哥",
                "弟弟", "姐姐", "妹妹", "侄子", "外甥", "孙子", "岳父", "岳母", "公公", "婆婆", "女婿", "儿媳",
                "调解员", "人民调解员", "证人", "当事人", "申请人", "被申请人", "第三人", "代理人", "负责人",
                "法定代表人", "委员", "主任", "书记", "组长", "网格员", "律师", "老板", "工友", "工人", "司机",
                "包工头", "员工", "雇主", "承包人", "出租人", "承租人", "买方", "卖方", "村干部", "民警", "医生")
# Characters that end a name (a following verb, particle or conjunction).
_STOP = "某与和及同跟向对把被将给为因由在于从自到的地得了着过是有无不也都就又还已曾再才称说讲讲道要求请诉认觉想知看听问答找打骂欠借付还拿去来回到等、，。；：！？（）()《》“”‘’\"' \n\t"
_NAME_CHAR = rf"(?:[\u4e00-\u9fff](?<![{re.escape(_STOP)}]))"
_SURNAME_RE = "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"

MASK_ID = "（身份证号码略）"
MASK_CREDIT = "（统一社会信用代码略）"
MASK_BANK = "（账号略）"
MASK_PHONE = "（电话略）"
MASK_ADDRESS = "（地址略）"
MASK_DOOR = "（门牌号略）"

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"
                    r"|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])")
_CREDIT_RE = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])")
_BANK_RE = re.compile(r"(?<![\d.])(?:\d[ -]?){15,18}\d(?![\d.])")
_SEP = r"[ \-－—.]?"
_MOBILE_RE = re.compile(rf"(?<![\d.])(?:(?:\+|00)?86[ \-]?)?1[3-9]\d{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
                        r"(?![\d.元万亿])")
_LANDLINE_RE = re.compile(r"(?<![\d.])(?:[(（]0\d{2,3}[)）]|0\d{2,3})[ \-－—]?[2-9]\d{2,3}[ \-－—]?\d{4}"
                          r"(?:(?:转|-|－|ext\.?)\d{1,5})?(?![\d.元万亿])")
_LOCAL_RE = re.compile(r"(?<=电话)[:：]?\s*[2-9]\d{6,7}(?![\d元万亿])")
_PLATE_RE = re.compile(r"(?<![A-Za-z0-9])([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])\s?([A-HJ-NP-Z])"
                       r"\s?[·•.\-]?\s?[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])")
_NUM = r"(?:[0-9０-９]+(?:[-－][0-9０-９]+)*|[一二三四五六七八九十百零]+)"
_UNIT = r"(?:号楼|号院|栋|幢|座|单元|楼|层|室|户|号|组|排)"
_DOORS = rf"(?:\s*{_NUM}\s*{_UNIT})+"
_PLACE = r"(?:大街|大道|路|街|巷|弄|胡同|里|村|屯|庄|社区|小区|花园|公寓|家园|新村|新城|苑|园|府|城|大厦|广场|公馆|院)"
_ADDRESS_RE = re.compile(rf"({_PLACE}){_DOORS}")
_ROOM_RE = re.compile(rf"{_NUM}\s*(?:号楼|栋|幢|单元){_DOORS}?|{_NUM}\s*(?:号楼|栋|幢)|[0-9]{{3,4}}\s*室")
_ORG_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "分公司", "公司", "合作社", "商店", "超市", "饭店", "酒店",
                 "餐馆", "餐厅", "门市部", "经营部", "工作室", "厂", "店", "场", "行", "物业", "商行", "车行", "药房", "诊所")
_ORG_RE = re.compile(r"(?<![某])[\u4e00-\u9fff（）()A-Za-z0-9]{2,16}?(?P<suffix>股份有限公司|有限责任公司|有限公司|分公司|公司|合作社|"
                     r"商店|超市|饭店|酒店|餐馆|餐厅|门市部|经营部|工作室|商行|药房|诊所|物业服务中心|加工厂|建材厂|砖厂|厂)")
_ORG_STOP = set("与和及同跟向对把被将给为因由在于从自到的是与、，。；：！？ 该其原被该此这那某")


@dataclass
class Known:
    """What the record tells about the case: people's names, private organizations' names, and
    exact addresses (each replaced wherever it occurs)."""

    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


def surname_of(name: str) -> str:
    name = name.strip()
    for s in COMPOUND_SURNAMES:
        if name.startswith(s) and len(name) > len(s):
            return s
    return name[:1]


def mask_name(name: str) -> str:
    """张三 → 张某, 李小明 → 李某某, 欧阳娜娜 → 欧阳某某 (at most two 某)."""
    name = name.strip()
    if not name:
        return name
    if not re.fullmatch(r"[\u4e00-\u9fff·]+", name):  # a foreign or romanised name: initials only
        return "某某"
    surname = surname_of(name)
    given = max(len(name) - len(surname), 1)
    return surname + "某" * min(given, 2)


def mask_org(name: str) -> str:
    for suffix in _ORG_SUFFIXES:
        if name.endswith(suffix):
            return "某" + ("公司" if suffix.endswith("公司") else suffix)
    return "某单位"


def _people_masks(people) -> dict[str, str]:
    names = sorted({p.strip() for p in people if p and len(p.strip()) >= 2}, key=len, reverse=True)
    masks = {n: mask_name(n) for n in names}
    by_mask: dict[str, list[str]] = {}
    for n in sorted(names):
        by_mask.setdefault(masks[n], []).append(n)
    for mask, group in by_mask.items():
        if len(group) > 1:
            for i, n in enumerate(group):
                masks[n] = mask + "甲乙丙丁戊己庚辛壬癸"[i % 10]
    return masks


def _replace_literal(text: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def _mask_plate(m: re.Match) -> str:
    return f"{m.group(1)}{m.group(2)}×××××"


def _mask_org_match(m: re.Match) -> str:
    found = m.group(0)
    # cut the name where a function word ends the sentence before it (…与宏达建材有限公司)
    start = 0
    for i, ch in enumerate(found[:-len(m.group("suffix"))]):
        if ch in _ORG_STOP:
            start = i + 1
    head, name = found[:start], found[start:]
    if len(name) < 3 or name.startswith("某"):
        return found
    return head + mask_org(name)


_INTRO_RE = re.compile("(" + "|".join(sorted(PERSON_INTRO, key=len, reverse=True)) + ")"
                       + rf"({_SURNAME_RE}{_NAME_CHAR}{{1,2}})")
_GENDER_RE = re.compile(rf"(?<![\u4e00-\u9fff])({_SURNAME_RE}{_NAME_CHAR}{{1,2}})(?=[，,]\s*[男女][，,。；])")


def anonymise(text: str, known: Known | None = None) -> str:
    """The text with the people, private organizations, identifiers, phones, plates and exact
    addresses of the case masked (see the module doc); amounts are kept."""
    if not text:
        return ""
    known = known or Known()
    out = text
    out = _replace_literal(out, {a.strip(): MASK_ADDRESS for a in known.addresses if a and len(a.strip()) >= 4})
    out = _ID_RE.sub(MASK_ID, out)
    out = _CREDIT_RE.sub(MASK_CREDIT, out)
    out = _MOBILE_RE.sub(MASK_PHONE, out)
    out = _LANDLINE_RE.sub(MASK_PHONE, out)
    out = _LOCAL_RE.sub(MASK_PHONE, out)
    out = _BANK_RE.sub(MASK_BANK, out)
    out = _PLATE_RE.sub(_mask_plate, out)
    out = _ADDRESS_RE.sub(lambda m: m.group(1) + MASK_DOOR, out)
    out = _ROOM_RE.sub(MASK_DOOR, out)
    out = _replace_literal(out, {o.strip(): mask_org(o.strip()) for o in known.organizations
                                 if o and len(o.strip()) >= 2})
    out = _ORG_RE.sub(_mask_org_match, out)
    masks = _people_masks(known.people)
    out = _replace_literal(out, masks)
    # a known person called by the given name alone (大海 for 刘大海), when it is two characters
    given = {}
    for name, mask in masks.items():
        rest = name[len(surname_of(name)):]
        if len(rest) >= 2 and rest not in given and not any(rest in other for other in masks.values()):
            given[rest] = mask
    out = _replace_literal(out, given)
    out = _INTRO_RE.sub(lambda m: m.group(1) + mask_name(m.group(2)), out)
    out = _GENDER_RE.sub(lambda m: mask_name(m.group(1)), out)
    return _tidy(out)


_LEAD_IN = [(re.compile(r"(?:联系)?(?:电话|手机号码|手机号|手机|座机)[:：为是]?\s*" + re.escape(MASK_PHONE)), MASK_PHONE),
            (re.compile(r"(?:公民)?身份证(?:号码|号)?[:：为是]?\s*" + re.escape(MASK_ID)), MASK_ID),
            (re.compile(r"(?:银行)?(?:账号|卡号)[:：为是]?\s*" + re.escape(MASK_BANK)), MASK_BANK)]


def _tidy(text: str) -> str:
    """"电话（电话略）" reads "（电话略）", and "（（电话略））" one pair of brackets."""
    for rx, mask in _LEAD_IN:
        text = rx.sub(mask, text)
        text = text.replace(f"（{mask}）", mask)
    return text


def leftovers(text: str, known: Known) -> list[str]:
    """What of ``known`` and of the identifier patterns is still in ``text`` (for the edit form's
    warning before submitting)."""
    found = [p for p in known.people if p and len(p) >= 2 and p in text]
    found += [o for o in known.organizations if o and len(o) >= 2 and o in text]
    found += [a for a in known.addresses if a and len(a) >= 4 and a in text]
    for rx in (_ID_RE, _MOBILE_RE, _LANDLINE_RE, _BANK_RE):
        found += [m.group(0) for m in rx.finditer(text)]
    return found
