"""The upstream exchange's test helpers (test modules do not import each
other): a fake transport, a peer above, the other side's view of a peer, a
signed post and an assignment message."""

import json
import uuid

import pytest

from xinfang.exchange.models import Peer
from xinfang.exchange.upstream import outbound, peers, signing, transport
from xinfang.petitions import services
from xinfang.petitions.tests.fixtures import VALID_ID, unit

URL = "/exchange/upstream/v1/messages/"
KEY = "k" * 40
TOWNSHIP = "410481102"  # 八台镇, where village_a lies


class FakeTransport:
    """Records what it is given; fails the first `failures` tries."""

    sent: list = []
    failures = 0
    refuse = False

    def deliver(self, peer, envelope):
        if FakeTransport.refuse:
            raise transport.Refused("HTTP 422: unknown place")
        if FakeTransport.failures > 0:
            FakeTransport.failures -= 1
            raise ConnectionError("peer down")
        FakeTransport.sent.append((peer.name, envelope.message_id, json.loads(envelope.body)))
        return transport.Receipt(status="accepted")


@pytest.fixture(autouse=True)
def fake(settings):
    settings.XINFANG_EXCHANGE_TRANSPORTS = {"fake": f"{__name__}.FakeTransport"}
    settings.XINFANG_EXCHANGE_MAX_ATTEMPTS = 3
    settings.XINFANG_RETRY_BASE_SECONDS = 30
    FakeTransport.sent, FakeTransport.failures, FakeTransport.refuse = [], 0, False
    yield


def up_peer(**over):
    fields = dict(
        name="city", identity="county", direction="up", transport="fake", base_url="https://c.cn"
    )
    fields.update(over)
    return peers.peer_save(**fields)[0]


def sender_view(receiver_peer: Peer) -> Peer:
    """The same peer as the other side keeps it: names swapped, one key."""
    return Peer(name=receiver_peer.identity, identity=receiver_peer.name, key=receiver_peer.key)


def post(client, peer: Peer, body: bytes, headers=None):
    headers = headers or signing.headers(peer, method="POST", path=URL, body=body)
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def assignment(number="410481-2026-009001", **matter):
    fields = {
        "number": number,
        "upstream_number": "",
        "channel": "visit",
        "purpose": "appeal",
        "category": "0401",
        "place": "410481102001",
        "summary": "拖欠工资三个月",
        "content": "某公司拖欠我们工资三个月，多次讨要未果。",
        "request": "支付工资",
        "people_count": 1,
        "received_on": "2026-11-02",
        "petitioners": [{"name": "张三", "id_number": VALID_ID, "phone": "13812345678"}],
    }
    fields.update(matter)
    return {
        "format": outbound.FORMAT,
        "message_id": str(uuid.uuid4()),
        "kind": "assignment",
        "seq": 1,
        "from": "city",
        "event": {
            "action": "forward",
            "at": "2026-11-02T09:00:00+08:00",
            "data": {"requirement": "十日内核实并报告", "report_back_due": "2026-11-20"},
        },
        "matter": fields,
    }


def encode(message) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8")


def assign_down(people, p):
    """The dispatcher assigns (交办) the matter to 八台镇 with a report back."""
    services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=unit(TOWNSHIP),
        kind="assign",
        handling_requirement="十日内核实并报告",
        report_back_due="2026-11-20",
    )
