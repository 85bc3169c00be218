"""
Every main page works under its Content Security Policy (magazine/middleware.py) in Chromium: what it shows loads,
what staff click runs, and Chromium reports no violation of the policy.
"""

import io
from datetime import date

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from articles.models import Article, Page
from quotes.models import Destination, QuoteRequest
from tests.browser.conftest import PASSWORD
from tests.browser.test_editor_journey import CKEDITOR_READY, choose_format
from tests.conftest import make_article, make_tag
from tests.quotes.test_admin import make_request

pytestmark = pytest.mark.browser

# Chromium writes each violation to the console; the event also reaches the page's own listeners, written there too.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `Content Security Policy violation: ${event.effectiveDirective} ${event.blockedURI} on ${event.documentURI}`
))
"""


def watch(page):
    """The Content Security Policy violations of every page, popup and frame of ``page``'s browser context."""
    violations = []
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.context.on("console", lambda line: "Content Security Policy" in line.text and violations.append(line.text))
    return violations


def styled(page):
    """The site's stylesheet applies (its body font), so the page loaded it under the policy."""
    return page.evaluate("getComputedStyle(document.body).fontFamily")


@pytest.fixture
def content(db):
    article = make_article(
        title="Knee replacement abroad",
        tags=[make_tag(name="Orthopaedics")],
        body="<h2>Costs</h2><p>Prices vary.</p><h2>Recovery</h2><p>Two weeks.</p>",
    )
    Page.objects.create(title="Editorial policy", slug="editorial-policy", summary="How we work.", body="<p>Rules.</p>")
    return article


def test_the_violation_watch_sees_a_blocked_inline_style(live_server, new_page, content):
    page = new_page()
    violations = watch(page)
    page.goto(live_server.url)
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">injected</p>')")
    expect(page.get_by_text("injected")).to_be_visible()
    page.wait_for_timeout(200)
    assert any("style-src" in violation for violation in violations), violations


def test_readers_pages_load_and_submit_without_a_policy_violation(live_server, new_page, content):
    page = new_page()
    violations = watch(page)
    addresses = [
        "/",
        content.get_absolute_url(),
        content.category.get_absolute_url(),
        content.tags.get().get_absolute_url(),
        content.authors.get().get_absolute_url(),
        "/pages/editorial-policy/",
        reverse("articles:archive"),
        reverse("quotes:request"),
        "/no-such-page/",
    ]
    for address in addresses:
        page.goto(live_server.url + address)
        assert styled(page).startswith("Georgia"), address
        assert violations == [], address
    page.goto(live_server.url)
    search = page.get_by_role("search").first
    search.get_by_label("Search articles").fill("knee")
    search.get_by_role("button", name="Search").click()  # a form sent to the site itself (form-action)
    expect(page.get_by_role("link", name="Knee replacement abroad")).to_be_visible()
    assert violations == []
    # Chromium applies a document's policy to the styles of its own XML viewer too: a feed or a sitemap opened in
    # a tab is drawn as a plain tree, all of it there, without the viewer's layout.
    page.goto(f"{live_server.url}{reverse('sitemap')}")
    expect(page.get_by_text("sitemap-articles.xml").last).to_be_visible()
    assert violations and all("inline style" in v or "style-src" in v for v in violations), violations


def test_staff_log_in_with_their_code_and_see_the_lock_out_page_without_a_policy_violation(
    live_server, new_page, superuser, settings
):
    settings.ADMIN_REQUIRE_2FA = True
    settings.AXES_FAILURE_LIMIT = 2
    device = TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    page = new_page()
    violations = watch(page)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(superuser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("OTP Token").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Log in").click()  # one device: password and code in one step
    expect(page.get_by_role("heading", name="Editorial desk")).to_be_visible()
    assert violations == []

    other = new_page()
    violations = watch(other)
    for _ in range(2):
        other.goto(f"{live_server.url}/admin/login/")
        other.get_by_label("Username").fill(superuser.username)
        other.get_by_label("Password").fill("not the password")
        other.get_by_role("button", name="Log in").click()
    expect(other.get_by_role("heading", name="Too many failed logins")).to_be_visible()
    assert violations == []
    call_command("axes_reset", stdout=io.StringIO())


def test_triage_works_on_requests_and_quotes_without_a_policy_violation(live_server, new_page, superuser, log_in):
    quote_request = make_request()
    Destination.objects.create(name="Spain")
    page = new_page()
    violations = watch(page)
    log_in(page, superuser)

    page.goto(f"{live_server.url}{reverse('admin:quotes_quoterequest_changelist')}")
    page.locator("#action-toggle").check()  # the actions' "select all" (actions.js)
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    page.get_by_role("link", name=quote_request.reference).click()

    # A collapsed fieldset and an inline row added by the admin's script.
    page.locator("summary", has_text="Consent and source").click()
    expect(page.locator(".field-consent_version")).to_be_visible()
    page.locator("#notes-group .add-row a").click()
    expect(page.locator("#notes-1")).to_be_visible()
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Change history")).to_be_visible()
    assert violations == []

    page.goto(f"{live_server.url}{reverse('admin:quotes_quote_add')}")
    # Autocomplete (select2 asks the admin's JSON view).
    page.locator(".field-quote_request .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(quote_request.reference)
    page.locator(".select2-results__option", has_text=quote_request.reference).click()
    # The "+" next to a foreign key: the related object's form in a popup, whose answer fills the field.
    with page.expect_popup() as opened:
        page.locator("#add_id_destination").click()
    popup = opened.value
    popup.get_by_label("Name").fill("Portugal")
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")
    expect(page.locator("#id_destination option:checked")).to_have_text("Portugal")
    # The date picker.
    page.locator(".field-valid_until .date-icon").click()
    page.locator(".calendarbox:visible").get_by_role("link", name="Today").click()
    expect(page.locator("#id_valid_until")).to_have_value(date.today().strftime("%d/%m/%Y"))
    page.locator("#lines-group .add-row a").click()
    expect(page.locator("#lines-2")).to_be_visible()
    assert violations == []
    assert QuoteRequest.objects.count() == 1 and Destination.objects.filter(name="Portugal").exists()


def test_editors_pages_and_the_editor_itself_run_without_a_policy_violation(
    live_server, new_page, superuser, log_in, content
):
    with reversion.create_revision():
        content.save()
    with reversion.create_revision():
        content.title = "Knee replacement abroad: the costs"
        content.save()
    page = new_page()
    violations = watch(page)
    log_in(page, superuser)

    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}")
    page.locator("#action-toggle").check()
    page.get_by_role("link", name="Knee replacement abroad: the costs").click()
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="compare").first.click()  # django-reversion-compare's diff
    expect(page.locator("ins, del").first).to_be_visible()
    assert violations == []

    # Prepopulated slug and autocomplete on a form without the rich-text editor.
    page.goto(f"{live_server.url}{reverse('admin:quotes_treatment_add')}")
    page.get_by_label("Name [en-gb]").press_sequentially("Hip resurfacing")  # a name per language (modeltranslation)
    expect(page.locator("#id_slug")).to_have_value("hip-resurfacing")
    page.locator(".field-related_article .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially("Knee")
    expect(page.locator(".select2-results__option", has_text="Knee replacement")).to_be_visible()
    assert violations == []

    # CKEditor 4's form: what its policy allows is what it needs.
    page.goto(f"{live_server.url}{reverse('admin:articles_article_add')}")
    page.wait_for_function(CKEDITOR_READY)
    page.frame_locator("#cke_id_body .cke_wysiwyg_frame").locator("body").click()
    choose_format(page, "Heading 2")
    page.keyboard.type("Costs at a glance")
    page.locator("summary", has_text="Search engines").click()  # the collapsed fieldset
    expect(page.locator("#id_seo_title")).to_be_visible()
    assert violations == []
    assert Article.objects.count() == 1
