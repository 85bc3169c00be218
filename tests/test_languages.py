"""The site in every language: addresses, hreflang alternates, the language switcher, the page cache."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Page
from tests.conftest import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db

LANGUAGES = ("en-gb", "de", "ar")
PREFIX = {"en-gb": "", "de": "/de", "ar": "/ar"}
ALTERNATE_RE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
SWITCHER_RE = re.compile(r'<nav class="language-switcher".*?</nav>', re.DOTALL)


def alternates(html):
    return {language: unescape(href) for language, href in ALTERNATE_RE.findall(html)}


def path_of(url):
    return url.removeprefix("http://testserver")


def translated(source, language, **fields):
    """A published translation of ``source`` into ``language``."""
    return make_article(
        title=fields.pop("title", f"{source.title} ({language})"),
        slug=fields.pop("slug", f"{source.slug}-{language}"),
        language=language,
        translation_of=source,
        category=source.category,
        **fields,
    )


@pytest.fixture
def site():
    category, tag, author = make_category(name="Orthopaedics"), make_tag(name="Knees"), make_author(name="Ana Writer")
    english = make_article(title="Knee replacement abroad", slug="knee", category=category, tags=[tag], authors=[author])
    german = translated(english, "de", title="Knieersatz im Ausland", tags=[tag], authors=[author])
    Page.objects.create(slug="about", title="About us", summary="Who we are.", body="<p>Us.</p>")
    return {"category": category, "tag": tag, "author": author, "english": english, "german": german}


def public_paths(site):
    """The public pages whose address is the same in every language, as paths of the site's language."""
    return [
        reverse("articles:home"),
        reverse("articles:archive"),
        site["category"].get_absolute_url(),
        site["tag"].get_absolute_url(),
        site["author"].get_absolute_url(),
        reverse("articles:page", kwargs={"slug": "about"}),
        reverse("articles:search") + "?q=knee",
        reverse("clinics:list"),
        reverse("clinics:destinations"),
        reverse("quotes:request"),
        reverse("newsletter:signup"),
    ]


def test_every_english_address_stays_where_it_was(site):
    assert [
        site["english"].get_absolute_url(),
        reverse("articles:home"),
        site["category"].get_absolute_url(),
        reverse("quotes:request"),
        reverse("feed-rss"),
        reverse("sitemap"),
        reverse("robots-txt"),
        reverse("admin:index"),
    ] == ["/articles/knee/", "/", f"/category/{site['category'].slug}/", "/quote/", "/feeds/rss/", "/sitemap.xml", "/robots.txt", "/admin/"]


def test_other_languages_live_under_their_prefix_and_the_site_wide_files_only_at_the_root(client, site):
    assert site["german"].get_absolute_url() == "/de/articles/knee-de/"
    with translation.override("ar"):
        assert reverse("articles:home") == "/ar/" and reverse("feed-rss") == "/ar/feeds/rss/"
        assert reverse("sitemap") == "/sitemap.xml" and reverse("admin:index") == "/admin/"
    for path in ("/de/sitemap.xml", "/ar/robots.txt", "/de/admin/"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_answers_in_each_language_with_hreflang_pairs_that_point_at_each_other(client, site, language):
    for path in public_paths(site):
        url = PREFIX[language] + path
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == language
        found = alternates(response.content.decode())
        assert set(found) == {*LANGUAGES, "x-default"}, url
        assert path_of(found[language]) == url  # itself
        assert path_of(found["x-default"]) == path  # the site language's
        for other, href in found.items():
            if other in (language, "x-default"):
                continue
            back = alternates(client.get(path_of(href)).content.decode())
            assert path_of(back[language]) == url, f"{href} does not point back to {url}"


def test_an_article_page_lists_only_its_published_translations(client, site):
    english, german = site["english"], site["german"]
    translated(english, "ar", status=Article.Status.DRAFT)  # not published: not offered
    html = client.get(english.get_absolute_url()).content.decode()
    assert alternates(html) == {
        "en-gb": "http://testserver/articles/knee/",
        "de": "http://testserver/de/articles/knee-de/",
        "x-default": "http://testserver/articles/knee/",
    }
    switcher = SWITCHER_RE.search(html)[0]
    assert 'href="http://testserver/de/articles/knee-de/" hreflang="de" lang="de"' in switcher
    assert "/ar/" not in switcher
    german_html = client.get(german.get_absolute_url()).content.decode()
    assert alternates(german_html) == alternates(html)  # the pair points at each other
    assert 'aria-current="page" lang="de"' in SWITCHER_RE.search(german_html)[0]


def test_an_article_without_translations_offers_no_switcher_and_names_itself(client):
    article = make_article(slug="alone")
    html = client.get(article.get_absolute_url()).content.decode()
    assert alternates(html) == {"en-gb": "http://testserver/articles/alone/", "x-default": "http://testserver/articles/alone/"}
    assert not SWITCHER_RE.search(html)


def test_an_original_in_another_language_is_the_x_default_of_its_translations(client):
    german = make_article(slug="original", language="de")
    arabic = translated(german, "ar")
    found = alternates(client.get(arabic.get_absolute_url()).content.decode())
    assert path_of(found["x-default"]) == "/de/articles/original/"


def test_an_article_asked_for_in_another_language_moves_to_its_own_address(client, site):
    response = client.get("/articles/knee-de/")
    assert response.status_code == 301 and response["Location"] == "/de/articles/knee-de/"
    assert client.get("/de/articles/knee/")["Location"] == "/articles/knee/"


def test_pages_name_their_locale_and_the_alternates_for_link_previews(client, site):
    html = client.get(site["german"].get_absolute_url()).content.decode()
    assert '<meta property="og:locale" content="de_DE">' in html
    assert '<meta property="og:locale:alternate" content="en_GB">' in html
    home = client.get("/ar/").content.decode()
    assert '<meta property="og:locale" content="ar_EG">' in home
    assert '<meta property="og:locale:alternate" content="de_DE">' in home


def test_accept_language_never_chooses_or_redirects_and_pages_do_not_vary_on_it(client, site):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response.status_code == 200 and response["Content-Language"] == "en-gb"
    assert "Knee replacement abroad" in response.content.decode()
    assert "Knieersatz" not in response.content.decode()
    for path in ("/", "/de/"):
        assert "accept-language" not in client.get(path).get("Vary", "").lower()


def test_a_list_page_in_the_second_page_keeps_its_page_in_each_alternate(client):
    from articles.views import ArchiveView

    for _ in range(ArchiveView.paginate_by + 1):
        make_article(language="de")
    response = client.get("/de/articles/?page=2")
    assert response.status_code == 200
    found = alternates(response.content.decode())
    assert path_of(found["en-gb"]) == "/articles/?page=2" and path_of(found["ar"]) == "/ar/articles/?page=2"


@pytest.mark.django_db(transaction=True)  # the edits commit, and the site version goes up after each commit
def test_the_page_cache_keeps_each_language_apart_and_an_edit_renews_them_all(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 600
    english, german = client.get("/").content.decode(), client.get("/de/").content.decode()
    assert "Knee replacement abroad" in english and "Knieersatz im Ausland" not in english
    assert "Knieersatz im Ausland" in german and "Knee replacement abroad" not in german
    assert client.get("/de/").content.decode() == german  # from the cache
    make_article(title="Neue Kliniken", language="de")
    make_article(title="New clinics")
    assert "Neue Kliniken" in client.get("/de/").content.decode()
    assert "New clinics" in client.get("/").content.decode()
    assert "Neue Kliniken" not in client.get("/").content.decode()


def test_the_home_page_costs_the_same_queries_in_every_language(client, site):
    for language in ("de", "ar"):
        for n in range(3):
            translated(make_article(slug=f"more-{language}-{n}"), language)
    counts = {}
    for language in LANGUAGES:
        client.get(PREFIX[language] + "/")  # the site-wide data, read once for every language
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PREFIX[language] + "/").status_code == 200
        counts[language] = len(queries)
    assert len(set(counts.values())) == 1, counts


def test_the_directory_shows_its_texts_in_the_page_language_and_falls_back_to_the_site_language(client):
    from clinics.models import Clinic, DestinationPage
    from tests.clinics.factories import make_clinic, make_destination

    destination = make_destination(title="Knee replacement in Turkey", intro="What to know before you go.")
    DestinationPage.objects.filter(pk=destination.pk).update(title_de="Knieersatz in der Türkei")
    clinic = make_clinic(name="Marmara Hospital", description="A large teaching hospital.")
    Clinic.objects.filter(pk=clinic.pk).update(description_ar="مستشفى تعليمي كبير.")
    german = client.get(f"/de{destination.get_absolute_url()}").content.decode()
    assert "Knieersatz in der Türkei" in german and "What to know before you go." in german  # intro not translated
    assert "مستشفى تعليمي كبير." in client.get(f"/ar{clinic.get_absolute_url()}").content.decode()
    assert "A large teaching hospital." in client.get(clinic.get_absolute_url()).content.decode()


def test_an_error_page_names_no_other_language(client):
    for path in ("/de/articles/nowhere/", "/no-such-page/"):
        response = client.get(path)
        assert response.status_code == 404
        assert not alternates(response.content.decode()) and not SWITCHER_RE.search(response.content.decode())


@pytest.mark.parametrize(
    "language, url, expected",
    [
        ("ar", "/quote/", "/ar/quote/"),
        ("de", "/quote/?treatment=knee", "/de/quote/?treatment=knee"),
        ("en-gb", "/quote/", "/quote/"),
        ("ar", "/no-such-page/", "/no-such-page/"),
        ("ar", "https://example.org/cmtp", "https://example.org/cmtp"),
        ("ar", "//example.org/x", "//example.org/x"),
        ("ar", "", ""),
    ],
)
def test_an_address_editors_wrote_leads_to_the_page_in_the_readers_language(language, url, expected):
    from magazine.i18n import in_page_language

    with translation.override(language):
        assert in_page_language(url) == expected


@pytest.mark.django_db
def test_the_call_to_action_of_a_translation_leads_to_the_quote_form_in_its_language_with_its_treatment(client):
    from articles.models import SiteBlock
    from quotes.models import Treatment

    source = make_article(title="Stem cell therapy after stroke")
    arabic = translated(source, "ar", title="العلاج بالخلايا الجذعية")
    treatment = Treatment.objects.create(name="Stem cell therapy", slug="stem-cell-therapy", related_article=source)
    SiteBlock.objects.update_or_create(kind="quote_cta", defaults={"title": "Quote", "link_url": "/quote/"})
    html = client.get(arabic.get_absolute_url()).content.decode()
    link = re.search(r'<aside class="cta".*?<a class="button" href="([^"]+)"', html, re.DOTALL).group(1)
    assert unescape(link) == f"/ar/quote/?article={arabic.slug}"
    form = client.get(unescape(link)).content.decode()
    assert re.search(rf'<option value="{treatment.pk}" selected>', form)


def test_the_site_links_of_html_editors_wrote_lead_to_the_page_in_the_readers_language():
    from magazine.i18n import links_in_page_language

    html = (
        '<p>Use <a href="/quote/?treatment=knee&amp;x=1">the form</a>, <a href="https://example.org/">a site</a>,'
        ' <a href="//example.org/x">another</a>, <a href="#top">the top</a> and <a class="more" href="/clinics/">'
        "clinics</a>.</p>"
    )
    with translation.override("de"):
        localised = str(links_in_page_language(html))
    assert 'href="/de/quote/?treatment=knee&amp;x=1"' in localised and 'href="/de/clinics/"' in localised
    assert 'href="https://example.org/"' in localised and 'href="//example.org/x"' in localised
    assert 'href="#top"' in localised
    with translation.override("en-gb"):
        assert str(links_in_page_language(html)) == html


@pytest.mark.django_db
def test_a_translated_pages_links_to_the_quote_form_lead_to_the_form_in_its_language(client):
    page = Page.objects.create(
        slug="contact", title="Contact", summary="How to reach us.", body='<p>Use <a href="/quote/">the form</a>.</p>',
        title_de="Kontakt", body_de='<p>Nutzen Sie das <a href="/quote/">Anfrageformular</a>.</p>',
    )
    german = client.get("/de" + page.get_absolute_url()).content.decode()
    assert re.search(r'<a href="/de/quote/"[^>]*>Anfrageformular</a>', german)
    english = client.get(page.get_absolute_url()).content.decode()
    assert re.search(r'<a href="/quote/"[^>]*>the form</a>', english)
