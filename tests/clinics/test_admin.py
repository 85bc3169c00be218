"""The clinics directory in the admin: who may do what, the forms' checks, expired accreditations shown as expired."""

import re
from html import unescape
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import Accreditation, Clinic, DestinationPage
from quotes.models import Quote
from tests.clinics.factories import make_accreditation, make_clinic, make_destination, make_treatment
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote, quote_form

pytestmark = pytest.mark.django_db

ROLES = ["clinic_manager", "editor", "reviewer", "triage", "manager", "superuser"]


@pytest.fixture
def clinic_manager(django_user_model, groups):
    user = django_user_model.objects.create_user(username="clinics", password="x", is_staff=True)
    user.groups.add(groups["Clinic managers"])
    return user


@pytest.fixture
def manager(django_user_model, groups):
    user = django_user_model.objects.create_user(username="manager", password="x", is_staff=True)
    user.groups.add(groups["Triage managers"])
    return user


@pytest.fixture
def objects():
    clinic = make_clinic(name="Bosphorus Hospital", accreditations=[(Accreditation.Body.JCI, None)])
    return {"clinic": clinic, "accreditation": clinic.accreditations.get(), "destinationpage": make_destination()}


EVERYONE = {"clinic_manager": 200, "superuser": 200}
# (url name, object, status per role; 403 for the roles not named)
PAGES = [
    ("admin:clinics_clinic_changelist", None, {**EVERYONE, "editor": 200, "triage": 200, "manager": 200}),
    ("admin:clinics_clinic_change", "clinic", {**EVERYONE, "editor": 200, "triage": 200, "manager": 200}),
    ("admin:clinics_clinic_add", None, EVERYONE),
    ("admin:clinics_clinic_delete", "clinic", EVERYONE),
    ("admin:clinics_accreditation_changelist", None, {**EVERYONE, "editor": 200, "triage": 200, "manager": 200}),
    ("admin:clinics_accreditation_add", None, EVERYONE),
    ("admin:clinics_destinationpage_changelist", None, {**EVERYONE, "editor": 200}),
    ("admin:clinics_destinationpage_change", "destinationpage", {**EVERYONE, "editor": 200}),
    ("admin:clinics_destinationpage_add", None, {**EVERYONE, "editor": 200}),
]


@pytest.mark.parametrize("name,target,allowed", PAGES, ids=[page[0].split(":")[1] for page in PAGES])
def test_clinics_admin_permission_matrix(client, request, objects, clinic_manager, editor, reviewer, triage, manager, superuser, name, target, allowed):
    url = reverse(name, args=[objects[target].pk] if target else [])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    for role in ROLES:
        client.force_login(request.getfixturevalue(role))
        assert client.get(url).status_code == allowed.get(role, 403), role


@pytest.mark.parametrize("role", ["editor", "triage", "manager"])
def test_staff_who_only_read_the_directory_cannot_change_it(client, request, objects, role):
    client.force_login(request.getfixturevalue(role))
    clinic = objects["clinic"]
    response = client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), clinic_data(name="Changed"))
    assert response.status_code == 403
    clinic.refresh_from_db()
    assert clinic.name == "Bosphorus Hospital"


def test_the_admin_index_shows_the_directory_to_clinic_managers_and_not_to_reviewers(client, clinic_manager, reviewer):
    client.force_login(clinic_manager)
    html = client.get(reverse("admin:index")).content.decode()
    assert "clinics directory</a>" in html and "Destination pages" in html and "Accreditations" in html
    assert "Quote requests" not in html
    client.force_login(reviewer)
    assert "clinics directory" not in client.get(reverse("admin:index")).content.decode()


def test_clinic_managers_cannot_reach_quotes_through_the_clinic_list(client, clinic_manager, objects):
    quote = make_quote(make_request())
    quote.clinic_listing = objects["clinic"]
    quote.save()
    client.force_login(clinic_manager)
    url = reverse("admin:clinics_clinic_changelist")
    assert client.get(url, {"quotes__quote_request__email": "patient@example.org"}).status_code == 400
    assert client.get(url, {"quotes__isnull": "False"}).status_code == 400


def test_the_clinic_list_shows_expired_accreditations_as_expired(client, clinic_manager):
    clinic = make_clinic(name="Aegean Dental")
    make_accreditation(clinic=clinic, body=Accreditation.Body.TEMOS, valid_until=timezone.localdate() - timedelta(days=2))
    make_accreditation(clinic=clinic, body=Accreditation.Body.ISO_9001, valid_until=timezone.localdate() + timedelta(days=400))
    client.force_login(clinic_manager)
    html = client.get(reverse("admin:clinics_clinic_changelist")).content.decode()
    assert re.search(r"TEMOS: <strong[^>]*>Expired on", html)
    assert "ISO 9001: Valid until" in html
    html = client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])).content.decode()
    assert "Expired on" in html
    expired = client.get(reverse("admin:clinics_clinic_changelist"), {"accreditation": "expired"}).content.decode()
    assert "Aegean Dental" in expired


def test_the_clinic_list_takes_a_fixed_number_of_queries(client, clinic_manager, django_assert_max_num_queries):
    client.force_login(clinic_manager)
    url = reverse("admin:clinics_clinic_changelist")
    for _ in range(3):
        make_clinic(accreditations=[(Accreditation.Body.JCI, None)])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(10):
        make_clinic(accreditations=[(Accreditation.Body.JCI, None), (Accreditation.Body.TEMOS, None)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def clinic_data(**fields):
    data = {
        "name": "Marmara Clinic", "slug": "marmara-clinic", "kind": "clinic", "city": "Istanbul", "country": "TR",
        "is_listed": "on", "languages": ["en", "tr"], "website": "https://marmara.example.org/", "description_en_gb": "",
        "accreditations-TOTAL_FORMS": "1", "accreditations-INITIAL_FORMS": "0",
        "accreditations-MIN_NUM_FORMS": "0", "accreditations-MAX_NUM_FORMS": "1000",
        "accreditations-0-body": "", "accreditations-0-body_other": "", "accreditations-0-valid_until": "",
        "accreditations-0-certificate_url": "",
    }  # fmt: skip
    data.update(fields)
    return data


def test_a_clinic_manager_adds_a_clinic_with_an_accreditation(client, clinic_manager):
    knee = make_treatment()
    client.force_login(clinic_manager)
    response = client.post(
        reverse("admin:clinics_clinic_add"),
        clinic_data(**{"treatments": [knee.pk], "accreditations-0-body": "jci", "accreditations-0-valid_until": "2028-01-31"}),
    )
    assert response.status_code == 302, response.content.decode()
    clinic = Clinic.objects.get(slug="marmara-clinic")
    assert clinic.languages == ["en", "tr"] and list(clinic.treatments.all()) == [knee]
    assert clinic.accreditations.get().body_name == "Joint Commission International (JCI)"


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"website": "not a web address"}, "website", "Enter a web address starting with https:// or http://."),
        ({"website": "ftp://files.example.org/"}, "website", "Enter a web address starting with https:// or http://."),
        ({"slug": "filter"}, "slug", "This address is used by the clinic list"),
        ({"languages": ["xx"]}, "languages", "Select a valid choice."),
        ({"accreditations-0-body": "other", "accreditations-0-valid_until": "2028-01-31"}, None, "Name the accrediting body."),
        ({"accreditations-0-body": "jci", "accreditations-0-body_other": "Someone", "accreditations-0-valid_until": "2028-01-31"}, None, "Leave this empty"),
        ({"accreditations-0-body": "jci", "accreditations-0-valid_until": "31/31/2028"}, None, "Enter a valid date."),
        ({"accreditations-0-body": "jci"}, None, "This field is required."),
    ],
)
def test_bad_clinic_input_is_refused_with_a_clear_error_and_nothing_saved(client, clinic_manager, fields, field, message):
    client.force_login(clinic_manager)
    response = client.post(reverse("admin:clinics_clinic_add"), clinic_data(name="Typed By Hand", **fields))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in unescape(html), response.context["adminform"].form.errors
    assert "Typed By Hand" in html  # what was typed stays in the form
    if field:
        assert field in response.context["adminform"].form.errors
    assert not Clinic.objects.exists()


def destination_data(treatment, **fields):
    data = {
        "treatment": treatment.pk, "country": "TR", "title_en_gb": "Knee replacement in Turkey",
        "slug": "knee-replacement-in-turkey", "intro_en_gb": "What to know.", "is_published": "on",
        "price_low": "7000", "price_high": "11500", "currency": "USD", "price_date": "2026-10-01",
        "price_source": "Five hospitals' price lists", "price_source_url": "",
    }  # fmt: skip
    data.update(fields)
    return data


def test_an_editor_adds_a_priced_destination_page(client, editor):
    knee = make_treatment()
    client.force_login(editor)
    response = client.post(reverse("admin:clinics_destinationpage_add"), destination_data(knee))
    assert response.status_code == 302
    page = DestinationPage.objects.get()
    assert page.price_range == "US$7,000 – US$11,500"


def test_a_destination_page_may_have_no_price_at_all(client, editor):
    knee = make_treatment()
    client.force_login(editor)
    blank = {"price_low": "", "price_high": "", "price_date": "", "price_source": ""}
    assert client.post(reverse("admin:clinics_destinationpage_add"), destination_data(knee, **blank)).status_code == 302
    assert not DestinationPage.objects.get().has_price


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"price_low": "12000", "price_high": "8000"}, "price_high", "The upper end of the range is lower than the lower end."),
        ({"price_high": ""}, "price_high", "Give both ends of the price range."),
        ({"price_low": "-5"}, "price_low", "A price cannot be negative."),
        ({"price_low": "lots"}, "price_low", "Enter a number."),
        ({"price_date": ""}, "price_date", "Give the date the prices were checked."),
        ({"price_source": "  "}, "price_source", "Say where the prices come from."),
        ({"price_date": "", "price_source": ""}, "price_source", "Say where the prices come from."),
        ({"price_low": "", "price_high": ""}, "price_date", "A date belongs with a price range"),
        ({"price_date": "2099-01-01"}, "price_date", "The prices cannot have been checked in the future."),
        ({"price_source_url": "javascript:alert(1)"}, "price_source_url", "Enter a web address starting with https://"),
    ],
)
def test_bad_destination_input_is_refused_with_a_clear_error_and_nothing_saved(client, editor, fields, field, message):
    knee = make_treatment()
    client.force_login(editor)
    response = client.post(reverse("admin:clinics_destinationpage_add"), destination_data(knee, **fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and any(message in error for error in errors[field]), errors
    assert not DestinationPage.objects.exists()


def test_a_second_page_for_the_same_treatment_and_country_is_refused(client, editor):
    knee = make_treatment()
    make_destination(treatment=knee, country="TR", slug="first")
    client.force_login(editor)
    response = client.post(reverse("admin:clinics_destinationpage_add"), destination_data(knee, slug="second"))
    assert response.status_code == 200
    assert "There is already a page for this treatment in this country." in response.content.decode()
    assert DestinationPage.objects.count() == 1


def test_triage_picks_the_clinic_of_a_quote_with_the_autocomplete(client, triage, objects):
    make_clinic(name="Unrelated Dental")
    client.force_login(triage)
    params = {"app_label": "quotes", "model_name": "quote", "field_name": "clinic_listing", "term": "bosph"}
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Bosphorus Hospital"]
    quote = make_quote(make_request())
    html = client.get(reverse("admin:quotes_quote_change", args=[quote.pk])).content.decode()
    assert 'name="clinic_listing"' in html and "admin-autocomplete" in html


def test_staff_who_may_not_see_the_directory_get_no_clinic_autocomplete(client, reviewer, objects):
    client.force_login(reviewer)
    params = {"app_label": "quotes", "model_name": "quote", "field_name": "clinic_listing", "term": "bosph"}
    assert client.get(reverse("admin:autocomplete"), params).status_code == 403


def test_a_quote_keeps_the_clinic_s_name_when_the_clinic_is_deleted(objects):
    quote = make_quote(make_request())
    quote.clinic, quote.clinic_listing = "", objects["clinic"]
    quote.save()
    objects["clinic"].delete()
    quote = Quote.objects.get(pk=quote.pk)
    assert quote.clinic_listing is None and quote.clinic == "Bosphorus Hospital"


def quote_change_form(quote, **overrides):
    """The quote's change form as it is, with ``overrides``; no line changed."""
    data = quote_form(quote.quote_request, **{"clinic": quote.clinic, "clinic_listing": quote.clinic_listing_id or "", "lines-TOTAL_FORMS": "0"})
    data["valid_until"] = quote.valid_until.isoformat()
    data.update(overrides)
    return data


def test_a_quote_takes_the_name_of_the_directory_clinic_chosen_and_follows_another_one(client, triage, objects):
    other = make_clinic(name="Vistula Joint Centre", country="PL", city="Kraków")
    client.force_login(triage)
    response = client.post(reverse("admin:quotes_quote_add"), quote_form(make_request(), clinic="", clinic_listing=objects["clinic"].pk))
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.clinic_listing, quote.clinic) == (objects["clinic"], "Bosphorus Hospital")

    # Triage chose the wrong one: they choose another, and leave the name as the form shows it.
    url = reverse("admin:quotes_quote_change", args=[quote.pk])
    assert client.post(url, quote_change_form(quote, clinic_listing=other.pk)).status_code == 302
    quote.refresh_from_db()
    assert (quote.clinic_listing, quote.clinic) == (other, "Vistula Joint Centre")
    html = client.get(reverse("admin:quotes_quoterequest_change", args=[quote.quote_request_id])).content.decode()
    assert "Vistula Joint Centre" in html and "Bosphorus Hospital" not in html


def test_a_typed_name_other_than_the_chosen_directory_clinic_s_is_refused_and_kept(client, triage, objects):
    quote = make_quote(make_request())  # typed "Clinica Example", outside the directory
    client.force_login(triage)
    url = reverse("admin:quotes_quote_change", args=[quote.pk])
    response = client.post(url, quote_change_form(quote, clinic="Bosphorus knee unit", clinic_listing=objects["clinic"].pk))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "“Bosphorus Hospital” is chosen from the directory, and the quote takes its name" in html
    assert 'value="Bosphorus knee unit"' in html
    quote.refresh_from_db()
    assert (quote.clinic_listing, quote.clinic) == (None, "Clinica Example")


def test_a_clinic_outside_the_directory_keeps_its_typed_name(client, triage):
    client.force_login(triage)
    response = client.post(reverse("admin:quotes_quote_add"), quote_form(make_request(), clinic="Clinica Valencia", clinic_listing=""))
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.clinic_listing, quote.clinic) == (None, "Clinica Valencia")
