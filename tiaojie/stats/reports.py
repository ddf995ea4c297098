"""The official report table (统计报表, DOMAIN.md §4): layout on screen and as a paper-form
.xlsx. Values come from ``figures`` (``Figures.get``); nothing is computed here."""
from tiaojie.core import xlsx
from tiaojie.orgs.models import Organization
from tiaojie.stats import figures

# (group header, [(figure key, column header)]) — a group with one column spans two header rows.
COLUMNS = [
    ("排查", [("rounds", "排查次数"), ("found", "排查发现纠纷"), ("prevented", "预防纠纷")]),
    ("受理", [("accepted_all", "合计"), ("acc_initiative", "主动调解"), ("acc_application", "申请调解"),
             ("acc_referred", "接受委托移送调解"), ("agg_accepted", "其中汇总上报")]),
    ("调解成功", [("succeeded_all", "件数"), ("success_rate", "成功率")]),
    ("协议", [("amount_wan", "涉及金额（万元）"), ("oral", "口头协议"), ("written", "书面协议"),
             ("performed", "履行"), ("confirmed", "司法确认")]),
    ("防止民间纠纷引起自杀", [("prev_suicide", "件"), ("prev_suicide_p", "人")]),
    ("防止民间纠纷转化为刑事案件", [("prev_criminal", "件"), ("prev_criminal_p", "人")]),
    ("防止群体性上访", [("prev_petition", "件"), ("prev_petition_p", "人")]),
    ("防止群体性械斗", [("prev_fight", "件"), ("prev_fight_p", "人")]),
]
KEYS = [k for _, cols in COLUMNS for k, _ in cols]
RATE_KEYS = {"success_rate", "entry_rate"}
LINKED = {"rounds", "found", "prevented", "acc_initiative", "acc_application", "acc_referred", "oral", "written",
          "performed", "confirmed", "agg_accepted", *figures.PREVENTION_MEASURES}
# Figures whose drill-down is the individually recorded part of the number shown (the 汇总上报
# part has its own column and link, to the monthly reports).
LINK_AS = {"accepted_all": "accepted", "succeeded_all": "succeeded", "amount_wan": "amount"}


def fmt(key, value):
    if key in RATE_KEYS:
        return "—" if value is None else f"{value:.2%}"
    if key.startswith("amount"):
        return f"{value:,.2f}"
    return f"{value:,}"


def table(fig: figures.Figures, *, links: bool = True) -> dict:
    """Rows: one per organization one level down (with 本级 for the node's own records), then 合计."""
    node, period = fig.node, fig.period
    children = fig.facet("child")
    names = dict(Organization.objects.filter(pk__in=[int(k) for k in children if k.isdigit()])
                 .values_list("id", "name"))
    rows = []
    for key in sorted(children, key=lambda k: (k == str(node.pk), names.get(int(k), ""))):
        label = f"{node.name}（本级）" if key == str(node.pk) else names.get(int(key), key)
        rows.append(_row(label, children[key], node, period, "child", key, links))
    total = _row("合计", fig.total, node, period, "total", "", links)
    kinds = fig.facet("kind")
    by_kind = [_row(k, kinds[k], node, period, "kind", k, links) for k in figures.KIND_GROUPS if k in kinds]
    types = fig.facet("type")
    tnames = figures.type_names()
    by_type = [_row(f"{tnames.get(k, '汇总上报（未分类型）')}", types[k], node, period, "type", k, links) for k in sorted(types)]
    return {"columns": COLUMNS, "rows": rows, "total": total, "by_kind": by_kind, "by_type": by_type}


def _row(label, values, node, period, facet, key, links):
    cells = []
    for k in KEYS:
        url = None
        if links and (k in LINKED or k in LINK_AS):
            url = figures.drill_url(LINK_AS.get(k, k), node, period, facet, key)
        cells.append({"key": k, "value": values[k], "text": fmt(k, values[k]), "url": url})
    return {"label": label, "cells": cells, "values": values}


def to_xlsx(title: str, subtitle: str, tab: dict) -> bytes:
    """The report as a paper-form workbook: title, two merged header rows, body, totals row
    (through the one formula-safe writer: an organization's name is always text)."""
    book = xlsx.Book()
    sh = book.sheet("统计报表")
    last_col = len(KEYS)
    sh.merge(0, 0, 0, last_col, title, "title")
    sh.merge(1, 0, 1, last_col, subtitle, "subtitle")

    def header(r):
        sh.merge(r, 0, r + 1, 0, "单位")
        col = 1
        for group, cols in COLUMNS:
            if len(cols) == 1:
                sh.merge(r, col, r + 1, col, cols[0][1])
            else:
                sh.merge(r, col, r, col + len(cols) - 1, group)
                for i, (_, name) in enumerate(cols):
                    sh.write(r + 1, col + i, name, "head")
            col += len(cols)

    def body(r, rows, bold_last=False):
        for i, row in enumerate(rows):
            bold = "_bold" if bold_last and i == len(rows) - 1 else ""
            sh.write(r, 0, row["label"], "cell" + bold)
            for j, k in enumerate(KEYS):
                v = row["values"][k]
                if k in RATE_KEYS:
                    sh.write(r, 1 + j, None if v is None else round(v, 4), "percent" + bold)
                elif k.startswith("amount"):
                    sh.write(r, 1 + j, float(v), "amount" + bold)
                else:
                    sh.write(r, 1 + j, v, "cell" + bold)
            r += 1
        return r

    header(3)
    r = body(5, tab["rows"] + [tab["total"]], bold_last=True)
    for caption, rows in (("按调委会类别", tab["by_kind"]), ("按纠纷类型", tab["by_type"])):
        r += 1
        sh.write(r, 0, caption, "bold")
        r += 1
        header(r)
        r = body(r + 2, rows)
    sh.widths([34] + [11] * len(KEYS))
    sh.freeze(5, 1)
    return book.bytes()


def simple_xlsx(sheet: str, headers: list[str], rows: list[list]) -> bytes:
    """Any other table shown on a statistics page (rankings, assessment, aggregate lists)."""
    return xlsx.sheet_bytes(sheet, headers, rows)
