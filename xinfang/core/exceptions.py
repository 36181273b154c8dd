"""Domain errors. Services raise these; one place (core.api / core.views) turns
them into HTTP answers, so a view never decides a status code for a rule."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    default_message = _("The request cannot be carried out.")
    status_code = 400

    def __init__(self, message=None, *, field_errors: dict | None = None):
        self.message = message or self.default_message
        self.field_errors = field_errors or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    """Bad input: answered 400 with field errors; nothing is changed."""

    default_message = _("Some of the information given is not valid.")
    status_code = 400


class PermissionDenied(DomainError):
    """The user may see the object but may not do this to it: 403."""

    default_message = _("You may not do this.")
    status_code = 403


class NotFound(DomainError):
    """The object does not exist or the user may not see it: always 404, never a hint."""

    default_message = _("Not found.")
    status_code = 404


class Conflict(DomainError):
    """The object changed under the user, or the action does not fit its state: 409."""

    default_message = _("The matter has changed in the meantime; reload and try again.")
    status_code = 409


class RateLimited(DomainError):
    default_message = _("Too many requests; please wait a moment and try again.")
    status_code = 429


class PreconditionRequired(DomainError):
    """A change sent without the version the client saw: 428. Without it the
    change would silently overwrite whatever someone else did in the meantime."""

    default_message = _(
        "Send the version you saw (the field “version”), so that no one else's change "
        "is overwritten."
    )
    status_code = 428


class ServiceUnavailable(DomainError):
    """The database cannot be reached for a moment: 503 with Retry-After."""

    default_message = _("The service is briefly unavailable; please try again in a moment.")
    status_code = 503
