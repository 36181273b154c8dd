"""Parties' and mediators' personal data is encrypted in the database (issue 9, item 7)."""

from django.db import connection

from xinfang.core.crypto import blind_index
from xinfang.mediation import services
from xinfang.mediation.models import DisputeParty

from .case_fixtures import CENTRE_A

ID = "410481199505050298"
PHONE = "13987654321"
ADDRESS = "武冈市邓家铺镇清水村七组二十号"


def raw(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


def test_a_partys_id_number_phone_and_address_are_not_in_the_row(med, new_dispute):
    d = new_dispute(
        parties=[
            {
                "name": "刘备",
                "role": "applicant",
                "id_number": ID,
                "phone": PHONE,
                "address": ADDRESS,
            },
            {"name": "曹操", "role": "respondent"},
        ]
    )

    stored = raw("SELECT id_number, phone, address FROM mediation_disputeparty")
    for clear in (ID, PHONE, ADDRESS):
        assert clear not in stored
    party = d.parties.get(name="刘备")
    assert (party.id_number, party.phone, party.address) == (ID, PHONE, ADDRESS)
    # The keyed hash finds the person again without decrypting anything.
    assert DisputeParty.objects.get(id_number_hash=blind_index("id_number", ID)) == party
    assert DisputeParty.objects.get(phone_hash=blind_index("phone", PHONE)) == party


def test_a_mediators_phone_is_not_in_the_row(med):
    m = services.mediator_add(
        actor=med["centre_a"], body=med["units"][CENTRE_A], name="冯调解", phone=PHONE
    )

    assert PHONE not in raw("SELECT phone FROM mediation_mediator")
    m.refresh_from_db()
    assert m.phone == PHONE
