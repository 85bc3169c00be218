from django.db import migrations


def link_quotes_to_clinics_of_the_same_name(apps, schema_editor):
    """
    Quotes written before the directory name their clinic in words: each is linked to the directory's clinic of
    that name (case and spacing aside), when there is exactly one. The others are left as they are, for
    ``manage.py link_quote_clinics``, which lists them and links those a human decides.
    """
    from quotes.clinic_links import link_quotes_by_name  # works on the querysets it is given

    Quote = apps.get_model("quotes", "Quote")
    Clinic = apps.get_model("clinics", "Clinic")
    links = link_quotes_by_name(quotes=Quote.objects.all(), clinics=Clinic.objects.all())
    left = sum(count for count, _ in links.ambiguous.values()) + sum(links.unmatched.values())
    if left:
        print(
            f"\n  {sum(links.linked.values())} quote(s) linked to the directory's clinic of their name; {left} left as "
            "they are (their clinic's name matches no clinic or several): see manage.py link_quote_clinics."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0001_clinics_directory"),
        ("quotes", "0013_treatment_translated_texts"),
    ]

    operations = [
        # Backwards, the links stay: the field is there before this migration, and staff may have made some since.
        migrations.RunPython(link_quotes_to_clinics_of_the_same_name, migrations.RunPython.noop),
    ]
