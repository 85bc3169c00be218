from django.apps import AppConfig


class EditingConfig(AppConfig):
    """The editors' tools around the article form: preview links, autosave, content checks, the link checker."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "editing"
    verbose_name = "editor tools"

    # What each staff group may do with this app's models (manage.py setup_groups). Autosaves have no admin
    # page: each user reaches only their own, through the article form.
    staff_permissions = {
        "Editors": {
            "previewlink": ("add", "change", "view"),
            "brokenlink": ("view",),
        },
        "Medical reviewers": {
            "previewlink": ("view",),
            "brokenlink": ("view",),
        },
    }
