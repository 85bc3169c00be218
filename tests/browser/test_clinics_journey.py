"""The clinic directory in Chromium: readers' pages fit a phone and a desktop, the filter works, staff's admin fits."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import SiteBlock
from clinics.models import Accreditation
from tests.browser.test_content_security_policy import watch
from tests.clinics.factories import make_accreditation, make_clinic, make_destination, make_treatment
from tests.conftest import make_article, make_tag

pytestmark = pytest.mark.browser

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def directory(db):
    knee = make_treatment(name="Knee replacement", slug="knee-replacement")
    teeth = make_treatment(name="Dental implants", slug="dental-implants")
    tag = make_tag(name="Joint replacement")
    make_article(title="Recovering from a new knee: the first six weeks at home", tags=[tag])
    clinic = make_clinic(
        name="Bosphorus Orthopaedic and Cardiovascular Surgery Hospital",
        slug="bosphorus",
        treatments=[knee],
        languages=["ar", "de", "en", "tr"],
        website="https://bosphorus-orthopaedic-and-cardiovascular.example.org/international-patients/",
        description="A 350-bed private hospital with orthopaedic, cardiac and rehabilitation departments.",
    )
    make_accreditation(clinic=clinic, body=Accreditation.Body.JCI)
    make_accreditation(clinic=clinic, body=Accreditation.Body.TEMOS, valid_until=timezone.localdate() - timedelta(days=1))
    make_clinic(name="Aegean Dental Clinic", city="Izmir", treatments=[teeth], accreditations=[(Accreditation.Body.ISO_9001, None)])
    make_clinic(name="Vistula Joint Centre", country="PL", city="Kraków", treatments=[knee])
    destination = make_destination(treatment=knee, country="TR", title="Knee replacement in Turkey", slug="knee-turkey")
    destination.tags.set([tag])
    SiteBlock.objects.update_or_create(
        kind="quote_cta", defaults={"title": "Get a free quote", "link_text": "Get a free quote", "link_url": "/quote/"}
    )
    return {"clinic": clinic, "destination": destination}


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_readers_pages_fit_the_screen_without_a_policy_violation(live_server, new_page, directory, width, height):
    page = new_page()
    violations = watch(page)
    page.set_viewport_size({"width": width, "height": height})
    for path in ("/clinics/", "/clinics/bosphorus/", "/destinations/", "/destinations/knee-turkey/", "/clinics/country/tr/"):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate(OVERFLOW) <= 0, (path, width)
        if path != "/destinations/":  # the clinics' stylesheet applies to the statement
            assert page.evaluate("getComputedStyle(document.querySelector('.not-endorsement')).borderLeftStyle") == "solid"
    assert violations == []


def test_a_reader_filters_the_clinics_and_reaches_a_clinic_and_its_destination_page(live_server, new_page, directory):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/clinics/")
    page.get_by_label("Country").select_option(label="Poland")
    page.get_by_role("button", name="Show clinics").click()
    expect(page).to_have_url(f"{live_server.url}/clinics/country/pl/")
    expect(page.get_by_role("heading", name="Clinics in Poland")).to_be_visible()
    expect(page.get_by_role("link", name="Vistula Joint Centre")).to_be_visible()
    expect(page.get_by_role("link", name="Aegean Dental Clinic")).to_have_count(0)

    page.get_by_label("Country").select_option(label="All countries")
    page.get_by_label("Treatment").select_option(label="Knee replacement")
    page.get_by_role("button", name="Show clinics").click()
    expect(page).to_have_url(f"{live_server.url}/clinics/treatment/knee-replacement/")
    page.get_by_role("link", name="Bosphorus Orthopaedic and Cardiovascular Surgery Hospital").click()
    accreditations = page.get_by_role("list", name="Valid accreditations")
    expect(accreditations).to_contain_text("Joint Commission International (JCI)")
    expect(accreditations).not_to_contain_text("TEMOS")
    page.get_by_role("link", name="Knee replacement", exact=True).click()
    expect(page.get_by_role("heading", name="Knee replacement in Turkey")).to_be_visible()
    expect(page.locator(".price")).to_have_text("US$6,500 – US$11,000")
    page.locator(".cta .button").click()
    expect(page).to_have_url(f"{live_server.url}/quote/?treatment=knee-replacement")


@pytest.fixture
def clinic_manager(django_user_model, groups):
    from tests.browser.conftest import PASSWORD

    user = django_user_model.objects.create_user(username="clinics", password=PASSWORD, is_staff=True)
    user.groups.add(groups["Clinic managers"])
    return user


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_clinic_admin_fits_the_screen_and_runs_under_its_policy(live_server, new_page, log_in, directory, clinic_manager, width):
    page = new_page()
    violations = watch(page)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, clinic_manager)
    clinic, destination = directory["clinic"], directory["destination"]
    for path in (
        "/admin/clinics/clinic/",
        f"/admin/clinics/clinic/{clinic.pk}/change/",
        "/admin/clinics/clinic/add/",
        "/admin/clinics/accreditation/",
        "/admin/clinics/destinationpage/",
        f"/admin/clinics/destinationpage/{destination.pk}/change/",
    ):
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()
        assert page.evaluate(OVERFLOW) <= 0, (path, width)
    page.goto(f"{live_server.url}/admin/clinics/clinic/")
    expect(page.locator("#result_list")).to_contain_text("Expired on")
    assert violations == []
