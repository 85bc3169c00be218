"""The demo clinics, their accreditations (one of them expired) and destination pages (manage.py load_demo_content)."""

from datetime import date
from decimal import Decimal

from articles.models import Tag
from quotes.models import Treatment

from .models import Accreditation, Clinic, DestinationPage

# Fictional clinics: names, addresses and websites are made up.
CLINICS = [
    {
        "slug": "bosphorus-orthopaedic-hospital",
        "name": "Bosphorus Orthopaedic Hospital",
        "kind": Clinic.Kind.HOSPITAL,
        "city": "Istanbul",
        "country": "TR",
        "treatments": ["knee-replacement", "heart-bypass-surgery"],
        "languages": ["ar", "de", "en", "tr"],
        "website": "https://bosphorus-orthopaedic.example.org/",
        "description": (
            "A 350-bed private hospital with orthopaedic, cardiac and rehabilitation departments. An international "
            "patients' office arranges interpreters, transfers and the hospital stay."
        ),
        "accreditations": [("jci", "", date(2028, 5, 31)), ("temos", "", date(2027, 3, 31))],
    },
    {
        "slug": "aegean-dental-clinic",
        "name": "Aegean Dental Clinic",
        "kind": Clinic.Kind.CLINIC,
        "city": "Izmir",
        "country": "TR",
        "treatments": ["dental-implants"],
        "languages": ["de", "en", "tr"],
        "website": "https://aegean-dental.example.org/",
        "description": "A dental clinic with eight treatment rooms, its own laboratory and a CT scanner.",
        # The TEMOS certificate has run out: the site shows only the ISO one as valid.
        "accreditations": [("iso9001", "", date(2027, 11, 30)), ("temos", "", date(2025, 6, 30))],
    },
    {
        "slug": "vistula-joint-centre",
        "name": "Vistula Joint Centre",
        "kind": Clinic.Kind.HOSPITAL,
        "city": "Kraków",
        "country": "PL",
        "treatments": ["knee-replacement"],
        "languages": ["de", "en", "pl"],
        "website": "https://vistula-joint.example.org/",
        "description": "A specialist orthopaedic hospital of 120 beds, with a physiotherapy centre on site.",
        "accreditations": [("other", "Polish national hospital accreditation (CMJ)", date(2028, 1, 31))],
    },
    {
        "slug": "baja-dental-studio",
        "name": "Baja Dental Studio",
        "kind": Clinic.Kind.CLINIC,
        "city": "Tijuana",
        "country": "MX",
        "treatments": ["dental-implants"],
        "languages": ["en", "es"],
        "website": "https://baja-dental.example.org/",
        "description": "A dental practice of six dentists, 20 minutes from the San Ysidro border crossing.",
        "accreditations": [("iso9001", "", date(2027, 8, 31))],
    },
    {
        "slug": "chao-phraya-heart-institute",
        "name": "Chao Phraya Heart Institute",
        "kind": Clinic.Kind.HOSPITAL,
        "city": "Bangkok",
        "country": "TH",
        "treatments": ["heart-bypass-surgery", "knee-replacement"],
        "languages": ["ar", "en", "ja", "th"],
        "website": "https://chao-phraya-heart.example.org/",
        "description": "A cardiac hospital with three operating theatres and a cardiac rehabilitation unit.",
        "accreditations": [("jci", "", date(2029, 2, 28))],
    },
]

DESTINATIONS = [
    {
        "slug": "knee-replacement-in-turkey",
        "title": "Knee replacement in Turkey",
        "treatment": "knee-replacement",
        "country": "TR",
        "intro": (
            "Istanbul and Ankara have many private hospitals that treat patients from abroad, several of them "
            "accredited by JCI. A package usually covers the operation, the implant, three to five nights in "
            "hospital and the first physiotherapy sessions.\n\n"
            "Plan on two weeks in the country before you fly home, and ask which implant the price includes."
        ),
        "price": (Decimal("7000"), Decimal("11500"), "USD"),
        "price_date": date(2026, 10, 1),
        "price_source": "Package prices published by five accredited hospitals in Istanbul and Ankara",
        "tags": ["joint-replacement", "costs"],
    },
    {
        "slug": "knee-replacement-in-poland",
        "title": "Knee replacement in Poland",
        "treatment": "knee-replacement",
        "country": "PL",
        "intro": (
            "Private orthopaedic hospitals in Kraków, Warsaw and Poznań treat many patients from Germany, the UK "
            "and Scandinavia. Stays are often a little longer than in Turkey, with physiotherapy on site."
        ),
        "price": (Decimal("6500"), Decimal("9000"), "EUR"),
        "price_date": date(2026, 9, 15),
        "price_source": "Price lists of four private orthopaedic hospitals",
        "tags": ["joint-replacement", "recovery"],
    },
    {
        "slug": "dental-implants-in-mexico",
        "title": "Dental implants in Mexico",
        "treatment": "dental-implants",
        "country": "MX",
        "intro": (
            "Border towns such as Tijuana and Los Algodones are a short drive from the United States. The price "
            "below is for one implant with its abutment and crown; full-arch work is quoted separately.\n\n"
            "Two visits are usual, three to six months apart, while the implant heals."
        ),
        "price": (Decimal("900"), Decimal("1800"), "USD"),
        "price_date": date(2026, 8, 1),
        "price_source": "Published prices of six clinics in Tijuana and Los Algodones",
        "tags": ["dental-implants", "costs"],
    },
]


def load(count):
    """Create what is missing; ``count(label, created)`` is told of each entry. A re-run changes nothing."""
    treatments = {treatment.slug: treatment for treatment in Treatment.objects.all()}
    for data in CLINICS:
        clinic, created = Clinic.objects.get_or_create(
            slug=data["slug"],
            defaults={key: data[key] for key in ("name", "kind", "city", "country", "languages", "website", "description")},
        )
        count("clinics", created)
        if created:
            clinic.treatments.set([treatments[slug] for slug in data["treatments"] if slug in treatments])
            for body, other, valid_until in data["accreditations"]:
                Accreditation.objects.create(clinic=clinic, body=body, body_other=other, valid_until=valid_until)
    for data in DESTINATIONS:
        treatment = treatments.get(data["treatment"])
        if treatment is None or DestinationPage.objects.filter(treatment=treatment, country=data["country"]).exists():
            count("destination pages", False)
            continue
        low, high, currency = data["price"]
        page, created = DestinationPage.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"], "treatment": treatment, "country": data["country"], "intro": data["intro"],
                "price_low": low, "price_high": high, "currency": currency, "price_date": data["price_date"],
                "price_source": data["price_source"], "is_published": True,
            },
        )  # fmt: skip
        count("destination pages", created)
        if created:
            page.tags.set(Tag.objects.filter(slug__in=data["tags"]))
