from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Which models each group works with, and how. Editors never get quote requests:
# quote requests hold health data that only triage staff may see.
ALL = ("add", "change", "delete", "view")
TRIAGE = {
    "quoterequest": ("change", "view"),
    "note": ("add", "view"),
    "statuschange": ("view",),
    "quote": ("add", "change", "view"),
    "quoteline": ALL,
    "patientmessage": ("view",),
    "treatment": ("view",),
    "destination": ("view",),
}
GROUPS = {
    "Editors": {
        "articles": {
            "article": ALL,
            "reference": ALL,
            "author": ALL,
            "category": ALL,
            "tag": ALL,
            "editorimage": ("add", "change", "delete", "view"),
            "siteblock": ("change", "view"),
            "page": ALL,
            "correction": ALL,
            "slugredirect": ALL,
            "auditevent": ("view",),
        },
        "quotes": {"treatment": ALL, "destination": ALL},
    },
    "Medical reviewers": {
        "articles": {
            "article": ("change", "view", "review"),
            "reference": ALL,
            "correction": ALL,
            "auditevent": ("view",),
            "author": ("view",),
            "category": ("view",),
            "tag": ("view",),
        },
    },
    "Quote triage": {"quotes": TRIAGE},
    "Triage managers": {
        "quotes": TRIAGE | {"quoterequest": ("change", "view", "delete", "export"), "accesslog": ("view",)},
    },
}


def codename(action, model):
    return f"{action}_{model}"


class Command(BaseCommand):
    help = "Create or update the staff groups (Editors, Medical reviewers, Quote triage, Triage managers) and their permissions."

    @transaction.atomic
    def handle(self, *args, **options):
        for group_name, apps in GROUPS.items():
            group, created = Group.objects.get_or_create(name=group_name)
            permissions = Permission.objects.none()
            for app_label, models in apps.items():
                app_permissions = Permission.objects.filter(content_type__app_label=app_label)
                codenames = [codename(action, model) for model, actions in models.items() for action in actions]
                found = app_permissions.filter(codename__in=codenames)
                missing = set(codenames) - set(found.values_list("codename", flat=True))
                if missing:
                    raise CommandError(f"Unknown permissions for {group_name}: {', '.join(sorted(missing))}. Run migrate first.")
                permissions |= found
            group.permissions.set(permissions)
            self.stdout.write(
                f"{'Created' if created else 'Updated'} group {group_name!r} with {group.permissions.count()} permissions."
            )
