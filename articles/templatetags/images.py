"""
Responsive images: ``{% picture %}`` for image fields and ``|responsive_body`` for images in article bodies.

Both render a ``<picture>`` with a WebP ``srcset`` and a JPEG (or PNG) fallback, the original's width and
height so that nothing shifts while it loads, and lazy loading unless told otherwise.
"""

import html
import re
from urllib.parse import unquote, urlsplit

from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.models import EditorImage
from articles.renditions import CROPS, WIDTHS, cropped_size, pictures, renditions, srcset_widths

register = template.Library()

# Body images fill the article column (--measure: 42rem) or the screen.
BODY_SIZES = "(min-width: 44rem) 42rem, 100vw"
# nh3 writes every attribute double-quoted, with "<", ">" and quotes escaped inside.
IMG_RE = re.compile(r'<img((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*/?>', re.IGNORECASE)
ATTR_RE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


@register.simple_tag
def picture(
    image,
    *,
    alt="",
    width=None,
    height=None,
    sizes="100vw",
    loading="lazy",
    fetchpriority="",
    css_class="",
    widths="",
    crop="",
):
    """``{% picture article.hero_image alt=article.hero_alt width=article.hero_width height=article.hero_height
    sizes="100vw" %}``; ``widths="160 320"`` replaces the default widths; ``crop="16:9"`` (a shape of
    ``articles.renditions.CROPS``) serves crops that keep the image's focal point. Nothing for an empty field."""
    name = getattr(image, "name", image)
    if not name:
        return ""
    if crop:
        if crop not in CROPS:
            raise ValueError(f"Unknown crop {crop!r}: one of {', '.join(CROPS)}.")
        if widths:
            raise ValueError("A crop is offered at the default widths, whose cached names forget_crops() drops.")
    return picture_html(
        name,
        alt=alt,
        width=width,
        height=height,
        sizes=sizes,
        loading=loading,
        fetchpriority=fetchpriority,
        css_class=css_class,
        widths=[int(w) for w in str(widths).replace(",", " ").split()] or WIDTHS,
        crop=crop or None,
    )


@register.filter(is_safe=True)
def responsive_body(body):
    """Serve the editor's images of sanitised body HTML as renditions; lazy-load every image of the body."""
    body = body or ""
    sources = [_attributes(match.group(1)).get("src", "") for match in IMG_RE.finditer(body)]
    if not sources:
        return mark_safe(body)  # nosec B308 B703  # the body is sanitised (nh3) on save
    names = {_media_name(src) for src in sources} - {None}
    # One query for the whole body, only when it shows images of our own.
    rows = EditorImage.objects.filter(image__in=names).values_list("image", "width", "height", "alt_text") if names else []
    sizes = {name: (width, height) for name, width, height, _ in rows}
    # The media library's alt text stands in for an image the article gives none.
    library_alts = {name: alt for name, _, _, alt in rows}

    def replace(match):
        attrs = _attributes(match.group(1))
        attrs.pop("loading", None)
        attrs.pop("decoding", None)
        name = _media_name(attrs.get("src", ""))
        if name not in sizes:
            return format_html("<img{}>", _render_attributes({**attrs, "loading": "lazy", "decoding": "async"}))
        original_width, original_height = sizes[name]
        width, height = _int(attrs.get("width")), _int(attrs.get("height"))
        if not (width and height):
            width, height = original_width, original_height
        return picture_html(
            name,
            alt=attrs.get("alt") or library_alts[name] or attrs.get("alt"),
            width=width,
            height=height,
            original_width=original_width,
            # An image the editor made smaller than the column is shown at that width.
            sizes=f"{width}px" if width < original_width else BODY_SIZES,
            title=attrs.get("title"),
        )

    return mark_safe(IMG_RE.sub(replace, body))  # nosec B308 B703  # sanitised body; new attributes escaped


def picture_html(
    name,
    *,
    alt,
    width,
    height,
    sizes,
    original_width=None,
    loading="lazy",
    fetchpriority="",
    css_class="",
    title=None,
    widths=WIDTHS,
    crop=None,
):
    """The ``<picture>`` for the stored image ``name`` (its ``crop`` of ``CROPS``, or the whole image); a plain
    ``<img>`` of the original when its width is unknown or it cannot be read, since a srcset would then promise
    sizes it does not have. Made once per site version in each process (``renditions.pictures``); a plain
    ``<img>`` is made again each time, so that an original that could not be read is tried again."""
    arguments = (
        name, alt, width, height, sizes, original_width, loading, fetchpriority, css_class, title, tuple(widths), crop
    )  # fmt: skip
    return pictures.get_or_make(
        arguments, lambda: _picture_html(*arguments), keep=lambda markup: markup.startswith("<picture>")
    )


def _picture_html(
    name, alt, width, height, sizes, original_width, loading, fetchpriority, css_class, title, widths, crop
):  # fmt: skip
    width, height, original_width = _int(width), _int(height), _int(original_width) or _int(width)
    if crop and width and height:
        # The crop's size: what the renditions measure (the page's CSS shows the original, should they fail, in
        # the same shape).
        width, height = cropped_size((width, height), crop)
        original_width = width
    img = {
        "class": css_class or None,
        "src": default_storage.url(name),
        "srcset": None,
        "sizes": None,
        "alt": alt,
        "width": width,
        "height": height,
        "loading": loading or None,
        "decoding": "async",
        "fetchpriority": fetchpriority or None,
        "title": title,
    }
    if not (original_width and height):
        return format_html("<img{}>", _render_attributes(img))
    candidates = srcset_widths(original_width, widths)
    found = renditions(name, candidates, crop=crop)
    if not all(found.values()):
        return format_html("<img{}>", _render_attributes(img))

    def srcset(fmt):
        return ", ".join(f"{default_storage.url(found[fmt, w])} {w}w" for w in candidates)

    # The fallback src is for the rare browser without srcset: a middling width.
    middle = candidates[(len(candidates) - 1) // 2]
    img.update(src=default_storage.url(found["jpeg", middle]), srcset=srcset("jpeg"), sizes=sizes)
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}"><img{}></picture>',
        srcset("webp"),
        sizes,
        _render_attributes(img),
    )


def _attributes(source):
    return {key.lower(): html.unescape(value or "") for key, value in ATTR_RE.findall(source)}


def _render_attributes(attrs):
    return format_html_join("", ' {}="{}"', ((key, value) for key, value in attrs.items() if value is not None))


def _media_name(src):
    """The storage name of an image served from MEDIA_URL, or None for any other image.

    With media in a bucket or behind a CDN (MEDIA_URL on another host), an image written into a body before the
    move, at MEDIA_URL's path on this site (/media/editor/...), is recognised too and served from there.
    """
    if "?" in src or "#" in src:
        return None
    media_url = settings.MEDIA_URL
    address = urlsplit(media_url)
    moved_from = address.path if address.netloc and address.path != "/" else ""
    for prefix in (media_url, moved_from):
        if prefix and src.startswith(prefix):
            return unquote(src[len(prefix) :]) or None
    return None


def _int(value):
    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None
