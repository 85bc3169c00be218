import logging
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from articles.models import Article
from magazine import ratelimit
from magazine.faults import DATABASE_UNAVAILABLE, database_unavailable, retry_later

from .forms import CONSENT_VERSION, PatientMessageForm, QuoteRequestForm, new_form_token
from .money import negotiated_locale
from .models import Quote, QuoteRequest, Treatment
from .services import accept_quote, quote_token_from_link, submit_quote_request, write_to_triage

SLUG_RE = re.compile(r"[-\w]+")
# The reference of the request a browser has just sent, for the thanks page: a signed cookie, not the session,
# which is written to the database after the view, when the request is already saved (a failing write then
# told the patient their saved request had failed).
RECEIVED_COOKIE = "quote_received"
RECEIVED_SALT = "quotes.received"
RECEIVED_SECONDS = 3600
RATE_SCOPE = "quote-rate"

logger = logging.getLogger(__name__)


def rate_limited(request):
    """
    Whether the reader's address has sent more than QUOTE_RATE_LIMIT forms within QUOTE_RATE_WINDOW seconds
    (magazine/ratelimit.py, which lets forms through while the cache cannot count: a patient's request matters
    more than a flood that the honeypot, the minimum fill time and the one request per form token still hold
    back, for the minutes Redis is away).
    """
    return ratelimit.over_limit(
        request, scope=RATE_SCOPE, limit=settings.QUOTE_RATE_LIMIT, window=settings.QUOTE_RATE_WINDOW,
        label="The quote forms' rate limit", log=logger,
    )  # fmt: skip


def uncount(request):
    """Take back the count of a form the site failed to save: a patient sending it again is not refused for it."""
    ratelimit.uncount(request, scope=RATE_SCOPE)


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


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class QuoteRequestView(FormView):
    form_class = QuoteRequestForm
    template_name = "quotes/quoterequest_form.html"

    def get_initial(self):
        initial = {"form_token": new_form_token()}
        article = self.source_article(self.request.GET.get("article"))
        if article:
            initial["article"] = article.slug
            initial["treatment"] = article.treatments.filter(is_active=True).first()
        treatment_slug = self.request.GET.get("treatment", "")
        if SLUG_RE.fullmatch(treatment_slug):
            if treatment := Treatment.objects.filter(is_active=True, slug=treatment_slug).first():
                initial["treatment"] = treatment
        return initial

    def source_article(self, slug):
        # Only a well-formed slug reaches the database (a NUL byte, for one, is refused by PostgreSQL).
        if not slug or not SLUG_RE.fullmatch(slug[:200]):
            return None
        return Article.objects.published().filter(slug=slug[:200]).first()

    def post(self, request, *args, **kwargs):
        if rate_limited(request):
            return render(request, "quotes/rate_limited.html", status=429)
        try:
            response = super().post(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response.render()  # here, where a database that fails is answered with the patient's input
            return response
        except DATABASE_UNAVAILABLE as error:
            # Nothing was saved: the form's checks and the saving itself need the database (the request's
            # transaction rolled back), and nothing after the commit does.
            database_unavailable(error)
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
        # A fresh token, so that a corrected form is not refused as expired or too quick.
        form.data = form.data.copy()
        form.data["form_token"] = new_form_token()
        return super().form_invalid(form)

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "destinations"}
        data["locale"] = negotiated_locale(self.request.headers.get("Accept-Language"))  # how prices are written
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
        treatments = Treatment.objects.filter(is_active=True, is_experimental=True).select_related("related_article")
        return super().get_context_data(experimental_treatments=treatments, **kwargs)


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
    for the request, side by side (the link's own first), the conversation with our team, and the acceptance.
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
        """The request's quotes the patient was sent, the link's own first, then in the order they were sent."""
        quotes = list(
            self.quote_request.quotes.filter(sent_at__isnull=False)
            .select_related("destination")
            .prefetch_related("lines")
            .order_by("sent_at", "pk")
        )
        for quote in quotes:
            quote.quote_request = self.quote_request  # its prices are written in the request's locale
        return sorted(quotes, key=lambda quote: quote.pk != self.quote.pk)

    def post(self, request, *args, **kwargs):
        if link_rate_limited(self.quote_request):
            return render(request, "quotes/rate_limited.html", status=429)
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
        messages.success(request, "Thank you: your message has been sent to our team. We will answer here and tell you by e-mail.")
        return redirect(request.path + "#conversation")

    def accept(self, request):
        quotes = self.sent_quotes()
        chosen = next((quote for quote in quotes if str(quote.pk) == request.POST.get("quote", str(self.quote.pk))), None)
        if chosen is None:
            refusal = ValidationError("That quote is not one of the quotes of your request.", code="unknown_quote")
            return self.render_to_response(self.get_context_data(acceptance_refused=refusal, quotes=quotes), status=400)
        try:
            accept_quote(quote=chosen)
        except ValidationError as refusal:
            # Such as an expired quote, accepted from a page opened before it expired, or a second acceptance.
            return self.render_to_response(self.get_context_data(acceptance_refused=refusal, quotes=quotes), status=409)
        messages.success(request, "Thank you: we have your acceptance and will contact you about the next steps.")
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("message_form", PatientMessageForm())
        quotes = kwargs.pop("quotes", None) or self.sent_quotes()
        thread = list(self.quote_request.messages.select_related("quote").prefetch_related("records"))
        return super().get_context_data(
            quote=self.quote,
            quote_request=self.quote_request,
            quotes=quotes,
            accepted=next((quote for quote in quotes if quote.accepted_at), None),
            thread=thread,
            **kwargs,
        )
