import logging
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView
from csp.decorators import csp_update

from articles.models import Article, Page
from magazine.faults import DATABASE_UNAVAILABLE, database_unavailable, retry_later, throttled_warning

from .forms import CONSENT_VERSION, QuoteRequestForm, new_form_token
from .models import PatientMessage, Quote, QuoteRequest, Treatment
from .services import can_be_accepted, quote_token_from_link, record_patient_response, submit_quote_request

SLUG_RE = re.compile(r"[-\w]+")
PRIVACY_SLUG = "privacy"  # the privacy notice (articles.Page), which editors keep; load_demo_content makes it
# The reference of the request a browser has just sent, for the thanks page: a signed cookie, not the session,
# which is written to the database after the view, when the request is already saved (a failing write then
# told the patient their saved request had failed).
RECEIVED_COOKIE = "quote_received"
RECEIVED_SALT = "quotes.received"
RECEIVED_SECONDS = 3600

logger = logging.getLogger(__name__)


def client_ip(request):
    # Behind nginx, REMOTE_ADDR is nginx itself: trust its X-Real-IP, but only when told the site runs behind
    # such a proxy (the header is forged at will by anyone who reaches the application directly).
    if settings.TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"][:64]
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(request, *, budget="quote-rate", limit=None):
    """
    Count one more form of the reader's address in ``budget`` and say whether it has gone over ``limit``
    (QUOTE_RATE_LIMIT by default) within QUOTE_RATE_WINDOW seconds, counted in the cache (Redis: across processes
    and machines). The first refusal of an address in a window is logged, not the ones after it.

    When the cache cannot count (Redis unreachable: magazine/cache.py then neither adds nor increments), forms
    are let through, with a log line once per window: a patient's request matters more than a flood that the
    honeypot, the minimum fill time and the one request per form token still hold back, for the minutes
    Redis is away. (Counting in the database instead would write every sender's address beside the health
    data, on every form, for the sake of those minutes.)
    """
    address = client_ip(request)
    key, window = f"{budget}:{address}", settings.QUOTE_RATE_WINDOW
    limit = settings.QUOTE_RATE_LIMIT if limit is None else limit
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # the count expired since add(), or the cache does not answer
            if not cache.add(key, 1, timeout=window):
                throttled_warning(logger, window, "The quote forms' rate limit cannot be counted: letting forms through.")
                return False
            count = 1
    if count > limit:
        log_refusal(address, budget, limit)
    return count > limit


def over_budget(request, *, budget, limit):
    """Whether the reader's address has used up ``budget`` already (without counting this form)."""
    address = client_ip(request)
    if (cache.get(f"{budget}:{address}") or 0) < limit:  # a cache that does not answer counts nothing
        return False
    log_refusal(address, budget, limit)
    return True


def log_refusal(address, budget, limit):
    """One log line for the first refusal of an address in a budget's window, not one per refused form."""
    window = settings.QUOTE_RATE_WINDOW
    if cache.add(f"{budget}-refused:{address}", 1, timeout=window):
        logger.warning("%s sent more than %d forms within %d s: refusing the next ones in this window.", address, limit, window)


# The budgets of the quote form: requests saved, and forms refused by their checks (mistyped, missing a field),
# a larger one, so that a patient who corrects the form several times is never locked out by their corrections.
SENT_BUDGET = "quote-rate"
FAILED_BUDGET = "quote-failed"


def uncount(request):
    """Take back the count of a form the site failed to save: a patient sending it again is not refused for it."""
    try:
        cache.decr(f"{SENT_BUDGET}:{client_ip(request)}")
    except ValueError:  # expired, or the cache does not answer: nothing to take back
        pass


def too_many_requests(request):
    """The 429 page, which says how to reach the triage team another way."""
    return render(request, "quotes/rate_limited.html", {"triage_email": settings.QUOTE_REPLY_TO_EMAIL}, status=429)


# The form runs one script of the site's own files (static/quotes/quote-form.js): the caution of the chosen treatment.
@method_decorator([never_cache, sensitive_post_parameters(), csp_update({"script-src": ["'self'"]})], name="dispatch")
class QuoteRequestView(FormView):
    form_class = QuoteRequestForm
    template_name = "quotes/quoterequest_form.html"

    def get_initial(self):
        initial = {"form_token": new_form_token()}
        article = self.source_article(self.request.GET.get("article"))
        if article:
            initial["article"] = article.slug
            if treatment := article.treatments.filter(is_active=True).first():
                initial["treatment"] = treatment.pk
        treatment_slug = self.request.GET.get("treatment", "")
        if SLUG_RE.fullmatch(treatment_slug):
            if treatment := Treatment.objects.filter(is_active=True, slug=treatment_slug).first():
                initial["treatment"] = treatment.pk
        return initial

    def source_article(self, slug):
        # Only a well-formed slug reaches the database (a NUL byte, for one, is refused by PostgreSQL).
        if not slug or not SLUG_RE.fullmatch(slug[:200]):
            return None
        return Article.objects.published().filter(slug=slug[:200]).first()

    def post(self, request, *args, **kwargs):
        self.counted = False
        if over_budget(request, budget=SENT_BUDGET, limit=settings.QUOTE_RATE_LIMIT) or over_budget(
            request, budget=FAILED_BUDGET, limit=settings.QUOTE_RATE_FAILED_LIMIT
        ):
            return too_many_requests(request)
        try:
            response = super().post(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response.render()  # here, where a database that fails is answered with the patient's input
            return response
        except DATABASE_UNAVAILABLE as error:
            # Nothing was saved: the form's checks and the saving itself need the database (the request's
            # transaction rolled back), and nothing after the commit does.
            database_unavailable(error)
            if self.counted:
                uncount(request)
            return self.not_sent()

    def not_sent(self):
        """
        The form again, filled in with what the patient sent (files excepted: a browser cannot be given them
        back), saying it was not sent, as a 503. Made without the database: the form is not validated again
        (its checks ask the database), and the treatment and destinations chosen, whose names are in the
        database, are kept as hidden fields.
        """
        fields = self.form_class.base_fields
        sent = {
            name: field.widget.value_from_datadict(self.request.POST, {}, name)
            for name, field in fields.items()
            if not isinstance(field.widget, forms.FileInput)
        }
        context = {"form": self.form_class(initial=sent), "kept": ("treatment", "destinations")}
        return retry_later(render(self.request, "quotes/quoterequest_not_sent.html", context))

    def form_invalid(self, form):
        if rate_limited(self.request, budget=FAILED_BUDGET, limit=settings.QUOTE_RATE_FAILED_LIMIT):
            return too_many_requests(self.request)
        if "form_token" in form.errors and not form.has_error("form_token", "too_fast"):
            # A fresh token, so that the corrected form is not refused as expired. Otherwise the token stays:
            # the minimum fill time counts from when the form was first shown, not from this page.
            form.data = form.data.copy()
            form.data["form_token"] = new_form_token()
        return super().form_invalid(form)

    def form_valid(self, form):
        self.counted = True
        if rate_limited(self.request, budget=SENT_BUDGET):
            return too_many_requests(self.request)
        data = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "destinations"}
        quote_request, _ = submit_quote_request(
            data=data,
            destinations=form.cleaned_data["destinations"],
            submission_key=form.submission_key,
            consent_version=CONSENT_VERSION,
            source_article=self.source_article(form.cleaned_data.get("article")),
            records=form.cleaned_data["records"],
        )
        response = redirect("quotes:thanks")
        response.set_signed_cookie(
            RECEIVED_COOKIE, quote_request.reference, salt=RECEIVED_SALT, max_age=RECEIVED_SECONDS,
            path=reverse("quotes:request"), secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
        )  # fmt: skip
        return response

    def get_context_data(self, **kwargs):
        treatments = list(Treatment.objects.filter(is_active=True, is_experimental=True).select_related("related_article"))
        form = kwargs.get("form") or self.get_form()
        chosen = str(form["treatment"].value() or "")
        return super().get_context_data(
            experimental_treatments=treatments,
            chosen_treatment=chosen,
            privacy_page=Page.objects.filter(slug=PRIVACY_SLUG).only("slug", "title").first(),
            retention_days=settings.QUOTE_RETENTION_DAYS,
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class QuoteThanksView(TemplateView):
    template_name = "quotes/quoterequest_thanks.html"

    def get(self, request, *args, **kwargs):
        reference = request.get_signed_cookie(RECEIVED_COOKIE, None, salt=RECEIVED_SALT, max_age=RECEIVED_SECONDS)
        if not reference:
            return redirect("quotes:request")
        try:
            self.quote_request = (
                QuoteRequest.objects.select_related("treatment__related_article").filter(reference=reference).first()
            )
            if self.quote_request is None:  # erased since
                return redirect("quotes:request")
            return super().get(request, *args, **kwargs).render()
        except DATABASE_UNAVAILABLE as error:
            # The cookie is set only once the request is saved: the patient is told so, on a page without what
            # only the database holds (the treatment's caution, the site's navigation).
            database_unavailable(error)
            return render(request, self.template_name, {"reference": reference, "layout": "plain.html"})

    def get_context_data(self, **kwargs):
        return super().get_context_data(quote_request=self.quote_request, reference=self.quote_request.reference, **kwargs)


class PatientQuestionForm(forms.Form):
    text = forms.CharField(
        label="Your question",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        error_messages={"required": "Write your question before sending it."},
    )


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class PatientQuoteView(TemplateView):
    """The patient's page for one quote, reached through the signed link in their e-mail."""

    template_name = "quotes/quote_patient.html"

    def dispatch(self, request, *args, signed, **kwargs):
        try:
            token = quote_token_from_link(signed)
        except signing.SignatureExpired:
            return self.link_error(request, status=410)
        except signing.BadSignature:
            return self.link_error(request, status=404)
        self.quote = (
            Quote.objects.filter(token=token, sent_at__isnull=False)
            .select_related("quote_request__treatment", "destination")
            .prefetch_related("lines")
            .first()
        )
        if self.quote is None:
            return self.link_error(request, status=404)
        response = super().dispatch(request, *args, **kwargs)
        # The address is the patient's key: it never goes to another site. ("no-referrer" would make browsers
        # send "Origin: null" with the page's own forms, which the CSRF check refuses.)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def link_error(self, request, *, status):
        return render(request, "quotes/quote_link_error.html", {"expired": status == 410}, status=status)

    def post(self, request, *args, **kwargs):
        if rate_limited(request):
            return render(request, "quotes/rate_limited.html", status=429)
        if request.POST.get("action") == "accept":
            try:
                record_patient_response(quote=self.quote, kind=PatientMessage.Kind.ACCEPTED)
            except ValidationError as refusal:
                # Such as an expired quote, accepted from a page opened before it expired.
                return self.render_to_response(self.get_context_data(acceptance_refused=refusal), status=409)
            messages.success(request, "Thank you: we have your acceptance and will contact you about the next steps.")
            return redirect(request.path)
        form = PatientQuestionForm(request.POST)
        if form.is_valid():
            record_patient_response(quote=self.quote, kind=PatientMessage.Kind.QUESTION, text=form.cleaned_data["text"])
            messages.success(request, "Thank you: your question has been sent to our team.")
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(question_form=form))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("question_form", PatientQuestionForm())
        return super().get_context_data(
            quote=self.quote, lines=list(self.quote.lines.all()), can_accept=can_be_accepted(self.quote), **kwargs
        )
