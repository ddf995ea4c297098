"""Import of mediation organizations (调解组织) and mediators (调解员) from .xlsx.

Contract (DESIGN.md "Nothing lost"): every row is validated first; if any row is bad,
nothing is saved and the report lists each problem with its Excel row number, column and a
Chinese reason. Otherwise all rows are saved in one transaction.

The functions take the acting user (``None`` = the command-line operator, whole city) and
are shared by the web page (``orgs:import``) and the ``import_orgs`` / ``import_mediators``
management commands.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tiaojie.core import permissions, xlsx
from tiaojie.core.identifiers import check_id_number, id_gender
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Mediator, Organization, OrgKind, Region
from tiaojie.security import uploads

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
PROGRESS_EVERY = 200
# progress(stage, done, total): reported by the importers; may raise to stop (the background task's
# time limit), which leaves nothing saved.
Progress = Callable[[str, int, int], None]


def _tick(progress: Progress | None, stage: str, done: int, total: int, force: bool = False) -> None:
    if progress is not None and (force or done % PROGRESS_EVERY == 0):
        progress(stage, done, total)

LIST_SEPARATORS = re.compile(r"[、;；,，\n]+")
NOT_IMPORTABLE_KINDS = {OrgKind.CITY_BUREAU}
FULL_TIME_LABELS = {"专职": True, "兼职": False}
PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8}")


def check_phone(value: str) -> str:
    """A mainland mobile number (11 digits, 13–19…) or a landline (区号-号码[-分机]), spaces removed."""
    v = re.sub(r"[\s（）()]", "", str(value or "")).replace("－", "-")
    if not PHONE_RE.fullmatch(v):
        raise ValidationError("电话号码格式不正确：手机号应为11位（以13–19开头），座机如 0375-1234567")
    return v


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(n // 1024, 1)} KB"


def can_import(user) -> bool:
    """City administrators, county center staff and superusers may import."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return permissions.allowed(user, "orgs.import")


# ---------------------------------------------------------------------------------------
# Report


@dataclass
class Problem:
    row: int | None  # Excel row number; None for a problem with the whole file
    column: str
    message: str

    def __str__(self):
        where = f"第{self.row}行" if self.row else "文件"
        col = f"【{self.column}】" if self.column else ""
        return f"{where}{col}：{self.message}"


@dataclass
class ImportReport:
    what: str  # "调解组织" or "调解员"
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    summary: list[tuple[str, int]] = field(default_factory=list)
    saved: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row, column, message):
        self.errors.append(Problem(row, column, message))

    def warn(self, row, column, message):
        self.warnings.append(Problem(row, column, message))

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.errors if p.row})

    def headline(self) -> str:
        if self.errors:
            return (f"{self.what}导入失败：共 {self.rows} 行数据，{self.bad_rows} 行有错误，"
                    f"共 {len(self.errors)} 处问题；未保存任何数据，请修改后重新上传。")
        if self.dry_run:
            return f"{self.what}校验通过：共 {self.rows} 行数据均无错误（仅校验，未保存）。"
        return f"{self.what}导入成功：新增 {self.created} 条。"

    def as_text(self) -> str:
        lines = [self.headline()]
        lines += [f"  {label}：{n}" for label, n in self.summary]
        lines += [f"  错误 {p}" for p in self.errors]
        lines += [f"  提示 {p}" for p in self.warnings]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Columns and templates


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    note: str = ""
    choices: tuple[str, ...] = ()
    width: int = 16
    text: bool = False  # force text cell format (ID numbers, codes, phones)


KIND_LABELS = tuple(label for value, label in OrgKind.choices if value not in NOT_IMPORTABLE_KINDS)
EMPLOYMENT_LABELS = tuple(label for _, label in Mediator.Employment.choices)
STATUS_LABELS = tuple(label for _, label in Mediator.Status.choices)

ORG_COLUMNS = (
    Column("名称", "name", True, "调解组织全称，同一区划内不可重名", width=36),
    Column("简称", "abbr", True, "用于案号，如“卫东东安”，不超过20字", width=14),
    Column("组织类型", "kind", True, "从下拉列表选择", KIND_LABELS, width=30),
    Column("行业/专业领域", "trade", False, "行业性专业性调解委员会必填，如 道路交通、医疗纠纷", width=16),
    Column("区划代码", "region", True, "统计用区划代码：县6位、乡镇9位、村12位", width=16, text=True),
    Column("上级单位", "parent", True, "上级（指导）单位全称，须已存在或在本文件中，且在您的管辖范围内", width=36),
    Column("联系人", "contact_name", width=12),
    Column("联系电话", "contact_phone", False, "手机11位或座机如 0375-1234567", width=16, text=True),
    Column("地址", "address", width=30),
)

MEDIATOR_COLUMNS = (
    Column("姓名", "name", True, width=12),
    Column("性别", "gender", False, "男/女；填写身份证号时可留空", ("男", "女"), width=8),
    Column("身份证号", "id_number", False, "18位居民身份证号，请以文本格式填写", width=22, text=True),
    Column("联系电话", "phone", False, "手机11位或座机如 0375-1234567", width=16, text=True),
    Column("专职/兼职", "full_time", True, "专职 或 兼职", tuple(FULL_TIME_LABELS), width=10),
    Column("聘用方式", "employment", True, "从下拉列表选择", EMPLOYMENT_LABELS, width=14),
    Column("所属调委会", "organization", True, "调解组织全称，须在您的管辖范围内", width=36),
    Column("兼任调委会", "committees", False, "多个用“、”或“;”分隔", width=36),
    Column("职务", "title", False, "主任、副主任、委员、调解员", width=10),
    Column("资质/专长", "qualifications", width=20),
    Column("状态", "status", False, "在岗/离岗，留空为在岗", STATUS_LABELS, width=8),
    Column("入职日期", "joined_on", False, "如 2020-03-01", width=12),
)

KINDS = {
    "orgs": ("调解组织", ORG_COLUMNS),
    "mediators": ("调解员", MEDIATOR_COLUMNS),
}


def template_workbook(kind: str) -> bytes:
    """The blank import template for ``kind`` ("orgs" or "mediators") as .xlsx bytes (core.xlsx)."""
    from openpyxl.utils import get_column_letter

    what, columns = KINDS[kind]
    book = xlsx.Book()
    ws = book.sheet(what)
    help_ws = book.sheet("填写说明")
    lists_ws = book.sheet("选项")
    lists_ws.hide()
    ws.widths([c.width for c in columns])
    for i, col in enumerate(columns):
        ws.write(0, i, col.header, "required_header" if col.required else "bold")
        if col.note:
            ws.comment(0, i, ("必填。" if col.required else "") + col.note)
        if col.text:
            ws.text_column(i, 1, 1000, width=col.width)
        if col.choices:
            for j, choice in enumerate(col.choices):
                lists_ws.write(j, i, choice)
            letter = get_column_letter(i + 1)
            ws.choices(i, 1, 4999, f"选项!${letter}$1:${letter}${len(col.choices)}", allow_blank=not col.required)
    ws.freeze(1, 0)

    help_ws.append(["列名", "是否必填", "说明", "可选值"], "bold")
    for col in columns:
        help_ws.append([col.header, "必填" if col.required else "", col.note, "、".join(col.choices)])
    help_ws.append([])
    help_ws.append(["第一行为表头，请勿修改；从第二行起每行一条。任何一行有错误时整个文件都不会导入，"
                    "系统会列出每个错误所在的行和原因。"])
    help_ws.widths((16, 10, 60, 60))
    return book.bytes()


# ---------------------------------------------------------------------------------------
# Reading


def _text(value) -> str:
    """A cell value as trimmed text; integral floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def _norm_header(value) -> str:
    return re.sub(r"[\s*＊]", "", _text(value))


def read_rows(data: bytes, columns, report: ImportReport) -> list[tuple[int, dict, dict]]:
    """Parse the first sheet; returns ``(excel_row, texts, raw_values)`` per non-empty row.

    File-level problems (not an .xlsx, no data, wrong headers, too many rows) are added to
    ``report`` and an empty list is returned.
    """
    from openpyxl import load_workbook

    if not data:
        report.error(None, "", "文件为空")
        return []
    if len(data) > MAX_UPLOAD_BYTES:
        report.error(None, "", f"文件超过 {human_size(MAX_UPLOAD_BYTES)} 上限，请分批导入")
        return []
    not_xlsx = "无法读取文件：不是有效的 .xlsx 文件。请用 Excel 或 WPS 另存为“Excel 工作簿(*.xlsx)”后再上传（不支持 .xls、.csv）"
    try:  # before openpyxl touches it: declared sizes and compression ratio from the zip directory
        uploads.check_zip(data, "该 .xlsx 文件")
    except ValidationError as exc:
        report.error(None, "", exc.messages[0])
        return []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a corrupt or foreign file may raise almost anything from zipfile/xml
        report.error(None, "", not_xlsx)
        return []
    try:
        if not wb.worksheets:
            report.error(None, "", "文件中没有工作表")
            return []
        ws = wb.worksheets[0]
        known = {c.header: c for c in columns}
        positions: dict[str, int] | None = None  # column name → index, once the header is read
        rows = []
        for excel_row, values in enumerate(ws.iter_rows(values_only=True), start=1):
            texts = [_text(v) for v in values]
            if not any(texts):
                continue
            if positions is None:  # the first non-empty row is the header
                positions = {}
                unknown = []
                for idx, value in enumerate(values):
                    name = _norm_header(value)
                    if not name:
                        continue
                    if name not in known:
                        unknown.append(name)
                    elif name in positions:
                        report.error(excel_row, name, "表头中该列重复")
                    else:
                        positions[name] = idx
                missing = [c.header for c in columns if c.required and c.header not in positions]
                if missing:
                    report.error(excel_row, "", f"表头缺少必填列：{'、'.join(missing)}。请使用下载的{report.what}导入模板")
                if unknown:
                    report.error(excel_row, "", f"表头中有无法识别的列：{'、'.join(unknown)}")
                if report.errors:
                    return []
                continue
            if len(rows) >= MAX_ROWS:
                report.error(None, "", f"数据行超过上限 {MAX_ROWS} 行，请分批导入")
                return []
            raw = {c.key: values[positions[c.header]]
                   if c.header in positions and positions[c.header] < len(values) else None
                   for c in columns}
            rows.append((excel_row, {k: _text(v) for k, v in raw.items()}, raw))
        if positions is None:
            report.error(None, "", "文件中没有内容，请使用下载的模板填写")
            return []
    except Exception:
        report.error(None, "", not_xlsx)
        return []
    finally:
        wb.close()
    if not rows:
        report.error(None, "", "文件中只有表头，没有数据行")
    return rows


def _read_upload(fileobj) -> bytes:
    """Read at most MAX_UPLOAD_BYTES + 1 bytes from a path, bytes or file-like object."""
    if isinstance(fileobj, bytes | bytearray):
        return bytes(fileobj)
    if isinstance(fileobj, str):
        with open(fileobj, "rb") as fh:
            return fh.read(MAX_UPLOAD_BYTES + 1)
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    return fileobj.read(MAX_UPLOAD_BYTES + 1)


# ---------------------------------------------------------------------------------------
# Scope helpers


def _scope_prefix(user) -> str:
    if user is None:
        return ""
    if not can_import(user):
        raise PermissionDenied("您的角色不能导入调解组织和调解员")
    path = Scope.of(user).path
    if path is None:
        raise PermissionDenied("您的账号未绑定单位，不能导入")
    return path


class _OrgLookup:
    """Resolves organization names to organizations within the importer's scope."""

    def __init__(self, names, prefix: str):
        self.prefix = prefix
        self.by_name: dict[str, list[Organization]] = {}
        for org in Organization.objects.filter(name__in=set(names)).only("id", "name", "path"):
            self.by_name.setdefault(org.name, []).append(org)

    def resolve(self, name: str, label: str) -> tuple[Organization | None, str | None]:
        found = self.by_name.get(name, [])
        if not found:
            return None, f"{label}“{name}”不存在，请填写系统中已有单位的全称"
        in_scope = [o for o in found if o.path.startswith(self.prefix)]
        if not in_scope:
            return None, f"{label}“{name}”不在您的管辖范围内"
        if len(in_scope) > 1:
            return None, f"{label}“{name}”在您的管辖范围内有 {len(in_scope)} 个同名单位，请在系统中核对后再导入"
        return in_scope[0], None


def _check_lengths(report, row, instance, columns, texts, exclude):
    """Field limits from the model (max length, choices) reported against the column.

    Empty cells are skipped: a missing required value is already reported.
    """
    by_key = {c.key: c.header for c in columns}
    exclude = list(exclude) + [k for k, v in texts.items() if not v]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for fname, msgs in exc.message_dict.items():
            for msg in msgs:
                report.error(row, by_key.get(fname, fname), msg)


# ---------------------------------------------------------------------------------------
# Organizations


def import_organizations(user, fileobj, *, dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Validate and (if every row is good and not ``dry_run``) create organizations."""
    report = ImportReport("调解组织", dry_run=dry_run)
    prefix = _scope_prefix(user)
    _tick(progress, "读取文件", 0, 0, force=True)
    rows = read_rows(_read_upload(fileobj), ORG_COLUMNS, report)
    report.rows = len(rows)
    if not rows:
        return report
    _tick(progress, "校验", 0, len(rows), force=True)

    kind_by_label = {label: value for value, label in OrgKind.choices}
    regions = {r.code: r for r in Region.objects.filter(code__in={t["region"] for _, t, _ in rows})}
    names_in_file: dict[str, int] = {}
    for row, t, _ in rows:
        if t["name"] and t["name"] not in names_in_file:
            names_in_file[t["name"]] = row
    lookup = _OrgLookup({t["parent"] for _, t, _ in rows if t["parent"] not in names_in_file}, prefix)
    existing = set(Organization.objects.filter(name__in=set(names_in_file))
                   .values_list("name", "region__code"))

    pending: dict[int, tuple[Organization, str | None]] = {}  # row → (unsaved org, parent name in file)
    abbrs_in_file: dict[str, int] = {}
    for row, t, _ in rows:
        abbrs_in_file.setdefault(t["abbr"], row)
    abbrs_taken = set(Organization.objects.filter(abbr__in=set(abbrs_in_file)).values_list("abbr", flat=True))
    for i, (row, t, _) in enumerate(rows, start=1):
        _tick(progress, "校验", i, len(rows))
        before = len(report.errors)
        for col in ORG_COLUMNS:
            if col.required and not t[col.key]:
                report.error(row, col.header, "必填项为空")
        first = names_in_file.get(t["name"])
        if t["name"] and first != row:
            report.error(row, "名称", f"与第{first}行名称重复")
        if t["abbr"] and abbrs_in_file.get(t["abbr"]) != row:
            report.error(row, "简称", f"与第{abbrs_in_file[t['abbr']]}行简称重复（简称用于案号，须唯一）")
        elif t["abbr"] in abbrs_taken:
            report.error(row, "简称", f"简称“{t['abbr']}”已被其他单位使用（简称用于案号，须唯一）")
        kind = None
        if t["kind"]:
            label = t["kind"].replace("(", "（").replace(")", "）")
            kind = kind_by_label.get(label)
            if kind is None or kind in NOT_IMPORTABLE_KINDS:
                report.error(row, "组织类型", f"“{t['kind']}”不是可导入的组织类型，应为：{'、'.join(KIND_LABELS)}")
                kind = None
        if kind == OrgKind.TRADE and not t["trade"]:
            report.error(row, "行业/专业领域", "行业性专业性人民调解委员会须填写行业/专业领域")
        region = None
        if t["region"]:
            region = regions.get(t["region"])
            if region is None:
                report.error(row, "区划代码", f"区划代码“{t['region']}”不存在")
        if t["name"] and t["region"] and (t["name"], t["region"]) in existing:
            report.error(row, "名称", f"该区划下已存在同名组织“{t['name']}”")
        parent, parent_in_file = None, None
        if t["parent"]:
            if t["parent"] == t["name"]:
                report.error(row, "上级单位", "上级单位不能是本单位")
            elif t["parent"] in names_in_file:
                parent_in_file = t["parent"]
            else:
                parent, msg = lookup.resolve(t["parent"], "上级单位")
                if msg:
                    report.error(row, "上级单位", msg)
        phone = t["contact_phone"]
        if phone:
            try:
                phone = check_phone(phone)
            except ValidationError as exc:
                report.error(row, "联系电话", exc.messages[0])
        org = Organization(name=t["name"], abbr=t["abbr"], kind=kind or "", trade=t["trade"], region=region,
                           parent=parent, contact_name=t["contact_name"], contact_phone=phone,
                           address=t["address"])
        _check_lengths(report, row, org, ORG_COLUMNS, t,
                       exclude=["region", "parent", "kind", "path", "case_number_pattern"])
        if len(report.errors) == before:
            pending[row] = (org, parent_in_file)

    # order so that a supervising organization defined in the file is created first
    order: list[int] = []
    state: dict[int, str] = {}
    row_of_name = {org.name: row for row, (org, _) in pending.items()}

    def visit(row: int, trail: list[int]) -> bool:
        if state.get(row) == "done":
            return True
        if state.get(row) == "visiting":
            for r in trail[trail.index(row):]:
                report.error(r, "上级单位", "上级单位之间形成循环引用")
                state[r] = "done"
            return False
        state[row] = "visiting"
        parent_name = pending[row][1]
        ok = True
        if parent_name is not None and parent_name in row_of_name:
            ok = visit(row_of_name[parent_name], trail + [row])
        state[row] = "done"
        if ok:
            order.append(row)
        return ok

    for row in sorted(pending):
        visit(row, [])

    if report.errors or dry_run:
        return report
    created: dict[str, Organization] = {}
    counts: dict[str, int] = {}
    _tick(progress, "保存", 0, len(order), force=True)
    try:
        with transaction.atomic():
            for i, row in enumerate(order, start=1):
                _tick(progress, "保存", i, len(order))
                org, parent_name = pending[row]
                if parent_name is not None:
                    org.parent = created[parent_name]
                org.save()
                created[org.name] = org
                counts[org.get_kind_display()] = counts.get(org.get_kind_display(), 0) + 1
    except IntegrityError:
        report.error(None, "", "保存时与他人同时录入的数据冲突（可能已有同名组织），未保存任何数据，请重试")
        return report
    report.created = len(created)
    report.summary = sorted(counts.items(), key=lambda kv: -kv[1])
    report.saved = True
    return report


# ---------------------------------------------------------------------------------------
# Mediators


def _parse_date(raw, text: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not m:
        raise ValidationError("日期格式不正确，应如 2020-03-01")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValidationError("日期不存在")


# Checked by check_id_number/check_phone above; the stored columns are derived from them.
PROTECTED_COLUMNS = ["id_number", "phone", "id_number_enc", "id_hash", "id_masked", "phone_enc", "phone_hash",
                     "phone_masked"]


def import_mediators(user, fileobj, *, dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Validate and (if every row is good and not ``dry_run``) create mediators."""
    report = ImportReport("调解员", dry_run=dry_run)
    prefix = _scope_prefix(user)
    _tick(progress, "读取文件", 0, 0, force=True)
    rows = read_rows(_read_upload(fileobj), MEDIATOR_COLUMNS, report)
    report.rows = len(rows)
    if not rows:
        return report
    _tick(progress, "校验", 0, len(rows), force=True)

    employment_by_label = {label: value for value, label in Mediator.Employment.choices}
    status_by_label = {label: value for value, label in Mediator.Status.choices}
    names = set()
    for _, t, _ in rows:
        names.add(t["organization"])
        names.update(n.strip() for n in LIST_SEPARATORS.split(t["committees"]) if n.strip())
    lookup = _OrgLookup(names, prefix)
    # Duplicates across the whole roster, found by the keyed hash (the numbers are stored encrypted).
    id_hashes = {Mediator.id_number.hash_of(t["id_number"]) for _, t, _ in rows if t["id_number"]}
    existing_ids = set(Mediator.objects.filter(id_hash__in=id_hashes).values_list("id_hash", flat=True))
    today = timezone.localdate()

    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, int], int] = {}
    pending: list[tuple[Mediator, list[Organization]]] = []
    for i, (row, t, raw) in enumerate(rows, start=1):
        _tick(progress, "校验", i, len(rows))
        before = len(report.errors)
        for col in MEDIATOR_COLUMNS:
            if col.required and not t[col.key]:
                report.error(row, col.header, "必填项为空")
        id_number = ""
        if t["id_number"]:
            try:
                id_number, warnings = check_id_number(t["id_number"])
            except ValidationError as exc:
                msg = exc.messages[0]
                if isinstance(raw["id_number"], float | int):
                    msg += "（该单元格是数字格式，长号码会丢失末几位，请设为文本格式后重新填写）"
                report.error(row, "身份证号", msg)
            else:
                for w in warnings:
                    report.warn(row, "身份证号", w)
                if id_number in seen_ids:
                    report.error(row, "身份证号", f"与第{seen_ids[id_number]}行身份证号重复")
                else:
                    seen_ids[id_number] = row
                if Mediator.id_number.hash_of(id_number) in existing_ids:
                    report.error(row, "身份证号", "该身份证号的调解员已在名册中")
        gender = t["gender"]
        if gender and gender not in ("男", "女"):
            report.error(row, "性别", "性别应为“男”或“女”")
        elif id_number:
            if gender and gender != id_gender(id_number):
                report.error(row, "性别", f"性别与身份证号不符（身份证号显示为{id_gender(id_number)}）")
            gender = id_gender(id_number)
        phone = t["phone"]
        if phone:
            try:
                phone = check_phone(phone)
            except ValidationError as exc:
                report.error(row, "联系电话", exc.messages[0])
        full_time = None
        if t["full_time"]:
            full_time = FULL_TIME_LABELS.get(t["full_time"])
            if full_time is None:
                report.error(row, "专职/兼职", f"“{t['full_time']}”无效，应为“专职”或“兼职”")
        employment = None
        if t["employment"]:
            employment = employment_by_label.get(t["employment"])
            if employment is None:
                report.error(row, "聘用方式", f"“{t['employment']}”无效，应为：{'、'.join(EMPLOYMENT_LABELS)}")
        status = Mediator.Status.ACTIVE
        if t["status"]:
            status = status_by_label.get(t["status"])
            if status is None:
                report.error(row, "状态", f"“{t['status']}”无效，应为：{'、'.join(STATUS_LABELS)}")
        org = None
        if t["organization"]:
            org, msg = lookup.resolve(t["organization"], "所属调委会")
            if msg:
                report.error(row, "所属调委会", msg)
        committees: list[Organization] = []
        for name in LIST_SEPARATORS.split(t["committees"]):
            name = name.strip()
            if not name or (org is not None and name == org.name):
                continue
            c, msg = lookup.resolve(name, "兼任调委会")
            if msg:
                report.error(row, "兼任调委会", msg)
            elif c not in committees:
                committees.append(c)
        joined_on = None
        if t["joined_on"]:
            try:
                joined_on = _parse_date(raw["joined_on"], t["joined_on"])
            except ValidationError as exc:
                report.error(row, "入职日期", exc.messages[0])
            else:
                if joined_on > today:
                    report.error(row, "入职日期", "入职日期不能晚于今天")
        if org is not None and not id_number and t["name"]:
            key = (t["name"], org.pk)
            if key in seen_names:
                report.error(row, "姓名", f"与第{seen_names[key]}行重复（同一调委会同名且均未填身份证号）")
            else:
                seen_names[key] = row
        m = Mediator(name=t["name"], gender=gender, id_number=id_number, phone=phone,
                     full_time=bool(full_time), employment=employment or Mediator.Employment.ELECTED,
                     organization=org, title=t["title"], qualifications=t["qualifications"],
                     status=status or Mediator.Status.ACTIVE, joined_on=joined_on)
        _check_lengths(report, row, m, MEDIATOR_COLUMNS, t, exclude=["organization", "gender", *PROTECTED_COLUMNS])
        if len(report.errors) == before:
            pending.append((m, committees))

    if report.errors or dry_run:
        return report
    try:
        _tick(progress, "保存", 0, len(pending), force=True)
        with transaction.atomic():
            mediators = Mediator.objects.bulk_create([m for m, _ in pending], batch_size=500)
            through = Mediator.committees.through
            links = [through(mediator_id=m.pk, organization_id=c.pk)
                     for m, (_, cs) in zip(mediators, pending, strict=True) for c in cs]
            through.objects.bulk_create(links, batch_size=1000)
    except IntegrityError:
        report.error(None, "", "保存时发生数据冲突，未保存任何数据，请重试")
        return report
    full = sum(1 for m, _ in pending if m.full_time)
    report.created = len(pending)
    report.summary = [("专职", full), ("兼职", len(pending) - full)]
    report.saved = True
    return report


IMPORTERS = {"orgs": import_organizations, "mediators": import_mediators}
