import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import Accreditation
from tests.clinics.factories import make_accreditation, make_clinic, make_destination, make_treatment
from tests.conftest import make_article, make_tag

pytestmark = pytest.mark.django_db

JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
NOT_ENDORSEMENT = "Listing is not endorsement."


def json_ld(html):
    return [json.loads(block) for block in JSON_LD_RE.findall(html)]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def today():
    return timezone.localdate()


def test_the_clinic_list_shows_listed_clinics_with_their_valid_accreditations_only(client):
    knee = make_treatment(name="Knee replacement")
    make_clinic(
        name="Anatolia Hospital",
        treatments=[knee],
        accreditations=[(Accreditation.Body.JCI, today() + timedelta(days=30)), (Accreditation.Body.TEMOS, today() - timedelta(days=1))],
    )
    make_clinic(name="Hidden Clinic", is_listed=False)
    html = page(client, reverse("clinics:list"))
    assert "Anatolia Hospital" in html
    assert "Hidden Clinic" not in html
    assert "Joint Commission International (JCI)" in html
    assert "TEMOS" not in html  # the expired one is nowhere on the list
    assert "Knee replacement" in html
    assert NOT_ENDORSEMENT in html
    assert f'<link rel="canonical" href="http://testserver{reverse("clinics:list")}">' in html


def test_an_accreditation_is_shown_up_to_its_last_day_and_not_after(client):
    clinic = make_clinic(name="Last Day Clinic")
    make_accreditation(clinic=clinic, body=Accreditation.Body.ISO_9001, valid_until=today())
    assert "ISO 9001" in page(client, clinic.get_absolute_url())
    Accreditation.objects.update(valid_until=today() - timedelta(days=1))
    html = page(client, clinic.get_absolute_url())
    assert "ISO 9001" not in html
    assert "No valid accreditation on record." in html


def test_the_clinic_list_filters_by_country_and_treatment(client):
    knee, teeth = make_treatment(name="Knee replacement"), make_treatment(name="Dental implants")
    make_clinic(name="Istanbul Knees", country="TR", treatments=[knee])
    make_clinic(name="Izmir Teeth", country="TR", treatments=[teeth])
    make_clinic(name="Warsaw Knees", country="PL", city="Warsaw", treatments=[knee])

    html = page(client, reverse("clinics:country", kwargs={"country": "tr"}))
    assert "Istanbul Knees" in html and "Izmir Teeth" in html and "Warsaw Knees" not in html
    assert "<h1>Clinics in Turkey</h1>" in unescape(html).replace("Türkiye", "Turkey")

    html = page(client, reverse("clinics:treatment", kwargs={"treatment": knee.slug}))
    assert "Istanbul Knees" in html and "Warsaw Knees" in html and "Izmir Teeth" not in html

    html = page(client, reverse("clinics:country-treatment", kwargs={"country": "pl", "treatment": knee.slug}))
    assert "Warsaw Knees" in html and "Istanbul Knees" not in html


def test_the_filter_form_leads_to_the_filtered_list_and_drops_unknown_choices(client):
    knee = make_treatment(name="Knee replacement")
    make_clinic(country="TR", treatments=[knee])
    url = reverse("clinics:filter")
    assert client.get(url, {"country": "TR", "treatment": knee.slug})["Location"] == reverse(
        "clinics:country-treatment", kwargs={"country": "tr", "treatment": knee.slug}
    )
    assert client.get(url, {"country": "tr"})["Location"] == reverse("clinics:country", kwargs={"country": "tr"})
    assert client.get(url, {"treatment": knee.slug, "country": ""})["Location"] == reverse(
        "clinics:treatment", kwargs={"treatment": knee.slug}
    )
    # A country with no listed clinic, a made-up one, a slug that is no treatment, markup: the whole list.
    for bad in ({"country": "FR"}, {"country": "ZZ"}, {"country": "<script>"}, {"treatment": "no-such"}, {"treatment": "a" * 500}):
        assert client.get(url, bad)["Location"] == reverse("clinics:list"), bad


@pytest.mark.parametrize("path", ["/clinics/country/zz/", "/clinics/country/TR/", "/clinics/country/tur/", "/clinics/treatment/no-such/"])
def test_an_unknown_filter_is_404(client, path):
    assert client.get(path).status_code == 404


def test_an_unlisted_clinic_is_404(client):
    clinic = make_clinic(is_listed=False)
    assert client.get(clinic.get_absolute_url()).status_code == 404
    assert client.get("/clinics/no-such-clinic/").status_code == 404


def test_the_clinic_page_shows_its_facts_and_links_its_destination_pages(client):
    knee, teeth = make_treatment(name="Knee replacement"), make_treatment(name="Dental implants")
    clinic = make_clinic(
        name="Bosphorus Hospital",
        city="Istanbul",
        treatments=[knee, teeth],
        languages=["en", "tr", "de"],
        website="https://bosphorus.example.org/",
        description="A 400-bed general hospital.\n\nIt has an international patients' office.",
    )
    destination = make_destination(treatment=knee, country="TR", title="Knee replacement in Turkey")
    make_destination(treatment=teeth, country="TR", is_published=False, priced=False)
    html = page(client, clinic.get_absolute_url())
    assert "<h1 id=\"clinic-name\">Bosphorus Hospital</h1>" in html
    assert "Hospital in Istanbul" in html
    assert "English, German, Turkish" in html
    assert 'href="https://bosphorus.example.org/" rel="nofollow noopener"' in html
    assert "<p>A 400-bed general hospital.</p>" in html
    assert f'<a href="{destination.get_absolute_url()}">Knee replacement</a>' in html
    assert "<li>Dental implants</li>" in html  # its page is not published: no link
    assert NOT_ENDORSEMENT in html
    assert f'<link rel="canonical" href="http://testserver{clinic.get_absolute_url()}">' in html
    assert 'class="button" href="/quote/"' in html


def test_the_clinic_page_has_schema_org_hospital_or_clinic_data_with_valid_properties(client):
    knee = make_treatment(name="Knee replacement")
    hospital = make_clinic(
        name="Bosphorus Hospital",
        treatments=[knee],
        languages=["en", "tr"],
        website="https://bosphorus.example.org/",
        description="A general hospital.",
        accreditations=[(Accreditation.Body.JCI, today() + timedelta(days=90)), (Accreditation.Body.TEMOS, today() - timedelta(days=3))],
    )
    (data,) = json_ld(page(client, hospital.get_absolute_url()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Hospital"
    assert data["name"] == "Bosphorus Hospital"
    assert data["url"] == f"http://testserver{hospital.get_absolute_url()}"
    assert data["address"] == {"@type": "PostalAddress", "addressLocality": "Istanbul", "addressCountry": "TR"}
    assert data["sameAs"] == "https://bosphorus.example.org/"
    assert data["knowsLanguage"] == ["en", "tr"]
    assert data["availableService"] == [{"@type": "MedicalProcedure", "name": "Knee replacement"}]
    assert [credential["name"] for credential in data["hasCredential"]] == ["Joint Commission International (JCI)"]
    assert data["hasCredential"][0]["expires"] == (today() + timedelta(days=90)).isoformat()
    # Only properties that schema.org defines for a Hospital / MedicalClinic (Organization, Place, LocalBusiness).
    assert set(data) <= {"@context", "@type", "@id", "name", "url", "description", "address", "sameAs",
                         "knowsLanguage", "availableService", "hasCredential"}  # fmt: skip

    clinic = make_clinic(name="Small Dental Clinic", kind="clinic")
    (data,) = json_ld(page(client, clinic.get_absolute_url()))
    assert data["@type"] == "MedicalClinic"
    assert "hasCredential" not in data and "sameAs" not in data and "description" not in data


def test_the_destination_page_shows_the_price_with_its_date_and_source_the_clinics_and_the_related_articles(client):
    knee = make_treatment(name="Knee replacement")
    tag = make_tag(name="Joint replacement")
    own_article = make_article(title="Knee replacement abroad: costs")
    knee.related_article = own_article
    knee.save()
    tagged = make_article(title="Recovering from a new knee", tags=[tag])
    make_article(title="Unrelated article")
    make_article(title="Tagged draft", tags=[tag], status="draft")
    destination = make_destination(
        treatment=knee, country="TR", title="Knee replacement in Turkey", price_source_url="https://example.org/prices"
    )
    destination.tags.set([tag])
    make_clinic(name="Offers It", country="TR", treatments=[knee])
    make_clinic(name="Elsewhere", country="PL", treatments=[knee])
    make_clinic(name="Other Treatment", country="TR")
    make_clinic(name="Unlisted", country="TR", treatments=[knee], is_listed=False)

    html = page(client, destination.get_absolute_url())
    assert "<h1 id=\"destination-title\">Knee replacement in Turkey</h1>" in html
    assert "US$6,500 – US$11,000" in html
    assert "1 September 2026" in html
    assert '<a href="https://example.org/prices" rel="nofollow noopener">Quotes from five accredited hospitals</a>' in html
    assert "Offers It" in html
    assert "Elsewhere" not in html and "Other Treatment" not in html and "Unlisted" not in html
    assert "Recovering from a new knee" in html and "Knee replacement abroad: costs" in html
    assert "Unrelated article" not in html and "Tagged draft" not in html
    assert NOT_ENDORSEMENT in html
    assert f'href="/quote/?treatment={knee.slug}"' in html
    assert f'<link rel="canonical" href="http://testserver{destination.get_absolute_url()}">' in html


def test_a_destination_page_without_a_price_says_nothing_about_one(client):
    destination = make_destination(priced=False)
    html = page(client, destination.get_absolute_url())
    assert "Typical price" not in html


def test_an_unpublished_destination_page_is_404_and_not_listed(client):
    destination = make_destination(title="Not yet ready", is_published=False)
    assert client.get(destination.get_absolute_url()).status_code == 404
    assert "Not yet ready" not in page(client, reverse("clinics:destinations"))


def test_the_destination_list_shows_published_pages_with_their_price(client):
    make_destination(title="Knee replacement in Turkey")
    html = page(client, reverse("clinics:destinations"))
    assert "Knee replacement in Turkey" in html
    assert "typically US$6,500 – US$11,000 (as of September 2026)" in html


def test_nothing_a_clinic_manager_types_can_run_as_markup(client):
    clinic = make_clinic(name="<script>alert(1)</script>", description="<img src=x onerror=alert(1)>")
    html = page(client, clinic.get_absolute_url())
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    (data,) = json_ld(html)
    assert data["name"] == "<script>alert(1)</script>"


def test_the_list_pages_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    knee = make_treatment()
    for n in range(3):
        make_clinic(treatments=[knee], accreditations=[(Accreditation.Body.JCI, today() + timedelta(days=n + 1))])
        make_destination(country=["TR", "PL", "DE"][n], treatment=knee)
    client.get(reverse("clinics:list"))  # the site's navigation and blocks are then cached
    # count, clinics, their treatments, their accreditations, the filter's countries and treatments
    with django_assert_num_queries(6):
        page(client, reverse("clinics:list"))
    for n in range(5):
        make_clinic(treatments=[make_treatment()], accreditations=[(Accreditation.Body.ISO_9001, today())])
    client.get(reverse("clinics:list"))
    with django_assert_num_queries(6):
        page(client, reverse("clinics:list"))
    client.get(reverse("clinics:destinations"))
    with django_assert_num_queries(2):  # count, pages with their treatment
        page(client, reverse("clinics:destinations"))


def test_the_destination_and_clinic_pages_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    knee = make_treatment()
    destination = make_destination(treatment=knee)
    clinics = [make_clinic(treatments=[knee], accreditations=[(Accreditation.Body.JCI, None)]) for _ in range(3)]
    client.get(destination.get_absolute_url())
    # the page, its clinics, their treatments and accreditations, the related articles
    with django_assert_num_queries(5):
        page(client, destination.get_absolute_url())
    client.get(clinics[0].get_absolute_url())
    # the clinic, its treatments, its accreditations, the destination pages of its treatments
    with django_assert_num_queries(4):
        page(client, clinics[0].get_absolute_url())


def test_the_sitemap_lists_listed_clinics_and_published_destination_pages_only(client):
    listed, unlisted = make_clinic(slug="listed-one"), make_clinic(slug="unlisted-one", is_listed=False)
    published, draft = make_destination(slug="published-one"), make_destination(slug="draft-one", is_published=False)
    index = page(client, reverse("sitemap"))
    assert "sitemap-clinics.xml" in index and "sitemap-destinations.xml" in index
    clinics = page(client, reverse("sitemap-section", kwargs={"section": "clinics"}))
    assert f"http://testserver{listed.get_absolute_url()}" in clinics and unlisted.slug not in clinics
    destinations = page(client, reverse("sitemap-section", kwargs={"section": "destinations"}))
    assert f"http://testserver{published.get_absolute_url()}" in destinations and draft.slug not in destinations


def test_a_filter_with_no_clinic_says_so_and_leads_back_to_all(client):
    make_clinic(country="TR")
    html = unescape(page(client, reverse("clinics:country", kwargs={"country": "fr"})))
    assert "No listed clinic in France yet." in html
    assert f'<a href="{reverse("clinics:list")}">See all clinics</a>' in html
