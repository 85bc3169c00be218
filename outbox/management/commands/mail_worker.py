from django_tasks_db.management.commands import db_worker

from outbox import services


class Command(db_worker.Command):
    help = (
        "Run the site's task worker, which sends the queued e-mails: django-tasks' db_worker (same options), after "
        "queuing again the e-mails whose task was lost and making sure a task keeps looking for such e-mails. Run "
        "as many as you like, on any machines."
    )

    def handle(self, *args, **options):
        services.requeue_lost()
        services.schedule_sweep()
        super().handle(*args, **options)
