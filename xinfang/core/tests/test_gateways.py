"""The real gateways against local stand-ins of the far end: e-mail to a local
SMTP server (aiosmtpd), SMS through Tencent Cloud's own SDK to a local HTTP
server that answers as the vendor's API does (the SDK signs and posts the
request; the server reads what the vendor would receive)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from xinfang.core.gateways import EmailSender, GatewayError, TencentSmsSender, mainland
from xinfang.core.notify import Message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def test_an_email_goes_to_the_smtp_server_with_its_stable_id(settings):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
            }
        }
        EmailSender().send(
            Message(
                channel="email", to="li@example.cn", subject="答复", body="正文", message_id="m-1"
            )
        )
    finally:
        controller.stop()
    [(to, text)] = inbox.messages
    assert to == ["li@example.cn"] and "Message-ID: <m-1@xinfang>" in text


class VendorApi(BaseHTTPRequestHandler):
    """Answers SendSms like Tencent Cloud's API 3.0 (JSON in, JSON out)."""

    received: list = []
    answer_code = "Ok"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        VendorApi.received.append(
            {
                "action": self.headers.get("X-TC-Action"),
                "auth": self.headers.get("Authorization"),
                **body,
            }
        )
        status = {
            "SerialNo": "2640:1",
            "PhoneNumber": body["PhoneNumberSet"][0],
            "Fee": 1,
            "SessionContext": body.get("SessionContext", ""),
            "Code": VendorApi.answer_code,
            "Message": "send success" if VendorApi.answer_code == "Ok" else "template wrong",
            "IsoCode": "CN",
        }
        data = json.dumps({"Response": {"SendStatusSet": [status], "RequestId": "r-1"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def vendor(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), VendorApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    VendorApi.received, VendorApi.answer_code = [], "Ok"
    settings.XINFANG_TENCENT_SMS = {
        "secret_id": "AKIDtest",
        "secret_key": "secret",
        "region": "ap-guangzhou",
        "sdk_app_id": "1400000000",
        "sign_name": "武冈市信访局",
        "endpoint": f"127.0.0.1:{server.server_address[1]}",
        "protocol": "http",
    }
    settings.XINFANG_SMS_TEMPLATES = {"receipt": {"id": "1234567", "params": ["number", "code"]}}
    yield VendorApi
    server.shutdown()


def receipt(**kwargs):
    return Message(
        channel="sms",
        to="13812345678",
        subject="receipt",
        body="…",
        message_id="m-2",
        params={"number": "WG-1", "code": "ABCD-EFGH-JKMNP"},
        **kwargs,
    )


def test_an_sms_goes_through_the_vendors_sdk_with_template_and_signature(vendor):
    TencentSmsSender().send(receipt())
    [req] = vendor.received
    assert req["action"] == "SendSms" and req["auth"].startswith(
        "TC3-HMAC-SHA256 Credential=AKIDtest/"
    )
    assert req["PhoneNumberSet"] == ["+8613812345678"]
    assert (req["SmsSdkAppId"], req["SignName"], req["TemplateId"]) == (
        "1400000000",
        "武冈市信访局",
        "1234567",
    )
    assert req["TemplateParamSet"] == ["WG-1", "ABCD-EFGH-JKMNP"]
    assert req["SessionContext"] == "m-2"


def test_a_refusal_by_the_vendor_raises_so_the_message_is_tried_again(vendor):
    vendor.answer_code = "FailedOperation.TemplateIncorrectOrUnapproved"
    with pytest.raises(GatewayError, match="TemplateIncorrectOrUnapproved"):
        TencentSmsSender().send(receipt())


def test_a_kind_without_an_approved_template_is_not_sent(vendor, settings):
    settings.XINFANG_SMS_TEMPLATES = {}
    with pytest.raises(GatewayError, match="No SMS template"):
        TencentSmsSender().send(receipt())
    assert vendor.received == []


def test_an_unconfigured_vendor_says_what_is_missing(settings):
    settings.XINFANG_TENCENT_SMS = {
        **settings.XINFANG_TENCENT_SMS,
        "secret_id": "",
        "sign_name": "",
    }
    with pytest.raises(GatewayError, match="not configured: secret_id.*sign_name"):
        TencentSmsSender()


def test_mainland_numbers_get_the_country_code():
    assert mainland("138 1234 5678") == "+8613812345678"
    assert mainland("+85291234567") == "+85291234567"
