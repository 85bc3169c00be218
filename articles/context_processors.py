from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from magazine.pagecache.data import DATA_SECONDS
from magazine.pagecache.version import current as site_version

from .models import Category, Page, SiteBlock

SITE_DATA = {
    "nav_categories": lambda: list(Category.objects.all()),
    "site_blocks": lambda: {block.kind: block for block in SiteBlock.objects.filter(is_active=True)},
    "footer_pages": lambda: list(Page.objects.filter(in_footer=True).only("title", "slug")),
}


# The site data this process read last, with its site version: the next pages of that version use it as it
# is, without a round trip to the cache nor unpickling. One slot, shared by the process's threads.
_latest = [(None, None)]


def forget():
    """Read the site data again at the next page, whatever the version (tests)."""
    _latest[0] = (None, None)


def site_data(request):
    """
    The navigation, site blocks and footer links, read together from the cache (one round trip) the first
    time a template asks for one of them. Keyed by the site version: any edit readers can see makes a fresh
    copy; the page cache middleware has read that version already.
    """
    version = site_version()  # the page's, when the page cache has read it already
    latest_version, latest = _latest[0]
    if latest_version == version:
        return latest
    keys = {name: f"site:{name}:{version}" for name in SITE_DATA}
    data = cache.get_many(keys.values())
    values = {name: data[key] for name, key in keys.items() if key in data}
    missing = {keys[name]: compute() for name, compute in SITE_DATA.items() if name not in values}
    if missing:
        cache.set_many(missing, DATA_SECONDS)
        values.update({name: missing[keys[name]] for name in SITE_DATA if keys[name] in missing})
    _latest[0] = (version, values)
    return values


def site(request):
    """Site-wide template context; the site data is read only if a template uses it."""
    data = SimpleLazyObject(lambda: site_data(request))
    return {
        "magazine_name": settings.MAGAZINE_NAME,
        **{name: SimpleLazyObject(lambda name=name: data[name]) for name in SITE_DATA},
    }
