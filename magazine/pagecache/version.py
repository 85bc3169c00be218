"""
The site version: one number, kept in the database, that goes up after every committed change readers can see.

Cached pages and the data they show are stored under the version they were made with, so that one change
makes every one of them old at once, whatever cache holds them: Redis shared by every process, or each
process's own memory.

It goes up after the change is committed, never inside its transaction (changes.py): a reader who asks while
an edit is still open gets the old page under the old version, and the first reader after the commit gets
the new page under the new one. Each process reads the number again at most every
``SITE_VERSION_CHECK_SECONDS`` (1 s by default), which bounds how long an edit made in another process (a
gunicorn worker, a management command, another machine) takes to reach its readers; the process that made
the change knows the new number at once.
"""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

from magazine.models import SiteVersion

logger = logging.getLogger(__name__)

# The version a public page is being rendered under (middleware.py): the counts and other data the page reads
# are those of that version, without asking for it again.
rendering_version = ContextVar("rendering_version", default=None)

# (version, time.monotonic() when it was read) in this process; one slot shared by its threads.
_seen = [(None, 0.0)]
# When this process last said that the version could not be read.
WARN_EVERY_SECONDS = 60
_warned = [float("-inf")]


def _seed():
    # Microseconds since the epoch, as the migration's first value: a row made again never goes below the
    # versions a shared cache may still hold pages of.
    return time.time_ns() // 1000


def _read():
    value = SiteVersion.objects.filter(pk=SiteVersion.ROW).values_list("value", flat=True).first()
    if value is None:  # the row is gone (a flushed database): start a new series
        try:
            with transaction.atomic():
                value = SiteVersion.objects.create(pk=SiteVersion.ROW, value=_seed()).value
        except IntegrityError:  # another process made it first
            value = SiteVersion.objects.values_list("value", flat=True).get(pk=SiteVersion.ROW)
    return value


def current():
    """
    The site version, as this process last read it if that was less than SITE_VERSION_CHECK_SECONDS ago.

    If the database cannot be read, the version last read stands (cached pages can still be served); a process
    that never read one raises the database's error.
    """
    version = rendering_version.get()
    if version is not None:
        return version
    value, read_at = _seen[0]
    now = time.monotonic()
    if value is not None and now - read_at < settings.SITE_VERSION_CHECK_SECONDS:
        return value
    try:
        value = _read()
    except DatabaseError:
        if value is None:
            raise
        if now - _warned[0] >= WARN_EVERY_SECONDS:  # an outage is told once a minute, not at every request
            _warned[0] = now
            logger.warning("The site version could not be read: using version %s, read %.0f s ago.", value, now - read_at)
        return value
    _seen[0] = (value, now)
    return value


def bump():
    """Raise the site version now (changes.py calls this after a commit)."""
    updated = SiteVersion.objects.filter(pk=SiteVersion.ROW).update(value=F("value") + 1)
    if not updated:
        _read()
    _seen[0] = (_read(), time.monotonic())


def forget():
    """Read the version from the database at the next call (tests, after rolling a transaction back)."""
    _seen[0] = (None, 0.0)
