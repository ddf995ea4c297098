"""Issue 9: a warning raised while a case sat in the 警民联调室 follows the case to its new
handling committee (sent, accepted, returned), which can then act on it in time."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tiaojie.routing import services as routing
from tiaojie.testing import effects, register_case, sample_case_fields, sample_parties, version_of
from tiaojie.warnings import services
from tiaojie.warnings.models import Warning


def police_room_case_with_warning(world):
    c = register_case(world.users["township"], organization=world.orgs["police"], parties=sample_parties(),
                      **sample_case_fields(world, arose_on=timezone.localdate() - dt.timedelta(days=1)))
    with effects():
        services.set_case_level(c, world.users["township"], version=version_of(c), level="orange",
                                reason="双方扬言报复")
    w = Warning.objects.get(assessment__case=c)
    assert w.origin == w.responsible == world.orgs["police"]
    return c, w


def test_late_police_room_warning_is_re_owned_and_the_new_committee_can_act(world):
    c, w = police_room_case_with_warning(world)
    Warning.objects.filter(pk=w.pk).update(respond_by=timezone.now() - dt.timedelta(hours=1))  # late in the room
    with effects():
        t = routing.transfer_out(c, world.users["township"], to_org=world.orgs["weidong"], reason="疑难，上交",
                                 version=version_of(c))
    with effects():
        routing.accept_transfer(t, world.users["county"], version=version_of(c))
    w.refresh_from_db()
    assert w.origin == w.responsible == world.orgs["weidong"]
    assert w.respond_by > timezone.now()  # the new committee gets its full response time
    assert services.escalate_late_warnings() == 0  # not sent up past the committee that now holds it
    services.acknowledge(w, world.users["county"])
    labels = list(w.events.values_list("label", flat=True))
    assert any("预警随案转移" in x for x in labels) and any("签收时限重新计算" in x for x in labels)


def test_warning_goes_back_when_the_transfer_is_returned(world):
    c, w = police_room_case_with_warning(world)
    with effects():
        t = routing.transfer_out(c, world.users["township"], to_org=world.orgs["weidong"], reason="上交",
                                 version=version_of(c))
    w.refresh_from_db()
    assert w.responsible == world.orgs["weidong"]
    with pytest.raises(PermissionDenied):
        services.acknowledge(w, world.users["police"])
    with effects():
        routing.return_transfer(t, world.users["county"], version=version_of(c), reason="由联调室继续调解")
    w.refresh_from_db()
    assert w.origin == w.responsible == world.orgs["police"]


def test_acceptance_re_owns_the_warning_too(world):
    """Taking the case on is a move of its own: if the hand-over at sending did not happen (the
    after-commit work failed), accepting re-owns the warning."""
    c, w = police_room_case_with_warning(world)
    t = routing.transfer_out(c, world.users["township"], to_org=world.orgs["weidong"], reason="上交",
                             version=version_of(c))  # after-commit effects not run
    w.refresh_from_db()
    assert w.responsible == world.orgs["police"]
    with effects():
        routing.accept_transfer(t, world.users["county"], version=version_of(c))
    w.refresh_from_db()
    assert w.origin == w.responsible == world.orgs["weidong"]
    services.acknowledge(w, world.users["county"])
