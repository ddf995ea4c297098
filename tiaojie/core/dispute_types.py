"""The coded dispute-type list (DOMAIN.md §3): the one place it is written.

``cases/migrations/0002_dispute_types.py`` seeds ``cases.DisputeType`` from it (admin-editable
afterwards: names and order, not codes); the text analysis (``intake``) suggests these codes; the
corpus is labelled with them. Codes are permanent identifiers: a change to this list (a new code,
a new name) needs a new data migration in ``cases`` that applies it to databases already migrated.
"""
TYPES = [
    ("01", "婚姻家庭", [("0101", "赡养"), ("0102", "抚养"), ("0103", "继承"), ("0104", "婚恋")]),
    ("02", "邻里", []),
    ("03", "房屋宅基地", []),
    ("04", "合同", [("0401", "民间借贷/债务")]),
    ("05", "生产经营", []),
    ("06", "损害赔偿", []),
    ("07", "山林土地", []),
    ("08", "征地拆迁", []),
    ("09", "环境污染", []),
    ("10", "劳动争议", [("1001", "拖欠农民工工资"), ("1002", "工伤")]),
    ("11", "旅游", []),
    ("12", "消费", []),
    ("13", "医疗", []),
    ("14", "道路交通事故", []),
    ("15", "物业管理", []),
    ("16", "知识产权", []),
    ("17", "互联网", []),
    ("99", "其他", []),
]
NAMES = {code: name for code, name, subs in TYPES for code, name in [(code, name), *subs]}
PARENT = {sub: code for code, _name, subs in TYPES for sub, _ in subs}
TOP = [code for code, _n, _s in TYPES]


def top(code: str) -> str:
    """The top-level code of ``code`` (a sub-code's parent; a top-level code itself)."""
    return PARENT.get(code, code)
