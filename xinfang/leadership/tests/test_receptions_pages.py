"""Pages of leaders' receptions: the calendar, the record with two batches (a new
matter and a linked one), masked phones, 404 for outsiders, the public calendar
without login, the start panels, the statistics and who is behind."""

import re

from django.test import Client

from xinfang.leadership import services
from xinfang.leadership.models import ReceptionMatter
from xinfang.petitions.models import Category


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_reception_day_with_two_batches_through_the_pages(rec, reception, register):
    existing = register()
    r = reception(held=False, on="2026-11-02")
    c = client(rec["clerk"])
    page = c.get(f"/leadership/receptions/{r.pk}/")
    assert page.status_code == 200
    assert "登记为已接访" in page.content.decode()
    assert c.post(f"/leadership/receptions/{r.pk}/hold/", {"version": r.version}).status_code == 302
    token = re.search(r'name="batch-idempotency_key" value="([^"]+)"',
                      c.get(f"/leadership/receptions/{r.pk}/").content.decode()).group(1)  # fmt: skip
    answer = c.post(f"/leadership/receptions/{r.pk}/batch/", {
        "batch-people_count": 1, "batch-name": "张桂兰", "batch-phone": "13812345678",
        "batch-matters": "宅基地确权纠纷", "batch-idempotency_key": token})  # fmt: skip
    assert answer.status_code == 302
    c.post(f"/leadership/receptions/{r.pk}/batch/", {
        "batch-people_count": 6, "batch-name": "王建军", "batch-matters": "拖欠工资",
        "batch-idempotency_key": "second"})  # fmt: skip
    first, second = r.batches.order_by("position")
    answer = c.post(f"/leadership/receptions/{r.pk}/register/", {
        "batch": first.pk, f"r{first.pk}-batch": first.pk,
        f"r{first.pk}-category": Category.objects.get(code="0401").pk,
        f"r{first.pk}-place": rec["village_a"].pk, f"r{first.pk}-purpose": "appeal",
        f"r{first.pk}-summary": "宅基地确权纠纷", f"r{first.pk}-idempotency_key": "reg-1"})  # fmt: skip
    assert answer.status_code == 302, re.findall(r"error[^>]*>.{0,200}", answer.content.decode())
    answer = c.post(f"/leadership/receptions/{r.pk}/link/", {
        "batch": second.pk, f"l{second.pk}-batch": second.pk,
        f"l{second.pk}-number": existing.number})  # fmt: skip
    assert answer.status_code == 302
    assert {m.how for m in ReceptionMatter.objects.all()} == {"raised", "linked"}
    html = c.get(f"/leadership/receptions/{r.pk}/").content.decode()
    assert "2批次，7人" in html
    assert "138****5678" in html and "13812345678" not in html
    assert existing.number in html


def test_linking_a_number_nobody_may_see_says_so_beside_the_field(rec, reception):
    r = reception()
    b, _ = services.reception_add_batch(
        actor=rec["clerk"], reception_id=r.pk, people_count=1, matters="x"
    )
    answer = client(rec["clerk"]).post(
        f"/leadership/receptions/{r.pk}/link/", {"batch": b.pk, f"l{b.pk}-number": "NO-SUCH"}
    )
    assert answer.status_code == 400
    assert "没有您可查看的该编号事项" in answer.content.decode()


def test_an_outsider_gets_404_for_the_reception_and_its_actions(rec, reception):
    r = reception()
    c = client(rec["outsider"])
    assert c.get(f"/leadership/receptions/{r.pk}/").status_code == 404
    assert (
        c.post(f"/leadership/receptions/{r.pk}/cancel/", {"cancel-reason": "x"}).status_code == 404
    )
    assert r.number not in c.get("/leadership/receptions/?month=2026-11").content.decode()


def test_the_calendar_shows_the_month_and_a_cancelled_one_leaves_the_public_page(rec, reception):
    r1 = reception(held=False, on="2026-11-16")
    r2 = reception(held=False, on="2026-11-18")
    services.reception_cancel(actor=rec["clerk"], reception_id=r2.pk, reason="领导外出")
    appointment = reception(held=False, kind="appointment", unit=rec["office"], on="2026-11-19",
                            actor=rec["leader"], topic="约访：企业改制")  # fmt: skip
    staff = client(rec["leader"]).get("/leadership/receptions/?month=2026-11").content.decode()
    assert "2026-11-16" in staff and "2026-11-18" in staff and "约访：企业改制" in staff
    public = Client().get("/public/receptions/?month=2026-11")
    assert public.status_code == 200
    html = public.content.decode()
    assert "2026-11-16" in html and "舞钢市群众来访接待中心" in html
    assert "2026-11-18" not in html  # cancelled
    assert "约访：企业改制" not in html  # an appointment is not published
    assert r1.number not in html and appointment.number not in html
    # The portal's pages link to it.
    assert "/public/receptions/" in Client().get("/public/").content.decode()


def test_the_start_pages_of_the_leader_and_the_centre_show_the_calendar(rec, reception):
    reception(held=False, on="2026-11-16", topic="领导接访日")
    for user in (rec["leader"], rec["clerk"]):
        html = client(user).get("/start/", follow=True).content.decode()
        assert "领导接访" in html and "2026-11-16" in html, user
    html = client(rec["handler_a"]).get("/start/", follow=True).content.decode()
    assert "本月已接访" not in html


def test_the_statistics_page_counts_the_three_measures(rec, reception):
    r = reception(on="2026-11-02")
    services.reception_add_batch(actor=rec["clerk"], reception_id=r.pk, people_count=6,
                                 matters="x")  # fmt: skip
    services.reception_add_batch(actor=rec["clerk"], reception_id=r.pk, people_count=2,
                                 matters="y")  # fmt: skip
    reception(held=False, on="2026-11-20")  # not held: not counted
    html = client(rec["leader"]).get("/leadership/receptions/stats/?year=2026").content.decode()
    assert re.search(r"data-person-times>1<", html)
    assert re.search(r"data-batches>2<", html)
    assert re.search(r"data-people>8<", html)


def test_the_behind_page_lists_the_leaders_behind_this_month(rec, reception):
    reception(kind="visit_down", unit=rec["village_a"], on="2026-11-02", actor=rec["leader"])
    html = client(rec["leader"]).get("/leadership/receptions/behind/").content.decode()
    assert 'data-leader="r-leader"' in html  # no appointment yet
    assert 'data-leader="r-leader2"' in html  # nothing at all
    assert 'data-leader="r-leader-b"' not in html  # a township's leader: not county-level


def test_a_bad_form_is_shown_again_with_its_errors(rec, reception):
    r = reception()
    answer = client(rec["clerk"]).post(f"/leadership/receptions/{r.pk}/batch/", {
        "batch-people_count": 0, "batch-matters": ""})  # fmt: skip
    assert answer.status_code == 400
