from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from .models import BLOCKS_CACHE_KEY, NAV_CACHE_KEY, PAGES_CACHE_KEY, Category, Page, SiteBlock

# Site-wide data changes rarely and is invalidated on save; the timeout bounds anything that slips past.
SITE_CACHE_SECONDS = 600


def site(request):
    """Site-wide template context; each value is read (from the cache first) only if a template uses it."""
    return {
        "magazine_name": settings.MAGAZINE_NAME,
        "nav_categories": SimpleLazyObject(
            lambda: cache.get_or_set(NAV_CACHE_KEY, lambda: list(Category.objects.all()), SITE_CACHE_SECONDS)
        ),
        "site_blocks": SimpleLazyObject(
            lambda: cache.get_or_set(
                BLOCKS_CACHE_KEY,
                lambda: {block.kind: block for block in SiteBlock.objects.filter(is_active=True)},
                SITE_CACHE_SECONDS,
            )
        ),
        "footer_pages": SimpleLazyObject(
            lambda: cache.get_or_set(
                PAGES_CACHE_KEY,
                lambda: list(Page.objects.filter(in_footer=True).only("title", "slug")),
                SITE_CACHE_SECONDS,
            )
        ),
    }
