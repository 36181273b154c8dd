import logging

import pytest

from xinfang.core import notify
from xinfang.core.models import OutboxMessage
from xinfang.core.notify import LogSender, Message, get_sender, send


class RecordingSender:
    """A gateway stand-in, loaded by its dotted path like a real one."""

    sent: list[dict] = []

    def send(self, message):
        channel, to, subject, body = message.channel, message.to, message.subject, message.body
        RecordingSender.sent.append(
            {"channel": channel, "to": to, "subject": subject, "body": body}
        )


class BrokenSender:
    def send(self, message):
        raise ConnectionError("SMS gateway unreachable")


HERE = __name__


@pytest.fixture(autouse=True)
def empty_outboxes(transactional_db):
    # Each send() is its own transaction here, so its message goes at its commit
    # (the tests run tasks at once, after the commit: settings.TASKS).
    LogSender.outbox.clear()
    RecordingSender.sent.clear()
    yield
    LogSender.outbox.clear()


def test_the_default_sender_logs_and_keeps_the_message(caplog):
    caplog.set_level(logging.INFO, logger="xinfang.notify")
    assert send(channel="sms", to="13812345678", subject="受理告知", body="您的信访事项已受理。")
    [message] = LogSender.outbox
    assert (message.channel, message.to, message.subject, message.body) == (
        "sms",
        "13812345678",
        "受理告知",
        "您的信访事项已受理。",
    )
    # It went through the outbox: one row, "logged" (no gateway), with its id.
    row = OutboxMessage.objects.get()
    assert str(row.pk) == message.message_id and row.state == OutboxMessage.State.LOGGED
    assert row.attempts == 1 and row.sent_at is not None
    [record] = [r for r in caplog.records if r.name == "xinfang.notify"]
    assert record.levelno == logging.INFO
    assert "受理告知" in record.getMessage()
    assert "138****5678" in record.getMessage()


def test_the_log_line_does_not_carry_the_recipient_or_body_in_production(caplog, settings):
    settings.DEBUG = False
    caplog.set_level(logging.INFO, logger="xinfang.notify")
    send(channel="sms", to="13812345678", subject="查询码", body="查询码 ABCD-EFGH-JKMNP")
    send(channel="email", to="zhang.san@example.cn", subject="答复", body="secret body")
    text = caplog.text
    assert "13812345678" not in text and "ABCD-EFGH-JKMNP" not in text
    assert "zhang.san@" not in text and "z***@example.cn" in text
    assert "secret body" not in text


def test_the_log_line_carries_the_body_in_development_with_codes_masked(caplog, settings):
    settings.DEBUG = True
    caplog.set_level(logging.INFO, logger="xinfang.notify")
    send(
        channel="sms",
        to="13812345678",
        subject="查询码",
        body="您的事项编号410481-2026-000012，查询码：ABCD-EFGH-JKMNP。联系电话13987654321。",
    )
    text = caplog.text
    # The query code is a credential: never whole in a log, even in development.
    assert "ABCD-EFGH-JKMNP" not in text and "AB**-****-***NP" in text
    assert "13987654321" not in text and "139****4321" in text
    assert "410481-2026-000012" in text  # the matter's number is no secret


@pytest.mark.parametrize(
    ("given", "logged"),
    [
        ("码ABCDEFGHJKMNP。", "码AB*********NP。"),
        ("code ABCD EFGH JKMNP ok", "code AB** **** ***NP ok"),
        ("身份证41048119550101001X", "身份证410***********001X"),
        ("no code: ABCDEFGHJKMNPQ", "no code: ABCDEFGHJKMNPQ"),  # 14 symbols: not a code
    ],
)
def test_log_lines_mask_query_codes_and_id_numbers(given, logged):
    assert notify.mask_secrets(given) == logged


def test_a_failed_message_does_not_log_a_code_in_its_subject(settings, caplog):
    settings.XINFANG_NOTIFY_SENDER = "xinfang.nowhere.Sender"
    send(channel="fax", to="13812345678", subject="查询码 ABCD-EFGH-JKMNP", body="…")
    assert "ABCD-EFGH-JKMNP" not in caplog.text and "AB**-****-***NP" in caplog.text


def test_a_logged_message_is_accepted_but_not_sent():
    delivery = send(channel="sms", to="13812345678", subject="回执", body="…")
    assert delivery.accepted and delivery.sent is False and delivery.channel == "sms"
    assert notify.will_deliver("sms") is False


def test_a_gateway_message_is_sent(settings):
    settings.XINFANG_SMS_SENDER = f"{HERE}.RecordingSender"
    delivery = send(channel="sms", to="13812345678", subject="回执", body="…")
    assert delivery.accepted and delivery.sent is True
    assert notify.will_deliver("sms") is True
    # Only SMS goes through the gateway named for SMS; e-mail stays in the log.
    assert notify.will_deliver("email") is False
    assert send(channel="email", to="a@example.cn", subject="s", body="b").sent is False
    assert [m["channel"] for m in RecordingSender.sent] == ["sms"]


def test_log_names_the_development_sender(settings):
    settings.XINFANG_NOTIFY_SENDER = "log"
    settings.XINFANG_SMS_SENDER = "log"
    assert isinstance(get_sender("sms"), LogSender)
    assert send(channel="sms", to="13812345678", subject="s", body="b").sent is False


def test_a_misconfigured_sms_sender_promises_nothing(settings):
    settings.XINFANG_SMS_SENDER = "xinfang.nowhere.Sender"
    assert notify.will_deliver("sms") is False


def test_the_outbox_keeps_only_the_last_thousand():
    for i in range(1005):
        send(channel="email", to="a@example.cn", subject=str(i), body="")
    assert len(LogSender.outbox) == 1000
    assert LogSender.outbox[0].subject == "5"
    assert LogSender.outbox[-1].subject == "1004"


def test_the_sender_is_chosen_by_setting(settings):
    settings.XINFANG_NOTIFY_SENDER = f"{HERE}.RecordingSender"
    assert isinstance(get_sender(), RecordingSender)
    assert send(channel="email", to="li@example.cn", subject="答复意见", body="正文")
    assert RecordingSender.sent == [
        {"channel": "email", "to": "li@example.cn", "subject": "答复意见", "body": "正文"}
    ]
    assert LogSender.outbox == []


def test_the_sender_is_built_once_per_setting(settings):
    settings.XINFANG_NOTIFY_SENDER = f"{HERE}.RecordingSender"
    assert get_sender() is get_sender()
    settings.XINFANG_NOTIFY_SENDER = "xinfang.core.notify.LogSender"
    assert isinstance(get_sender(), LogSender)


def test_a_failing_sender_is_logged_and_does_not_raise(settings, caplog):
    settings.XINFANG_NOTIFY_SENDER = f"{HERE}.BrokenSender"
    delivery = send(channel="sms", to="13812345678", subject="受理告知", body="…")
    # Queued (the caller's change stands); the gateway's failure is the worker's.
    assert delivery.accepted is True and delivery.sent is True
    row = OutboxMessage.objects.get()
    assert row.state == OutboxMessage.State.RETRYING and row.attempts == 1
    assert row.last_error == "ConnectionError: SMS gateway unreachable"
    [record] = [r for r in caplog.records if r.name == "xinfang.notify"]
    assert record.levelno == logging.WARNING and "try 2 again" in record.getMessage()
    assert "13812345678" not in caplog.text


def test_a_misconfigured_sender_is_logged_and_does_not_raise(settings, caplog):
    settings.XINFANG_NOTIFY_SENDER = "xinfang.nowhere.Sender"
    delivery = send(channel="sms", to="13812345678", subject="受理告知", body="…")
    assert delivery.accepted is True and delivery.sent is False  # promises nothing
    assert OutboxMessage.objects.get().state == OutboxMessage.State.RETRYING
    assert any(r.levelno == logging.WARNING for r in caplog.records if r.name == "xinfang.notify")


def test_an_unknown_channel_is_logged_and_nothing_is_sent(caplog):
    assert send(channel="fax", to="010-62345678", subject="x", body="y").accepted is False
    assert LogSender.outbox == []
    assert "unknown channel" in caplog.text


def test_a_message_without_a_recipient_is_not_sent():
    assert send(channel="sms", to="", subject="x", body="y").accepted is False
    assert LogSender.outbox == []


def test_a_log_sender_satisfies_the_sender_protocol():
    sender: notify.Sender = LogSender()
    sender.send(Message(channel="sms", to="13812345678", subject="s", body="b"))
    assert LogSender.outbox[-1].to == "13812345678"
