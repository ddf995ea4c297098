"""Writes and checks of the documents app, as plain functions taking the acting user.

- ``save_attachment(case, user, upload, kind, …)``: evidence upload, checked on content; a step
  (``attach``) of the case's state machine.
- ``void_attachment(att, user, reason)``: a material uploaded by mistake is voided with a reason,
  never deleted (it stays in the record, marked).
- ``validate_template(kind, data)``: a replacement .docx template is usable, or a Chinese error.
"""
import hashlib
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from tiaojie.cases.models import Case, Party
from tiaojie.cases.transitions import ALL, Step, TransitionError, acting_on, fit_text, register_step
from tiaojie.documents import sniff
from tiaojie.documents.kinds import KINDS
from tiaojie.documents.models import Attachment
from tiaojie.security import uploads

register_step(Step("attach", "上传材料", ALL))
register_step(Step("attachment_void", "作废材料", ALL))

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
                    note: str = "", *, version) -> Attachment:
    """Store an uploaded file in the case file and put it on the timeline."""
    if kind not in Attachment.Kind.values:
        raise ValidationError("请选择材料类别")
    size = getattr(upload, "size", None)
    if size is not None and size > settings.TIAOJIE_UPLOAD_MAX_BYTES:  # refuse before reading it all
        limit = settings.TIAOJIE_UPLOAD_MAX_BYTES
        raise ValidationError(f"文件过大（{size / 1048576:.1f} MB），单个文件不能超过{limit / 1048576:.0f} MB")
    try:
        with acting_on(case, user, "attach", version=version) as act:
            c = act.case
            if party is not None and party.case_id != c.pk:
                raise ValidationError("所选当事人不属于本案")
            data = upload.read()
            ft, pages = inspect_upload(data)
            name = (getattr(upload, "name", "") or "未命名").replace("\\", "/").rsplit("/", 1)[-1][:200]
            att = Attachment(case=c, kind=kind, party=party, original_name=name, content_type=ft.mime, ext=ft.ext,
                             size=len(data), sha256=hashlib.sha256(data).hexdigest(), pages=pages,
                             note=(note or "")[:200], uploaded_by=user)
            att.file.save(name, ContentFile(data), save=False)
            att.save()
            act.record(label=fit_text(f"上传{att.get_kind_display()}：{name}", 60), reason=note or "",
                       data={"attachment": att.pk, "sha256": att.sha256, "size": att.size,
                             "content_type": att.content_type})
    except TransitionError as e:
        raise ValidationError(e.message)
    return att


def void_attachment(att: Attachment, user, *, version, reason: str) -> Attachment:
    """作废: a material uploaded by mistake stays in the record, marked void with the reason; it no
    longer counts for the case file."""
    with acting_on(att.case_id, user, "attachment_void", version=version) as act:
        att = Attachment.objects.select_for_update(of=("self",)).get(pk=att.pk, case=act.case)
        if att.voided_at:
            raise TransitionError("该材料已作废")
        reason = (reason or "").strip()
        if not reason:
            raise TransitionError("请填写作废理由", "reason")
        from django.utils import timezone

        att.voided_at, att.voided_by, att.void_reason = timezone.now(), user, reason[:200]
        att.save(update_fields=["voided_at", "voided_by", "void_reason"])
        act.record(label=fit_text(f"作废材料：{att.original_name}", 60), reason=att.void_reason,
                   data={"attachment": att.pk})
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
