"""Checks for the medical records patients attach: the type is read from the content, not the name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

PDF_MAGIC = b"%PDF-"
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


def record_type(upload):
    """The MIME type of an acceptable record, or ValidationError."""
    if upload.size > settings.QUOTE_RECORD_MAX_BYTES:
        raise ValidationError(
            "“%(name)s” is %(size)s; each file may be at most %(limit)s.",
            code="too_large",
            params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(settings.QUOTE_RECORD_MAX_BYTES)},
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            image_format = image.format
            if image.width * image.height > settings.IMAGE_UPLOAD_MAX_PIXELS:
                raise ValidationError("“%(name)s” is too large an image.", code="too_many_pixels", params={"name": upload.name})
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        image_format = None
    finally:
        upload.seek(0)
    if image_format in IMAGE_TYPES:
        return IMAGE_TYPES[image_format]
    raise ValidationError(
        "“%(name)s” is not a PDF, JPEG or PNG file.", code="bad_type", params={"name": upload.name}
    )
