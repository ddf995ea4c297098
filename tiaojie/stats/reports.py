"""The official report table (统计报表, DOMAIN.md §4): layout on screen and as a paper-form
.xlsx. Values come from ``figures`` (``Figures.get``); nothing is computed here."""
import io

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
    """The report as a paper-form workbook: title, two merged header rows, body, totals row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "统计报表"
    ncol = 1 + len(KEYS)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1, title).font = Font(size=16, bold=True)
    ws.cell(1, 1).alignment = center
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws.cell(2, 1, subtitle).alignment = center

    def header(r):
        ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
        ws.cell(r, 1, "单位")
        col = 2
        for group, cols in COLUMNS:
            if len(cols) == 1:
                ws.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
                ws.cell(r, col, cols[0][1])
            else:
                ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + len(cols) - 1)
                ws.cell(r, col, group)
                for i, (_, name) in enumerate(cols):
                    ws.cell(r + 1, col + i, name)
            col += len(cols)
        for rr in (r, r + 1):
            for c in range(1, ncol + 1):
                cell = ws.cell(rr, c)
                cell.alignment, cell.border, cell.font = center, box, Font(bold=True)

    def body(r, rows, bold_last=False):
        for i, row in enumerate(rows):
            ws.cell(r, 1, row["label"])
            for j, k in enumerate(KEYS):
                v = row["values"][k]
                if k in RATE_KEYS:
                    cell = ws.cell(r, 2 + j, None if v is None else round(v, 4))
                    cell.number_format = "0.00%"
                elif k.startswith("amount"):
                    cell = ws.cell(r, 2 + j, float(v))
                    cell.number_format = "#,##0.00"
                else:
                    ws.cell(r, 2 + j, v)
            for c in range(1, ncol + 1):
                ws.cell(r, c).border = box
                if bold_last and i == len(rows) - 1:
                    ws.cell(r, c).font = Font(bold=True)
            r += 1
        return r

    header(4)
    r = body(6, tab["rows"] + [tab["total"]], bold_last=True)
    for caption, rows in (("按调委会类别", tab["by_kind"]), ("按纠纷类型", tab["by_type"])):
        r += 1
        ws.cell(r, 1, caption).font = Font(bold=True)
        r += 1
        header(r)
        r = body(r + 2, rows)
    ws.column_dimensions["A"].width = 34
    for c in range(2, ncol + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11
    ws.freeze_panes = "B6"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def simple_xlsx(sheet: str, headers: list[str], rows: list[list]) -> bytes:
    """Any other table shown on a statistics page (rankings, assessment, aggregate lists)."""
    from tiaojie.core.xlsx import sheet_bytes

    return sheet_bytes(sheet, headers, rows)
