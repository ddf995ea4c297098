"""What an uploaded file really is, judged by its content (never by its name).

Only the types evidence comes in are recognized: images (JPEG, PNG, GIF, WebP), PDF, Office
files (OOXML .docx/.xlsx are zip archives and are checked for their Word/Excel parts; legacy
.doc/.xls are OLE2 compound files and are checked for their WordDocument/Workbook stream) and
audio (MP3, M4A/AAC, WAV, AMR). Anything else (an .exe renamed .pdf, a zip, a script) is
``None``: refused. A small allow-list of signatures is easier to audit than a general library.
"""
import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    mime: str
    ext: str
    label: str
    group: str  # image | pdf | office | audio


JPEG = FileType("image/jpeg", ".jpg", "JPEG图片", "image")
PNG = FileType("image/png", ".png", "PNG图片", "image")
GIF = FileType("image/gif", ".gif", "GIF图片", "image")
WEBP = FileType("image/webp", ".webp", "WebP图片", "image")
PDF = FileType("application/pdf", ".pdf", "PDF文件", "pdf")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word文档", "office")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel表格", "office")
DOC = FileType("application/msword", ".doc", "Word文档（97-2003）", "office")
XLS = FileType("application/vnd.ms-excel", ".xls", "Excel表格（97-2003）", "office")
MP3 = FileType("audio/mpeg", ".mp3", "MP3录音", "audio")
M4A = FileType("audio/mp4", ".m4a", "M4A录音", "audio")
WAV = FileType("audio/wav", ".wav", "WAV录音", "audio")
AMR = FileType("audio/amr", ".amr", "AMR录音", "audio")

ALLOWED_DESCRIPTION = "图片（jpg、png、gif、webp）、PDF、Office文档（docx、xlsx、doc、xls）、录音（mp3、m4a、wav、amr）"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ooxml(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _ole2(data: bytes) -> FileType | None:
    # Directory entries hold stream names in UTF-16LE; Word has "WordDocument", Excel "Workbook" or "Book".
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return XLS
    return None


def _mp3(head: bytes) -> bool:
    if head[:3] == b"ID3":
        return True
    return len(head) > 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) != 0


def sniff(data: bytes) -> FileType | None:
    """The allowed type of ``data`` (the whole file), or None when it is not one we accept."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    if head.startswith(OLE2_MAGIC):
        return _ole2(data)
    if head.startswith(b"#!AMR"):
        return AMR
    if head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"M4B ", b"mp42", b"isom", b"mp41", b"3gp4", b"3gp5"):
        return M4A
    if _mp3(head):
        return MP3
    return None
