"""The errors every layer raises, so that views turn them into Chinese messages in one way.

``DomainError``  a refused write: ``message`` is shown to the user, ``field`` names the form field
                 it concerns (None: a message for the whole form).
``StaleRecord``  the user acted on an old version of the record (someone else changed it).
``Refused``      the user's role or scope does not allow the action (HTTP 403); a
                 ``PermissionDenied`` so that Django answers 403 when a view does not catch it.
"""
from django.core.exceptions import PermissionDenied, ValidationError


class DomainError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_validation_error(self) -> ValidationError:
        """For forms: the message lands on the field it concerns."""
        return ValidationError({self.field: self.message} if self.field else self.message)


class StaleRecord(DomainError):
    pass


class Refused(PermissionDenied):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def form_error(form, exc: DomainError) -> str | None:
    """Put ``exc`` on its field of ``form`` when the form has that field; otherwise return the
    message for the page to show above the form."""
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
        return None
    return exc.message
