"""The gateways that really send (core.notify names the one in use by setting).

- EmailSender: Django's mail over SMTP (settings.MAILERS, env EMAIL_*). The message's stable
  id is its Message-ID header, so a receiver that gets it twice can tell.
- TencentSmsSender: Tencent Cloud SMS through its own SDK
  (tencentcloud-sdk-python-sms, the vendor's library, chosen as one of the two
  gateways Chinese offices commonly contract; Alibaba Cloud's would be a second
  class like this one). Mainland SMS are sent only from a template the vendor has
  approved, with a signature: settings.XINFANG_SMS_TEMPLATES maps each kind of
  message ("receipt", ...) to its template id and the values it takes, which the
  caller passes as `params` to core.notify.send. The message id travels as the
  SessionContext, which the vendor hands back in its receipts.

A gateway raises when the message did not go; core.notify.deliver retries it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from .notify import Message


class GatewayError(Exception):
    """The gateway refused the message (its code and text, no personal data)."""


class EmailSender:
    delivers = True

    def send(self, message: Message) -> None:
        if message.channel != "email":
            raise GatewayError(f"EmailSender cannot send {message.channel}")
        headers = {}
        if message.message_id:
            headers["Message-ID"] = f"<{message.message_id}@xinfang>"
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers=headers,
        ).send(using="default")


def mainland(phone: str) -> str:
    """+86 in front of a mainland mobile number, as the vendor wants it."""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return digits if digits.startswith("+") else f"+86{digits}"


class TencentSmsSender:
    delivers = True

    def __init__(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        conf = settings.XINFANG_TENCENT_SMS
        missing = [k for k in ("secret_id", "secret_key", "sdk_app_id", "sign_name") if not conf[k]]
        if missing:
            raise GatewayError(f"Tencent Cloud SMS is not configured: {', '.join(missing)}")
        http = HttpProfile(
            protocol=conf.get("protocol") or "https", endpoint=conf["endpoint"], reqTimeout=20
        )
        self.conf = conf
        self.client = sms_client.SmsClient(
            credential.Credential(conf["secret_id"], conf["secret_key"]),
            conf["region"],
            ClientProfile(httpProfile=http),
        )

    def send(self, message: Message) -> None:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        if message.channel != "sms":
            raise GatewayError(f"TencentSmsSender cannot send {message.channel}")
        template = settings.XINFANG_SMS_TEMPLATES.get(message.subject)
        if not template:
            raise GatewayError(f"No SMS template for {message.subject!r} (SMS_TEMPLATES)")
        missing = [k for k in template.get("params", []) if k not in message.params]
        if missing:
            raise GatewayError(f"The message lacks the template's values: {', '.join(missing)}")
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.conf["sdk_app_id"]
        request.SignName = self.conf["sign_name"]
        request.TemplateId = str(template["id"])
        request.TemplateParamSet = [str(message.params[k]) for k in template.get("params", [])]
        request.PhoneNumberSet = [mainland(message.to)]
        request.SessionContext = message.message_id
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            raise GatewayError(f"{exc.code}: {exc.message}") from None
        statuses = response.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            status = statuses[0] if statuses else None
            raise GatewayError(
                f"{getattr(status, 'Code', 'NoStatus')}: {getattr(status, 'Message', '')}"
            )
