from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from .caching import versioned_key
from .models import Category, Page, SiteBlock


SITE_DATA_SECONDS = 3600


def _cached(name, compute):
    # Keyed by the site version: any edit readers can see makes a fresh copy.
    return SimpleLazyObject(lambda: cache.get_or_set(versioned_key(name), compute, SITE_DATA_SECONDS))


def site(request):
    """Site-wide template context; each value is read (from the cache first) only if a template uses it."""
    return {
        "magazine_name": settings.MAGAZINE_NAME,
        "nav_categories": _cached("site:nav-categories", lambda: list(Category.objects.all())),
        "site_blocks": _cached(
            "site:blocks", lambda: {block.kind: block for block in SiteBlock.objects.filter(is_active=True)}
        ),
        "footer_pages": _cached(
            "site:footer-pages", lambda: list(Page.objects.filter(in_footer=True).only("title", "slug"))
        ),
    }
