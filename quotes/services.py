from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from magazine.locales import display_date
from outbox.models import Email
from outbox.services import forget, queue_email

from .models import AccessedRequest, AccessLog, MedicalRecord, PatientMessage, QuoteRequest, StatusChange, new_reference

DUPLICATE_WINDOW = timedelta(days=30)
ERASED_QUERY = "(erased with the patient's requests)"
PATIENT_LINK_SALT = "quotes.patient-link"


def in_patients_language(quote_request):
    """What is written for the patient (e-mails, the links in them) is in the language they wrote their request in."""
    return translation.override(quote_request.language)


def in_staff_language():
    """What is written for triage is in the site's language, whichever language the patient's page was in."""
    return translation.override(settings.LANGUAGE_CODE)


def submit_quote_request(*, data, destinations, submission_key, consent_version, source_article=None, records=()):
    """
    Save a quote request with the e-mails to the patient and the triage inbox, which the worker sends once it is
    committed: the request itself never waits for the mail server.

    ``records`` are ``(file, content_type)`` pairs the form has checked and rewritten (quotes/records.py).
    Returns ``(quote_request, created)``: a form submitted twice (double click,
    browser resend) returns the request the first submission made.
    """
    existing = QuoteRequest.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            quote_request = QuoteRequest(
                **data,
                submission_key=submission_key,
                consent_version=consent_version,
                consented_at=now,
                source_article=source_article,
            )
            quote_request.reference = _unique_reference(now.year)
            quote_request.possible_duplicate_of = find_possible_duplicate(quote_request)
            quote_request.save()
            quote_request.destinations.set(destinations)
            for upload, content_type in records:
                MedicalRecord.objects.create(
                    quote_request=quote_request,
                    file=upload,
                    original_name=upload.name[:255],
                    content_type=content_type,
                    size=upload.size,
                )
            queue_quote_request_emails(quote_request)
    except IntegrityError:
        # The same form arrived twice at once: the other submission won.
        existing = QuoteRequest.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return quote_request, True


def find_possible_duplicate(quote_request):
    """The latest earlier request with the same e-mail and treatment within the last 30 days."""
    since = (quote_request.created_at or timezone.now()) - DUPLICATE_WINDOW
    earlier = QuoteRequest.objects.filter(email__iexact=quote_request.email, created_at__gte=since)
    if quote_request.pk:
        earlier = earlier.exclude(pk=quote_request.pk)
    if quote_request.treatment_id:
        earlier = earlier.filter(treatment_id=quote_request.treatment_id)
    else:
        earlier = earlier.filter(treatment__isnull=True, treatment_other__iexact=quote_request.treatment_other)
    return earlier.order_by("-created_at").first()


def change_status(*, quote_request, to_status, by):
    """Move a request along the workflow, recording who did it; refuses a move the workflow does not allow."""
    from_status = quote_request.status
    if to_status == from_status:
        return
    if to_status not in quote_request.allowed_statuses():
        raise ValidationError(
            "A request cannot go from “%(from)s” to “%(to)s”.",
            code="bad_transition",
            params={
                "from": QuoteRequest.Status(from_status).label,
                "to": QuoteRequest.Status(to_status).label,
            },
        )
    with transaction.atomic():
        quote_request.status = to_status
        quote_request.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(
            quote_request=quote_request, from_status=from_status, to_status=to_status, changed_by=by
        )


def log_access(*, quote_requests, user, action, path="", query=""):
    """One access log entry: ``user`` saw ``quote_requests`` (none, for a search that found nothing) on ``path``."""
    shown = list({quote_request.pk: quote_request for quote_request in quote_requests}.values())
    with transaction.atomic():
        entry = AccessLog.objects.create(user=user, action=action, path=path, query=query)
        AccessedRequest.objects.bulk_create(
            AccessedRequest(entry=entry, quote_request=quote_request, reference=quote_request.reference)
            for quote_request in shown
        )
    return entry


def _unique_reference(year):
    for _ in range(10):
        reference = new_reference(year)
        if not QuoteRequest.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Could not find a free quote reference")


def new_request_emails(quote_request):
    """
    The e-mails a new request sends, as ``queue_email`` takes them. E-mails carry the reference and links only:
    never a name, treatment or condition.
    """
    context = {
        "reference": quote_request.reference,
        "admin_url": settings.SITE_URL + quote_request.get_absolute_url(),
        "magazine_name": settings.MAGAZINE_NAME,
        "triage_email": settings.QUOTE_REPLY_TO_EMAIL,
    }
    with in_patients_language(quote_request):
        to_patient = _email(
            quote_request,
            "quotes/email/patient_confirmation.txt",
            _("Your quote request %(reference)s") % {"reference": quote_request.reference},
            [quote_request.email],
            context,
        )
    with in_staff_language():
        to_triage = _email(
            quote_request,
            "quotes/email/triage_notification.txt",
            f"New quote request {quote_request.reference}",
            [settings.QUOTE_TRIAGE_EMAIL],
            context,
        )
    return [to_patient, to_triage]


def queue_quote_request_emails(quote_request):
    """Write the e-mails of a new request to the outbox, in the transaction that saves it."""
    for email in new_request_emails(quote_request):
        queue_email(**email)


def patient_link(quote):
    """
    A signed, expiring, unguessable address of the quote's page for the patient (no login), in the language of
    their request.
    """
    signed = signing.TimestampSigner(salt=PATIENT_LINK_SALT).sign(quote.token)
    with in_patients_language(quote.quote_request):
        return settings.SITE_URL + reverse("quotes:patient-quote", kwargs={"signed": signed})


def quote_token_from_link(signed):
    """The quote token in a patient link; raises BadSignature, or SignatureExpired once it is too old."""
    max_age = timedelta(days=settings.QUOTE_LINK_MAX_AGE_DAYS)
    return signing.TimestampSigner(salt=PATIENT_LINK_SALT).unsign(signed, max_age=max_age)


def check_sendable(quote):
    """Raises ValidationError when ``quote`` cannot be sent as it is (no lines, or its prices have expired)."""
    if not quote.lines.exists():
        raise ValidationError("Add at least one line before sending the quote.", code="empty_quote")
    if quote.is_expired():
        raise ValidationError("The quote's validity date has passed: change it before sending.", code="expired_quote")


def quote_ready_email(quote):
    """The e-mail that tells the patient their quote is ready, as ``queue_email`` takes it (and as staff preview it)."""
    quote_request = quote.quote_request
    with in_patients_language(quote_request):
        context = {
            "reference": quote_request.reference,
            "link": patient_link(quote),
            "valid_until": display_date(quote.valid_until),  # in the language the e-mail is written in
            "link_days": settings.QUOTE_LINK_MAX_AGE_DAYS,
            "magazine_name": settings.MAGAZINE_NAME,
        }
        subject = _("Your quote %(reference)s is ready") % {"reference": quote_request.reference}
        return _email(quote_request, "quotes/email/quote_ready.txt", subject, [quote_request.email], context)


def send_quote(*, quote, by):
    """E-mail the patient the link to their quote and move the request to "quoted"."""
    quote_request = quote.quote_request
    check_sendable(quote)
    with transaction.atomic():
        if quote_request.status == QuoteRequest.Status.NEW:
            change_status(quote_request=quote_request, to_status=QuoteRequest.Status.IN_REVIEW, by=by)
        change_status(quote_request=quote_request, to_status=QuoteRequest.Status.QUOTED, by=by)
        quote.sent_at = timezone.now()
        quote.save(update_fields=["sent_at"])
        return queue_email(**quote_ready_email(quote))


def can_be_accepted(quote):
    """Whether the patient may accept ``quote``: not once its prices have expired, nor once the patient has
    chosen a quote of the request. Its page asks before it offers the button; accept_quote refuses an acceptance
    that arrives all the same."""
    return not quote.is_expired() and quote.accepted_at is None and quote.not_chosen_at is None


def accept_quote(*, quote):
    """
    The patient accepts ``quote``, one of the quotes their request was sent: it is recorded, the request's other
    quotes are marked as not chosen, the request moves on to "won", and triage is told.

    Refused with a ValidationError, keeping nothing and telling nobody, when the quote's prices have expired or
    the patient has already accepted a quote of this request (the same one or another).
    """
    if quote.sent_at is None:
        raise ValidationError(_("This quote has not been sent to you."), code="not_sent")
    if quote.is_expired():
        raise ValidationError(
            _("These prices held until %(valid_until)s, so this quote can no longer be accepted."),
            code="expired_quote",
            params={"valid_until": display_date(quote.valid_until)},
        )
    with transaction.atomic():
        # The request is locked (PostgreSQL): two acceptances sent at once from two tabs are taken one at a time.
        quote_request = QuoteRequest.objects.select_for_update().get(pk=quote.quote_request_id)
        chosen = quote_request.quotes.filter(accepted_at__isnull=False).first()
        if chosen is not None:
            raise ValidationError(
                _("You accepted %(which)s on %(date)s: a request can accept one quote. To change your mind, write to us below."),
                code="already_accepted",
                params={
                    "which": _("this quote") if chosen.pk == quote.pk
                    else _("the quote from %(clinic)s") % {"clinic": chosen.clinic or _("another clinic")},
                    "date": display_date(chosen.accepted_at),
                },
            )
        now = timezone.now()
        quote.accepted_at = now
        quote.save(update_fields=["accepted_at"])
        quote_request.quotes.filter(sent_at__isnull=False).exclude(pk=quote.pk).update(not_chosen_at=now)
        PatientMessage.objects.create(quote_request=quote_request, quote=quote, kind=PatientMessage.Kind.ACCEPTED)
        _move_to_won(quote_request)
        context = {
            "reference": quote_request.reference,
            "what": "accepted a quote",
            "admin_url": settings.SITE_URL + quote_request.get_absolute_url(),
        }
        with in_staff_language():
            subject = f"Quote accepted on {quote_request.reference}"
            to = [settings.QUOTE_TRIAGE_EMAIL]
            queue_email(**_email(quote_request, "quotes/email/patient_responded.txt", subject, to, context))
    quote.quote_request = quote_request
    return quote


def _move_to_won(quote_request):
    """An accepted quote wins the request, through "quoted" if triage had moved it on since the quote was sent.
    A request closed meanwhile (lost, duplicate, spam) keeps its status: triage, who are told, decide."""
    Status = QuoteRequest.Status
    if quote_request.status != Status.QUOTED and Status.QUOTED in quote_request.allowed_statuses():
        change_status(quote_request=quote_request, to_status=Status.QUOTED, by=None)
    if Status.WON in quote_request.allowed_statuses():
        change_status(quote_request=quote_request, to_status=Status.WON, by=None)


def write_to_triage(*, quote_request, text, records=(), quote=None):
    """
    The patient writes on their quote page, with records attached (``(file, content_type)`` pairs that the form
    has checked and rewritten, as at intake). Triage is told by an e-mail that holds only the reference and the
    admin's link. The request counts as touched (its retention starts again).
    """
    if not text.strip() and not records:
        raise ValidationError("Write a message or attach a file.", code="empty_message")
    with transaction.atomic():
        message = PatientMessage.objects.create(
            quote_request=quote_request, quote=quote, kind=PatientMessage.Kind.QUESTION, text=text.strip()
        )
        for upload, content_type in records:
            MedicalRecord.objects.create(
                quote_request=quote_request,
                message=message,
                file=upload,
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size,
            )
        quote_request.save(update_fields=["updated_at"])
        context = {
            "reference": quote_request.reference,
            "records": len(records),
            "admin_url": settings.SITE_URL + quote_request.get_absolute_url(),
        }
        with in_staff_language():
            subject = f"New message from the patient on {quote_request.reference}"
            to = [settings.QUOTE_TRIAGE_EMAIL]
            queue_email(**_email(quote_request, "quotes/email/new_message_triage.txt", subject, to, context))
    return message


def latest_sent_quote(quote_request):
    return quote_request.quotes.filter(sent_at__isnull=False).order_by("-sent_at", "-pk").first()


def reply_to_patient(*, quote_request, text, by):
    """
    Triage answers the patient, who reads it on their quote page: the e-mail that tells them holds a fresh link
    to that page and nothing else. Refused while no quote has been sent (the patient has no page yet).
    """
    if not text.strip():
        raise ValidationError("Write the reply before sending it.", code="empty_reply")
    quote = latest_sent_quote(quote_request)
    if quote is None:
        raise ValidationError(
            "The patient reads replies on their quote page: send them a quote first, or contact them directly.",
            code="no_quote_sent",
        )
    with transaction.atomic():
        message = PatientMessage.objects.create(
            quote_request=quote_request, kind=PatientMessage.Kind.REPLY, text=text.strip(), author=by
        )
        quote_request.save(update_fields=["updated_at"])
        with in_patients_language(quote_request):
            context = {
                "reference": quote_request.reference,
                "link": patient_link(quote),
                "link_days": settings.QUOTE_LINK_MAX_AGE_DAYS,
                "magazine_name": settings.MAGAZINE_NAME,
            }
            subject = _("A new message about your request %(reference)s") % {"reference": quote_request.reference}
            to = [quote_request.email]
            queue_email(**_email(quote_request, "quotes/email/new_message_patient.txt", subject, to, context))
    return message


def _email(quote_request, template, subject, to, context):
    """An e-mail about ``quote_request``, rendered now, as ``queue_email`` takes it."""
    return {
        "topic": Email.Topic.QUOTES,
        "about": quote_request.reference,
        "subject": subject,
        "body": render_to_string(template, context),
        "to": to,
    }


def retire_catalogue_entries(entries):
    """
    Delete the treatments or destinations in ``entries`` that no request or quote uses, and take the others off
    the quote form instead: a request keeps what its patient chose. Returns ``(deleted, kept)``, lists of entries.
    """
    model = entries.model
    with transaction.atomic():
        # Locked first (PostgreSQL): a patient choosing one of them meanwhile waits, and is then counted as a use.
        pks = list(entries.values_list("pk", flat=True))
        locked = list(model.objects.filter(pk__in=pks).order_by("pk").select_for_update())
        used = set(model.objects.filter(pk__in=pks).in_use().values_list("pk", flat=True))
        kept = [entry for entry in locked if entry.pk in used]
        deleted = [entry for entry in locked if entry.pk not in used]
        model.objects.filter(pk__in=[entry.pk for entry in kept]).update(is_active=False)
        model.objects.filter(pk__in=[entry.pk for entry in deleted]).delete()
    for entry in kept:
        entry.is_active = False
    return deleted, kept


def erase_quote_requests(quote_requests):
    """
    Delete requests with everything attached to them (notes, quotes, the conversation with the patient, record
    files, also those attached to its messages).

    The access log keeps who saw them, when and where, with their references; the query of a page that showed
    one of them (a search may have named the patient) goes with them, and so do the e-mails about them, sent
    or not. Returns the references erased and the number of record files removed.
    """
    references, files = [], 0
    with transaction.atomic():
        # Before the requests go, while the entries still point at them: a search may have named the patient.
        showed = AccessedRequest.objects.filter(quote_request__in=quote_requests.values("pk")).values("entry_id")
        AccessLog.objects.filter(pk__in=showed).exclude(query="").update(query=ERASED_QUERY)
        for quote_request in quote_requests.prefetch_related("records"):
            for record in quote_request.records.all():
                record.delete()
                files += 1
            references.append(quote_request.reference)
            quote_request.delete()
        forget(topic=Email.Topic.QUOTES, about=references)
    return references, files
