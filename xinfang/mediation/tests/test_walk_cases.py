"""Acceptance 1, from the point the township's weekly meeting has assigned the
dispute: a professional committee mediates it to an agreement, the PDF is in
Chinese, the judicial-confirmation window shows its deadline, the numbers move."""

import pypdfium2
import pytest

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.mediation import services, stats

from .case_fixtures import LAND_COMMITTEE, TERMS


def test_the_scripted_walk_to_an_agreement(med, new_dispute, client, travel):
    travel("2026-09-14")
    before = stats.report(user=med["handler_a"])
    # Stands in for the liaison's report (two disputes: one settled on the spot, one
    # passed up) and the meeting that classified the second and sent it on.
    new_dispute(type="neighbour", resolved_on_spot=True, how_resolved="当场调解")
    dispute = new_dispute(type="land", summary="承包地边界纠纷")
    services.dispute_route(
        actor=med["handler_a"], dispute_id=dispute.pk, to="committee", note="周碰头会分流"
    )
    dispute.refresh_from_db()
    assert dispute.body.code == LAND_COMMITTEE

    client.force_login(med["land"])
    r = client.post(
        f"/mediation/disputes/{dispute.pk}/open/",
        {"open-mediators": [med["roster"]["land"].pk, med["roster"]["land2"].pk]},
    )
    assert r.status_code == 302
    case = dispute.cases.get()
    url = f"/mediation/cases/{case.pk}/"
    for party in dispute.parties.all():
        prefix = f"consent-{party.pk}"
        r = client.post(
            f"{url}{prefix}/",
            {f"{prefix}-party": party.pk, f"{prefix}-consented": "1", f"{prefix}-how": "written"},
        )
        assert r.status_code == 302
    r = client.post(
        f"{url}session/",
        {
            "session-present": "张大山、李小河、孙调解",
            "session-signed_by": "张大山、李小河、孙调解",
            "session-record": "双方同意按原承包合同确定边界。",
            "session-place": "市土地纠纷调解委员会",
        },
    )
    assert r.status_code == 302
    travel("2026-09-18")
    client.force_login(med["land"])  # the idle session ended while time travelled
    data = {
        "agreement-form": "written",
        "agreement-facts": "双方承包地相邻，因边界发生争执。",
        "agreement-issues": "边界走向及青苗补偿。",
        "agreement-responsibilities": "李小河越界耕种，负主要责任。",
    }
    for i, t in enumerate(TERMS):
        data.update({f"agreement-term_{i}_{k}": v for k, v in t.items()})
    assert client.post(f"{url}agreement/", data).status_code == 302

    # The judicial-confirmation window: 30 days after 09-18 is 10-18 (a Sunday),
    # so the parties may apply until Monday 2026-10-19; shown with the days left.
    html = client.get(url).content.decode()
    assert "data-judicial-window>2026-10-19<" in html
    assert "31" in html  # days left

    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))
    pdf = client.get(f"{url}agreement.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    doc = pypdfium2.PdfDocument(pdf.content)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    text = text.replace("\r", "").replace("\n", "")
    for expected in ("人民调解协议书", "张大山", "李小河", "拆除越界围墙", "2026年10月19日"):
        assert expected in text

    after = stats.report(user=med["handler_a"])
    assert after.total.received == before.total.received + 2
    assert after.total.settled == before.total.settled + 2
    land = next(f for f in after.by_type if f.key == "land")
    assert land.settled == 1 and land.agreements == 1
