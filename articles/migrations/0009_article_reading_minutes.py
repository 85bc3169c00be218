import math
import re

from django.db import migrations, models

# The reading time is counted when an article is saved (Article.save), not at every page view. Articles
# saved before are counted here, by the same rule, written out so that this migration never changes.
WORDS_PER_MINUTE = 230
TAG_RE = re.compile(r"<[^>]*>")
BATCH = 1000


def count_reading_time(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = Article.objects.using(schema_editor.connection.alias)
    changed = []
    for pk, body in articles.order_by().values_list("pk", "body").iterator(chunk_size=BATCH):
        minutes = max(1, math.ceil(len(TAG_RE.sub(" ", body).split()) / WORDS_PER_MINUTE))
        if minutes != 1:  # the new column's default
            changed.append(Article(pk=pk, reading_minutes=minutes))
        if len(changed) == BATCH:
            articles.bulk_update(changed, ["reading_minutes"])
            changed = []
    articles.bulk_update(changed, ["reading_minutes"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_article_listing_covering_index")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="reading_minutes",
            field=models.PositiveIntegerField(
                default=1,
                editable=False,
                help_text="Minutes to read the body, counted when it is saved.",
                verbose_name="reading time",
            ),
        ),
        migrations.RunPython(count_reading_time, migrations.RunPython.noop, elidable=True),
    ]
