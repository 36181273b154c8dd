"""What the tests of the public pages share with other areas' tests (the
exchange's tests send the same form to its limits): a test module imports no
other test module (xinfang/core/tests/test_architecture.py)."""

from xinfang.petitions.tests.fixtures import VALID_ID


def form_data(category, place, **over):
    """The public submission form (portal:submit) filled in for one person."""
    data = {
        "submission_token": "tok-" + "a" * 20,
        "who": "person",
        "people_count": "1",
        "purpose": "appeal",
        "category": str(category.pk),
        "place": str(place.pk),
        "summary": "拖欠工资三个月",
        "content": "某公司拖欠我们工资三个月，多次讨要未果。",
        "request": "请求支付工资",
        "consent": "on",
        "p-TOTAL_FORMS": "5",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "5",
        "p-0-name": "张三",
        "p-0-id_number": VALID_ID,
        "p-0-phone": "13812345678",
        "p-0-address": "尚店镇",
    }
    data.update(over)
    return data
