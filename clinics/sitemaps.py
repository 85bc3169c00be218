from django.contrib.sitemaps import Sitemap

from .models import Clinic, DestinationPage


class ClinicSitemap(Sitemap):
    def items(self):
        return Clinic.objects.listed().only("slug", "updated_at").order_by("pk")

    def lastmod(self, clinic):
        return clinic.updated_at


class DestinationSitemap(Sitemap):
    def items(self):
        return DestinationPage.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, destination):
        return destination.updated_at
