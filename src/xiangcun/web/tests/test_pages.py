from xiangcun.regions.models import Village


def test_home_page_is_chinese_with_city_figures_and_the_demo_label(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    for text in ("乡村振兴合伙人数字平台", "招募令", "资源地图", "政策计算器", "2,166", "示例数据", "莘县"):
        assert text in html
    assert "boundaries-data" in html and "vendor/leaflet/leaflet.js" in html


def test_browser_language_does_not_switch_the_ui_but_the_user_can(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="zh-hans">' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Rural Revitalization Partner Platform" in html


def test_region_pages_go_city_county_town(client, db):
    v = Village.objects.select_related("town", "county").first()
    for code, name in (("371500", "聊城市"), (v.county_id, v.county.name), (v.town_id, v.town.name)):
        response = client.get(f"/regions/{code}/")
        assert response.status_code == 200 and name in response.content.decode()
    assert v.name in client.get(f"/regions/{v.town_id}/").content.decode()
    assert client.get("/regions/371599/").status_code == 404


def test_village_page_masks_the_cadres_phone_for_the_public(client, db):
    v = Village.objects.first()
    html = client.get(f"/villages/{v.code}/").content.decode()
    assert v.name in html and v.contact_phone not in html and v.contact_phone[-4:] in html


def test_village_search_by_pinyin_initials(client, db):
    v = Village.objects.first()
    html = client.get("/villages/", {"q": v.pinyin_initials}).content.decode()
    assert v.name in html
    partial = client.get("/villages/", {"q": v.pinyin_initials}, HTTP_HX_REQUEST="true").content.decode()
    assert v.name in partial and "<html" not in partial


def test_manage_lists_only_the_officials_county(client_as, users):
    client = client_as("county")
    html = client.get("/manage/?page=1").content.decode()
    own = Village.objects.filter(county_id=users["county"].region_code).order_by("code").first()
    other = Village.objects.filter(county_id=users["county2"].region_code).order_by("code").first()
    assert own.name in html and other.code not in html
    assert client.get("/manage/", {"q": other.name}).content.decode().count(other.code) == 0


def test_county_admin_edits_own_village_but_not_another_countys(client_as, users):
    client = client_as("county")
    own = Village.objects.filter(county_id=users["county"].region_code).first()
    other = Village.objects.filter(county_id=users["county2"].region_code).first()
    data = {
        "households": 321,
        "population": 999,
        "cultivated_land_mu": "1500.50",
        "featured_industry": "葫芦",
        "contact_name": "李四",
        "contact_phone": "13900001111",
    }
    assert client.post(f"/villages/{own.code}/edit/", data).status_code == 302
    own.refresh_from_db()
    assert own.households == 321 and own.featured_industry == "葫芦"
    response = client.post(f"/villages/{other.code}/edit/", data)
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.households != 321


def test_bad_profile_input_gets_a_field_error_and_changes_nothing(client_as, users):
    client = client_as("cadre")
    v = Village.objects.get(code=users["cadre"].region_code)
    before = v.households
    response = client.post(
        f"/villages/{v.code}/edit/", {"households": -5, "population": 10, "cultivated_land_mu": "-3"}
    )
    assert response.status_code == 400
    v.refresh_from_db()
    assert v.households == before


def test_anonymous_manage_redirects_to_login(client, db):
    response = client.get("/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_pages_are_a_chinese_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_the_desk_offers_each_role_its_tools(client_as, users):
    county_html = client_as("county").get("/manage/").content.decode()
    assert "/matching/county/" in county_html and "/partners/queue/" not in county_html
    city_html = client_as("city").get("/manage/").content.decode()
    assert "/partners/queue/" in city_html and "/matching/weights/" in city_html
    partner_html = client_as("partner").get("/manage/").content.decode()
    assert "/matching/recommendations/" in partner_html and "/matching/county/" not in partner_html


def test_cadre_records_a_years_collective_income_and_the_band_follows(client_as, users):
    from xiangcun.regions.models import VillageIncome
    from xiangcun.regions.services import income_years

    client = client_as("cadre")
    v = Village.objects.get(code=users["cadre"].region_code)
    latest = income_years()[-1]
    data = {
        "households": v.households,
        "population": v.population,
        "cultivated_land_mu": v.cultivated_land_mu,
        "featured_industry": v.featured_industry,
        "contact_name": v.contact_name,
        "contact_phone": v.contact_phone,
        f"income_{latest}": "250000",
    }
    assert client.post(f"/villages/{v.code}/edit/", data).status_code == 302
    assert VillageIncome.objects.get(village=v, year=latest).amount == 250000
    assert "富裕" in client.get(f"/villages/{v.code}/").content.decode()

    response = client.post(f"/villages/{v.code}/edit/", {**data, f"income_{latest}": "-1", "households": 1})
    assert response.status_code == 400
    v.refresh_from_db()
    assert v.households != 1 and VillageIncome.objects.get(village=v, year=latest).amount == 250000


def test_home_shows_platform_activity_with_the_latest_published_notices(client, users):
    from xiangcun.recruitment.tests.factories import notice_draft, notice_published

    published = notice_published(users, title="黄家庄村农家乐采摘园项目招募合伙人")
    draft = notice_draft(users, title="尚未发布的草稿招募令")
    html = client.get("/").content.decode()
    assert "已发布招募令" in html and published.title in html and draft.title not in html


def test_a_domain_error_escaping_a_page_view_is_its_page_not_a_500(rf, users):
    from django.contrib.messages.storage.cookie import CookieStorage

    from xiangcun.core.errors import AccessDenied, ApplicationError, NotFoundError
    from xiangcun.web.middleware import ApplicationErrorMiddleware

    middleware = ApplicationErrorMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = rf.get("/notices/1/")
    request.user = users["county"]
    request._messages = CookieStorage(request)
    for error, status, text in (
        (NotFoundError("招募令 1 不存在"), 404, "招募令 1 不存在"),
        (AccessDenied("无权访问该地区的数据"), 403, "无权访问该地区的数据"),
        (ApplicationError("投资下限不能高于上限", field="investment_min"), 400, "投资下限不能高于上限"),
    ):
        response = middleware.process_exception(request, error)
        assert response is not None and response.status_code == status and text in response.content.decode()
    assert middleware.process_exception(rf.get("/api/v1/notices/1"), NotFoundError("x")) is None
    assert middleware.process_exception(request, ValueError("bug")) is None


def test_vocabulary_labels_follow_the_page_language_but_workbooks_stay_chinese(client_as, users):
    import io

    from openpyxl import load_workbook

    from xiangcun.recruitment.tests.factories import notice_published

    notice = notice_published(users)  # a 农家乐 notice
    client = client_as("county")
    assert "农家乐" in client.get(f"/notices/{notice.pk}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Farm stays" in english and "Recruitment notices" in english
    book = load_workbook(io.BytesIO(client.get("/notices/export.xlsx").content))
    cells = {str(c.value) for row in book.active.iter_rows() for c in row}
    assert "农家乐" in cells and "Farm stays (nongjiale)" not in cells


def test_the_desk_asks_capabilities_not_role_names(client_as, users):
    cadre_html = client_as("cadre").get("/manage/").content.decode()
    assert "/notices/new/" in cadre_html and "/notices/mine/" in cadre_html
    town_html = client_as("town").get("/manage/").content.decode()
    assert "/notices/new/" not in town_html and "/notices/mine/" in town_html
    public_html = client_as("public").get("/manage/").content.decode()
    assert "/matching/recommendations/" not in public_html and "/resources/" not in public_html
