import io
import logging
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles.models import EditorImage
from articles import renditions
from articles.renditions import rendition_url
from articles.templatetags.images import picture_html, responsive_body
from magazine.pagecache import version
from tests.articles.test_uploads import image_bytes
from tests.conftest import make_article, make_author

pytestmark = pytest.mark.django_db

RENDITION_RE = r"/media/renditions/[0-9a-f]{2}/[0-9a-f]{32}/"


def store(name, content):
    return default_storage.save(name, ContentFile(content))


def open_rendition(url):
    with default_storage.open(url.removeprefix("/media/")) as file, Image.open(file) as image:
        image.load()
        return image


def editor_image(*, width, height, mode="RGB", image_format="JPEG"):
    image = EditorImage()
    content = image_bytes(width=width, height=height, mode=mode, image_format=image_format)
    image.image.save(f"scan.{image_format.lower()}", ContentFile(content, name="scan"), save=True)
    return image


def article_with_hero(*, width=2000, height=1000, **fields):
    article = make_article(hero_alt="A scan of a brain", **fields)
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=width, height=height)), save=True)
    return article


@pytest.fixture
def no_storage_io(monkeypatch):
    """Makes any storage access fail, for what must be answered from the cache alone."""

    def forbid():
        def storage_used(*args, **kwargs):
            raise AssertionError("the storage was used")

        for method in ("exists", "open", "save", "size", "listdir"):
            monkeypatch.setattr(FileSystemStorage, method, storage_used)

    return forbid


@pytest.fixture
def saves(monkeypatch):
    calls = []
    original = FileSystemStorage.save

    def counting_save(self, name, *args, **kwargs):
        calls.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", counting_save)
    return calls


def test_renditions_are_made_at_the_width_asked_in_webp_and_progressive_jpeg():
    name = store("articles/hero/photo.jpg", image_bytes(width=2000, height=1000))
    for width in (480, 1600):
        webp, jpeg = rendition_url(name, width, "webp"), rendition_url(name, width, "jpeg")
        assert re.fullmatch(RENDITION_RE + rf"{width}\.webp", webp)
        assert re.fullmatch(RENDITION_RE + rf"{width}\.jpg", jpeg)
        webp_image, jpeg_image = open_rendition(webp), open_rendition(jpeg)
        assert (webp_image.format, webp_image.size) == ("WEBP", (width, width // 2))
        assert (jpeg_image.format, jpeg_image.size) == ("JPEG", (width, width // 2))
        assert jpeg_image.info.get("progressive") or jpeg_image.info.get("progression")


def test_renditions_are_never_wider_than_the_original():
    name = store("articles/hero/small.jpg", image_bytes(width=300, height=200))
    assert open_rendition(rendition_url(name, 800, "webp")).size == (300, 200)
    assert open_rendition(rendition_url(name, 800, "jpeg")).size == (300, 200)


def test_renditions_follow_the_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: displayed portrait
    name = store("articles/hero/turned.jpg", image_bytes(width=600, height=400, exif=exif))
    assert open_rendition(rendition_url(name, 200, "jpeg")).size == (200, 300)


def test_transparent_images_keep_their_transparency_with_a_png_fallback():
    name = store("editor/logo.png", image_bytes(width=600, height=400, mode="RGBA", image_format="PNG"))
    fallback = rendition_url(name, 480, "jpeg")
    assert re.fullmatch(RENDITION_RE + r"480\.png", fallback)
    image = open_rendition(fallback)
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (480, 320))
    assert open_rendition(rendition_url(name, 480, "webp")).mode == "RGBA"


def test_opaque_png_gets_a_jpeg_fallback():
    buffer = io.BytesIO()
    Image.new("RGBA", (600, 400), (0, 128, 128, 255)).save(buffer, "PNG")
    name = store("editor/opaque.png", buffer.getvalue())
    assert open_rendition(rendition_url(name, 480, "jpeg")).format == "JPEG"


def test_a_rendition_is_made_once_and_found_again_when_the_cache_is_empty(saves):
    name = store("articles/hero/photo.jpg", image_bytes(width=1000, height=500))
    saves.clear()
    url = rendition_url(name, 480, "webp")
    assert len(saves) == 1
    # Another process, after Redis lost its keys: it lists the image's folder and finds the rendition there.
    cache.clear()
    assert rendition_url(name, 480, "webp") == url
    assert len(saves) == 1


def test_a_picture_shown_under_the_site_version_is_not_asked_of_the_cache_again(monkeypatch):
    name = store("articles/hero/photo.jpg", image_bytes(width=1000, height=500))
    first = picture_html(name, alt="A scan", width=1000, height=500, sizes="100vw")
    assert first.startswith("<picture>")
    asked = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, **kw: asked.append(keys) or real_get_many(keys, **kw))
    assert picture_html(name, alt="A scan", width=1000, height=500, sizes="100vw") == first and asked == []
    # Other arguments are another picture.
    assert 'alt="Another"' in picture_html(name, alt="Another", width=1000, height=500, sizes="100vw")
    assert len(asked) == 1
    # After an edit readers see, the cache is asked again once, then the process knows the picture again.
    version.bump()
    for _ in range(2):
        assert picture_html(name, alt="A scan", width=1000, height=500, sizes="100vw") == first
    assert len(asked) == 2


def test_a_picture_whose_original_cannot_be_read_is_tried_again_each_time(monkeypatch):
    made = []
    real = renditions._find_or_make
    monkeypatch.setattr(renditions, "_find_or_make", lambda *args: made.append(args) or real(*args))
    for _ in range(2):
        cache.clear()  # the failure is remembered by the cache for a while, not by the process
        assert picture_html("articles/hero/gone.jpg", alt="", width=1000, height=500, sizes="100vw").startswith("<img")
    assert len(made) == 2


def test_a_cached_rendition_url_needs_no_storage_access(no_storage_io):
    name = store("articles/hero/photo.jpg", image_bytes(width=1000, height=500))
    url = rendition_url(name, 480, "jpeg")
    no_storage_io()
    assert rendition_url(name, 480, "jpeg") == url


@pytest.mark.parametrize("content", [None, b"not an image at all"])
def test_a_missing_or_broken_original_falls_back_to_its_own_url(content, caplog, saves):
    name = store("articles/hero/broken.jpg", content) if content else "articles/hero/gone.jpg"
    with caplog.at_level(logging.WARNING, logger="articles.renditions"):
        assert rendition_url(name, 480, "webp") == f"/media/{name}"
        assert rendition_url(name, 480, "webp") == f"/media/{name}"
    assert [record.levelname for record in caplog.records] == ["WARNING"]  # tried once, not on every page
    assert saves == ([name] if content else [])


def test_article_page_hero_is_a_responsive_picture_loaded_at_once(client):
    article = article_with_hero(width=2000, height=1000)
    html = client.get(article.get_absolute_url()).content.decode()
    hero = re.search(r'<figure class="hero">\s*(<picture>.*?</picture>)', html, re.DOTALL).group(1)
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="\(min-width: 44rem\) 42rem, 100vw">', hero)
    assert re.findall(r"\.webp (\d+)w", webp.group(1)) == ["480", "800", "1200", "1600"]
    assert re.findall(r"\.jpg (\d+)w", hero) == ["480", "800", "1200", "1600"]
    assert re.search(r'<img src="' + RENDITION_RE + r'800\.jpg"', hero)
    assert 'alt="A scan of a brain" width="2000" height="1000" loading="eager" decoding="async"' in hero
    assert 'fetchpriority="high"' in hero


def test_a_hero_narrower_than_the_widths_is_offered_at_its_own_width_only(client):
    article = article_with_hero(width=320, height=180)
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.findall(r"\.(webp|jpg) (\d+)w", html) == [("webp", "320"), ("jpg", "320")]
    assert 'width="320" height="180"' in html


def test_a_hero_that_cannot_be_read_is_shown_as_it_is(client, caplog):
    article = article_with_hero()
    default_storage.delete(article.hero_image.name)
    with caplog.at_level(logging.WARNING, logger="articles.renditions"):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<picture>" not in html
    assert f'<img src="/media/{article.hero_image.name}" alt="A scan of a brain" width="2000" height="1000"' in html


def test_an_image_of_unknown_size_gets_no_srcset():
    name = store("articles/hero/photo.jpg", image_bytes(width=1000, height=500))
    html = Template('{% load images %}{% picture name alt="Photo" %}').render(Context({"name": name}))
    assert html == f'<img src="/media/{name}" alt="Photo" loading="lazy" decoding="async">'


def test_an_article_without_hero_shows_no_image(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<picture>" not in html and "<img" not in html


def test_cards_show_16_9_crops_lazy_but_the_first(client):
    article_with_hero(featured=True)
    article_with_hero()
    html = client.get(reverse("articles:home")).content.decode()
    cards = re.findall(r'<article class="card">\s*(<picture>.*?</picture>)', html, re.DOTALL)
    assert len(cards) == 2
    for card in cards:
        assert 'sizes="(min-width: 72rem) 22rem, (min-width: 40rem) 45vw, 100vw"' in card
        # The 2000 x 1000 hero cropped to 16:9 (1778 x 1000), the shape the card shows.
        assert re.search(r"/480-16x9-500-500\.webp 480w", card)
    # The first card's picture is the page's largest contentful paint: loaded at once, first.
    assert 'width="1778" height="1000" loading="eager" decoding="async" fetchpriority="high"' in cards[0]
    assert 'width="1778" height="1000" loading="lazy" decoding="async"' in cards[1]
    assert "fetchpriority" not in cards[1]


def test_author_photo_is_a_small_lazy_picture(client):
    author = make_author(name="Dr Ana Ruiz")
    author.photo.save("face.jpg", ContentFile(image_bytes(width=400, height=400)), save=True)
    html = client.get(author.get_absolute_url()).content.decode()
    photo = re.search(r"<picture>.*?</picture>", html).group(0)
    assert re.findall(r"\.webp (\d+)w", photo) == ["160", "320"]
    assert '<img class="author-photo"' in photo
    assert 'sizes="8rem"' in photo
    assert 'alt="Portrait of Dr Ana Ruiz" width="400" height="400" loading="lazy"' in photo


def test_body_editor_images_become_lazy_pictures_with_their_size():
    image = editor_image(width=1000, height=600)
    html = responsive_body(f'<p><img src="{image.image.url}" alt="A &lt;scan&gt; &amp; &quot;more&quot;"></p>')
    assert html.startswith('<p><picture><source type="image/webp" srcset="') and html.endswith("</picture></p>")
    assert re.findall(r"\.webp (\d+)w", html) == ["480", "800", "1000"]
    assert 'alt="A &lt;scan&gt; &amp; &quot;more&quot;" width="1000" height="600" loading="lazy"' in html
    assert 'sizes="(min-width: 44rem) 42rem, 100vw"' in html


def test_body_images_keep_the_size_the_editor_gave_them():
    image = editor_image(width=1000, height=600)
    body = f'<figure><img src="{image.image.url}" alt="Scan" width="500" height="300" title="T"></figure>'
    html = responsive_body(body)
    assert 'sizes="500px"' in html and 'alt="Scan" width="500" height="300" loading="lazy"' in html
    assert re.findall(r"\.jpg (\d+)w", html) == ["480", "800", "1000"]
    assert 'title="T"' in html


def test_other_body_images_are_left_as_they_are_but_lazy(django_assert_num_queries):
    body = (
        '<p><img src="https://example.org/a.png?x=1&amp;y=2" alt="External" width="10" height="20">'
        '<img src="x"></p>'
    )
    with django_assert_num_queries(0):
        html = responsive_body(body)
    assert html == (
        '<p><img src="https://example.org/a.png?x=1&amp;y=2" alt="External" width="10" height="20" '
        'loading="lazy" decoding="async"><img src="x" loading="lazy" decoding="async"></p>'
    )


def test_media_images_without_an_editor_image_row_are_only_made_lazy():
    html = responsive_body('<img src="/media/articles/hero/x.jpg" alt="Hero">')
    assert html == '<img src="/media/articles/hero/x.jpg" alt="Hero" loading="lazy" decoding="async">'


def test_a_body_without_images_is_unchanged(django_assert_num_queries):
    body = "<h2>Title</h2><p>Text with an image-like word: &lt;img src=x&gt;</p>"
    with django_assert_num_queries(0):
        assert responsive_body(body) == body


def test_body_editor_images_are_looked_up_in_one_query(client):
    images = [editor_image(width=800, height=600) for _ in range(3)]
    body = "".join(f'<p><img src="{image.image.url}" alt="Scan {n}"></p>' for n, image in enumerate(images))
    article = make_article(body=body)
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<picture>") == 3 and html.count('loading="lazy"') == 3
    assert len([q for q in queries if "articles_editorimage" in q["sql"]]) == 1


def test_pages_whose_renditions_exist_use_neither_the_storage_nor_more_queries(
    client, no_storage_io, django_assert_max_num_queries
):
    image = editor_image(width=1000, height=600)
    article = article_with_hero(body=f'<p><img src="{image.image.url}" alt="Scan"></p>', featured=True)
    author = article.authors.get()
    author.photo.save("face.jpg", ContentFile(image_bytes(width=400, height=400)), save=True)
    urls = [article.get_absolute_url(), reverse("articles:home"), author.get_absolute_url()]
    first = [client.get(url).content.decode() for url in urls]
    no_storage_io()
    # The budgets of test_views.py, plus the one editor image lookup of the article body.
    for url, budget, html in zip(urls, (7 + 1, 8, 6), first):
        with django_assert_max_num_queries(budget):
            assert client.get(url).content.decode() == html
