"""Reply templates: common answers staff manage, chosen on the request's page to start a note."""

import pytest
from django.urls import reverse

from quotes.models import Note, ReplyTemplate
from tests.quotes.test_admin import change_form, make_request
from tests.quotes.test_permissions import login, manager  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SCANS = "Could you send us your most recent scans (MRI or X-ray), and the report that came with them?"


@pytest.fixture
def scans():
    return ReplyTemplate.objects.create(title="Ask for recent scans", body=SCANS)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("admin:quotes_replytemplate_changelist", {"triage": 200, "manager": 200, "superuser": 200}),
        ("admin:quotes_replytemplate_add", {"triage": 200, "manager": 200, "superuser": 200}),
        ("admin:quotes_replytemplate_change", {"triage": 200, "manager": 200, "superuser": 200}),
        ("admin:quotes_replytemplate_delete", {"manager": 200, "superuser": 200}),
    ],
)
def test_triage_staff_manage_reply_templates_and_nobody_else(client, request, scans, editor, reviewer, triage, manager, superuser, name, expected):
    url = reverse(name, args=[] if name.endswith(("changelist", "add")) else [scans.pk])
    assert client.get(url)["Location"].startswith(reverse("admin:login"))
    for role in ["editor", "reviewer", "triage", "manager", "superuser"]:
        login(client, request, role)
        assert client.get(url).status_code == expected.get(role, 403), role


def test_a_template_is_added_in_the_admin_and_bad_input_is_refused(client, triage):
    client.force_login(triage)
    url = reverse("admin:quotes_replytemplate_add")
    response = client.post(url, {"title": "", "body": "", "is_active": "on"})
    assert response.status_code == 200 and not ReplyTemplate.objects.exists()
    assert client.post(url, {"title": "Welcome", "body": "Thank you for your request.", "is_active": "on"}).status_code == 302
    assert ReplyTemplate.objects.get().title == "Welcome"


def test_the_request_page_offers_the_active_templates_with_their_text(client, triage, scans):
    ReplyTemplate.objects.create(title="Retired answer", body="Old.", is_active=False)
    quote_request = make_request()
    client.force_login(triage)
    html = client.get(reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])).content.decode()
    assert f'<option value="{scans.pk}" data-body="{SCANS}">Ask for recent scans</option>' in html
    assert "Retired answer" not in html
    assert "quotes/admin/reply-templates.js" in html


def test_choosing_a_template_for_an_empty_note_saves_its_text(client, triage, scans):
    quote_request = make_request()
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    response = client.post(url, change_form(quote_request, **{"notes-0-reply_template": scans.pk}))
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.text, note.author) == (SCANS, triage)


def test_a_note_staff_completed_keeps_their_words(client, triage, scans):
    quote_request = make_request()
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    text = SCANS + " The knee ones are enough."
    client.post(url, change_form(quote_request, **{"notes-0-reply_template": scans.pk, "notes-0-text": text}))
    assert Note.objects.get().text == text


def test_an_inactive_or_unknown_template_is_refused(client, triage, scans):
    scans.is_active = False
    scans.save()
    quote_request = make_request()
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    response = client.post(url, change_form(quote_request, **{"notes-0-reply_template": scans.pk}))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Note.objects.exists()


def test_an_empty_note_without_a_template_is_not_saved(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    assert client.post(url, change_form(quote_request)).status_code == 302
    assert not Note.objects.exists()
