import qrcode
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Enrol a staff user for two-factor login: create a TOTP device and print the QR code (and the setup "
        "address) to scan with an authenticator app. Replaces the user's earlier devices with --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="Delete the user's existing TOTP devices first.")
        parser.add_argument("--no-qr", action="store_true", help="Print only the setup address, no QR code.")

    @transaction.atomic
    def handle(self, *args, username, replace, no_qr, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_staff:
            raise CommandError(f"{username} is not staff: only staff log in to the admin.")
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=None)
        if devices.exists() and not replace:
            raise CommandError(f"{username} already has an authenticator; use --replace to issue a new one.")
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        if not no_qr:
            code = qrcode.QRCode(border=1)
            code.add_data(device.config_url)
            code.print_ascii(out=self.stdout, invert=True)
        self.stdout.write(f"Setup address for the authenticator app ({settings.OTP_TOTP_ISSUER}):")
        self.stdout.write(device.config_url)
        self.stdout.write(f"{username} now gives the app's 6-digit code when logging in to the admin.")
