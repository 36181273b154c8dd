"""Forms the exchange's tests send to their limits (size, NUL characters,
idempotency) on every way in. A test module imports no other test module
(xinfang/core/tests/test_architecture.py): the public form comes from the
portal's test helpers, the clerk's registration form from the petition area's
fixtures (the same fields its page tests send)."""

from xinfang.petitions.tests.fixtures import form_data
from xinfang.portal.tests.helpers import form_data as public_form_data

# The day the clerk's form is sent: the date received must not lie in the future.
STAFF_TODAY = "2026-11-02"


def staff_form_data(category, place, **over):
    """The clerk's registration form (petitions:register) filled in for one person,
    received on STAFF_TODAY."""
    return form_data(category, place, **{"received_on": STAFF_TODAY, **over})


__all__ = ["STAFF_TODAY", "public_form_data", "staff_form_data"]
