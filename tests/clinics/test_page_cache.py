"""Clinic and destination pages come from the page cache, and every edit readers can see reaches them at once."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinics.models import Accreditation
from magazine.pagecache.data import data_timeout
from tests.clinics.factories import make_accreditation, make_clinic, make_destination, make_treatment

# Edits are committed for real: the site version goes up after the commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_MAX_AGE = 60


@pytest.fixture
def clinic_manager(django_user_model, groups):
    user = django_user_model.objects.create_user(username="clinics", password="x", is_staff=True)
    user.groups.add(groups["Clinic managers"])
    return user


def staff_client(user):
    staff = Client()
    staff.force_login(user)
    return staff


def test_the_pages_are_served_from_the_cache(client, django_assert_num_queries, settings):
    settings.SITE_VERSION_CHECK_SECONDS = 600  # this test is about the pages, not about reading the version
    knee = make_treatment()
    clinic = make_clinic(treatments=[knee])
    destination = make_destination(treatment=knee)
    sitemap = reverse("sitemap-section", kwargs={"section": "clinics"})
    for url in (reverse("clinics:list"), clinic.get_absolute_url(), reverse("clinics:destinations"),
                destination.get_absolute_url(), reverse("clinics:country", kwargs={"country": "tr"}), sitemap):
        first = client.get(url)
        assert first.status_code == 200 and "public" in first["Cache-Control"], url
        with django_assert_num_queries(0):
            assert client.get(url).content == first.content


def test_filtered_lists_are_cached_apart(client):
    make_clinic(name="Istanbul One", country="TR")
    make_clinic(name="Warsaw One", country="PL", city="Warsaw")
    assert "Warsaw One" in client.get(reverse("clinics:list")).content.decode()
    turkey = client.get(reverse("clinics:country", kwargs={"country": "tr"})).content.decode()
    assert "Istanbul One" in turkey and "Warsaw One" not in turkey


def test_an_edit_in_the_admin_shows_on_every_page_at_once(client, clinic_manager):
    knee = make_treatment()
    clinic = make_clinic(name="Old Name Hospital", treatments=[knee])
    destination = make_destination(treatment=knee)
    pages = [reverse("clinics:list"), clinic.get_absolute_url(), destination.get_absolute_url()]
    for url in pages:
        assert "Old Name Hospital" in client.get(url).content.decode()
    data = {
        "name": "New Name Hospital", "slug": clinic.slug, "kind": "hospital", "city": "Istanbul", "country": "TR",
        "is_listed": "on", "treatments": [knee.pk], "languages": [], "website": "", "description_en_gb": "",
        "accreditations-TOTAL_FORMS": "0", "accreditations-INITIAL_FORMS": "0",
        "accreditations-MIN_NUM_FORMS": "0", "accreditations-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    response = staff_client(clinic_manager).post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), data)
    assert response.status_code == 302
    for url in pages:
        html = client.get(url).content.decode()
        assert "New Name Hospital" in html and "Old Name Hospital" not in html, url


def test_unlisting_a_clinic_takes_it_off_the_site_at_once(client, clinic_manager):
    clinic = make_clinic(name="Soon Unlisted")
    client.get(clinic.get_absolute_url())
    client.get(reverse("clinics:list"))
    staff_client(clinic_manager).post(
        reverse("admin:clinics_clinic_changelist"), {"action": "unlist_clinics", "_selected_action": [clinic.pk]}
    )
    assert client.get(clinic.get_absolute_url()).status_code == 404
    assert "Soon Unlisted" not in client.get(reverse("clinics:list")).content.decode()


def test_a_new_accreditation_a_treatment_s_new_name_and_an_unpublished_page_show_at_once(client):
    knee = make_treatment(name="Knee replacement")
    clinic = make_clinic(treatments=[knee])
    destination = make_destination(treatment=knee)
    assert "JCI" not in client.get(clinic.get_absolute_url()).content.decode()
    make_accreditation(clinic=clinic, body=Accreditation.Body.JCI)
    assert "JCI" in client.get(clinic.get_absolute_url()).content.decode()

    knee.name = "Total knee replacement"
    knee.save()
    assert "Total knee replacement" in client.get(clinic.get_absolute_url()).content.decode()

    client.get(destination.get_absolute_url())
    destination.is_published = False
    destination.save()
    assert client.get(destination.get_absolute_url()).status_code == 404


def test_no_page_is_kept_past_the_midnight_an_accreditation_runs_out():
    clinic = make_clinic()
    make_accreditation(clinic=clinic, valid_until=timezone.localdate())
    midnight = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate() + timedelta(days=1), timezone.datetime.min.time())
    )
    assert data_timeout() <= (midnight - timezone.now()).total_seconds() + 1
