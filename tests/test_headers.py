"""
The security headers of every page type (magazine/middleware.py, SECURITY.md): its Content Security Policy,
Cross-Origin-Resource-Policy, and the MDN HTTP Observatory's score of the public pages (tests/observatory.py).
"""

import io
import re
import runpy
from importlib import import_module
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse
from django.views.static import serve
from reversion.models import Version

from articles.models import Page, SiteBlock
from quotes.models import MedicalRecord
from quotes.services import patient_link, send_quote
from tests.conftest import make_article, make_tag
from tests.live_site import live_site
from tests.observatory import parse_csp, score
from tests.quotes.test_quotes import make_quote, path_of

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
JINJA2 = ROOT / "templates" / "jinja2"
SETTINGS = ROOT / "magazine" / "settings.py"
HTTPS = "https://testserver"

PAGE = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
# The quote form runs one script file of the site's own (static/quotes/quote-form.js).
PAGE_WITH_SCRIPT = {**PAGE, "script-src": "'self'"}
RESOURCE = {"default-src": "'none'", "form-action": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'"}
ADMIN = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
RICH_TEXT_EDITOR = {**ADMIN, "script-src": "'self' 'unsafe-inline'", "img-src": "'self' data: blob:"}


def boom(request):
    raise RuntimeError("broken")


# The site's own addresses, a failing view (the 500 page) and uploaded files served as DEBUG serves them.
# (The site's patterns themselves: its public ones are i18n_patterns, which cannot be included.)
urlpatterns = [
    path("boom/", boom),
    path("media/<path:path>", lambda request, path: serve(request, path, document_root=settings.MEDIA_ROOT)),
    *import_module("magazine.urls").urlpatterns,
]


def as_header(policy):
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


def directives(response):
    """The Content Security Policy as {directive: sources}, sources in the order sent."""
    return {
        directive: " ".join(sources)
        for directive, *sources in (part.split() for part in response["Content-Security-Policy"].split(";"))
    }


@pytest.fixture
def site(settings, media_root, superuser):
    settings.ROOT_URLCONF = __name__
    settings.WHITENOISE_USE_FINDERS = True  # static files, as whitenoise serves them without nginx
    article = make_article(tags=[make_tag()], hero_alt="A clinic")
    page = Page.objects.create(title="Editorial policy", slug="policy", summary="How we work.", body="<p>Rules.</p>")
    quote = make_quote()
    send_quote(quote=quote, by=superuser)
    (media_root / "renditions").mkdir(parents=True)
    (media_root / "renditions" / "hero.webp").write_bytes(b"RIFF\x1a\x00\x00\x00WEBPVP8 ")
    return {"article": article, "page": page, "quote": quote}


def patient(client, quote_request):
    """A browser that has just sent ``quote_request``: its signed cookie holds the reference (quotes.views)."""
    from django.core import signing

    from quotes.views import RECEIVED_COOKIE, RECEIVED_SALT

    signer = signing.get_cookie_signer(salt=RECEIVED_COOKIE + RECEIVED_SALT)
    client.cookies[RECEIVED_COOKIE] = signer.sign(quote_request.reference)
    return client


def newsletter_link(kind):
    """The path of a confirm or unsubscribe link of a pending subscriber's e-mails."""
    from newsletter import services
    from newsletter.models import Subscriber
    from tests.newsletter.helpers import make_subscriber

    subscriber = Subscriber.objects.first() or make_subscriber(status=Subscriber.Status.PENDING)
    link = services.confirm_url(subscriber) if kind == "confirm" else services.unsubscribe_url(subscriber)
    return path_of(link)


PUBLIC_PAGES = {
    # page type: (address, status, policy, score as sent, score once the host is on the HSTS preload list)
    "home": (lambda site: reverse("articles:home"), 200, PAGE, 130, 135),
    "article": (lambda site: site["article"].get_absolute_url(), 200, PAGE, 130, 135),
    "archive": (lambda site: reverse("articles:archive"), 200, PAGE, 130, 135),
    "category": (lambda site: site["article"].category.get_absolute_url(), 200, PAGE, 130, 135),
    "tag": (lambda site: site["article"].tags.get().get_absolute_url(), 200, PAGE, 130, 135),
    "author": (lambda site: site["article"].authors.get().get_absolute_url(), 200, PAGE, 130, 135),
    "page": (lambda site: site["page"].get_absolute_url(), 200, PAGE, 130, 135),
    "search": (lambda site: reverse("articles:search") + "?q=article", 200, PAGE, 130, 135),
    "quote form": (lambda site: reverse("quotes:request"), 200, PAGE_WITH_SCRIPT, 135, 140),
    "quote thanks": (lambda site: reverse("quotes:thanks"), 200, PAGE, 130, 135),
    "patient's quote": (lambda site: path_of(patient_link(site["quote"])), 200, PAGE, 135, 140),
    "wrong quote link": (lambda site: reverse("quotes:patient-quote", args=["nonsense"]), 404, PAGE, 130, 135),
    "newsletter sign-up": (lambda site: reverse("newsletter:signup"), 200, PAGE, 130, 135),
    "newsletter thanks": (lambda site: reverse("newsletter:thanks"), 200, PAGE, 130, 135),
    "newsletter unsubscribe": (lambda site: newsletter_link("unsubscribe"), 200, PAGE, 130, 135),
    "newsletter confirm": (lambda site: newsletter_link("confirm"), 200, PAGE, 130, 135),
    "wrong newsletter link": (lambda site: reverse("newsletter:confirm", args=["nonsense"]), 400, PAGE, 130, 135),
    "404": (lambda site: "/no-such-page/", 404, PAGE, 130, 135),
    "500": (lambda site: "/boom/", 500, PAGE, 130, 135),
    "rss feed": (lambda site: reverse("feed-rss"), 200, RESOURCE, 130, 135),
    "atom feed": (lambda site: reverse("feed-atom"), 200, RESOURCE, 130, 135),
    "category feed": (lambda site: f"{site['article'].category.get_absolute_url()}feeds/atom/", 200, RESOURCE, 130, 135),
    "sitemap": (lambda site: reverse("sitemap"), 200, RESOURCE, 130, 135),
    "sitemap section": (lambda site: reverse("sitemap-section", args=["articles"]), 200, RESOURCE, 130, 135),
    "robots.txt": (lambda site: reverse("robots-txt"), 200, RESOURCE, 130, 135),
}
FILES = {
    "stylesheet": "/static/css/site.css",
    "icon": "/static/favicon.svg",
    "uploaded image": "/media/renditions/hero.webp",
}


def get_public(client, site, page_type):
    address, status, *_ = PUBLIC_PAGES[page_type]
    client.raise_request_exception = False
    if page_type == "quote thanks":
        patient(client, site["quote"].quote_request)
    response = client.get(address(site), secure=True)
    assert response.status_code == status, page_type
    return response


@pytest.mark.parametrize("page_type", PUBLIC_PAGES)
def test_each_public_page_type_allows_only_what_it_loads_and_scores_130_or_more(client, site, settings, page_type):
    address, _, policy, as_sent, preloaded = PUBLIC_PAGES[page_type]
    response = get_public(client, site, page_type)
    assert directives(response) == policy
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    settings.SECURE_SSL_REDIRECT = True
    over_http = Client().get(address(site))
    # The Observatory itself scans only pages answered 200, 401 or 403: an error page scores as another page would.
    # The pages that set a cookie (the CSRF token of their forms) get 5 more for its Secure and SameSite flags.
    url = HTTPS + response.wsgi_request.get_full_path()
    result, listed = (score(response, url, http_response=over_http, preloaded=p) for p in (False, True))
    assert (result.total, listed.total) == (as_sent, preloaded), result.results
    assert result.results["redirection"] == "redirection-to-https"


def test_the_scores_bonuses_are_the_policy_corp_frame_ancestors_and_referrer_policy(client, site):
    response = get_public(client, site, "home")
    result = score(response, HTTPS + "/", http_response=None)
    assert result.bonuses() == {
        "content-security-policy": "csp-implemented-with-no-unsafe-default-src-none",
        "cross-origin-resource-policy": "cross-origin-resource-policy-implemented-with-same-origin",
        "x-frame-options": "x-frame-options-implemented-via-csp",
        "referrer-policy": "referrer-policy-private",
    }
    assert [name for name, value in result.results.items() if value.endswith("-not-implemented")] == [
        "cross-origin-resource-sharing"
    ]
    assert result.grade == "A+"


def test_the_quote_forms_cookie_is_secure_and_same_site(client, site):
    response = get_public(client, site, "quote form")
    assert score(response, HTTPS + "/quote/").results["cookies"] == "cookies-secure-with-httponly-sessions-and-samesite"


@pytest.mark.parametrize("name", FILES)
def test_files_load_nothing_and_other_sites_may_show_them(client, site, name):
    response = client.get(FILES[name], secure=True)
    assert response.status_code == 200, name
    assert directives(response) == RESOURCE
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_sites_may_show_the_icon_from_its_usual_address(client, site):
    response = client.get("/favicon.ico", secure=True)
    assert response.status_code == 301 and response["Location"] == FILES["icon"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_a_revalidated_page_keeps_the_policy_it_was_stored_with(client, site):
    first = client.get("/", secure=True)
    again = client.get("/", secure=True, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    # Browsers update a stored page's headers from a 304: a 304 that named a policy (it has no content type to
    # choose one by) would replace the page's own.
    assert "Content-Security-Policy" not in again
    assert again["Cross-Origin-Resource-Policy"] == first["Cross-Origin-Resource-Policy"]


def test_images_from_a_bucket_or_cdn_are_allowed_on_pages_and_in_the_admin(
    client, site, settings, monkeypatch, superuser
):
    monkeypatch.setenv("DJANGO_S3_BUCKET", "magazine-media")
    monkeypatch.setenv("DJANGO_S3_CUSTOM_DOMAIN", "media.magazine.example")
    monkeypatch.setenv("DJANGO_CSP_MEDIA_ORIGINS", "https://images.partner.example")
    built = runpy.run_path(str(SETTINGS))
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_ADMIN"):
        setattr(settings, name, built[name])
    images = "'self' data: https://media.magazine.example/media/ https://images.partner.example"
    assert directives(client.get("/", secure=True))["img-src"] == images
    client.force_login(superuser)
    assert directives(client.get(reverse("admin:index"), secure=True))["img-src"] == images


def test_no_public_template_has_inline_script_style_or_event_handler():
    # The pages' policy allows neither: an error page or any page like the others (templates/jinja2/) links its
    # stylesheet. JSON-LD data blocks, which never run, are written by the structured-data helper.
    for template in JINJA2.rglob("*.html"):
        html = template.read_text().lower()
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), template.name  # script files alone
        assert "<style" not in html and " style=" not in html, template.name
        assert not re.search(r"\son[a-z]+\s*=", html), template.name


@pytest.mark.processes
def test_the_production_server_gives_pages_and_hashed_static_files_their_headers(tmp_path):
    with live_site(tmp_path, workers=1) as site:
        status, headers, body = site.get("/")
        assert status == 200 and headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert parse_csp(headers["Content-Security-Policy"]) == parse_csp(as_header(PAGE))
        stylesheet = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{12}\.css)">', body)
        status, headers, _ = site.get(stylesheet[1])  # served by whitenoise
        assert status == 200 and headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        assert parse_csp(headers["Content-Security-Policy"]) == parse_csp(as_header(RESOURCE))


# The admin


@pytest.fixture
def admin_site(site, superuser, settings):
    client = Client()
    client.force_login(superuser)
    article = site["article"]
    with reversion.create_revision():
        article.save()
    with reversion.create_revision():
        article.title = "Second title"
        article.save()
    newer, older = Version.objects.get_for_object(article)[:2]
    deleted = make_article()
    with reversion.create_revision():
        deleted.save()
    deleted_version = Version.objects.get_for_object(deleted).get()
    deleted.delete()
    record = MedicalRecord.objects.create(
        quote_request=site["quote"].quote_request, original_name="scan.pdf", content_type="application/pdf", size=9,
        file=ContentFile(b"%PDF-1.7\n", "scan.pdf"),
    )
    return {**site, "client": client, "older": older, "newer": newer, "deleted": deleted_version, "record": record}


ADMIN_PAGES = {
    # page type: (address, policy)
    "index": (lambda s: reverse("admin:index"), ADMIN),
    "article changelist": (lambda s: reverse("admin:articles_article_changelist"), ADMIN),
    "article add form": (lambda s: reverse("admin:articles_article_add"), RICH_TEXT_EDITOR),
    "article change form": (
        lambda s: reverse("admin:articles_article_change", args=[s["article"].pk]),
        RICH_TEXT_EDITOR,
    ),
    "article history": (lambda s: reverse("admin:articles_article_history", args=[s["article"].pk]), ADMIN),
    "revision compare": (
        lambda s: reverse("admin:articles_article_compare", args=[s["article"].pk])
        + f"?version_id1={s['older'].pk}&version_id2={s['newer'].pk}",
        ADMIN,
    ),
    "old revision form": (
        lambda s: reverse("admin:articles_article_revision", args=[s["article"].pk, s["older"].pk]),
        RICH_TEXT_EDITOR,
    ),
    "deleted articles": (lambda s: reverse("admin:articles_article_recoverlist"), ADMIN),
    "recover form": (lambda s: reverse("admin:articles_article_recover", args=[s["deleted"].pk]), RICH_TEXT_EDITOR),
    "site block change form": (
        lambda s: reverse("admin:articles_siteblock_change", args=[SiteBlock.objects.first().pk]),
        RICH_TEXT_EDITOR,
    ),
    "page change form": (lambda s: reverse("admin:articles_page_change", args=[s["page"].pk]), RICH_TEXT_EDITOR),
    "page add form": (lambda s: reverse("admin:articles_page_add"), RICH_TEXT_EDITOR),
    "category add popup": (lambda s: reverse("admin:articles_category_add") + "?_to_field=id&_popup=1", ADMIN),
    "author change form": (
        lambda s: reverse("admin:articles_author_change", args=[s["article"].authors.get().pk]),
        ADMIN,
    ),
    "quote request changelist": (lambda s: reverse("admin:quotes_quoterequest_changelist"), ADMIN),
    "quote request change form": (
        lambda s: reverse("admin:quotes_quoterequest_change", args=[s["quote"].quote_request.pk]),
        ADMIN,
    ),
    "quote change form": (lambda s: reverse("admin:quotes_quote_change", args=[s["quote"].pk]), ADMIN),
    "quote request history": (
        lambda s: reverse("admin:quotes_quoterequest_history", args=[s["quote"].quote_request.pk]),
        ADMIN,
    ),
    "password change": (lambda s: reverse("admin:password_change"), ADMIN),
    "autocomplete": (
        lambda s: reverse("admin:autocomplete") + "?app_label=articles&model_name=article&field_name=authors&term=a",
        RESOURCE,
    ),
    "admin's translations script": (lambda s: reverse("admin:jsi18n"), RESOURCE),
    "medical record download": (
        lambda s: reverse("admin:quotes_quoterequest_record", args=[s["record"].quote_request_id, s["record"].pk]),
        RESOURCE,
    ),
}


@pytest.mark.parametrize("page_type", ADMIN_PAGES)
def test_each_admin_page_type_runs_only_the_admins_script_files_but_the_editors_forms(admin_site, page_type):
    address, expected = ADMIN_PAGES[page_type]
    response = admin_site["client"].get(address(admin_site), secure=True)
    assert response.status_code == 200, page_type
    assert directives(response) == expected
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_related_object_popups_answer_has_no_inline_script(admin_site):
    response = admin_site["client"].post(
        reverse("admin:articles_category_add") + "?_to_field=id&_popup=1",
        # The form has a name per language (django-modeltranslation): the site language's is required.
        {"name_en_gb": "Dentistry", "slug": "dentistry", "position": 0, "review_interval_months": 12, "_popup": "1"},
        secure=True,
    )
    assert response.status_code == 200 and "popup_response.js" in response.content.decode()
    assert directives(response) == ADMIN


@pytest.mark.parametrize("two_factor", [False, True])
def test_the_login_page_runs_no_inline_script(client, settings, two_factor):
    settings.ADMIN_REQUIRE_2FA = two_factor
    response = client.get(reverse("admin:login"), secure=True)
    assert response.status_code == 200 and ("OTP Token" in response.content.decode()) is two_factor
    assert directives(response) == ADMIN
    result = score(response, HTTPS + reverse("admin:login"))
    assert result.results["content-security-policy"] == "csp-implemented-with-unsafe-inline-in-style-src-only"
    assert result.total == 125  # from 80 with 'unsafe-inline' scripts


def test_the_lock_out_page_runs_no_inline_script(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 1
    form = {"username": "editor", "password": "wrong", "next": "/admin/"}
    client.post(reverse("admin:login"), form, secure=True)
    response = client.post(reverse("admin:login"), form, secure=True)
    assert response.status_code == 429 and "Too many failed logins" in response.content.decode()
    assert directives(response) == ADMIN
    call_command("axes_reset", stdout=io.StringIO())


# The scorer itself, against the Observatory's published results


def test_the_scorer_gives_the_scores_the_observatory_gave_to_the_policies_sent_before(client, site):
    before = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    home = get_public(client, site, "home")
    home["Content-Security-Policy"] = before
    del home["Cross-Origin-Resource-Policy"]
    assert score(home, HTTPS + "/").total == 115
    login = client.get(reverse("admin:login"), secure=True)
    login["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    del login["Cross-Origin-Resource-Policy"]
    # 'unsafe-inline' scripts cost 20, and a page under 90 gets no bonus.
    assert score(login, HTTPS + reverse("admin:login")).total == 80


def test_the_scorer_reads_policies_as_the_observatory_does():
    assert parse_csp("default-src 'none'; script-src; IMG-SRC 'SELF' data:") == {
        "default-src": {"'none'"}, "script-src": {"'none'"}, "img-src": {"'self'", "data:"},
    }  # fmt: skip
    with pytest.raises(ValueError):
        parse_csp("img-src 'self'; img-src data:")
    response = HttpResponse("<p>x</p>")
    for policy, result in [
        ("default-src 'none'; script-src 'nonce-abc' 'unsafe-inline'", "no-unsafe-default-src-none"),
        ("default-src 'self'; script-src https:", "unsafe-inline"),
        ("default-src 'self'; style-src 'self' 'unsafe-inline'", "unsafe-inline-in-style-src-only"),
        ("default-src 'self'; img-src http://cdn.example", "insecure-scheme-in-passive-content-only"),
        ("default-src 'self'; script-src 'self' 'unsafe-eval'", "unsafe-eval"),
        ("img-src 'self'", "unsafe-inline"),  # no script-src nor default-src: anything runs
    ]:
        response["Content-Security-Policy"] = policy
        assert score(response, HTTPS + "/").results["content-security-policy"] == f"csp-implemented-with-{result}"
