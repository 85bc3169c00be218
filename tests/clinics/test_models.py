from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.template import engines
from django.utils import timezone

from clinics.models import Accreditation, Clinic, DestinationPage, money, valid_accreditations
from quotes.models import Quote
from tests.clinics.factories import make_accreditation, make_clinic, make_destination, make_treatment
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote

pytestmark = pytest.mark.django_db


def test_valid_counts_an_accreditation_up_to_and_including_its_last_day():
    clinic = make_clinic()
    day = date(2027, 3, 31)
    accreditation = make_accreditation(clinic=clinic, valid_until=day)
    assert list(Accreditation.objects.valid(on=day)) == [accreditation]
    assert list(Accreditation.objects.valid(on=day + timedelta(days=1))) == []
    assert list(Accreditation.objects.expired(on=day + timedelta(days=1))) == [accreditation]
    assert accreditation.is_valid(on=day) and not accreditation.is_valid(on=day + timedelta(days=1))


def test_an_expired_accreditation_is_left_out_of_a_clinic_s_current_ones_prefetched_or_not():
    clinic = make_clinic()
    jci = make_accreditation(clinic=clinic, body="jci", valid_until=timezone.localdate() + timedelta(days=10))
    make_accreditation(clinic=clinic, body="temos", valid_until=timezone.localdate() - timedelta(days=1))
    assert clinic.current_accreditations() == [jci]
    prefetched = Clinic.objects.prefetch_related(valid_accreditations()).get()
    assert prefetched.current_accreditations() == [jci]


def test_the_next_expiry_is_the_start_of_the_day_after_the_soonest_valid_until():
    clinic = make_clinic()
    now = timezone.now()
    assert Accreditation.objects.next_expiry(now) is None
    make_accreditation(clinic=clinic, valid_until=timezone.localdate() - timedelta(days=3))  # gone already
    make_accreditation(clinic=clinic, valid_until=timezone.localdate() + timedelta(days=20))
    make_accreditation(clinic=clinic, valid_until=timezone.localdate() + timedelta(days=5))
    expected = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=6), datetime.min.time()))
    assert Accreditation.objects.next_expiry(now) == expected


def test_the_database_refuses_an_inverted_or_undated_price_range():
    knee = make_treatment()
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_destination(treatment=knee, price_low=Decimal("9000"), price_high=Decimal("8000"))
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_destination(treatment=knee, price_date=None)
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_destination(treatment=knee, price_source="")
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_destination(treatment=knee, priced=False, price_source="Someone said so")
    assert not DestinationPage.objects.exists()


def test_the_database_refuses_an_other_body_without_its_name():
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_accreditation(clinic=make_clinic(), body="other")


def test_prices_read_with_the_currency_symbol_and_thousands_separators():
    assert money(Decimal("8245.50"), "EUR") == "€8,245.50"
    assert money(Decimal("12000.00"), "USD") == "US$12,000"
    assert money(Decimal("900"), "GBP") == "£900"
    page = make_destination(price_low=Decimal("7000"), price_high=Decimal("7000"))
    assert page.price_range == "US$7,000"


def render_quote_clinic(quote):
    return engines["jinja2"].get_template("quotes/_quote_clinic.html").render({"quote": quote})


def test_the_quote_clinic_include_names_a_listed_clinic_with_its_link_place_and_valid_accreditations():
    clinic = make_clinic(name="Bosphorus Hospital", city="Istanbul", country="TR")
    make_accreditation(clinic=clinic, body="jci", valid_until=date(2099, 1, 31))
    make_accreditation(clinic=clinic, body="temos", valid_until=timezone.localdate() - timedelta(days=1))
    quote = make_quote(make_request())
    quote.clinic_listing = clinic
    quote.save()
    html = render_quote_clinic(quote)
    assert f'<a href="{clinic.get_absolute_url()}">Bosphorus Hospital</a>' in html
    assert "Hospital · Istanbul, Turkey" in html.replace("Türkiye", "Turkey")
    assert "Joint Commission International (JCI), valid until" in html and "31 January 2099" in html
    assert "TEMOS" not in html


def test_the_quote_clinic_include_does_not_link_an_unlisted_clinic():
    clinic = make_clinic(name="Private Partner", is_listed=False)
    quote = make_quote(make_request())
    quote.clinic_listing = clinic
    quote.save()
    html = render_quote_clinic(quote)
    assert "Private Partner" in html and "<a " not in html
    assert "No valid accreditation on record." in html


def test_the_quote_clinic_include_shows_the_typed_name_of_a_clinic_outside_the_directory():
    quote = make_quote(make_request())  # clinic="Clinica Example", no listing
    html = render_quote_clinic(quote)
    assert "Clinica Example" in html and "not in our directory" in html


def test_quotes_shown_together_load_their_clinics_in_a_fixed_number_of_queries(django_assert_num_queries):
    quote_request = make_request()
    for n in range(3):
        clinic = make_clinic(accreditations=[("jci", date(2099, 1, 1)), ("iso9001", date(2099, 1, 1))])
        quote = make_quote(quote_request)
        quote.clinic_listing = clinic
        quote.save()
    with django_assert_num_queries(2):
        quotes = list(
            Quote.objects.filter(quote_request=quote_request)
            .select_related("clinic_listing")
            .prefetch_related(valid_accreditations("clinic_listing__"))
        )
        html = "".join(render_quote_clinic(quote) for quote in quotes)
    assert html.count("Joint Commission International") == 3
