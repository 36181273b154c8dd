"""Who is a client: forwarded headers count only from trusted proxies, and one
function decides for rate limits, lock-outs and the security record."""

import ipaddress

from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from xinfang.core.clients import client_address, rate_identity, resolve
from xinfang.core.models import RateBucket, SecurityRecord
from xinfang.core.services import record_security_event

LOOKUP = "/api/v1/public/matter"
CODE = {"HTTP_X_QUERY_CODE": "ABCDEFGHJKMNP"}  # an unknown code: 404


def nets(*values):
    return [ipaddress.ip_network(v) for v in values]


def test_without_trusted_proxies_the_header_is_ignored():
    assert resolve("203.0.113.9", "1.2.3.4", []) == "203.0.113.9"


def test_a_client_that_is_not_a_trusted_proxy_cannot_forward():
    assert resolve("203.0.113.9", "1.2.3.4", nets("10.0.0.0/8")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client():
    # The client forged "1.2.3.4"; our proxy appended the address it saw.
    assert resolve("10.0.0.2", "1.2.3.4, 198.51.100.7", nets("10.0.0.0/8")) == "198.51.100.7"


def test_trusted_hops_are_skipped_from_the_right():
    forwarded = "1.2.3.4, 198.51.100.7, 10.0.0.5"
    assert resolve("10.0.0.2", forwarded, nets("10.0.0.0/8")) == "198.51.100.7"


def test_garbage_from_the_client_does_not_replace_the_last_vouched_address():
    assert resolve("10.0.0.2", "not-an-ip", nets("10.0.0.0/8")) == "10.0.0.2"
    assert resolve("10.0.0.2", "evil, 10.0.0.9", nets("10.0.0.0/8")) == "10.0.0.9"


def test_ports_brackets_and_mapped_addresses_are_read():
    trusted = nets("127.0.0.1/32")
    assert resolve("127.0.0.1", "198.51.100.7:5555", trusted) == "198.51.100.7"
    assert resolve("127.0.0.1", "[2001:db8::1]:443", trusted) == "2001:db8::1"
    assert resolve("::ffff:127.0.0.1", "198.51.100.7", trusted) == "198.51.100.7"


def test_ipv6_clients_are_counted_by_their_64_network():
    assert rate_identity("2001:db8:1:2:aaaa::1") == rate_identity("2001:db8:1:2:bbbb::2")
    assert rate_identity("2001:db8:1:3::1") != rate_identity("2001:db8:1:2::1")
    assert rate_identity("198.51.100.7") == "198.51.100.7"


def test_the_settings_refuse_a_malformed_trusted_proxy():
    import os
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={**os.environ, "TRUSTED_PROXIES": "10.0.0.0/8,nonsense"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_a_forged_forwarded_header_does_not_change_who_is_counted(db, settings):
    """The attack: a new X-Forwarded-For on every request was a new client, so no
    public limit held (100 of 100 look-ups passed). Default settings: no proxy."""
    _rates(settings, public_lookup="3/minute")
    api = APIClient()
    codes = [
        api.get(LOOKUP, **CODE, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(6)
    ]
    assert codes == [404, 404, 404, 429, 429, 429]
    assert list(RateBucket.objects.values_list("key", flat=True)) == ["public_lookup:127.0.0.1"]


@override_settings(TRUSTED_PROXIES=nets("127.0.0.1/32"))
def test_behind_a_trusted_proxy_each_real_client_has_its_own_bucket(db, settings):
    _rates(settings, public_lookup="2/minute")
    api = APIClient()

    def lookup(real, forged="9.9.9.9"):
        # What nginx sends: the client's header with the address it saw appended.
        return api.get(LOOKUP, **CODE, HTTP_X_FORWARDED_FOR=f"{forged}, {real}").status_code

    assert [lookup("198.51.100.1", forged=f"9.9.9.{i}") for i in range(3)] == [404, 404, 429]
    assert lookup("198.51.100.2") == 404  # another client is not slowed down
    assert set(RateBucket.objects.values_list("key", flat=True)) == {
        "public_lookup:198.51.100.1",
        "public_lookup:198.51.100.2",
    }


@override_settings(TRUSTED_PROXIES=nets("10.0.0.0/8"))
def test_the_security_record_and_the_lock_out_use_the_same_address(db, make_person, township_a):
    from axes.models import AccessAttempt

    make_person("clerk", township_a, username="li")
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert client_address(request) == "198.51.100.7"
    record = record_security_event(kind=SecurityRecord.Kind.LOGIN_FAILED, request=request)
    assert record.ip_address == "198.51.100.7"

    api = APIClient(REMOTE_ADDR="10.0.0.2")
    api.post(
        "/api/v1/auth/token",
        {"username": "li", "password": "wrong"},
        format="json",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.8",
    )
    assert AccessAttempt.objects.get(username="li").ip_address == "198.51.100.8"
    assert SecurityRecord.objects.filter(kind="login_failed", username="li").get().ip_address == (
        "198.51.100.8"
    )
