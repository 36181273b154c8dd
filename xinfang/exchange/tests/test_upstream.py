"""The upstream exchange (上下级联网, issue 15): signed requests and the replay
window, inbound 交办 registered once, the outbox written in the event's
transaction and delivered in order with backoff, the signed batch file, and the
administrator's page. The two-instance test is test_upstream_e2e.py."""

import datetime as dt
import io
import uuid
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from xinfang.core.exceptions import InvalidInput
from xinfang.exchange.models import ExchangeMessage, InboundMessage, InboundNonce, Peer
from xinfang.exchange.upstream import batch, inbound, outbound, peers, selectors, signing
from xinfang.petitions import services
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.petitions.tests.fixtures import VALID_ID, unit

from .upstream_helpers import (  # noqa: F401 (fake: the autouse fixture)
    KEY,
    TOWNSHIP,
    URL,
    FakeTransport,
    assign_down,
    assignment,
    encode,
    fake,
    post,
    sender_view,
    up_peer,
)

State = ExchangeMessage.State
# --- signatures and replays ---------------------------------------------------------


def test_a_signed_assignment_is_registered_once_and_a_replay_is_refused(client, demo_tree, travel):
    travel("2026-11-03")
    peer = up_peer()
    message = assignment()
    body = encode(message)
    headers = signing.headers(sender_view(peer), method="POST", path=URL, body=body)
    r = post(client, peer, body, headers)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"
    p = Petition.objects.get(upstream_number="410481-2026-009001")
    assert r.json()["number"] == p.number != p.upstream_number
    assert p.received_on == dt.date(2026, 11, 2) and p.due_date is not None
    assert p.petitioners.get().id_number == VALID_ID
    upstream = PetitionEvent.objects.get(petition=p, action="register").data["upstream"]
    assert upstream["requirement"] == "十日内核实并报告"
    assert upstream["report_back_due"] == "2026-11-20" and upstream["peer"] == "city"

    # The very same request again: refused as a replay, nothing changed.
    again = post(client, peer, body, headers)
    assert again.status_code == 401 and again.json()["code"] == "replayed"
    # The same message signed afresh (a retry): answered, kept once.
    retry = post(client, sender_view(peer), body)
    assert retry.status_code == 200 and retry.json()["status"] == "duplicate"
    assert retry.json()["number"] == p.number
    # The same assignment under another message id finds the matter it made.
    other = post(client, sender_view(peer), encode({**message, "message_id": str(uuid.uuid4())}))
    assert other.status_code == 200 and other.json()["number"] == p.number
    assert Petition.objects.filter(upstream_number="410481-2026-009001").count() == 1
    assert InboundMessage.objects.filter(peer=peer).count() == 2


@pytest.mark.parametrize("defect", ["signature", "body", "peer", "stale", "unsigned"])
def test_a_request_that_is_not_authentic_is_refused_and_changes_nothing(
    client, demo_tree, travel, defect
):
    travel("2026-11-03")
    peer = up_peer()
    body = encode(assignment())
    signer = sender_view(peer)
    headers = signing.headers(signer, method="POST", path=URL, body=body)
    if defect == "signature":
        headers[signing.SIGNATURE] = signing.sign("another key" * 4, b"x")
    elif defect == "body":
        body = body.replace("张三".encode(), "李四".encode())
    elif defect == "peer":
        headers[signing.PEER] = "province"
    elif defect == "stale":
        headers = signing.headers(
            signer, method="POST", path=URL, body=body, now=timezone.now().timestamp() - 301
        )
    else:
        headers = {}
    before = Petition.objects.count()
    r = post(client, peer, body, headers)
    assert r.status_code == 401, r.content
    assert r.json()["code"] in {"bad_signature", "stale", "unsigned"} and r.json()["detail"]
    assert Petition.objects.count() == before
    assert not InboundMessage.objects.exists() and not InboundNonce.objects.exists()


def test_content_the_receiver_cannot_register_is_refused_with_422_and_nothing_kept(
    client, demo_tree, travel
):
    travel("2026-11-03")
    peer = up_peer()
    r = post(client, sender_view(peer), encode(assignment(place="999999")))
    assert r.status_code == 422 and "matter.place" in r.json()["fields"]
    r = post(client, sender_view(peer), b"{not json")
    assert r.status_code == 400
    assert not InboundMessage.objects.exists() and not InboundNonce.objects.exists()
    assert not Petition.objects.exists()


def test_only_a_peer_above_assigns_matters(demo_tree, travel):
    travel("2026-11-03")
    below = peers.peer_save(
        name="township", identity="county", direction="down", transport="batch"
    )[0]
    with pytest.raises(InvalidInput):
        inbound.receive(peer=below, message=assignment(), via="https")
    assert not InboundMessage.objects.exists() and not Petition.objects.exists()


# --- the outbox -------------------------------------------------------------------


def test_the_outbox_row_is_written_in_the_events_transaction(register, travel):
    travel("2026-11-02")
    up_peer()
    with pytest.raises(RuntimeError), transaction.atomic():
        register()
        assert ExchangeMessage.objects.count() == 1  # inside, with the event
        raise RuntimeError("the registration fails after all")
    assert not ExchangeMessage.objects.exists() and not Petition.objects.exists()

    p = register()
    m = ExchangeMessage.objects.get()
    assert (m.petition, m.kind, m.seq, m.state, m.event.action) == (
        p,
        "registration",
        1,
        State.PENDING,
        "register",
    )
    assert m.payload == ""  # built at the first send, once the number is taken


def test_the_kept_active_peers_follow_a_peer_set_up_or_stopped(register, travel):
    """Every event asks for the active peers (outbound.active_peers, core.memo):
    a peer set up is written to from the next event, one stopped no more."""
    travel("2026-11-02")
    register()
    assert not ExchangeMessage.objects.exists()  # no peer yet (and the answer kept)
    up_peer()
    register()
    assert ExchangeMessage.objects.count() == 1
    peers.peer_deactivate(name="city")  # an update(): no signal, forgotten by hand
    register()
    assert ExchangeMessage.objects.count() == 1


def test_messages_of_a_matter_go_in_order_with_its_required_fields(people, register, travel):
    travel("2026-11-02")
    up_peer()
    p = register()
    services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=unit(TOWNSHIP),
    )
    first, second = ExchangeMessage.objects.order_by("seq")
    assert (first.kind, second.kind, second.seq) == ("registration", "forward", 2)
    # The second may not overtake the first.
    assert outbound.deliver.call(str(second.pk)) == "waiting"
    assert FakeTransport.sent == []
    assert outbound.deliver.call(str(first.pk)) == State.DELIVERED
    assert outbound.deliver.call(str(second.pk)) == State.DELIVERED
    assert [body["seq"] for _peer, _id, body in FakeTransport.sent] == [1, 2]
    assert [i for _peer, i, _b in FakeTransport.sent] == [str(first.pk), str(second.pk)]
    body = FakeTransport.sent[0][2]
    matter = body["matter"]
    p.refresh_from_db()
    assert matter["number"] == p.number and not matter["number"].startswith("pending")
    assert (matter["category"], matter["place"], matter["received_on"]) == (
        "0401",
        "410481102001",
        "2026-11-02",
    )
    assert matter["petitioners"][0]["id_number"] == VALID_ID
    assert FakeTransport.sent[1][2]["event"]["action"] == "forward"
    # Delivered again: nothing sent twice.
    assert outbound.deliver.call(str(first.pk)) == State.DELIVERED
    assert len(FakeTransport.sent) == 2
    # The payload is encrypted at rest (it names the petitioner).
    with connection.cursor() as c:
        c.execute("SELECT payload FROM exchange_exchangemessage WHERE id = %s", [first.pk.hex])
        raw = c.fetchone()
    assert raw[0] and "张三" not in raw[0]


def test_a_failing_peer_is_tried_again_with_backoff_then_failed_and_retried_by_hand(
    register, travel, client, django_user_model
):
    travel("2026-11-02")
    up_peer()
    register()
    m = ExchangeMessage.objects.get()
    FakeTransport.failures = 3
    start = timezone.now()
    assert outbound.deliver.call(str(m.pk)) == State.RETRYING
    m.refresh_from_db()
    assert (m.attempts, m.last_error) == (1, "ConnectionError: peer down")
    assert (m.next_attempt_at - start).total_seconds() == 30
    assert outbound.deliver.call(str(m.pk)) == State.RETRYING  # too early: not tried
    m.refresh_from_db()
    assert m.attempts == 1
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        assert outbound.deliver.call(str(m.pk)) == State.RETRYING
        m.refresh_from_db()
        assert (m.next_attempt_at - timezone.now()).total_seconds() == 60  # doubled
    with time_machine.travel(start + dt.timedelta(seconds=95), tick=False):
        assert outbound.deliver.call(str(m.pk)) == State.FAILED
    m.refresh_from_db()
    assert (m.state, m.attempts, m.next_attempt_at) == (State.FAILED, 3, None)
    assert FakeTransport.sent == []

    # The administrator sends it again from the page.
    admin = django_user_model.objects.create_superuser("root", "", "Adm1n-Passw0rd-X")
    client.force_login(admin)
    r = client.post(reverse("exchange_upstream:retry", args=[m.pk]))
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.state, m.attempts) == (State.PENDING, 0)
    assert outbound.deliver.call(str(m.pk)) == State.DELIVERED
    assert len(FakeTransport.sent) == 1


def test_a_refused_message_fails_at_once(register, travel):
    travel("2026-11-02")
    up_peer()
    register()
    m = ExchangeMessage.objects.get()
    FakeTransport.refuse = True
    assert outbound.deliver.call(str(m.pk)) == State.FAILED
    m.refresh_from_db()
    assert m.attempts == 1 and "unknown place" in m.last_error


def test_a_forward_into_a_lower_peers_territory_is_sent_down_as_an_assignment(
    people, register, travel
):
    travel("2026-11-02")
    peers.peer_save(
        name="county",
        identity="city",
        direction="down",
        transport="fake",
        base_url="https://county.cn",
        unit=unit(TOWNSHIP),
    )
    p = register()
    assert not ExchangeMessage.objects.exists()  # a registration is not the lower's
    assign_down(people, p)
    m = ExchangeMessage.objects.get()
    assert (m.kind, m.seq) == ("assignment", 1)
    assert outbound.deliver.call(str(m.pk)) == State.DELIVERED
    data = FakeTransport.sent[0][2]["event"]["data"]
    assert data["requirement"] == "十日内核实并报告" and data["report_back_due"] == "2026-11-20"


def test_the_sweep_sends_what_was_left_behind(register, travel, django_capture_on_commit_callbacks):
    travel("2026-11-02")
    up_peer()
    register()
    m = ExchangeMessage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbound.sweep() == 0  # not late yet
    later = timezone.now() + dt.timedelta(minutes=3)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert outbound.sweep() == 1
    m.refresh_from_db()
    assert m.state == State.DELIVERED and len(FakeTransport.sent) == 1


# --- the batch file ---------------------------------------------------------------


def test_a_batch_file_round_trip_is_idempotent_and_a_tampered_file_is_refused(
    people, register, travel, tmp_path
):
    travel("2026-11-02")
    down = peers.peer_save(
        name="county",
        identity="city",
        direction="down",
        transport="batch",
        unit=unit(TOWNSHIP),
    )[0]
    p = register()
    assign_down(people, p)
    m = ExchangeMessage.objects.get()
    assert outbound.deliver.call(str(m.pk)) == "held"  # waits for the clerk
    path = tmp_path / "to-county.zip"
    out = io.StringIO()
    call_command("exchange_export_batch", "county", str(path), stdout=out)
    assert "1 messages" in out.getvalue()
    m.refresh_from_db()
    assert m.state == State.DELIVERED and m.delivered_at is not None

    # The county's side of the same key (this database plays both instances).
    peers.peer_save(name="city", identity="county", direction="up", transport="batch", key=down.key)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("messages/"):
                data = data[:-8] + (b"A" if data[-8:-7] != b"A" else b"B") + data[-7:]
            dst.writestr(info.filename, data)
    before = Petition.objects.count()
    with pytest.raises(InvalidInput):
        batch.import_file(tampered)
    unsigned = tmp_path / "unsigned.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(unsigned, "w") as dst:
        for info in src.infolist():
            if info.filename != batch.SIGNATURE:
                dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(batch.SIGNATURE, "0" * 64)
    with pytest.raises(InvalidInput):
        batch.import_file(unsigned)
    assert Petition.objects.count() == before and not InboundMessage.objects.exists()

    out = io.StringIO()
    call_command("exchange_import_batch", str(path), stdout=out)
    assert "1 received" in out.getvalue()
    made = Petition.objects.get(upstream_number=p.number)
    assert made.pk != p.pk and made.summary == p.summary
    out = io.StringIO()
    call_command("exchange_import_batch", str(path), stdout=out)
    assert "0 received, 1 received before" in out.getvalue()
    assert Petition.objects.filter(upstream_number=p.number).count() == 1
    assert InboundMessage.objects.get().via == "batch"


# --- peers and the administrator's page ------------------------------------------


def test_a_peer_is_set_up_with_a_key_shown_once_and_kept_encrypted(demo_tree):
    out = io.StringIO()
    call_command(
        "exchange_peer",
        "city",
        "--identity",
        "county",
        "--direction",
        "up",
        "--url",
        "https://city.example.gov.cn",
        stdout=out,
    )
    key = out.getvalue().split("shared key: ")[1].split()[0]
    peer = Peer.objects.get(name="city")
    assert peer.key == key and len(key) >= 32
    with connection.cursor() as c:
        c.execute("SELECT \"key\" FROM exchange_peer WHERE name = 'city'")
        assert key not in c.fetchone()[0]
    out = io.StringIO()
    call_command("exchange_peer", "city", "--url", "https://city2.example.gov.cn", stdout=out)
    assert "shared key" not in out.getvalue()
    peer.refresh_from_db()
    assert (peer.key, peer.identity, peer.base_url) == (
        key,
        "county",
        "https://city2.example.gov.cn",
    )


def test_the_administrators_page_shows_peers_messages_and_the_lag(
    client, register, travel, people, django_user_model
):
    travel("2026-11-02")
    peer = up_peer()
    register()
    register()
    first, second = ExchangeMessage.objects.order_by("created_at")
    ExchangeMessage.objects.filter(pk=first.pk).update(
        state=State.DELIVERED, delivered_at=first.created_at + dt.timedelta(seconds=40)
    )
    ExchangeMessage.objects.filter(pk=second.pk).update(state=State.FAILED, last_error="boom")
    url = reverse("exchange_upstream:overview")
    client.force_login(people["supervisor"])
    assert client.get(url).status_code == 404
    client.force_login(django_user_model.objects.create_superuser("root", "", "Adm1n-Passw0rd-X"))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
        page = client.get(url).content.decode()
    assert "city" in page and "boom" in page and "0:00:40" in page
    assert peer.key_fingerprint in page and peer.key not in page
    assert f'action="{reverse("exchange_upstream:retry", args=[second.pk])}"' in page
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_lag_reads_as_a_person_says_it():
    span = selectors.span
    assert span(None) == "—"
    assert span(dt.timedelta(seconds=0.42)) == "0.4 秒"
    assert span(dt.timedelta(seconds=13.64)) == "13 秒"
    assert span(dt.timedelta(minutes=3, seconds=5)) == "3 分钟"
    assert span(dt.timedelta(hours=2, minutes=5)) == "2 小时 5 分钟"
    assert span(dt.timedelta(days=3, hours=4, minutes=1)) == "3 天 4 小时"
