"""An image CAPTCHA made on the server with Pillow (no network, no third-party service), asked
for once an address has asked for several one-time codes or failed several checks.

The answer is kept in the session as a keyed hash and used once.
"""
import hashlib
import hmac
import io
import secrets

from django.conf import settings
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SESSION_KEY = "p_captcha"
DIGITS = "3456789"  # no 0/1/2 (O, l, Z look-alikes)


def threshold() -> int:
    """Code requests (or failures) from one address in an hour after which the CAPTCHA is asked."""
    return int(getattr(settings, "TIAOJIE_CAPTCHA_AFTER", 3))


def _digest(answer: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"captcha|{answer}".encode(), hashlib.sha256).hexdigest()


def new_challenge(session) -> bytes:
    """Draw a new challenge, remember its answer in the session and return the PNG."""
    answer = "".join(secrets.choice(DIGITS) for _ in range(4))
    session[SESSION_KEY] = _digest(answer)
    img = Image.new("RGB", (160, 56), (245, 247, 250))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        draw.line([(secrets.randbelow(160), secrets.randbelow(56)), (secrets.randbelow(160), secrets.randbelow(56))],
                  fill=(150 + secrets.randbelow(80), 150 + secrets.randbelow(80), 200), width=2)
    font = ImageFont.load_default(size=34)
    for i, ch in enumerate(answer):
        glyph = Image.new("RGBA", (40, 48), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 2), ch, font=font, fill=(20 + secrets.randbelow(60), 40, 120))
        glyph = glyph.rotate(secrets.randbelow(40) - 20, resample=Image.BICUBIC, expand=False)
        img.paste(glyph, (8 + i * 36, 4), glyph)
    for _ in range(120):
        img.putpixel((secrets.randbelow(160), secrets.randbelow(56)), (120, 120, 160))
    img = img.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def check(session, answer: str) -> bool:
    """Whether ``answer`` solves the current challenge; a challenge is used once either way."""
    expected = session.pop(SESSION_KEY, None)
    given = "".join(ch for ch in (answer or "") if ch.isdigit())
    return bool(expected) and hmac.compare_digest(expected, _digest(given))
