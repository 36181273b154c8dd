"""What the review of the supervision pages found: the letter greets the unit with
one colon, and the chase form names its choice as the kind of letter, not "来信"."""

import pytest
from django.urls import reverse

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.supervision import services

from .helpers import pdf_text

pytestmark = pytest.mark.django_db


def _listed(sv, p):
    listing, _ = services.listing_create(
        actor=sv["supervisor"],
        petition_id=p.pk,
        colour="yellow",
        reason="群众反映强烈",
        demand="请报告措施",
    )
    return listing


def test_it_greets_the_unit_with_one_colon_in_the_letter(sv, matter, client):
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))
    listing = _listed(sv, matter())
    services.listing_chase(actor=sv["supervisor"], listing_id=listing.pk, demand="报告措施")
    chase = listing.chases.get()
    client.force_login(sv["supervisor"])
    r = client.get(reverse("supervision:letter", args=[listing.pk, chase.pk]))
    text = pdf_text(r.content)
    assert "八台镇：" in text and "八台镇：：" not in text


def test_it_labels_the_chase_choice_as_the_kind_of_letter(sv, matter, client):
    listing = _listed(sv, matter())
    client.force_login(sv["supervisor"])
    html = client.get(reverse("supervision:listing", args=[listing.pk])).content.decode()
    assert "函件类型" in html and "来信:" not in html and "来信：" not in html
