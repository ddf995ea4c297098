"""The 卷宗: the whole case file as one PDF, in the filing order of DOMAIN.md §5.

Cover, table of contents (卷内目录, page numbers filled in by WeasyPrint's ``target-counter``),
then the documents and the uploaded evidence in filing order, and the back cover (封底) with the
number of documents and pages. Every page carries "第N页 共M页"; all of it is one layout, so the
cover, the contents, the back cover and the footers agree with the file's real page count.

Evidence images are pages of the HTML. An evidence PDF gets one placeholder page per page in
the HTML (so the contents and numbering count it); after rendering, each of its pages is drawn,
scaled to fit, onto its placeholder with pypdf. Files that cannot be merged (audio, Office,
encrypted PDFs) are listed in a 卷宗情况说明 together with the items the completeness check finds
missing.
"""
import io
import logging
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from tiaojie.cases.models import Case
from tiaojie.documents import context as ctxmod
from tiaojie.documents.kinds import KINDS, items_for, refusal
from tiaojie.documents.models import Attachment
from tiaojie.documents.render import page_html, section_html

log = logging.getLogger("tiaojie.documents")

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
# Where a merged evidence page may go on its placeholder page (inside the margins, below the caption).
SLOT_BOX = (25 * MM, 22 * MM, 185 * MM, 266 * MM)  # left, bottom, right, top in PDF points

# Filing order: generated documents by kind code, attachments by Attachment.Kind.
ORDER = [
    ("doc", "application"), ("doc", "registration"), ("doc", "rights_notice"),
    ("att", Attachment.Kind.IDENTITY), ("att", Attachment.Kind.POWER_OF_ATTORNEY),
    ("doc", "investigation"), ("att", Attachment.Kind.EVIDENCE), ("doc", "session"),
    ("doc", "agreement"), ("doc", "oral_agreement"), ("doc", "rejection_notice"), ("doc", "termination_notice"),
    ("att", Attachment.Kind.PERFORMANCE), ("doc", "follow_up"), ("att", Attachment.Kind.JUDICIAL),
    ("att", Attachment.Kind.OTHER),
]


@dataclass
class Entry:
    no: int
    title: str
    anchor: str
    note: str = ""
    page: int | str = ""


@dataclass
class Plan:
    entries: list[Entry] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    slots: dict[str, tuple[Attachment, int]] = field(default_factory=dict)  # anchor → (pdf attachment, page index)
    unmerged: list[Attachment] = field(default_factory=list)


def _attachment_sections(plan: Plan, att: Attachment, anchor: str) -> bool:
    """Sections for one attachment; False when it cannot be merged (it is listed instead)."""
    title = f"{att.get_kind_display()}：{att.original_name}"
    if att.content_type.startswith("image/"):
        plan.sections.append(render_to_string("documents/pdf/_image.html", {
            "anchor": anchor, "title": title, "src": att.file.path, "att": att}))
        return True
    if att.content_type == "application/pdf" and att.pages:
        for i in range(att.pages):
            slot = f"{anchor}-p{i + 1}"
            plan.slots[slot] = (att, i)
            plan.sections.append(
                f'<section class="doc evidence" id="{slot}">'
                + (f'<span id="{anchor}"></span>' if i == 0 else "") +
                f'<p class="slot-caption">{_esc(title)}（第{i + 1}/{att.pages}页）</p></section>')
        return True
    return False


def _esc(s: str) -> str:
    from django.utils.html import escape

    return escape(s)


def plan(case: Case, user=None, missing: list[str] | None = None) -> tuple[Plan, dict]:
    """What goes in the file, in order, with its HTML sections (cover and contents excluded)."""
    from tiaojie.documents.completeness import check_complete

    ctx = ctxmod.build(case, user, log_as="卷宗")
    p = Plan()
    atts = list(case.attachments.select_related("uploaded_by"))
    n = 0
    for what, code in ORDER:
        if what == "doc":
            kind = KINDS[code]
            if refusal(case, kind):
                continue
            items = items_for(case, kind) if kind.per else [None]
            for idx, item in enumerate(items, start=1):
                n += 1
                anchor = f"e{n}"
                title = kind.label + (f"（第{idx}次）" if kind.per and len(items) > 1 else "")
                c = {**ctx, "item": ctxmod.item_dict(item)} if item is not None else ctx
                p.sections.append(section_html(kind, c, anchor))
                p.entries.append(Entry(n, title, anchor))
        else:
            for att in (a for a in atts if a.kind == code):
                anchor = f"a{att.pk}"
                if _attachment_sections(p, att, anchor):
                    n += 1
                    p.entries.append(Entry(n, f"{att.get_kind_display()}：{att.original_name}", anchor,
                                           f"{att.pages}页" if att.pages and att.pages > 1 else ""))
                else:
                    p.unmerged.append(att)
    missing = check_complete(case) if missing is None else missing
    if p.unmerged or missing:
        n += 1
        p.sections.append(render_to_string("documents/pdf/_notes.html", {
            "anchor": f"e{n}", "unmerged": p.unmerged, "missing": missing, "case_number": ctx["case_number"]}))
        p.entries.append(Entry(n, "卷宗情况说明", f"e{n}", "未并入的电子材料清单" if p.unmerged else ""))
    ctx["casefile_notes"] = [f"缺少：{m}" for m in missing]
    return p, ctx


BACK_ANCHOR = "back-cover"
END_ANCHOR = "casefile-end"  # on the back cover's last line: its page number is the file's page count


def _sections(ctx: dict, p: Plan) -> list[str]:
    """Cover, contents, the planned documents and the back cover, as one HTML document.

    Every page number in the file is a ``target-counter`` resolved by WeasyPrint in this one
    layout: the contents' page numbers (the back cover's included), the page count on the
    cover and the back cover (the page of the back cover's last line), and the footer's
    "第N页 共M页". Nothing is counted before the layout, so nothing can disagree with it.
    """
    head = {**ctx, "document_count": len(p.entries) + 1, "end_ref": END_ANCHOR}
    entries = [{"no": e.no, "title": e.title, "anchor": e.anchor, "note": e.note} for e in p.entries]
    entries.append({"no": len(entries) + 1, "title": "封底", "anchor": BACK_ANCHOR, "page": "", "note": ""})
    return ([section_html(KINDS["cover"], head), section_html(KINDS["contents"], {**head, "entries": entries})]
            + p.sections + [section_html(KINDS["back_cover"], head, BACK_ANCHOR)])


def _render(case: Case, user):
    from weasyprint import HTML

    p, ctx = plan(case, user)
    doc = HTML(string=page_html(_sections(ctx, p), f"{case.number} 卷宗"), base_url="/").render()
    anchors = {}
    for i, page in enumerate(doc.pages):
        for name in page.anchors:
            anchors.setdefault(name, i)
    for e in p.entries:
        e.page = anchors.get(e.anchor, -1) + 1
    counts = {"document_count": len(p.entries) + 1, "page_count": len(doc.pages),
              "back_page": anchors.get(BACK_ANCHOR, -1) + 1, "casefile_notes": ctx.get("casefile_notes", [])}
    return p, doc, anchors, counts


_PAGES_CACHE: dict[tuple, dict] = {}


def _cache_key(case: Case, user) -> tuple:
    last = case.attachments.order_by("-pk").values_list("pk", flat=True).first()
    return (case.pk, case.version, case.updated_at, case.attachments.count(), last,
            getattr(user, "can_unmask", False))


def plan_pages(case: Case, user=None) -> dict:
    """Context for a stand-alone 卷内目录 / 封底: entries with their page numbers in the 卷宗.

    Laying out the whole file takes a second or two; the result is kept per case version (and
    attachment set), so the 目录 and 封底 of one case in both formats cost one layout.
    """
    key = _cache_key(case, user)
    if key not in _PAGES_CACHE:
        if len(_PAGES_CACHE) > 64:
            _PAGES_CACHE.clear()
        _PAGES_CACHE[key] = _plan_pages(case, user)
    return _PAGES_CACHE[key]


def _plan_pages(case: Case, user=None) -> dict:
    p, _doc, _anchors, counts = _render(case, user)
    entries = [{"no": e.no, "title": e.title, "page": e.page, "note": e.note, "anchor": ""} for e in p.entries]
    entries.append({"no": len(entries) + 1, "title": "封底", "page": counts["back_page"], "note": "", "anchor": ""})
    return {"entries": entries, "document_count": counts["document_count"], "page_count": counts["page_count"],
            "casefile_notes": counts["casefile_notes"]}


def build(case: Case, user=None) -> bytes:
    """The 卷宗 PDF of ``case``."""
    from pypdf import PdfReader, PdfWriter, Transformation

    p, doc, anchors, _counts = _render(case, user)
    data = doc.write_pdf()
    if not p.slots:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    readers: dict[int, PdfWriter] = {}  # evidence opened in a writer, so rotation can move into content
    left, bottom, right, top = SLOT_BOX
    for slot, (att, index) in p.slots.items():
        page_no = anchors.get(slot)
        if page_no is None:
            continue
        try:
            if att.pk not in readers:
                with att.file.open("rb") as f:
                    readers[att.pk] = PdfWriter(clone_from=PdfReader(io.BytesIO(f.read())))
            src = readers[att.pk].pages[index]
            src.transfer_rotation_to_content()
            box = src.mediabox
            w, h = float(box.width), float(box.height)
            s = min((right - left) / w, (top - bottom) / h)
            tx = left + ((right - left) - w * s) / 2 - float(box.left) * s
            ty = bottom + ((top - bottom) - h * s) / 2 - float(box.bottom) * s
            writer.pages[page_no].merge_transformed_page(src, Transformation().scale(s, s).translate(tx, ty))
        except Exception:  # a damaged evidence file must not stop the whole file
            log.exception("could not merge page %s of attachment %s", index, att.pk)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def filename(case: Case) -> str:
    return f"{case.number}卷宗_{timezone.localdate():%Y%m%d}.pdf"
