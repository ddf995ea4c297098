"""The typical-case panel of the case page (``cases.panels``): nominate a closed case, follow its
typical case, and — for an open case — published typical cases of the same type."""
from tiaojie.cases.models import OPEN_STATUSES
from tiaojie.core.permissions import allowed
from tiaojie.core.scope import Scope
from tiaojie.portal.models import TypicalCase
from tiaojie.portal.selectors import typical_for
from tiaojie.portal.services import nominable


def case_panel(case, user) -> dict | None:
    if case.status in OPEN_STATUSES:
        similar = typical_for(case.dispute_type)
        return {"case": case, "similar": similar} if similar else None
    typical = TypicalCase.objects.filter(case=case).first()
    owns = Scope.of(user).owns(case)
    may_nominate = typical is None and owns and nominable(case) is None and allowed(user, "typical.nominate")
    if typical is None and not may_nominate:
        return None
    return {"case": case, "typical": typical, "may_nominate": may_nominate,
            "may_edit": typical is not None and typical.editable and owns and allowed(user, "typical.edit")}
