from django.db import models


class SiteVersion(models.Model):
    """
    One number that goes up after every committed change readers can see (magazine/pagecache/version.py).

    Kept in the database, which every process and machine of the site shares and which a cache restart or
    eviction cannot take back: cached pages and data are stored under it, so that a change makes them all
    old at once.
    """

    value = models.BigIntegerField()

    class Meta:
        # A single row, whose primary key is always ROW.
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="site_version_single_row")]

    ROW = 1

    def __str__(self):
        return f"site version {self.value}"
