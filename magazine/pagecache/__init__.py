"""
The cache of public pages and of the data they show, and the site version that keeps them current.

- ``version``: the site version, in the database; read by each process at most every
  SITE_VERSION_CHECK_SECONDS.
- ``changes``: what raises it: ``watch(*models)`` from an app's ready(), ``content_changed()`` after a change
  that sends no model signal. Once per transaction, after it commits.
- ``data``: counts and other data cached under the version, and ``schedule(next_change)`` for changes that
  come by themselves at a set time.
- ``middleware``: the page cache itself (``PublicPageCacheMiddleware`` and the ``public_page`` decorator).
"""

from .changes import content_changed, watch
from .data import cached_count, schedule
from .middleware import public_page

__all__ = ["cached_count", "content_changed", "public_page", "schedule", "watch"]
