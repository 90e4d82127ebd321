import pytest
import shapely

from xiangcun.resources import demo, services
from xiangcun.resources.models import Resource

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_city_demo_has_five_resources_per_village_each_inside_its_county():
    # When the city demo resources are built
    result = demo.demo_build(scale="city", seed=7)
    # Then there are five per village, every point inside the village's county
    assert result.resources == Resource.objects.filter(is_demo=True).count() == 2166 * 5
    rows = list(Resource.objects.values_list("lng", "lat", "village__county_id"))
    for county in {r[2] for r in rows}:
        geom = services.county_geometry(county)
        pts = [(x, y) for x, y, c in rows if c == county]
        assert shapely.intersects_xy(geom, [p[0] for p in pts], [p[1] for p in pts]).all()
    # And rebuilding replaces rather than adds
    demo.demo_build(scale="city", seed=7)
    assert Resource.objects.filter(is_demo=True).count() == 2166 * 5


def test_a_ten_megabyte_fake_xlsx_upload_is_reported_not_a_500(
    client_as, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("inventory.xlsx", b"PK\x03\x04" + b"\x00garbage" * (10 * 1024 * 1024 // 8))
    client = client_as("county")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/resources/import/", {"file": fake})
    # Measured before anything is unpacked: the form says so at once, no job is queued.
    assert response.status_code == 400
    assert "不是有效的 Excel" in response.content.decode()
