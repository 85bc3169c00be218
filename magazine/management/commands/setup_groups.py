from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


def staff_groups():
    """
    {group name: {app label: {model name: actions}}}, gathered from each app's ``staff_permissions``: every
    app says what the staff groups may do with its own models.
    """
    groups = {}
    for config in apps.get_app_configs():
        for group_name, models in getattr(config, "staff_permissions", {}).items():
            groups.setdefault(group_name, {})[config.label] = models
    return groups


class Command(BaseCommand):
    help = "Create or update the staff groups (Editors, Medical reviewers, Quote triage, Triage managers, Newsletter managers) and their permissions."

    @transaction.atomic
    def handle(self, *args, **options):
        for group_name, app_models in staff_groups().items():
            group, created = Group.objects.get_or_create(name=group_name)
            permissions = Permission.objects.none()
            for app_label, models in app_models.items():
                app_permissions = Permission.objects.filter(content_type__app_label=app_label)
                codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
                found = app_permissions.filter(codename__in=codenames)
                missing = set(codenames) - set(found.values_list("codename", flat=True))
                if missing:
                    raise CommandError(f"Unknown permissions for {group_name}: {', '.join(sorted(missing))}. Run migrate first.")
                permissions |= found
            group.permissions.set(permissions)
            self.stdout.write(
                f"{'Created' if created else 'Updated'} group {group_name!r} with {group.permissions.count()} permissions."
            )
