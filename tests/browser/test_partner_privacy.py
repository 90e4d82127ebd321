"""A partner registers (consenting to the 个人信息处理规则), sees who read their data, downloads it and
deletes it — in the browser."""

import json

import pytest

from xiangcun.accounts.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-password-1"


def _login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_partner_registers_downloads_and_deletes_their_data(live_server, page, tmp_path):
    from xiangcun.accounts.models import PersonalDataRead, User
    from xiangcun.partners.models import Partner

    base = live_server.url
    # Given the registration form, sent without ticking the consent box
    page.goto(base + "/partners/register/")
    page.fill("input[name=username]", "zhouba")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=name]", "周八")
    page.fill("input[name=phone]", "＋86 １３９-０５３５-８８８８")
    page.fill("input[name=id_number]", "11010519491231002x")
    page.click("form.form button[type=submit]")
    # Then it is refused on the box
    assert "须勾选同意" in page.inner_text(".consent")
    assert not User.objects.filter(username="zhouba").exists()

    # When the box is ticked
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=privacy_consent]")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    partner = Partner.objects.get(user__username="zhouba")
    # Then the profile says when the rules were accepted, with the phone as stored
    assert partner.phone == "13905358888" and partner.id_number == "11010519491231002X"
    assert "同意了《个人信息处理规则》第 1 版" in page.inner_text(".my-data")
    assert "还没有人查看过您的完整个人信息" in page.inner_text(".my-data")

    # And after the city office opened the profile, the partner sees it
    city = page.context.browser.new_page()
    _login(city, base, "city", DEMO_PASSWORD)
    city.goto(base + f"/partners/{partner.pk}/")
    assert "13905358888" in city.inner_text("main")
    city.close()
    page.reload()
    assert "市级管理员审核合伙人" in page.inner_text(".my-data")

    # When the partner downloads their data
    with page.expect_download() as download:
        page.click("text=下载我的数据（JSON）")
    path = tmp_path / "mine.json"
    download.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["partner"]["id_number"] == "11010519491231002X"
    assert data["reads_about_me"][0]["purpose"] == "市级管理员审核合伙人"

    # And deletes it, confirming with the password
    page.click("text=注销账号并删除个人信息")
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=confirm]")
    page.click("button.danger")
    page.wait_for_load_state("networkidle")
    assert "您的个人信息已删除" in page.inner_text("main")
    partner.refresh_from_db()
    assert (partner.name, partner.phone, partner.id_number, partner.status) == (
        "已注销用户",
        "",
        "",
        "closed",
    )
    assert not User.objects.get(pk=partner.user_id).is_active
    assert PersonalDataRead.objects.filter(subject_id=partner.user_id).count() == 1  # the log is kept
    _login(page, base, "zhouba", PASSWORD)
    assert "用户名或密码不正确" in page.inner_text("main")
