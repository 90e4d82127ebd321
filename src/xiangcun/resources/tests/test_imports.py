import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from xiangcun.regions.models import Region, Village
from xiangcun.resources import imports, sheets
from xiangcun.resources.models import ImportJob, ImportStatus, Resource
from xiangcun.resources.tests.factories import cadre_village, resource_create

pytestmark = pytest.mark.django_db

HEADERS = [h for h, _k, _r in sheets.RESOURCE_COLUMNS]


def _row(village: Village, **overrides: object) -> list[object]:
    values = {
        "系统编号": None, "村级区划代码": village.code, "资源名称": f"{village.name}坑塘", "资源类型": "坑塘水面",
        "权利类型": "所有权", "权利人类型": "村集体", "权利人": "", "面积": 12.5, "面积单位": "亩",
        "经度": village.lng, "纬度": village.lat, "现状用途": "闲置", "规划用途": "水产养殖", "状态": "可招商",
        "说明": "", "评估价值（元）": None, "评估日期": None, "评估机构": None,
    }  # fmt: skip
    values.update(overrides)
    return [values[h] for h in HEADERS]


def _xlsx(
    rows: list[list[object]], headers: list[str] | None = None, villages: list[list[object]] | None = None
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheets.RESOURCE_SHEET
    ws.append(headers or HEADERS)
    for r in rows:
        ws.append(r)
    if villages is not None:
        vs = wb.create_sheet(sheets.VILLAGE_SHEET)
        vs.append([h for h, _k, _r in sheets.VILLAGE_COLUMNS])
        for r in villages:
            vs.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_clean_sheet_imports_everything(users):
    # Given three valid rows for the cadre's village
    v = cadre_village(users)
    data = _xlsx([_row(v, 资源名称=f"坑塘{i}") for i in range(3)])
    # When the cadre imports them
    outcome = imports.import_file(user=users["cadre"], data=data, filename="inventory.xlsx")
    # Then all three are written, indexed and in 亩
    assert outcome.ok, outcome.problems
    assert outcome.summary["resources_created"] == 3
    assert Resource.objects.filter(village=v, name__startswith="坑塘").count() == 3


def test_every_bad_row_is_reported_with_its_place_and_nothing_is_written(users):
    # Given a sheet with a negative area, a point outside the county, an unknown kind and a good row
    v = cadre_village(users)
    before = Resource.objects.count()
    data = _xlsx(
        [
            _row(v, 面积=-3),
            _row(v, 经度=116.4, 纬度=39.9),
            _row(v, 资源类型="金矿"),
            _row(v),
        ]
    )
    # When it is imported
    outcome = imports.import_file(user=users["cadre"], data=data, filename="bad.xlsx")
    # Then each error names sheet, row and column, in Chinese, and nothing is imported
    assert not outcome.ok
    places = {(p.sheet, p.row, p.header) for p in outcome.problems}
    assert ("资源", 2, "面积") in places
    assert ("资源", 3, "经度") in places
    assert ("资源", 4, "资源类型") in places
    assert len(outcome.problems) == 3
    by_row = {p.row: p for p in outcome.problems}
    assert "负数" in by_row[2].message and by_row[2].column == "H"
    assert "境内" in by_row[3].message
    assert "未知的资源类型" in by_row[4].message
    assert Resource.objects.count() == before


def test_wrong_headers_are_reported(users):
    v = cadre_village(users)
    headers = [h if h != "面积" else "占地" for h in HEADERS]
    outcome = imports.import_file(
        user=users["cadre"], data=_xlsx([_row(v)], headers=headers), filename="h.xlsx"
    )
    messages = [p.message for p in outcome.problems]
    assert not outcome.ok
    assert any("未知的列" in m and "占地" in m for m in messages)
    assert any("缺少必填列" in m and "面积" in m for m in messages)


def test_a_non_excel_file_named_xlsx_is_an_error_not_a_crash(users):
    data = os.urandom(1024) * 64
    outcome = imports.import_file(user=users["cadre"], data=data, filename="fake.xlsx")
    assert not outcome.ok
    assert "不是有效的 Excel" in outcome.problems[0].message


def test_cadre_cannot_import_into_another_village(users):
    other = Village.objects.exclude(code=users["cadre"].region_code).filter(county_id="371502").first()
    outcome = imports.import_file(user=users["cadre"], data=_xlsx([_row(other)]), filename="x.xlsx")
    assert not outcome.ok
    assert "管辖范围" in outcome.problems[0].message


def test_villages_and_their_resources_import_together(users):
    # Given a new village in an existing town and a resource in it
    town = Region.objects.filter(level="town", parent_id="371502").first()
    used = set(Village.objects.filter(town=town).values_list("code", flat=True))
    code = next(f"{town.code}{n:03d}" for n in range(900, 999) if f"{town.code}{n:03d}" not in used)
    anchor = Village.objects.filter(town=town).first()
    village_row = [
        code,
        "新建村",
        town.code,
        anchor.lng,
        anchor.lat,
        300,
        1000,
        1500,
        "蔬菜种植",
        "李某",
        "13800000000",
    ]
    resource_row = _row(anchor, 村级区划代码=code)
    data = _xlsx([resource_row], villages=[village_row])
    # When the county admin imports them
    outcome = imports.import_file(user=users["county"], data=data, filename="v.xlsx")
    # Then both exist
    assert outcome.ok, outcome.problems
    assert Village.objects.get(code=code).county_id == "371502"
    assert Resource.objects.filter(village_id=code).count() == 1


def test_export_then_import_updates_by_system_number(users):
    resource = resource_create(users)
    v = cadre_village(users)
    data = _xlsx(
        [
            _row(
                v,
                系统编号=resource.pk,
                资源名称="改过的名称",
                资源类型="闲置校舍/厂房",
                面积=1300,
                面积单位="平方米",
            )
        ]
    )
    outcome = imports.import_file(user=users["cadre"], data=data, filename="u.xlsx")
    assert outcome.ok, outcome.problems
    resource.refresh_from_db()
    assert resource.name == "改过的名称" and resource.unit == "m2"


def test_csv_in_gbk_imports(users):
    v = cadre_village(users)
    lines = [",".join(HEADERS), ",".join("" if x is None else str(x) for x in _row(v, 资源名称="GBK坑塘"))]
    outcome = imports.import_file(
        user=users["cadre"], data="\n".join(lines).encode("gb18030"), filename="r.csv"
    )
    assert outcome.ok, outcome.problems
    assert Resource.objects.filter(name="GBK坑塘").exists()


def test_upload_page_runs_a_small_file_and_shows_the_result(client_as, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    v = cadre_village(users)
    c = client_as("cadre")
    upload = SimpleUploadedFile("bad.xlsx", _xlsx([_row(v, 面积=-3)]))
    response = c.post("/resources/import/", {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.latest("id")
    assert job.status == ImportStatus.REJECTED
    page = c.get(response["Location"]).content.decode()
    assert "未导入任何数据" in page and "面积" in page


def test_large_file_goes_through_the_task_queue_with_progress(
    client_as, users, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a file above the inline threshold (lowered for the test)
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(imports, "INLINE_MAX_BYTES", 10)
    v = cadre_village(users)
    c = client_as("cadre")
    upload = SimpleUploadedFile("big.xlsx", _xlsx([_row(v, 资源名称=f"批量{i}") for i in range(20)]))
    # When it is uploaded (the immediate task backend runs the task on commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/resources/import/", {"file": upload})
    # Then the browser goes to the progress page, and the status poll sends it to the result
    job = ImportJob.objects.latest("id")
    assert response["Location"].endswith(f"/resources/import/{job.pk}/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    status = c.get(f"/resources/import/{job.pk}/status/", HTTP_HX_REQUEST="true")
    assert status["HX-Redirect"].endswith(f"/resources/import/{job.pk}/result/")
    assert Resource.objects.filter(name__startswith="批量").count() == 20


def test_public_cannot_import(client_as):
    assert client_as("partner").get("/resources/import/").status_code == 403


def test_template_downloads_with_both_sheets(client):
    from openpyxl import load_workbook

    response = client.get("/resources/import/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert {"村庄", "资源"} <= set(wb.sheetnames)
