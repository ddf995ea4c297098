"""Personal identifiers on a model, declared once (parties, mediators, users).

A model keeps each identifier in columns it declares itself — the encrypted value, an optional
keyed hash for exact look-ups, the masked text for display — and one ``Protected`` attribute
ties them together::

    id_number_enc = models.TextField(blank=True, editable=False)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField("身份证号", max_length=30, blank=True, editable=False)
    id_number = Protected("身份证号", enc="id_number_enc", hash="id_hash", masked="id_masked",
                          mask=mask_id, upper=True)

* ``obj.id_number = "…"`` (also ``Model(id_number="…")`` and ``objects.create(id_number="…")``)
  fills all three columns; nothing keeps the clear value.
* ``obj.id_number`` decrypts (a failure is reported, see ``crypto.decrypt``). Read it only where
  the full value is needed, and then through ``reveal`` (or log with ``log_access``): every
  unmasking is written to the personal-data access log. Pages, exports, admin and the API show
  the masked column.
* ``Model.id_number.q("…")`` is the exact look-up by hash (a ``Q``); ``Model.id_number.hash_of``
  the hash itself.
* ``crypto.encrypted_columns()`` finds every ``Protected`` column, so key rotation and backups
  cover it without a list to keep up to date.
"""
from collections.abc import Callable

from django.db.models import Q

from tiaojie.security import crypto


class Protected(property):
    """An identifier stored encrypted, hashed (optional) and masked. See the module docstring.

    A ``property`` for Django: the model constructor accepts it as a keyword argument."""

    def __init__(self, label: str, *, enc: str, masked: str, mask: Callable[[str], str], hash: str = "",
                 upper: bool = False):
        super().__init__(self._get, self._set)
        self.label, self.enc, self.hash, self.masked_field, self.mask, self.upper = label, enc, hash, masked, mask, upper
        self.name = ""
        self.model = None

    def __set_name__(self, owner, name):
        self.name, self.model = name, owner

    def normalize(self, value) -> str:
        value = str(value or "").strip()
        return value.upper() if self.upper else value

    def _where(self, obj) -> str:
        return f"{obj._meta.verbose_name} #{obj.pk} {self.label}"

    def _get(self, obj) -> str:
        return crypto.decrypt(getattr(obj, self.enc), self._where(obj))

    def _set(self, obj, value) -> None:
        value = self.normalize(value)
        setattr(obj, self.enc, crypto.encrypt(value))
        if self.hash:
            setattr(obj, self.hash, crypto.lookup_hash(value))
        setattr(obj, self.masked_field, self.mask(value))

    def masked(self, obj) -> str:
        return getattr(obj, self.masked_field)

    def hash_of(self, value) -> str:
        return crypto.lookup_hash(self.normalize(value))

    def q(self, value) -> Q:
        """Rows holding exactly ``value`` (by the keyed hash; nothing matches an empty value)."""
        if not self.hash:
            raise TypeError(f"{self.label}没有查找哈希")
        h = self.hash_of(value)
        return Q(**{self.hash: h}) if h else Q(pk__in=[])

    def columns(self) -> dict[str, str]:
        """The clear value's columns, for writing them in bulk (``bulk_update``)."""
        return {k: v for k, v in (("enc", self.enc), ("hash", self.hash), ("masked", self.masked_field)) if v}


def protected_fields(model) -> dict[str, Protected]:
    """The ``Protected`` identifiers of a model (including inherited ones), by attribute name."""
    out = {}
    for klass in reversed(model.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Protected):
                out[name] = value
    return out


def log_access(user, what: str, object_repr: str) -> None:
    """Write one entry of the personal-data access log (个人信息保护法): who saw what, unmasked."""
    from tiaojie.accounts.models import PersonalDataAccess

    PersonalDataAccess.objects.create(user=user, what=what[:100], object_repr=object_repr[:200])


def reveal(user, obj, *names: str, what: str = "", object_repr: str = "") -> dict[str, str]:
    """The clear values of ``obj``'s identifiers ``names`` (all of them when none is given), logged.

    The caller has checked that ``user`` may see them; an object without any of the values
    is not logged (nothing was shown)."""
    fields = protected_fields(type(obj))
    names = names or tuple(fields)
    shown = {n: fields[n].__get__(obj) for n in names if getattr(obj, fields[n].enc)}
    if shown:
        labels = "、".join(fields[n].label for n in names if n in shown)
        log_access(user, what or f"{obj._meta.verbose_name}{labels}", object_repr or f"{obj}（#{obj.pk}）")
    return {n: shown.get(n, "") for n in names}
