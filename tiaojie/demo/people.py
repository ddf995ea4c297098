"""Generated people and companies: names, valid ID numbers, phones, credit codes.

All draws go through one ``random.Random`` so the demo is deterministic for a given seed.
"""
import datetime as dt
import itertools
import random
from bisect import bisect
from operator import mul

from tiaojie.core.identifiers import CREDIT_CHARS, ID_CHECK, ID_WEIGHTS, credit_check_char
from tiaojie.demo import names as N


class Weighted:
    """Fast repeated weighted choice from ``[(value, weight), …]``."""

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        self.cum = list(itertools.accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect(self.cum, rng.random() * self.total)]


SURNAMES = Weighted(N.SURNAMES)
ETHNICITIES = Weighted(N.ETHNICITIES)
OCCUPATIONS = Weighted(N.OCCUPATIONS)
PHONE_PREFIXES = N.PHONE_PREFIXES


class People:
    def __init__(self, rng: random.Random):
        self.rng = rng

    # The generator draws millions of values: these use ``rng.random()`` directly, which is
    # several times cheaper than ``randint``/``choice`` and just as deterministic.
    def name(self, gender: str | None = None) -> tuple[str, str]:
        r = self.rng.random
        gender = gender or ("男" if r() < 0.52 else "女")
        chars = N.MALE_CHARS if gender == "男" else N.FEMALE_CHARS
        n = len(chars)
        if r() < 0.22:
            given = chars[int(r() * n)]
        else:
            c1, c2 = chars[int(r() * n)], chars[int(r() * n)]
            given = c1 if c1 == c2 else c1 + c2
        return SURNAMES.pick(self.rng) + given, gender

    def birth_date(self, oldest: int = 1942, youngest: int = 2002) -> dt.date:
        lo, hi = dt.date(oldest, 1, 1).toordinal(), dt.date(youngest, 12, 31).toordinal()
        return dt.date.fromordinal(lo + int(self.rng.random() * (hi - lo + 1)))

    def id_number(self, area: str, birth: dt.date, gender: str) -> str:
        seq = int(self.rng.random() * 500) * 2 + (1 if gender == "男" else 0)
        first = f"{area}{birth.year}{birth.month:02d}{birth.day:02d}{seq:03d}"
        return first + ID_CHECK[sum(map(mul, map(int, first), ID_WEIGHTS)) % 11]

    def phone(self) -> str:
        r = self.rng.random
        return PHONE_PREFIXES[int(r() * len(PHONE_PREFIXES))] + f"{int(r() * 100_000_000):08d}"

    def area_for(self, county_code: str) -> str:
        r = self.rng.random
        return county_code if r() < 0.9 else N.OTHER_AREAS[int(r() * len(N.OTHER_AREAS))]

    def credit_code(self, area: str, prefix: str = "91") -> str:
        body = "".join(self.rng.choice(CREDIT_CHARS[:10] if i < 6 else CREDIT_CHARS) for i in range(9))
        first = f"{prefix}{area}{body}"
        return first + credit_check_char(first)

    def company_word(self) -> str:
        return self.rng.choice(N.COMPANY_WORDS)
