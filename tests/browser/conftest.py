import os
import time
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 15_000
PASSWORD = "correct-horse-battery"  # every staff user of tests/conftest.py


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (Playwright cannot download its own browser here)."""
    if not CHROMIUM_PATH.is_file():
        pytest.skip(
            f"Chromium is not installed ({CHROMIUM_PATH}): `apt-get install chromium`, "
            "or run `make test-browser` which installs it"
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio event loop marked as running in the main thread until it stops,
        # and Django then refuses every ORM call there (SynchronousOnlyOperation), even in the plain synchronous
        # test code between browser steps. No async code touches the database here, so the check is a false alarm.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        playwright.stop()


@pytest.fixture
def new_page(browser, request, tmp_path):
    """Open pages in fresh browser contexts (own cookies); a failing test leaves screenshots in its tmp_path."""
    contexts = []

    def open_page():
        # The site's time zone, so that the admin's "Now" means the same time to the browser and the server.
        context = browser.new_context(timezone_id=settings.TIME_ZONE)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed:
            for page in context.pages:
                page.screenshot(path=tmp_path / f"failure-{number}.png", full_page=True)
        # What a closing page still sends (the article form's autosave beacon) would reach the live server after
        # the test, outside its database: dropped.
        context.route("**/*", lambda route: route.abort())
        context.close()
    if contexts:
        # A request the page sent just before it closed (the form's autosave or content check) may still be running
        # on the live server: let it finish before the database is emptied for the next test. (On PostgreSQL, the
        # flush's TRUNCATE and that request's transaction would otherwise deadlock.)
        time.sleep(0.5)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def log_in(live_server):
    """
    ``log_in(page, user)``: log ``user`` in to the admin in ``page``, as they would, and land on the desk. With
    ADMIN_REQUIRE_2FA on (as in production), with the code of their authenticator app too, which is enrolled
    for them when they have none.
    """
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    def log_in(page, user):
        page.goto(f"{live_server.url}/admin/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        if settings.ADMIN_REQUIRE_2FA:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
            page.get_by_label("OTP Token").fill(f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Editorial desk")).to_be_visible()

    return log_in
