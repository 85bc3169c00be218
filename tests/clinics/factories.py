import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from clinics.models import Accreditation, Clinic, DestinationPage
from quotes.models import Treatment

_counter = itertools.count(1)


def make_treatment(*, name=None, **fields):
    n = next(_counter)
    name = name or f"Treatment {n}"
    return Treatment.objects.create(name=name, slug=fields.pop("slug", f"treatment-{n}"), **fields)


def make_clinic(*, name=None, country="TR", city="Istanbul", treatments=(), accreditations=(), **fields):
    n = next(_counter)
    name = name or f"Clinic {n}"
    clinic = Clinic.objects.create(
        name=name, slug=fields.pop("slug", f"clinic-{n}"), country=country, city=city, **fields
    )
    clinic.treatments.set(treatments)
    for body, valid_until in accreditations:
        make_accreditation(clinic=clinic, body=body, valid_until=valid_until)
    return clinic


def make_accreditation(*, clinic, body=Accreditation.Body.JCI, valid_until=None, **fields):
    if valid_until is None:
        valid_until = timezone.localdate() + timedelta(days=365)
    return Accreditation.objects.create(clinic=clinic, body=body, valid_until=valid_until, **fields)


def make_destination(*, treatment=None, country="TR", title=None, priced=True, **fields):
    n = next(_counter)
    treatment = treatment or make_treatment()
    if priced:
        fields.setdefault("price_low", Decimal("6500"))
        fields.setdefault("price_high", Decimal("11000"))
        fields.setdefault("price_date", date(2026, 9, 1))
        fields.setdefault("price_source", "Quotes from five accredited hospitals")
    fields.setdefault("is_published", True)
    return DestinationPage.objects.create(
        treatment=treatment,
        country=country,
        title=title or f"{treatment.name} in country {n}",
        slug=fields.pop("slug", f"destination-{n}"),
        intro=fields.pop("intro", "What to know before you go."),
        **fields,
    )
