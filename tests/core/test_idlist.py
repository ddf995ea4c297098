"""``field__among=[ids]`` (tiaojie.core.idlist): the same rows as ``__in``, the list sent as one parameter."""
from django.db.models import Q

from tiaojie.orgs.models import Organization


def test_among_finds_what_in_finds(world):
    ids = sorted(Organization.objects.values_list("pk", flat=True))
    some = ids[::2]
    assert sorted(Organization.objects.filter(pk__among=some).values_list("pk", flat=True)) == some
    assert list(Organization.objects.filter(pk__among=[]).values_list("pk", flat=True)) == []
    # OR-ed with another condition, and under a negation
    either = Organization.objects.filter(Q(pk__among=some[:1]) | Q(pk=ids[1])).values_list("pk", flat=True)
    assert sorted(either) == sorted({some[0], ids[1]})
    assert sorted(Organization.objects.exclude(pk__among=some).values_list("pk", flat=True)) == ids[1::2]
    # far more ids than SQLite allows placeholders in one statement (32,766)
    many = some + list(range(10**9, 10**9 + 40_000))
    assert sorted(Organization.objects.filter(pk__among=many).values_list("pk", flat=True)) == some
