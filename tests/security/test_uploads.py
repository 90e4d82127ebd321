"""Findings 2 and 8: uploads are decoded before they are trusted, and no request body is unbounded."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from xiangcun.core.errors import ApplicationError
from xiangcun.core.uploads import check_spreadsheet, clean_image

pytestmark = pytest.mark.django_db


def _png(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_png_named_html_is_stored_as_a_png_under_a_server_name(users, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.resources import services
    from xiangcun.resources.tests.factories import resource_create

    settings.MEDIA_ROOT = tmp_path
    resource = resource_create(users)
    photo = services.resource_photo_add(
        user=users["cadre"], resource=resource, upload=SimpleUploadedFile("report.html", _png(), "text/html")
    )
    assert photo.image.name.endswith(".png") and "report" not in photo.image.name
    with Image.open(photo.image.path) as stored:
        assert stored.format == "PNG"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_only_jpeg_png_and_webp_are_accepted(name: str, data: bytes) -> None:
    with pytest.raises(ApplicationError) as caught:
        clean_image(data)
    assert caught.value.field == "photo"


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = _png((10_000, 10_000), mode="1")  # 100 megapixels in a few dozen KB
    assert len(bomb) < 200_000
    started = time.perf_counter()
    with pytest.raises(ApplicationError) as caught:
        clean_image(bomb)
    assert time.perf_counter() - started < 1.0
    assert "像素" in caught.value.message_zh or "图片" in caught.value.message_zh


def test_metadata_and_trailing_bytes_do_not_survive_the_re_encoding() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, format="JPEG", comment=b"<script>alert(1)</script>")
    image = clean_image(buffer.getvalue() + b"<?php system($_GET['c']); ?>")
    assert b"<script>" not in image.data and b"<?php" not in image.data


def test_an_xlsx_that_inflates_far_beyond_its_size_is_refused_unopened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1_000_000
    with pytest.raises(ApplicationError) as caught:
        check_spreadsheet(data, "bomb.xlsx")
    assert caught.value.field == "file"


def test_a_partner_gets_the_refusal_before_the_file_is_parsed(client_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.resources import sheets
    from xiangcun.resources.models import ImportJob

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the upload was parsed before the permission check")

    monkeypatch.setattr(sheets, "read", never)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    before = ImportJob.objects.count()
    for path in ("/resources/import/", "/api/v1/resources/import"):
        response = client_as("partner").post(
            path, {"file": SimpleUploadedFile("bomb.xlsx", buffer.getvalue())}
        )
        assert response.status_code in (403, 404, 405), path
    assert ImportJob.objects.count() == before


def test_a_request_body_over_the_limit_is_refused_with_413(client, settings) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/notices",
        data=b"x",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413 and response.json()["field"] is None
