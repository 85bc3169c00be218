"""
Media and medical records on S3, switched on by the DJANGO_S3_* variables (moto's in-process S3).

The storages are the ones magazine/settings.py builds from those variables, run afresh for each test.
"""

import io
import re
import runpy
from pathlib import Path

import boto3
import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from moto import mock_aws

from articles import renditions
from articles.models import EditorImage
from quotes.models import AccessLog, MedicalRecord, QuoteRequest
from tests.articles.test_uploads import UPLOAD_URL, image_bytes
from tests.conftest import make_article
from tests.quotes.pdfs import PLAIN_PDF
from tests.quotes.test_views import URL as QUOTE_URL
from tests.quotes.test_views import form_data, knee  # noqa: F401 (fixture)

SETTINGS = Path(__file__).resolve().parent.parent / "magazine" / "settings.py"
REGION = "eu-west-1"
MEDIA_BUCKET = "magazine-media"
RECORDS_BUCKET = "magazine-records"
CDN = "https://media.magazine.example/media/"
S3_VARIABLES = [
    "DJANGO_S3_BUCKET", "DJANGO_S3_PRIVATE_BUCKET", "DJANGO_S3_REGION", "DJANGO_S3_ENDPOINT_URL",
    "DJANGO_S3_CUSTOM_DOMAIN", "DJANGO_S3_LOCATION", "DJANGO_S3_DEFAULT_ACL", "DJANGO_S3_PRIVATE_ENCRYPTION",
    "DJANGO_MEDIA_URL", "DJANGO_CSP_MEDIA_ORIGINS",
]  # fmt: skip


def settings_from(monkeypatch, **variables):
    """The settings magazine/settings.py makes with these variables (and no other DJANGO_S3_* one)."""
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


@pytest.fixture
def s3(monkeypatch):
    """moto's S3 with the media and records buckets, and fake credentials read by boto3 as in production."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        for bucket in (MEDIA_BUCKET, RECORDS_BUCKET):
            client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield client


@pytest.fixture
def s3_settings(s3, settings, monkeypatch):
    built = settings_from(
        monkeypatch,
        DJANGO_S3_BUCKET=MEDIA_BUCKET,
        DJANGO_S3_PRIVATE_BUCKET=RECORDS_BUCKET,
        DJANGO_S3_REGION=REGION,
        DJANGO_S3_CUSTOM_DOMAIN="media.magazine.example",
    )
    for name in ("STORAGES", "MEDIA_URL", "CONTENT_SECURITY_POLICY"):
        setattr(settings, name, built[name])
    return settings


@pytest.fixture
def s3_calls(s3_settings):
    """The names of the S3 operations the media storage sends from now on."""
    calls = []
    default_storage.connection.meta.client.meta.events.register(
        "before-call.s3", lambda model, **kwargs: calls.append(model.name)
    )
    return calls


def keys(s3, bucket):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def local_files(settings):
    return [path for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) for path in Path(root).rglob("*")]


def image_urls(html):
    """Every address of an image in ``html``: src attributes and each candidate of srcset attributes."""
    urls = re.findall(r'<img[^>]* src="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [candidate.split()[0] for candidate in srcset.split(", ")]
    return urls


# Settings


def test_without_s3_variables_media_and_records_stay_in_their_folders(monkeypatch):
    built = settings_from(monkeypatch)
    assert built["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert built["STORAGES"]["records"] == {"BACKEND": "quotes.storage.PrivateFileSystemStorage"}
    assert built["MEDIA_URL"] == "/media/"
    assert built["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def test_a_bucket_makes_the_default_storage_s3_with_public_unsigned_urls(monkeypatch):
    built = settings_from(monkeypatch, DJANGO_S3_BUCKET=MEDIA_BUCKET, DJANGO_S3_REGION=REGION)
    assert built["STORAGES"]["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "region_name": REGION,
            "endpoint_url": None,
            "addressing_style": None,
            "file_overwrite": False,
            "location": "media",
            "custom_domain": f"{MEDIA_BUCKET}.s3.{REGION}.amazonaws.com",
            "url_protocol": "https:",
            "querystring_auth": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=604800"},
        },
    }
    media_url = f"https://{MEDIA_BUCKET}.s3.{REGION}.amazonaws.com/media/"
    assert built["MEDIA_URL"] == media_url
    assert built["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:", media_url]
    # Records stay in their private folder until they get a bucket of their own.
    assert built["STORAGES"]["records"] == {"BACKEND": "quotes.storage.PrivateFileSystemStorage"}


def test_an_s3_compatible_service_is_addressed_by_path_at_its_endpoint(monkeypatch):
    built = settings_from(
        monkeypatch,
        DJANGO_S3_BUCKET=MEDIA_BUCKET,
        DJANGO_S3_ENDPOINT_URL="http://minio.internal:9000",
        DJANGO_S3_LOCATION="/uploads/",
        DJANGO_S3_DEFAULT_ACL="public-read",
        DJANGO_CSP_MEDIA_ORIGINS="https://images.partner.example",
    )
    options = built["STORAGES"]["default"]["OPTIONS"]
    assert (options["endpoint_url"], options["addressing_style"]) == ("http://minio.internal:9000", "path")
    assert (options["location"], options["default_acl"]) == ("uploads", "public-read")
    assert built["MEDIA_URL"] == f"http://minio.internal:9000/{MEDIA_BUCKET}/uploads/"
    assert built["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == [
        "'self'", "data:", f"http://minio.internal:9000/{MEDIA_BUCKET}/uploads/", "https://images.partner.example",
    ]  # fmt: skip


def test_a_custom_domain_serves_the_media(monkeypatch):
    built = settings_from(monkeypatch, DJANGO_S3_BUCKET=MEDIA_BUCKET, DJANGO_S3_CUSTOM_DOMAIN="media.magazine.example")
    assert built["STORAGES"]["default"]["OPTIONS"]["custom_domain"] == "media.magazine.example"
    assert built["MEDIA_URL"] == CDN
    assert CDN in built["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]


def test_records_get_a_private_encrypted_bucket_of_their_own(monkeypatch):
    built = settings_from(monkeypatch, DJANGO_S3_BUCKET=MEDIA_BUCKET, DJANGO_S3_PRIVATE_BUCKET=RECORDS_BUCKET)
    assert built["STORAGES"]["records"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": RECORDS_BUCKET,
            "region_name": None,
            "endpoint_url": None,
            "addressing_style": None,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }


def test_records_are_private_even_where_media_are_public_read(monkeypatch):
    built = settings_from(
        monkeypatch,
        DJANGO_S3_BUCKET=MEDIA_BUCKET,
        DJANGO_S3_PRIVATE_BUCKET=RECORDS_BUCKET,
        DJANGO_S3_DEFAULT_ACL="public-read",
        DJANGO_S3_PRIVATE_ENCRYPTION="aws:kms",
    )
    options = built["STORAGES"]["records"]["OPTIONS"]
    assert options["default_acl"] == "private"
    assert options["object_parameters"] == {"ServerSideEncryption": "aws:kms"}
    built = settings_from(monkeypatch, DJANGO_S3_PRIVATE_BUCKET=RECORDS_BUCKET, DJANGO_S3_PRIVATE_ENCRYPTION="off")
    assert built["STORAGES"]["records"]["OPTIONS"]["object_parameters"] == {}
    assert built["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_records_can_never_share_the_media_bucket(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="must not be the public media bucket"):
        settings_from(monkeypatch, DJANGO_S3_BUCKET=MEDIA_BUCKET, DJANGO_S3_PRIVATE_BUCKET=MEDIA_BUCKET)


def test_an_unknown_encryption_is_a_clear_error(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_S3_PRIVATE_ENCRYPTION must be AES256, aws:kms or off"):
        settings_from(monkeypatch, DJANGO_S3_PRIVATE_BUCKET=RECORDS_BUCKET, DJANGO_S3_PRIVATE_ENCRYPTION="yes")


# Images


@pytest.mark.django_db
def test_editor_upload_goes_to_the_media_bucket_and_answers_its_public_url(client, editor, s3, s3_settings):
    client.force_login(editor)
    response = client.post(UPLOAD_URL, {"upload": SimpleUploadedFile("scan.jpg", image_bytes(), "image/jpeg")})
    assert response.status_code == 200
    image = EditorImage.objects.get()
    assert response.json()["url"] == CDN + image.image.name
    assert image.image.name.startswith("editor/") and (image.width, image.height) == (40, 30)
    stored = s3.head_object(Bucket=MEDIA_BUCKET, Key=f"media/{image.image.name}")
    assert (stored["ContentType"], stored["CacheControl"]) == ("image/jpeg", "public, max-age=604800")
    assert keys(s3, RECORDS_BUCKET) == [] and local_files(s3_settings) == []


@pytest.mark.django_db
def test_article_page_images_are_renditions_served_from_the_bucket(client, editor, s3, s3_settings):
    client.force_login(editor)
    upload = client.post(UPLOAD_URL, {"upload": SimpleUploadedFile("scan.jpg", image_bytes(width=900, height=600))})
    client.logout()
    article = make_article(body=f'<p><img src="{upload.json()["url"]}" alt="Scan"></p>', hero_alt="A clinic")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=2000, height=1000)), save=True)

    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert html.count("<picture>") == 2
    urls = image_urls(html)
    # Each picture: a fallback src and a srcset in two formats, of 4 widths (hero) and 3 (the 900 px body image).
    assert len(urls) == (1 + 4 + 4) + (1 + 3 + 3) and all(url.startswith(CDN + "renditions/") for url in urls)
    assert re.findall(r"\.webp (\d+)w", html) == ["480", "800", "1200", "1600", "480", "800", "900"]
    stored = set(keys(s3, MEDIA_BUCKET))
    assert {"media/" + url.removeprefix(CDN) for url in urls} <= stored
    assert f"media/{article.hero_image.name}" in stored
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert directives["img-src"] == f"'self' data: {CDN}"  # django-csp writes the directives in any order
    assert local_files(s3_settings) == []


@pytest.mark.django_db
def test_renditions_are_made_once_then_pages_ask_nothing_of_s3(client, s3_calls):
    article = make_article(hero_alt="A clinic")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=1000, height=500)), save=True)
    first = client.get(article.get_absolute_url()).content.decode()
    assert s3_calls.count("PutObject") == 1 + 2 * 3  # the original, then 480, 800 and 1000 px in two formats

    s3_calls.clear()
    assert client.get(article.get_absolute_url()).content.decode() == first
    assert s3_calls == []

    # With the cache emptied (a new Redis, a deploy) in a new process, one listing finds the image's renditions:
    # none is made again.
    cache.clear()
    renditions.pictures.clear()
    assert client.get(article.get_absolute_url()).content.decode() == first
    assert s3_calls == ["ListObjects"]


@pytest.mark.django_db
def test_body_images_written_before_the_move_to_s3_are_served_from_the_bucket(client, s3_settings):
    image = EditorImage()
    image.image.save("scan.jpg", ContentFile(image_bytes(width=600, height=400), name="scan.jpg"), save=True)
    article = make_article(body=f'<p><img src="/media/{image.image.name}" alt="Scan"></p>')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<picture>" in html
    assert all(url.startswith(CDN + "renditions/") for url in image_urls(html))


@pytest.mark.django_db
def test_an_unreachable_bucket_shows_the_original_instead_of_failing_the_page(client, s3, s3_settings, caplog):
    article = make_article(hero_alt="A clinic")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=1000, height=500)), save=True)
    s3.delete_object(Bucket=MEDIA_BUCKET, Key=f"media/{article.hero_image.name}")
    s3.delete_bucket(Bucket=MEDIA_BUCKET)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert f'<img src="{CDN}{article.hero_image.name}" alt="A clinic"' in response.content.decode()
    assert "No renditions of image" in caplog.text


@pytest.mark.django_db
def test_feed_enclosure_lengths_are_asked_of_s3_once(client, s3_calls):
    article = make_article(hero_alt="A clinic")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes()), save=True)
    s3_calls.clear()
    first = client.get(reverse("feed-rss")).content.decode()
    assert f'<enclosure length="{article.hero_image.size}" type="image/jpeg" url="{CDN}' in first
    s3_calls.clear()
    assert client.get(reverse("feed-rss")).content.decode() == first
    assert s3_calls == []


@pytest.mark.django_db
def test_demo_content_draws_its_pictures_into_the_bucket_once(s3, s3_settings):
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    drawn = int(re.search(r"\((\d+) images generated\)", out.getvalue()).group(1))
    assert drawn > 0 and len(keys(s3, MEDIA_BUCKET)) == drawn and local_files(s3_settings) == []
    call_command("load_demo_content", stdout=out)
    assert "(0 images generated)" in out.getvalue() and len(keys(s3, MEDIA_BUCKET)) == drawn


# Medical records


@pytest.fixture
def record(client, knee, s3_settings):  # noqa: F811
    response = client.post(QUOTE_URL, form_data(knee, records=[SimpleUploadedFile("scan.pdf", PLAIN_PDF, "application/pdf")]))
    assert response.status_code == 302
    return MedicalRecord.objects.get()


@pytest.mark.django_db
def test_records_go_to_the_private_bucket_encrypted_and_nowhere_else(s3, record, s3_settings):
    assert keys(s3, RECORDS_BUCKET) == [record.file.name]
    assert record.file.name.startswith("records/") and "scan" not in record.file.name
    stored = s3.head_object(Bucket=RECORDS_BUCKET, Key=record.file.name)
    assert stored["ServerSideEncryption"] == "AES256"
    grants = s3.get_object_acl(Bucket=RECORDS_BUCKET, Key=record.file.name)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]  # the owner alone
    assert keys(s3, MEDIA_BUCKET) == [] and local_files(s3_settings) == []
    with pytest.raises(ValueError, match="no URL"):
        record.file.url


@pytest.mark.django_db
def test_triage_downloads_a_record_from_the_private_bucket(client, triage, record):
    client.force_login(triage)
    response = client.get(reverse("admin:quotes_quoterequest_record", args=[record.quote_request_id, record.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and response["Content-Type"] == "application/pdf"
    with record.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert AccessLog.objects.filter(action="download", user=triage).count() == 1


@pytest.mark.django_db
def test_a_record_missing_from_the_bucket_is_not_found(client, triage, s3, record):
    s3.delete_object(Bucket=RECORDS_BUCKET, Key=record.file.name)
    client.force_login(triage)
    response = client.get(reverse("admin:quotes_quoterequest_record", args=[record.quote_request_id, record.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_erasing_a_patient_deletes_their_records_from_the_bucket(s3, record):
    out = io.StringIO()
    call_command("erase_patient", "maria@example.org", stdout=out)
    assert "1 record file(s)" in out.getvalue()
    assert not QuoteRequest.objects.exists() and keys(s3, RECORDS_BUCKET) == []


@pytest.mark.django_db
def test_deleting_a_request_in_the_admin_deletes_its_records_from_the_bucket(client, superuser, s3, record):
    client.force_login(superuser)
    response = client.post(reverse("admin:quotes_quoterequest_delete", args=[record.quote_request_id]), {"post": "yes"})
    assert response.status_code == 302
    assert not QuoteRequest.objects.exists() and keys(s3, RECORDS_BUCKET) == []
