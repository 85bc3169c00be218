from django.apps import AppConfig

ALL = ("add", "change", "delete", "view")


class ClinicsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinics"
    verbose_name = "clinics directory"
    # The sections of the site's sitemap this app adds (articles.sitemaps.site_sitemaps).
    sitemaps = "clinics.sitemaps.SITEMAPS"

    # What each staff group may do with this app's models (manage.py setup_groups). Triage staff read the
    # directory to name the clinic of a quote; nothing in it is about patients.
    staff_permissions = {
        "Clinic managers": {"clinic": ALL, "accreditation": ALL, "destinationpage": ALL},
        "Editors": {"destinationpage": ALL, "clinic": ("view",), "accreditation": ("view",)},
        "Quote triage": {"clinic": ("view",), "accreditation": ("view",)},
        "Triage managers": {"clinic": ("view",), "accreditation": ("view",)},
    }

    def ready(self):
        from magazine import pagecache

        from quotes.models import Treatment

        from .models import Accreditation, Clinic, DestinationPage

        # What readers see: any change to these rows makes every cached public page old (the treatments'
        # names are on the clinic and destination pages).
        pagecache.watch(Clinic, Accreditation, DestinationPage, Treatment)
        # An accreditation that runs out stops being shown as valid at midnight, with no edit.
        pagecache.schedule(Accreditation.objects.next_expiry)
