"""
Values a process keeps under the site version: made once per version in each process, and forgotten as soon as
the process reads a new version (at most SITE_VERSION_CHECK_SECONDS after an edit made elsewhere, at once after
one made here). For what is costly to make on every page and changes only with an edit readers see (the markup
of a responsive image, the names of tags and categories); never for anything that depends on the reader or on
the time.
"""

import threading

from django.db import DatabaseError

from . import version

# Every memo of this process, for ``forget_all``.
_memos = []


def forget_all():
    """Forget what every memo of this process keeps (tests: a rolled-back test leaves its version number behind)."""
    for memo in _memos:
        memo.clear()


class VersionMemo:
    """At most ``size`` values of one site version, in this process."""

    def __init__(self, size=4096):
        _memos.append(self)
        self.size = size
        self._lock = threading.Lock()
        self._version = None
        self._values = {}

    def get_or_make(self, key, make, keep=bool):
        """The value kept for ``key`` under the current version, or ``make()`` (kept if ``keep(value)``)."""
        try:
            current = version.current()
        except DatabaseError:  # no version to keep it under: made every time
            return make()
        with self._lock:
            if current != self._version:
                self._version, self._values = current, {}
            elif key in self._values:
                return self._values[key]
        value = make()
        if keep(value):
            with self._lock:
                if self._version == current:  # not if another thread saw a newer version meanwhile
                    if len(self._values) >= self.size:
                        self._values = {}
                    self._values[key] = value
        return value

    def clear(self):
        with self._lock:
            self._values = {}
