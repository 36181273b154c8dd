"""The board, one listing, listing a matter, the actions and the letter as pages:
who sees what (an outsider gets 404), the counts per colour per unit, the
supervisor's start panel, and the letter read back from the PDF."""

import pytest
from django.urls import reverse

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.supervision import services
from xinfang.supervision.models import Listing

from .helpers import pdf_text


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def listed(sv, p=None, d=None, colour="yellow"):
    listing, _ = services.listing_create(
        actor=sv["supervisor"],
        petition_id=p.pk if p else None,
        dispute_id=d.pk if d else None,
        colour=colour,
        reason="群众反映强烈",
    )
    return listing


def test_the_board_shows_cards_by_colour_and_counts_per_unit(sv, matter, ledger_dispute, as_user):
    a = listed(sv, matter(summary="欠薪甲"), colour="red")
    b = listed(sv, d=ledger_dispute(), colour="blue")
    services.listing_chase(actor=sv["supervisor"], listing_id=a.pk, demand="当日报告措施")
    client = as_user(sv["supervisor"])
    r = client.get(reverse("supervision:board"))
    assert r.status_code == 200
    html = r.content.decode()
    assert f'data-listing="{a.number}"' in html and f'data-listing="{b.number}"' in html
    assert "当日报告措施" not in html  # the demand is the letter's; the card says when
    assert "催〔2026〕1号" in html
    # 八台镇: one red (listed) and one red (the dispute past its deadline).
    assert 'data-unit-row="410481102"' in html
    r = client.get(reverse("supervision:board") + "?colour=blue")
    assert f'data-listing="{a.number}"' not in r.content.decode()


def test_the_board_shows_an_outsider_nothing_and_a_listing_is_404(sv, matter, as_user):
    listing = listed(sv, matter())
    client = as_user(sv["outsider"])
    r = client.get(reverse("supervision:board"))
    assert r.status_code == 200 and listing.number not in r.content.decode()
    assert client.get(reverse("supervision:listing", args=[listing.pk])).status_code == 404
    services.listing_chase(actor=sv["supervisor"], listing_id=listing.pk, demand="报告")
    chase = listing.chases.get()
    assert client.get(reverse("supervision:letter", args=[listing.pk, chase.pk])).status_code == 404


def test_the_unit_sees_its_listing_and_reports_on_the_page(sv, matter, as_user):
    listing = listed(sv, matter())
    client = as_user(sv["handler"])
    r = client.get(reverse("supervision:listing", args=[listing.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "report-text" in html and "chase-demand" not in html
    r = client.post(
        reverse("supervision:act", args=[listing.pk, "report"]),
        {"report-version": listing.version, "report-text": "已约谈企业。"},
    )
    assert r.status_code == 302
    listing.refresh_from_db()
    assert listing.report == "已约谈企业。"
    r = client.post(
        reverse("supervision:act", args=[listing.pk, "chase"]),
        {"chase-version": listing.version, "chase-kind": "chase", "chase-demand": "x"},
    )
    assert r.status_code == 403


def test_a_supervisor_lists_by_number_and_a_stale_form_is_409(sv, matter, as_user):
    p = matter()
    client = as_user(sv["supervisor"])
    assert client.get(reverse("supervision:new")).status_code == 200
    r = client.post(
        reverse("supervision:new"),
        {"matter": "XF-NONE", "colour": "red", "reason": "x", "idempotency_key": "k1"},
    )
    assert r.status_code == 400
    r = client.post(
        reverse("supervision:new"),
        {"matter": p.number, "colour": "red", "reason": "涉及群体", "idempotency_key": "k2"},
    )
    listing = Listing.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/supervision/listings/{listing.pk}/")
    r = client.post(
        reverse("supervision:act", args=[listing.pk, "delist"]),
        {"delist-version": 99, "delist-note": "已解决"},
    )
    assert r.status_code == 409
    assert as_user(sv["handler"]).get(reverse("supervision:new")).status_code == 403


def test_the_supervisors_start_page_counts_the_listings(sv, matter, as_user):
    listed(sv, matter(), colour="red")
    r = as_user(sv["supervisor"]).get("/")
    html = r.content.decode()
    assert r.status_code == 200
    assert reverse("supervision:board") in html


def test_the_letter_reads_back_with_office_number_date_matter_demand_deadline_and_law(
    sv, matter, ledger_dispute, as_user
):
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))
    p = matter(summary="拖欠农民工工资")
    listing = listed(sv, p, colour="red")
    services.listing_chase(
        actor=sv["supervisor"],
        listing_id=listing.pk,
        demand="立即约谈用工企业并报告措施",
        kind="press",
    )
    chase = listing.chases.get()
    r = as_user(sv["supervisor"]).get(reverse("supervision:letter", args=[listing.pk, chase.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content).replace("\r\n", "").replace("\n", "")
    for expected in [
        "信访事项督办函",
        "市委群工部（市信访局）",
        "督〔2026〕1号",
        "八台镇",
        p.number,
        "拖欠农民工工资",
        "立即约谈用工企业并报告措施",
        "2026年11月2日",
        "红色挂牌督办",
        "《信访工作条例》第四十条",
    ]:
        assert expected in text, expected
    d_listing = listed(sv, d=ledger_dispute(), colour="yellow")
    services.listing_chase(actor=sv["supervisor"], listing_id=d_listing.pk, demand="周五前调结")
    d_chase = d_listing.chases.get()
    text = pdf_text(
        as_user(sv["supervisor"])
        .get(reverse("supervision:letter", args=[d_listing.pk, d_chase.pk]))
        .content
    )
    assert "信访事项催办函" in text and "矛盾纠纷" in text and "人民调解" in text
