"""Writes and checks of the documents app, as plain functions taking the acting user.

- ``check_complete(case)``: the required items of DOMAIN.md §5 the case file still lacks.
- ``archive_with_check(case, user, version, override_reason)``: archive (归档) only a complete
  file, unless a supervisor overrides with a reason (recorded on the timeline).
- ``save_attachment(case, user, upload, kind, …)``: evidence upload, checked on content.
- ``validate_template(kind, data)``: a replacement .docx template is usable, or a Chinese error.
"""
import hashlib
import io
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from tiaojie.accounts.models import Role
from tiaojie.accounts.scope import org_in_scope
from tiaojie.cases import transitions
from tiaojie.cases.archiving import missing_items
from tiaojie.cases.models import Agreement, Case, CaseEvent, Outcome, Party, Status
from tiaojie.cases.transitions import LABEL_MAX, TransitionError, fit_text
from tiaojie.documents import sniff
from tiaojie.documents.kinds import KINDS
from tiaojie.documents.models import Attachment
from tiaojie.security import uploads

SUPERVISOR_ROLES = {Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.CITY_ADMIN}
UPLOAD_ROLES = {Role.CITY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.MEDIATOR}
MEDIATED = (Outcome.SUCCESS, Outcome.FAILED)

# ---- completeness (卷宗是否齐全) ------------------------------------------------------------------

def check_complete(case: Case) -> list[str]:
    """Missing required items of the case file (DOMAIN.md §5), in filing order; [] when complete.

    Documents Tiaojie fills from the record (申请书/登记表, 告知书, 封底 …) are present as soon as
    the record allows them; what can be missing is what people must record or upload.
    """
    missing: list[str] = []
    parties = list(case.parties.all())
    principals = [p for p in parties if p.role != Party.Role.AGENT]
    atts = list(case.attachments.all())
    proofs = [a for a in atts if a.kind == Attachment.Kind.IDENTITY]
    linked = {a.party_id for a in proofs if a.party_id}
    unlinked = sum(1 for a in proofs if not a.party_id)
    lacking = [p.name for p in principals if p.pk not in linked]
    if len(lacking) > unlinked:
        missing.append(f"当事人身份证明（缺{len(lacking) - unlinked}份：" + "、".join(lacking) + "）")
    agents = [p for p in parties if p.role == Party.Role.AGENT]
    if agents and not any(a.kind == Attachment.Kind.POWER_OF_ATTORNEY for a in atts):
        missing.append("授权委托书（本案有代理人：" + "、".join(p.name for p in agents) + "）")
    if case.outcome in MEDIATED and not case.sessions.exists():
        missing.append("人民调解记录（至少一次调解的记录）")
    if case.outcome == Outcome.SUCCESS:
        if not Agreement.objects.filter(case=case).exists():
            missing.append("人民调解协议书或口头协议登记表")
    return missing


@transaction.atomic
def archive_with_check(case: Case, user, version=None, override_reason: str = "", note: str = "") -> Case:
    """归档 when the file is complete; when items are missing only a supervisor (司法所及以上) may
    archive, giving a reason that goes on the timeline with the list of missing items."""
    transitions.check(case, user, "archive")  # wrong state, role or scope first
    missing = missing_items(case)
    override_reason = (override_reason or "").strip()
    note = (note or "").strip()
    if missing:
        listed = "；".join(missing)
        if not override_reason:
            raise TransitionError(f"卷宗材料不齐全，缺少：{listed}。请补齐后归档；确需归档的，"
                                  "由司法所及以上工作人员填写理由后归档", "override_reason")
        if user.role not in SUPERVISOR_ROLES:
            raise TransitionError("卷宗材料不齐全时，只有司法所、县级调解中心或市司法局工作人员可以填写理由强制归档",
                                  "override_reason")
        note = (note + "\n" if note else "") + (
            f"卷宗材料不齐全，经{user.get_role_display()}{user.label}批准归档。缺少：{listed}。理由：{override_reason}")
    return transitions.archive(case, user, version=version, note=note)


# ---- attachments (证据材料等) ------------------------------------------------------------------

def _pdf_pages(data: bytes) -> int | None:
    """Page count of a PDF, None when encrypted; ValidationError when unreadable."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return None
        return len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ValidationError(f"PDF文件已损坏或无法读取（{type(exc).__name__}）")


def _check_image(data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("图片文件已损坏或无法识别")


def inspect_upload(data: bytes) -> tuple[sniff.FileType, int | None]:
    """(type, pages) of an upload judged by its content; ValidationError with a Chinese message otherwise."""
    limit = settings.TIAOJIE_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(f"文件过大（{len(data) / 1048576:.1f} MB），单个文件不能超过{limit / 1048576:.0f} MB")
    if not data:
        raise ValidationError("文件为空")
    ft = sniff.sniff(data)
    if ft is None:
        raise ValidationError(f"不支持的文件类型（按文件内容识别，与扩展名无关）。允许上传：{sniff.ALLOWED_DESCRIPTION}")
    pages = None
    if ft.group == "image":
        _check_image(data)
        pages = 1
    elif ft.group == "pdf":
        pages = _pdf_pages(data)
        uploads.check_pdf_pages(pages)
    elif ft in (sniff.DOCX, sniff.XLSX):
        uploads.check_zip(data, ft.label)
    return ft, pages


def save_attachment(case: Case, user, upload, kind: str = Attachment.Kind.EVIDENCE, party: Party | None = None,
                    note: str = "") -> Attachment:
    """Store an uploaded file in the case file and put it on the timeline."""
    if not org_in_scope(user, case.organization):
        raise PermissionDenied("该案件不在您的管辖范围内")
    if user.role not in UPLOAD_ROLES:
        raise ValidationError(f"您的角色（{user.get_role_display()}）不能上传案件材料")
    if case.status == Status.ARCHIVED:
        raise ValidationError("案件已归档，只能查看，不能再上传材料")
    if kind not in Attachment.Kind.values:
        raise ValidationError("请选择材料类别")
    if party is not None and party.case_id != case.pk:
        raise ValidationError("所选当事人不属于本案")
    size = getattr(upload, "size", None)
    if size is not None and size > settings.TIAOJIE_UPLOAD_MAX_BYTES:  # refuse before reading it all
        limit = settings.TIAOJIE_UPLOAD_MAX_BYTES
        raise ValidationError(f"文件过大（{size / 1048576:.1f} MB），单个文件不能超过{limit / 1048576:.0f} MB")
    data = upload.read()
    ft, pages = inspect_upload(data)
    name = (getattr(upload, "name", "") or "未命名").replace("\\", "/").rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        att = Attachment(case=case, kind=kind, party=party, original_name=name, content_type=ft.mime, ext=ft.ext,
                         size=len(data), sha256=hashlib.sha256(data).hexdigest(), pages=pages,
                         note=(note or "")[:200], uploaded_by=user)
        att.file.save(name, ContentFile(data), save=False)
        att.save()
        CaseEvent.objects.create(
            case=case, kind="attachment", label=fit_text(f"上传{att.get_kind_display()}：{name}", LABEL_MAX),
            from_status=case.status, to_status=case.status, actor=user, actor_name=fit_text(user.label, LABEL_MAX),
            reason=note or "", data={"attachment": att.pk, "sha256": att.sha256, "size": att.size,
                                     "content_type": att.content_type})
    return att


# ---- replacement templates (文书模板) ---------------------------------------------------------

TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


def validate_template(kind: str, data: bytes) -> set[str]:
    """Check an uploaded .docx template for ``kind``; returns its placeholders or raises ValidationError."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    from tiaojie.documents.render import docx_from_template

    if kind not in KINDS:
        raise ValidationError("未知的文书种类")
    if len(data) > TEMPLATE_MAX_BYTES:
        raise ValidationError("模板文件过大（不能超过5 MB）")
    if sniff.sniff(data) is not sniff.DOCX:
        try:
            zipfile.ZipFile(io.BytesIO(data))
            what = "不是Word文档（.docx）"
        except zipfile.BadZipFile:
            what = "不是.docx文件（.doc旧格式、PDF或其他文件请先用Word另存为.docx）"
        raise ValidationError(f"模板文件{what}，原模板继续使用")
    uploads.check_zip(data, "模板文件")
    try:
        found = set(DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables())
    except TemplateError as exc:
        raise ValidationError(f"模板中的占位符语法有误：{exc}，原模板继续使用")
    except Exception as exc:  # a damaged docx makes python-docx/lxml fail in many ways
        raise ValidationError(f"模板文件无法读取（{type(exc).__name__}），原模板继续使用")
    missing = sorted(KINDS[kind].required - found)
    if missing:
        raise ValidationError("模板缺少必需的占位符：" + "、".join("{{ " + m + " }}" for m in missing) + "，原模板继续使用")
    try:
        docx_from_template(data, sample_context())
    except Exception as exc:
        raise ValidationError(f"模板试填失败（{type(exc).__name__}：{exc}），原模板继续使用")
    return found


def sample_context() -> dict:
    """A filled-in context used to try a template before accepting it."""
    from tiaojie.documents.context import PLACEHOLDER_HELP

    party = {"role": "申请人", "kind": "自然人", "name": "张三", "gender": "男", "ethnicity": "汉族", "age": "40",
             "occupation": "农民", "id_type": "居民身份证", "id_number": "410403********0011", "phone": "139****5678",
             "address": "某村", "legal_rep": "", "credit_code": "", "agent_for": "", "summary": "张三，男，汉族，40岁"}
    ctx = {k: f"（{v}）" for k, v in PLACEHOLDER_HELP.items()}
    for k in ("parties", "principals", "applicants", "respondents", "thirds", "agents"):
        ctx[k] = [party, {**party, "role": "被申请人", "name": "李四"}]
    ctx["entries"] = [{"no": 1, "title": "人民调解受理登记表", "page": 3, "note": ""}]
    ctx["item"] = {k: "（记录）" for k in ("held_at", "place", "participants", "content", "recorder", "subject",
                                        "investigators", "visited_on", "visitor", "method", "performance",
                                        "satisfaction", "notes")}
    ctx.update({"copies": "三", "rights": ["一、权利"], "principal_names": "张三、李四"})
    return ctx
