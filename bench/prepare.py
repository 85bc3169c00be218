"""
Fixtures for bench/run.sh, read from the benchmark's database with the server's settings.

    python bench/prepare.py count                  number of articles
    python bench/prepare.py article                path of one recent published article
    python bench/prepare.py paths FILE N           N published article paths, shuffled, one a line
    python bench/prepare.py tokens FILE N          N quote form tokens, signed with the server's key
    python bench/prepare.py treatment              id of an offered treatment
    python bench/prepare.py admin USERNAME         create or reset a superuser; prints its new password and,
                                                   with django-otp, the key of its new authenticator
    python bench/prepare.py csrf URL               a CSRF cookie and form token from the page at URL
    python bench/prepare.py forget-quotes          delete the quote requests earlier runs sent
    python bench/prepare.py vacuum                 VACUUM (ANALYZE) the database (PostgreSQL)
    python bench/prepare.py language               the site's language (LANGUAGE_CODE)
"""

import os
import re
import secrets
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from articles.models import Article  # noqa: E402
from quotes.forms import new_form_token  # noqa: E402
from quotes.models import QuoteRequest, Treatment  # noqa: E402

BENCH_EMAIL_DOMAIN = "@bench.example"


def main(command, *args):
    if command == "count":
        print(Article.objects.count())
    elif command == "article":
        print(Article.objects.published().order_by("-published_at").first().get_absolute_url())
    elif command == "paths":
        path, count = Path(args[0]), int(args[1])
        # Each at its address in its own language (/de/articles/… for a German one).
        articles = Article.objects.published().order_by("?").only("slug", "language")[:count]
        path.write_text("".join(article.get_absolute_url() + "\n" for article in articles))
    elif command == "tokens":
        path, count = Path(args[0]), int(args[1])
        path.write_text("".join(new_form_token() + "\n" for _ in range(count)))
    elif command == "treatment":
        print(Treatment.objects.filter(is_active=True).order_by("position").values_list("pk", flat=True).first())
    elif command == "admin":
        password = secrets.token_urlsafe(18)
        user, _ = get_user_model().objects.get_or_create(username=args[0], defaults={"email": f"{args[0]}@localhost"})
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        if apps.is_installed("django_otp.plugins.otp_totp"):
            # The admin asks for a one-time code in production: bench/two_instances.py computes it from the key.
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.filter(user=user).delete()
            print(password, TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True).key)
        else:
            print(password)
    elif command == "csrf":
        request = urllib.request.Request(args[0], headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=10) as response:
            cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
            page = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", cookies).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        print(cookie, token)
    elif command == "language":
        from django.conf import settings

        print(settings.LANGUAGE_CODE)
    elif command == "forget-quotes":
        deleted, _ = QuoteRequest.objects.filter(email__endswith=BENCH_EMAIL_DOMAIN).delete()
        print(deleted)
    elif command == "vacuum":
        # The database as autovacuum keeps it in production, whether or not it runs on this server: rows that
        # migrations or earlier runs rewrote are marked visible to all (lists read their ids from the listing
        # indexes alone), the search indexes' pending entries are merged, and the statistics are fresh.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:])
