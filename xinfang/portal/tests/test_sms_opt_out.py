"""A petitioner stops the SMS about the tracked matter (退订) and takes them
again; a stopped number gets nothing, and the matter's page lists what was
sent with its state (core.notify's outbox)."""

import pytest
from django.urls import reverse

from xinfang.core import notify
from xinfang.core.models import OutboxMessage
from xinfang.core.notify import LogSender
from xinfang.petitions.models import Petition

from .helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(client, demo_tree, category, village_a, django_capture_on_commit_callbacks):
    LogSender.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        receipt = client.post(reverse("portal:submit"), form_data(category, village_a))
    p = Petition.objects.get()
    assert receipt.status_code == 200 and p.number in receipt.content.decode()
    matter = client.post(reverse("portal:track"), {"code": p.query_code})
    assert matter.status_code == 200 and p.number in matter.content.decode()
    return p


def test_the_petitioner_stops_and_resumes_the_sms(client, tracked):
    page = client.get(reverse("portal:sms")).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    r = client.post(reverse("portal:sms"), {"sms": "stop"})
    assert r.status_code == 302 and notify.opted_out("13812345678")
    assert "138****5678" in client.get(reverse("portal:sms")).content.decode()

    notify.send(channel="sms", to="13812345678", subject="receipt", body="…")
    queued = OutboxMessage.objects.order_by("-created_at").first()
    assert notify.deliver.call(str(queued.pk)) == OutboxMessage.State.OPTED_OUT

    client.post(reverse("portal:sms"), {"sms": "start"})
    assert not notify.opted_out("13812345678")
    # Both choices are on the matter's timeline (the clerk sees why no SMS went
    # out); pressing stop twice records it once.
    client.post(reverse("portal:sms"), {"sms": "stop"})
    client.post(reverse("portal:sms"), {"sms": "stop"})
    actions = list(tracked.events.order_by("at", "id").values_list("action", flat=True))
    assert actions[-3:] == ["sms_stopped", "sms_resumed", "sms_stopped"]


def test_the_sms_page_needs_a_tracked_matter(client, db):
    assert client.get(reverse("portal:sms")).url == reverse("portal:track")
    assert client.post(reverse("portal:sms"), {"sms": "stop"}).url == reverse("portal:track")


def test_the_matter_page_lists_the_messages_sent_about_it(client, tracked, people):
    [receipt] = OutboxMessage.objects.filter(topic=f"petition:{tracked.pk}")
    assert receipt.state == OutboxMessage.State.LOGGED and receipt.channel == "sms"
    client.force_login(people["dispatcher"])
    page = client.get(reverse("petitions:detail", args=[tracked.pk])).content.decode()
    assert "messages-panel" in page and "138****5678" in page
    assert tracked.query_code not in page  # the text (with the code) is not shown
    client.force_login(people["handler_b"])  # another township: not even the page
    assert client.get(reverse("petitions:detail", args=[tracked.pk])).status_code == 404
