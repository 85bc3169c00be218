from itertools import islice

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import ForeignObjectRel
from django.db.models.constants import LOOKUP_SEP
from django.utils.module_loading import import_string
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

# Set while staff are logged in to the admin, for deploy/nginx.conf alone: its micro-cache cannot read sessions,
# so it serves every browser but those that carry this cookie. The cookie grants nothing: a made-up one only
# sends its sender past the micro-cache to Django, which checks the session and answers from its own cache.
STAFF_COOKIE_NAME = "magazine_staff"


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """
    django-otp's admin login, where someone with one authenticator device logs in with their password and its
    code in one step. Someone with several chooses the device that showed the code: django-otp never tries a
    code against each in turn, as every device a wrong guess is tried on counts it as a failed attempt.
    """

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "device_required": "You have several authenticator devices: choose the one that showed this code.",
        "no_device": "This account has no authenticator app yet: ask an administrator to enrol it (manage.py enrol_totp).",
    }

    def clean_otp(self, user):
        if user is not None and not self.cleaned_data.get("otp_device"):
            devices = list(islice(devices_for_user(user), 2))
            if not devices:
                raise ValidationError(self.otp_error_messages["no_device"], code="no_device")
            if len(devices) == 1:
                self.cleaned_data["otp_device"] = devices[0].persistent_id
        super().clean_otp(user)


class AutocompleteView(AutocompleteJsonView):
    """
    Django's autocomplete answer, handed to the model admin that searched (``autocomplete_shown(request,
    objects)``, when it has one) before it is sent: admins that log who saw which of their objects log it.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = getattr(self.model_admin, "autocomplete_shown", None)
        if shown is not None:
            context["object_list"] = list(context["object_list"])
            shown(self.request, context["object_list"])
        return context


class MagazineAdminSite(OTPAdminSite):
    """
    The admin, where staff must also give a one-time code from their authenticator app
    (django-otp TOTP) when ADMIN_REQUIRE_2FA is on, as it is in production.
    """

    site_header = f"{settings.MAGAZINE_NAME} administration"
    site_title = settings.MAGAZINE_NAME
    index_title = "Editorial desk"
    # The desk: each role's lists (the apps' ``admin_desk``) above the list of models.
    index_template = "admin/desk.html"

    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return TwoFactorLoginForm if settings.ADMIN_REQUIRE_2FA else AdminAuthenticationForm

    @property
    def login_template(self):
        return "otp/admin111/login.html" if settings.ADMIN_REQUIRE_2FA else None

    def index(self, request, extra_context=None):
        # Each app puts its part of the desk in (``AppConfig.admin_desk``: a function of the user, giving context).
        desk = {}
        for config in apps.get_app_configs():
            if getattr(config, "admin_desk", None):
                desk.update(import_string(config.admin_desk)(request.user))
        return super().index(request, {**desk, **(extra_context or {})})

    def autocomplete_view(self, request):
        return AutocompleteView.as_view(admin_site=self)(request)

    def has_permission(self, request):
        if settings.ADMIN_REQUIRE_2FA:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        if request.method == "POST" and request.user.is_authenticated:
            # Staff sessions are short: a forgotten admin tab does not stay open for weeks.
            request.session.set_expiry(settings.STAFF_SESSION_SECONDS)
            response.set_cookie(
                STAFF_COOKIE_NAME,
                "1",
                max_age=settings.STAFF_SESSION_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response

    def logout(self, request, extra_context=None):
        response = super().logout(request, extra_context)
        response.delete_cookie(STAFF_COOKIE_NAME, samesite=settings.SESSION_COOKIE_SAMESITE)
        return response


class NeedToKnowAdminMixin:
    """
    A list its users cannot filter through what they may not see: a lookup (``?field__…=``) or ``?_to_field=``
    whose path reaches into a model the user has no permission to view is refused (400), as Django refuses a
    lookup it does not allow. An editor cannot ask the articles list which articles led to quote requests
    (``?quote_requests__isnull=False``) nor map request ids to articles (``?quote_requests=ID``). A forward
    relation compared by the key its row holds (``user__id__exact``, the admin's own related filters) stays
    allowed: that is the row's own data.
    """

    def lookup_allowed(self, lookup, value, request):
        if reaches_unseen_model(self.model, lookup, request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def to_field_allowed(self, request, to_field):
        if reaches_unseen_model(self.model, to_field, request.user):
            return False
        return super().to_field_allowed(request, to_field)


def reaches_unseen_model(model, lookup, user):
    """
    Whether the lookup's path reads a model ``user`` may not view: across a reverse relation into it, or a field
    of it other than the key a forward relation holds.
    """
    relation = None
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.pk if part == "pk" and relation else model._meta.get_field(part)
        except FieldDoesNotExist:
            break  # a lookup or transform (isnull, in, year…): the path ends in model
        if relation is not None and not may_view(user, model) and not is_key_of(relation, field):
            return True
        if not field.is_relation:
            return False
        relation, model = field, field.related_model
    return relation is not None and isinstance(relation, ForeignObjectRel) and not may_view(user, model)


def is_key_of(relation, field):
    """Whether ``field`` is what a forward relation stores in its own row (the related row's key)."""
    if isinstance(relation, ForeignObjectRel):
        return False
    return field in getattr(relation, "foreign_related_fields", (relation.related_model._meta.pk,))


def may_view(user, model):
    opts = model._meta
    return any(user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}") for action in ("view", "change"))


class ReadOnlyAdminMixin:
    """For records and reports that staff read but never add, change or delete in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def run_bulk_action(modeladmin, request, objects, action, *, label, done, refused=""):
    """
    A bulk action of the admin: ``action(obj)`` for each of ``objects``. An object it refuses (ValidationError)
    is left as it was and the others go on. The user is told how many were done (``done``, with ``{}`` for the
    number) and which were refused (``refused``, with ``{}`` for their ``label(obj)``).
    """
    count, refusals = 0, []
    for obj in objects:
        try:
            action(obj)
        except ValidationError:
            refusals.append(label(obj))
        else:
            count += 1
    if count or not refusals:
        modeladmin.message_user(request, done.format(count), messages.SUCCESS)
    if refusals:
        modeladmin.message_user(request, refused.format("; ".join(refusals)), messages.WARNING)
    return count
