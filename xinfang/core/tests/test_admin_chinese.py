"""The admin speaks Chinese throughout: the site's header and title, the
lock-out entries of django-axes, the notice templates by the label of their kind
(issue 11)."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from xinfang.core import documents
from xinfang.core.models import NoticeTemplate

PASSWORD = "Xinfang-Test-2026"

# Words of Django's and django-axes' English that must not reach a Chinese page.
ENGLISH = [
    "Django administration",
    "Django site admin",
    "Site administration",
    ">Xinfang<",
    "Xinfang |",
    "access attempt",
    "Access attempt",
    "Failed Logins",
    "IP Address",
    "Attempt Time",
    "User Agent",
    "Knox",
    "Auth tokens",
    "Auth token",
    "Filter by",
]


@pytest.fixture
def boss(client, db):
    user = get_user_model().objects.create_superuser("root", "", PASSWORD)
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    return client


def page_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def english_on(page: str) -> list[str]:
    return [word for word in ENGLISH if word in page]


def test_the_admin_index_has_a_chinese_header_and_title(boss):
    page = page_text(boss.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert english_on(page) == []
    assert "信访通管理后台" in page  # the header
    assert re.search(r"<title>[^<]*信访通[^<]*</title>", page)
    assert "登录锁定" in page  # django-axes' app, by its Chinese name


@pytest.mark.parametrize(
    "model",
    [
        "core_securityrecord",
        "core_noticetemplate",
        "core_calendaryear",
        "core_calendarfingerprint",
        "axes_accessattempt",
        "knox_authtoken",
    ],
)
def test_each_core_changelist_speaks_chinese(boss, model):
    page = page_text(boss.get(reverse(f"admin:{model}_changelist")))
    assert english_on(page) == [], model


def test_a_lock_out_entry_speaks_chinese(boss):
    attempt = AccessAttempt.objects.create(
        username="feng",
        ip_address="10.0.0.7",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=5,
        get_data="",
        post_data="",
    )
    changelist = page_text(boss.get(reverse("admin:axes_accessattempt_changelist")))
    assert "登录失败记录" in changelist and "失败次数" in changelist
    entry = page_text(boss.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])))
    assert english_on(entry) == []
    for label in ("用户名", "IP 地址", "失败次数", "尝试时间", "浏览器标识", "路径"):
        assert label in entry, label


def test_notice_templates_are_listed_by_the_label_of_their_kind(boss):
    templates = list(NoticeTemplate.objects.all())
    assert templates  # the defaults come with the migrations
    page = page_text(boss.get(reverse("admin:core_noticetemplate_changelist")))
    cells = re.findall(r'<t[hd] class="field-([a-z_]+)"[^>]*>(.*?)</t[hd]>', page, flags=re.S)
    kind_cells = [re.sub(r"<[^>]+>", "", html).strip() for name, html in cells if "kind" in name]
    assert kind_cells
    labels = {str(documents.DOCUMENT_KINDS[t.kind].label) for t in templates}
    codes = {t.kind for t in templates}
    assert set(kind_cells) <= labels
    assert not codes & set(kind_cells)
    # The form offers the kinds by their labels too, not "accept · 受理告知书".
    form = page_text(boss.get(reverse("admin:core_noticetemplate_change", args=[templates[0].pk])))
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', form)
    kind_options = [text for value, text in options if value in documents.DOCUMENT_KINDS]
    assert kind_options and all(text in labels for text in kind_options)
