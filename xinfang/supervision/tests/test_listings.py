"""挂牌督办 on the kernel: listing a matter or a dispute, chasing with a numbered
letter, the unit's report, another colour, delisting; the 404/409/403 order,
the events and their labels, and the petition's own fields and timeline."""

import datetime as dt

import pytest
from django.utils import translation

from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.petitions.models import Notification, PetitionEvent
from xinfang.supervision import selectors, services
from xinfang.supervision.models import Escalation, Listing, ListingEvent, ListingState
from xinfang.supervision.workflow import LISTING

D = dt.date


def list_it(sv, p=None, d=None, colour="yellow", **kw):
    listing, created = services.listing_create(
        actor=kw.pop("actor", sv["supervisor"]),
        petition_id=p.pk if p else None,
        dispute_id=d.pk if d else None,
        colour=colour,
        reason=kw.pop("reason", "群众反映强烈，久拖未决"),
        **kw,
    )
    return listing


def test_it_lists_a_matter_and_the_matter_carries_the_listing(sv, matter):
    p = matter()
    listing = list_it(sv, p, colour="yellow", demand="三日内报告措施")
    p.refresh_from_db()
    assert p.listing == "yellow"
    assert listing.state == ListingState.LISTED
    assert listing.unit == sv["units"]["410481102"]
    assert listing.office.code == "410481-XF"
    assert listing.report_by == D(2026, 11, 4)  # yellow: within 2 days
    assert listing.number.startswith("GP2026-")
    assert PetitionEvent.objects.filter(petition=p, action="list").exists()
    event = ListingEvent.objects.get(listing=listing)
    assert event.action == "listed" and event.actor == sv["supervisor"]
    with translation.override("zh-hans"):
        assert str(event.label) == "挂牌督办"


def test_listing_red_tells_the_owner_once_and_records_the_step(sv, matter):
    p = matter()
    listing = list_it(sv, p, colour="red")
    assert listing.report_by == D(2026, 11, 2)  # red: the same day
    owner_notices = Notification.objects.filter(user=sv["leader"], petition=p)
    assert owner_notices.count() == 1
    assert Escalation.objects.filter(listing=listing, step="red").count() == 1
    services.supervision_tick()
    assert owner_notices.count() == 1


def test_the_order_is_404_then_409_then_403_then_400(sv, matter):
    p = matter()
    with pytest.raises(NotFound):
        list_it(sv, p, actor=sv["outsider"])
    with pytest.raises(PermissionDenied):
        list_it(sv, p, actor=sv["handler"])
    with pytest.raises(InvalidInput) as err:
        list_it(sv, p, colour="green")
    assert "colour" in err.value.field_errors
    with pytest.raises(InvalidInput) as err:
        list_it(sv, p, reason="  ")
    assert "reason" in err.value.field_errors
    listing = list_it(sv, p)
    with pytest.raises(Conflict):
        list_it(sv, p, actor=sv["handler"])  # listed already: 409 before 403
    with pytest.raises(NotFound):
        services.listing_chase(actor=sv["outsider"], listing_id=listing.pk, demand="x")
    with pytest.raises(PermissionDenied):
        services.listing_chase(actor=sv["handler"], listing_id=listing.pk, demand="x")
    services.listing_delist(actor=sv["supervisor"], listing_id=listing.pk, note="已解决")
    with pytest.raises(Conflict):
        services.listing_chase(actor=sv["handler"], listing_id=listing.pk, demand="x")


def test_a_stale_version_is_a_conflict(sv, matter):
    listing = list_it(sv, matter())
    services.listing_chase(
        actor=sv["supervisor"], listing_id=listing.pk, demand="请加快", version=1
    )
    with pytest.raises(Conflict):
        services.listing_chase(
            actor=sv["supervisor"], listing_id=listing.pk, demand="请加快", version=1
        )


def test_a_chase_is_a_numbered_letter_on_both_timelines_and_the_unit_hears(sv, matter):
    p = matter()
    listing = list_it(sv, p)
    services.listing_chase(
        actor=sv["supervisor"], listing_id=listing.pk, demand="请于两日内报告", kind="press"
    )
    chase = listing.chases.get()
    assert chase.number == "督〔2026〕1号"
    assert chase.issued_unit == listing.office
    assert PetitionEvent.objects.filter(petition=p, action="chase").exists()
    assert Notification.objects.filter(user=sv["head"], petition=p, kind="chase").exists()
    second = services.listing_chase(actor=sv["supervisor"], listing_id=listing.pk, demand="再催")
    assert second.chases.order_by("id").last().number == "催〔2026〕1号"
    assert [e.action for e in selectors.timeline(second)] == ["listed", "chase", "chase"]


def test_the_unit_reports_what_came_back(sv, matter):
    listing = list_it(sv, matter())
    services.listing_chase(actor=sv["supervisor"], listing_id=listing.pk, demand="报告措施")
    with pytest.raises(PermissionDenied):
        services.listing_report(actor=sv["supervisor"], listing_id=listing.pk, text="x")
    with pytest.raises(InvalidInput):
        services.listing_report(actor=sv["handler"], listing_id=listing.pk, text=" ")
    listing = services.listing_report(
        actor=sv["handler"], listing_id=listing.pk, text="已约谈企业，工资本周发放。"
    )
    chase = listing.chases.get()
    assert chase.report == "已约谈企业，工资本周发放。" and chase.reported_by == sv["handler"]
    assert listing.reported_on == D(2026, 11, 2)
    event = selectors.timeline(listing).last()
    assert event.action == "report" and event.actor_unit == sv["units"]["410481102"]


def test_recolour_and_delist_keep_the_matter_true(sv, matter):
    p = matter()
    listing = list_it(sv, p, colour="blue")
    with pytest.raises(InvalidInput):
        services.listing_recolour(
            actor=sv["supervisor"], listing_id=listing.pk, colour="blue", note="x"
        )
    services.listing_recolour(
        actor=sv["supervisor"], listing_id=listing.pk, colour="red", note="涉及群体"
    )
    p.refresh_from_db()
    assert p.listing == "red"
    assert Escalation.objects.filter(listing=listing, step="red").exists()
    listing = services.listing_delist(
        actor=sv["supervisor"], listing_id=listing.pk, note="问题已解决"
    )
    p.refresh_from_db()
    assert p.listing == "" and listing.state == ListingState.DELISTED
    assert listing.delisted_by == sv["supervisor"]
    # Listed again after delisting: a new listing.
    assert list_it(sv, p).pk != listing.pk


def test_a_dispute_past_its_deadline_is_listed_and_red(sv, ledger_dispute):
    d = ledger_dispute()
    listing = list_it(sv, d=d, colour="yellow")
    assert listing.unit == sv["units"]["410481102"]
    assert selectors.colour_of(listing) == "red"  # past its deadline
    with pytest.raises(NotFound):
        list_it(sv, d=d, actor=sv["outsider"])
    services.listing_chase(actor=sv["supervisor"], listing_id=listing.pk, demand="周五前调结")
    assert Notification.objects.filter(user=sv["leader"], petition=None, kind="chase").exists()
    services.listing_report(actor=sv["handler"], listing_id=listing.pk, text="已组织调解")


def test_every_action_and_event_has_a_chinese_label():
    with translation.override("zh-hans"):
        for action, label in LISTING.labels().items():
            assert str(label) != action and any("\u4e00" <= ch <= "\u9fff" for ch in str(label))


def test_an_idempotency_key_replays_the_listing(sv, matter):
    p = matter()
    first, created = services.listing_create(
        actor=sv["supervisor"],
        petition_id=p.pk,
        colour="red",
        reason="涉众",
        idempotency_key="api:1:k",
    )
    again, created_again = services.listing_create(
        actor=sv["supervisor"],
        petition_id=p.pk,
        colour="red",
        reason="涉众",
        idempotency_key="api:1:k",
    )
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(Conflict):
        services.listing_create(
            actor=sv["supervisor"],
            petition_id=p.pk,
            colour="blue",
            reason="涉众",
            idempotency_key="api:1:k",
        )
    assert Listing.objects.count() == 1
