import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_article

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"


@pytest.fixture
def public_urls(db):
    article = make_article()
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        article.authors.first().get_absolute_url(),
        reverse("articles:search") + "?q=article",
        reverse("articles:archive"),
        reverse("quotes:request"),
        reverse("feed-rss"),
        reverse("sitemap"),
        "/no-such-page/",
    ]


def test_every_public_page_type_sends_the_security_headers(client, public_urls):
    for url in public_urls:
        response = client.get(url, secure=True)
        csp = response["Content-Security-Policy"]
        # No script-src: scripts, like plugins (object-src), fall back to default-src 'none'; the quote form alone
        # runs a script file of the site's own.
        scripts = "script-src 'self'" if url == reverse("quotes:request") else None
        assert "default-src 'none'" in csp and "object-src" not in csp, url
        assert [part.strip() for part in csp.split(";") if part.strip().startswith("script-src")] == ([scripts] if scripts else []), url
        assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] in {"strict-origin-when-cross-origin", "same-origin"}
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_the_admin_alone_allows_what_ckeditor_needs(client, editor):
    client.force_login(editor)
    csp = client.get(reverse("admin:articles_article_add"))["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp and "frame-ancestors 'none'" in csp


def test_plain_http_is_redirected_to_https_in_production():
    code = "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'magazine.settings'); django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True"], result.stderr


def test_deployment_checks_pass_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="magazine.example")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (1 silenced)" in result.stdout


# Two-factor login to the admin


@pytest.fixture
def two_factor(settings):
    settings.ADMIN_REQUIRE_2FA = True


def login(client, username, password=PASSWORD, token="", device=None):
    data = {"username": username, "password": password, "otp_token": token, "next": "/admin/"}
    if device:
        data["otp_device"] = device.persistent_id
    return client.post(reverse("admin:login"), data)


@pytest.mark.django_db
def test_staff_need_their_authenticator_code_to_enter_the_admin(client, editor, two_factor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    response = login(client, "editor", device=device)
    assert response.status_code == 200 and "token" in response.content.decode().lower()
    assert login(client, "editor", token="000000", device=device).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    assert client.get(reverse("admin:index")).status_code == 302
    response = login(client, "editor", token=f"{totp(device.bin_key):06d}", device=device)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_staff_with_one_authenticator_log_in_with_password_and_code_in_one_step(client, editor, two_factor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    wrong = login(client, "editor", token="000000")
    assert wrong.status_code == 200 and "Invalid token" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the code was checked against the one device
    device.throttle_reset()
    response = login(client, "editor", token=f"{totp(device.bin_key):06d}")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_staff_with_several_authenticators_choose_the_one_that_showed_the_code(client, editor, two_factor):
    phone = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    tablet = TOTPDevice.objects.create(user=editor, name="tablet", confirmed=True)
    response = login(client, "editor", token=f"{totp(tablet.bin_key):06d}")
    html = response.content.decode()
    assert response.status_code == 200 and "choose the one that showed this code" in html
    assert ">phone</option>" in html and ">tablet</option>" in html
    for device in (phone, tablet):
        device.refresh_from_db()
        assert device.throttling_failure_count == 0  # no device was guessed at
    response = login(client, "editor", token=f"{totp(tablet.bin_key):06d}", device=tablet)
    assert response.status_code == 302 and client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_staff_without_an_authenticator_are_told_to_have_one_enrolled(client, editor, two_factor):
    TOTPDevice.objects.create(user=editor, name="unconfirmed", confirmed=False)
    response = login(client, "editor", token="123456")
    assert response.status_code == 200 and "no authenticator app yet" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_a_session_without_the_second_factor_does_not_reach_the_admin(client, editor, two_factor):
    client.force_login(editor)  # password only
    assert client.get(reverse("admin:articles_article_changelist"))["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_staff_sessions_end_after_a_working_day(client, editor, settings):
    settings.STAFF_SESSION_SECONDS = 8 * 3600
    assert login(client, "editor").status_code == 302
    assert client.session.get_expiry_age() == 8 * 3600


@pytest.mark.django_db
def test_enrolment_command_prints_a_qr_code_and_setup_address(editor):
    out = io.StringIO()
    call_command("enrol_totp", "editor", stdout=out)
    assert "otpauth://totp/" in out.getvalue() and "█" in out.getvalue()
    assert TOTPDevice.objects.get(user=editor).confirmed
    with pytest.raises(CommandError, match="already has an authenticator"):
        call_command("enrol_totp", "editor", stdout=io.StringIO())
    call_command("enrol_totp", "editor", "--replace", "--no-qr", stdout=io.StringIO())
    assert TOTPDevice.objects.filter(user=editor).count() == 1


@pytest.mark.django_db
def test_enrolment_refuses_unknown_and_non_staff_users(django_user_model):
    django_user_model.objects.create_user(username="reader", password="x")
    with pytest.raises(CommandError, match="No user named"):
        call_command("enrol_totp", "ghost", stdout=io.StringIO())
    with pytest.raises(CommandError, match="is not staff"):
        call_command("enrol_totp", "reader", stdout=io.StringIO())


# Lock-out after repeated failures


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_out(editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        assert login(client, "editor", password="wrong").status_code in (200, 429)
    locked = login(client, "editor")  # even the right password
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    call_command("axes_reset", stdout=io.StringIO())
    assert login(client, "editor").status_code == 302


@pytest.mark.django_db
def test_csrf_is_enforced_on_the_admin_login(editor):
    client = Client(enforce_csrf_checks=True)
    assert login(client, "editor").status_code == 403
