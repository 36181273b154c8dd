"""Every answer carrying personal data says `Cache-Control: no-store` (a shared
office computer or a proxy keeps none of it); pages carry a Content-Security-Policy
without inline script or style; every answer carries a Permissions-Policy."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xinfang.petitions.tests.fixtures import VALID_ID

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def matter(register, travel):
    travel("2026-11-02")
    return register(attachments=[SimpleUploadedFile("现场照片.png", PNG)])


def assert_private(response):
    assert response.status_code == 200, response.content[:300]
    assert "no-store" in response["Cache-Control"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_api_answers_with_personal_data_are_not_stored(api_for, people, matter):
    api = api_for(people["dispatcher"])
    person = matter.petitioners.get()
    answers = {
        "detail": api.get(f"/api/v1/petitions/{matter.pk}"),
        "list": api.get("/api/v1/petitions", {"scope": "all"}),
        "reveal": api.post(
            f"/api/v1/petitions/{matter.pk}/reveal",
            {"petitioner": person.pk, "field": "id_number"},
            format="json",
        ),
        "export": api.get("/api/v1/petitions/export"),
        "public": api_for().get("/api/v1/public/matter", HTTP_X_QUERY_CODE=matter.query_code),
    }
    assert VALID_ID in answers["reveal"].content.decode()
    for name, response in answers.items():
        assert "no-store" in response["Cache-Control"], name
        assert_private(response)


def test_the_ledger_export_is_not_stored(people, demo_tree, api_for):
    assert_private(api_for(people["handler"]).get("/api/v1/ledger.xlsx"))


def test_the_staff_pages_attachments_and_reveals_are_not_stored(client, people, matter):
    client.force_login(people["dispatcher"])
    person = matter.petitioners.get()
    attachment = matter.attachments.get()

    page = client.get(reverse("petitions:detail", args=[matter.pk]))
    download = client.get(reverse("petitions:attachment", args=[matter.pk, attachment.pk]))
    reveal = client.post(reverse("petitions:reveal", args=[matter.pk, person.pk]))
    worklist = client.get(reverse("petitions:worklist"), {"scope": "all"})

    for response in (page, download, reveal, worklist):
        assert_private(response)
    assert VALID_ID in reveal.content.decode()


def test_pages_carry_a_policy_without_inline_script(client, people, matter):
    client.force_login(people["dispatcher"])
    for url in (reverse("petitions:detail", args=[matter.pk]), "/public/submit/", "/kiosk/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in csp
        # And the templates hold no inline script for it to block.
        html = response.content.decode()
        assert "<script>" not in html and " onclick=" not in html and " style=" not in html


def test_no_template_holds_inline_script_handler_or_style():
    # The policy would block them: scripts and styles live in static/.
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.IGNORECASE
    )
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
