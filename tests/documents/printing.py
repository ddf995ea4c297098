"""Looking at documents as a clerk would: every page as text and as a PNG (pdftoppm)."""
import html
import io
import re
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"

# A line that belongs to a signature block: who signs, a fingerprint box, the seal, a date.
SIGN_LINE = re.compile(r"(（签名|（盖章|签名或按指印|捺印|^（盖章）$|^\d{4}年\d{1,2}月\d{1,2}日$|^立卷日期|"
                       r"^(申请人|被申请人|第三人|代理人|人民调解员|记录人|登记人|调查人|被调查人|回访人|被回访人|签收人|"
                       r"立卷人|检查人)(：[^，,。；]{1,30})?$)")
# Running header and footer lines: not body text.
FURNITURE = re.compile(r"^(第\d+页(共\d+页)?|共\d+页|.*（续页）.*)$")


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pages_text(pdf: bytes) -> list[str]:
    """Text of each page, one string per page (pdftotext in reading order; pages end with a form feed)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    pages = out.split("\f")
    n = page_count(pdf)
    assert len(pages) >= n, (len(pages), n)
    return pages[:n]


def text_lines(pdf: bytes) -> list[tuple[int, float, str]]:
    """(page, left x in points, text) of every line of text, from ``pdftotext -bbox-layout``."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    lines, page, x, words = [], 0, 0.0, []
    for raw in out.splitlines():
        if "<page " in raw:
            page += 1
        elif m := re.search(r'<line xMin="([\d.]+)"', raw):
            x, words = float(m[1]), []
        elif m := re.search(r"<word[^>]*>(.*)</word>", raw):
            words.append(html.unescape(m[1]))
        elif "</line>" in raw:
            lines.append((page, x, "".join(words)))
    return lines


def body_lines(page: str, furniture: tuple[str, ...] = ()) -> list[str]:
    """The page's lines without spaces, the running header, footer and ``furniture`` (the case number…) left out."""
    lines = ["".join(line.split()) for line in page.splitlines()]
    return [line for line in lines if line and not FURNITURE.match(line) and line not in furniture]


def signature_only(page: str, furniture: tuple[str, ...] = (), seal: tuple[str, ...] = ()) -> bool:
    """True when every line of the page (header and footer aside) is part of a signature block.

    ``furniture`` are lines of the running header (the case number); ``seal`` the lines of the
    seal's text, which belong to the signature block.
    """
    lines = body_lines(page, furniture)
    return bool(lines) and all(SIGN_LINE.search(line) or _is_blank_form(line) or line in seal for line in lines)


def _is_blank_form(line: str) -> bool:
    return set(line) <= set("＿_：:（）() ")


def to_png(pdf: bytes, dest: Path, dpi: int = 60) -> list[Path]:
    """Every page as ``dest-N.png``; returns the files in page order."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    for old in dest.parent.glob(f"{dest.name}-*.png"):
        old.unlink()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", f.name, str(dest)], check=True)
    return sorted(dest.parent.glob(f"{dest.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
