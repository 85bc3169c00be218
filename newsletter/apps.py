from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletter"

    # What each staff group may do with this app's models (manage.py setup_groups). Subscribers' addresses are
    # personal data: only the staff who run the newsletter see them; editors see what each digest held.
    staff_permissions = {
        "Newsletter managers": {
            "subscriber": ("view", "change", "delete", "export"),
            "digest": ("view",),
        },
        "Editors": {"digest": ("view",)},
    }
