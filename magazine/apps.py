from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class MagazineConfig(AppConfig):
    """The site-wide machinery (page cache and site version, addresses, templates, staff commands): no app's models."""

    name = "magazine"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "site"


class MagazineAdminConfig(AdminConfig):
    """Django's admin, with the magazine's admin site (two-factor login) as the default site."""

    default_site = "magazine.admin_site.MagazineAdminSite"
