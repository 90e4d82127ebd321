from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.core.inputs import parse
from xiangcun.regions.models import Village
from xiangcun.resources import parsing, services, spatial
from xiangcun.resources.models import Resource
from xiangcun.resources.schemas import ResourcePatch
from xiangcun.resources.tests.factories import cadre_village, resource_create, resource_input

pytestmark = pytest.mark.django_db


def _rtree_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {spatial.RTREE}")
        return {row[0] for row in cursor.fetchall()}


def test_cadre_creates_a_resource_in_their_village_and_it_is_indexed(users):
    # Given the cadre's village
    village = cadre_village(users)
    # When the cadre registers an idle factory of 1,200 m²
    resource = resource_create(users)
    # Then it is saved with its area in 亩 and sits in the spatial index
    assert resource.village_id == village.code
    assert resource.area_mu == Decimal("1.8000")
    if connection.vendor == "sqlite":
        assert resource.pk in _rtree_ids()


def test_point_outside_the_county_is_refused_naming_the_field(users):
    # Given a point in Beijing
    village = cadre_village(users)
    # When the cadre registers a resource there
    with pytest.raises(ApplicationError) as exc:
        services.resource_create(
            user=users["cadre"], resource_in=resource_input(village, lng=116.4, lat=39.9)
        )
    # Then the error says the point is outside the county, on the longitude field
    assert exc.value.field == "lng"
    assert "不在" in exc.value.message and village.county.name in exc.value.message
    assert not Resource.objects.filter(village=village).exists()


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("area", "-3", "不能为负数"),
        ("kind", "金矿", "未知的资源类型"),
        ("unit", "公顷", "面积单位"),
        ("name", "", "不能为空"),
    ],
)
def test_bad_fields_are_refused_with_a_chinese_message(users, field, value, expected):
    village = cadre_village(users)
    with pytest.raises(ApplicationError) as exc:
        services.resource_create(user=users["cadre"], resource_in=resource_input(village, **{field: value}))
    assert exc.value.field == field
    assert expected in exc.value.message


def test_cadre_cannot_touch_another_village(users):
    # Given a village elsewhere in the county
    other = Village.objects.exclude(code=users["cadre"].region_code).filter(county_id="371502").first()
    # When the cadre tries to register a resource there, Then it is refused
    with pytest.raises(AccessDenied):
        services.resource_create(user=users["cadre"], resource_in=resource_input(other))


def test_partner_and_other_county_admin_cannot_edit(users):
    resource = resource_create(users)
    for name in ("partner", "county2"):
        with pytest.raises(AccessDenied):
            services.resource_update(
                user=users[name], resource=resource, changes=parse(ResourcePatch, {"name": "改名"})
            )


def test_county_admin_edits_and_the_index_follows_the_point(users):
    # Given a resource of the cadre's village
    resource = resource_create(users)
    village = cadre_village(users)
    # When the county admin moves it a little and changes its status
    moved = services.resource_update(
        user=users["county"],
        resource=resource,
        changes=parse(
            ResourcePatch, {"lng": village.lng + 0.001, "lat": village.lat + 0.001, "status": "洽谈中"}
        ),
    )
    # Then the change is saved and a bbox around the new point finds it through the index
    assert moved.status == "negotiating"
    box = (village.lng + 0.0005, village.lat + 0.0005, village.lng + 0.0015, village.lat + 0.0015)
    assert spatial.bbox_filter(Resource.objects.all(), box).filter(pk=resource.pk).exists()
    old = (village.lng - 0.0002, village.lat - 0.0002, village.lng + 0.0002, village.lat + 0.0002)
    assert not spatial.bbox_filter(Resource.objects.all(), old).filter(pk=resource.pk).exists()


def test_delete_removes_the_index_row(users):
    resource = resource_create(users)
    pk = resource.pk
    services.resource_delete(user=users["cadre"], resource=resource)
    assert not Resource.objects.filter(pk=pk).exists()
    if connection.vendor == "sqlite":
        assert pk not in _rtree_ids()


def test_photo_gets_a_thumbnail_and_a_non_image_is_refused(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import io

    from PIL import Image

    resource = resource_create(users)
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 160, 90)).save(buffer, format="JPEG")
    photo = services.resource_photo_add(
        user=users["cadre"],
        resource=resource,
        upload=SimpleUploadedFile("factory.jpg", buffer.getvalue(), content_type="image/jpeg"),
    )
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) <= 320
    with pytest.raises(ApplicationError) as exc:
        services.resource_photo_add(
            user=users["cadre"], resource=resource, upload=SimpleUploadedFile("x.jpg", b"not an image")
        )
    assert exc.value.field == "photo"


def test_area_in_mu_converts_square_metres():
    assert parsing.area_in_mu(Decimal("666.67"), "m2") == Decimal("1.0000")
    assert parsing.area_in_mu(Decimal("12.5"), "mu") == Decimal("12.5000")


def test_notices_link_only_within_the_village(users):
    from xiangcun.recruitment.tests.factories import notice_published

    notice = notice_published(users)
    resource = resource_create(users)
    services.resource_notices_set(user=users["cadre"], resource=resource, notice_ids=[notice.pk])
    assert list(resource.notices.all()) == [notice]
    other = Village.objects.exclude(code=users["cadre"].region_code).filter(county_id="371502").first()
    elsewhere = services.resource_create(user=users["county"], resource_in=resource_input(other))
    with pytest.raises(ApplicationError):
        services.resource_notices_set(user=users["county"], resource=elsewhere, notice_ids=[notice.pk])


def test_the_admin_form_refuses_a_point_outside_the_villages_county(users):
    from xiangcun.resources.admin import ResourceAdminForm
    from xiangcun.resources.tests.factories import cadre_village

    village = cadre_village(users)
    base = {
        "name": "管理后台录入的资源",
        "kind": "pond",
        "right": "ownership",
        "owner_type": "collective",
        "area": "10",
        "unit": "mu",
        "village": village.pk,
        "status": "available",
    }
    inside = ResourceAdminForm(data={**base, "lng": village.lng, "lat": village.lat})
    inside.is_valid()
    assert "lng" not in inside.errors
    outside = ResourceAdminForm(data={**base, "lng": 121.47, "lat": 31.23})  # Shanghai
    assert not outside.is_valid() and "不在" in outside.errors["lng"][0]


def test_resource_get_for_reads_publicly_and_writes_only_in_region(users):
    from xiangcun.core.errors import NotFoundError
    from xiangcun.resources import selectors

    resource = resource_create(users)
    assert selectors.resource_get_for(users["public"], resource.pk) == resource
    assert selectors.resource_get_for(users["county"], resource.pk, write=True) == resource
    for name in ("county2", "partner"):
        with pytest.raises(AccessDenied):
            selectors.resource_get_for(users[name], resource.pk, write=True)
    with pytest.raises(NotFoundError):
        selectors.resource_get_for(users["county"], 999999)
