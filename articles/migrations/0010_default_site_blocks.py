from django.db import migrations
from django.db.models import F

# Article pages show the medical disclaimer and the quote call to action only when these site blocks exist,
# and editors may change blocks but not create them: every site starts with them. A site that has a block of
# a kind keeps its own wording. The bodies are written as SiteBlock.save() stores them, already sanitised
# (articles/sanitize.py): the historical model of a migration does not sanitise. The certification promo is
# left out: it advertises a third party, which is an editorial decision, not a default.
DEFAULT_BLOCKS = [
    {
        "kind": "disclaimer",
        "title": "Medical disclaimer",
        "body": "<p>The articles in this magazine are for general information only. They are not medical advice and "
        "do not replace a consultation with a doctor or another qualified health professional who knows your "
        "medical history.</p>"
        "<p>Talk to your doctor before you start, change or stop any treatment, and before you travel for "
        "treatment. In an emergency, call your local emergency number.</p>"
        "<p>Mentioning a clinic, hospital, treatment or destination is not an endorsement or a "
        "recommendation.</p>",
    },
    {
        "kind": "quote_cta",
        "title": "Considering treatment abroad?",
        "body": "<p>Tell us about the treatment you are considering and we will send you a free, no-obligation "
        "quote with a detailed breakdown of the costs: what is included, what is not, and what to ask before "
        "you decide.</p>",
        "link_text": "Get a free quote",
        "link_url": "/quote/",
    },
]


def create_default_blocks(apps, schema_editor):
    alias = schema_editor.connection.alias
    blocks = apps.get_model("articles", "SiteBlock").objects.using(alias)
    created = [blocks.get_or_create(kind=block["kind"], defaults=block)[1] for block in DEFAULT_BLOCKS]
    if any(created):
        # Readers see the new blocks: pages cached before (in a shared cache) are made old, as by any edit.
        apps.get_model("magazine", "SiteVersion").objects.using(alias).update(value=F("value") + 1)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_article_reading_minutes"), ("magazine", "0001_site_version")]

    # Going back leaves the blocks: by then they may hold what editors wrote.
    operations = [migrations.RunPython(create_default_blocks, migrations.RunPython.noop)]
