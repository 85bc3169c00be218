"""What validators and crawlers check on the public pages: times, canonical links, descriptions, structured data,
robots rules, the first image of a list, focus outlines and the type scale."""

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Page, Reference
from articles.templatetags.magazine import iso_datetime
from articles.text import cut_at_word
from tests.conftest import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db

SITE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
# The HTML standard's valid date string and valid global date and time string (to the second, with an offset).
VALID_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?$")


@pytest.fixture
def site():
    category = make_category(name="Cardiology", description="Heart surgery abroad.")
    tag = make_tag(name="Stroke")
    author = make_author(name="Sam Writer", bio="Writes. " * 40)
    reviewer = make_author(name="Dr Ana Ruiz", credentials="MD")
    articles = [
        make_article(category=category, tags=[tag], authors=[author], medical_reviewer=reviewer,
                     last_reviewed=timezone.localdate())
        for _ in range(4)
    ]  # fmt: skip
    Reference.objects.create(article=articles[0], citation="A citation", url="https://example.org/")
    page = Page.objects.create(slug="about", title="About us", summary="Who we are.", body="<p>Us.</p>")
    return {
        "home": "/",
        "archive": "/articles/",
        "article": articles[0].get_absolute_url(),
        "plain article": make_article(category=category).get_absolute_url(),
        "category": category.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "author": author.get_absolute_url(),
        "page": page.get_absolute_url(),
        "search": "/search/?q=article",
        "quote form": "/quote/",
    }


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_iso_datetime_has_no_microseconds_and_keeps_the_offset():
    moment = datetime(2026, 5, 4, 9, 30, 15, 123456, tzinfo=timezone.get_fixed_timezone(120))
    assert iso_datetime(moment) == timezone.localtime(moment).replace(microsecond=0).isoformat()
    assert "." not in iso_datetime(moment) and VALID_TIME_RE.match(iso_datetime(moment))
    assert iso_datetime(moment.date()) == "2026-05-04"
    assert iso_datetime(None) == ""


def test_every_time_element_of_every_public_page_is_valid(client, site):
    for name, url in site.items():
        html = html_of(client, url)
        values = re.findall(r'<time datetime="([^"]*)"', html)
        if name not in ("quote form", "page"):
            assert values, name
        for value in values:
            assert VALID_TIME_RE.match(value), (name, value)


def test_every_public_page_has_one_canonical_link_without_tracking_parameters(client, site):
    for name, url in site.items():
        html = html_of(client, url + ("&" if "?" in url else "?") + "utm_source=news&fbclid=x")
        links = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
        assert len(links) == 1, name
        assert links[0].startswith("http://testserver/") and "utm_" not in links[0] and "fbclid" not in links[0]
    assert f'href="http://testserver{site["category"]}"' in html_of(client, site["category"])
    assert f'href="http://testserver{site["author"]}"' in html_of(client, site["author"])


def test_the_canonical_link_of_a_later_page_keeps_its_number(client, settings):
    for _ in range(settings.ARTICLES_PER_PAGE + 1):
        make_article()
    assert '<link rel="canonical" href="http://testserver/articles/?page=2">' in html_of(client, "/articles/?page=2")
    assert '<link rel="canonical" href="http://testserver/articles/">' in html_of(client, "/articles/?page=1")


def test_a_missing_page_has_no_canonical_link(client):
    response = client.get("/articles/nowhere/")
    assert response.status_code == 404 and 'rel="canonical"' not in response.content.decode()


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("Short enough.", "Short enough."),
        ("word " * 40, ("word " * 32).strip() + "…"),
        ("A " + "b" * 200, "A…"),
        ("c" * 200, "c" * 159 + "…"),
        ("Ends with a comma, " + "x" * 150, "Ends with a comma…"),
    ],
)
def test_descriptions_are_cut_after_a_whole_word(text, cut):
    assert cut_at_word(text) == cut and len(cut) <= 160


def test_meta_descriptions_of_pages_are_cut_at_a_word(client, site):
    for name in ("author", "article"):
        html = html_of(client, site[name])
        description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
        assert len(description) <= 160
        assert description.endswith(("…", ".")), (name, description)
        if description.endswith("…"):
            assert description[-2] != " " and description[:-1].split()[-1] in ("Writes.", "Writes")


# schema.org: the properties each type the pages use may have (schema.org, its type and the types above it).
THING = {"@context", "@type", "name", "description", "url", "image", "sameAs", "mainEntityOfPage"}
CREATIVE_WORK = THING | {
    "headline", "inLanguage", "datePublished", "dateModified", "author", "publisher", "keywords", "citation",
    "isPartOf", "about", "genre",
}  # fmt: skip
SCHEMA = {
    "Article": CREATIVE_WORK | {"articleSection", "articleBody", "wordCount"},
    "MedicalWebPage": CREATIVE_WORK | {"reviewedBy", "lastReviewed", "medicalAudience", "specialty", "breadcrumb"},
    "Person": THING | {"hasCredential", "jobTitle"},
    "Organization": THING,
    "CollectionPage": CREATIVE_WORK,
    "CreativeWork": CREATIVE_WORK,
    "ImageObject": CREATIVE_WORK | {"width", "height", "caption"},
    "EducationalOccupationalCredential": CREATIVE_WORK,
}


def assert_valid_properties(node, path="$"):
    if isinstance(node, list):
        for index, item in enumerate(node):
            assert_valid_properties(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        allowed = SCHEMA[node["@type"]]
        unknown = set(node) - allowed
        assert not unknown, f"{path} ({node['@type']}) has properties it does not have: {unknown}"
        for key, value in node.items():
            assert_valid_properties(value, f"{path}.{key}")


def json_ld_of(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))


def test_structured_data_uses_only_properties_of_its_types(client, site):
    medical = json_ld_of(html_of(client, site["article"]))
    assert medical["@type"] == "MedicalWebPage" and "articleSection" not in medical
    assert medical["isPartOf"] == {"@type": "CollectionPage", "name": "Cardiology", "url": f"http://testserver{site['category']}"}
    assert_valid_properties(medical)
    plain = json_ld_of(html_of(client, site["plain article"]))
    assert plain["@type"] == "Article" and plain["articleSection"] == "Cardiology"
    assert_valid_properties(plain)


def test_the_quote_form_says_noindex_and_crawlers_may_read_it(client):
    assert '<meta name="robots" content="noindex">' in html_of(client, "/quote/")
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /quote/" not in robots and "Disallow: /admin/" in robots


def test_only_the_first_card_image_of_a_list_is_loaded_at_once(client):
    from django.core.files.base import ContentFile

    from tests.articles.test_renditions import image_bytes

    category = make_category()
    for featured in (True, False, False, False):
        article = make_article(category=category, featured=featured, hero_alt="A scan")
        article.hero_image.save("scan.png", ContentFile(image_bytes(width=1200, height=600)), save=True)
    for url in ("/", category.get_absolute_url(), "/articles/"):
        images = re.findall(r'<article class="card">\s*<picture>.*?(<img[^>]*>)', html_of(client, url), re.DOTALL)
        assert len(images) == 4, url
        assert 'loading="eager"' in images[0] and 'fetchpriority="high"' in images[0], url
        assert all('loading="lazy"' in image and "fetchpriority" not in image for image in images[1:]), url


# The stylesheet


def css_rules():
    css = re.sub(r"/\*.*?\*/", "", SITE_CSS.read_text(), flags=re.DOTALL)
    # Innermost rules only (those of @media and @supports blocks included).
    return [(selector.strip(), body) for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


def custom_properties():
    root = next(body for selector, body in css_rules() if selector == ":root")
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", root))


def resolve(value, variables):
    value = value.strip()
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    return variables[match.group(1)].strip() if match else value


def luminance(colour):
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Controls are drawn inside their focus ring (outline-offset): the ring meets the background around them.
CONTROLS_RE = re.compile(r"\b(button|input|select|textarea)\b|\.button\b|\.skip-link|\.menu-button|mark|:target|:hover")


def test_focus_outlines_contrast_three_to_one_with_every_background():
    variables = custom_properties()
    focus_rules = [body for selector, body in css_rules() if ":focus-visible" in selector]
    assert focus_rules and all("var(--focus)" in body for body in focus_rules)
    assert re.search(r"outline-offset:\s*2px", focus_rules[0])
    surfaces = {":root": "#ffffff"}
    for selector, body in css_rules():
        match = re.search(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6}|var\(--[\w-]+\))", body)
        if match and not CONTROLS_RE.search(selector):
            surfaces[selector] = resolve(match.group(1), variables)
    assert len(surfaces) > 8  # the header, boxes, banners…
    for selector, background in surfaces.items():
        body = dict(css_rules()).get(selector, "")
        own = re.search(r"--focus:\s*([^;]+);", body)
        focus = resolve(own.group(1) if own else variables["--focus"], variables)
        assert contrast(focus, background) >= 3, (selector, focus, background, round(contrast(focus, background), 2))


def test_every_font_size_is_a_step_of_the_type_scale():
    variables = custom_properties()
    steps = {name for name in variables if name.startswith("--step")}
    assert len(steps) >= 6
    for selector, body in css_rules():
        if selector == ":root":
            continue
        for declaration in re.findall(r"(?:font-size|font):\s*([^;]+)", body):
            sizes = re.findall(r"\d*\.?\d+(?:rem|px|em|vw)\b", declaration.split("/")[0])
            assert not sizes, f"{selector}: {declaration} (use a --step property)"
            if "var(" in declaration:
                assert set(re.findall(r"var\((--[\w-]+)\)", declaration)) <= steps, selector


def test_the_canonical_link_of_search_results_keeps_the_words_searched_for(client):
    make_article(title="Stem cells")
    html = html_of(client, "/search/?q=stem+cells&utm_medium=mail")
    assert '<link rel="canonical" href="http://testserver/search/?q=stem+cells">' in html


def test_the_footer_links_to_the_about_contact_and_privacy_pages(client):
    pages = [
        Page.objects.create(slug=slug, title=title, summary=f"{title}.", body=f"<p>{title}</p>")
        for slug, title in (("about", "About us"), ("contact", "Contact us"), ("privacy", "Privacy notice"))
    ]
    footer = html_of(client, "/").split('<footer class="site-footer">')[1]
    for page in pages:
        assert f'<a href="{page.get_absolute_url()}">{page.title}</a>' in footer
    assert '<a href="/pages/privacy/">Privacy notice</a>' in footer
