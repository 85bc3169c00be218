"""
Resized copies of stored images ("renditions") for ``srcset``.

A rendition is made with Pillow the first time a page asks for it and saved in the default storage (the media
folder, or the S3 bucket) in a folder named after the original, so that it is never made twice: when the cache
does not know them, one listing of that folder finds all the renditions of an image. Their names are then cached:
a page whose renditions exist neither opens the original nor asks the storage anything.

A crop (``crop="16:9"``, the ratios of ``CROPS``) is the largest part of the image of that shape that is centred on
the image's focal point as far as the edges allow (the media library's ``EditorImage.focal_x``/``focal_y``; the
centre for an image outside the library). Its file is named after the focal point, so that moving the point makes
new files (browsers and CDNs keep the old ones under their own names); ``forget_crops`` drops the cached names.

The markup of each picture made of renditions (templatetags/images.py) is kept by each process under the site
version (``pictures``): a page asks the cache nothing for images already shown under the same version. A focal
point moved in the media library drops the cached names of its crops before the version goes up
(``services.save_library_image``), so that no process makes the old markup again under the new version.
"""

import hashlib
import io
import logging

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from magazine.pagecache.memo import VersionMemo

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
# The shapes pages crop images to (the article cards' 16:9), as width and height ratios.
CROPS = {"16:9": (16, 9)}
CENTRE = (0.5, 0.5)
# The markup of pictures made of renditions, in this process, under the site version.
pictures = VersionMemo()


def rendition_url(name, width, fmt, crop=None):
    """The URL of the stored image ``name`` at ``width`` pixels wide (never wider than the original, or than the
    crop) in ``fmt``: "webp", or "jpeg" for the fallback (PNG for an image with transparency); ``crop`` is a key
    of ``CROPS`` or None for the whole image.

    The original's URL when the original cannot be read, so that a page never breaks on a bad image.
    """
    rendition = renditions(name, [width], [fmt], crop=crop)[fmt, width]
    return default_storage.url(rendition or name)


def renditions(name, widths, formats=FORMATS, crop=None):
    """``{(fmt, width): storage name of the rendition}`` for every width and format, made when missing.

    A value is None when the original cannot be read. One cache round trip when all are known.
    """
    ratio = CROPS[crop] if crop else None
    keys = {_cache_key(name, width, fmt, ratio): (fmt, width) for fmt in formats for width in widths}
    cached = cache.get_many(keys)
    found = {keys[key]: value or None for key, value in cached.items()}
    missing = [wanted for key, wanted in keys.items() if key not in cached]
    if missing:
        made = _find_or_make(name, missing, ratio)
        cache.set_many({_cache_key(name, w, f, ratio): made[f, w] for f, w in missing if made[f, w]}, CACHE_TIMEOUT)
        cache.set_many({_cache_key(name, w, f, ratio): FAILED for f, w in missing if not made[f, w]}, FAILURE_TIMEOUT)
        found.update(made)
    return found


def crop_box(size, ratio, focal=CENTRE):
    """
    ``(left, top, right, bottom)``: the largest box of the shape ``ratio`` (width, height) in an image of ``size``
    (width, height) whose centre is the focal point ``focal`` (x, y from 0 to 1), moved as little as needed to
    stay within the image when the point is near an edge.
    """
    width, height = size
    ratio_width, ratio_height = ratio
    if width * ratio_height > height * ratio_width:  # wider than the shape: the full height, part of the width
        box_width, box_height = max(1, min(width, round(height * ratio_width / ratio_height))), height
    else:
        box_width, box_height = width, max(1, min(height, round(width * ratio_height / ratio_width)))
    focal_x, focal_y = (min(1.0, max(0.0, float(value))) for value in focal)
    left = min(max(0, round(focal_x * width - box_width / 2)), width - box_width)
    top = min(max(0, round(focal_y * height - box_height / 2)), height - box_height)
    return (left, top, left + box_width, top + box_height)


def cropped_size(size, crop):
    """The width and height of the crop ``crop`` (a key of ``CROPS``, or None) of an image of ``size``."""
    if not crop:
        return size
    left, top, right, bottom = crop_box(size, CROPS[crop])
    return (right - left, bottom - top)


def forget_crops(name, size):
    """Drop the cached names of the crops of the image ``name`` (of ``size``), after its focal point moved: pages
    then make (or find) the crops of the new point."""
    keys = [
        _cache_key(name, width, fmt, ratio)
        for key, ratio in CROPS.items()
        for width in srcset_widths(cropped_size(size, key)[0])
        for fmt in FORMATS
    ]
    cache.delete_many(keys)
    pictures.clear()


def srcset_widths(original_width, widths=WIDTHS):
    """The widths worth offering for an image ``original_width`` pixels wide: none wider than it, and the
    original's own width when it is narrower than the widest of ``widths``."""
    chosen = sorted(width for width in set(widths) if width <= original_width)
    if original_width < max(widths) and original_width not in chosen:
        chosen.append(original_width)
    return chosen


def _cache_key(name, width, fmt, ratio=None):
    crop = f"|{ratio[0]}x{ratio[1]}" if ratio else ""
    return "rendition:" + hashlib.sha256(f"{name}|{width}|{fmt}{crop}".encode()).hexdigest()


def _folder(name):
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    return f"renditions/{digest[:2]}/{digest}"


def _stem(width, ratio, focal):
    if not ratio:
        return str(width)
    # The focal point in thousandths: a file of its own for each point.
    return f"{width}-{ratio[0]}x{ratio[1]}-{round(focal[0] * 1000)}-{round(focal[1] * 1000)}"


def _candidates(stem, fmt):
    return [f"{stem}.webp"] if fmt == "webp" else [f"{stem}.jpg", f"{stem}.png"]


def _focal_point(name):
    from .models import EditorImage  # the models' module imports nothing of this one; a cache miss only

    return EditorImage.objects.filter(image=name).values_list("focal_x", "focal_y").first() or CENTRE


def _find_or_make(name, wanted, ratio=None):
    """Storage names for the ``(fmt, width)`` pairs ``wanted`` (of the crop ``ratio``, or of the whole image): the
    existing renditions, found with one listing of the original's folder (not a request per file on S3), and the
    others made from a single read of the original (None for those that could not be made)."""
    folder = _folder(name)
    result = dict.fromkeys(wanted)
    try:
        focal = _focal_point(name) if ratio else CENTRE
        existing = set(_files(folder))
        for fmt, width in wanted:
            stem = _stem(width, ratio, focal)
            result[fmt, width] = next((f"{folder}/{c}" for c in _candidates(stem, fmt) if c in existing), None)
        to_make = [pair for pair in wanted if result[pair] is None]
        if not to_make:
            return result
        with default_storage.open(name) as file, Image.open(file) as original:
            original.seek(0)  # the first frame of an animation
            original.load()
            image = ImageOps.exif_transpose(original)
        has_alpha = _has_alpha(image)
        image = image.convert("RGBA" if has_alpha else "RGB")
        if ratio:
            image = image.crop(crop_box(image.size, ratio, focal))
        for fmt, width in to_make:
            result[fmt, width] = _save(folder, _resized(image, width), _stem(width, ratio, focal), fmt, has_alpha)
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


def _save(folder, image, stem, fmt, has_alpha):
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
    return default_storage.save(f"{folder}/{stem}.{extension}", ContentFile(output.getvalue()))
