"""
Server-side sanitising of rich text.

Whatever the editor sends (CKEditor, an import, the shell), only this
allow-list is stored: no scripts, event handlers, styles, frames or
``javascript:`` URLs.
"""

import html
import re

import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "abbr", "cite", "q",
    "a", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "figure", "figcaption", "img", "pre", "code",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "abbr": {"title"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Tags whose content is dropped with them, not kept as text.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}

H2_RE = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)
TAG_RE = re.compile(r"<[^>]*>")
# Ids the page templates use themselves; a heading never takes one of them.
RESERVED_IDS = {
    "main", "article-title", "toc-heading", "references-heading", "disclaimer-heading",
    "promo-heading", "quote-cta-heading", "featured-heading", "latest-heading",
    "authors-heading", "share-heading", "related-heading", "site-menu",
}  # fmt: skip
# Ids the article page gives its references and citations (articles/citations.py).
RESERVED_ID_PREFIXES = ("ref-", "cite-")


def clean_html(value):
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def plain_text(value):
    """The text of sanitised HTML, its tags dropped and entities left as they are. A stored body holds only
    what ``clean_html`` lets through, so a regular expression does, ten times faster than Django's strip_tags."""
    return TAG_RE.sub(" ", value)


def add_heading_anchors(value):
    """Give each ``<h2>`` of sanitised HTML a stable, unique id for the table of contents."""
    used = set(RESERVED_IDS)

    def anchor(match):
        base = slugify(html.unescape(strip_tags(match.group(1))))[:60] or "section"
        if base.startswith(RESERVED_ID_PREFIXES):
            base = f"section-{base}"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        return f'<h2 id="{slug}">{match.group(1)}</h2>'

    return H2_RE.sub(anchor, value)
