"""
Checking and re-encoding of images that staff upload.

An upload is accepted only if Pillow can decode it as one of the allowed
formats within the size and pixel limits. It is then re-encoded from its
pixels (magazine/images.py), which drops every piece of metadata (EXIF, GPS,
comments) and any bytes hidden after the image data.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

from magazine.images import reencoded

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
            has_alpha = image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)
            max_side = settings.IMAGE_UPLOAD_MAX_SIDE
            if has_alpha:
                content = reencoded(image, "PNG", mode="RGBA", max_side=max_side, optimize=True)
                extension = "png"
            else:
                content = reencoded(image, "JPEG", mode="RGB", max_side=max_side, quality=85, optimize=True, progressive=True)
                extension = "jpg"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("The image is damaged and cannot be read.", code="damaged")

    stem = slugify(Path(getattr(upload, "name", "") or "").stem)[:40] or "image"
    return ContentFile(content, name=f"{stem}-{uuid.uuid4().hex[:8]}.{extension}")
