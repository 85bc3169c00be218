"""What staff open is what the patient sent, minus anything active: records are rewritten before they are stored."""

import io
import zlib

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from quotes.models import MedicalRecord, QuoteRequest
from tests.articles.test_uploads import gps_exif, image_bytes
from tests.quotes.pdfs import PLAIN_PDF, encrypted_pdf, hostile_pdf, pdf_bytes, plain_pdf
from tests.quotes.test_views import URL, clear_cache, form_data, knee, shown_errors  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/URI"}


def attach(client, chosen, *files, **fields):
    uploads = [SimpleUploadedFile(name, content, content_type="application/octet-stream") for name, content in files]
    return client.post(URL, form_data(chosen, records=uploads, **fields))


def stored(record):
    with record.file.open("rb") as file:
        return file.read()


def every_dictionary(pdf):
    """Every dictionary of the file, also those written inside others."""
    stack, seen = list(pdf.objects), set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            yield obj
            stack.extend(value for _, value in obj.items())
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def test_a_pdf_record_is_stored_without_scripts_automatic_actions_or_embedded_files(client, knee):  # noqa: F811
    response = attach(client, knee, ("results.pdf", hostile_pdf()))
    assert response.status_code == 302
    record = MedicalRecord.objects.get()
    content = stored(record)
    assert (record.content_type, record.original_name, record.size) == ("application/pdf", "results.pdf", len(content))

    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root
        assert "/OpenAction" not in root and "/AA" not in root and "/NeedsRendering" not in root
        assert "/JavaScript" not in root.Names and "/EmbeddedFiles" not in root.Names
        assert dict(pdf.attachments) == {}
        assert "/XFA" not in root.AcroForm
        dictionaries = list(every_dictionary(pdf))
        assert not [d for d in dictionaries if "/AA" in d or "/JS" in d or "/EF" in d]
        assert not [d for d in dictionaries if str(d.get("/S", "")) in ACTIVE_ACTIONS]
        # Still the same readable document: its pages, their text, the bookmark, the link and the form fields.
        assert len(pdf.pages) == 2
        assert b"(Blood test results) Tj" in pdf.pages[0].Contents.read_bytes()
        with pdf.open_outline() as outline:
            assert [item.title for item in outline.root] == ["Results"]
        assert [str(annotation.Subtype) for annotation in pdf.pages[0].Annots] == ["/Link"]
        assert [str(field.T) for field in root.AcroForm.Fields] == ["name", "send"]
    assert b"alert(" not in content and b"MZ-payload" not in content and b"messageBox" not in content


def test_a_jpeg_record_is_reencoded_upright_without_its_gps_position(client, knee):  # noqa: F811
    exif = gps_exif()
    exif[0x0112] = 6  # Orientation: the camera was turned, the picture is to be shown rotated 90° clockwise
    photo = image_bytes(width=40, height=30, exif=exif.tobytes())
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the upload does carry a position

    assert attach(client, knee, ("knee.jpg", photo + b"<html><script>alert(1)</script>")).status_code == 302
    record = MedicalRecord.objects.get()
    content = stored(record)
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.size, record.content_type) == ("JPEG", (30, 40), "image/jpeg")
        assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in content and b"<script>" not in content


def test_a_png_record_keeps_its_pixels_and_loses_its_text_chunks(client, knee):  # noqa: F811
    scan = Image.new("I;16", (20, 10), 40000)  # a 16-bit greyscale scan
    chunks = PngImagePlugin.PngInfo()
    chunks.add_text("Comment", "Patient: Maria Example, GPS 51.5 -0.12")
    buffer = io.BytesIO()
    scan.save(buffer, "PNG", pnginfo=chunks)

    assert attach(client, knee, ("scan.png", buffer.getvalue())).status_code == 302
    content = stored(MedicalRecord.objects.get())
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "I;16", (20, 10))
        assert image.getpixel((5, 5)) == 40000
        assert "Comment" not in image.info and not image.text
    assert b"Maria" not in content


@pytest.mark.parametrize(
    "content,message",
    [
        (encrypted_pdf(user_password="s3cret"), "“report.pdf” is protected by a password."),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "“report.pdf” is damaged or is not a PDF we can read."),
        (PLAIN_PDF[: len(PLAIN_PDF) // 3], "“report.pdf” is damaged or is not a PDF we can read."),
    ],
    ids=["password", "no catalog", "truncated"],
)
def test_a_pdf_that_cannot_be_cleaned_is_refused_and_the_form_keeps_the_rest(client, knee, settings, content, message):  # noqa: F811
    response = attach(
        client, knee, ("results.jpg", image_bytes()), ("report.pdf", content), condition_summary="Osteoarthritis, both knees."
    )
    html = response.content.decode()
    assert response.status_code == 200
    errors = shown_errors(html, "records")
    assert message in errors and "please choose the files to attach again" in errors and "results.jpg" not in errors
    assert 'value="Maria Example"' in html and "Osteoarthritis, both knees." in html
    assert not QuoteRequest.objects.exists() and not MedicalRecord.objects.exists()
    assert not settings.PRIVATE_MEDIA_ROOT.exists() or not any(settings.PRIVATE_MEDIA_ROOT.rglob("*.*"))


def test_a_pdf_over_the_page_limit_is_refused(client, knee, settings):  # noqa: F811
    settings.QUOTE_RECORD_MAX_PAGES = 2
    response = attach(client, knee, ("history.pdf", pdf_bytes(plain_pdf(pages=3))))
    assert "“history.pdf” has 3 pages; a file may have at most 2." in shown_errors(response.content.decode(), "records")
    assert not QuoteRequest.objects.exists()
    assert attach(client, knee, ("history.pdf", pdf_bytes(plain_pdf(pages=2)))).status_code == 302


def test_a_pdf_that_only_restricts_printing_is_stored_without_encryption(client, knee):  # noqa: F811
    # It opens without a password, so everything in it is read and cleaned; staff's readers then ask for nothing.
    assert attach(client, knee, ("letter.pdf", encrypted_pdf(user_password=""))).status_code == 302
    with pikepdf.open(io.BytesIO(stored(MedicalRecord.objects.get()))) as pdf:
        assert not pdf.is_encrypted and len(pdf.pages) == 1


def test_a_compressed_bomb_in_a_pdf_is_stored_as_it_came_without_being_inflated(client, knee):  # noqa: F811
    pdf = plain_pdf()
    compressor = zlib.compressobj(9)
    bomb = b"".join(compressor.compress(bytes(1 << 24)) for _ in range(4)) + compressor.flush()  # 64 MB in 65 kB
    pdf.pages[0].obj.Contents = pikepdf.Stream(pdf, bomb, Filter=pikepdf.Name.FlateDecode)
    assert attach(client, knee, ("scan.pdf", pdf_bytes(pdf))).status_code == 302
    with pikepdf.open(io.BytesIO(stored(MedicalRecord.objects.get()))) as kept:
        assert kept.pages[0].Contents.read_raw_bytes() == bomb
