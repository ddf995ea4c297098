"""Uploads checked before any parser touches them.

* .xlsx/.docx (zip archives): the central directory is read (nothing is decompressed) and the
  declared uncompressed sizes are checked — total, per member, number of members — and the
  compression ratio of every large member. Python's ``zipfile`` (used by openpyxl and
  python-docx) never returns more than a member's declared size, so the declared sizes bound
  what a parser can be made to read: a 205 KB file that unpacks to 200 MB is refused in
  milliseconds instead of costing minutes of CPU.
* PDF: the page count, from the page tree (pypdf), against a limit.
"""
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB" if n >= 1048576 else f"{max(n // 1024, 1)} KB"


def zip_limits() -> dict:
    return {
        "max_total": getattr(settings, "TIAOJIE_ZIP_MAX_UNCOMPRESSED", 100 * 1048576),
        "max_member": getattr(settings, "TIAOJIE_ZIP_MAX_MEMBER", 60 * 1048576),
        "max_ratio": getattr(settings, "TIAOJIE_ZIP_MAX_RATIO", 100),
        "max_members": getattr(settings, "TIAOJIE_ZIP_MAX_MEMBERS", 2000),
    }


RATIO_MIN_SIZE = 1048576  # small members may compress extremely well (styles, empty sheets)


def check_zip(data: bytes, what: str = "文件") -> None:
    """Refuse a zip-based Office file whose declared contents are too large or too compressed.

    Raises ``ValidationError`` with a Chinese message; a file that is not a zip at all is left to
    the caller's own parser (which reports it in its own words)."""
    lim = zip_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return
    if len(infos) > lim["max_members"]:
        raise ValidationError(f"{what}内部包含 {len(infos)} 个部件，超过上限 {lim['max_members']}，拒绝处理")
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > lim["max_member"]:
            raise ValidationError(f"{what}解压后过大（其中 {info.filename} 达 {_mb(size)}，上限 {_mb(lim['max_member'])}），"
                                  "拒绝处理。请删除无用的空行空列或分批上传")
        if size >= RATIO_MIN_SIZE and size / packed > lim["max_ratio"]:
            raise ValidationError(f"{what}的压缩比异常（{info.filename} 压缩比 {size // packed}:1），疑似“压缩炸弹”，拒绝处理")
    if total > lim["max_total"]:
        raise ValidationError(f"{what}解压后共 {_mb(total)}，超过上限 {_mb(lim['max_total'])}，拒绝处理。请分批上传")


def pdf_page_limit() -> int:
    return getattr(settings, "TIAOJIE_PDF_MAX_PAGES", 500)


def check_pdf_pages(pages: int | None, what: str = "PDF文件") -> None:
    limit = pdf_page_limit()
    if pages is not None and pages > limit:
        raise ValidationError(f"{what}共 {pages} 页，超过上限 {limit} 页，请拆分后上传")
