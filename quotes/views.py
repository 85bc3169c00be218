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
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView
from csp.decorators import csp_update

from articles.models import Article, Page
from clinics.models import valid_accreditations
from magazine import ratelimit
from magazine.faults import DATABASE_UNAVAILABLE, database_unavailable, retry_later
from magazine.i18n import reader_language

from .forms import CONSENT_VERSION, PatientMessageForm, QuoteRequestForm, new_form_token
from .money import negotiated_locale
from .models import Quote, QuoteRequest, Treatment
from .services import accept_quote, quote_token_from_link, submit_quote_request, write_to_triage

SLUG_RE = re.compile(r"[-\w]+")
PRIVACY_SLUG = "privacy"  # the privacy notice (articles.Page), which editors keep; load_demo_content makes it
# The reference of the request a browser has just sent, for the thanks page: a signed cookie, not the session,
# which is written to the database after the view, when the request is already saved (a failing write then
# told the patient their saved request had failed).
RECEIVED_COOKIE = "quote_received"
RECEIVED_SALT = "quotes.received"
RECEIVED_SECONDS = 3600

logger = logging.getLogger(__name__)


def rate_limited(request, *, budget="quote-rate", limit=None):
    """
    Count one more form of the reader's address in ``budget`` and say whether it has gone over ``limit``
    (QUOTE_RATE_LIMIT by default) within QUOTE_RATE_WINDOW seconds (magazine/ratelimit.py: counted in the cache,
    across processes and machines). The first refusal of an address in a window is logged, not the ones after it.

    When the cache cannot count, forms are let through, with a log line once per window: a patient's request
    matters more than a flood that the honeypot, the minimum fill time and the one request per form token still
    hold back, for the minutes Redis is away.
    """
    address = ratelimit.client_ip(request)
    limit = settings.QUOTE_RATE_LIMIT if limit is None else limit
    uncountable = "The quote forms' rate limit cannot be counted: letting forms through."
    count = ratelimit.counted(f"{budget}:{address}", window=settings.QUOTE_RATE_WINDOW, uncountable=uncountable, log=logger)
    if count is None:
        return False
    if count > limit:
        log_refusal(address, budget, limit)
    return count > limit


def over_budget(request, *, budget, limit):
    """Whether the reader's address has used up ``budget`` already (without counting this form)."""
    address = ratelimit.client_ip(request)
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
    ratelimit.uncounted(f"{SENT_BUDGET}:{ratelimit.client_ip(request)}")


def link_rate_limited(quote_request):
    """
    Whether the patient's page of ``quote_request`` has taken more than QUOTE_LINK_RATE_LIMIT actions (accepting,
    writing) within QUOTE_LINK_RATE_WINDOW seconds. Its own budget, counted per request rather than per address:
    what the quote form refused from the patient's address (a few mistyped forms, a shared network) never stops
    them from answering on their own page, and only the holder of the signed link can use it up.
    """
    window, limit = settings.QUOTE_LINK_RATE_WINDOW, settings.QUOTE_LINK_RATE_LIMIT
    uncountable = "The patient pages' rate limit cannot be counted: letting their actions through."
    count = ratelimit.counted(f"quote-link-rate:{quote_request.pk}", window=window, uncountable=uncountable, log=logger)
    if count is None:
        return False
    if count == limit + 1:
        logger.warning("The page of %s took more than %d actions within %d s: refusing the next ones in this window.", quote_request.reference, limit, window)
    return count > limit


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
            # A translation asks for the treatment of the article it translates (the catalogue names its original).
            original = article.translation_of_id or article.pk
            if treatment := Treatment.objects.filter(is_active=True, related_article_id=original).first():
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
        data["locale"] = negotiated_locale(self.request.headers.get("Accept-Language"))  # how prices are written
        data["language"] = reader_language()  # the page's: the patient's e-mails and quote page are in it
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


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class PatientQuoteView(TemplateView):
    """
    The patient's page of their request, reached through the signed link of one of its quotes: every quote sent
    for the request, side by side in the order they were sent (the link's own marked), the conversation with our
    team, and the acceptance.
    """

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
            .select_related("quote_request__treatment__related_article")
            .first()
        )
        if self.quote is None:
            return self.link_error(request, status=404)
        self.quote_request = self.quote.quote_request
        response = super().dispatch(request, *args, **kwargs)
        # The address is the patient's key: it never goes to another site. ("no-referrer" would make browsers
        # send "Origin: null" with the page's own forms, which the CSRF check refuses.)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def link_error(self, request, *, status):
        return render(request, "quotes/quote_link_error.html", {"expired": status == 410}, status=status)

    def sent_quotes(self):
        """
        The request's quotes the patient was sent, in the order they were sent, whichever link opened the page: each
        e-mail leads to one quote (the latest, for a reply), and "Quote 1" must stay the quote the patient compared
        and wrote about as "Quote 1", its button where it was.
        """
        quotes = list(
            self.quote_request.quotes.filter(sent_at__isnull=False)
            .select_related("destination", "clinic_listing")
            .prefetch_related("lines", valid_accreditations("clinic_listing__"))
            .order_by("sent_at", "pk")
        )
        for quote in quotes:
            quote.quote_request = self.quote_request  # its prices are written in the request's locale
        return quotes

    def post(self, request, *args, **kwargs):
        if link_rate_limited(self.quote_request):
            return too_many_requests(request)
        if request.POST.get("action") == "accept":
            return self.accept(request)
        form = PatientMessageForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(message_form=form))
        write_to_triage(
            quote_request=self.quote_request,
            quote=self.quote,
            text=form.cleaned_data["text"],
            records=form.cleaned_data["records"],
        )
        messages.success(request, _("Thank you: your message has been sent to our team. We will answer here and tell you by e-mail."))
        return redirect(request.path + "#conversation")

    def accept(self, request):
        quotes = self.sent_quotes()
        chosen = next((quote for quote in quotes if str(quote.pk) == request.POST.get("quote", str(self.quote.pk))), None)
        if chosen is None:
            refusal = ValidationError(_("That quote is not one of the quotes of your request."), code="unknown_quote")
            return self.render_to_response(self.get_context_data(acceptance_refused=refusal, quotes=quotes), status=400)
        try:
            accept_quote(quote=chosen)
        except ValidationError as refusal:
            # Such as an expired quote, accepted from a page opened before it expired, or a second acceptance.
            return self.render_to_response(self.get_context_data(acceptance_refused=refusal, quotes=quotes), status=409)
        messages.success(request, _("Thank you: we have your acceptance and will contact you about the next steps."))
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("message_form", PatientMessageForm())
        quotes = kwargs.pop("quotes", None) or self.sent_quotes()
        thread = list(self.quote_request.messages.select_related("quote").prefetch_related("records"))
        return super().get_context_data(
            quote=self.quote,
            linked=self.quote,  # marked among the quotes, whose loop names each ``quote``
            quote_request=self.quote_request,
            quotes=quotes,
            accepted=next((quote for quote in quotes if quote.accepted_at), None),
            thread=thread,
            **kwargs,
        )
