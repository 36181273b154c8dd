"""Marking a found matter (issue 16): repeat, related, the same (merge); on both
matters and their timelines, the repeat flag the repeat rate counts, undo, the
one-time token, and who may."""

import pytest
from django.urls import reverse

from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.petitions import services
from xinfang.petitions.models import MatterLink, Petition
from xinfang.petitions.tests.fixtures import form_data
from xinfang.search import related

PARAPHRASE = "宏达建筑公司欠薪三个月未付，老板一直拖着，请求支付。"


@pytest.fixture
def again(register):
    return register(
        summary="宏达公司欠薪",
        content=PARAPHRASE,
        petitioners=[{"name": "王五", "phone": "13700000000"}],
    )


def mark(client, user, page_pk, other_pk, kind, token="0c7f1b8e-1111-4a6e-9c2b-5f7f3a9d0e21"):
    client.force_login(user)
    return client.post(
        reverse("search:mark", args=[page_pk]),
        {"other": other_pk, "kind": kind, "note": "同一老板", "idempotency_key": token},
    )


def test_a_repeat_mark_flags_the_later_matter_and_shows_on_both(client, wages, again, people):
    r = mark(client, people["handler"], wages.pk, again.pk, "repeat")
    assert r.status_code == 302
    link = MatterLink.objects.get()
    assert (link.petition_id, link.other_id, link.kind) == (again.pk, wages.pk, "repeat")
    assert Petition.objects.get(pk=again.pk).repeat is True
    assert Petition.objects.get(pk=wages.pk).repeat is False
    for pk, other in ((wages.pk, again.number), (again.pk, wages.number)):
        event = Petition.objects.get(pk=pk).events.get(action="linked")
        assert event.data["number"] == other and event.public is False
        html = client.get(reverse("petitions:detail", args=[pk])).content.decode()
        assert other in html and reverse("search:unmark", args=[pk, link.pk]) in html


def test_the_same_token_twice_makes_one_mark(client, wages, again, people):
    mark(client, people["handler"], wages.pk, again.pk, "related")
    mark(client, people["handler"], wages.pk, again.pk, "related")
    assert MatterLink.objects.count() == 1
    assert Petition.objects.get(pk=again.pk).repeat is False  # related: no flag


def test_a_second_mark_of_the_pair_is_refused_and_changes_nothing(client, wages, again, people):
    mark(client, people["handler"], wages.pk, again.pk, "related")
    r = mark(client, people["handler"], wages.pk, again.pk, "repeat", token="another-token")
    assert r.status_code == 302
    assert MatterLink.objects.count() == 1 and not Petition.objects.get(pk=again.pk).repeat


def test_undo_puts_the_flag_back_and_writes_both_timelines(client, wages, again, people):
    mark(client, people["handler"], again.pk, wages.pk, "repeat")
    link = MatterLink.objects.get()
    r = client.post(reverse("search:unmark", args=[again.pk, link.pk]), {"note": "看错了"})
    assert r.status_code == 302
    link.refresh_from_db()
    assert link.undone_at is not None and link.undone_by == people["handler"]
    assert Petition.objects.get(pk=again.pk).repeat is False
    assert Petition.objects.get(pk=wages.pk).events.filter(action="unlinked").count() == 1
    assert Petition.objects.get(pk=again.pk).events.filter(action="unlinked").count() == 1
    # Undone again: a conflict, nothing changes.
    with pytest.raises(Exception) as exc:
        services.petition_unlink(actor=people["handler"], link_id=link.pk)
    assert exc.value.__class__.__name__ == "Conflict"


def test_undo_keeps_a_repeat_flag_set_at_registration(wages, register, people):
    later = register(summary="宏达公司欠薪", content=PARAPHRASE)  # same ID number, category
    assert later.repeat is True
    link = services.petition_link(
        actor=people["handler"], petition_id=later.pk, other_id=wages.pk, kind="repeat"
    )
    services.petition_unlink(actor=people["handler"], link_id=link.pk)
    assert Petition.objects.get(pk=later.pk).repeat is True


def test_another_townships_handler_may_not_mark_nor_see_marks(client, wages, again, people):
    with pytest.raises(NotFound):
        services.petition_link(
            actor=people["handler_b"], petition_id=wages.pk, other_id=again.pk, kind="repeat"
        )
    assert mark(client, people["handler_b"], wages.pk, again.pk, "repeat").status_code == 404
    link = services.petition_link(
        actor=people["handler"], petition_id=wages.pk, other_id=again.pk, kind="related"
    )
    client.force_login(people["handler_b"])
    assert client.post(reverse("search:unmark", args=[wages.pk, link.pk])).status_code == 404
    assert MatterLink.objects.get().undone_at is None


def test_an_accusation_is_never_marked_with_an_ordinary_matter(wages, accusation, people):
    with pytest.raises(InvalidInput):
        services.petition_link(
            actor=people["dispatcher"],
            petition_id=wages.pk,
            other_id=accusation.pk,
            kind="related",
        )
    assert not MatterLink.objects.exists()


def test_the_accused_units_handler_sees_no_accusation_on_a_matter_page(
    client, wages, accusation, people
):
    text = "\n".join([accusation.summary, accusation.content])
    assert [r.petition.pk for r in related.similar(user=people["dispatcher"], text=text)] == [
        accusation.pk
    ]
    assert related.similar(user=people["handler"], text=text) == []  # 八台镇: the accused
    client.force_login(people["handler"])
    html = client.get(reverse("petitions:detail", args=[wages.pk])).content.decode()
    assert accusation.number not in html


def test_the_same_matter_is_merged_by_the_dispatcher_only(client, wages, again, people):
    r = mark(client, people["handler"], again.pk, wages.pk, "same")
    assert r.status_code == 403
    r = mark(client, people["dispatcher"], again.pk, wages.pk, "same", token="t2")
    assert r.status_code == 302
    merged = Petition.objects.get(pk=again.pk)
    assert merged.merged_into_id == wages.pk and merged.state == "concluded"
    assert not MatterLink.objects.exists()


def test_marks_chosen_in_the_registration_check_are_applied(
    client, wages, people, category, village_a
):
    client.force_login(people["clerk"])
    data = form_data(category, village_a, summary="宏达公司欠薪", content=PARAPHRASE)
    data[f"relate-{wages.pk}"] = "related"
    r = client.post(reverse("petitions:register"), data)
    assert r.status_code == 302
    new = Petition.objects.exclude(pk=wages.pk).get()
    link = MatterLink.objects.get()
    assert {link.petition_id, link.other_id} == {new.pk, wages.pk} and link.kind == "related"
