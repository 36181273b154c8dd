"""The portal's form checks the attachment limits before the upload, including the
whole request's (the server refuses a larger request unread)."""

from playwright.sync_api import expect

MB = 1024 * 1024
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def test_photos_over_the_request_limit_are_refused_before_the_upload(
    phone_page, base_url, demo_tree, tmp_path
):
    page = phone_page
    page.goto(f"{base_url}/public/submit/")
    photos = []
    for i in range(3):  # each under 10 MB, together over 25 MB
        path = tmp_path / f"IMG_{i}.jpg"
        path.write_bytes(JPEG_HEAD + b"\x5a" * (9 * MB))
        photos.append(str(path))

    page.locator("#id_attachments").set_input_files(photos)

    expect(page.locator(".field-error[role=alert]").first).to_contain_text("合计过大")
    assert page.locator("#id_attachments").evaluate("e => e.files.length") == 0

    page.locator("#id_attachments").set_input_files(photos[:2])  # 18 MB: fine
    assert page.locator("#id_attachments").evaluate("e => e.files.length") == 2
