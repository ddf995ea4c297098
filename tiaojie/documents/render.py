"""Rendering one document: .docx through docxtpl, PDF through a Django HTML template and WeasyPrint.

PDF templates are fragments (``documents/pdf/<code>.html``, one ``<section>`` each) wrapped by
``documents/pdf/page.html``, which sets A4, the font family (``settings.TIAOJIE_PDF_FONT_FAMILY``
followed by Noto CJK fallbacks, so characters outside GB2312 such as 𠮷 or 䶮 still print when an
office font lacks them) and the page footer. The 卷宗 uses the same fragments.
"""
import io
import logging

from django.conf import settings
from django.template.loader import render_to_string
from docxtpl import DocxTemplate, Listing

from tiaojie.cases.models import Case
from tiaojie.documents import context as ctxmod
from tiaojie.documents.docx_defaults import TERMS_STYLE, default_template, set_terms_hang
from tiaojie.documents.kinds import KINDS, DocumentRefused, Kind, items_for, refusal

log = logging.getLogger("tiaojie.documents")

FALLBACK_FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", serif'
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def font_family() -> str:
    return f"{settings.TIAOJIE_PDF_FONT_FAMILY}, {FALLBACK_FONTS}"


def resolve(case: Case, code: str, item_id: int | None = None):
    """(kind, item) for a request, or ``DocumentRefused`` with the reason; unknown → LookupError."""
    kind = KINDS.get(code)
    if kind is None:
        raise LookupError(code)
    reason = refusal(case, kind)
    if reason:
        raise DocumentRefused(reason)
    item = None
    if kind.per:
        items = items_for(case, kind)
        if item_id is None:
            if not items:
                raise DocumentRefused(f"本案还没有{kind.label}")
            item = items[0]
        else:
            item = next((i for i in items if i.pk == item_id), None)
            if item is None:
                raise LookupError(item_id)
    return kind, item


def filename(case: Case, kind: Kind, ext: str, item=None) -> str:
    n = ""
    if item is not None:
        n = f"（第{[i.pk for i in items_for(case, kind)].index(item.pk) + 1}次）"
    safe = case.number.replace("/", "-")
    return f"{safe}{kind.label}{n}{ext}"


# ---- .docx ------------------------------------------------------------------------------------

def template_bytes(code: str) -> bytes:
    """The active administrator template of ``code``, else the built-in default."""
    from tiaojie.documents.models import DocumentTemplate

    t = DocumentTemplate.objects.filter(kind=code, active=True).order_by("-uploaded_at", "-id").first()
    if t is not None:
        try:
            with t.file.open("rb") as f:
                return f.read()
        except OSError:
            log.exception("document template %s unreadable, using the default", t.pk)
    return default_template(code)


def _docx_value(v):
    if isinstance(v, str):
        return Listing(v) if "\n" in v else v
    if isinstance(v, dict):
        return {k: _docx_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_docx_value(x) for x in v]
    return v


def _docx_terms(items) -> Listing | None:
    """The agreed terms for Word: one paragraph each ("\\a"), a tab between number and text."""
    if not (isinstance(items, list) and items and all(isinstance(i, dict) for i in items)):
        return None
    return Listing("\a".join(f"{i['no']}\t{i['text']}" if i["no"] else i["text"] for i in items))


def docx_from_template(template: bytes, ctx: dict) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    values = {k: _docx_value(v) for k, v in ctx.items()}
    terms = _docx_terms(ctx.get("term_items"))
    if terms is not None:
        values["terms"] = terms
    tpl.render(values, autoescape=True)
    if terms is not None and TERMS_STYLE in [s.name for s in tpl.docx.styles]:
        set_terms_hang(tpl.docx.styles[TERMS_STYLE], ctx["term_items"][0]["hang"])
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def render_docx(case: Case, code: str, user=None, item=None, extra: dict | None = None) -> bytes:
    kind = KINDS[code]
    ctx = ctxmod.build(case, user, item=item, extra=extra, log_as=kind.label)
    template = template_bytes(code)
    try:
        return docx_from_template(template, ctx)
    except Exception:
        if template == default_template(code):
            raise
        # A template that passed validation but fails on this case's data: still give a document.
        log.exception("administrator template for %s failed on case %s; using the default", code, case.pk)
        return docx_from_template(default_template(code), ctx)


# ---- PDF --------------------------------------------------------------------------------------

def section_html(kind: Kind, ctx: dict, anchor: str = "") -> str:
    return render_to_string(f"documents/pdf/{kind.code}.html", {**ctx, "kind": kind, "anchor": anchor})


def page_html(sections: list[str], title: str, footer: bool = True) -> str:
    """A whole HTML document of ``sections``: A4, "第N页 共M页" and the continuation header on every page."""
    return render_to_string("documents/pdf/page.html", {
        "sections": sections, "title": title, "font_family": font_family(), "footer": footer})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf(case: Case, code: str, user=None, item=None, extra: dict | None = None) -> bytes:
    kind = KINDS[code]
    ctx = ctxmod.build(case, user, item=item, extra=extra, log_as=kind.label)
    return html_to_pdf(page_html([section_html(kind, ctx)], f"{case.number} {kind.label}"))


def render(case: Case, code: str, fmt: str, user=None, item=None) -> tuple[bytes, str, str]:
    """(content, content type, file name) of one document; cover, contents and back cover need the 卷宗's pages."""
    kind = KINDS[code]
    extra = None
    if code in ("cover", "contents", "back_cover"):
        from tiaojie.documents.casefile import plan_pages

        extra = plan_pages(case, user)
    if fmt == "docx":
        return render_docx(case, code, user, item, extra), DOCX_MIME, filename(case, kind, ".docx", item)
    if fmt == "pdf":
        return render_pdf(case, code, user, item, extra), "application/pdf", filename(case, kind, ".pdf", item)
    raise LookupError(fmt)
