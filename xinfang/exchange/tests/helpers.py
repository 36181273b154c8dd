"""Forms the exchange's tests send to their limits (size, NUL characters,
idempotency) on every way in. A test module imports no other test module
(xinfang/core/tests/test_architecture.py): the public form comes from the
portal's test helpers, the clerk's registration form is filled in here."""

from xinfang.orgs.demo import CITY_RECEPTION
from xinfang.orgs.models import Unit
from xinfang.petitions.tests.fixtures import VALID_ID
from xinfang.portal.tests.helpers import form_data as public_form_data

# The day the clerk's form is sent: the date received must not lie in the future.
STAFF_TODAY = "2026-11-02"


def staff_form_data(category, place, **over):
    """The clerk's registration form (petitions:register) filled in for one person,
    as the petition area's page tests fill it."""
    data = {
        "registering_unit": Unit.objects.get(code=CITY_RECEPTION[0]).pk,
        "channel": "visit",
        "purpose": "appeal",
        "category": category.pk,
        "place": place.pk,
        "received_on": STAFF_TODAY,
        "people_count": "1",
        "summary": "拖欠工资三个月",
        "content": "某公司拖欠我们工资三个月，多次讨要未果。",
        "request": "支付工资",
        "idempotency_key": "8f0c2f0e-3d5a-4f59-9a43-6f1f2a1b0c11",
        "petitioners-TOTAL_FORMS": "5",
        "petitioners-INITIAL_FORMS": "0",
        "petitioners-MIN_NUM_FORMS": "0",
        "petitioners-MAX_NUM_FORMS": "5",
        "petitioners-0-name": "张三",
        "petitioners-0-id_number": VALID_ID,
        "petitioners-0-phone": "13812345678",
        "petitioners-0-address": "八台镇张庄村",
    }
    data.update(over)
    return data


__all__ = ["STAFF_TODAY", "public_form_data", "staff_form_data"]
