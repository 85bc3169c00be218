"""
What makes the site version go up: every committed change to a model whose rows readers see.

Apps name those models once (``watch``, from their AppConfig.ready()); every save, delete and many-to-many
change of them, from the admin, a management command, the shell or a service, then raises the site version
once per transaction, after it commits (``transaction.on_commit``). A change that sends no model signal
(``QuerySet.update()``, ``bulk_create()``, SQL) calls ``content_changed()`` itself.

These are the page cache's own bookkeeping, not the apps' logic: the signals only say "something readers
see has changed", which no service could say for every path that changes data.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import version

logger = logging.getLogger(__name__)


def _bump_after_commit():
    try:
        version.bump()
    except Exception:
        # The change itself is committed: readers get it when their cached pages expire (PAGE_CACHE_SECONDS).
        logger.exception("The site version could not be raised after a change: cached pages stay until they expire.")


def content_changed(using=DEFAULT_DB_ALIAS):
    """
    Say that readers can see a change made on the database ``using``: the site version goes up once the
    transaction commits (at once outside a transaction), however many changes the transaction makes.
    """
    connection = connections[using]
    if connection.in_atomic_block and any(func is _bump_after_commit for _, func, _ in connection.run_on_commit):
        # Already due at this commit. A savepoint rolled back takes its callbacks with it, so a callback still
        # listed belongs to a change that is still part of the transaction.
        return
    transaction.on_commit(_bump_after_commit, using=using)


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    content_changed(using)


def _m2m_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed(using)


def watch(*models):
    """Readers see the rows of ``models``: their saves, deletions and many-to-many changes raise the site version."""
    for model in models:
        uid = f"magazine.pagecache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}:{field.name}", weak=False)
