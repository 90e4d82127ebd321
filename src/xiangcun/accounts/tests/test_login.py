from django.test import override_settings

from xiangcun.accounts.services import DEMO_PASSWORD


def test_login_with_the_demo_password_opens_the_desk(client, users):
    response = client.post("/accounts/login/", {"username": "county", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/manage/").status_code == 200


def test_wrong_password_gets_a_chinese_message_and_no_session(client, users):
    response = client.post("/accounts/login/", {"username": "county", "password": "wrong"})
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.content.decode()
    assert client.get("/manage/").status_code == 302


@override_settings(LOGIN_FREE_ATTEMPTS=3)
def test_repeated_failures_slow_down_that_address_even_with_the_right_password(client, users):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "county", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "county", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "登录尝试过于频繁" in response.content.decode()


def test_passwords_are_hashed_with_argon2_outside_tests(users, settings):
    assert "Argon2PasswordHasher" in settings.PASSWORD_HASHERS[1]


def test_open_redirects_are_refused(client, users):
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "county", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
