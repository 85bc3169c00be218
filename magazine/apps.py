from django.contrib.admin.apps import AdminConfig


class MagazineAdminConfig(AdminConfig):
    """Django's admin, with the magazine's admin site (two-factor login) as the default site."""

    default_site = "magazine.admin_site.MagazineAdminSite"
