"""50 concurrent public submissions, each retried with its idempotency key, against
a real threaded server: every 201 is a row, no duplicate, never a 500."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from xinfang.orgs.models import Unit
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition


def post(url, body, key):
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_with_retries(live_server, settings):
    call_command("seed_demo", allow_production=True, verbosity=0)
    seed_categories(Category)  # a transactional test starts from empty tables
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "public_lookup": "10000/minute",
            "public_submit": "10000/minute",
            "auth": "100/minute",
        },
    }
    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    place = Unit.objects.get(code="410481102001").pk
    category = Category.objects.get(code="0401").pk
    url = f"{live_server.url}/api/v1/public/petitions"

    def submit(i):
        body = {
            "purpose": "appeal",
            "category": category,
            "place": place,
            "consent": True,
            "summary": f"并发提交{i}",
            "content": "内容",
            "petitioners": [{"name": f"甲{i}"}],
        }
        # Every submission is sent twice at once, as a double tap or a retry would.
        return [post(url, body, f"key-{i}") for _ in range(2)]

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = [r for pair in pool.map(submit, range(50)) for r in pair]
    finally:
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    statuses = [s for s, _body in results]
    assert 500 not in statuses, [b for s, b in results if s >= 500][:3]
    assert set(statuses) <= {200, 201}, statuses
    numbers = {body["number"] for s, body in results}
    assert len(numbers) == 50  # one matter per key, whichever answer came first
    assert Petition.objects.count() == 50
    assert statuses.count(201) == 50
    assert len(set(Petition.objects.values_list("number", flat=True))) == 50
