"""
The newsletter's pages. None of them uses a CSRF token, so that the sign-up form can sit in the footer of every
cached page without the CSRF cookie (and ``Vary: Cookie``) that would keep those pages out of the page cache:

- the sign-up endpoint only ever makes a *pending* subscription and sends a confirmation to the address given;
  nothing changes for that address until its owner follows the link, so a forged cross-site post achieves what
  the attacker could do by filling the form in themselves. It is rate-limited per address (magazine/ratelimit.py).
- confirming and unsubscribing are authenticated by the signed link itself, which another site cannot know; the
  unsubscribe link takes the mail clients' one-click POST (RFC 8058), which carries no token either. A GET of
  either link only shows a button: mail scanners open links, and must not (un)subscribe anyone.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from magazine import ratelimit
from magazine.pagecache import public_page

from . import services
from .forms import CONSENT_TEXT, CONSENT_VERSION, SignupForm

RATE_SCOPE = "newsletter-rate"


@method_decorator(csrf_exempt, name="dispatch")
class SignupView(FormView):
    """The sign-up page (GET, a cached public page) and where every sign-up form posts to (the footer's too)."""

    form_class = SignupForm
    template_name = "newsletter/signup.html"

    @method_decorator(public_page)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @method_decorator(never_cache)
    def post(self, request, *args, **kwargs):
        limited = ratelimit.over_limit(
            request, scope=RATE_SCOPE, limit=settings.NEWSLETTER_RATE_LIMIT, window=settings.NEWSLETTER_RATE_WINDOW,
            label="The newsletter sign-ups' rate limit",
        )  # fmt: skip
        if limited:
            return render(request, "newsletter/rate_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"source": self.request.path}

    def form_invalid(self, form):
        # The same page, with what was typed and what to correct; 400 so that nothing caches or counts it.
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        services.sign_up(
            email=form.cleaned_data["email"],
            consent_text=str(CONSENT_TEXT),  # as the reader read it, in their language
            consent_version=CONSENT_VERSION,
            source_page=form.cleaned_data["source"],
        )
        # The same answer whatever the address: nobody learns from the form who is subscribed.
        return redirect("newsletter:thanks")


@method_decorator(public_page, name="dispatch")
class ThanksView(TemplateView):
    template_name = "newsletter/thanks.html"


class SignedLinkView(TemplateView):
    """A page reached from a signed link in an e-mail: a GET shows a button, the POST does it."""

    find = None  # services.subscriber_to_confirm or services.subscriber_to_unsubscribe

    @method_decorator([csrf_exempt, never_cache])
    def dispatch(self, request, *args, **kwargs):
        try:
            self.subscriber = type(self).find(kwargs["signed"])
        except services.BadLink as error:
            return render(request, "newsletter/link_error.html", {"reason": error.reason}, status=400)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(subscriber=self.subscriber, **kwargs)


class ConfirmView(SignedLinkView):
    template_name = "newsletter/confirm.html"
    find = staticmethod(services.subscriber_to_confirm)

    def post(self, request, *args, **kwargs):
        services.confirm(self.subscriber)
        if self.subscriber.status != self.subscriber.Status.ACTIVE:
            # Unsubscribed since the link was sent: it no longer subscribes them.
            return render(request, "newsletter/link_error.html", {"reason": "used"}, status=400)
        return render(request, "newsletter/confirmed.html", {"subscriber": self.subscriber})


class UnsubscribeView(SignedLinkView):
    template_name = "newsletter/unsubscribe.html"
    find = staticmethod(services.subscriber_to_unsubscribe)

    def post(self, request, *args, **kwargs):
        # The page's button and a mail client's one-click POST (body "List-Unsubscribe=One-Click") alike.
        services.unsubscribe(self.subscriber)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": self.subscriber})
