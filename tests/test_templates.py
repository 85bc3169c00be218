"""The public pages are Jinja2 templates (templates/jinja2/, magazine/jinja2.py); the rest stays on Django's."""

import re
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import TemplateDoesNotExist, defaultfilters, engines, loader
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import timezone
from django.views.defaults import server_error

from magazine.jinja2 import date as jinja2_date
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
JINJA2 = TEMPLATES / "jinja2"


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_public_pages_are_jinja2_templates_and_the_rest_django_templates():
    for name in ("base.html", "404.html", "500.html", "articles/article_detail.html", "quotes/quoterequest_form.html"):
        assert loader.get_template(name).backend is engines["jinja2"], name
    for name in ("admin/locked_out.html", "quotes/email/patient_confirmation.txt", "admin/base_site.html"):
        assert loader.get_template(name).backend is engines["django"], name


def test_every_template_is_written_for_exactly_one_engine():
    jinja2_names = {path.relative_to(JINJA2).as_posix() for path in JINJA2.rglob("*") if path.is_file()}
    django_names = {
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*")
        if path.is_file() and JINJA2 not in path.parents
    }
    assert "base.html" in jinja2_names and not jinja2_names & django_names
    for name in jinja2_names:
        engines["jinja2"].get_template(name)  # compiles
        with pytest.raises(TemplateDoesNotExist):
            engines["django"].get_template(name)  # the site shell exists once, in one language
    for name in django_names:
        engines["django"].get_template(name)


def test_text_from_editors_and_readers_is_escaped(client):
    article = make_article(
        title='<script>alert("title")</script>',
        standfirst="<img src=x onerror=alert(1)>",
        authors=[make_author(name="<b>Dr Bold</b>", credentials="MD & <i>PhD</i>")],
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Dr Bold" not in html
    # Escaped, then typeset (curly quotes).
    assert '<h1 id="article-title">&lt;script&gt;alert(“title”)&lt;/script&gt;</h1>' in html
    assert "MD &amp; &lt;i&gt;PhD&lt;/i&gt;" in html
    search = client.get("/search/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in search and 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in search


def test_the_public_engine_always_autoescapes():
    assert engines["jinja2"].env.autoescape is True
    assert render("{{ text }}", text="<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_the_404_page_has_the_site_shell(client):
    make_category(name="Cardiology")
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found · Medical Tourism Magazine</title>" in html
    assert '<header class="site-header">' in html and ">Cardiology</a>" in html
    assert "We couldn’t find that page" in html and '<footer class="site-footer">' in html


def test_the_500_page_stands_alone():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "site-header" not in html


def test_url_static_and_now_work_as_their_tags():
    assert render("{{ url('articles:home') }}|{{ url('articles:detail', slug='knee') }}") == "/|/articles/knee/"
    assert render("{{ url('category-feed-rss', 'cardiology') }}") == "/category/cardiology/feeds/rss/"
    assert render("{{ static('css/site.css') }}") == "/static/css/site.css"
    assert render("{{ now('Y') }}") == str(timezone.localdate().year)


def test_the_site_shells_addresses_follow_the_script_prefix():
    assert render("{{ url('articles:archive') }}") == "/articles/"
    set_script_prefix("/magazine/")
    try:
        assert render("{{ url('articles:archive') }}") == "/magazine/articles/"
    finally:
        set_script_prefix("/")
    assert render("{{ url('articles:archive') }}") == "/articles/"


def test_dates_are_shown_in_the_current_time_zone():
    noon_utc = datetime(2026, 1, 15, 12, 0, tzinfo=dt_timezone.utc)
    with timezone.override("Europe/Paris"):
        assert render("{{ value|date('j F Y, H:i') }}|{{ value|date('c') }}", value=noon_utc) == (
            "15 January 2026, 13:00|2026-01-15T13:00:00+01:00"
        )
    assert render("{{ value|date('j F Y') }}", value=None) == ""


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 1, 15, 12, 5, 9, 123, tzinfo=dt_timezone.utc),
        datetime(2026, 7, 4, 23, 30),  # naive
        date(2025, 12, 31),
        "",
        None,
        "not a date",
        42,
    ],
)
@pytest.mark.parametrize(
    "format_string", [None, "c", "Y-m-d", "j F Y", "j F Y, H:i", r"\T\o\d\a\y: l jS \o\f F", "DATE_FORMAT", "N j, Y P"]
)
def test_the_date_filter_formats_as_djangos(value, format_string):
    """The template's ``|date`` parses each format once per process: what it prints is Django's ``|date``."""
    with timezone.override("America/New_York"):
        try:
            expected = defaultfilters.date(timezone.template_localtime(value), format_string)
        except TypeError as error:  # a time format on a date
            with pytest.raises(TypeError, match=re.escape(str(error))):
                jinja2_date(value, format_string)
        else:
            assert jinja2_date(value, format_string) == expected


def test_static_addresses_follow_a_change_of_settings(settings):
    assert render("{{ static('css/site.css') }}") == "/static/css/site.css"
    settings.STATIC_URL = "https://cdn.example.org/static/"
    assert render("{{ static('css/site.css') }}") == "https://cdn.example.org/static/css/site.css"


def test_values_are_printed_as_django_templates_print_them():
    assert render("{{ quantity }} {{ price }}", quantity=Decimal("1E+1"), price=Decimal("85.50")) == "10 85.50"


def test_the_django_filters_keep_their_meaning():
    assert render("{{ bio|linebreaks }}", bio="One <b>\n\nTwo") == "<p>One &lt;b&gt;</p>\n\n<p>Two</p>"
    assert render("{{ n }} result{{ n|pluralize }}, {{ 1 }} result{{ 1|pluralize }}", n=2) == "2 results, 1 result"
    assert render("{{ text|truncatewords(2) }}", text="one two three") == "one two …"
    assert render("{{ q|urlencode }}", q="knee & hip/x") == "knee%20%26%20hip/x"


def test_the_magazine_helpers_are_the_template_tags_functions():
    assert render("{{ picture('') }}") == ""
    assert render("{{ data|json_ld }}", data={"name": "</script>"}) == (
        '<script type="application/ld+json">{"name":"\\u003C/script\\u003E"}</script>'
    )
    assert render("{{ body|responsive_body }}", body='<p><img src="https://example.org/a.png" alt="A"></p>') == (
        '<p><img src="https://example.org/a.png" alt="A" loading="lazy" decoding="async"></p>'
    )
