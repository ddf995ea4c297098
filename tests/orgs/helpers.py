"""Build .xlsx files in memory for the import tests."""
import io

from openpyxl import Workbook

from tiaojie.orgs.importer import MEDIATOR_COLUMNS, ORG_COLUMNS

ORG_HEADERS = [c.header for c in ORG_COLUMNS]
MEDIATOR_HEADERS = [c.header for c in MEDIATOR_COLUMNS]


def xlsx(rows, headers) -> bytes:
    """Rows are dicts keyed by header (missing keys = empty cells) or plain lists."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers] if isinstance(row, dict) else list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def org_row(**over) -> dict:
    row = {"名称": "光明社区人民调解委员会", "简称": "光明社区", "组织类型": "村（社区）人民调解委员会",
           "区划代码": "410403001002", "上级单位": "东安路街道人民调解委员会",
           "联系人": "刘明", "联系电话": "13912345678", "地址": "卫东区光明路1号"}
    row.update(over)
    return row


def mediator_row(**over) -> dict:
    from tiaojie.testing import make_id

    row = {"姓名": "周建华", "身份证号": make_id(birth="19700305", seq="011"), "联系电话": "13912340000",
           "专职/兼职": "专职", "聘用方式": "政府购买服务", "所属调委会": "东安社区人民调解委员会",
           "职务": "调解员", "状态": "在岗", "入职日期": "2020-03-01"}
    row.update(over)
    return row


def org_file(*rows) -> bytes:
    return xlsx(rows, ORG_HEADERS)


def mediator_file(*rows) -> bytes:
    return xlsx(rows, MEDIATOR_HEADERS)


def problems(report) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in report.errors]
