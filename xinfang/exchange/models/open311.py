"""The Open311 API's own records: the client applications and the requests
they brought (exchange.open311)."""

import hashlib
import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def key_digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


class Open311Client(models.Model):
    """A client application of the Open311 GeoReport v2 API (a city app, a
    WeChat mini-program): it posts requests with its api_key, of which only the
    SHA-256 is kept. Its requests are limited to `rate` (e.g. 30/minute)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    rate = models.CharField(_("rate limit"), max_length=20, default="30/minute")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self):
        return self.name

    @classmethod
    def create_with_key(cls, name: str, rate: str = "30/minute") -> tuple["Open311Client", str]:
        """A new client and its api_key (shown once, never stored)."""
        api_key = secrets.token_urlsafe(24)
        return cls.objects.create(name=name, key_digest=key_digest(api_key), rate=rate), api_key


class Open311Request(models.Model):
    """A matter that came in through Open311: by which client, with which token,
    where, and whether the petitioner agreed to publish its summary (only then is
    it listed by GET requests; an accusation never is)."""

    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, related_name="open311"
    )
    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="requests")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fingerprint = models.CharField(max_length=64, db_index=True)
    public = models.BooleanField(_("published"), default=False)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self):
        return f"{self.client} {self.petition_id}"
