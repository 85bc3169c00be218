"""The privacy notice: a page editors edit, made once by load_demo_content, linked beside the form's consent."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Page

pytestmark = pytest.mark.django_db


def test_the_demo_content_makes_the_privacy_notice_once_and_leaves_it_to_the_editors():
    call_command("load_demo_content", stdout=io.StringIO())
    page = Page.objects.get(slug="privacy")
    for subject in ("What we collect", "Why", "Who sees it", "clinics we ask for prices", "How long we keep it", "withdraw your consent", "erase"):
        assert subject in page.body, subject
    Page.objects.filter(slug="privacy").update(body="<p>Edited by the editors.</p>")
    call_command("load_demo_content", stdout=io.StringIO())
    assert Page.objects.get(slug="privacy").body == "<p>Edited by the editors.</p>"
    assert Page.objects.filter(slug="privacy").count() == 1


def test_the_privacy_notice_states_the_configured_retention(client, settings):
    settings.QUOTE_RETENTION_DAYS = 365
    page = Page.objects.create(slug="privacy", title="Privacy notice", summary="Your data.", body="<p>What we collect.</p>")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "erased 365 days (about 12 months) after it was closed" in html
    other = Page.objects.create(slug="editorial-policy", title="Editorial policy", summary="How.", body="<p>x</p>")
    assert "Retention period" not in client.get(other.get_absolute_url()).content.decode()


def test_the_quote_form_links_the_privacy_notice_beside_the_consent(client):
    page = Page.objects.create(slug="privacy", title="Privacy notice", summary="Your data.", body="<p>x</p>")
    html = client.get(reverse("quotes:request")).content.decode()
    consent = html.index('name="consent"')
    link = html.index(f'<a href="{page.get_absolute_url()}">Our privacy notice</a>')
    assert 0 < link - consent < 1500  # right after the consent box, within its fieldset
    assert html.index("</fieldset>", consent) > link
