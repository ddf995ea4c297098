"""Password rules (等保 2.0 身份鉴别): length from the security policy, three of the four character
classes, not a common password (Django's list plus passwords common in China)."""
import re

from django.core.exceptions import ValidationError

# Frequent in Chinese leaks and easy to guess here: digit runs, pinyin phrases, keyboard walks,
# the platform's own name. Compared in lower case, also with trailing digits/symbols removed.
CHINESE_COMMON = {
    "12345678", "123456789", "1234567890", "0123456789", "11111111", "88888888", "66666666", "00000000",
    "password", "passw0rd", "p@ssw0rd", "p@ssword", "password1", "password123", "admin", "admin123",
    "admin888", "administrator", "root", "abc123", "abc123456", "abc12345", "a123456", "a12345678",
    "aa123456", "qwerty", "qwertyuiop", "qwe123", "qwe123456", "qweasdzxc", "1qaz2wsx", "1q2w3e4r",
    "zxcvbnm", "asdfghjkl", "woaini", "woaini1314", "woaini520", "iloveyou", "5201314", "1314520",
    "woaiwojia", "nihao", "nihao123", "wangyang", "zhangwei", "wodemima", "mima", "mima123",
    "tiaojie", "tiaojie2026", "tiaojie123", "sifaju", "pingdingshan", "zhongguo", "china", "china123",
    "welcome", "letmein", "test", "test123", "guest", "user", "user123", "888888", "123123", "112233",
}
CLASSES = [("小写字母", re.compile(r"[a-z]")), ("大写字母", re.compile(r"[A-Z]")), ("数字", re.compile(r"[0-9]")),
           ("符号", re.compile(r"[^a-zA-Z0-9]"))]


class PolicyLengthValidator:
    """At least the policy's minimum length (10 by default; never less than 8)."""

    def _min(self) -> int:
        from tiaojie.security.policy import current

        return max(current().password_min_length, 8)

    def validate(self, password, user=None):
        n = self._min()
        if len(password) < n:
            raise ValidationError(f"密码太短：至少需要 {n} 个字符。", code="password_too_short")

    def get_help_text(self):
        return f"密码至少 {self._min()} 个字符。"


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        have = [name for name, rx in CLASSES if rx.search(password)]
        if len(have) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类（现有：{'、'.join(have) or '无'}）。",
                code="password_too_simple")

    def get_help_text(self):
        return f"须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


def _core(password: str) -> str:
    return re.sub(r"[\d\W_]+$", "", password.lower())


class ChineseCommonPasswordValidator:
    def validate(self, password, user=None):
        p = password.lower()
        core = _core(p)
        if p in CHINESE_COMMON or (core and core in CHINESE_COMMON) or re.fullmatch(r"(.)\1+|\d+", p) \
                or _is_sequence(p):
            raise ValidationError("这个密码太常见，容易被猜到，请换一个。", code="password_too_common")

    def get_help_text(self):
        return "不能使用常见密码（如 12345678、password、abc123456、woaini1314、qwerty）。"


def _is_sequence(p: str) -> bool:
    """A keyboard or alphabet run such as abcdefghij, 9876543210, qwertyuiop."""
    rows = ["abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
    return len(p) >= 6 and any(p in r or p in r[::-1] for r in rows)
