"""Timing of the documents (文书) and the 卷宗 of one case.

    .venv/bin/python bench/casefile.py [--runs 3]

Builds a throw-away SQLite database in a temporary directory (migrations, the test world of
``tiaojie.testing``), a case taken through the transitions with 10 mediation sessions, a written
agreement, a follow-up and 10 evidence photos (1600×1200 JPEG, ~0.3 MB each), then times:
one 调解协议书 as PDF and as .docx, and the whole 卷宗 PDF. Results go to bench/README.md by hand.
"""
import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def photo(i: int) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.effect_noise((1600, 1200), 40).convert("RGB")
    draw = ImageDraw.Draw(im)
    for k in range(12):
        draw.rectangle([k * 120, 100 + i * 30, k * 120 + 100, 600 + k * 40], fill=(20 * k, 120, 255 - 20 * k))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="tiaojie-bench-")
    os.environ["TIAOJIE_VAR_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from tests.documents.conftest import full_case
    from tiaojie.documents import casefile
    from tiaojie.documents.render import render_docx, render_pdf
    from tiaojie.documents.services import save_attachment
    from tiaojie.testing import build_world

    world = build_world()
    case = full_case(world, sessions=10)
    user = world.users["township"]
    for i in range(10):
        save_attachment(case, user, SimpleUploadedFile(f"现场照片{i + 1}.jpg", photo(i)), "evidence")
    render_pdf(case, "agreement", user)  # warm up: fonts, templates

    def timed(fn) -> list[float]:
        out = []
        for _ in range(args.runs):
            t = time.perf_counter()
            result = fn()
            out.append(time.perf_counter() - t)
        timed.last = result
        return out

    pdf = timed(lambda: render_pdf(case, "agreement", user))
    docx = timed(lambda: render_docx(case, "agreement", user))
    cf = timed(lambda: casefile.build(case, user))
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(timed.last)).pages)
    (Path(tmp) / "casefile.pdf").write_bytes(timed.last)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, xs in (("调解协议书 PDF", pdf), ("调解协议书 .docx", docx), ("卷宗 PDF (10 sessions, 10 photos)", cf)):
        print(f"{name:36s} median {statistics.median(xs):6.2f} s  min {min(xs):6.2f} s  ({args.runs} runs)")
    print(f"卷宗: {pages} pages, {len(timed.last) / 1048576:.1f} MB  → {tmp}/casefile.pdf")


if __name__ == "__main__":
    main()
