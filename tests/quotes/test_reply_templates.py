"""Reply templates: common answers staff manage, chosen on the request's page to start a note or a reply to the patient."""

import pytest
from django.urls import reverse

from outbox.models import Email
from quotes.models import Note, PatientMessage, ReplyTemplate
from quotes.services import send_quote
from tests.quotes.test_admin import change_form, make_request
from tests.quotes.test_quotes import make_quote
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


@pytest.fixture
def quoted(triage):
    """A request whose patient was sent a quote, so has a page to read replies on."""
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    Email.objects.all().delete()
    return quote.quote_request


def reply(quote_request, **fields):
    return change_form(quote_request, **{"messages-TOTAL_FORMS": "1", **{f"messages-0-{k}": v for k, v in fields.items()}})


def test_the_reply_to_the_patient_offers_the_active_templates_with_their_text(client, triage, scans, quoted):
    ReplyTemplate.objects.create(title="Retired answer", body="Old.", is_active=False)
    client.force_login(triage)
    html = client.get(reverse("admin:quotes_quoterequest_change", args=[quoted.pk])).content.decode()
    conversation = html[html.index('id="messages-group"'):html.index('id="status_changes-group"')]
    assert 'name="messages-0-reply_template"' in conversation
    assert f'<option value="{scans.pk}" data-body="{SCANS}">Ask for recent scans</option>' in conversation
    assert "Retired answer" not in conversation
    assert "quotes/admin/reply-templates.js" in html and "quotes/admin/triage.css" in html


def test_a_reply_completed_from_a_template_is_sent_as_written(client, triage, scans, quoted, deliver_emails):
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quoted.pk])
    text = SCANS + " Your knee MRI from May is enough."
    assert client.post(url, reply(quoted, reply_template=scans.pk, text=text)).status_code == 302
    message = PatientMessage.objects.get()
    assert (message.kind, message.text, message.author) == (PatientMessage.Kind.REPLY, text, triage)
    [email] = deliver_emails()
    assert email.to == [quoted.email] and "MRI" not in email.body and "scans" not in email.body


def test_a_template_chosen_for_an_empty_reply_is_put_in_the_box_to_complete_and_nothing_is_sent(client, triage, scans, quoted):
    # What the patient reads cannot be rewritten once sent: the template's text is never sent unread.
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quoted.pk])
    response = client.post(url, reply(quoted, reply_template=scans.pk, text="  "))
    html = response.content.decode()
    assert response.status_code == 200
    assert "complete it for this patient, then save to send it" in html
    assert f'id="id_messages-0-text">\n{SCANS}</textarea>' in html
    assert not PatientMessage.objects.exists() and not Email.objects.exists()


def test_an_inactive_template_is_refused_for_a_reply_too(client, triage, scans, quoted):
    scans.is_active = False
    scans.save()
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quoted.pk])
    response = client.post(url, reply(quoted, reply_template=scans.pk, text="Hello"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not PatientMessage.objects.exists()
