from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Clinic, DestinationPage


class UpdatedSitemap(Sitemap):
    """
    The pages of ``items()``, each changed at its ``updated_at``; the index asks the database for the latest. Each
    page is listed in every language, with the others as alternates.
    """

    i18n = True
    alternates = True
    x_default = True

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ClinicSitemap(UpdatedSitemap):
    def items(self):
        return Clinic.objects.listed().only("slug", "updated_at").order_by("pk")


class DestinationSitemap(UpdatedSitemap):
    def items(self):
        return DestinationPage.objects.published().only("slug", "updated_at").order_by("pk")


# The sections this app adds to the site's sitemap (ClinicsConfig.sitemaps, read by articles.sitemaps.site_sitemaps).
SITEMAPS = {"clinics": ClinicSitemap, "destinations": DestinationSitemap}
