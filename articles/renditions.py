"""
Resized copies of stored images ("renditions") for ``srcset``.

A rendition is made with Pillow the first time a page asks for it and saved in the default storage (the media
folder, or the S3 bucket) in a folder named after the original, so that it is never made twice: when the cache
does not know them, one listing of that folder finds all the renditions of an image. Their names are then cached:
a page whose renditions exist neither opens the original nor asks the storage anything.
"""

import hashlib
import io
import logging

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

WIDTHS = (480, 800, 1200, 1600)
FORMATS = ("webp", "jpeg")
CACHE_TIMEOUT = 60 * 60 * 24 * 30
# An original that cannot be read, or a storage that fails, is tried again after this, not on every page (nor
# logged on every page).
FAILURE_TIMEOUT = 60 * 10
FAILED = ""  # what the cache holds for a rendition that could not be made
WEBP_QUALITY = 80
JPEG_QUALITY = 82


def rendition_url(name, width, fmt):
    """The URL of the stored image ``name`` at ``width`` pixels wide (never wider than the original) in
    ``fmt``: "webp", or "jpeg" for the fallback (PNG for an image with transparency).

    The original's URL when the original cannot be read, so that a page never breaks on a bad image.
    """
    rendition = renditions(name, [width], [fmt])[fmt, width]
    return default_storage.url(rendition or name)


def renditions(name, widths, formats=FORMATS):
    """``{(fmt, width): storage name of the rendition}`` for every width and format, made when missing.

    A value is None when the original cannot be read. One cache round trip when all are known.
    """
    keys = {_cache_key(name, width, fmt): (fmt, width) for fmt in formats for width in widths}
    cached = cache.get_many(keys)
    found = {keys[key]: value or None for key, value in cached.items()}
    missing = [wanted for key, wanted in keys.items() if key not in cached]
    if missing:
        made = _find_or_make(name, missing)
        cache.set_many({_cache_key(name, w, f): made[f, w] for f, w in missing if made[f, w]}, CACHE_TIMEOUT)
        cache.set_many({_cache_key(name, w, f): FAILED for f, w in missing if not made[f, w]}, FAILURE_TIMEOUT)
        found.update(made)
    return found


def srcset_widths(original_width, widths=WIDTHS):
    """The widths worth offering for an image ``original_width`` pixels wide: none wider than it, and the
    original's own width when it is narrower than the widest of ``widths``."""
    chosen = sorted(width for width in set(widths) if width <= original_width)
    if original_width < max(widths) and original_width not in chosen:
        chosen.append(original_width)
    return chosen


def _cache_key(name, width, fmt):
    return "rendition:" + hashlib.sha256(f"{name}|{width}|{fmt}".encode()).hexdigest()


def _folder(name):
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    return f"renditions/{digest[:2]}/{digest}"


def _candidates(width, fmt):
    return [f"{width}.webp"] if fmt == "webp" else [f"{width}.jpg", f"{width}.png"]


def _find_or_make(name, wanted):
    """Storage names for the ``(fmt, width)`` pairs ``wanted``: the existing renditions, found with one listing of
    the original's folder (not a request per file on S3), and the others made from a single read of the original
    (None for those that could not be made)."""
    folder = _folder(name)
    result = dict.fromkeys(wanted)
    try:
        existing = set(_files(folder))
        for fmt, width in wanted:
            result[fmt, width] = next((f"{folder}/{c}" for c in _candidates(width, fmt) if c in existing), None)
        to_make = [pair for pair in wanted if result[pair] is None]
        if not to_make:
            return result
        with default_storage.open(name) as file, Image.open(file) as original:
            original.seek(0)  # the first frame of an animation
            original.load()
            image = ImageOps.exif_transpose(original)
        has_alpha = _has_alpha(image)
        image = image.convert("RGBA" if has_alpha else "RGB")
        for fmt, width in to_make:
            result[fmt, width] = _save(folder, _resized(image, width), width, fmt, has_alpha)
    except Exception as error:  # an unreadable image, or a failing storage (S3 unreachable): pages show the original
        logger.warning("No renditions of image %s: %s", name, error)
    return result


def _files(folder):
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:  # no folder yet on the file system (S3 simply lists nothing)
        return []


def _has_alpha(image):
    if not (image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)):
        return False
    # A PNG saved with an alpha channel that is opaque everywhere does not need a PNG fallback.
    return image.convert("RGBA").getchannel("A").getextrema()[0] < 255


def _resized(image, width):
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _save(folder, image, width, fmt, has_alpha):
    output = io.BytesIO()
    if fmt == "webp":
        image.save(output, "WEBP", quality=WEBP_QUALITY, method=4)
        extension = "webp"
    elif has_alpha:
        image.save(output, "PNG", optimize=True)
        extension = "png"
    else:
        image.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        extension = "jpg"
    # The storage returns another name if a concurrent request saved the same rendition first.
    return default_storage.save(f"{folder}/{width}.{extension}", ContentFile(output.getvalue()))
