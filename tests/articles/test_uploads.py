import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.models import EditorImage

UPLOAD_URL = reverse("articles:editor-upload")


def image_bytes(*, width=40, height=30, image_format="JPEG", mode="RGB", exif=None):
    buffer = io.BytesIO()
    image = Image.new(mode, (width, height), "teal" if mode == "RGB" else (0, 128, 128, 128))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, image_format, **kwargs)
    return buffer.getvalue()


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 0.0)
    gps[3], gps[4] = "W", (0.0, 7.0, 0.0)
    return exif


def upload(client, content, name="photo.jpg", content_type="image/jpeg"):
    return client.post(UPLOAD_URL, {"upload": SimpleUploadedFile(name, content, content_type=content_type)})


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.django_db
def test_editor_uploads_an_image_and_gets_its_url(editor_client, editor):
    response = upload(editor_client, image_bytes())
    assert response.status_code == 200
    data = response.json()
    assert data["uploaded"] == 1 and data["url"].startswith("/media/editor/")
    image = EditorImage.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (40, 30, editor)


@pytest.mark.django_db
def test_uploaded_image_is_reencoded_without_gps_metadata(editor_client):
    original = image_bytes(exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    assert upload(editor_client, original).status_code == 200
    with EditorImage.objects.get().image.open() as stored:
        saved = Image.open(io.BytesIO(stored.read()))
        assert not saved.getexif()
        assert b"PhoneMaker" not in stored.read()


@pytest.mark.django_db
def test_transparent_png_stays_png(editor_client):
    response = upload(editor_client, image_bytes(image_format="PNG", mode="RGBA"), name="logo.png", content_type="image/png")
    assert response.json()["url"].endswith(".png")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"<html><script>alert(1)</script></html>", "evil.jpg", "not an image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "evil.svg", "not an image"),
        (b"%PDF-1.4 fake", "doc.pdf", "not an image"),
        (image_bytes(image_format="BMP"), "old.bmp", "BMP images are not accepted"),
        (image_bytes(width=400, height=300)[:300], "truncated.jpg", "not an image that can be read"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(editor_client, content, name, message):
    response = upload(editor_client, content, name=name)
    assert response.status_code == 400
    assert response.json()["uploaded"] == 0
    assert message in response.json()["error"]["message"]
    assert not EditorImage.objects.exists()


@pytest.mark.django_db
def test_polyglot_image_with_html_after_it_is_stored_without_the_html(editor_client):
    response = upload(editor_client, image_bytes() + b"<script>alert(1)</script>")
    assert response.status_code == 200
    with EditorImage.objects.get().image.open() as stored:
        assert b"<script>" not in stored.read()


@pytest.mark.django_db
def test_too_large_file_is_refused(editor_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 100
    response = upload(editor_client, image_bytes(width=200, height=200))
    assert response.status_code == 400
    assert "the limit is 100" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_decompression_bomb_is_refused(editor_client, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 10_000
    response = upload(editor_client, image_bytes(width=200, height=200, image_format="PNG"), name="bomb.png")
    assert response.status_code == 400
    assert "megapixels" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_very_large_images_are_scaled_down(editor_client, settings):
    settings.IMAGE_UPLOAD_MAX_SIDE = 50
    upload(editor_client, image_bytes(width=200, height=100))
    image = EditorImage.objects.get()
    assert (image.width, image.height) == (50, 25)


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(editor_client):
    response = editor_client.post(UPLOAD_URL, {})
    assert response.status_code == 400 and response.json()["error"]["message"] == "No file was sent."


@pytest.mark.django_db
def test_anonymous_and_non_editors_cannot_upload(client, triage, django_user_model):
    assert upload(client, image_bytes()).status_code == 403
    client.force_login(triage)
    assert upload(client, image_bytes()).status_code == 403
    reader = django_user_model.objects.create_user(username="reader", password="x")
    client.force_login(reader)
    assert upload(client, image_bytes()).status_code == 403
    assert not EditorImage.objects.exists()


@pytest.mark.django_db
def test_upload_requires_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert upload(client, image_bytes()).status_code == 403
    client.get(reverse("admin:articles_article_add"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        UPLOAD_URL, {"upload": SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_upload_only_accepts_post(editor_client):
    assert editor_client.get(UPLOAD_URL).status_code == 405
