from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.models import Notification


def test_a_chase_reaches_the_handler_in_the_app(client, people, register, travel):
    travel("2026-11-02")
    p = register()
    services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=p.place.parent,
    )
    services.petition_act(actor=people["handler"], petition_id=p.pk, action="sign")
    services.petition_act(
        actor=people["supervisor"], petition_id=p.pk, action="chase", note="请尽快受理"
    )
    client.force_login(people["handler"])
    page = client.get(reverse("petitions:worklist")).content.decode()
    assert 'class="count"' in page  # the unread count in the header
    listing = client.get(reverse("petitions:notifications")).content.decode()
    assert "请尽快受理" in listing and p.number in listing
    client.post(reverse("petitions:notifications"))
    assert not Notification.objects.filter(user=people["handler"], read_at__isnull=True).exists()


def test_nobody_reads_anothers_notices(client, people, register, travel):
    travel("2026-11-02")
    p = register()
    services.petition_act(actor=people["supervisor"], petition_id=p.pk, action="list", colour="red")
    client.force_login(people["handler_b"])
    assert p.number not in client.get(reverse("petitions:notifications")).content.decode()


def test_the_start_page_shows_what_waits_by_colour(client, people, register, travel):
    travel("2026-11-02")
    register()
    client.force_login(people["dispatcher"])
    page = client.get(reverse("start_role", args=["dispatcher"])).content.decode()
    assert "待您办理" in page and reverse("petitions:worklist") in page
    client.force_login(people["clerk"])
    assert (
        reverse("petitions:register")
        in client.get(reverse("start_role", args=["clerk"])).content.decode()
    )


def test_the_worklist_links_the_export_and_the_export_answers_csv(client, people, register, travel):
    travel("2026-11-02")
    p = register()
    client.force_login(people["dispatcher"])
    page = client.get(reverse("petitions:worklist")).content.decode()
    assert reverse("api-petitions-export") in page
    csv = client.get(reverse("api-petitions-export")).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("编号") and p.number in csv
