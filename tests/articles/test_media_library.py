import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from articles.library import body_images
from articles.models import Article, EditorImage, ImageUse
from articles import services
from articles.services import save_library_image
from articles.renditions import CROPS, crop_box, cropped_size, rendition_url
from articles.templatetags.images import responsive_body
from magazine.pagecache import version
from tests.articles.test_uploads import image_bytes
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_editorimage_changelist")


def library_image(*, width=1200, height=800, alt="", name="scan.jpg", content=None):
    image = EditorImage(original_name=name, alt_text=alt)
    image.image.save(name, ContentFile(content or image_bytes(width=width, height=height), name=name), save=True)
    return image


def body_with(*images, alt=""):
    return "".join(f'<p>Text.</p><img src="{image.image.url}" alt="{alt}">' for image in images)


def change_url(image):
    return reverse("admin:articles_editorimage_change", args=[image.pk])


def two_colour_image(width, height, *, split):
    """Red left of ``split`` pixels, blue from there: a crop's colours tell where it was taken."""
    image = Image.new("RGB", (width, height), "blue")
    image.paste((255, 0, 0), (0, 0, split, height))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def pixels_of(url):
    with default_storage.open(url.removeprefix("/media/")) as file, Image.open(file) as image:
        return image.convert("RGB").copy()


def is_red(pixel):
    return pixel[0] > 200 and pixel[2] < 60


def is_blue(pixel):
    return pixel[2] > 200 and pixel[0] < 60


# Where each image is used


def test_a_hero_image_enters_the_library_with_its_alt_text_and_its_use():
    article = make_article(hero_alt="A surgeon at work")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=1600, height=900)), save=True)
    image = EditorImage.objects.get()
    assert image.image.name == article.hero_image.name
    assert (image.width, image.height, image.alt_text) == (1600, 900, "A surgeon at work")
    assert list(image.uses.values_list("article", "role")) == [(article.pk, ImageUse.Role.HERO)]


def test_body_images_are_recorded_as_used_and_forgotten_when_taken_out():
    first, second = library_image(name="first.jpg"), library_image(name="second.jpg")
    article = make_article(body=body_with(first, second))
    assert set(ImageUse.objects.values_list("image", "role")) == {(first.pk, "body"), (second.pk, "body")}
    article.body = body_with(second)
    article.save()
    assert list(ImageUse.objects.values_list("image", "role")) == [(second.pk, "body")]
    article.body = "<p>No images now.</p>"
    article.save()
    assert not ImageUse.objects.exists()


def test_an_image_used_as_hero_and_in_a_body_lists_both_uses():
    article = make_article(hero_alt="A clinic")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=1600, height=900)), save=True)
    image = EditorImage.objects.get()
    other = make_article(body=body_with(image))
    assert set(image.uses.values_list("article", "role")) == {(article.pk, "hero"), (other.pk, "body")}


def test_the_alt_text_written_in_the_editor_is_stored_on_the_library_image():
    image = library_image()
    make_article(body=body_with(image, alt="An MRI scan of a knee"))
    image.refresh_from_db()
    assert image.alt_text == "An MRI scan of a knee"


def test_the_library_keeps_its_own_alt_text_over_another_articles():
    image = library_image(alt="The library's description")
    make_article(body=body_with(image, alt="Another description"))
    image.refresh_from_db()
    assert image.alt_text == "The library's description"


def test_images_of_other_sites_are_not_library_images():
    assert body_images('<img src="https://example.org/media/editor/a.jpg" alt="x"><img src="/media/editor/b.jpg">') == {
        "editor/b.jpg": ""
    }


def test_the_migration_enters_existing_heroes_and_records_existing_uses():
    from importlib import import_module

    backfill = import_module("articles.migrations.0015_media_library_backfill").enter_images_in_the_library
    body_image = library_image(name="body.jpg")
    article = make_article(body=body_with(body_image, alt="A scan"), hero_alt="A hero")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=1000, height=600)), save=True)
    # As the tables were before the library: images uploaded, none recorded, no hero in them.
    ImageUse.objects.all().delete()
    EditorImage.objects.exclude(pk=body_image.pk).delete()
    EditorImage.objects.filter(pk=body_image.pk).update(alt_text="")
    backfill(apps, None)
    hero = EditorImage.objects.get(image=article.hero_image.name)
    assert hero.alt_text == "A hero"
    assert set(ImageUse.objects.values_list("image", "role")) == {(body_image.pk, "body"), (hero.pk, "hero")}
    assert EditorImage.objects.get(pk=body_image.pk).alt_text == "A scan"


def test_an_image_in_use_cannot_be_deleted(client, editor):
    image = library_image()
    make_article(body=body_with(image, alt="x"))
    client.force_login(editor)
    response = client.post(reverse("admin:articles_editorimage_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert EditorImage.objects.filter(pk=image.pk).exists()


def test_an_unused_image_can_be_deleted(client, editor):
    image = library_image()
    client.force_login(editor)
    response = client.post(reverse("admin:articles_editorimage_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not EditorImage.objects.exists()


# The library's list


def test_the_library_lists_thumbnails_missing_alt_text_and_uses(client, editor):
    described = library_image(name="described.jpg", alt="A described scan")
    undescribed = library_image(name="undescribed.jpg")
    article = make_article(title="Knee surgery in Porto", body=body_with(described, alt="A described scan"))
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert html.count('class="library-thumbnail"') == 2
    assert re.search(r'<img class="library-thumbnail" src="/media/renditions/[^"]+/240\.jpg"', html)
    assert f'href="{reverse("admin:articles_article_change", args=[article.pk])}">Knee surgery in Porto</a>' in html
    assert "Not used" in html
    # The flag of the image without alt text, and a field to fill it in the list itself.
    assert html.count('alt="False"') == 1 and html.count('alt="True"') == 1
    assert f'name="form-0-alt_text"' in html and 'placeholder="Describe the image"' in html
    missing = client.get(CHANGELIST, {"alt": "missing"}).content.decode()
    assert "undescribed.jpg" in missing and "described.jpg</a>" not in missing.replace("undescribed.jpg", "")
    assert undescribed.pk


def test_the_library_filters_unused_and_hero_images(client, editor):
    unused = library_image(name="unused.jpg")
    article = make_article(hero_alt="A hero")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=800, height=600)), save=True)
    client.force_login(editor)
    unused_page = client.get(CHANGELIST, {"used": "unused"}).content.decode()
    heroes = client.get(CHANGELIST, {"used": "hero"}).content.decode()
    assert "unused.jpg" in unused_page and "hero" not in unused_page.split("result_list")[1].split("unused.jpg")[0]
    assert "unused.jpg" not in heroes and "Hero image: <a" in heroes


def test_the_list_shows_three_uses_and_counts_the_others(client, editor):
    image = library_image()
    for _ in range(5):
        make_article(body=body_with(image, alt="x"))
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert html.count("Body: <a") == 3 and "and 2 more" in html
    assert client.get(change_url(image)).content.decode().count("Body: <a") == 5


@pytest.mark.parametrize("count", [2, 12])
def test_the_library_list_runs_a_fixed_number_of_queries(client, editor, django_assert_num_queries, count):
    for number in range(count):
        image = library_image(name=f"image{number}.jpg")
        make_article(body=body_with(image, alt="x"))
        make_article(body=body_with(image, alt="y"))
    client.force_login(editor)
    client.get(CHANGELIST)  # the thumbnails are made and cached
    # Session and user (2), permissions (2), the counts (2), the list with its uploaders (1), the uses with their
    # articles (1), the date hierarchy's span and days (2): whatever the number of images and articles.
    with django_assert_num_queries(10):
        response = client.get(CHANGELIST)
    assert response.content.decode().count('class="library-thumbnail"') == count


def test_an_editor_fills_missing_alt_text_from_the_list(client, editor):
    image = library_image()
    client.force_login(editor)
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(image.pk),
        "form-0-alt_text": "A knee brace on a table",
        "_save": "Save",
    }
    response = client.post(CHANGELIST, form)
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "A knee brace on a table"


def test_readers_see_the_library_alt_text_of_a_body_image_without_one():
    image = library_image(alt="A described scan")
    html = str(responsive_body(f'<p>x</p><img src="{image.image.url}" alt="">'))
    assert 'alt="A described scan"' in html
    own = str(responsive_body(f'<p>x</p><img src="{image.image.url}" alt="The article\'s own">'))
    assert "The article&#x27;s own" in own or "The article's own" in own


# The focal point


def test_the_change_form_offers_the_focal_point_picker_and_number_fields(client, editor):
    image = library_image()
    client.force_login(editor)
    html = client.get(change_url(image)).content.decode()
    assert 'class="focal-point-picker" data-focal-x="0.5" data-focal-y="0.5"' in html
    assert "articles/focal-point.js" in html and "css/admin.css" in html
    assert re.search(r'<input type="number" name="focal_x" value="0.5" step="0.01" min="0" max="1"', html)
    assert re.search(r'<input type="number" name="focal_y" value="0.5" step="0.01" min="0" max="1"', html)


def test_an_editor_sets_the_focal_point_and_alt_text(client, editor):
    image = library_image()
    client.force_login(editor)
    form = {"original_name": "Knee.jpg", "alt_text": "A knee", "focal_x": "0.25", "focal_y": "0.8"}
    assert client.post(change_url(image), form).status_code == 302
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y, image.alt_text, image.original_name) == (0.25, 0.8, "A knee", "Knee.jpg")


@pytest.mark.parametrize("value", ["1.5", "-0.1", "left"])
def test_a_focal_point_outside_the_image_is_refused_and_nothing_typed_is_lost(client, editor, value):
    image = library_image()
    client.force_login(editor)
    form = {"original_name": "Knee.jpg", "alt_text": "A knee typed in", "focal_x": value, "focal_y": "0.5"}
    response = client.post(change_url(image), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and 'value="A knee typed in"' in html
    image.refresh_from_db()
    assert (image.focal_x, image.alt_text) == (0.5, "")


def test_the_database_refuses_a_focal_point_outside_the_image():
    from django.db import IntegrityError, transaction

    image = library_image()
    with pytest.raises(IntegrityError), transaction.atomic():
        EditorImage.objects.filter(pk=image.pk).update(focal_y=1.2)


# The crops' geometry


@pytest.mark.parametrize(
    ("size", "ratio", "expected"),
    [
        ((1600, 900), (16, 9), (1600, 900)),  # already the shape
        ((2000, 1000), (16, 9), (1778, 1000)),  # wider: the full height
        ((900, 1600), (16, 9), (900, 506)),  # taller: the full width
        ((1, 1), (16, 9), (1, 1)),
    ],
)
def test_a_crop_is_the_largest_box_of_its_shape(size, ratio, expected):
    left, top, right, bottom = crop_box(size, ratio)
    assert (right - left, bottom - top) == expected


def test_a_crop_is_centred_on_the_focal_point():
    # 2000 x 1000 → 1778 x 1000: the focal point at x = 900 gives a box from 11 to 1789.
    assert crop_box((2000, 1000), (16, 9), (0.45, 0.5)) == (11, 0, 1789, 1000)
    # 900 x 1600 → 900 x 506: the point at y = 800 gives a box from 547 to 1053.
    assert crop_box((900, 1600), (16, 9), (0.5, 0.5)) == (0, 547, 900, 1053)
    assert crop_box((900, 1600), (16, 9), (0.2, 0.3)) == (0, 227, 900, 733)


def test_a_crop_near_an_edge_goes_as_far_as_the_image_allows():
    assert crop_box((2000, 1000), (16, 9), (0.0, 0.5)) == (0, 0, 1778, 1000)
    assert crop_box((2000, 1000), (16, 9), (1.0, 0.0)) == (222, 0, 2000, 1000)
    assert crop_box((900, 1600), (16, 9), (0.5, 0.98)) == (0, 1094, 900, 1600)
    assert crop_box((900, 1600), (16, 9), (0.5, 0.01)) == (0, 0, 900, 506)


@pytest.mark.parametrize("size", [(3000, 700), (640, 480), (700, 3000), (17, 9), (5, 400)])
@pytest.mark.parametrize("focal", [(0, 0), (0.5, 0.5), (0.9, 0.1), (0.33, 0.77), (1, 1)])
def test_every_crop_lies_in_the_image_has_its_shape_and_keeps_the_point_in_view(size, focal):
    width, height = size
    left, top, right, bottom = crop_box(size, CROPS["16:9"], focal)
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    assert right - left == width or bottom - top == height  # the largest box
    assert abs((right - left) / (bottom - top) - 16 / 9) < 16 / 9 * 2 / min(right - left, bottom - top) + 0.01
    point_x, point_y = focal[0] * width, focal[1] * height
    assert left <= point_x <= right and top <= point_y <= bottom
    # Centred on the point, unless the box touches the edge it would otherwise cross.
    assert abs((left + right) / 2 - point_x) <= 1 or left == 0 or right == width
    assert abs((top + bottom) / 2 - point_y) <= 1 or top == 0 or bottom == height


def test_the_crop_renditions_keep_the_focal_point():
    # 2000 x 500, red on the left half, blue on the right: a 16:9 crop is 889 px wide, so it can be all red or
    # all blue, depending on where the point is.
    image = library_image(content=two_colour_image(2000, 500, split=1000), name="halves.png")
    centred = pixels_of(rendition_url(image.image.name, 480, "jpeg", crop="16:9"))
    assert centred.size == (480, 270)
    assert is_red(centred.getpixel((10, 135))) and is_blue(centred.getpixel((470, 135)))
    EditorImage.objects.filter(pk=image.pk).update(focal_x=0.95)
    from articles.renditions import forget_crops

    forget_crops(image.image.name, (image.width, image.height))
    right = pixels_of(rendition_url(image.image.name, 480, "jpeg", crop="16:9"))
    assert all(is_blue(right.getpixel((x, 135))) for x in (2, 240, 477))
    EditorImage.objects.filter(pk=image.pk).update(focal_x=0.05)
    forget_crops(image.image.name, (image.width, image.height))
    left = pixels_of(rendition_url(image.image.name, 480, "webp", crop="16:9"))
    assert all(is_red(left.getpixel((x, 135))) for x in (2, 240, 477))


def test_moving_the_focal_point_in_the_library_makes_new_crops(client, editor, django_capture_on_commit_callbacks):
    image = library_image(content=two_colour_image(2000, 500, split=1000), name="halves.png")
    before = rendition_url(image.image.name, 480, "jpeg", crop="16:9")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        form = {"original_name": "halves.png", "alt_text": "Halves", "focal_x": "0.95", "focal_y": "0.5"}
        assert client.post(change_url(image), form).status_code == 302
    after = rendition_url(image.image.name, 480, "jpeg", crop="16:9")
    assert after != before and after.endswith("/480-16x9-950-500.jpg")  # an opaque PNG: a JPEG fallback
    assert all(is_blue(pixels_of(after).getpixel((x, 135))) for x in (2, 240, 477))
    assert rendition_url(image.image.name, 480, "jpeg") != after  # the whole image is not a crop


@pytest.mark.django_db(transaction=True)  # the save commits: its callbacks run in the order they were registered
def test_a_moved_focal_point_drops_the_old_crops_before_the_site_version_goes_up(editor, monkeypatch):
    # Processes keep the renditions they found under the site version (articles/renditions.py): the old crops'
    # names must be gone from the cache before any process looks for them under the new version.
    image = library_image(content=two_colour_image(2000, 500, split=1000), name="halves.png")
    calls = []
    monkeypatch.setattr(services, "forget_crops", lambda name, size: calls.append("forget crops"))
    bump = version.bump
    monkeypatch.setattr(version, "bump", lambda: calls.append("version up") or bump())
    image.focal_x = 0.9
    save_library_image(image=image, by=editor)
    assert calls == ["forget crops", "version up"]


def test_an_article_card_shows_the_crop_of_the_heros_focal_point(client):
    article = make_article(hero_alt="Halves")
    article.hero_image.save("hero.png", ContentFile(two_colour_image(2000, 500, split=1000)), save=True)
    EditorImage.objects.filter(image=article.hero_image.name).update(focal_x=0.95, focal_y=0.5)
    width, height = cropped_size((2000, 500), "16:9")
    html = client.get(reverse("articles:home")).content.decode()
    card = re.search(r'<article class="card">\s*(<picture>.*?</picture>)', html, re.DOTALL).group(1)
    assert f'width="{width}" height="{height}"' in card
    src = re.search(r'<img[^>]* src="([^"]+)"', card).group(1)
    assert re.search(r"-16x9-950-500\.(png|jpg)$", src)
    assert all(is_blue(pixels_of(src).getpixel((x, 10))) for x in (2, 100))


def test_a_crop_of_an_unreadable_original_falls_back_to_the_original():
    image = library_image()
    default_storage.delete(image.image.name)
    assert rendition_url(image.image.name, 480, "webp", crop="16:9") == image.image.url


# Who may use the library


def test_editors_and_superusers_use_the_library(client, editor, superuser):
    image = library_image()
    for user in (editor, superuser):
        client.force_login(user)
        assert client.get(CHANGELIST).status_code == 200
        assert client.get(change_url(image)).status_code == 200
        assert client.get(reverse("admin:articles_editorimage_add")).status_code == 403  # uploads only


@pytest.mark.parametrize("user", ["reviewer", "triage"])
def test_reviewers_and_triage_staff_cannot_open_the_library(client, request, user):
    image = library_image()
    client.force_login(request.getfixturevalue(user))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(image)).status_code == 403
    form = {"original_name": "x", "alt_text": "x", "focal_x": "0.1", "focal_y": "0.1"}
    assert client.post(change_url(image), form).status_code == 403
    image.refresh_from_db()
    assert image.focal_x == 0.5


def test_anonymous_visitors_are_sent_to_the_login(client):
    image = library_image()
    for url in (CHANGELIST, change_url(image)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_the_library_is_on_the_editors_desk_only(client, editor, reviewer, triage):
    client.force_login(editor)
    assert "Media library" in client.get(reverse("admin:index")).content.decode()
    for user in (reviewer, triage):
        client.force_login(user)
        assert "Media library" not in client.get(reverse("admin:index")).content.decode()


def test_article_model_save_records_nothing_twice():
    image = library_image()
    article = make_article(body=body_with(image, alt="x"))
    article.save()
    Article.objects.get(pk=article.pk).save()
    assert ImageUse.objects.count() == 1
