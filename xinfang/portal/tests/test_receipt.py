"""The receipt says what really happened to the SMS, and its query code breaks on a
phone only between groups (issue 11). The view passes `sms_sent`
(core.notify.will_deliver("sms")); these render the template directly."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

PETITION = SimpleNamespace(number="410481-2026-000012", received_on=dt.date(2026, 11, 30))
CODE = "ABCD-EFGH-JKMNP"


def receipt(**context) -> str:
    request = RequestFactory().get("/public/receipt/")
    with translation.override("zh-hans"):
        return render_to_string(
            "portal/receipt.html",
            {"petition": PETITION, "code": CODE, **context},
            request=request,
        )


@pytest.mark.parametrize("flag", [{}, {"sms_sent": False}])
def test_without_a_gateway_the_receipt_does_not_claim_an_sms(flag):
    page = receipt(sms_to=["138****5678", "139****4321"], **flag)
    assert "通过短信发送至" not in page
    assert "未向138****5678、139****4321发送短信" in page


def test_with_a_gateway_the_receipt_says_where_the_sms_went():
    page = receipt(sms_to=["138****5678"], sms_sent=True)
    assert "我们已将事项编号和查询码通过短信发送至 138****5678。" in page
    assert "未向" not in page


def test_without_a_phone_the_receipt_says_nothing_of_sms():
    page = receipt(sms_to=[], sms_sent=False)
    assert "短信" not in page.split('id="receipt-title"')[1].split("</section>")[0]


def test_the_query_code_is_shown_in_groups_that_do_not_wrap():
    page = receipt(sms_to=[])
    groups = re.findall(r'<span class="code-group">(\w+)</span>', page)
    assert groups == ["ABCD", "EFGH", "JKMNP"]
    assert CODE in re.sub(r"<[^>]+>", "", page)


def test_the_stylesheet_keeps_each_group_on_one_line():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    assert re.search(r"\.code-group\s*\{[^}]*white-space:\s*nowrap", css)
    code_rules = re.findall(r"\.big-print\.code\s*\{([^}]*)\}", css)
    # "anywhere" let a line break inside a group on a narrow phone.
    assert code_rules and not any("anywhere" in rule or "break-all" in rule for rule in code_rules)
