"""The public receipt says honestly whether an SMS left (the view passes
`sms_sent` from core.notify), and an ID number with an unknown area code is
only a warning (issue 11)."""

import re

from django.urls import reverse

from xinfang.petitions.models import Petition

from .helpers import form_data

UNKNOWN_AREA_ID = "999999195510100011"
ELDER_ID = "410481195503150027"


class DeliveringSender:
    delivers = True

    def send(self, message):
        pass


def test_the_receipt_says_the_sms_left_only_through_a_real_gateway(
    client, demo_tree, category, village_a, settings
):
    response = client.post(reverse("portal:submit"), form_data(category, village_a))
    assert response.status_code == 200  # the receipt, in answer to the POST
    page = response.content.decode()
    assert Petition.objects.get().number in page
    assert "138****5678" in page and "未向138****5678发送短信" in page

    settings.XINFANG_SMS_SENDER = f"{__name__}.DeliveringSender"
    page = client.get(reverse("portal:receipt")).content.decode()  # the receipt kept
    assert Petition.objects.get().number in page
    assert "138****5678" in page
    assert "未向" not in page and "通过短信发送至 138****5678" in page


def test_an_unknown_area_code_is_submitted_with_a_warning(client, demo_tree, category, village_a):
    response = client.post(
        reverse("portal:submit"),
        form_data(category, village_a, **{"p-0-id_number": UNKNOWN_AREA_ID}),
    )
    assert response.status_code == 200 and Petition.objects.count() == 1
    page = response.content.decode()  # the receipt, in answer to the POST
    assert Petition.objects.get().number in page
    assert "data-id-warning" in page and "999999" in page
    # The warning is kept with the receipt for its own address (print, reload).
    assert "data-id-warning" in client.get(reverse("portal:receipt")).content.decode()

    again = client.post(
        reverse("portal:submit"),
        form_data(category, village_a, summary="", **{"p-0-id_number": UNKNOWN_AREA_ID}),
    )
    assert again.status_code == 400 and "data-id-warning" in again.content.decode()


def test_an_elderly_residents_id_number_is_accepted_without_a_warning(
    client, demo_tree, category, village_a
):
    response = client.post(
        reverse("portal:submit"), form_data(category, village_a, **{"p-0-id_number": ELDER_ID})
    )
    assert response.status_code == 200
    page = response.content.decode()  # the receipt, in answer to the POST
    assert Petition.objects.get().number in page
    assert "data-id-warning" not in page
    assert re.search(r"410\*+0027", page) is None  # the receipt shows no ID at all
