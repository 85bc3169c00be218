"""
Settings for the magazine project, read from environment variables.

The embedded defaults (SQLite, local-memory cache, console e-mail, media under
``media/``) let a new user run the site with nothing else installed. README.md
lists every variable.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/true/yes/on or 0/false/no/off, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)
TESTING = "pytest" in sys.modules

# Commands that sign nothing and serve nothing, such as the migrations check of a build machine, run without a key.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}
KEYLESS = Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING or KEYLESS):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production "
            "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # nosec B105  # debug, tests, keyless commands

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin: the translated fields of categories, tags, pages, site blocks and treatments.
    "modeltranslation",
    "magazine.apps.MagazineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "ckeditor",
    "django_countries",
    "reversion",
    "reversion_compare",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "magazine.apps.MagazineConfig",
    "articles",
    "quotes",
    "outbox",
    "newsletter",
    "editing",
    "clinics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "magazine.middleware.ContentSecurityPolicyMiddleware",
    "magazine.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Cached public pages for anonymous readers, before sessions and authentication (magazine/pagecache/).
    "magazine.pagecache.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the page is the one its address names, and nothing else (magazine/i18n.py).
    "magazine.i18n.AddressLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # A view that cannot reach the database answers 503 with Retry-After and the site's own page (magazine/faults.py).
    "magazine.faults.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "magazine.urls"

TEMPLATES = [
    # The public pages (templates/jinja2/), autoescaped; see magazine/jinja2.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "magazine.jinja2.environment",
            "extensions": ["articles.jinja2.ArticleHelpers", "newsletter.jinja2.NewsletterHelpers"],
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
    # The admin, the e-mails and admin/locked_out.html (form widgets: Django's form renderer, an engine of its own).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "magazine.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that needs no round trip (magazine/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "magazine.postgresql"
    # A server that does not answer at all (machine down, packets dropped) is given up after a few seconds,
    # and the reader gets the 503 page (magazine/faults.py), instead of every worker waiting for gunicorn's
    # timeout. DATABASE_URL's own ?connect_timeout= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves several threads and processes at once (runserver, gunicorn, cron jobs).
    # A transaction that reads, then writes (saving a quote request does) must turn its read lock into the
    # write lock; while another connection writes, SQLite refuses that at once, without waiting: "database is
    # locked". IMMEDIATE takes the write lock at BEGIN, where SQLite waits for it, up to `timeout` seconds
    # (less than gunicorn's 30 s, so that a waiting request still gets its answer). With the WAL journal,
    # readers neither wait for the writer nor hold it up; synchronous=NORMAL, SQLite's advice with WAL, spares
    # a disk flush per commit: a crash of the application loses nothing, a power cut may lose the last commits.
    # (An in-memory database, as in the tests, keeps its own journal: the WAL pragma does nothing there.)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, with one client per process, answering a miss when Redis fails (magazine/cache.py).
            "BACKEND": "magazine.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "magazine",
            # redis-py waits 5 s by default. A Redis on the local network connects and answers a page in a few
            # milliseconds: one that takes half a second is down for a page cache, and the page is made without it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The languages readers read the magazine in, the first the site's own: its addresses stay unprefixed
# ("/articles/…"), every other language's live under its code ("/de/articles/…"). Codes are Django's (en-gb, de,
# ar, fr, …); each is named in its own language. Articles, categories, tags, pages, site blocks and the treatment
# catalogue have a version per language (README, "Languages").
LANGUAGE_CODES = env_list("DJANGO_LANGUAGES", "en-gb,de,ar")


def language_names(codes):
    from django.conf.locale import LANG_INFO

    unknown = [code for code in codes if code not in LANG_INFO]
    if unknown:
        raise ImproperlyConfigured(f"DJANGO_LANGUAGES names languages Django does not know: {', '.join(unknown)}.")
    # A regional variant is named as its language ("English", not "British English") in the switcher.
    return [(code, LANG_INFO.get(code.split("-")[0], LANG_INFO[code])["name_local"]) for code in codes]


LANGUAGES = language_names(LANGUAGE_CODES)
LANGUAGE_CODE = LANGUAGE_CODES[0]
# django-modeltranslation: a field with no text in the reader's language shows the site language's.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = (LANGUAGE_CODE,)
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
# The interface's translations (locale/<language>/LC_MESSAGES/django.po, compiled to .mo: `make messages`).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Tests start the middleware again and again: whitenoise looks files up when asked instead of reading the
# whole folder each time (thousands of files once collectstatic has run).
WHITENOISE_AUTOREFRESH = TESTING
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Patients' medical records (quotes.storage): the folder PRIVATE_MEDIA_ROOT, or a private bucket. No URL.
    "records": {"BACKEND": "quotes.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def s3_storage(bucket, **options):
    """A STORAGES entry for ``bucket`` with django-storages. boto3 finds the credentials itself: AWS_ACCESS_KEY_ID
    and AWS_SECRET_ACCESS_KEY, or the role of the machine."""
    endpoint = os.environ.get("DJANGO_S3_ENDPOINT_URL", "")
    options = {
        "bucket_name": bucket,
        "region_name": os.environ.get("DJANGO_S3_REGION") or None,
        "endpoint_url": endpoint or None,
        # S3-compatible services (MinIO, R2, Ceph...) all answer https://host/bucket/key.
        "addressing_style": "path" if endpoint else None,
        "file_overwrite": False,
        **options,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def s3_public_address(bucket):
    """Where readers fetch ``bucket``'s objects: a CDN or custom domain, else the bucket itself."""
    custom_domain = os.environ.get("DJANGO_S3_CUSTOM_DOMAIN", "").strip("/")
    if custom_domain:
        scheme, _, domain = custom_domain.rpartition("://")
        return f"{scheme or 'https'}:", domain
    endpoint = urlsplit(os.environ.get("DJANGO_S3_ENDPOINT_URL", ""))
    if endpoint.netloc:
        return f"{endpoint.scheme}:", f"{endpoint.netloc}/{bucket}"
    region = os.environ.get("DJANGO_S3_REGION", "")
    return "https:", f"{bucket}.s3.{region}.amazonaws.com" if region else f"{bucket}.s3.amazonaws.com"


# Uploaded images in an S3 bucket (or on an S3-compatible service) when DJANGO_S3_BUCKET is set.
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
# Buckets that still use ACLs (MinIO, older S3 buckets) take e.g. public-read; others are made public by a policy.
S3_DEFAULT_ACL = os.environ.get("DJANGO_S3_DEFAULT_ACL") or None
if S3_BUCKET:
    # Public, unsigned addresses that pages and caches can keep, built without asking boto3. MEDIA_URL is the same
    # address: the editor's images in article bodies are recognised by it (articles/templatetags/images.py).
    s3_protocol, s3_domain = s3_public_address(S3_BUCKET)
    s3_location = os.environ.get("DJANGO_S3_LOCATION", "media").strip("/")
    STORAGES["default"] = s3_storage(
        S3_BUCKET,
        location=s3_location,
        custom_domain=s3_domain,
        url_protocol=s3_protocol,
        querystring_auth=False,
        default_acl=S3_DEFAULT_ACL,
        # Every upload and rendition gets a name of its own, so browsers and CDNs may keep them (as nginx does).
        object_parameters={"CacheControl": "public, max-age=604800"},
    )
    MEDIA_URL = f"{s3_protocol}//{s3_domain}/" + (f"{s3_location}/" if s3_location else "")

# Medical records in a bucket of their own when DJANGO_S3_PRIVATE_BUCKET is set: never the media bucket.
S3_PRIVATE_BUCKET = os.environ.get("DJANGO_S3_PRIVATE_BUCKET", "")
S3_PRIVATE_ENCRYPTION = os.environ.get("DJANGO_S3_PRIVATE_ENCRYPTION", "AES256")
if S3_PRIVATE_BUCKET:
    if S3_PRIVATE_BUCKET == S3_BUCKET:
        raise ImproperlyConfigured("DJANGO_S3_PRIVATE_BUCKET must not be the public media bucket DJANGO_S3_BUCKET.")
    if S3_PRIVATE_ENCRYPTION not in {"AES256", "aws:kms", "off"}:
        raise ImproperlyConfigured(
            f"DJANGO_S3_PRIVATE_ENCRYPTION must be AES256, aws:kms or off, not {S3_PRIVATE_ENCRYPTION!r}."
        )
    STORAGES["records"] = s3_storage(
        S3_PRIVATE_BUCKET,
        # Objects are private unless an ACL says otherwise: buckets that use ACLs get "private" on every record,
        # buckets without ACLs (the S3 default) refuse any.
        default_acl="private" if S3_DEFAULT_ACL else None,
        querystring_auth=True,  # quotes.storage refuses any URL; should one be made, it expires
        object_parameters={} if S3_PRIVATE_ENCRYPTION == "off" else {"ServerSideEncryption": S3_PRIVATE_ENCRYPTION},
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Medical Tourism Magazine <no-reply@localhost>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
# E-mails are written to the outbox (outbox/) in the transaction of the change that causes them, and sent by the
# worker (manage.py mail_worker). An attempt that fails is tried again after EMAIL_RETRY_SECONDS, then twice as
# long each time up to EMAIL_RETRY_MAX_SECONDS; after EMAIL_MAX_ATTEMPTS attempts (about 5 hours with the
# defaults) the e-mail is failed, and listed for staff to send again.
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "12"))
EMAIL_RETRY_SECONDS = float(os.environ.get("EMAIL_RETRY_SECONDS", "30"))
EMAIL_RETRY_MAX_SECONDS = float(os.environ.get("EMAIL_RETRY_MAX_SECONDS", "3600"))

# Django's tasks framework (the django-tasks backport) with its database backend: a task is a row written in the
# transaction that enqueues it, so it exists exactly when the change that caused it was committed. (The
# immediate backend would run it at once, inside that transaction, before anyone knows whether it commits.)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_SSL_REDIRECT = not (DEBUG or TESTING) and env_bool("DJANGO_SSL_REDIRECT", default=True)

# Content Security Policy (django-csp): one for each kind of response, chosen by magazine/middleware.py; SECURITY.md
# says why each allows what it does. Each starts from nothing allowed and names what its pages load.
SELF, NONE, UNSAFE_INLINE = "'self'", "'none'", "'unsafe-inline'"
# Images: the site's own; data: images, which run and send nothing (CKEditor writes its placeholders so); uploaded
# images served from another address (a bucket, a CDN) from MEDIA_URL and DJANGO_CSP_MEDIA_ORIGINS.
MEDIA_ORIGINS = [MEDIA_URL] if urlsplit(MEDIA_URL).netloc else []
IMAGE_SOURCES = [SELF, "data:", *MEDIA_ORIGINS, *env_list("DJANGO_CSP_MEDIA_ORIGINS")]
# The site's pages (templates/jinja2/), django-csp's default: the site's stylesheet and images, forms sent to the
# site itself, no script at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "style-src": [SELF],
        "img-src": IMAGE_SOURCES,
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
# The admin's pages: scripts from its own files only (no page of Django's admin, django-otp or
# django-reversion-compare has an inline script); inline styles, which Django's change list, reversion-compare and
# select2 write; requests to itself (autocomplete, the editor's uploads).
CONTENT_SECURITY_POLICY_ADMIN = {
    "default-src": [NONE],
    "script-src": [SELF],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": IMAGE_SOURCES,
    "connect-src": [SELF],
    "form-action": [SELF],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
}
# Added on the admin pages that load CKEditor 4: its toolbar runs inline event handlers and its editing frame an
# inline script; pasted and uploaded images are shown from blob: addresses before they are sent.
CONTENT_SECURITY_POLICY_RICH_TEXT_EDITOR = {"script-src": [UNSAFE_INLINE], "img-src": ["blob:"]}
# What is not an HTML page (feeds, sitemaps, robots.txt, files, JSON) loads nothing.
CONTENT_SECURITY_POLICY_RESOURCES = {
    "default-src": [NONE],
    "form-action": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# The client's address comes from the proxy's X-Real-IP header (deploy/nginx.conf sets it), for rate limits.
TRUST_X_REAL_IP = env_bool("DJANGO_TRUST_X_REAL_IP", default=False)
if env_bool("DJANGO_BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGIN_URL = "admin:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while an account is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Staff accounts: lock-out after repeated failures (django-axes), two-factor login (django-otp),
# and sessions that end after a working day.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
ADMIN_REQUIRE_2FA = env_bool("DJANGO_ADMIN_2FA", default=not (DEBUG or TESTING))
OTP_TOTP_ISSUER = os.environ.get("MAGAZINE_NAME", "Medical Tourism Magazine")
STAFF_SESSION_SECONDS = int(os.environ.get("STAFF_SESSION_SECONDS", 8 * 3600))

# Rich-text editor. CKEditor is attached to plain TextFields in the admin
# forms; every stored value is sanitised on save (articles/sanitize.py).
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Magazine",
        "toolbar_Magazine": [
            ["Format", "Bold", "Italic", "Subscript", "Superscript", "RemoveFormat"],
            ["NumberedList", "BulletedList", "Blockquote", "-", "Link", "Unlink"],
            ["Image", "Table", "HorizontalRule", "SpecialChar"],
            ["Undo", "Redo", "-", "Source", "Maximize"],
        ],
        "format_tags": "p;h2;h3;h4",
        "height": 420,
        "width": "100%",
        "extraPlugins": "uploadimage",
        "removePlugins": "exportpdf,flash,iframe,forms,smiley",
        "image_prefillDimensions": False,
        "disallowedContent": "*[on*];*{*};script;iframe",
        "versionCheck": False,
        "clipboard_handleImages": False,  # pasted images go through the upload instead
    }
}

# Limits for images uploaded by editors (editor uploads, hero images, author photos).
IMAGE_UPLOAD_MAX_BYTES = int(os.environ.get("IMAGE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
IMAGE_UPLOAD_MAX_PIXELS = int(os.environ.get("IMAGE_UPLOAD_MAX_PIXELS", 40_000_000))
IMAGE_UPLOAD_MAX_SIDE = int(os.environ.get("IMAGE_UPLOAD_MAX_SIDE", 4000))

MAGAZINE_NAME = os.environ.get("MAGAZINE_NAME", "Medical Tourism Magazine")

# Public pages are cached for anonymous readers (magazine/pagecache/): up to PAGE_CACHE_SECONDS here (any edit
# drops them at once), and PAGE_MAX_AGE in browsers and CDNs, which cannot be told of edits. Each process reads
# the site version from the database at most every SITE_VERSION_CHECK_SECONDS: the longest an edit made in
# another process (worker, command, machine) takes to reach readers of its cached pages.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "60"))
# The ranked results of a search are cached as long, under the same site version (articles/search.py); 0: never.
SEARCH_CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "600"))
SITE_VERSION_CHECK_SECONDS = float(os.environ.get("SITE_VERSION_CHECK_SECONDS", "1"))
ARTICLES_PER_PAGE = 12

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Django logs every 4xx and 5xx answer. Refusals of the rate limit (429) and answers to an unreachable
        # database (503) come in floods: what answers them logs them, once per address and window
        # (quotes.views.rate_limited) or once a minute (magazine/faults.py).
        "not_a_flood": {
            "()": "django.utils.log.CallbackFilter",
            "callback": lambda record: getattr(record, "status_code", None) not in (429, 503),
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["not_a_flood"]},
        # pikepdf (medical records) announces itself at INFO in every process that loads it; its warnings show.
        "pikepdf": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# CKEditor 4 is past end of life; SECURITY.md explains the risk and the
# mitigations (server-side sanitising, staff-only editor and uploads).
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

# Treatment quote requests
QUOTE_TRIAGE_EMAIL = os.environ.get("QUOTE_TRIAGE_EMAIL", "triage@localhost")
# The Reply-To of every e-mail about a quote request (they are sent from DEFAULT_FROM_EMAIL, a no-reply address).
QUOTE_REPLY_TO_EMAIL = os.environ.get("QUOTE_REPLY_TO_EMAIL", QUOTE_TRIAGE_EMAIL)
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
QUOTE_MIN_FILL_SECONDS = int(os.environ.get("QUOTE_MIN_FILL_SECONDS", "3"))
QUOTE_FORM_MAX_AGE = 24 * 3600
QUOTE_RATE_LIMIT = int(os.environ.get("QUOTE_RATE_LIMIT", "5"))  # requests per IP address ...
QUOTE_RATE_WINDOW = int(os.environ.get("QUOTE_RATE_WINDOW", "3600"))  # ... in this many seconds
QUOTE_RATE_FAILED_LIMIT = int(os.environ.get("QUOTE_RATE_FAILED_LIMIT", "30"))  # forms refused by their checks, same window
QUOTE_FIRST_RESPONSE_HOURS = int(os.environ.get("QUOTE_FIRST_RESPONSE_HOURS", "24"))
QUOTE_LINK_MAX_AGE_DAYS = int(os.environ.get("QUOTE_LINK_MAX_AGE_DAYS", "60"))
# Actions on a patient's own quote page (accept, write to us), per request: a budget apart from the form's.
QUOTE_LINK_RATE_LIMIT = int(os.environ.get("QUOTE_LINK_RATE_LIMIT", "30"))
QUOTE_LINK_RATE_WINDOW = int(os.environ.get("QUOTE_LINK_RATE_WINDOW", "3600"))
# Patients' medical records: never under MEDIA_ROOT, never served by the web server.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
QUOTE_RECORD_MAX_BYTES = int(os.environ.get("QUOTE_RECORD_MAX_BYTES", 10 * 1024 * 1024))
QUOTE_RECORD_MAX_FILES = int(os.environ.get("QUOTE_RECORD_MAX_FILES", "5"))
QUOTE_RECORD_MAX_PAGES = int(os.environ.get("QUOTE_RECORD_MAX_PAGES", "500"))  # of a PDF record
QUOTE_RETENTION_DAYS = int(os.environ.get("QUOTE_RETENTION_DAYS", "730"))

# The newsletter (newsletter/): double opt-in sign-ups, one-click unsubscription, the weekly digest.
NEWSLETTER_CONFIRM_DAYS = int(os.environ.get("NEWSLETTER_CONFIRM_DAYS", "7"))  # how long a confirmation link works
NEWSLETTER_PENDING_DAYS = int(os.environ.get("NEWSLETTER_PENDING_DAYS", "30"))  # unconfirmed sign-ups kept
NEWSLETTER_RESEND_MINUTES = int(os.environ.get("NEWSLETTER_RESEND_MINUTES", "10"))  # between two confirmations
NEWSLETTER_CONFIRMATIONS_PER_DAY = int(os.environ.get("NEWSLETTER_CONFIRMATIONS_PER_DAY", "3"))  # to one address
NEWSLETTER_RATE_LIMIT = int(os.environ.get("NEWSLETTER_RATE_LIMIT", "10"))  # sign-ups per IP address ...
NEWSLETTER_RATE_WINDOW = int(os.environ.get("NEWSLETTER_RATE_WINDOW", "3600"))  # ... in this many seconds
NEWSLETTER_UNSUBSCRIBE_EMAIL = os.environ.get("NEWSLETTER_UNSUBSCRIBE_EMAIL", "")  # List-Unsubscribe's mailto

if TESTING:
    # Strong hashing is deliberately slow; the tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
