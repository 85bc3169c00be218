"""Triage in the admin: sending a quote after its preview, acceptance, assignees, search."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from outbox.models import Email
from quotes.models import AccessLog, Quote, QuoteRequest
from quotes.services import send_quote
from tests.quotes.test_admin import make_request
from tests.quotes.test_permissions import login, manager  # noqa: F401  (fixture)
from tests.quotes.test_quotes import make_quote

pytestmark = pytest.mark.django_db

ROLES = ["editor", "reviewer", "triage", "manager", "superuser"]
MAY_TRIAGE = {"triage", "manager", "superuser"}


def send_url(quote):
    return reverse("admin:quotes_quote_send", args=[quote.pk])


def patient_page_url(quote):
    return reverse("admin:quotes_quote_patient_page", args=[quote.pk])


@pytest.mark.parametrize("url", [send_url, patient_page_url], ids=["send", "patient-page"])
def test_the_preview_pages_are_for_triage_staff_alone(client, request, manager, url, editor, reviewer, triage, superuser):
    quote = make_quote()
    response = client.get(url(quote))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    for role in ROLES:
        login(client, request, role)
        assert client.get(url(quote)).status_code == (200 if role in MAY_TRIAGE else 403), role


@pytest.mark.parametrize("role", ["anonymous", "editor", "reviewer"])
def test_only_triage_staff_can_confirm_a_sending(client, request, role, editor, reviewer):
    quote = make_quote()
    login(client, request, role)
    response = client.post(send_url(quote))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    quote.refresh_from_db()
    assert quote.sent_at is None and not Email.objects.exists()


@pytest.mark.parametrize("role", ["triage", "manager", "superuser"])
def test_triage_staff_send_a_quote_by_confirming_its_preview(client, request, role, manager, triage, superuser):
    quote = make_quote()
    login(client, request, role)
    response = client.post(send_url(quote))
    assert response["Location"] == reverse("admin:quotes_quote_change", args=[quote.pk])
    quote.refresh_from_db()
    assert quote.sent_at is not None and quote.quote_request.status == QuoteRequest.Status.QUOTED
    assert Email.objects.get().recipients == [quote.quote_request.email]


def test_the_preview_shows_exactly_the_email_that_is_sent(client, triage):
    quote = make_quote()
    client.force_login(triage)
    with mock.patch("django.core.signing.time.time", return_value=1_800_000_000):
        preview = client.get(send_url(quote))
        client.post(send_url(quote))
    email = Email.objects.get()
    assert preview.context["email"]["body"] == email.body and preview.context["email"]["subject"] == email.subject
    html = preview.content.decode()
    assert email.subject in html
    link = next(line for line in email.body.splitlines() if "/quote/view/" in line)
    assert link in html
    # Nothing is sent by the preview itself.
    assert preview.status_code == 200


def test_the_patient_page_preview_is_the_page_the_patient_link_opens(client, triage):
    quote = make_quote(notes_to_patient="Flights are not included.")
    client.force_login(triage)
    with mock.patch("django.core.signing.time.time", return_value=1_800_000_000):
        preview = client.get(patient_page_url(quote))
        client.post(send_url(quote))
        link = next(line for line in Email.objects.get().body.splitlines() if "/quote/view/" in line)
    client.logout()
    patient = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert patient.status_code == 200 and preview.status_code == 200
    for response in (preview, patient):
        html = response.content.decode()
        assert f"Your quote {quote.quote_request.reference}" in html
        assert "Flights are not included." in html and "Line 0" in html and "Line 1" in html
    assert [t.name for t in preview.templates][:1] == [t.name for t in patient.templates][:1]
    assert client.post(patient_page_url(quote)).status_code in (302, 405)


def test_the_patient_page_preview_puts_the_quote_after_those_already_sent_as_sending_will(client, triage):
    earlier = make_quote()
    Quote.objects.filter(pk=earlier.pk).update(clinic="Sent Before Clinic")
    send_quote(quote=Quote.objects.get(pk=earlier.pk), by=triage)
    quote = make_quote(earlier.quote_request)
    Quote.objects.filter(pk=quote.pk).update(clinic="Previewed Clinic")
    client.force_login(triage)
    html = client.get(patient_page_url(quote)).content.decode()
    assert html.index("Quote 1") < html.index("Sent Before Clinic") < html.index("Quote 2") < html.index("Previewed Clinic")
    assert html.count("quote-card-linked") == 1 and "quote-card-linked" in html.split("Sent Before Clinic")[1]


def test_the_preview_is_an_access_to_the_request(client, triage):
    quote = make_quote()
    client.force_login(triage)
    client.get(send_url(quote))
    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.VIEW and [r.reference for r in entry.requests.all()] == [quote.quote_request.reference]


def test_a_quote_without_lines_cannot_be_confirmed(client, triage):
    quote = make_quote(lines=())
    client.force_login(triage)
    html = client.get(send_url(quote)).content.decode()
    assert "Add at least one line before sending the quote." in html
    assert "Confirm: send to the patient" not in html
    response = client.post(send_url(quote), follow=True)
    assert "Add at least one line before sending the quote." in response.content.decode()
    quote.refresh_from_db()
    assert quote.sent_at is None and not Email.objects.exists()


def test_an_expired_quote_cannot_be_confirmed(client, triage):
    quote = make_quote(valid_until=timezone.localdate() - timedelta(days=1))
    client.force_login(triage)
    assert "validity date has passed" in client.get(send_url(quote)).content.decode()
    client.post(send_url(quote))
    assert not Email.objects.exists()


def test_the_quote_page_has_a_send_to_patient_button_and_a_readable_total(client, triage):
    quote = make_quote(lines=((1, "8000.00"), (3, "81.83")))
    client.force_login(triage)
    html = client.get(reverse("admin:quotes_quote_change", args=[quote.pk])).content.decode()
    assert f'href="{send_url(quote)}"' in html and "Send to patient" in html
    assert "quotes/admin/triage.css" in html  # the styles of the live total and of the lines' amounts
    assert "US$8,245.49" in html  # in the patient's locale (quotes/money.py), en_GB by default
    assert "quotes/admin/quote-total.js" in html and 'class="live-total" data-locale="en-GB"' in html


def test_the_list_action_leads_to_the_preview_of_one_quote_and_refuses_several(client, triage):
    first, second = make_quote(), make_quote()
    client.force_login(triage)
    changelist = reverse("admin:quotes_quote_changelist")
    response = client.post(changelist, {"action": "send_to_patient", "_selected_action": [first.pk, second.pk]}, follow=True)
    assert "Select one quote" in response.content.decode()
    assert not Quote.objects.filter(sent_at__isnull=False).exists()
    response = client.post(changelist, {"action": "send_to_patient", "_selected_action": [second.pk]})
    assert response["Location"] == send_url(second)


def test_the_request_shows_which_quote_the_patient_accepted_and_when(client, triage):
    quote_request = make_request()
    make_quote(quote_request)
    accepted = make_quote(quote_request)
    accepted.clinic, accepted.accepted_at = "Clinic B", timezone.now()
    accepted.save()
    client.force_login(triage)
    html = client.get(reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])).content.decode()
    assert f'href="{reverse("admin:quotes_quote_change", args=[accepted.pk])}">{accepted}</a> (Clinic B), accepted by the patient on' in html


def test_the_request_list_shows_acceptance_and_filters_by_it(client, triage):
    waiting = make_request()
    make_quote(waiting)
    accepted_request = make_request()
    quote = make_quote(accepted_request)
    quote.accepted_at = timezone.now()
    quote.save()
    client.force_login(triage)
    changelist = reverse("admin:quotes_quoterequest_changelist")
    response = client.get(changelist)
    rows = {obj.reference: obj.accepted_on for obj in response.context["cl"].result_list}
    assert rows[waiting.reference] is None and rows[accepted_request.reference] is not None
    assert "column-accepted" in response.content.decode()
    assert [r.reference for r in client.get(changelist, {"accepted": "yes"}).context["cl"].result_list] == [accepted_request.reference]
    assert [r.reference for r in client.get(changelist, {"accepted": "no"}).context["cl"].result_list] == [waiting.reference]


def test_assignee_offers_only_active_staff_who_may_triage(client, django_user_model, groups, triage, editor, reviewer, manager, superuser):
    retired = django_user_model.objects.create_user(username="retired", password="x", is_staff=True, is_active=False)
    retired.groups.add(groups["Quote triage"])
    direct = django_user_model.objects.create_user(username="direct", password="x", is_staff=True)
    direct.user_permissions.add(Permission.objects.get(codename="change_quoterequest"))
    not_staff = django_user_model.objects.create_user(username="outsider", password="x")
    not_staff.groups.add(groups["Quote triage"])
    quote_request = make_request()
    client.force_login(triage)
    form = client.get(reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])).context["adminform"].form
    offered = sorted(user.username for user in form.fields["assignee"].queryset)
    assert offered == sorted(["admin", "direct", "manager", "triage"])


def test_an_exact_reference_search_lists_that_request_first(client, triage):
    wanted = make_request(reference="MT-2026-ABCDEF")
    # Newer requests whose e-mail holds the reference's words come first by date, not before the exact match.
    for n in range(3):
        make_request(email=f"mt-2026-abcdef{n}@example.org")
    client.force_login(triage)
    response = client.get(reverse("admin:quotes_quoterequest_changelist"), {"q": "mt-2026-abcdef"})
    results = [obj.reference for obj in response.context["cl"].result_list]
    assert results[0] == wanted.reference and len(results) == 4
    # Without a search, the newest first.
    results = [obj.reference for obj in client.get(reverse("admin:quotes_quoterequest_changelist")).context["cl"].result_list]
    assert results[-1] == wanted.reference
