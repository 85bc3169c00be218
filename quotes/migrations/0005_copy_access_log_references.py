from django.db import migrations

BATCH = 2000


def to_accessed_requests(apps, schema_editor):
    """Each entry so far named one request: it becomes the entry's one accessed request."""
    AccessLog = apps.get_model("quotes", "AccessLog")
    AccessedRequest = apps.get_model("quotes", "AccessedRequest")
    rows = AccessLog.objects.values_list("pk", "quote_request_id", "reference").order_by("pk").iterator(chunk_size=BATCH)
    AccessedRequest.objects.bulk_create(
        (AccessedRequest(entry_id=pk, quote_request_id=quote_request_id, reference=reference) for pk, quote_request_id, reference in rows),
        batch_size=BATCH,
    )


def to_entry_fields(apps, schema_editor):
    """Back to one request an entry: its first (an entry that showed several keeps the first one)."""
    AccessLog = apps.get_model("quotes", "AccessLog")
    AccessedRequest = apps.get_model("quotes", "AccessedRequest")
    seen = set()
    for accessed in AccessedRequest.objects.order_by("entry_id", "pk").iterator(chunk_size=BATCH):
        if accessed.entry_id not in seen:
            seen.add(accessed.entry_id)
            AccessLog.objects.filter(pk=accessed.entry_id).update(
                quote_request_id=accessed.quote_request_id, reference=accessed.reference
            )
    AccessedRequest.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0004_accessedrequest"),
    ]

    operations = [
        migrations.RunPython(to_accessed_requests, to_entry_fields),
    ]
