"""The upstream exchange attacked: as an outsider, and as a malicious or buggy
peer. Each test is a hole found in review (see the commit that fixed it)."""

import hashlib
import io
import json
import threading
import urllib.error
import urllib.request
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinfang.core.exceptions import InvalidInput
from xinfang.exchange.models import ExchangeMessage, InboundMessage, InboundNonce, Peer
from xinfang.exchange.upstream import batch, inbound, outbound, peers, signing, transport
from xinfang.petitions import permissions
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition
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

VILLAGE = "410481102001"  # 张庄村, in 八台镇


def nothing_kept():
    return (
        not InboundMessage.objects.exists()
        and not InboundNonce.objects.exists()
        and not Petition.objects.exists()
    )


# --- signatures -------------------------------------------------------------------


def test_the_query_string_is_signed(client, demo_tree, travel):
    travel("2026-11-03")
    peer = up_peer()
    body = encode(assignment())
    headers = signing.headers(sender_view(peer), method="POST", path=URL, body=body)
    r = client.post(URL + "?dry=1", data=body, content_type="application/json", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    headers = signing.headers(sender_view(peer), method="POST", path=URL, query="x=1", body=body)
    r = client.post(URL + "?x=1", data=body, content_type="application/json", headers=headers)
    assert r.status_code == 200, r.content


def test_a_request_cannot_be_passed_off_as_another_peers_holding_the_same_key(
    client, demo_tree, travel
):
    """Two peers set up with one key (an administrator pasted it twice): a request
    of the lower one relabelled as the upper one's must not assign a matter."""
    travel("2026-11-03")
    up_peer(key=KEY)
    below = peers.peer_save(
        name="township", identity="county", direction="down", transport="batch", key=KEY
    )[0]
    body = encode(assignment())
    headers = signing.headers(sender_view(below), method="POST", path=URL, body=body)
    headers[signing.PEER] = "city"
    r = post(client, below, body, headers)
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    assert nothing_kept()


@pytest.mark.parametrize(
    "header,value",
    [
        (signing.SIGNATURE, "é" * 64),  # not ASCII: compare_digest raised TypeError (500)
        (signing.SIGNATURE, "zz"),
        (signing.TIMESTAMP, "9" * 400),  # float - huge int: OverflowError (500)
        (signing.TIMESTAMP, "1_700_000_000"),  # int() took it
        (signing.TIMESTAMP, " 1700000000"),
        (signing.TIMESTAMP, "-1"),
        (signing.NONCE, "a" * 65),
        (signing.NONCE, "short"),
        (signing.NONCE, "ä" * 20),
    ],
)
def test_malformed_signature_headers_are_refused_with_401_never_a_500(
    demo_tree, travel, header, value
):
    travel("2026-11-03")
    peer = up_peer()
    body = encode(assignment())
    headers = signing.headers(sender_view(peer), method="POST", path=URL, body=body)
    headers[header] = value
    if header != signing.SIGNATURE:  # signed as given: only the format refuses it
        data = signing.canonical(
            "POST", URL, headers[signing.TIMESTAMP], headers[signing.NONCE], body, peer="county"
        )
        headers[signing.SIGNATURE] = signing.sign(peer.key, data)
    client = Client(raise_request_exception=False)
    r = post(client, peer, body, headers)
    assert r.status_code == 401, r.content
    assert r.json()["code"] in {"bad_signature", "bad_timestamp", "stale"}
    assert nothing_kept()


def test_an_unknown_or_inactive_peer_gets_the_answer_of_a_bad_signature(client, demo_tree, travel):
    travel("2026-11-03")
    peer = up_peer()
    peers.peer_deactivate(name="city")
    body = encode(assignment())
    r = post(client, sender_view(peer), body)
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    assert nothing_kept()


def test_a_deactivated_peer_is_not_let_back_in_by_a_change(client, demo_tree, travel):
    """Stopped because its key leaked: a new address must not reactivate it."""
    travel("2026-11-03")
    peer = up_peer()
    call_command("exchange_peer", "city", "--deactivate", stdout=io.StringIO())
    out = io.StringIO()
    call_command("exchange_peer", "city", "--url", "https://new.c.cn", stdout=out)
    assert "deactivated" in out.getvalue()
    assert not Peer.objects.get(name="city").is_active
    r = post(client, sender_view(peer), encode(assignment()))
    assert r.status_code == 401 and nothing_kept()
    call_command("exchange_peer", "city", "--activate", stdout=io.StringIO())
    assert Peer.objects.get(name="city").is_active


def test_a_peer_without_a_key_accepts_nothing_signed_with_an_empty_key(client, demo_tree, travel):
    travel("2026-11-03")
    Peer.objects.create(name="city", identity="county", direction="up", transport="https")
    body = encode(assignment())
    signer = Peer(name="county", identity="city", key="")
    r = post(client, signer, body)
    assert r.status_code == 401 and nothing_kept()


# --- malformed bodies ---------------------------------------------------------------


def signed_post(client, peer, body: bytes):
    return post(client, sender_view(peer), body)


def test_deeply_nested_json_is_a_clear_400(demo_tree, travel):
    travel("2026-11-03")
    peer = up_peer()
    client = Client(raise_request_exception=False)
    body = b"[" * 100_000 + b"]" * 100_000
    r = signed_post(client, peer, body)
    assert r.status_code == 400, r.status_code
    assert r["Content-Type"].startswith("application/json") and r.json()["detail"]
    assert nothing_kept()


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_a_body_past_the_limit_is_a_json_refusal(demo_tree, travel, content_type):
    travel("2026-11-03")
    peer = up_peer()
    client = Client(raise_request_exception=False)
    body = encode(assignment(content="长" * 1_000_000))  # 3 MB of UTF-8
    headers = signing.headers(sender_view(peer), method="POST", path=URL, body=body)
    r = client.post(URL, data=body, content_type=content_type, headers=headers)
    assert r.status_code in (400, 413), r.status_code
    assert r["Content-Type"].startswith("application/json") and r.json()["detail"]
    assert nothing_kept()


@pytest.mark.parametrize("url", ["/api/v1/public/petitions", "/api/v1/auth/token"])
def test_deeply_nested_json_is_a_400_on_the_api_too(db, url):
    """The NUL guard parsed every JSON body before any view: an outsider's
    '[' * 100000 was a 500 on every endpoint."""
    client = Client(raise_request_exception=False)
    r = client.post(url, data=b"[" * 100_000, content_type="application/json")
    assert r.status_code == 400, r.status_code
    assert r.json()["detail"]


def matter_with(**fields):
    return assignment(**fields)


BAD_MESSAGES = {
    "kind is a list": lambda: {**assignment(), "kind": ["assignment"]},
    "event is a list": lambda: {**assignment(), "event": ["x"]},
    "event data is a string": lambda: {**assignment(), "event": {"data": "x"}},
    "message id is a number": lambda: {**assignment(), "message_id": 12},
    "number is an object": lambda: matter_with(number={"a": 1}),
    "people count is huge": lambda: matter_with(people_count=10**30),
    "people count is a string": lambda: matter_with(people_count="3"),
    "people count is true": lambda: matter_with(people_count=True),
    "accusation flag is the string false": lambda: matter_with(accusation="false"),
    "summary is a list": lambda: matter_with(summary=["a"]),
    "petitioner name is a number": lambda: matter_with(petitioners=[{"name": 5}]),
    "petitioner is a string": lambda: matter_with(petitioners=["张三"]),
    "no petitioner": lambda: matter_with(petitioners=[]),
    "bad ID number": lambda: matter_with(petitioners=[{"name": "张三", "id_number": "123"}]),
    "bad phone": lambda: matter_with(petitioners=[{"name": "张三", "phone": "12"}]),
    "unknown channel": lambda: matter_with(channel="pigeon"),
    "received on is a number": lambda: matter_with(received_on=20261102),
    "received in year 1": lambda: matter_with(received_on="0001-01-01"),
    "received long ago": lambda: matter_with(received_on="2020-05-01"),
    "report back due is no date": lambda: {
        **assignment(),
        "event": {"data": {"report_back_due": "soon"}},
    },
    "unknown category": lambda: matter_with(category="9999"),
    "place is a petition office": lambda: matter_with(place="410481-XF"),
    "unknown accused unit": lambda: matter_with(accusation=True, accused_unit="000000"),
    "bidi override in a name": lambda: matter_with(
        petitioners=[{"name": "张\u202e三", "id_number": VALID_ID}]
    ),
    "control character": lambda: matter_with(summary="欠薪\x07"),
}


@pytest.mark.parametrize("case", sorted(BAD_MESSAGES))
def test_wrong_types_and_values_are_refused_with_422_and_nothing_kept(demo_tree, travel, case):
    travel("2026-11-03")
    peer = up_peer()
    client = Client(raise_request_exception=False)
    r = signed_post(client, peer, encode(BAD_MESSAGES[case]()))
    assert r.status_code == 422, (r.status_code, r.content)
    assert r.json()["code"] == "refused" and r.json()["detail"]
    assert nothing_kept()


@pytest.mark.parametrize("text", ["欠薪\\u0000", "欠薪\\ud800"])
def test_nul_and_lone_surrogates_are_refused_as_json_not_a_500(demo_tree, travel, text):
    travel("2026-11-03")
    peer = up_peer()
    client = Client(raise_request_exception=False)
    body = encode(assignment(summary="@@")).replace(b"@@", text.encode())
    r = signed_post(client, peer, body)
    assert r.status_code in (400, 422), (r.status_code, r.content)
    assert r["Content-Type"].startswith("application/json") and r.json()["detail"]
    assert nothing_kept()


# --- what inbound messages may do ---------------------------------------------------


def test_a_peer_cannot_tie_its_messages_to_a_matter_it_was_never_sent(register, travel):
    travel("2026-11-03")
    mine = register()  # no peer then: nothing was sent about it
    below = peers.peer_save(
        name="county", identity="city", direction="down", transport="batch", unit=unit(TOWNSHIP)
    )[0]
    message = {**assignment(), "kind": "reply"}
    message["matter"]["upstream_number"] = mine.number
    outcome = inbound.receive(peer=below, message=message, via="https")
    assert outcome.status == "accepted" and outcome.receipt.petition is None
    assert outcome.as_json()["number"] == ""


def test_the_same_number_from_two_upper_peers_makes_two_matters(demo_tree, travel):
    travel("2026-11-03")
    city = up_peer()
    province = up_peer(name="province", base_url="https://p.cn")
    a = inbound.receive(peer=city, message=assignment(number="2026-1"), via="https")
    b = inbound.receive(peer=province, message=assignment(number="2026-1"), via="https")
    assert a.receipt.petition_id != b.receipt.petition_id
    again = inbound.receive(peer=city, message=assignment(number="2026-1"), via="https")
    assert again.status == "accepted" and again.receipt.petition_id == a.receipt.petition_id


def test_an_accusation_from_above_keeps_whom_it_accuses(people, demo_tree, travel):
    """The upper system accuses 八台镇; here too its members never see it."""
    travel("2026-11-03")
    peer = up_peer()
    message = assignment(purpose="accusation", accused_unit=TOWNSHIP, accused_name="王五")
    p = inbound.receive(peer=peer, message=message, via="https").receipt.petition
    assert p.accusation and p.accused_unit.code == TOWNSHIP and p.accused_name == "王五"
    handler = people["handler"]  # a member of 八台镇
    assert not permissions.may_see(handler, p)
    assert not permissions.visible(handler).filter(pk=p.pk).exists()


# --- outbound: what goes down -----------------------------------------------------


def county_below(transport="fake"):
    return peers.peer_save(
        name="county",
        identity="city",
        direction="down",
        transport=transport,
        base_url="https://county.cn",
        unit=unit(TOWNSHIP),
    )[0]


def test_an_accusation_is_not_sent_down_to_the_side_of_the_unit_it_accuses(
    people, register, travel
):
    travel("2026-11-02")
    county_below()
    p = register(purpose="accusation", accused_unit=unit(VILLAGE))
    assign_down(people, p)  # to 八台镇, which is not accused, but serves 张庄村
    assert not ExchangeMessage.objects.filter(kind="assignment").exists()


def test_an_accusation_of_a_person_with_a_post_on_the_lower_side_is_not_sent_down(
    people, register, travel, demo_tree
):
    travel("2026-11-02")
    county_below()
    # 八台镇's handler is accused by name; the matter goes to 八台镇 all the same
    # if the forward allowed it, but the lower instance is theirs.
    p = register(purpose="accusation", accused_unit=demo_tree["410481101"])
    Petition.objects.filter(pk=p.pk).update(accused_user=people["handler_b"])
    p.refresh_from_db()
    assert outbound._accused_below(Peer.objects.get(name="county"), p) is False
    Petition.objects.filter(pk=p.pk).update(accused_unit=None, accused_user=people["handler"])
    p.refresh_from_db()
    assert outbound._accused_below(Peer.objects.get(name="county"), p) is True


def test_an_accusation_sent_down_carries_no_identity_the_office_did_not_release(
    people, register, travel, demo_tree
):
    travel("2026-11-02")
    county_below()
    p = register(purpose="accusation", accused_unit=demo_tree["410481101"])  # another town
    assign_down(people, p)
    m = ExchangeMessage.objects.get(kind="assignment")
    assert outbound.deliver.call(str(m.pk)) == "delivered"
    body = json.dumps(FakeTransport.sent[0][2], ensure_ascii=False)
    assert VALID_ID not in body and "13812345678" not in body and "张三" not in body
    assert FakeTransport.sent[0][2]["matter"]["petitioners"][0]["name"] == "张*"


def test_the_accused_unit_goes_up_with_an_accusation(register, travel, demo_tree):
    travel("2026-11-02")
    up_peer()
    p = register(purpose="accusation", accused_unit=demo_tree["410481101"], accused_name="王五")
    m = ExchangeMessage.objects.get()
    assert outbound.deliver.call(str(m.pk)) == "delivered"
    sent = FakeTransport.sent[0][2]["matter"]
    assert sent["accused_unit"] == "410481101" and sent["accused_name"] == "王五"
    assert sent["petitioners"][0]["id_number"] == VALID_ID  # up: the full record
    assert p.number == sent["number"]


# --- the batch file -----------------------------------------------------------------


def signed_file(
    tmp_path, peer_key, entries, members, name="f.zip", manifest_over=None, encrypt=True
):
    cipher = batch._cipher(Peer(key=peer_key))
    manifest = {
        "format": batch.FORMAT,
        "from": "city",
        "to": "county",
        "created_at": timezone.now().isoformat(),
        "messages": entries,
        **(manifest_over or {}),
    }
    data = json.dumps(manifest).encode()
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for member, body in members:
            z.writestr(member, cipher.encrypt(body) if encrypt else body)
        z.writestr(batch.MANIFEST, data)
        z.writestr(batch.SIGNATURE, signing.sign(peer_key, data))
    return path


def test_a_batch_member_that_inflates_beyond_its_declared_size_is_refused(
    demo_tree, travel, tmp_path, settings
):
    travel("2026-11-03")
    settings.XINFANG_EXCHANGE_BATCH_MAX_BYTES = 100_000
    peer = up_peer(transport="batch", base_url="")
    body = b"{" + b" " * 5_000_000 + b"}"
    entry = {"name": "messages/1.json", "message_id": "x", "sha256": "0" * 64}
    path = signed_file(tmp_path, peer.key, [entry], [("messages/1.json", body)], encrypt=False)
    # Lie about the size in the central directory and the local header.
    raw = bytearray(path.read_bytes())
    size = (len(body)).to_bytes(4, "little")
    raw = raw.replace(size, (10).to_bytes(4, "little"))
    path.write_bytes(bytes(raw))
    with pytest.raises(InvalidInput):
        batch.import_file(path)
    assert nothing_kept()


@pytest.mark.parametrize(
    "defect", ["signature", "entries", "twice", "crc", "other key", "extra", "missing"]
)
def test_a_malformed_batch_file_is_refused_cleanly(demo_tree, travel, tmp_path, defect):
    travel("2026-11-03")
    peer = up_peer(transport="batch", base_url="")
    message = assignment()
    key = "another key, of the province, long enough" if defect == "other key" else peer.key
    body = batch._cipher(Peer(key=key)).encrypt(encode(message))
    entry = {
        "name": "messages/1.json",
        "message_id": message["message_id"],
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    path = signed_file(
        tmp_path,
        key,
        [entry] if defect != "entries" else {"a": 1},
        [("messages/1.json", body)],
        encrypt=False,
    )
    if defect == "signature":  # not ASCII: compare_digest raised TypeError
        with zipfile.ZipFile(path) as src:
            members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
        with zipfile.ZipFile(path, "w") as dst:
            for n, b in members:
                dst.writestr(n, "é" * 64 if n == batch.SIGNATURE else b)
    elif defect == "twice":
        with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning):
            z.writestr("messages/1.json", encode(assignment()))
    elif defect == "extra":  # a name that would climb out of a folder, not named
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("../../etc/cron.d/x", b"* * * * * root true")
    elif defect == "missing":
        with zipfile.ZipFile(path) as src:
            members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
        with zipfile.ZipFile(path, "w") as dst:
            for n, b in members:
                if n != "messages/1.json":
                    dst.writestr(n, b)
    elif defect == "crc":
        raw = bytearray(path.read_bytes())
        at = raw.find(b"messages/1.json") + len("messages/1.json") + 5
        raw[at] ^= 0xFF  # a byte of the compressed member
        path.write_bytes(bytes(raw))
    out = io.StringIO()
    with pytest.raises(Exception) as caught:
        call_command("exchange_import_batch", str(path), stdout=out)
    assert type(caught.value).__name__ == "CommandError", repr(caught.value)
    assert nothing_kept()


def test_a_batch_file_lost_on_the_way_shows_no_ones_data_and_still_imports(
    people, register, travel, tmp_path
):
    travel("2026-11-02")
    down = county_below(transport="batch")
    p = register()
    assign_down(people, p)
    path = tmp_path / "to-county.zip"
    call_command("exchange_export_batch", "county", str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as z:
        everything = b"".join(z.read(n) for n in z.namelist()) + path.read_bytes()
    for secret in (VALID_ID, "13812345678", "张三", p.content):
        assert secret.encode() not in everything
    # A valid member of a good file: the same message, the same key, other bytes
    # (a Fernet token differs each time) and the matter arrives.
    peers.peer_save(name="city", identity="county", direction="up", transport="batch", key=down.key)
    result = batch.import_file(path)
    assert result.accepted == 1 and not result.refused
    made = Petition.objects.get(upstream_number=p.number)
    assert made.petitioners.get().id_number == VALID_ID


# --- the administrator's page ------------------------------------------------------


def test_the_retry_button_needs_the_csrf_token(register, travel, django_user_model):
    travel("2026-11-02")
    up_peer()
    register()
    m = ExchangeMessage.objects.get()
    ExchangeMessage.objects.filter(pk=m.pk).update(state="failed", last_error="x")
    root = django_user_model.objects.create_superuser("root", "", "Adm1n-Passw0rd-X")
    client = Client(enforce_csrf_checks=True)
    client.force_login(root)
    r = client.post(reverse("exchange_upstream:retry", args=[m.pk]))
    assert r.status_code == 403
    m.refresh_from_db()
    assert m.state == "failed"


def test_the_page_and_the_log_show_no_personal_data_of_the_matters(
    client, register, travel, django_user_model, people, caplog
):
    travel("2026-11-02")
    peer = up_peer()
    register()
    m = ExchangeMessage.objects.get()
    FakeTransport.refuse = True
    assert outbound.deliver.call(str(m.pk)) == "failed"
    m.refresh_from_db()
    # A peer's answer that echoes the petitioner's data back.
    outbound._failed(m, transport.Refused(f"HTTP 422: bad id {VALID_ID} phone 13812345678"))
    assert VALID_ID not in caplog.text and "13812345678" not in caplog.text
    inbound.receive(peer=peer, message=assignment(number="2026-7"), via="https")
    client.force_login(people["dispatcher"])
    assert client.get(reverse("exchange_upstream:overview")).status_code == 404
    client.force_login(django_user_model.objects.create_superuser("root", "", "Adm1n-Passw0rd-X"))
    page = client.get(reverse("exchange_upstream:overview")).content.decode()
    for secret in (VALID_ID, "13812345678", "张三", peer.key):
        assert secret not in page


# --- what the sender takes as delivered -------------------------------------------


@pytest.fixture
def fake_receiver():
    """A local HTTP server answering each POST with the next of `answers`."""
    answers = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            status, headers, body = answers.pop(0)(self.headers)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", answers
    server.shutdown()


def test_only_the_receivers_receipt_of_this_message_counts_as_delivered(
    register, travel, fake_receiver, settings
):
    travel("2026-11-02")
    settings.XINFANG_EXCHANGE_MAX_ATTEMPTS = 10
    url, answers = fake_receiver
    up_peer(transport="https", base_url=url)
    register()
    m = ExchangeMessage.objects.get()
    answers.append(lambda h: (200, {}, b'{"status": "ok"}'))  # a proxy's 200
    answers.append(lambda h: (302, {"Location": url + "/elsewhere"}, b""))
    answers.append(
        lambda h: (200, {}, json.dumps({"status": "accepted", "message_id": "x"}).encode())
    )
    answers.append(
        lambda h: (200, {}, json.dumps({"status": "accepted", "message_id": str(m.pk)}).encode())
    )
    for _ in range(3):
        ExchangeMessage.objects.filter(pk=m.pk).update(next_attempt_at=None)
        assert outbound.deliver.call(str(m.pk)) == "retrying"
    ExchangeMessage.objects.filter(pk=m.pk).update(next_attempt_at=None)
    assert outbound.deliver.call(str(m.pk)) == "delivered"
    assert not answers


# --- concurrent duplicate deliveries ----------------------------------------------


def raw_post(url, body, headers):
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.mark.django_db(transaction=True)
def test_the_same_assignment_delivered_twice_at_once_makes_one_matter(live_server, settings):
    call_command("seed_demo", allow_production=True, verbosity=0)
    seed_categories(Category)
    peer = up_peer()
    message = assignment(received_on=timezone.localdate().isoformat())
    same_id = encode(message)
    other_id = encode({**message, "message_id": str(uuid.uuid4())})
    bodies = [same_id] * 4 + [other_id] * 4

    def go(body):
        headers = signing.headers(sender_view(peer), method="POST", path=URL, body=body)
        return raw_post(live_server.url + URL, body, headers)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(go, bodies))
    assert all(status == 200 for status, _ in answers), answers
    assert Petition.objects.filter(upstream_number=message["matter"]["number"]).count() == 1
    assert InboundMessage.objects.count() == 2
    assert {a["status"] for _, a in answers} == {"accepted", "duplicate"}
    assert len({a["number"] for _, a in answers}) == 1
    assert Peer.objects.get().is_active
