"""The outbox's tasks, run by the worker (manage.py mail_worker). Each is a thin call of outbox.services."""

from django_tasks import task


@task()
def deliver(email_id):
    from . import services

    services.deliver(email_id)


@task()
def requeue_lost_emails():
    from . import services

    services.requeue_lost()
    services.schedule_sweep(after=services.SWEEP_EVERY)
