"""The interface's German and Arabic catalogues (locale/): complete, faithful to their placeholders and markup, compiled,
and the public pages that readers and patients see in those languages, with no English interface string left."""

import re
from datetime import date, timedelta

import lxml.html
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Correction, Reference, SiteBlock
from magazine.catalogues import source_messages
from quotes.models import Treatment
from tests.clinics.factories import make_clinic, make_destination
from tests.conftest import make_article, make_author, make_category, make_tag

LANGUAGES = ("de", "ar")
LOCALE = settings.BASE_DIR / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"<(/?\w+)")


def catalogue(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po)


def messages(language):
    return [message for message in catalogue(language) if message.id]


def forms(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    untranslated = [message.id for message in messages(language) if not all(forms(message.string))]
    fuzzy = [message.id for message in messages(language) if message.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert not catalogue(language).fuzzy


def test_arabic_has_its_six_plural_forms_and_german_two():
    arabic, german = catalogue("ar"), catalogue("de")
    assert arabic.num_plurals == 6 and german.num_plurals == 2
    assert "n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2" in arabic.plural_expr
    for message in messages("ar"):
        if message.pluralizable:
            assert len(message.string) == 6 and all(message.string), message.id
    with translation.override("ar"):
        words = [translation.ngettext("%(count)s min read", "%(count)s min read", n) % {"count": n} for n in (1, 2, 5, 11, 100)]
    assert words == ["دقيقة واحدة للقراءة", "دقيقتان للقراءة", "5 دقائق للقراءة", "11 دقيقة للقراءة", "100 دقيقة للقراءة"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_the_markup(language):
    for message in messages(language):
        ids = forms(message.id)
        wanted = set().union(*(PLACEHOLDER.findall(text) for text in ids))
        tags = sorted(TAG.findall(ids[-1]))
        for number, text in enumerate(forms(message.string)):
            found = set(PLACEHOLDER.findall(text))
            # A plural form may leave its number out ("دقيقة واحدة", one minute); nothing else may go missing.
            optional = {"count", "num", "days", "link_days"} if message.pluralizable else set()
            assert found <= wanted and wanted - found <= optional, (message.id, number, text)
            assert sorted(TAG.findall(text)) == tags, (message.id, text)
            assert text.count("%") == len(PLACEHOLDER.findall(text)), (message.id, text)  # no stray % for Python's %


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogues_are_those_of_the_po_files(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        compiled = {(message.context, tuple(forms(message.id))): tuple(forms(message.string)) for message in read_mo(mo) if message.id}
    written = {(message.context, tuple(forms(message.id))): tuple(forms(message.string)) for message in messages(language)}
    assert compiled == written, "run `make compilemessages`"


def test_the_catalogues_hold_every_string_the_sources_mark_and_no_other():
    marked = source_messages()
    for language in LANGUAGES:
        held = {(message.context, forms(message.id)[0]) for message in messages(language)}
        assert marked - held == set(), f"run `make messages` and translate the new strings ({language})"
        assert held - marked == set(), f"run `make messages` to drop the strings no source uses ({language})"


# The pages, in each language. Their content (names, titles) is made of words no interface string uses, so that
# any English interface string left on a page is found.


def interface_strings(language):
    """[(msgid, regex)]: each English string whose translation differs, as it would read on a page (its markup
    gone, its placeholders any text). Strings with fewer than four letters of their own in a row are left out:
    they would match inside words of the content."""
    found = []
    for message in messages(language):
        for english, translated in zip(forms(message.id), forms(message.string)):
            if english == translated:
                continue
            text = re.sub(r"<[^>]+>", " ", english)
            # A placeholder at either end is any text: the string is found by what it says around it.
            pieces = [piece.strip() for piece in PLACEHOLDER.split(text)[::2]]
            while pieces and not pieces[0]:
                pieces.pop(0)
            while pieces and not pieces[-1]:
                pieces.pop()
            if not any(re.search(r"[A-Za-z]{4}", piece) for piece in pieces):
                continue
            pattern = r"\s*.{1,300}?\s*".join(r"\s+".join(map(re.escape, piece.split())) for piece in pieces)
            found.append((english, re.compile(rf"(?<![\w-]){pattern}(?![\w-])")))
    return found


def visible_text(html):
    """What a reader sees or hears of a page: its text, its title and the text of its images, fields and labels."""
    tree = lxml.html.fromstring(html)
    for hidden in tree.xpath("//script|//style"):
        hidden.drop_tree()
    texts = [tree.text_content()]
    texts += tree.xpath("//@alt|//@placeholder|//@aria-label|//@title|//meta[@name='description']/@content")
    return " ".join(" ".join(texts).split())


def english_left(html, language):
    text = visible_text(html)
    return [english for english, pattern in interface_strings(language) if pattern.search(text)]


@pytest.fixture
def language():
    """The language of the pages a test reads (parametrized by the tests that read several)."""
    return "de"


def in_language(url, language):
    """``url`` (an English address) in ``language``'s part of the site (/de/…, /ar/…)."""
    if language.startswith("en") or url.startswith(f"/{language}/"):
        return url
    return f"/{language}{url}"


@pytest.fixture
def pages_content(db, language):
    # The articles are written in the language of the pages read: a page lists only the articles of its language.
    SiteBlock.objects.update_or_create(kind="disclaimer", defaults={"title": "", "body": "<p>Nota bene.</p>"})
    SiteBlock.objects.update_or_create(kind="quote_cta", defaults={"title": "Quaestio", "body": "<p>Roga.</p>", "link_text": "", "link_url": "/quote/"})
    SiteBlock.objects.create(kind="promo", title="Certificatio", body="<p>Disce.</p>", link_url="https://example.org/cmtp")
    category = make_category(name="Neurologia")
    reviewer = make_author(name="Ana Ruiz", credentials="MD")
    article = make_article(
        language=language,
        title="Cellulae post ictum",
        standfirst="Quid probationes ostendunt.",
        body="<h2>Probationes</h2><p>Primae probationes.</p><h2>Pretia</h2><p>Varia.</p>",
        category=category,
        authors=[make_author(name="Sam Scriptor"), make_author(name="Kim Secunda")],
        medical_reviewer=reviewer,
        last_reviewed=timezone.localdate() - timedelta(days=3),
        tags=[make_tag(name="Ictus")],
        published_at=timezone.now() - timedelta(days=30),
    )
    Reference.objects.create(article=article, position=1, citation="Prima citatio", doi="10.1161/STROKEAHA.120.029")
    Reference.objects.create(article=article, position=2, citation="Secunda citatio", pmid="12345678", url="https://example.org/s")
    Correction.objects.create(article=article, date=date.today() - timedelta(days=1), text="Emendatio.")
    article.content_updated_at = timezone.now() - timedelta(days=1)
    article.save()
    make_article(language=language, title="Cellulae aliae", standfirst="Alia.", category=category, authors=[make_author(name="Lea Alia")], tags=article.tags.all())
    treatment = Treatment.objects.create(name="Therapia cellularis", slug="therapia-cellularis")
    make_clinic(name="Valetudinarium Magnum", city="Smyrna", treatments=[treatment], languages=["de", "ar"])
    make_clinic(name="Valetudinarium Parvum", city="Smyrna", kind="clinic")
    make_destination(treatment=treatment, title="Therapia Smyrnae", intro="Lorem ipsum.", price_source="Pretia clinicarum")
    return article


def page(client, language, url, **post):
    url = in_language(url, language)
    with translation.override(language):
        response = client.post(url, post) if post else client.get(url)
    assert response.status_code in (200, 400, 404), url
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["home", "article", "quote form", "quote form with errors"])
def test_no_english_interface_string_is_left_on_the_page(client, pages_content, language, name):
    url = {"home": reverse("articles:home"), "article": pages_content.get_absolute_url()}.get(name, reverse("quotes:request"))
    html = page(client, language, url, **({"name": "", "consent": ""} if name == "quote form with errors" else {}))
    assert english_left(html, language) == []
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    if name == "quote form with errors":
        assert 'id="error-summary"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_interface_string_is_left_on_the_other_public_pages(client, pages_content, language):
    from clinics.models import Clinic, DestinationPage

    urls = [
        reverse("articles:archive"),
        pages_content.category.get_absolute_url(),
        pages_content.authors.first().get_absolute_url(),
        "/search/", "/search/?q=cellulae", "/search/?q=zzzzqqq&published=decade", "/search/?q=cellulae&category=nulla",
        reverse("clinics:list"), Clinic.objects.get(name="Valetudinarium Magnum").get_absolute_url(),
        reverse("clinics:destinations"), DestinationPage.objects.get().get_absolute_url(),
        reverse("newsletter:signup"), "/articles/nullum/",
    ]  # fmt: skip
    for url in urls:
        with translation.override(language):
            response = client.get(in_language(url, language))
        assert response.status_code == (404 if url == "/articles/nullum/" else 200), url
        assert english_left(response.content.decode(), language) == [], url
    html = page(client, language, reverse("newsletter:signup"), email="nulla", consent="")
    assert english_left(html, language) == [] and "form-errors" in html


@pytest.mark.parametrize("language", ["en-gb"])
def test_the_check_finds_the_english_strings_of_an_english_page(client, pages_content):
    """The English page, checked as if it were the Arabic one: every interface string it shows is found."""
    html = page(client, "en", pages_content.get_absolute_url())
    left = english_left(html, "ar")
    assert {"Skip to content", "References", "Share this article", "Related articles", "Get a free quote"} <= set(left)
    assert '<html lang="en" dir="ltr">' in html


@pytest.mark.parametrize("language", ["ar"])
def test_an_arabic_article_page_reads_right_to_left_with_its_dates_and_numbers_in_arabic(client, pages_content):
    html = page(client, "ar", pages_content.get_absolute_url())
    assert '<html lang="ar" dir="rtl">' in html
    assert "راجعه طبيًا" in html and "المراجع" in html and "دقيقة واحدة للقراءة" in html
    month = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
    assert month[pages_content.published_at.month - 1] in html


def test_a_german_article_page_writes_its_dates_the_german_way(client, pages_content):
    html = page(client, "de", pages_content.get_absolute_url())
    published = timezone.localtime(pages_content.published_at)
    months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
    assert f">{published.day}. {months[published.month - 1]} {published.year}</time>" in html
    assert "Medizinisch geprüft von" in html


@pytest.mark.parametrize("language", ["ar"])
def test_the_quote_forms_errors_are_in_the_patients_language(client, pages_content):
    html = page(client, "ar", reverse("quotes:request"), name="", consent="")
    assert "لم يُرسَل طلبك بعد" in html
    assert "هذا الحقل مطلوب" in html  # Django's own "This field is required."
    assert "لا يمكننا إعداد عرض سعر إلا بموافقتك على معالجة المعلومات الصحية." in html


def test_the_patients_emails_are_written_in_the_language_of_their_request(db):
    from quotes.services import new_request_emails, quote_ready_email
    from tests.quotes.test_quotes import make_quote

    quote = make_quote(valid_until=date(2027, 3, 4))
    quote.quote_request.language = "ar"  # the request was sent from /ar/quote/
    confirmation, triage = new_request_emails(quote.quote_request)
    ready = quote_ready_email(quote)
    assert confirmation["subject"] == f"طلب عرض السعر الخاص بك {quote.quote_request.reference}"
    assert confirmation["body"].startswith("مرحبًا،") and f"رقمك المرجعي هو {quote.quote_request.reference}" in confirmation["body"]
    assert "يعمل الرابط لمدة 60 يومًا" in ready["body"] and "مارس 2027" in ready["body"]
    # Triage reads English, whatever the patient's language.
    assert triage["subject"].startswith("New quote request") and "A new quote request has arrived" in triage["body"]
    quote.quote_request.language = "de"
    german = quote_ready_email(quote)
    assert german["subject"] == f"Ihr Angebot {quote.quote_request.reference} ist fertig"
    assert "Die Preise gelten bis zum 4. März 2027." in german["body"]


def test_the_patients_quote_page_in_german_writes_its_prices_and_dates_for_the_patient(client, pages_content):
    from quotes.services import patient_link
    from tests.quotes.test_quotes import make_quote, path_of

    quote = make_quote(valid_until=date(2027, 3, 4), sent_at=timezone.now())
    quote.quote_request.locale = "de_DE"
    quote.quote_request.language = "de"  # the link in the e-mail leads to the page in the patient's language
    quote.quote_request.save()
    html = page(client, "de", path_of(patient_link(quote)))
    assert english_left(html, "de") == []
    assert "Die Preise gelten bis zum <strong>4. März 2027</strong>." in html and "12.256,50" in html


@pytest.mark.parametrize(
    "language, day, moment, month",
    [
        ("en-gb", "4 May 2026", "4 May 2026, 09:05", "May 2026"),
        ("de", "4. Mai 2026", "4. Mai 2026, 09:05", "Mai 2026"),
        ("ar", "4 مايو 2026", "4 مايو 2026، 9:05 ص", "مايو 2026"),
    ],
)
def test_dates_are_written_in_the_readers_language(settings, language, day, moment, month):
    from datetime import datetime
    from datetime import timezone as utc

    from magazine.locales import display_date, display_datetime, display_month

    settings.TIME_ZONE = "UTC"
    with translation.override(language):
        assert display_date(date(2026, 5, 4)) == day
        assert display_datetime(datetime(2026, 5, 4, 9, 5, tzinfo=utc.utc)) == moment
        assert display_month(date(2026, 5, 4)) == month
        assert display_date(None) == "" and display_datetime("") == ""


@pytest.mark.parametrize("language", ["ar"])
def test_an_escaped_placeholder_stays_escaped_in_a_translated_string(client, pages_content):
    pages_content.tags.update(name="<b>Ictus</b>")
    html = page(client, "ar", reverse("articles:tag", kwargs={"slug": pages_content.tags.get().slug}))
    assert "الوسم «&lt;b&gt;Ictus&lt;/b&gt;»" in html and "<b>Ictus</b>" not in html


def test_the_quote_forms_countries_are_in_the_alphabetical_order_of_the_patients_language(db):
    from quotes.forms import QuoteRequestForm

    def names(language):
        with translation.override(language):
            return [str(name) for _code, name in QuoteRequestForm().fields["country"].choices]

    arabic, german, english = names("ar"), names("de"), names("en-gb")
    assert arabic.index("ألمانيا") < arabic.index("مصر")  # Germany before Egypt: alif before mim
    assert german.index("Ägypten") < german.index("Albanien")
    assert english.index("Albania") < english.index("Egypt") < english.index("Germany")
