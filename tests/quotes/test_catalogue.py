"""Editors keep the treatment and destination catalogue: what patients chose stays with their requests."""

import re

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from quotes.models import Destination, Treatment
from quotes.services import retire_catalogue_entries
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote

pytestmark = pytest.mark.django_db


def delete_url(entry):
    return reverse(f"admin:quotes_{entry._meta.model_name}_delete", args=[entry.pk])


def changelist(model):
    return reverse(f"admin:quotes_{model._meta.model_name}_changelist")


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_says_nothing_about_requests(html, *requests):
    for quote_request in requests:
        assert quote_request.reference not in html
    assert "Cannot delete" not in html and "protected" not in html and "relationship" not in html.lower()
    assert "Quote request:" not in html and "Quote requests:" not in html


@pytest.fixture
def knee():
    return Treatment.objects.create(name="Knee replacement", slug="knee-replacement")


@pytest.fixture
def spain():
    return Destination.objects.create(name="Spain")


def test_deleting_a_treatment_a_request_chose_keeps_it_off_the_form(client, editor, knee):
    quote_request = make_request(treatment=knee, treatment_other="")
    client.force_login(editor)
    page = client.get(delete_url(knee))
    html = page.content.decode()
    assert page.status_code == 200 and "Knee replacement" in html and "Yes, I’m sure" in html
    assert "no longer offered on the quote form" in html  # said to every editor, of every entry
    assert_says_nothing_about_requests(html, quote_request)
    response = client.post(delete_url(knee), {"post": "yes"})
    assert response.status_code == 302 and response["Location"] == changelist(Treatment)
    said = shown_messages(response)
    assert said == ["Kept, and no longer offered on the quote form, because quote requests or quotes use it: Knee replacement."]
    assert not re.search(r"\d", said[0])
    knee.refresh_from_db()
    quote_request.refresh_from_db()
    assert knee.is_active is False and quote_request.treatment == knee
    entry = LogEntry.objects.get()
    assert entry.action_flag == CHANGE and entry.object_repr == "Knee replacement"


def test_an_unused_treatment_is_deleted(client, editor, knee):
    client.force_login(editor)
    assert client.get(delete_url(knee)).status_code == 200
    response = client.post(delete_url(knee), {"post": "yes"})
    assert response.status_code == 302
    assert shown_messages(response) == ["The treatment “Knee replacement” was deleted successfully."]
    assert not Treatment.objects.exists()
    assert LogEntry.objects.get().action_flag == DELETION


def test_a_destination_a_request_chose_or_a_quote_names_is_kept_with_them(client, editor, spain):
    chose = make_request()
    chose.destinations.add(spain)
    portugal = Destination.objects.create(name="Portugal")
    make_quote(make_request(), destination=portugal)
    client.force_login(editor)
    for destination in (spain, portugal):
        html = client.get(delete_url(destination)).content.decode()
        assert_says_nothing_about_requests(html, chose)
        client.post(delete_url(destination), {"post": "yes"})
        destination.refresh_from_db()
        assert destination.is_active is False
    assert list(chose.destinations.all()) == [spain]


def test_bulk_delete_keeps_the_entries_in_use_and_deletes_the_others(client, editor, knee):
    quote_request = make_request(treatment=knee, treatment_other="")
    unused = Treatment.objects.create(name="Dental implants", slug="dental-implants")
    client.force_login(editor)
    selected = {"action": "delete_selected", "_selected_action": [knee.pk, unused.pk]}
    page = client.post(changelist(Treatment), selected)
    html = page.content.decode()
    assert page.status_code == 200 and "Knee replacement" in html and "Dental implants" in html
    assert "no longer offered on the quote form" in html
    assert_says_nothing_about_requests(html, quote_request)
    response = client.post(changelist(Treatment), {**selected, "post": "yes"})
    assert response.status_code == 302
    assert shown_messages(response) == [
        "Kept, and no longer offered on the quote form, because quote requests or quotes use it: Knee replacement.",
        "Deleted 1 treatment.",
    ]
    assert list(Treatment.objects.values_list("name", "is_active")) == [("Knee replacement", False)]
    assert sorted(LogEntry.objects.values_list("object_repr", "action_flag")) == [
        ("Dental implants", DELETION), ("Knee replacement", CHANGE),
    ]  # fmt: skip


def test_retiring_entries_takes_the_changelist_queryset_as_it_is(knee, spain):
    make_request(treatment=knee, treatment_other="")
    treatments = Treatment.objects.select_related("related_article")  # TreatmentAdmin's list_select_related
    deleted, kept = retire_catalogue_entries(treatments)
    assert (deleted, kept) == ([], [knee]) and kept[0].is_active is False
    deleted, kept = retire_catalogue_entries(Destination.objects.all())
    assert (deleted, kept) == ([spain], []) and not Destination.objects.exists()


def test_the_form_no_longer_offers_a_kept_treatment(client, editor, knee):
    make_request(treatment=knee, treatment_other="")
    client.force_login(editor)
    client.post(delete_url(knee), {"post": "yes"})
    assert "Knee replacement" not in client.get(reverse("quotes:request")).content.decode()
