import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from articles.models import Author

# username, group (None for the superuser)
ACCOUNTS = [
    ("admin", None),
    ("editor", "Editors"),
    ("reviewer", "Medical reviewers"),
    ("triage", "Quote triage"),
    ("manager", "Triage managers"),
    ("clinics", "Clinic managers"),
]


class Command(BaseCommand):
    help = "Create demo staff accounts for local development and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="Admin URL to print.")

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for local development only: set DJANGO_DEBUG=1.")
        User = get_user_model()
        created_passwords = {}
        for username, group_name in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=username,
                email=f"{username}@example.org",
                password=password,
                is_staff=True,
                is_superuser=group_name is None,
            )
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            created_passwords[username] = password
        self._link_reviewer(User)

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Admin: {url}"))
        if created_passwords:
            self.stdout.write("Demo accounts created (passwords are shown only this once):")
            for username, password in created_passwords.items():
                self.stdout.write(f"  {username:<9} {password}")
        else:
            self.stdout.write("Demo accounts: admin, editor, reviewer, triage, manager, clinics (created on the first run).")
        self.stdout.write(
            "Forgot a password? Set a new one with: .venv/bin/python manage.py changepassword admin"
        )
        self.stdout.write("")

    def _link_reviewer(self, User):
        reviewer = User.objects.get(username="reviewer")
        if Author.objects.filter(user=reviewer).exists():
            return
        profile = Author.objects.filter(user__isnull=True, reviewed_articles__isnull=False).distinct().first()
        if profile:
            profile.user = reviewer
            profile.save(update_fields=["user"])
