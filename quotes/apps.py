from django.apps import AppConfig

ALL = ("add", "change", "delete", "view")
# Triage staff work through the requests. Nobody else gets them: quote requests hold health data.
TRIAGE = {
    "quoterequest": ("change", "view"),
    "note": ("add", "view"),
    "statuschange": ("view",),
    "quote": ("add", "change", "view"),
    "quoteline": ALL,
    "patientmessage": ("add", "view"),
    "treatment": ("view",),
    "destination": ("view",),
    "replytemplate": ("add", "change", "view"),
}


class QuotesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quotes"
    admin_desk = "quotes.dashboard.desk"  # its part of the admin's index page
    verbose_name = "treatment quotes"

    # What each staff group may do with this app's models (manage.py setup_groups).
    staff_permissions = {
        "Editors": {"treatment": ALL, "destination": ALL},
        "Quote triage": TRIAGE,
        "Triage managers": TRIAGE
        | {"quoterequest": ("change", "view", "delete", "export"), "accesslog": ("view",), "replytemplate": ALL},
    }
