"""
Checking and re-encoding of images that staff upload.

An upload is accepted only if Pillow can decode it as one of the allowed
formats within the size and pixel limits. It is then re-encoded from its
pixels, which drops every piece of metadata (EXIF, GPS, comments) and any
bytes hidden after the image data.
"""

import io
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def process_image(upload):
    """Return a re-encoded copy of ``upload`` as a ContentFile, or raise ValidationError."""
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            "The image is %(size)s; the limit is %(limit)s.",
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not an image that can be read. Upload a JPEG, PNG, GIF or WebP image.",
            code="not_an_image",
        )
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. Upload a JPEG, PNG, GIF or WebP image.",
            code="bad_format",
            params={"format": image_format},
        )
    if width * height > settings.IMAGE_UPLOAD_MAX_PIXELS:
        raise ValidationError(
            "The image is %(width)s × %(height)s pixels, more than the %(limit)s megapixels allowed.",
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": settings.IMAGE_UPLOAD_MAX_PIXELS // 1_000_000},
        )

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.seek(0)  # first frame of an animation
            image.load()
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail((settings.IMAGE_UPLOAD_MAX_SIDE, settings.IMAGE_UPLOAD_MAX_SIDE))
            output = io.BytesIO()
            if has_alpha:
                image.save(output, "PNG", optimize=True)
                extension = "png"
            else:
                image.save(output, "JPEG", quality=85, optimize=True, progressive=True)
                extension = "jpg"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("The image is damaged and cannot be read.", code="damaged")

    stem = slugify(Path(getattr(upload, "name", "") or "").stem)[:40] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}-{uuid.uuid4().hex[:8]}.{extension}")
