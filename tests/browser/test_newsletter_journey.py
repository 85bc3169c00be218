"""A reader subscribes from an article's footer on a phone and confirms; newsletter staff find them in the admin."""

import re

import pytest
from playwright.sync_api import expect

from newsletter.models import Subscriber
from tests.browser.conftest import PASSWORD
from tests.browser.test_content_security_policy import watch
from tests.browser.test_quote_journey import run_action
from tests.conftest import make_article, run_queued_tasks

pytestmark = pytest.mark.browser
PHONE, DESKTOP, SMALL_LAPTOP = (390, 844), (1366, 900), (1024, 768)


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def site(settings, live_server):
    settings.SITE_URL = live_server.url
    return make_article(title="Knee replacement abroad")


def test_a_reader_subscribes_from_the_footer_on_a_phone_and_confirms(live_server, new_page, site, mailoutbox):
    page = new_page()
    violations = watch(page)
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto(live_server.url + site.get_absolute_url())
    signup = page.get_by_role("region", name="Our weekly newsletter")
    signup.scroll_into_view_if_needed()
    assert no_horizontal_scroll(page)
    signup.get_by_label("Your e-mail address").fill("Reader@Example.org")
    signup.get_by_label(re.compile("Send me the weekly newsletter")).check()
    signup.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert no_horizontal_scroll(page)

    run_queued_tasks()  # the mail worker sends the confirmation
    [message] = mailoutbox
    link = re.search(re.escape(live_server.url) + r"/newsletter/confirm/\S+/", message.body).group()
    page.goto(link)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING  # opening the link is not confirming
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: you are subscribed")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.source_page == site.get_absolute_url()
    assert violations == []


def test_bad_input_is_shown_on_the_signup_page_at_desktop_width(live_server, new_page, site):
    page = new_page()
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto(live_server.url + "/newsletter/")
    page.get_by_label("Your e-mail address").fill("not-an-address")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a valid e-mail address")
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    expect(page.get_by_label("Your e-mail address")).to_have_value("not-an-address")
    assert no_horizontal_scroll(page)
    assert not Subscriber.objects.exists()


def test_newsletter_staff_list_and_unsubscribe_subscribers_at_1024_and_1366(
    live_server, new_page, groups, django_user_model, log_in
):
    from tests.newsletter.helpers import make_subscriber

    staff = django_user_model.objects.create_user(username="letters", password=PASSWORD, is_staff=True)
    staff.groups.add(groups["Newsletter managers"])
    for n in range(3):
        make_subscriber(email=f"reader{n}@example.org", source_page="/articles/a-rather-long-article-address-of-the-site/")
    page = new_page()
    violations = watch(page)
    log_in(page, staff)
    for width, height in (SMALL_LAPTOP, DESKTOP):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/admin/newsletter/subscriber/")
        expect(page.get_by_role("link", name="reader0@example.org")).to_be_visible()
        assert no_horizontal_scroll(page), width
    run_action(page, row="reader1@example.org", action="Unsubscribe the selected subscribers")
    expect(page.locator(".messagelist")).to_contain_text("1 subscriber(s) unsubscribed.")
    assert Subscriber.objects.get(email="reader1@example.org").status == Subscriber.Status.UNSUBSCRIBED
    assert violations == []
