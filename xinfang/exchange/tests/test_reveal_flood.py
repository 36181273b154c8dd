"""Many reveals of personal data in a short time are refused and reported to the
administrators (issue 9, item 7): 30 reads in 10 minutes, then 429 and an e-mail."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from xinfang.core.models import SecurityRecord
from xinfang.core.notify import LogSender
from xinfang.petitions.tests.fixtures import VALID_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(db):
    User = get_user_model()
    LogSender.outbox.clear()
    User.objects.create_superuser("root", "root@xinfang.example.gov.cn", "Adm1n-Passw0rd-X")
    User.objects.create_superuser("noemail", "", "Adm1n-Passw0rd-X")
    yield
    LogSender.outbox.clear()


def mails():
    return [m for m in LogSender.outbox if m.channel == "email"]


def test_the_31st_reveal_in_10_minutes_is_refused_and_the_administrator_told(
    people, register, travel, api_for, admins, django_capture_on_commit_callbacks
):
    travel("2026-11-02")
    p = register()
    person = p.petitioners.get()
    api = api_for(people["dispatcher"])
    url = f"/api/v1/petitions/{p.pk}/reveal"
    body = {"petitioner": person.pk, "field": "id_number"}

    for _i in range(30):
        assert api.post(url, body, format="json").json()["value"] == VALID_ID
    assert mails() == []
    with django_capture_on_commit_callbacks(execute=True):
        refused = api.post(url, body, format="json")

    assert refused.status_code == 429
    assert "value" not in refused.json()
    assert "30" in refused.json()["detail"] and "10" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 600
    assert SecurityRecord.objects.filter(kind="pii_read").count() == 30
    assert SecurityRecord.objects.filter(kind="pii_refused", user=people["dispatcher"]).count() == 1
    [mail] = mails()
    assert mail.to == "root@xinfang.example.gov.cn" and "t-dispatcher" in mail.body

    # Asking again is refused again, without another e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(url, body, format="json").status_code == 429
    assert len(mails()) == 1
    # Another user is not held back by the first one's reads.
    other = api_for(people["clerk"]).post(url, body, format="json")
    assert other.status_code == 200 and other.json()["value"] == VALID_ID
    # Ten minutes after the reads, it works again.
    later = dt.datetime(2026, 11, 2, 9, 10, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(later, tick=False):
        assert api.post(url, body, format="json").status_code == 200


def test_the_page_answers_a_polite_429(people, register, travel, client, admins):
    travel("2026-11-02")
    p = register()
    person = p.petitioners.get()
    client.force_login(people["dispatcher"])
    url = reverse("petitions:reveal", args=[p.pk, person.pk])

    for _i in range(15):  # the page shows the ID number and the phone: two reads
        assert client.post(url).status_code == 200
    refused = client.post(url)

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert VALID_ID not in refused.content.decode()
    assert "管理员" in refused.content.decode()  # in Chinese, the default language
