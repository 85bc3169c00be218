from django.apps import AppConfig

# Who sees which e-mails, and may send a failed one again: each kind goes to the staff whose business it is.
# Nobody else: an e-mail about a quote request names the patient's address.
SEND_AGAIN = ("view", "resend")


class OutboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = "e-mails"

    # What each staff group may do with this app's models (manage.py setup_groups).
    staff_permissions = {
        "Quote triage": {"quoteemail": SEND_AGAIN},
        "Triage managers": {"quoteemail": SEND_AGAIN},
        "Editors": {"reviewreminderemail": SEND_AGAIN},
        "Newsletter managers": {"newsletteremail": SEND_AGAIN},
    }
